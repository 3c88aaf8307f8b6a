//! Progress of one unit against the plan's −5 %/year targets (Resolution 748, expected results
//! 1–3) for the unit profile: for each tracked series, the unit's own baseline, its yearly
//! targets, the count observed so far in the period's year with its exact Poisson interval and
//! status (`riskmap_score::plan_tracking`), the yearly counts for the chart, and the national
//! progress against the published targets.
//!
//! **Baseline.** Nationally the plan's 2022 figure and published targets. For a region or a
//! district, its own count in the earliest calendar year with all four quarters in the store
//! (2022, else 2023, …), held to the same −5 % a year by the truncation rule.
//!
//! **Disclosure.** Every count (baseline, observed, yearly) passes `SuppressionPolicy::count`
//! for the caller at the unit's level, and the targets, interval and status are computed from
//! the *disclosed* counts only: when a count is suppressed the series shows its symbol and no
//! status, so nothing here is finer than what the caller may already see.

use std::collections::HashMap;

use riskmap_model::suppression::Cell;
use riskmap_model::{
    AdminLevel, Audience, Disclosed, Kato, Period, Sensitivity, SuppressionPolicy,
};
use riskmap_score::methodology::{Methodology, PlanSeries};
use riskmap_score::plan_tracking::{
    Progress, Status, TargetSource, target_by_rule, track_national, track_region,
};
use riskmap_store::UnitPeriodSums;

use super::wire::WireCount;

/// Who reads about which unit.
pub(crate) struct PlanReader<'a> {
    pub(crate) policy: &'a SuppressionPolicy,
    pub(crate) audience: &'a Audience,
    pub(crate) level: AdminLevel,
    pub(crate) unit: &'a Kato,
}

/// The `plan` block of a unit profile for the year of `period`.
pub(crate) fn plan_json(
    reader: &PlanReader<'_>,
    own: &[&UnitPeriodSums],
    national: &[&UnitPeriodSums],
    country: &Kato,
    available: &[Period],
    period: Period,
) -> serde_json::Value {
    let m = Methodology::builtin();
    let year = period.year();
    let observed_quarters: Vec<Period> = available
        .iter()
        .copied()
        .filter(|p| p.year() == year && *p <= period)
        .collect();
    #[allow(clippy::cast_possible_truncation, reason = "at most four quarters")]
    let quarters_observed = observed_quarters.len() as u8;
    let complete_years = complete_years(available);
    let national_reader = PlanReader {
        level: AdminLevel::Country,
        unit: country,
        ..*reader
    };
    let series: Vec<serde_json::Value> = m
        .plan
        .series
        .iter()
        .map(|series| {
            let counts = yearly_counts(own, series, &complete_years, &observed_quarters);
            let national_counts =
                yearly_counts(national, series, &complete_years, &observed_quarters);
            let unit = if reader.level == AdminLevel::Country {
                track_published(
                    &m,
                    series,
                    &national_reader,
                    &national_counts,
                    year,
                    quarters_observed,
                )
            } else {
                track_own(&m, series, reader, &counts, year, quarters_observed)
            };
            let national = track_published(
                &m,
                series,
                &national_reader,
                &national_counts,
                year,
                quarters_observed,
            );
            serde_json::json!({
                "code": series.code,
                "measure": series.measure.column(),
                "unit": unit,
                "national": national,
            })
        })
        .collect();
    serde_json::json!({
        "year": year,
        "quarters_observed": quarters_observed,
        "annual_reduction_percent": m.plan.annual_reduction_percent,
        "confidence": m.plan.confidence,
        "model_version": m.version,
        "series": series,
    })
}

/// Counts of one series: every complete calendar year, and the observed part of `year`.
struct YearlyCounts {
    complete: Vec<(u16, u64)>,
    observed: Option<u64>,
}

fn yearly_counts(
    sums: &[&UnitPeriodSums],
    series: &PlanSeries,
    complete_years: &[u16],
    observed_quarters: &[Period],
) -> YearlyCounts {
    let mut by_period: HashMap<Period, f64> = HashMap::new();
    for row in sums {
        if let Some(value) = row.sums.get(series.measure) {
            *by_period.entry(row.period).or_default() += value;
        }
    }
    let total = |periods: &mut dyn Iterator<Item = Period>| -> Option<u64> {
        let values: Vec<f64> = periods.filter_map(|p| by_period.get(&p).copied()).collect();
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "sums of whole non-negative counts"
        )]
        (!values.is_empty()).then(|| values.iter().sum::<f64>().round().max(0.0) as u64)
    };
    let complete = complete_years
        .iter()
        .filter_map(|&y| {
            let quarters = (1..=4).filter_map(move |q| Period::new(y, q).ok());
            total(&mut quarters.into_iter()).map(|n| (y, n))
        })
        .collect();
    YearlyCounts {
        complete,
        observed: total(&mut observed_quarters.iter().copied()),
    }
}

/// Calendar years with all four quarters among `available`, oldest first.
fn complete_years(available: &[Period]) -> Vec<u16> {
    let mut years: Vec<u16> = available.iter().map(|p| p.year()).collect();
    years.dedup();
    years
        .into_iter()
        .filter(|&y| available.iter().filter(|p| p.year() == y).count() == 4)
        .collect()
}

/// Discloses a count of `series`; `whole_year` says whether it covers a whole calendar year
/// (domain §4.3: the public sees S2 counts only as calendar-year totals).
fn count(
    reader: &PlanReader<'_>,
    series: &PlanSeries,
    value: u64,
    whole_year: bool,
) -> Disclosed<u64> {
    let sensitivity = series.measure.sensitivity();
    if !whole_year && *reader.audience == Audience::Public && sensitivity == Sensitivity::S2 {
        return Disclosed::suppressed();
    }
    reader.policy.count(
        value,
        &Cell {
            sensitivity,
            level: reader.level,
            unit: reader.unit,
            audience: reader.audience,
        },
    )
}

/// A unit held to −5 %/year from its own earliest complete year.
fn track_own(
    m: &Methodology,
    series: &PlanSeries,
    reader: &PlanReader<'_>,
    counts: &YearlyCounts,
    year: u16,
    quarters_observed: u8,
) -> serde_json::Value {
    let Some(&(baseline_year, baseline_raw)) = counts.complete.first() else {
        return serde_json::json!({ "status": "no_baseline", "note": "no complete calendar year of data to take as the baseline" });
    };
    let baseline = count(reader, series, baseline_raw, true);
    let observed = counts
        .observed
        .map(|n| count(reader, series, n, quarters_observed == 4));
    let targets: Option<Vec<serde_json::Value>> = baseline.value().map(|b| {
        (baseline_year..=year.max(2025))
            .map(|y| {
                let target = target_by_rule(
                    b,
                    u32::from(y - baseline_year),
                    m.plan.annual_reduction_percent,
                );
                serde_json::json!({ "year": y, "target": target })
            })
            .collect()
    });
    let progress = match (baseline.value(), observed.and_then(|o| o.value())) {
        (Some(b), Some(o)) if year >= baseline_year && quarters_observed > 0 => track_region(
            m,
            &series.code,
            b,
            baseline_year,
            year,
            o,
            quarters_observed,
        )
        .ok(),
        _ => None,
    };
    Tracked {
        baseline_year,
        baseline: serde_json::to_value(WireCount(baseline)).unwrap_or_default(),
        targets: targets.into(),
        observed,
        progress,
    }
    .to_json(reader, series, counts)
}

/// The country against the plan's published targets.
fn track_published(
    m: &Methodology,
    series: &PlanSeries,
    reader: &PlanReader<'_>,
    counts: &YearlyCounts,
    year: u16,
    quarters_observed: u8,
) -> serde_json::Value {
    let observed = counts
        .observed
        .map(|n| count(reader, series, n, quarters_observed == 4));
    let progress = match observed.and_then(|o| o.value()) {
        Some(o) if quarters_observed > 0 => {
            track_national(m, &series.code, year, o, quarters_observed).ok()
        }
        _ => None,
    };
    let targets: Vec<serde_json::Value> = std::iter::once(
        serde_json::json!({ "year": series.baseline_year, "target": series.baseline }),
    )
    .chain(
        series
            .published_targets
            .iter()
            .map(|(y, t)| serde_json::json!({ "year": y, "target": t })),
    )
    .collect();
    Tracked {
        baseline_year: series.baseline_year,
        baseline: series.baseline.into(),
        targets: targets.into(),
        observed,
        progress,
    }
    .to_json(reader, series, counts)
}

/// One side (unit or country) of a series, ready for the wire.
struct Tracked {
    baseline_year: u16,
    baseline: serde_json::Value,
    targets: serde_json::Value,
    observed: Option<Disclosed<u64>>,
    progress: Option<Progress>,
}

impl Tracked {
    fn to_json(
        &self,
        reader: &PlanReader<'_>,
        series: &PlanSeries,
        counts: &YearlyCounts,
    ) -> serde_json::Value {
        serde_json::json!({
            "baseline_year": self.baseline_year,
            "baseline": self.baseline,
            "targets": self.targets,
            "yearly": yearly_json(reader, series, counts),
            "observed": self.observed.map(WireCount),
            "progress": self.progress.as_ref().map(progress_json),
            "status": self.progress.as_ref().map_or("unknown", |p| status_name(p.status)),
        })
    }
}

fn yearly_json(
    reader: &PlanReader<'_>,
    series: &PlanSeries,
    counts: &YearlyCounts,
) -> serde_json::Value {
    counts
        .complete
        .iter()
        .map(|&(y, n)| serde_json::json!({ "year": y, "count": WireCount(count(reader, series, n, true)) }))
        .collect()
}

fn progress_json(p: &Progress) -> serde_json::Value {
    let round = |v: f64| (v * 100.0).round() / 100.0;
    serde_json::json!({
        "year": p.year,
        "quarters_observed": p.quarters_observed,
        "annual_target": p.annual_target,
        "target_source": match p.source { TargetSource::Published => "published", TargetSource::Rule => "rule" },
        "target_to_date": round(p.target),
        "interval": [round(p.interval.low), round(p.interval.high)],
        "change_vs_baseline_percent": round(p.change_vs_baseline * 100.0),
    })
}

fn status_name(status: Status) -> &'static str {
    match status {
        Status::OnTrack => "on_track",
        Status::OffTrack => "off_track",
        Status::Inconclusive => "inconclusive",
    }
}
