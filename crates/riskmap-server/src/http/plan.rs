//! Progress of one unit against the plan's −5 %/year targets (Resolution 748, expected results
//! 1–3) for the unit profile: for each tracked series, the unit's own baseline, its yearly
//! targets, the count observed so far in the period's year with its exact Poisson interval and
//! status (`riskmap_score::plan_tracking`), the yearly counts for the chart, and the national
//! progress against the published targets.
//!
//! **Baseline.** Nationally the plan's 2022 figure and published targets. For a region or a
//! district, its own count in the earliest complete calendar year in the store, held to the
//! same −5 % a year by the truncation rule.
//!
//! **Disclosure.** The counts come from the view layer (`view::plan_counts`): exact inside the
//! caller's scope, the release's protected calendar-year counts outside it. Targets, interval
//! and status are computed from those disclosed counts only, so nothing here is finer than
//! what the caller may already see.

use riskmap_score::methodology::{Methodology, PlanSeries};
use riskmap_score::plan_tracking::{
    Progress, Status, TargetSource, target_by_rule, track_national, track_region,
};
use serde::Serialize;
use utoipa::ToSchema;

use super::wire::WireCount;
use crate::view::plan_counts::PlanCounts;

/// The `plan` block of a unit profile.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct PlanBlock {
    year: u16,
    quarters_observed: u8,
    annual_reduction_percent: u32,
    confidence: f64,
    model_version: String,
    series: Vec<PlanSeriesWire>,
}

/// One tracked series.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct PlanSeriesWire {
    code: String,
    measure: &'static str,
    /// The unit against its own baseline (the country against the published targets).
    unit: Tracked,
    /// The country against the published targets.
    national: Tracked,
}

/// One side (unit or country) of a series.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Tracked {
    /// `null` when there is no complete year to take as the baseline.
    baseline_year: Option<u16>,
    baseline: Option<WireCount>,
    targets: Vec<YearTarget>,
    yearly: Vec<YearCount>,
    observed: Option<WireCount>,
    progress: Option<ProgressWire>,
    /// `on_track`, `off_track`, `inconclusive`, `unknown` or `no_baseline`.
    status: &'static str,
}

/// A yearly target.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct YearTarget {
    year: u16,
    target: u64,
}

/// A yearly count.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct YearCount {
    year: u16,
    count: WireCount,
}

/// Progress of the observed part of the year.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ProgressWire {
    year: u16,
    quarters_observed: u8,
    annual_target: u64,
    /// `published` or `rule`.
    target_source: &'static str,
    target_to_date: Option<f64>,
    interval: [Option<f64>; 2],
    /// `null` when the baseline is zero.
    change_vs_baseline_percent: Option<f64>,
}

/// The counts of one series for the unit and the country.
pub(crate) struct SeriesCounts {
    pub(crate) unit: PlanCounts,
    pub(crate) national: PlanCounts,
}

/// The `plan` block for the year of `year`; `national_unit` when the unit is the country.
pub(crate) fn plan_block(year: u16, national_unit: bool, counts: &[SeriesCounts]) -> PlanBlock {
    let m = Methodology::builtin();
    let quarters_observed = counts.first().map_or(0, |c| c.unit.quarters_observed);
    let series = m
        .plan
        .series
        .iter()
        .zip(counts)
        .map(|(series, counts)| {
            let national = track_published(&m, series, &counts.national, year);
            let unit = if national_unit {
                track_published(&m, series, &counts.unit, year)
            } else {
                track_own(&m, series, &counts.unit, year)
            };
            PlanSeriesWire {
                code: series.code.clone(),
                measure: series.measure.column(),
                unit,
                national,
            }
        })
        .collect();
    PlanBlock {
        year,
        quarters_observed,
        annual_reduction_percent: m.plan.annual_reduction_percent,
        confidence: m.plan.confidence,
        model_version: m.version.clone(),
        series,
    }
}

/// A unit held to −5 %/year from its own earliest complete year.
fn track_own(m: &Methodology, series: &PlanSeries, counts: &PlanCounts, year: u16) -> Tracked {
    let yearly = yearly(counts);
    let Some(&(baseline_year, baseline)) = counts.complete.first() else {
        return Tracked {
            baseline_year: None,
            baseline: None,
            targets: Vec::new(),
            yearly,
            observed: counts.observed.map(WireCount::from),
            progress: None,
            status: "no_baseline",
        };
    };
    let targets = baseline.value().map_or_else(Vec::new, |b| {
        (baseline_year..=year.max(2025))
            .map(|y| YearTarget {
                year: y,
                target: target_by_rule(
                    b,
                    u32::from(y - baseline_year),
                    m.plan.annual_reduction_percent,
                ),
            })
            .collect()
    });
    let progress = match (baseline.value(), counts.observed.and_then(|o| o.value())) {
        (Some(b), Some(o)) if year >= baseline_year && counts.quarters_observed > 0 => {
            track_region(
                m,
                &series.code,
                b,
                baseline_year,
                year,
                o,
                counts.quarters_observed,
            )
            .ok()
        }
        _ => None,
    };
    Tracked {
        baseline_year: Some(baseline_year),
        baseline: Some(baseline.into()),
        targets,
        yearly,
        observed: counts.observed.map(WireCount::from),
        status: progress
            .as_ref()
            .map_or("unknown", |p| status_name(p.status)),
        progress: progress.as_ref().map(progress_wire),
    }
}

/// The country against the plan's published targets.
fn track_published(
    m: &Methodology,
    series: &PlanSeries,
    counts: &PlanCounts,
    year: u16,
) -> Tracked {
    let progress = match counts.observed.and_then(|o| o.value()) {
        Some(o) if counts.quarters_observed > 0 => {
            track_national(m, &series.code, year, o, counts.quarters_observed).ok()
        }
        _ => None,
    };
    let targets = std::iter::once(YearTarget {
        year: series.baseline_year,
        target: series.baseline,
    })
    .chain(series.published_targets.iter().map(|(y, t)| YearTarget {
        year: *y,
        target: *t,
    }))
    .collect();
    Tracked {
        baseline_year: Some(series.baseline_year),
        baseline: Some(WireCount::Number(series.baseline)),
        targets,
        yearly: yearly(counts),
        observed: counts.observed.map(WireCount::from),
        status: progress
            .as_ref()
            .map_or("unknown", |p| status_name(p.status)),
        progress: progress.as_ref().map(progress_wire),
    }
}

fn yearly(counts: &PlanCounts) -> Vec<YearCount> {
    counts
        .complete
        .iter()
        .map(|&(year, count)| YearCount {
            year,
            count: count.into(),
        })
        .collect()
}

fn progress_wire(p: &Progress) -> ProgressWire {
    let round = |v: f64| v.is_finite().then(|| (v * 100.0).round() / 100.0);
    ProgressWire {
        year: p.year,
        quarters_observed: p.quarters_observed,
        annual_target: p.annual_target,
        target_source: match p.source {
            TargetSource::Published => "published",
            TargetSource::Rule => "rule",
        },
        target_to_date: round(p.target),
        interval: [round(p.interval.low), round(p.interval.high)],
        change_vs_baseline_percent: round(p.change_vs_baseline * 100.0),
    }
}

fn status_name(status: Status) -> &'static str {
    match status {
        Status::OnTrack => "on_track",
        Status::OffTrack => "off_track",
        Status::Inconclusive => "inconclusive",
    }
}
