//! Raw rate r_i = e_i / b_i (events over population at risk, unscaled).
//!
//! Var(r_i) ≈ θ/b_i under a Poisson model, so small units dominate both extremes of a
//! raw-rate map; prefer the smoothed estimators of the sibling modules for ranking.

use super::RateData;

/// Raw rates, `None` where b_i ≤ 0.
///
/// # Examples
///
/// ```
/// use riskmap_score::rates::{RateData, raw_rates};
///
/// let data = RateData::new(&[2.0, 1.0], &[100.0, -5.0]).expect("valid counts");
/// assert_eq!(raw_rates(&data), vec![Some(0.02), None]);
/// ```
pub fn raw_rates(data: &RateData) -> Vec<Option<f64>> {
    (0..data.n()).map(|i| data.rate(i)).collect()
}
