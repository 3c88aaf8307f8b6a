//! Ranks for hotspot lists: minimum ranks, SVI percentile ranks and a descending order.
//!
//! * `min_rank`: ascending 1-based ranks, ties share the **smallest** rank (pandas
//!   `rank(method="min")`, dplyr `min_rank`).
//! * `percent_rank`: PR = (rank_min − 1)/(N − 1) ∈ [0, 1] (CDC SVI, dplyr `percent_rank`,
//!   Excel `PERCENTRANK.INC`); 0 when N = 1.
//! * `descending_order`: unit indices from the largest value down, ties by index — the
//!   order of a hotspot list sorted by, e.g., the posterior exceedance probability.
//!
//! All three depend on the order of the values only, so they are invariant under any
//! strictly increasing transform (a property test checks this).
//!
//! Reference: CDC/ATSDR Social Vulnerability Index documentation (2000–2022).

use crate::error::{Error, Result};

/// Ascending 1-based ranks, ties → smallest rank.
///
/// Errors on NaN or infinite values.
///
/// # Examples
///
/// ```
/// use riskmap_score::ranks::min_rank;
///
/// assert_eq!(min_rank(&[3.0, 1.0, 3.0, 2.0]).expect("finite"), vec![3, 1, 3, 2]);
/// ```
pub fn min_rank(values: &[f64]) -> Result<Vec<usize>> {
    check(values)?;
    let order = ascending_order(values);
    let mut ranks = vec![0; values.len()];
    let mut pos = 0;
    while pos < order.len() {
        let mut end = pos + 1;
        while end < order.len() && values[order[end]] == values[order[pos]] {
            end += 1;
        }
        for &i in &order[pos..end] {
            ranks[i] = pos + 1;
        }
        pos = end;
    }
    Ok(ranks)
}

/// SVI percentile rank (rank_min − 1)/(N − 1).
///
/// # Examples
///
/// ```
/// use riskmap_score::ranks::percent_rank;
///
/// assert_eq!(percent_rank(&[10.0, 30.0, 20.0, 30.0, 0.0]).expect("finite"), vec![0.25, 0.75, 0.5, 0.75, 0.0]);
/// ```
pub fn percent_rank(values: &[f64]) -> Result<Vec<f64>> {
    let ranks = min_rank(values)?;
    let denominator = values.len().saturating_sub(1) as f64;
    Ok(ranks
        .iter()
        .map(|&r| {
            if denominator > 0.0 {
                (r - 1) as f64 / denominator
            } else {
                0.0
            }
        })
        .collect())
}

/// Unit indices ordered from the largest value to the smallest, ties by smaller index.
///
/// # Examples
///
/// ```
/// use riskmap_score::ranks::descending_order;
///
/// assert_eq!(descending_order(&[0.2, 0.9, 0.5, 0.9]).expect("finite"), vec![1, 3, 2, 0]);
/// ```
pub fn descending_order(values: &[f64]) -> Result<Vec<usize>> {
    check(values)?;
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| compare(values[b], values[a]).then(a.cmp(&b)));
    Ok(order)
}

fn ascending_order(values: &[f64]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| compare(values[a], values[b]).then(a.cmp(&b)));
    order
}

/// Numeric order in which −0.0 = 0.0 (values are finite, checked before sorting).
fn compare(a: f64, b: f64) -> std::cmp::Ordering {
    a.partial_cmp(&b).unwrap_or(std::cmp::Ordering::Equal)
}

fn check(values: &[f64]) -> Result<()> {
    match values.iter().enumerate().find(|(_, v)| !v.is_finite()) {
        Some((index, &value)) => Err(Error::BadValue {
            what: "values",
            index,
            value,
            reason: "ranks need finite values",
        }),
        None => Ok(()),
    }
}
