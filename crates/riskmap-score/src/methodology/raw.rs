//! The shape of `data/methodology.toml` before checking: plain serde structs that mirror the
//! file one to one, with unknown keys refused.

use std::collections::BTreeMap;

use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct File {
    pub(super) version: String,
    pub(super) composite: Composite,
    pub(super) treatment: Treatment,
    pub(super) indicator: Vec<Indicator>,
    pub(super) bands: Bands,
    pub(super) rank_intervals: RankIntervals,
    pub(super) triggers: Triggers,
    pub(super) priority: Priority,
    pub(super) plan: Plan,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Composite {
    pub(super) min_available_share: String,
    pub(super) small_denominator_pupils: f64,
    pub(super) dimension_weights: DimensionWeights,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct DimensionWeights {
    pub(super) harm: f64,
    pub(super) vulnerability: f64,
    pub(super) coping_capacity: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Treatment {
    pub(super) skew_max: f64,
    pub(super) kurtosis_max: f64,
    pub(super) winsor_max_points: usize,
    pub(super) log_offset_share: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Indicator {
    pub(super) code: String,
    pub(super) weight: f64,
    pub(super) goalposts: [f64; 2],
    pub(super) smooth: bool,
    pub(super) treatment: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Bands {
    pub(super) fixed_thresholds: Vec<f64>,
    pub(super) fixed_labels: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RankIntervals {
    pub(super) draws: usize,
    pub(super) seed: u64,
    pub(super) weight_concentration: f64,
    pub(super) normalisations: Vec<String>,
    pub(super) aggregations: Vec<String>,
    pub(super) percentiles: [f64; 2],
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Triggers {
    pub(super) top_quintile_percent_rank: f64,
    pub(super) s2_event_measures: Vec<String>,
    pub(super) cluster_window_quarters: usize,
    pub(super) cluster_school_min_events: u32,
    pub(super) cluster_district_min_events: u32,
    pub(super) exceedance_measures: Vec<String>,
    pub(super) exceedance_baseline_quarters: usize,
    pub(super) exceedance_min_baseline_quarters: usize,
    pub(super) exceedance_p_value: f64,
    pub(super) exceedance_min_count: u32,
    pub(super) psych_required_class_sets: f64,
    pub(super) psych_vacancy_max_quarters: u32,
    pub(super) backlog_region_quantile: f64,
    pub(super) silence_quarters: usize,
    pub(super) forecast_exceedance_probability: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Priority {
    pub(super) rank_measures: Vec<String>,
    pub(super) rank_window_quarters: usize,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Plan {
    pub(super) annual_reduction_percent: u32,
    pub(super) confidence: f64,
    pub(super) series: Vec<PlanSeries>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PlanSeries {
    pub(super) code: String,
    pub(super) measure: String,
    pub(super) baseline_year: u16,
    pub(super) baseline: u64,
    pub(super) published_targets: BTreeMap<String, u64>,
}
