//! Driver decomposition: how many composite points each indicator contributes, so a crisis team
//! sees *why* a unit scores high (INFORM "risk profiling"; JRC handbook step 8, "back to the
//! data").
//!
//! **Inside a dimension** the weighted arithmetic mean splits exactly:
//! c_k = w_k s_k / Σ_avail w, and Σ_k c_k = D.
//!
//! **Across dimensions** the geometric mean on [1, 10] is additive in logs:
//! ln T = Σ_d v_d ln t_d / Σ v, t_d = 1 + 0.9 D_d. Dimension d's share of the composite R is
//! its share of ln T, so its contribution is
//!
//! ```text
//! C_d = R · v_d ln t_d / Σ_e v_e ln t_e          (0 for all d when T = 1)
//! ```
//!
//! and Σ_d C_d = R. An indicator's contribution to the composite splits C_d in proportion to
//! its within-dimension contribution: C_k = C_d · c_k / D_d (0 when D_d = 0). The contributions
//! of all indicators therefore add up to the composite exactly, and a larger indicator score
//! never gives a smaller share of its own dimension.
//!
//! The top drivers are the indicators with the largest C_k (ties by indicator order), skipping
//! zero contributions.
//!
//! Reference: OECD/JRC (2008) *Handbook on Constructing Composite Indicators*, §7 ("back to the
//! details"); INFORM (2017) risk profiles.

use super::aggregate::to_one_ten;

/// Within-dimension contributions c_k = w_k s_k / Σ_avail w (`None` for missing indicators).
///
/// # Examples
///
/// ```
/// use riskmap_score::composite::drivers::within_dimension;
///
/// let c = within_dimension(&[Some(6.0), None, Some(3.0)], &[2.0, 1.0, 1.0]);
/// assert_eq!(c, vec![Some(4.0), None, Some(1.0)]); // D = (12 + 3)/3 = 5 = 4 + 1
/// ```
pub fn within_dimension(scores: &[Option<f64>], weights: &[f64]) -> Vec<Option<f64>> {
    let total: f64 = scores
        .iter()
        .zip(weights)
        .filter_map(|(s, w)| s.map(|_| *w))
        .sum();
    scores
        .iter()
        .zip(weights)
        .map(|(s, w)| s.map(|s| if total > 0.0 { w * s / total } else { 0.0 }))
        .collect()
}

/// Contributions C_d of each available dimension to a geometric (1–10) composite `composite`.
///
/// # Examples
///
/// ```
/// use riskmap_score::composite::drivers::across_dimensions;
///
/// let c = across_dimensions(&[Some(0.0), Some(10.0), Some(10.0)], &[1.0; 3], 4.0);
/// assert_eq!(c[0], Some(0.0));
/// assert!((c[1].expect("available") - 2.0).abs() < 1e-12);
/// ```
pub fn across_dimensions(
    dimensions: &[Option<f64>],
    weights: &[f64],
    composite: f64,
) -> Vec<Option<f64>> {
    let logs: Vec<Option<f64>> = dimensions
        .iter()
        .zip(weights)
        .map(|(d, v)| d.map(|d| v * to_one_ten(d).ln()))
        .collect();
    let total: f64 = logs.iter().flatten().sum();
    logs.iter()
        .map(|l| {
            l.map(|l| {
                if total > 0.0 {
                    composite * l / total
                } else {
                    0.0
                }
            })
        })
        .collect()
}

/// Indicator contributions to the composite: C_d · c_k / D_d for indicator k in dimension d.
///
/// `dimension_of[k]` is indicator k's dimension index; `within[k]` its within-dimension
/// contribution; `dimensions[d]` and `to_composite[d]` the dimension score and contribution.
pub fn indicator_contributions(
    within: &[Option<f64>],
    dimension_of: &[usize],
    dimensions: &[Option<f64>],
    to_composite: &[Option<f64>],
) -> Vec<Option<f64>> {
    within
        .iter()
        .zip(dimension_of)
        .map(|(c, &d)| {
            let c = (*c)?;
            let (dim, cd) = (dimensions[d]?, to_composite[d]?);
            Some(if dim > 0.0 { cd * c / dim } else { 0.0 })
        })
        .collect()
}

/// Indices of the `n` largest positive contributions, largest first (ties by index).
///
/// # Examples
///
/// ```
/// use riskmap_score::composite::drivers::top_drivers;
///
/// let c = [Some(0.5), None, Some(2.0), Some(0.0), Some(2.0), Some(1.0)];
/// assert_eq!(top_drivers(&c, 3), vec![2, 4, 5]);
/// ```
pub fn top_drivers(contributions: &[Option<f64>], n: usize) -> Vec<usize> {
    let mut order: Vec<(usize, f64)> = contributions
        .iter()
        .enumerate()
        .filter_map(|(k, c)| c.filter(|c| *c > 0.0).map(|c| (k, c)))
        .collect();
    order.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    order.into_iter().take(n).map(|(k, _)| k).collect()
}
