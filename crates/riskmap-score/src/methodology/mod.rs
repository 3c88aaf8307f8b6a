//! The scoring methodology as data: `data/methodology.toml`, compiled in and checked against
//! the indicator catalogue (`data/indicators.toml`).
//!
//! The file holds every policy number of the composite index (dimension and indicator weights,
//! fixed goalposts, outlier treatment, availability rule), the bands, the Monte Carlo settings
//! of the rank intervals, the hotspot triggers (domain §5.4), the order of the hotspot list and
//! the plan targets (Resolution 748). Its `version` is copied into every result, so a stored
//! score always names the model that made it; re-scoring all past periods with a new version is
//! one call of [`crate::composite::score_periods`] (INFORM's back-cast rule, domain §8).
//!
//! Nothing here implements `Default`: policy lives in the file, not in code (aesthetics §7).
//!
//! # Examples
//!
//! ```
//! use riskmap_score::methodology::Methodology;
//!
//! let m = Methodology::builtin();
//! assert!(!m.version.is_empty());
//! assert!(m.composite.min_available.admits(2, 3) && !m.composite.min_available.admits(1, 3));
//! assert_eq!(m.indicator("viol_rate").expect("in the file").goalposts.lo, 0.0);
//! ```

mod raw;
mod validate;

use riskmap_model::Catalogue;
use riskmap_model::Measure;
use riskmap_model::indicator::{Dimension, Direction};

use crate::composite::goalposts::Goalposts;
use crate::composite::treatment::{TreatmentMode, TreatmentSettings};
use crate::error::Result;

/// The methodology file shipped with this build.
const BUILTIN: &str = include_str!("../../../../data/methodology.toml");

/// The three INFORM dimensions, in the order used by every per-dimension array of this crate.
pub const DIMENSIONS: [Dimension; 3] = [
    Dimension::Harm,
    Dimension::Vulnerability,
    Dimension::CopingCapacity,
];

/// Position of a dimension in [`DIMENSIONS`].
pub fn dimension_index(dimension: Dimension) -> usize {
    match dimension {
        Dimension::Harm => 0,
        Dimension::Vulnerability => 1,
        Dimension::CopingCapacity => 2,
    }
}

/// The parsed, validated methodology.
#[derive(Debug, Clone, PartialEq)]
pub struct Methodology {
    /// Model version, copied into every result.
    pub version: String,
    /// Version of the indicator catalogue the file was checked against.
    pub catalogue_version: String,
    /// Aggregation settings.
    pub composite: CompositeSettings,
    /// JRC/COINr outlier treatment.
    pub treatment: TreatmentSettings,
    /// Composite indicators in file order (at least one per dimension).
    pub indicators: Vec<IndicatorSpec>,
    /// Quintile and fixed-threshold bands.
    pub bands: BandSettings,
    /// Monte Carlo rank intervals.
    pub rank_intervals: RankIntervalSettings,
    /// Hotspot triggers.
    pub triggers: TriggerSettings,
    /// Order of the hotspot list.
    pub priority: PrioritySettings,
    /// Plan targets.
    pub plan: PlanSettings,
}

/// A share written as a fraction, e.g. 2/3, so that "2 of 3 available" compares exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Share {
    /// Numerator.
    pub numerator: u32,
    /// Denominator (> 0, ≥ numerator).
    pub denominator: u32,
}

impl Share {
    /// True when `available / total` ≥ this share (false when `total` is 0).
    pub fn admits(self, available: usize, total: usize) -> bool {
        total > 0
            && (available as u64) * u64::from(self.denominator)
                >= (total as u64) * u64::from(self.numerator)
    }
}

/// Aggregation settings of the composite.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CompositeSettings {
    /// Minimum available share of children per node (COINr `dat_thresh`).
    pub min_available: Share,
    /// Pupils below which a unit carries the small-denominator flag.
    pub small_denominator_pupils: f64,
    /// Weights of harm, vulnerability and lack of coping capacity ([`DIMENSIONS`] order).
    pub dimension_weights: [f64; 3],
}

/// One composite indicator: the catalogue's definition plus the methodology's choices.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorSpec {
    /// Catalogue code.
    pub code: String,
    /// Dimension (from the catalogue).
    pub dimension: Dimension,
    /// Direction (from the catalogue).
    pub direction: Direction,
    /// Summed numerator (from the catalogue).
    pub numerator: Measure,
    /// Summed denominator (from the catalogue).
    pub denominator: Measure,
    /// Scale factor (from the catalogue).
    pub per: f64,
    /// Quarters pooled (from the catalogue).
    pub pooled_quarters: usize,
    /// Weight inside its dimension (> 0).
    pub weight: f64,
    /// Fixed goalposts in the indicator's unit.
    pub goalposts: Goalposts,
    /// Empirical-Bayes smoothing of the pooled count before scaling.
    pub smooth: bool,
    /// Outlier treatment mode.
    pub treatment: TreatmentMode,
}

/// Bands of the composite.
#[derive(Debug, Clone, PartialEq)]
pub struct BandSettings {
    /// Strictly increasing thresholds inside (0, 10); class k holds scores in
    /// [t_(k−1), t_k).
    pub fixed_thresholds: Vec<f64>,
    /// One label per class (thresholds + 1).
    pub fixed_labels: Vec<String>,
}

/// How indicator values become 0–10 scores in one Monte Carlo draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Normalisation {
    /// Fixed goalposts (the published method).
    Goalposts,
    /// Sample min–max of the treated values.
    MinMax,
    /// z-score of the treated values, mapped to 10·Φ(z).
    ZScore,
}

/// How dimension scores combine in one Monte Carlo draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Aggregation {
    /// Weighted geometric mean on [1, 10] (the published method).
    Geometric,
    /// Weighted arithmetic mean.
    Arithmetic,
}

/// Monte Carlo settings of the rank intervals.
#[derive(Debug, Clone, PartialEq)]
pub struct RankIntervalSettings {
    /// Draws per period (0 disables the intervals).
    pub draws: usize,
    /// Seed of the ChaCha8 generator.
    pub seed: u64,
    /// Dirichlet concentration around the configured weights.
    pub weight_concentration: f64,
    /// Normalisations drawn uniformly.
    pub normalisations: Vec<Normalisation>,
    /// Aggregations drawn uniformly.
    pub aggregations: Vec<Aggregation>,
    /// Lower and upper reported percentiles of the rank (e.g. 5 and 95).
    pub percentiles: [f64; 2],
}

/// Hotspot trigger settings (domain §5.4).
#[derive(Debug, Clone, PartialEq)]
pub struct TriggerSettings {
    /// Trigger 1: percent rank within the region at or above which the top quintile starts.
    pub top_quintile_percent_rank: f64,
    /// Triggers 2–3: the measures counted as S2 events.
    pub s2_event_measures: Vec<Measure>,
    /// Trigger 3: quarters in the cluster window (current included).
    pub cluster_window_quarters: usize,
    /// Trigger 3: minimum S2 events in one school.
    pub cluster_school_min_events: u32,
    /// Trigger 3: minimum S2 events in one district.
    pub cluster_district_min_events: u32,
    /// Trigger 4: the S1 measures summed into the count.
    pub exceedance_measures: Vec<Measure>,
    /// Trigger 4: quarters before the current one forming the baseline.
    pub exceedance_baseline_quarters: usize,
    /// Trigger 4: minimum reported quarters in the baseline.
    pub exceedance_min_baseline_quarters: usize,
    /// Trigger 4: Poisson p-value below which the count exceeds the baseline.
    pub exceedance_p_value: f64,
    /// Trigger 4: minimum current count.
    pub exceedance_min_count: u32,
    /// Trigger 5: class sets from which a psychologist is required.
    pub psych_required_class_sets: f64,
    /// Trigger 5: vacancy longer than this many quarters fires.
    pub psych_vacancy_max_quarters: u32,
    /// Trigger 6: quantile of the region's backlog shares.
    pub backlog_region_quantile: f64,
    /// Trigger 7: consecutive quarters without an on-time submission.
    pub silence_quarters: usize,
    /// Trigger 8: the district forecast's P(exceeding its plan target) above this fires.
    pub forecast_exceedance_probability: f64,
}

/// Order of the hotspot list.
#[derive(Debug, Clone, PartialEq)]
pub struct PrioritySettings {
    /// S1 measures whose pooled rate gives the EB exceedance probability.
    pub rank_measures: Vec<Measure>,
    /// Quarters pooled for that rate.
    pub rank_window_quarters: usize,
}

/// Plan targets (Resolution 748 expected results 1–3).
#[derive(Debug, Clone, PartialEq)]
pub struct PlanSettings {
    /// Yearly reduction in percent (5).
    pub annual_reduction_percent: u32,
    /// Confidence level of the Poisson interval.
    pub confidence: f64,
    /// The tracked series.
    pub series: Vec<PlanSeries>,
}

/// One tracked plan series.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanSeries {
    /// Code, e.g. `suicides`.
    pub code: String,
    /// The contract measure counting the same events at school level.
    pub measure: Measure,
    /// Baseline year (2022).
    pub baseline_year: u16,
    /// National baseline count.
    pub baseline: u64,
    /// Published national targets by year.
    pub published_targets: Vec<(u16, u64)>,
}

impl Methodology {
    /// The methodology compiled into this build, checked against the built-in catalogue
    /// (parsed once per process; each call returns a copy).
    pub fn builtin() -> Self {
        static PARSED: std::sync::LazyLock<Methodology> = std::sync::LazyLock::new(|| {
            Methodology::parse(BUILTIN)
                .expect("data/methodology.toml is checked by the crate's tests")
        });
        PARSED.clone()
    }

    /// Parses and validates a methodology against the built-in catalogue.
    ///
    /// Errors (as `Error::InvalidParameter { name: "methodology", .. }`) name the offending key.
    pub fn parse(text: &str) -> Result<Self> {
        Self::parse_with_catalogue(text, &Catalogue::builtin())
    }

    /// Parses and validates a methodology against `catalogue`.
    pub fn parse_with_catalogue(text: &str, catalogue: &Catalogue) -> Result<Self> {
        let file: raw::File = toml::from_str(text).map_err(|e| validate::fail(e.to_string()))?;
        validate::methodology(file, catalogue)
    }

    /// The indicator with `code`.
    pub fn indicator(&self, code: &str) -> Option<&IndicatorSpec> {
        self.indicators.iter().find(|i| i.code == code)
    }

    /// The plan series with `code`.
    pub fn plan_series(&self, code: &str) -> Option<&PlanSeries> {
        self.plan.series.iter().find(|s| s.code == code)
    }

    /// Index of each indicator's dimension, in indicator order.
    pub fn indicator_dimensions(&self) -> Vec<usize> {
        self.indicators
            .iter()
            .map(|i| dimension_index(i.dimension))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_methodology_parses_and_covers_every_dimension() {
        let m = Methodology::parse(BUILTIN).expect("data/methodology.toml must parse");
        for d in 0..3 {
            assert!(m.indicator_dimensions().contains(&d), "dimension {d}");
        }
        assert_eq!(m.plan.series.len(), 4);
        assert_eq!(m.catalogue_version, Catalogue::builtin().version);
    }

    #[test]
    fn share_compares_exactly() {
        let two_thirds = Share {
            numerator: 2,
            denominator: 3,
        };
        assert!(two_thirds.admits(2, 3));
        assert!(two_thirds.admits(6, 9));
        assert!(!two_thirds.admits(5, 8));
        assert!(!two_thirds.admits(0, 0));
    }
}
