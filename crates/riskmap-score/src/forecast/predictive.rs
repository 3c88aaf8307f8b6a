//! A one-step-ahead predictive distribution of a count: negative binomial with mean mu and
//! size r (Var = mu + mu²/r), or Poisson. Probability mass, distribution function,
//! exceedance probability P(Y > c) and quantiles.

use statrs::function::beta::beta_reg;
use statrs::function::gamma::gamma_ur;

use super::likelihood::log_density;

/// A predictive count distribution.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Predictive {
    /// Mean mu > 0.
    pub mean: f64,
    /// NegBin size r = 1/psi; None for Poisson.
    pub size: Option<f64>,
}

impl Predictive {
    /// log P(Y = y).
    pub fn log_pmf(&self, y: u64) -> f64 {
        if self.mean <= 0.0 {
            return if y == 0 { 0.0 } else { f64::NEG_INFINITY };
        }
        log_density(y as f64, self.mean, self.size)
    }

    /// P(Y ≤ k).
    pub fn cdf(&self, k: u64) -> f64 {
        if self.mean <= 0.0 {
            return 1.0;
        }
        let k = k as f64;
        match self.size {
            None => gamma_ur(k + 1.0, self.mean),
            Some(r) => beta_reg(r, k + 1.0, r / (r + self.mean)),
        }
    }

    /// P(Y > threshold) for a real threshold (counts above ⌊threshold⌋).
    pub fn exceedance(&self, threshold: f64) -> f64 {
        if threshold < 0.0 {
            return 1.0;
        }
        (1.0 - self.cdf(threshold.floor() as u64)).clamp(0.0, 1.0)
    }

    /// Variance.
    pub fn variance(&self) -> f64 {
        match self.size {
            None => self.mean,
            Some(r) => self.mean + self.mean * self.mean / r,
        }
    }

    /// Smallest k with P(Y ≤ k) ≥ p (0 < p < 1).
    pub fn quantile(&self, p: f64) -> u64 {
        let mut k = 0_u64;
        let mut cumulative = self.log_pmf(0).exp();
        while cumulative < p && k < 10_000_000 {
            k += 1;
            cumulative += self.log_pmf(k).exp();
        }
        k
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cdf_is_the_sum_of_the_pmf() {
        for size in [None, Some(0.7), Some(40.0)] {
            let d = Predictive { mean: 3.2, size };
            let mut sum = 0.0;
            for k in 0..15 {
                sum += d.log_pmf(k).exp();
                assert!((d.cdf(k) - sum).abs() < 1e-12, "{size:?} {k}");
            }
        }
    }

    #[test]
    fn known_values() {
        // Poisson(2): P(Y = 3) = e^-2·8/6; NB(mu = 2, size = 1) is geometric(1/3).
        let p = Predictive {
            mean: 2.0,
            size: None,
        };
        assert!((p.log_pmf(3).exp() - (-2f64).exp() * 8.0 / 6.0).abs() < 1e-15);
        let g = Predictive {
            mean: 2.0,
            size: Some(1.0),
        };
        assert!((g.log_pmf(2).exp() - (1.0 / 3.0) * (2.0_f64 / 3.0).powi(2)).abs() < 1e-15);
        assert!((g.exceedance(1.5) - (2.0_f64 / 3.0).powi(2)).abs() < 1e-14);
    }
}
