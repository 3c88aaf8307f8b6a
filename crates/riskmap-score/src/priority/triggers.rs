//! The eight triggers that put a school on the hotspot list (domain §5.4). Each is a pure
//! function of plain numbers that returns its [`Evidence`] when it fires, so a crisis team can
//! see exactly why a school is listed. Thresholds come from `[triggers]` of the methodology.
//!
//! 1. **Top quintile**: the composite's percent rank within the region ≥ 0.8.
//! 2. **S2 event**: at least one S2 event (suicide death or attempt, self-harm, sexual
//!    violence) in the current quarter.
//! 3. **Cluster**. The CDC-style case definition is "≥ 2 S2 events in one school (≥ 3 in one
//!    district) within 90 days". Quarterly counts cannot date events, so: any 90-day window
//!    ending in the current quarter lies within the current and the previous quarter; the
//!    trigger fires when the events of those `cluster_window_quarters` = 2 quarters reach the
//!    minimum **and** at least one is in the current quarter (a live cluster). The evidence
//!    says whether the current quarter alone reaches the minimum (then the events are surely
//!    at most ~92 days apart); otherwise the cluster is *possible*, which errs on the side of
//!    looking. A district cluster lists the district's schools with an event in the window.
//! 4. **Exceedance against the school's own baseline**: the current S1 count x ≥ 3 and
//!    P(X ≥ x) < 0.05 for X ~ Poisson(μ), μ the mean of the previous 4 reported quarters (at
//!    least 2 reported); P(X ≥ x) = P(x, μ), the regularised lower incomplete gamma.
//! 5. **Coping-capacity gap**: psychologist FTE below the norm where class sets ≥ 40, or the
//!    post vacant for more than one quarter.
//! 6. **Case backlog**: share of register cases open > 90 days at or above the region's 90th
//!    percentile (numpy-linear) of the shares, and at least one such case (otherwise, in a
//!    region where most schools have none, every school would fire at a percentile of 0).
//! 7. **Data silence**: no on-time submission for the last 2 quarters (missing or late).
//! 8. **Forecast exceedance**: the next-quarter forecast of the school's district (the hhh4
//!    model of `forecast::outlook`, fitted on the districts the reader sees exactly) gives
//!    P(count > a quarter of the district's plan target) above
//!    `forecast_exceedance_probability` for an S1 event indicator; the evidence names the
//!    indicator with the highest probability.
//!
//! Reference: CDC (2024), *CDC guidance for community assessment and investigation of
//! suspected suicide clusters*, MMWR Suppl 73(2); PHE (2019), *Identifying and responding to
//! suicide clusters*.

use riskmap_model::Period;

use super::Restricted;
use crate::composite::Submission;
use crate::distributions::gamma_p;
use crate::staffing::StaffingGap;

/// Which trigger fired.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Trigger {
    /// 1. Composite in the region's top quintile.
    TopQuintile,
    /// 2. An S2 event in the current quarter.
    S2Event,
    /// 3. A school or district cluster of S2 events.
    Cluster,
    /// 4. S1 count above the school's own baseline.
    Exceedance,
    /// 5. Psychologist below norm or long vacancy.
    CopingGap,
    /// 6. Register backlog at the region's 90th percentile.
    Backlog,
    /// 7. No on-time submission for consecutive quarters.
    DataSilence,
    /// 8. The district's forecast likely exceeds its plan target next quarter.
    ForecastExceedance,
}

/// One S1 indicator's next-quarter forecast for a district (trigger 8's input).
#[derive(Debug, Clone, PartialEq)]
pub struct DistrictForecast {
    /// Indicator code.
    pub indicator: String,
    /// The quarter forecast.
    pub quarter: Period,
    /// Predictive mean of the district's count.
    pub mean: f64,
    /// A quarter of the district's plan target.
    pub target: f64,
    /// P(count > target).
    pub probability: f64,
}

/// Where a cluster was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClusterScope {
    /// In the school itself.
    School,
    /// In the school's district (the school had an event in the window).
    District,
}

/// Why a trigger fired.
#[derive(Debug, Clone, PartialEq)]
pub enum Evidence {
    /// Trigger 1.
    TopQuintile {
        /// The composite.
        composite: f64,
        /// Its percent rank within the region.
        percent_rank_region: f64,
    },
    /// Trigger 2.
    S2Event {
        /// S2 events in the current quarter.
        events: Restricted<u32>,
    },
    /// Trigger 3.
    Cluster {
        /// School or district.
        scope: ClusterScope,
        /// Events in the window (school or district).
        events: Restricted<u32>,
        /// Events of the school itself in the window.
        school_events: Restricted<u32>,
        /// The current quarter alone reaches the minimum.
        within_current_quarter: bool,
    },
    /// Trigger 4.
    Exceedance {
        /// Current S1 count.
        count: u32,
        /// Mean of the baseline quarters.
        baseline_mean: f64,
        /// Reported baseline quarters.
        baseline_quarters: usize,
        /// P(X ≥ count) under Poisson(baseline_mean).
        p_value: f64,
    },
    /// Trigger 5.
    CopingGap {
        /// Psychologist FTE below the norm where required.
        below_norm: bool,
        /// Vacancy longer than allowed.
        long_vacancy: bool,
        /// Norm (FTE) used.
        norm_fte: Option<f64>,
        /// Filled FTE.
        filled_fte: Option<f64>,
        /// Vacancy quarters.
        vacancy_quarters: Option<f64>,
    },
    /// Trigger 6.
    Backlog {
        /// Share of register cases open > 90 days.
        share: f64,
        /// The region's threshold.
        region_threshold: f64,
        /// Cases open > 90 days.
        open_over_90d: u32,
    },
    /// Trigger 7.
    DataSilence {
        /// The silent quarters, oldest first, with what arrived (`None` = nothing).
        quarters: Vec<(Period, Option<Submission>)>,
    },
    /// Trigger 8.
    ForecastExceedance(DistrictForecast),
}

/// A fired trigger with its evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct FiredTrigger {
    /// Which trigger.
    pub trigger: Trigger,
    /// Why.
    pub evidence: Evidence,
}

/// Trigger 1: the region percent rank of the composite ≥ `threshold`.
///
/// # Examples
///
/// ```
/// use riskmap_score::priority::triggers::top_quintile;
///
/// assert!(top_quintile(Some(6.1), Some(0.8), 0.8).is_some());
/// assert!(top_quintile(Some(6.1), Some(0.79), 0.8).is_none());
/// assert!(top_quintile(None, None, 0.8).is_none());
/// ```
pub fn top_quintile(
    composite: Option<f64>,
    percent_rank_region: Option<f64>,
    threshold: f64,
) -> Option<Evidence> {
    let (composite, pr) = (composite?, percent_rank_region?);
    (pr >= threshold).then_some(Evidence::TopQuintile {
        composite,
        percent_rank_region: pr,
    })
}

/// Trigger 2: at least one S2 event in the current quarter.
pub fn s2_event(current: u32) -> Option<Evidence> {
    (current >= 1).then(|| Evidence::S2Event {
        events: Restricted::new(current),
    })
}

/// Trigger 3 (school): `window` holds the school's S2 events per quarter, oldest first, the
/// current quarter last.
///
/// # Examples
///
/// ```
/// use riskmap_score::priority::triggers::school_cluster;
///
/// assert!(school_cluster(&[1, 1], 2).is_some()); // possible cluster across the boundary
/// assert!(school_cluster(&[2, 0], 2).is_none()); // nothing in the current quarter
/// assert!(school_cluster(&[0, 1], 2).is_none());
/// ```
pub fn school_cluster(window: &[u32], min_events: u32) -> Option<Evidence> {
    let current = *window.last()?;
    let total: u32 = window.iter().sum();
    (current >= 1 && total >= min_events).then(|| Evidence::Cluster {
        scope: ClusterScope::School,
        events: Restricted::new(total),
        school_events: Restricted::new(total),
        within_current_quarter: current >= min_events,
    })
}

/// Trigger 3 (district): the district's and the school's S2 events per quarter, oldest first.
/// Fires for a school with at least one event in the window of a district cluster.
pub fn district_cluster(district: &[u32], school: &[u32], min_events: u32) -> Option<Evidence> {
    let current = *district.last()?;
    let total: u32 = district.iter().sum();
    let own: u32 = school.iter().sum();
    (current >= 1 && total >= min_events && own >= 1).then(|| Evidence::Cluster {
        scope: ClusterScope::District,
        events: Restricted::new(total),
        school_events: Restricted::new(own),
        within_current_quarter: current >= min_events,
    })
}

/// Upper-tail Poisson probability P(X ≥ x) for X ~ Poisson(μ).
///
/// # Examples
///
/// ```
/// use riskmap_score::priority::triggers::poisson_upper_tail;
///
/// // P(X ≥ 2 | μ = 1) = 1 − e⁻¹ − e⁻¹
/// let p = poisson_upper_tail(2, 1.0);
/// assert!((p - (1.0 - 2.0 * (-1.0f64).exp())).abs() < 1e-14);
/// assert_eq!(poisson_upper_tail(0, 3.0), 1.0);
/// assert_eq!(poisson_upper_tail(3, 0.0), 0.0);
/// ```
pub fn poisson_upper_tail(x: u32, mean: f64) -> f64 {
    if x == 0 {
        1.0
    } else if mean <= 0.0 {
        0.0
    } else {
        gamma_p(f64::from(x), mean)
    }
}

/// Trigger 4: `current` S1 count against the `baseline` quarters (`None` = not reported).
///
/// # Examples
///
/// ```
/// use riskmap_score::priority::triggers::exceedance;
///
/// // Baseline mean 1: P(X ≥ 4) = 0.019 < 0.05 fires; P(X ≥ 3) = 0.080 does not.
/// let base = [Some(1), Some(1), Some(1), Some(1)];
/// assert!(exceedance(Some(4), &base, 0.05, 3, 2).is_some());
/// assert!(exceedance(Some(3), &base, 0.05, 3, 2).is_none());
/// ```
pub fn exceedance(
    current: Option<u32>,
    baseline: &[Option<u32>],
    p_value: f64,
    min_count: u32,
    min_baseline_quarters: usize,
) -> Option<Evidence> {
    let count = current?;
    let reported: Vec<u32> = baseline.iter().flatten().copied().collect();
    if reported.len() < min_baseline_quarters || count < min_count {
        return None;
    }
    let mean = reported.iter().map(|&c| f64::from(c)).sum::<f64>() / reported.len() as f64;
    let p = poisson_upper_tail(count, mean);
    (p < p_value).then_some(Evidence::Exceedance {
        count,
        baseline_mean: mean,
        baseline_quarters: reported.len(),
        p_value: p,
    })
}

/// Trigger 5: psychologist below the norm where required, or vacancy > `max_vacancy` quarters.
pub fn coping_gap(gap: &StaffingGap, max_vacancy: u32) -> Option<Evidence> {
    let long_vacancy = gap
        .psych_vacancy_quarters
        .is_some_and(|q| q > f64::from(max_vacancy));
    (gap.psych_below_norm || long_vacancy).then(|| Evidence::CopingGap {
        below_norm: gap.psych_below_norm,
        long_vacancy,
        norm_fte: gap.psych.map(|p| p.norm_fte),
        filled_fte: gap.psych.map(|p| p.filled_fte),
        vacancy_quarters: gap.psych_vacancy_quarters,
    })
}

/// Trigger 6: backlog share at or above the region threshold, with at least one old case.
///
/// # Examples
///
/// ```
/// use riskmap_score::priority::triggers::backlog;
///
/// assert!(backlog(Some(3), Some(10), Some(0.3)).is_some());
/// assert!(backlog(Some(2), Some(10), Some(0.3)).is_none());
/// assert!(backlog(Some(0), Some(10), Some(0.0)).is_none()); // no old case, no trigger
/// ```
pub fn backlog(
    open_over_90d: Option<u32>,
    open_end: Option<u32>,
    region_threshold: Option<f64>,
) -> Option<Evidence> {
    let (over, open, threshold) = (open_over_90d?, open_end?, region_threshold?);
    if open == 0 || over == 0 {
        return None;
    }
    let share = f64::from(over) / f64::from(open);
    (share >= threshold).then_some(Evidence::Backlog {
        share,
        region_threshold: threshold,
        open_over_90d: over,
    })
}

/// Trigger 7: none of the last `quarters.len()` quarters (oldest first) arrived on time.
///
/// # Examples
///
/// ```
/// use riskmap_model::Period;
/// use riskmap_score::composite::Submission;
/// use riskmap_score::priority::triggers::data_silence;
///
/// let q = |s: &str| Period::parse(s).expect("valid");
/// assert!(data_silence(&[(q("2024-Q3"), Some(Submission::Late)), (q("2024-Q4"), None)]).is_some());
/// assert!(data_silence(&[(q("2024-Q3"), None), (q("2024-Q4"), Some(Submission::OnTime))]).is_none());
/// ```
pub fn data_silence(quarters: &[(Period, Option<Submission>)]) -> Option<Evidence> {
    let silent =
        !quarters.is_empty() && quarters.iter().all(|(_, s)| *s != Some(Submission::OnTime));
    silent.then(|| Evidence::DataSilence {
        quarters: quarters.to_vec(),
    })
}

/// Trigger 8: the district forecast with the highest P(exceeding the plan target), when that
/// probability is above `threshold`.
///
/// # Examples
///
/// ```
/// use riskmap_model::Period;
/// use riskmap_score::priority::triggers::{DistrictForecast, forecast_exceedance};
///
/// let f = |p| DistrictForecast { indicator: "viol_rate".into(), quarter: Period::parse("2025-Q1").unwrap(), mean: 9.0, target: 6.0, probability: p };
/// assert!(forecast_exceedance(&[f(0.81)], 0.8).is_some());
/// assert!(forecast_exceedance(&[f(0.8)], 0.8).is_none());
/// ```
pub fn forecast_exceedance(forecasts: &[DistrictForecast], threshold: f64) -> Option<Evidence> {
    forecasts
        .iter()
        .filter(|f| f.probability.is_finite() && f.probability > threshold)
        .max_by(|a, b| a.probability.total_cmp(&b.probability))
        .map(|f| Evidence::ForecastExceedance(f.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn forecast(indicator: &str, probability: f64) -> DistrictForecast {
        DistrictForecast {
            indicator: indicator.to_owned(),
            quarter: Period::parse("2025-Q1").unwrap_or_else(|e| panic!("{e}")),
            mean: 12.0,
            target: 8.5,
            probability,
        }
    }

    #[test]
    fn fires_just_above_the_threshold_and_not_at_or_below_it() {
        assert!(forecast_exceedance(&[forecast("viol_rate", 0.800_001)], 0.8).is_some());
        assert!(forecast_exceedance(&[forecast("viol_rate", 0.8)], 0.8).is_none());
        assert!(forecast_exceedance(&[forecast("viol_rate", 0.79)], 0.8).is_none());
        assert!(forecast_exceedance(&[], 0.8).is_none());
        assert!(forecast_exceedance(&[forecast("viol_rate", f64::NAN)], 0.8).is_none());
    }

    #[test]
    fn evidence_names_the_most_likely_indicator() {
        let fired = forecast_exceedance(
            &[
                forecast("viol_rate", 0.85),
                forecast("bullying_rate", 0.95),
                forecast("isu_opened_rate", 0.5),
            ],
            0.8,
        );
        assert_eq!(
            fired,
            Some(Evidence::ForecastExceedance(forecast(
                "bullying_rate",
                0.95
            )))
        );
    }
}
