//! Proper scoring rules for count forecasts (Czado, Gneiting and Held 2009, as
//! `surveillance::scores`): the logarithmic score −log p(y) and the ranked probability score
//! Σ_k (F(k) − 1{y ≤ k})². Lower is better for both.

use super::predictive::Predictive;

/// Tail mass below which the RPS sum stops (beyond the observation).
const TAIL: f64 = 1e-12;
/// Hard cap on the RPS sum beyond the observation.
const MAX_TERMS: u64 = 1_000_000;

/// Logarithmic score −log P(Y = y).
pub fn log_score(predictive: &Predictive, y: u64) -> f64 {
    -predictive.log_pmf(y)
}

/// Ranked probability score Σ_{k ≥ 0} (F(k) − 1{y ≤ k})².
pub fn ranked_probability_score(predictive: &Predictive, y: u64) -> f64 {
    let mut cumulative = 0.0;
    let mut total = 0.0;
    let mut k = 0_u64;
    loop {
        cumulative += predictive.log_pmf(k).exp();
        let indicator = if y <= k { 1.0 } else { 0.0 };
        total += (cumulative - indicator).powi(2);
        if k >= y && 1.0 - cumulative < TAIL || k >= y + MAX_TERMS {
            return total;
        }
        k += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rps_of_poisson_matches_a_direct_sum() {
        // Poisson(1), y = 2: F(0) = e⁻¹, F(1) = 2e⁻¹; terms F(0)² + F(1)² + Σ_{k≥2}(1−F(k))².
        let d = Predictive {
            mean: 1.0,
            size: None,
        };
        let e = (-1.0f64).exp();
        let mut expected = e * e + (2.0 * e).powi(2);
        let mut cdf = 2.0 * e;
        let mut pmf = e;
        for k in 2..60 {
            pmf *= 1.0 / f64::from(k);
            cdf += pmf;
            expected += (1.0 - cdf).powi(2);
        }
        assert!((ranked_probability_score(&d, 2) - expected).abs() < 1e-12);
        assert!((log_score(&d, 2) - (1.0 + 2f64.ln())).abs() < 1e-14);
    }

    #[test]
    fn rps_is_zero_for_a_point_mass_hit() {
        let d = Predictive {
            mean: 0.0,
            size: None,
        };
        assert_eq!(ranked_probability_score(&d, 0), 0.0);
        assert!(ranked_probability_score(&d, 3) > 2.9);
    }
}
