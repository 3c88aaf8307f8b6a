//! Excess risk: the standardised morbidity ratio with the study area as internal standard.
//!
//! ER_i = e_i / (b_i θ₁) = observed / expected, with θ₁ = Σe / Σb and expected count
//! E_i = b_i θ₁ (esda `Excess_Risk`, GeoDa `RateSmoother_ExcessRisk`).

use super::RateData;

/// Excess risk of every unit.
#[derive(Debug, Clone, PartialEq)]
pub struct ExcessRisk {
    /// θ₁ = Σe / Σb over valid units.
    pub reference_rate: f64,
    /// E_i = b_i θ₁ (`None` where b_i ≤ 0).
    pub expected: Vec<Option<f64>>,
    /// ER_i = e_i / E_i (`None` where b_i ≤ 0 or θ₁ = 0).
    pub ratio: Vec<Option<f64>>,
}

/// Observed over expected counts, expected from the pooled rate of all valid units.
///
/// Returns `None` when no unit has a positive population.
///
/// # Examples
///
/// ```
/// use riskmap_score::rates::{RateData, excess_risk};
///
/// let data = RateData::new(&[1.0, 3.0], &[100.0, 100.0]).expect("valid counts");
/// let er = excess_risk(&data).expect("some valid unit");
/// assert_eq!(er.reference_rate, 0.02);
/// assert_eq!(er.ratio, vec![Some(0.5), Some(1.5)]);
/// ```
pub fn excess_risk(data: &RateData) -> Option<ExcessRisk> {
    let theta = data.global_rate()?;
    let expected: Vec<Option<f64>> = (0..data.n())
        .map(|i| data.is_valid(i).then(|| data.population()[i] * theta))
        .collect();
    let ratio = (0..data.n())
        .map(|i| {
            let e = expected[i]?;
            (e > 0.0).then(|| data.events()[i] / e)
        })
        .collect();
    Some(ExcessRisk {
        reference_rate: theta,
        expected,
        ratio,
    })
}
