//! The composite risk index (INFORM-style, `riskmap_score::composite`) of every region and
//! every district for every quarter with data, scored from the exact sums for readers inside
//! their scope (the view layer keeps it per data version); and its disclosure.
//!
//! Inputs are the stored sums of each unit × quarter (the current revision of every school);
//! `score_periods` pools each indicator over its rolling window, smooths count rates by global
//! empirical Bayes across the level's units, and scores the whole panel in one call (back-cast),
//! so a unit's score for a quarter does not depend on which quarter was asked for first.
//!
//! **Disclosure.** The composite (0–10, rounded to 0.1) and its three dimension scores are
//! shown as quantities published by `Discloser::quantity`, and hidden (`c`) where
//! the reader may not see the unit's S1 indicators. Inside the reader's scope they come from
//! these exact scores; outside it from the release's composite, which is scored from the
//! protected counts only (`release.rs`). A driver is listed only where that indicator's own
//! value is visible to the reader.

use std::collections::HashMap;

use super::discloser::{Cell, Discloser};
use riskmap_model::{AdminLevel, Audience, Disclosed, Kato, Period, Sensitivity};
use riskmap_score::composite::{
    PeriodScores, Submission, UnitPeriodInput, UnitScore, score_periods,
};
use riskmap_score::methodology::Methodology;

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

/// Scores the composite of every unit of `level` for every quarter of `sums` (back-cast).
pub fn score_level(
    geography: &riskmap_geo::Geography,
    level: AdminLevel,
    sums: &super::sums::LevelSums,
    data_version: i64,
) -> Result<LevelScores, Error> {
    let region_of = |kato: &Kato| -> String {
        if level == AdminLevel::Region {
            kato.to_string()
        } else {
            geography
                .district(kato)
                .map_or_else(|| kato.to_string(), |d| d.region.to_string())
        }
    };
    let inputs: Vec<UnitPeriodInput> = sums
        .units()
        .flat_map(|kato| {
            sums.unit(kato)
                .into_iter()
                .map(move |(period, measures)| (kato, period, measures))
        })
        .map(|(kato, period, measures)| UnitPeriodInput {
            unit: kato.to_string(),
            region: region_of(kato),
            parent: None,
            period,
            // Timeliness is a school's attribute; a unit's sums carry no lateness of their own.
            submission: Submission::OnTime,
            measures: measures.clone(),
        })
        .collect();
    let methodology = Methodology::builtin();
    let scored = score_periods(&methodology, &inputs).map_err(|e| Error::Internal {
        message: format!("composite: {e}"),
    })?;
    Ok(LevelScores {
        data_version,
        model_version: methodology.version.clone(),
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
    })
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
    discloser: &super::Discloser,
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
    let show = |value: Option<f64>| {
        discloser.composite_score(value.map(|v| (v * 10.0).round() / 10.0), &cell)
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
    let visible = Discloser::published(&shown);
    DisclosedComposite {
        score: shown,
        dimensions: score.dimensions.map(show),
        band: score.quintile_national.filter(|_| visible),
        rank: score.rank.filter(|_| visible),
        availability: visible.then_some(score.reliability.availability),
    }
}
