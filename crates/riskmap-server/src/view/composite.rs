//! The composite risk index (INFORM-style, `riskmap_score::composite`) of every region and
//! every district for every quarter with data, scored once per data version and kept until the
//! data change; and its disclosure.
//!
//! Inputs are the stored sums of each unit × quarter (the current revision of every school);
//! `score_periods` pools each indicator over its rolling window, smooths count rates by global
//! empirical Bayes across the level's units, and scores the whole panel in one call (back-cast),
//! so a unit's score for a quarter does not depend on which quarter was asked for first.
//!
//! **Disclosure.** The composite (0–10, rounded to 0.1) and its three dimension scores are
//! indices built from at least two thirds of a dozen treated, smoothed and goalpost-scaled
//! indicators; no count can be recovered from them. They are shown wherever the caller may see
//! the unit's S1 indicators (the public: regions only; an akimat: its region's districts and
//! every region), as a quantity published by `SuppressionPolicy::quantity`, and hidden (`c`)
//! elsewhere, because they summarise S1 and S2 rates. A driver names an indicator and its
//! points in the composite; it is listed only where that indicator's own value is visible to
//! the caller.

use std::collections::HashMap;
use std::sync::Arc;

use riskmap_model::suppression::Cell;
use riskmap_model::{
    Access, AdminLevel, Audience, Disclosed, Kato, Period, Sensitivity, SuppressionPolicy,
};
use riskmap_score::composite::{
    PeriodScores, Submission, UnitPeriodInput, UnitScore, score_periods,
};
use riskmap_score::methodology::Methodology;

use crate::AppState;
use crate::http::Error;

/// The scores of one level (regions or districts) for every quarter with data.
#[derive(Debug)]
pub struct LevelScores {
    /// Data version the scores were built from.
    pub data_version: i64,
    /// Methodology version.
    pub model_version: String,
    by_period: HashMap<Period, (PeriodScores, HashMap<String, usize>)>,
}

impl LevelScores {
    /// The score of `unit` for the rolling window ending with `period`.
    pub fn unit(&self, period: Period, unit: &Kato) -> Option<&UnitScore> {
        let (scores, index) = self.by_period.get(&period)?;
        index.get(unit.as_str()).map(|&i| &scores.units[i])
    }

    /// The scored quarters, oldest first.
    pub fn periods(&self) -> Vec<Period> {
        let mut periods: Vec<Period> = self.by_period.keys().copied().collect();
        periods.sort();
        periods
    }
}

/// Scores per (level, data version), built once each (concurrent requests wait for one build).
#[derive(Debug, Default)]
pub struct CompositeCache {
    slots: tokio::sync::Mutex<HashMap<AdminLevel, Arc<LevelScores>>>,
}

/// The scores of `level` (region or district) at the current data version.
pub async fn level_scores(state: &AppState, level: AdminLevel) -> Result<Arc<LevelScores>, Error> {
    let (version, periods) = state.periods().await?;
    let mut slots = state.composite.slots.lock().await;
    if let Some(found) = slots.get(&level).filter(|s| s.data_version == version) {
        return Ok(found.clone());
    }
    let sums = Arc::unwrap_or_clone(crate::sums::unit_period_sums(state, level, &periods).await?);
    let region_of = |kato: &Kato| -> String {
        if level == AdminLevel::Region {
            kato.to_string()
        } else {
            state
                .geography
                .district(kato)
                .map_or_else(|| kato.to_string(), |d| d.region.to_string())
        }
    };
    let inputs: Vec<UnitPeriodInput> = sums
        .into_iter()
        .map(|row| UnitPeriodInput {
            unit: row.unit.to_string(),
            region: region_of(&row.unit),
            parent: None,
            period: row.period,
            // Timeliness is a school's attribute; a unit's sums carry no lateness of their own.
            submission: Submission::OnTime,
            measures: row.sums,
        })
        .collect();
    let methodology = Methodology::builtin();
    let model_version = methodology.version.clone();
    let scored = tokio::task::spawn_blocking(move || score_periods(&methodology, &inputs))
        .await
        .map_err(|e| Error::Internal {
            message: format!("composite task failed: {e}"),
        })?
        .map_err(|e| Error::Internal {
            message: format!("composite: {e}"),
        })?;
    let scores = Arc::new(LevelScores {
        data_version: version,
        model_version,
        by_period: scored
            .into_iter()
            .map(|p| {
                let index = p
                    .units
                    .iter()
                    .enumerate()
                    .map(|(i, u)| (u.unit.clone(), i))
                    .collect();
                (p.period, (p, index))
            })
            .collect(),
    });
    slots.insert(level, scores.clone());
    Ok(scores)
}

/// One unit's composite as a caller may see it.
#[derive(Debug, Clone)]
pub struct DisclosedComposite {
    /// The composite, 0–10.
    pub score: Disclosed<f64>,
    /// Harm and exposure, vulnerability, lack of coping capacity (0–10 each).
    pub dimensions: [Disclosed<f64>; 3],
    /// National quintile of the composite, 1 (lowest) to 5.
    pub band: Option<u8>,
    /// 1 = highest composite among the level's units.
    pub rank: Option<usize>,
    /// Share of the methodology's indicators available.
    pub availability: Option<f64>,
}

/// Names of the three dimensions, in [`DisclosedComposite::dimensions`] order.
pub const DIMENSIONS: [&str; 3] = ["harm", "vulnerability", "coping"];

/// Discloses `unit`'s composite for `audience`.
pub fn disclose(
    score: Option<&UnitScore>,
    policy: &SuppressionPolicy,
    audience: &Audience,
    level: AdminLevel,
    unit: &Kato,
) -> DisclosedComposite {
    let cell = Cell {
        sensitivity: Sensitivity::S0,
        level,
        unit,
        audience,
    };
    let hidden = audience.access(Sensitivity::S1, level, unit) == Access::Hidden;
    let show = |value: Option<f64>| match value {
        _ if hidden => Disclosed::suppressed(),
        Some(v) => policy.quantity((v * 10.0).round() / 10.0, &cell),
        None => Disclosed::not_available(),
    };
    let Some(score) = score else {
        return DisclosedComposite {
            score: show(None),
            dimensions: [show(None), show(None), show(None)],
            band: None,
            rank: None,
            availability: None,
        };
    };
    let shown = show(score.composite);
    let visible = shown.value().is_some();
    DisclosedComposite {
        score: shown,
        dimensions: score.dimensions.map(show),
        band: score.quintile_national.filter(|_| visible),
        rank: score.rank.filter(|_| visible),
        availability: visible.then_some(score.reliability.availability),
    }
}
