//! Progress against the plan's targets (Resolution 748, expected results 1–3): offences among
//! minors, offences against minors, child suicides and attempts, each down 5 % a year.
//!
//! **Targets.** From a baseline B_0 (the 2022 count), year by year with truncation to a whole
//! number, which is how the plan's published national figures were made:
//!
//! ```text
//! B_y = ⌊B_(y−1) · (100 − 5) / 100⌋          e.g. 1735 → 1648 → 1565 → 1486
//! ```
//!
//! (integer arithmetic, so no 1614.999… surprises). The rule reproduces 11 of the 12
//! published national targets; the exception is suicides 2025, published as 130 where the rule
//! gives 132. Nationally the **published** value is used; regions use the rule from their own
//! baseline (their 2022 or 2023 count), so each region is held to the same −5 % a year.
//!
//! **Interval.** The observed count x gets the exact (Garwood 1936) Poisson interval at level
//! 1 − α: lower = Γ⁻¹(α/2; x, 1) (0 when x = 0), upper = Γ⁻¹(1 − α/2; x + 1, 1), i.e.
//! χ²(α/2; 2x)/2 and χ²(1 − α/2; 2x + 2)/2.
//!
//! **Status.** For a part year of q quarters the annual target is pro-rated, T_q = T · q/4.
//! *Inconclusive* when the interval contains T_q, *on track* when it lies wholly below,
//! *off track* when wholly above.
//!
//! References: Garwood, F. (1936), Fiducial limits for the Poisson distribution, *Biometrika*
//! 28:437–442; Ulm, K. (1990), *American Journal of Epidemiology* 131(2):373–375.

use crate::distributions::gamma_quantile_standard;
use crate::error::{Error, Result};
use crate::methodology::{Methodology, PlanSeries};

/// Progress status of one series.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// The whole interval lies below the target.
    OnTrack,
    /// The whole interval lies above the target.
    OffTrack,
    /// The interval contains the target.
    Inconclusive,
}

/// Where a target comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetSource {
    /// The plan's published national figure.
    Published,
    /// The −5 %/year rule from the baseline.
    Rule,
}

/// An exact Poisson confidence interval for a count.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PoissonInterval {
    /// Lower limit.
    pub low: f64,
    /// Upper limit.
    pub high: f64,
}

/// One series' progress in one year (or part year).
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    /// Series code, e.g. `suicides`.
    pub series: String,
    /// The year tracked.
    pub year: u16,
    /// Quarters of the year observed (1–4).
    pub quarters_observed: u8,
    /// Observed count.
    pub observed: u64,
    /// The annual target.
    pub annual_target: u64,
    /// Its source.
    pub source: TargetSource,
    /// The target for the observed quarters, T · q/4.
    pub target: f64,
    /// Exact Poisson interval of the observed count.
    pub interval: PoissonInterval,
    /// On track / off track / inconclusive.
    pub status: Status,
    /// Annualised observed count relative to the baseline, minus 1 (−0.05 = 5 % down).
    pub change_vs_baseline: f64,
    /// Methodology version.
    pub model_version: String,
}

/// Target after `years` yearly reductions of `percent` %, truncated each year.
///
/// # Examples
///
/// ```
/// use riskmap_score::plan_tracking::target_by_rule;
///
/// assert_eq!(target_by_rule(155, 2, 5), 139); // 155 → 147 → 139: the plan's 2024 suicides
/// assert_eq!(target_by_rule(309, 3, 5), 264); // attempts 2025
/// ```
pub fn target_by_rule(baseline: u64, years: u32, percent: u32) -> u64 {
    let keep = u128::from(100 - percent.min(100));
    (0..years).fold(u128::from(baseline), |b, _| b * keep / 100) as u64
}

/// Garwood exact Poisson interval of `count` at `confidence` (e.g. 0.95).
///
/// # Examples
///
/// ```
/// use riskmap_score::plan_tracking::garwood_interval;
///
/// // scipy: chi2.ppf(0.025, 20)/2 and chi2.ppf(0.975, 22)/2
/// let ci = garwood_interval(10, 0.95);
/// assert!((ci.low - 4.795_388_696_132_434).abs() < 1e-9);
/// assert!((ci.high - 18.390_356_042_017_78).abs() < 1e-9);
/// assert_eq!(garwood_interval(0, 0.95).low, 0.0);
/// ```
pub fn garwood_interval(count: u64, confidence: f64) -> PoissonInterval {
    let alpha = 1.0 - confidence;
    let x = count as f64;
    PoissonInterval {
        low: if count == 0 {
            0.0
        } else {
            gamma_quantile_standard(x, alpha / 2.0)
        },
        high: gamma_quantile_standard(x + 1.0, 1.0 - alpha / 2.0),
    }
}

/// Status of an interval against a target.
///
/// # Examples
///
/// ```
/// use riskmap_score::plan_tracking::{PoissonInterval, Status, status};
///
/// let ci = PoissonInterval { low: 120.0, high: 150.0 };
/// assert_eq!(status(ci, 139.0), Status::Inconclusive);
/// assert_eq!(status(ci, 160.0), Status::OnTrack);
/// assert_eq!(status(ci, 100.0), Status::OffTrack);
/// ```
pub fn status(interval: PoissonInterval, target: f64) -> Status {
    if interval.high < target {
        Status::OnTrack
    } else if interval.low > target {
        Status::OffTrack
    } else {
        Status::Inconclusive
    }
}

/// The national target of `series` for `year`: the published figure when there is one, else
/// the rule from the national baseline.
pub fn national_target(
    m: &Methodology,
    series: &PlanSeries,
    year: u16,
) -> Result<(u64, TargetSource)> {
    if let Some(&(_, value)) = series.published_targets.iter().find(|(y, _)| *y == year) {
        return Ok((value, TargetSource::Published));
    }
    let years = years_after(series.baseline_year, year)?;
    Ok((
        target_by_rule(series.baseline, years, m.plan.annual_reduction_percent),
        TargetSource::Rule,
    ))
}

/// National progress of the series `code` in `year`, from the count observed over
/// `quarters_observed` quarters.
///
/// # Examples
///
/// ```
/// use riskmap_score::methodology::Methodology;
/// use riskmap_score::plan_tracking::{Status, track_national};
///
/// let m = Methodology::builtin();
/// let p = track_national(&m, "suicides", 2024, 100, 4).expect("known series");
/// assert_eq!(p.annual_target, 139);
/// assert_eq!(p.status, Status::OnTrack); // 100 (81.4–121.6) is clearly below 139
/// ```
pub fn track_national(
    m: &Methodology,
    code: &str,
    year: u16,
    observed: u64,
    quarters_observed: u8,
) -> Result<Progress> {
    let series = find(m, code)?;
    let (target, source) = national_target(m, series, year)?;
    progress(
        m,
        series,
        series.baseline,
        target,
        source,
        year,
        observed,
        quarters_observed,
    )
}

/// Regional progress: the target follows the rule from the region's own count in
/// `baseline_year` (2022 or 2023).
///
/// # Examples
///
/// ```
/// use riskmap_score::methodology::Methodology;
/// use riskmap_score::plan_tracking::track_region;
///
/// let m = Methodology::builtin();
/// // A region with 40 attempts in 2023: target 2025 = ⌊⌊40·0.95⌋·0.95⌋ = ⌊38·0.95⌋ = 36.
/// let p = track_region(&m, "suicide_attempts", 40, 2023, 2025, 18, 2).expect("known series");
/// assert_eq!(p.annual_target, 36);
/// assert_eq!(p.target, 18.0); // two quarters observed
/// ```
pub fn track_region(
    m: &Methodology,
    code: &str,
    baseline: u64,
    baseline_year: u16,
    year: u16,
    observed: u64,
    quarters_observed: u8,
) -> Result<Progress> {
    let series = find(m, code)?;
    let years = years_after(baseline_year, year)?;
    let target = target_by_rule(baseline, years, m.plan.annual_reduction_percent);
    progress(
        m,
        series,
        baseline,
        target,
        TargetSource::Rule,
        year,
        observed,
        quarters_observed,
    )
}

#[allow(clippy::too_many_arguments, reason = "private assembly of one record")]
fn progress(
    m: &Methodology,
    series: &PlanSeries,
    baseline: u64,
    annual_target: u64,
    source: TargetSource,
    year: u16,
    observed: u64,
    quarters_observed: u8,
) -> Result<Progress> {
    if !(1..=4).contains(&quarters_observed) {
        return Err(Error::InvalidParameter {
            name: "quarters_observed",
            reason: format!("must be 1 to 4, got {quarters_observed}"),
        });
    }
    let share = f64::from(quarters_observed) / 4.0;
    let target = annual_target as f64 * share;
    let interval = garwood_interval(observed, m.plan.confidence);
    Ok(Progress {
        series: series.code.clone(),
        year,
        quarters_observed,
        observed,
        annual_target,
        source,
        target,
        interval,
        status: status(interval, target),
        change_vs_baseline: if baseline > 0 {
            observed as f64 / share / baseline as f64 - 1.0
        } else {
            f64::NAN
        },
        model_version: m.version.clone(),
    })
}

fn find<'a>(m: &'a Methodology, code: &str) -> Result<&'a PlanSeries> {
    m.plan_series(code).ok_or_else(|| Error::InvalidParameter {
        name: "series",
        reason: format!("unknown plan series {code:?}"),
    })
}

fn years_after(baseline_year: u16, year: u16) -> Result<u32> {
    year.checked_sub(baseline_year)
        .map(u32::from)
        .ok_or_else(|| Error::InvalidParameter {
            name: "year",
            reason: format!("{year} is before the baseline year {baseline_year}"),
        })
}
