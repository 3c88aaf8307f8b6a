//! Hierarchical ("administrative") empirical Bayes: each unit is shrunk towards its
//! parent unit (schools → district), not towards its geographic neighbours.
//!
//! Units are grouped by `parent[i]`. For each group g, over its valid members:
//!
//! ```text
//! m_g  = Σ_g e_j / Σ_g b_j                 (or a supplied parent rate, e.g. the district's)
//! a_g  = Σ_g b_j (r_j − m_g)² / Σ_g b_j − m_g / (Σ_g b_j / |g|)
//! a_g ← max(a_g, 0)
//! EB_i = m_g + (r_i − m_g) · a_g / (a_g + m_g / b_i)       (m_g if a_g = 0)
//! ```
//!
//! This is Marshall's local EB with S_i = the members of i's group (methods §2.3), i.e.
//! the spatial-EB formula of `spatial_eb` with administrative instead of geographic
//! neighbourhoods. The Gamma–Poisson reading (`gamma_posterior`) applies per group with
//! prior mean m_g and variance a_g.
//!
//! A group with a single member has a_g < 0 → 0 when m_g is its own rate, so the estimate
//! is its raw rate; supply `parent_rates` to shrink such units towards the parent's rate.
//!
//! Reference: Marshall, R. J. (1991), *Applied Statistics* 40(2):283–294.

use super::RateData;
use super::gamma_posterior::{GammaPosterior, GammaPrior};
use crate::error::{Error, Result};

/// Hierarchical EB estimates and the per-group priors.
#[derive(Debug, Clone, PartialEq)]
pub struct HierarchicalEb {
    /// Prior mean m_g per group index (`None` for a group without valid members and no
    /// supplied parent rate).
    pub group_mean: Vec<Option<f64>>,
    /// Truncated prior variance a_g per group.
    pub group_variance: Vec<Option<f64>>,
    /// EB_i per unit; `None` for excluded units.
    pub estimates: Vec<Option<f64>>,
    /// Gamma posterior per unit; `None` for excluded units and groups with a_g = 0.
    pub posteriors: Vec<Option<GammaPosterior>>,
}

/// Hierarchical EB with `parent[i]` ∈ 0..n_groups as the group of unit i.
///
/// `parent_rates`, when given, holds one prior mean per group (e.g. the district's own
/// rate from district-level counts); otherwise m_g is the pooled rate of the group's units.
///
/// # Examples
///
/// ```
/// use riskmap_score::rates::{RateData, hierarchical_eb};
///
/// // Two districts with three schools each.
/// let data = RateData::new(
///     &[0.0, 4.0, 9.0, 1.0, 1.0, 2.0],
///     &[200.0, 300.0, 250.0, 400.0, 380.0, 420.0],
/// )
/// .expect("valid counts");
/// let eb = hierarchical_eb(&data, &[0, 0, 0, 1, 1, 1], None).expect("valid groups");
/// let m0 = eb.group_mean[0].expect("valid members");
/// assert!((m0 - 13.0 / 750.0).abs() < 1e-15);
/// // School 2 (rate 0.036) is pulled towards its district's mean.
/// let s2 = eb.estimates[2].expect("valid unit");
/// assert!(m0 < s2 && s2 < 0.036);
/// ```
pub fn hierarchical_eb(
    data: &RateData,
    parent: &[usize],
    parent_rates: Option<&[f64]>,
) -> Result<HierarchicalEb> {
    let n = data.n();
    if parent.len() != n {
        return Err(Error::LengthMismatch {
            what: "parent",
            expected: n,
            found: parent.len(),
        });
    }
    let n_groups =
        parent_rates.map_or_else(|| parent.iter().max().map_or(0, |&g| g + 1), <[f64]>::len);
    if let Some((unit, &g)) = parent.iter().enumerate().find(|&(_, &g)| g >= n_groups) {
        return Err(Error::InvalidParameter {
            name: "parent",
            reason: format!(
                "unit {unit} has group {g}, but only {n_groups} parent rates were given"
            ),
        });
    }
    if let Some((index, &value)) = parent_rates.and_then(|rates| {
        rates
            .iter()
            .enumerate()
            .find(|&(_, r)| !(r.is_finite() && *r >= 0.0))
    }) {
        return Err(Error::BadValue {
            what: "parent_rates",
            index,
            value,
            reason: "must be finite and >= 0",
        });
    }
    let (e, b) = (data.events(), data.population());
    let mut sum_e = vec![0.0; n_groups];
    let mut sum_b = vec![0.0; n_groups];
    let mut count = vec![0usize; n_groups];
    for i in (0..n).filter(|&i| data.is_valid(i)) {
        sum_e[parent[i]] += e[i];
        sum_b[parent[i]] += b[i];
        count[parent[i]] += 1;
    }
    let group_mean: Vec<Option<f64>> = (0..n_groups)
        .map(|g| match parent_rates {
            Some(rates) => Some(rates[g]),
            None => (count[g] > 0).then(|| sum_e[g] / sum_b[g]),
        })
        .collect();
    let mut spread = vec![0.0; n_groups];
    for i in (0..n).filter(|&i| data.is_valid(i)) {
        if let Some(m) = group_mean[parent[i]] {
            let d = e[i] / b[i] - m;
            spread[parent[i]] += b[i] * d * d;
        }
    }
    let group_variance: Vec<Option<f64>> = (0..n_groups)
        .map(|g| {
            let m = group_mean[g]?;
            (count[g] > 0)
                .then(|| (spread[g] / sum_b[g] - m / (sum_b[g] / count[g] as f64)).max(0.0))
        })
        .collect();
    let mut estimates = vec![None; n];
    let mut posteriors = vec![None; n];
    for i in (0..n).filter(|&i| data.is_valid(i)) {
        let g = parent[i];
        let (Some(m), Some(a)) = (group_mean[g], group_variance[g]) else {
            continue;
        };
        let rate = e[i] / b[i];
        estimates[i] = Some(if a > 0.0 {
            m + (rate - m) * (a / (a + m / b[i]))
        } else {
            m
        });
        posteriors[i] = GammaPrior::from_moments(m, a).map(|prior| prior.posterior(e[i], b[i]));
    }
    Ok(HierarchicalEb {
        group_mean,
        group_variance,
        estimates,
        posteriors,
    })
}
