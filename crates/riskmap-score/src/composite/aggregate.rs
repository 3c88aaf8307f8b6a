//! Aggregation of 0–10 scores: the weighted arithmetic mean inside a dimension and the weighted
//! geometric mean across dimensions on the [1, 10] scale, both with the availability rule.
//!
//! **Inside a dimension** (INFORM, COINr `a_amean`): D = Σ w_k s_k / Σ w_k over the available
//! indicators k. Missing indicators are skipped, which gives them the weighted mean of their
//! siblings, never 0.
//!
//! **Across dimensions** (INFORM Risk = HE^(1/3)·V^(1/3)·LCC^(1/3)), without the zero trap
//! (methods §1.4): map t = 1 + 0.9·D ∈ [1, 10], take the weighted geometric mean
//! T = exp(Σ v_d ln t_d / Σ v_d), and map back, R = (T − 1)/0.9 ∈ [0, 10]. The plain
//! geometric mean (no mapping) is 0 as soon as one dimension is 0; it is kept for the oracle
//! comparison only. R is clamped to [0, 10], which only removes rounding (exp(ln 10) is
//! 10.000000000000002 in binary floating point).
//!
//! **Availability** (COINr `Aggregate(dat_thresh = 2/3)`, methods §1.2): a node gets a score
//! only when at least the configured share of its children is available, counted by number,
//! not by weight.
//!
//! Reference: COINr vignette `aggregate.Rmd`; Marin-Ferrer et al. (2017), EUR 28655 EN.

use crate::methodology::Share;

/// t = 1 + 0.9·x: [0, 10] → [1, 10].
pub fn to_one_ten(x: f64) -> f64 {
    1.0 + 0.9 * x
}

/// x = (t − 1)/0.9: [1, 10] → [0, 10].
pub fn from_one_ten(t: f64) -> f64 {
    (t - 1.0) / 0.9
}

/// Weighted arithmetic mean of the available scores; `None` below the availability share.
///
/// # Examples
///
/// ```
/// use riskmap_score::composite::aggregate::weighted_mean;
/// use riskmap_score::methodology::Share;
///
/// let two_thirds = Share { numerator: 2, denominator: 3 };
/// let w = [1.0, 1.0, 2.0];
/// assert_eq!(weighted_mean(&[Some(3.0), None, Some(6.0)], &w, two_thirds), Some(5.0));
/// assert_eq!(weighted_mean(&[Some(3.0), None, None], &w, two_thirds), None);
/// ```
pub fn weighted_mean(scores: &[Option<f64>], weights: &[f64], min: Share) -> Option<f64> {
    weighted_mean_of(scores.iter().copied().zip(weights.iter().copied()), min)
}

/// [`weighted_mean`] over (score, weight) pairs, without collecting them first.
pub fn weighted_mean_of(
    pairs: impl IntoIterator<Item = (Option<f64>, f64)>,
    min: Share,
) -> Option<f64> {
    let (mut sum, mut total, mut available, mut count) = (0.0, 0.0, 0, 0);
    for (s, w) in pairs {
        count += 1;
        if let Some(s) = s {
            sum += w * s;
            total += w;
            available += 1;
        }
    }
    (min.admits(available, count) && total > 0.0).then(|| sum / total)
}

/// Weighted geometric mean of the available scores on [1, 10], mapped back to [0, 10];
/// `None` below the availability share.
///
/// # Examples
///
/// ```
/// use riskmap_score::composite::aggregate::weighted_geometric_one_ten;
/// use riskmap_score::methodology::Share;
///
/// let all = Share { numerator: 1, denominator: 1 };
/// // One dimension at 0 no longer zeroes the composite: ((1·10·10)^(1/3) − 1)/0.9 ≈ 4.046.
/// let r = weighted_geometric_one_ten(&[Some(0.0), Some(10.0), Some(10.0)], &[1.0; 3], all)
///     .expect("all available");
/// assert!((r - 4.046_209_815_125_31).abs() < 1e-12);
/// ```
pub fn weighted_geometric_one_ten(
    scores: &[Option<f64>],
    weights: &[f64],
    min: Share,
) -> Option<f64> {
    let (mut sum, mut total, mut available) = (0.0, 0.0, 0);
    for (s, w) in scores.iter().zip(weights) {
        if let Some(s) = s {
            sum += w * to_one_ten(*s).ln();
            total += w;
            available += 1;
        }
    }
    // exp(ln 10) = 10.000000000000002: clamp the rounding back into [0, 10].
    (min.admits(available, scores.len()) && total > 0.0)
        .then(|| from_one_ten((sum / total).exp()).clamp(0.0, 10.0))
}

/// Plain geometric mean (equal weights, no mapping): 0 when any score is ≤ 0 — the zero trap.
///
/// # Examples
///
/// ```
/// use riskmap_score::composite::aggregate::geometric_plain;
///
/// assert_eq!(geometric_plain(&[0.0, 10.0, 10.0]), 0.0);
/// assert!((geometric_plain(&[1.0, 10.0, 100.0]) - 10.0).abs() < 1e-12);
/// ```
pub fn geometric_plain(scores: &[f64]) -> f64 {
    if scores.is_empty() || scores.iter().any(|s| *s <= 0.0) {
        return 0.0;
    }
    let sum: f64 = scores.iter().map(|s| s.ln()).sum();
    (sum / scores.len() as f64).exp()
}
