//! Global empirical Bayes rates, Marshall (1991) method of moments, prior variance
//! truncated at 0.
//!
//! Over the valid units (b_i > 0):
//!
//! ```text
//! θ₁   = Σ e_i / Σ b_i                          prior mean
//! s²   = Σ b_i (r_i − θ₁)² / Σ b_i              population-weighted variance
//! A    = s² − θ₁ / b̄,   b̄ = mean(b_i)           prior variance (moments)
//! A⁺   = max(A, 0)                              truncation (GeoDa EBS, spdep EBest)
//! w_i  = A⁺ / (A⁺ + θ₁ / b_i)                   shrinkage weight in [0, 1)
//! EB_i = θ₁ + w_i (r_i − θ₁)
//! ```
//!
//! esda's `Empirical_Bayes` does **not** truncate: with A < 0 its weights turn negative and
//! the estimates overshoot θ₁, even below 0 (oracle `micro/eb_negative_variance.json`).
//! This crate truncates, as GeoDa and spdep do; with A⁺ = 0 every estimate equals θ₁.
//! `GlobalEb::untruncated_estimates` reproduces esda's numbers for comparison only.
//!
//! Reference: Marshall, R. J. (1991), Mapping disease and mortality rates using empirical
//! Bayes estimators, *Applied Statistics* 40(2):283–294.

use super::RateData;
use crate::error::{Error, Result};

/// Global EB prior moments and estimates.
#[derive(Debug, Clone, PartialEq)]
pub struct GlobalEb {
    /// θ₁ = Σe / Σb, the prior mean.
    pub prior_mean: f64,
    /// s², the population-weighted variance of the rates around θ₁.
    pub weighted_variance: f64,
    /// b̄, the mean population of valid units.
    pub mean_population: f64,
    /// A = s² − θ₁/b̄ before truncation (may be negative).
    pub prior_variance_raw: f64,
    /// A⁺ = max(A, 0), the prior variance used.
    pub prior_variance: f64,
    /// w_i = A⁺ / (A⁺ + θ₁/b_i); `None` for excluded units.
    pub shrinkage: Vec<Option<f64>>,
    /// EB_i; `None` for excluded units.
    pub estimates: Vec<Option<f64>>,
}

/// Global empirical Bayes with the prior variance truncated at 0.
///
/// Errors when no unit has b_i > 0.
///
/// # Examples
///
/// ```
/// use riskmap_score::rates::{RateData, global_eb};
///
/// // Rates 0.001, 0.01 and 0.02 on populations 1000, 2000 and 500.
/// let data = RateData::new(&[1.0, 20.0, 10.0], &[1000.0, 2000.0, 500.0]).expect("valid counts");
/// let eb = global_eb(&data).expect("valid units");
/// assert!((eb.prior_mean - 31.0 / 3500.0).abs() < 1e-18);
/// // Every estimate lies between its raw rate and the prior mean.
/// let eb0 = eb.estimates[0].expect("valid unit");
/// assert!(0.001 < eb0 && eb0 < eb.prior_mean);
/// ```
pub fn global_eb(data: &RateData) -> Result<GlobalEb> {
    let valid: Vec<usize> = (0..data.n()).filter(|&i| data.is_valid(i)).collect();
    if valid.is_empty() {
        return Err(Error::TooFewUnits {
            what: "global_eb (units with population > 0)",
            needed: 1,
            found: 0,
        });
    }
    let (e, b) = (data.events(), data.population());
    let (sum_e, sum_b) = data.valid_sums();
    let theta = sum_e / sum_b;
    let weighted_variance = valid
        .iter()
        .map(|&i| {
            let d = e[i] / b[i] - theta;
            b[i] * d * d
        })
        .sum::<f64>()
        / sum_b;
    let mean_population = sum_b / valid.len() as f64;
    let prior_variance_raw = weighted_variance - theta / mean_population;
    let prior_variance = prior_variance_raw.max(0.0);
    let mut shrinkage = vec![None; data.n()];
    let mut estimates = vec![None; data.n()];
    for &i in &valid {
        let rate = e[i] / b[i];
        if prior_variance > 0.0 {
            let w = prior_variance / (prior_variance + theta / b[i]);
            shrinkage[i] = Some(w);
            estimates[i] = Some(theta + w * (rate - theta));
        } else {
            shrinkage[i] = Some(0.0);
            estimates[i] = Some(theta);
        }
    }
    Ok(GlobalEb {
        prior_mean: theta,
        weighted_variance,
        mean_population,
        prior_variance_raw,
        prior_variance,
        shrinkage,
        estimates,
    })
}

impl GlobalEb {
    /// esda `Empirical_Bayes` output: the same formula **without** truncating A.
    ///
    /// Only for comparison with esda; with A < 0 these estimates are wrong by design.
    pub fn untruncated_estimates(&self, data: &RateData) -> Vec<Option<f64>> {
        let a = self.prior_variance_raw;
        let theta = self.prior_mean;
        (0..data.n())
            .map(|i| {
                let rate = data.rate(i)?;
                let w = a / (a + theta / data.population()[i]);
                Some(w * rate + (1.0 - w) * theta)
            })
            .collect()
    }
}
