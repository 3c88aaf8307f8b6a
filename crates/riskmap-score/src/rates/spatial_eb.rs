//! Spatial rate and spatial (local) empirical Bayes, Marshall (1991) local form.
//!
//! For unit i let S_i = {i} ∪ N(i), with **binary** neighbour sets whatever the weights
//! values are (esda switches to `"b"` internally). Over the valid members of S_i:
//!
//! ```text
//! SR_i = m_i = Σ_{S_i} e_j / Σ_{S_i} b_j                                spatial rate
//! a_i  = Σ_{S_i} b_j (r_j − m_i)² / Σ_{S_i} b_j − m_i / (Σ_{S_i} b_j / |S_i|)
//! a_i ← max(a_i, 0)
//! SEB_i = m_i + (r_i − m_i) · a_i / (a_i + m_i / b_i)                    (m_i if a_i = 0)
//! ```
//!
//! Identical to esda `Spatial_Empirical_Bayes`, GeoDa `RateSmoother_SEBS` and spdep
//! `EBlocal(..., geoda = TRUE)`. spdep's default (`geoda = FALSE`) uses each neighbour's
//! own m_j in the variance and differs by design. An island has S_i = {i}, so a_i < 0 → 0
//! and SEB_i = m_i = r_i (no smoothing).
//!
//! Spatial EB borrows strength from neighbours and smooths away genuine isolated spikes:
//! use it for maps, and global or hierarchical EB for lists.

use super::RateData;
use crate::error::{Error, Result};
use crate::weights::Weights;

/// Spatial EB: local prior moments and estimates.
#[derive(Debug, Clone, PartialEq)]
pub struct SpatialEb {
    /// m_i, the local prior mean (= spatial rate); `None` for excluded units.
    pub local_mean: Vec<Option<f64>>,
    /// a_i before truncation; `None` for excluded units.
    pub local_variance_raw: Vec<Option<f64>>,
    /// SEB_i; `None` for excluded units.
    pub estimates: Vec<Option<f64>>,
}

/// Spatial rate SR_i = Σ_{S_i} e / Σ_{S_i} b over the unit and its (binary) neighbours.
///
/// # Examples
///
/// ```
/// use riskmap_score::rates::{RateData, spatial_rate};
/// use riskmap_score::weights::Weights;
///
/// let data = RateData::new(&[1.0, 3.0, 0.0], &[100.0, 100.0, 200.0]).expect("valid counts");
/// let w = Weights::from_neighbour_lists(&[vec![1], vec![0, 2], vec![1]]).expect("valid lists");
/// let sr = spatial_rate(&data, &w).expect("same n");
/// assert_eq!(sr, vec![Some(0.02), Some(0.01), Some(0.01)]);
/// ```
pub fn spatial_rate(data: &RateData, w: &Weights) -> Result<Vec<Option<f64>>> {
    Ok(spatial_eb(data, w)?.local_mean)
}

/// Spatial (local) empirical Bayes, the GeoDa/esda form.
///
/// Errors when `w.n()` differs from the number of units.
pub fn spatial_eb(data: &RateData, w: &Weights) -> Result<SpatialEb> {
    let n = data.n();
    if w.n() != n {
        return Err(Error::LengthMismatch {
            what: "weights",
            expected: n,
            found: w.n(),
        });
    }
    let (e, b) = (data.events(), data.population());
    let mut local_mean = vec![None; n];
    let mut local_variance_raw = vec![None; n];
    let mut estimates = vec![None; n];
    for i in 0..n {
        if !data.is_valid(i) {
            continue;
        }
        let members = || {
            std::iter::once(i)
                .chain(w.neighbours(i).iter().copied())
                .filter(|&j| data.is_valid(j))
        };
        let (mut sum_e, mut sum_b, mut count) = (0.0, 0.0, 0usize);
        for j in members() {
            sum_e += e[j];
            sum_b += b[j];
            count += 1;
        }
        let m = sum_e / sum_b;
        let spread: f64 = members()
            .map(|j| {
                let d = e[j] / b[j] - m;
                b[j] * d * d
            })
            .sum();
        let a_raw = spread / sum_b - m / (sum_b / count as f64);
        let a = a_raw.max(0.0);
        let rate = e[i] / b[i];
        local_mean[i] = Some(m);
        local_variance_raw[i] = Some(a_raw);
        estimates[i] = Some(if a > 0.0 {
            m + (rate - m) * (a / (a + m / b[i]))
        } else {
            m
        });
    }
    Ok(SpatialEb {
        local_mean,
        local_variance_raw,
        estimates,
    })
}
