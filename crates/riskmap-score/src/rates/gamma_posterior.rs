//! Gamma–Poisson reading of empirical Bayes: posterior, credible interval and
//! exceedance probability, all in closed form.
//!
//! Put a moment-matched Gamma prior on the unit's true rate λ_i, with mean m and variance
//! A > 0: shape α = m²/A, rate β = m/A. With e_i ~ Poisson(b_i λ_i) the posterior is
//!
//! ```text
//! λ_i | e_i ~ Gamma(α + e_i, β + b_i)
//! ```
//!
//! whose mean (α + e_i)/(β + b_i) equals the EB estimate θ₁ + w_i (r_i − θ₁) exactly.
//! From it: the 95 % credible interval (2.5 % and 97.5 % quantiles) and the exceedance
//! probability P(λ_i > c | e_i) for a reference rate c (e.g. the national rate θ₁).
//!
//! When the prior variance is 0 (truncated), the prior is a point mass at m and there is
//! no Gamma posterior: `GammaPrior::from_moments` returns `None` and callers report the
//! posterior columns as missing.
//!
//! References: Clayton, D. & Kaldor, J. (1987), Empirical Bayes estimates of
//! age-standardized relative risks for use in disease mapping, *Biometrics* 43:671–681;
//! Marshall (1991), *Applied Statistics* 40(2):283–294.

use super::{GlobalEb, RateData};
use crate::distributions::{gamma_p, gamma_q, gamma_quantile_standard};

/// A Gamma(shape, rate) prior for a rate λ.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GammaPrior {
    /// α.
    pub shape: f64,
    /// β (inverse scale).
    pub rate: f64,
}

/// The Gamma posterior of one unit's rate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GammaPosterior {
    /// α + e_i.
    pub shape: f64,
    /// β + b_i.
    pub rate: f64,
}

impl GammaPrior {
    /// Moment-matched prior: shape m²/A, rate m/A. `None` unless m > 0 and A > 0 (finite).
    ///
    /// # Examples
    ///
    /// ```
    /// use riskmap_score::rates::GammaPrior;
    ///
    /// let prior = GammaPrior::from_moments(0.01, 0.0001).expect("positive moments");
    /// assert!((prior.shape - 1.0).abs() < 1e-12 && (prior.rate - 100.0).abs() < 1e-9);
    /// let post = prior.posterior(3.0, 200.0);
    /// assert!((post.mean() - 4.0 / 300.0).abs() < 1e-15);
    /// ```
    pub fn from_moments(mean: f64, variance: f64) -> Option<Self> {
        let ok = mean > 0.0 && variance > 0.0 && mean.is_finite() && variance.is_finite();
        ok.then(|| GammaPrior {
            shape: mean * mean / variance,
            rate: mean / variance,
        })
    }

    /// Posterior after observing `events` over `population`: Gamma(α + e, β + b).
    pub fn posterior(&self, events: f64, population: f64) -> GammaPosterior {
        GammaPosterior {
            shape: self.shape + events,
            rate: self.rate + population,
        }
    }
}

impl GammaPosterior {
    /// Posterior mean α/β.
    pub fn mean(&self) -> f64 {
        self.shape / self.rate
    }

    /// P(λ > c): the exceedance probability of reference rate `c`.
    pub fn prob_exceeds(&self, c: f64) -> f64 {
        if c <= 0.0 {
            1.0
        } else {
            gamma_q(self.shape, c * self.rate)
        }
    }

    /// P(λ ≤ c).
    pub fn cdf(&self, c: f64) -> f64 {
        if c <= 0.0 {
            0.0
        } else {
            gamma_p(self.shape, c * self.rate)
        }
    }

    /// The `p`-quantile of the posterior.
    pub fn quantile(&self, p: f64) -> f64 {
        gamma_quantile_standard(self.shape, p) * (1.0 / self.rate)
    }

    /// Equal-tailed credible interval at `level` (e.g. 0.95 → 2.5 % and 97.5 % quantiles).
    pub fn credible_interval(&self, level: f64) -> (f64, f64) {
        let tail = (1.0 - level) / 2.0;
        (self.quantile(tail), self.quantile(1.0 - tail))
    }
}

/// Posterior of every unit under the global EB prior (`None` for excluded units, and for
/// all units when the truncated prior variance is 0).
///
/// # Examples
///
/// ```
/// use riskmap_score::rates::{RateData, eb_posteriors, global_eb};
///
/// let data = RateData::new(&[1.0, 20.0, 10.0], &[1000.0, 2000.0, 500.0]).expect("valid counts");
/// let eb = global_eb(&data).expect("valid units");
/// let post = eb_posteriors(&eb, &data);
/// let p0 = post[0].expect("positive prior variance");
/// // The posterior mean is the EB estimate.
/// assert!((p0.mean() / eb.estimates[0].expect("valid") - 1.0).abs() < 1e-12);
/// ```
pub fn eb_posteriors(eb: &GlobalEb, data: &RateData) -> Vec<Option<GammaPosterior>> {
    let prior = GammaPrior::from_moments(eb.prior_mean, eb.prior_variance);
    (0..data.n())
        .map(|i| {
            let prior = prior?;
            data.is_valid(i)
                .then(|| prior.posterior(data.events()[i], data.population()[i]))
        })
        .collect()
}
