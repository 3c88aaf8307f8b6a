//! The composite risk index (methods §1, domain §8): INFORM structure and 0–10 scale, JRC
//! outlier treatment and uncertainty analysis, CDC SVI percentile flags.
//!
//! Pipeline for one period and one level (districts, or schools), all in [`score_cross_section`]:
//!
//! 1. **Indicators** from contract table B (`data/indicators.toml`): pooled ratios
//!    per · pooled · Σ numerator / Σ denominator over the rolling window, count rates smoothed by
//!    empirical Bayes (global EB for districts, hierarchical EB with the district as prior for
//!    schools) — [`score_periods`] does this from raw measures;
//! 2. **treatment** of each indicator across units by the JRC skewness/kurtosis rule (`treatment`);
//! 3. **scaling** to 0–10 between the fixed goalposts of the methodology file (`goalposts`),
//!    reversed for lower-is-worse indicators;
//! 4. **aggregation**: weighted arithmetic mean inside each dimension (harm and exposure,
//!    vulnerability, lack of coping capacity), weighted geometric mean across dimensions on
//!    [1, 10], each node only with ≥ 2/3 of its children available (`aggregate`);
//! 5. **SVI** percentile ranks, rounded to 4 decimals, ≥ 0.90 flags, theme sums (`svi`);
//! 6. **drivers**: each indicator's points in the composite, top 3 (`drivers`);
//! 7. **bands**: quintiles within the region and nationally, fixed classes (`bands`);
//! 8. **rank intervals** from a seeded Monte Carlo over weights, normalisation and aggregation
//!    (`rank_intervals`).
//!
//! Every [`PeriodScores`] carries the methodology and catalogue versions. [`score_periods`]
//! re-scores every period present in its input in one call (back-cast).

/// Weighted arithmetic and [1, 10] geometric means with the availability rule.
pub mod aggregate;
/// Quintile bands and fixed-threshold classes.
pub mod bands;
/// Driver decomposition and top drivers.
pub mod drivers;
/// Fixed goalposts, 0–10 scaling, numpy-linear percentiles and calibration.
pub mod goalposts;
/// Pooling and smoothing of catalogue indicators over periods; the back-cast entry point.
mod periods;
/// Scoring from counts pooled and disclosed elsewhere (the published release).
mod pooled;
/// Monte Carlo rank intervals.
pub mod rank_intervals;
/// One period's cross-section through the whole pipeline.
mod score;
/// SVI percentile ranks, rounding, flags and theme sums.
pub mod svi;
/// JRC/COINr skewness–kurtosis outlier treatment.
pub mod treatment;

pub use periods::{Submission, UnitPeriodInput, score_period, score_periods};
pub use pooled::{Pooled, PooledUnit, score_pooled};
pub use rank_intervals::RankInterval;
pub(crate) use score::group_index;
pub use score::{TOP_DRIVERS, score_cross_section};
pub use treatment::Applied;

use riskmap_model::Period;

/// One period's indicator values for a set of units: the input of [`score_cross_section`].
#[derive(Debug, Clone, PartialEq)]
pub struct CrossSection {
    /// The period scored.
    pub period: Period,
    /// Unit ids.
    pub units: Vec<String>,
    /// Region (banding group) of each unit.
    pub regions: Vec<String>,
    /// Indicator values, `values[k][i]` for methodology indicator k and unit i (EB-smoothed
    /// where the methodology says so); `None` = not available.
    pub values: Vec<Vec<Option<f64>>>,
    /// National comparator per indicator (pooled over all units), when known.
    pub national: Vec<Option<f64>>,
    /// Small-denominator flag per unit.
    pub small_denominator: Vec<bool>,
    /// Quarters with a submission in the unit's window (reliability).
    pub quarters_reported: Vec<usize>,
    /// Whether the unit's submission for the period was late.
    pub late: Vec<bool>,
}

/// Every result of one period.
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodScores {
    /// The period.
    pub period: Period,
    /// `Methodology::version` of the model that scored it.
    pub model_version: String,
    /// Version of the indicator catalogue.
    pub catalogue_version: String,
    /// Per-indicator diagnostics, in methodology order.
    pub indicators: Vec<IndicatorSummary>,
    /// Per-unit results, in input order.
    pub units: Vec<UnitScore>,
}

impl PeriodScores {
    /// The result of `unit`, if it was scored.
    pub fn unit(&self, unit: &str) -> Option<&UnitScore> {
        self.units.iter().find(|u| u.unit == unit)
    }
}

/// What happened to one indicator in one period.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorSummary {
    /// Catalogue code.
    pub code: String,
    /// Treatment applied.
    pub applied: Applied,
    /// Skewness G1 before treatment.
    pub skewness: Option<f64>,
    /// Excess kurtosis G2 before treatment.
    pub kurtosis: Option<f64>,
    /// Whether the treated indicator passes the skewness–kurtosis rule.
    pub passes: bool,
    /// Units with a value.
    pub available: usize,
    /// National comparator.
    pub national: Option<f64>,
}

/// One unit's composite and everything that explains it.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitScore {
    /// Unit id.
    pub unit: String,
    /// Region (banding group).
    pub region: String,
    /// Composite 0–10; `None` below the availability rule.
    pub composite: Option<f64>,
    /// Harm, vulnerability and lack-of-coping-capacity scores (0–10).
    pub dimensions: [Option<f64>; 3],
    /// Per-indicator detail, in methodology order.
    pub indicators: Vec<IndicatorScore>,
    /// Number of SVI flags (F_TOTAL).
    pub flags_total: usize,
    /// SVI theme sums (themes = dimensions) and the overall sum.
    pub svi: SviScores,
    /// Percent rank of the composite nationally (among scored units).
    pub percent_rank_national: Option<f64>,
    /// Percent rank of the composite within the region.
    pub percent_rank_region: Option<f64>,
    /// Quintile 1–5 nationally.
    pub quintile_national: Option<u8>,
    /// Quintile 1–5 within the region (trigger 1 uses it).
    pub quintile_region: Option<u8>,
    /// 0-based fixed class (labels in `Methodology::bands`).
    pub fixed_class: Option<usize>,
    /// National rank, 1 = highest composite (ties at the smallest rank).
    pub rank: Option<usize>,
    /// Monte Carlo rank interval.
    pub rank_interval: Option<RankInterval>,
    /// Up to three indicators contributing most to the composite.
    pub drivers: Vec<Driver>,
    /// Completeness and denominator size.
    pub reliability: Reliability,
}

/// One indicator of one unit.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorScore {
    /// Value before treatment (EB-smoothed where configured).
    pub value: Option<f64>,
    /// 0–10 risk score.
    pub score: Option<f64>,
    /// National SVI percentile rank (reversed for lower-is-worse), unrounded.
    pub percent_rank: Option<f64>,
    /// The same rounded to 4 decimals.
    pub percent_rank_rounded: Option<f64>,
    /// Rounded percent rank ≥ 0.90.
    pub flag: bool,
    /// Percentile rank within the region.
    pub percent_rank_region: Option<f64>,
    /// Points of the composite due to this indicator.
    pub contribution: Option<f64>,
}

/// SVI sums with the dimensions as themes.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct SviScores {
    /// SPL per dimension.
    pub spl: [Option<f64>; 3],
    /// RPL per dimension.
    pub rpl: [Option<f64>; 3],
    /// Overall SPL (sum of all indicators' rounded PRs).
    pub spl_overall: Option<f64>,
    /// Overall RPL.
    pub rpl_overall: Option<f64>,
}

/// A top driver of a unit's composite (the "why" of the hotspot list).
#[derive(Debug, Clone, PartialEq)]
pub struct Driver {
    /// Indicator position in the methodology.
    pub indicator: usize,
    /// Catalogue code.
    pub code: String,
    /// The unit's value.
    pub value: f64,
    /// Its 0–10 score.
    pub score: f64,
    /// Points of the composite due to it.
    pub contribution: f64,
    /// Percentile rank within the region.
    pub percent_rank_region: Option<f64>,
    /// National ≥ 90th-percentile flag.
    pub flag: bool,
    /// National comparator.
    pub national: Option<f64>,
}

/// INFORM-style reliability of a unit's score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reliability {
    /// Indicators available.
    pub indicators_available: usize,
    /// Indicators in the methodology.
    pub indicators_total: usize,
    /// indicators_available / indicators_total.
    pub availability: f64,
    /// Dimensions with a score.
    pub dimensions_available: usize,
    /// Pupils below `small_denominator_pupils`.
    pub small_denominator: bool,
    /// Quarters with a submission in the rolling window.
    pub quarters_reported: usize,
    /// Submission for the period was late.
    pub late: bool,
}
