//! Small-area rates and their smoothing (methods §2).
//!
//! All functions take a validated `RateData`: events e_i ≥ 0 and populations at risk
//! b_i. Units with **b_i ≤ 0 are excluded and flagged**: they are left out of every sum
//! and their results are `None`; nothing is ever divided by a non-positive population.
//! Rates are events / population, unscaled (multiply by 1,000 or 100,000 for display).
//!
//! One estimator per file:

/// Assunção–Reis EB standardisation of rates (for Moran's I on rates).
pub mod assuncao_reis;
/// Global empirical Bayes (Marshall 1991), prior variance truncated at 0.
pub mod empirical_bayes;
/// Excess risk (SMR with the study area as internal standard).
pub mod excess_risk;
/// Gamma–Poisson reading of EB: posterior, credible interval, exceedance probability.
pub mod gamma_posterior;
/// Hierarchical ("administrative") EB with the parent unit as prior.
pub mod hierarchical_eb;
/// Raw rate e_i / b_i.
pub mod raw;
/// Spatial rate and spatial (local) EB (Marshall 1991 local; GeoDa SEBS).
pub mod spatial_eb;

pub use assuncao_reis::assuncao_reis;
pub use empirical_bayes::{GlobalEb, global_eb};
pub use excess_risk::{ExcessRisk, excess_risk};
pub use gamma_posterior::{GammaPosterior, GammaPrior, eb_posteriors};
pub use hierarchical_eb::{HierarchicalEb, hierarchical_eb};
pub use raw::raw_rates;
pub use spatial_eb::{SpatialEb, spatial_eb, spatial_rate};

use crate::error::{Error, Result};

/// Validated events and populations at risk, one pair per unit.
///
/// # Examples
///
/// ```
/// use riskmap_score::rates::RateData;
///
/// let data = RateData::new(&[3.0, 0.0, 5.0], &[1000.0, 0.0, 2000.0]).expect("valid counts");
/// assert_eq!(data.excluded(), vec![1]); // population 0 is excluded, never divided by
/// assert_eq!(data.global_rate(), Some(8.0 / 3000.0));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct RateData {
    events: Vec<f64>,
    population: Vec<f64>,
}

impl RateData {
    /// Checks lengths and values.
    ///
    /// Errors: lengths differ; an event count is negative, NaN or infinite; a population is
    /// NaN or infinite. A population ≤ 0 is *not* an error: the unit is excluded.
    pub fn new(events: &[f64], population: &[f64]) -> Result<Self> {
        if events.len() != population.len() {
            return Err(Error::LengthMismatch {
                what: "population",
                expected: events.len(),
                found: population.len(),
            });
        }
        for (index, &e) in events.iter().enumerate() {
            if !(e.is_finite() && e >= 0.0) {
                return Err(Error::BadValue {
                    what: "events",
                    index,
                    value: e,
                    reason: "event counts must be finite and >= 0",
                });
            }
        }
        for (index, &b) in population.iter().enumerate() {
            if !b.is_finite() {
                return Err(Error::BadValue {
                    what: "population",
                    index,
                    value: b,
                    reason: "populations must be finite",
                });
            }
        }
        Ok(Self {
            events: events.to_vec(),
            population: population.to_vec(),
        })
    }

    /// Number of units (valid or not).
    pub fn n(&self) -> usize {
        self.events.len()
    }

    /// Events e_i.
    pub fn events(&self) -> &[f64] {
        &self.events
    }

    /// Populations at risk b_i.
    pub fn population(&self) -> &[f64] {
        &self.population
    }

    /// Whether unit `i` takes part (b_i > 0).
    pub fn is_valid(&self, i: usize) -> bool {
        self.population[i] > 0.0
    }

    /// Units excluded because b_i ≤ 0, ascending.
    pub fn excluded(&self) -> Vec<usize> {
        (0..self.n()).filter(|&i| !self.is_valid(i)).collect()
    }

    /// Number of valid units.
    pub fn n_valid(&self) -> usize {
        (0..self.n()).filter(|&i| self.is_valid(i)).count()
    }

    /// θ₁ = Σe / Σb over valid units; `None` without valid units.
    pub fn global_rate(&self) -> Option<f64> {
        let (e, b) = self.valid_sums();
        (b > 0.0).then(|| e / b)
    }

    /// (Σe, Σb) over valid units.
    pub fn valid_sums(&self) -> (f64, f64) {
        let mut e = 0.0;
        let mut b = 0.0;
        for i in 0..self.n() {
            if self.is_valid(i) {
                e += self.events[i];
                b += self.population[i];
            }
        }
        (e, b)
    }

    /// r_i = e_i / b_i, `None` for excluded units.
    pub fn rate(&self, i: usize) -> Option<f64> {
        self.is_valid(i)
            .then(|| self.events[i] / self.population[i])
    }
}
