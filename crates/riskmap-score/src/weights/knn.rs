//! k-nearest-neighbour weights for points (libpysal `KNN.from_array`).
//!
//! Unit j is a neighbour of i when it is among the k points closest to i by Euclidean
//! distance d_ij = √((x_i − x_j)² + (y_i − y_j)²), excluding i itself. The relation is
//! **asymmetric**. Use projected (metric) coordinates: on lon/lat degrees the distance
//! is not a distance on the ground.
//!
//! Ties at the k-th distance are broken by the smaller unit index, so the result is
//! deterministic. libpysal leaves ties to scipy's KD-tree order; the oracle data have
//! none, so both agree there. Coincident points are at distance 0 and are neighbours.
//!
//! The search uses an R*-tree (`rstar`), so building the weights is O(n log n).

use rstar::RTree;
use rstar::primitives::GeomWithData;

use super::Weights;
use crate::error::{Error, Result};

/// Binary k-nearest-neighbour weights.
///
/// Errors when `k == 0`, when `k >= points.len()`, or when a coordinate is not finite.
///
/// # Examples
///
/// ```
/// use riskmap_score::weights::knn;
///
/// let points = [[0.0, 0.0], [1.0, 0.0], [3.0, 0.0], [7.0, 0.0]];
/// let w = knn(&points, 1).expect("valid points");
/// assert_eq!(w.to_neighbour_lists(), vec![vec![1], vec![0], vec![1], vec![2]]);
/// assert!(!w.is_symmetric());
/// ```
pub fn knn(points: &[[f64; 2]], k: usize) -> Result<Weights> {
    let n = points.len();
    if k == 0 || k >= n {
        return Err(Error::InvalidParameter {
            name: "k",
            reason: format!("k must be in 1..{n} for {n} points, got {k}"),
        });
    }
    check_finite(points)?;
    let tree = RTree::bulk_load(
        points
            .iter()
            .enumerate()
            .map(|(i, &p)| GeomWithData::new(p, i))
            .collect::<Vec<_>>(),
    );
    let mut lists = Vec::with_capacity(n);
    let mut candidates: Vec<(f64, usize)> = Vec::with_capacity(k + 4);
    for (i, p) in points.iter().enumerate() {
        candidates.clear();
        let mut kth: Option<f64> = None;
        for (item, _) in tree.nearest_neighbor_iter_with_distance_2(p) {
            let j = item.data;
            if j == i {
                continue;
            }
            let d2 = squared_distance(*p, points[j]);
            if let Some(limit) = kth {
                // Keep collecting points tied with the k-th distance, then stop.
                if d2 > limit {
                    break;
                }
            }
            candidates.push((d2, j));
            if candidates.len() == k {
                kth = Some(d2);
            }
        }
        candidates.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        lists.push(candidates.iter().take(k).map(|&(_, j)| j).collect());
    }
    Weights::from_neighbour_lists(&lists)
}

/// (x_i − x_j)² + (y_i − y_j)², in this order, as scipy's KD-tree computes it.
pub(crate) fn squared_distance(a: [f64; 2], b: [f64; 2]) -> f64 {
    let dx = a[0] - b[0];
    let dy = a[1] - b[1];
    dx * dx + dy * dy
}

pub(crate) fn check_finite(points: &[[f64; 2]]) -> Result<()> {
    for (unit, p) in points.iter().enumerate() {
        if !(p[0].is_finite() && p[1].is_finite()) {
            return Err(Error::BadGeometry {
                unit,
                reason: format!("non-finite coordinate ({}, {})", p[0], p[1]),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ties_go_to_the_smaller_index() {
        // 1 and 2 are both at distance 1 from 0.
        let points = [[0.0, 0.0], [1.0, 0.0], [-1.0, 0.0], [0.0, 5.0]];
        let w = knn(&points, 1).expect("valid");
        assert_eq!(w.neighbours(0), &[1]);
    }

    #[test]
    fn k_must_be_smaller_than_n() {
        assert!(matches!(
            knn(&[[0.0, 0.0], [1.0, 1.0]], 2),
            Err(Error::InvalidParameter { .. })
        ));
    }

    #[test]
    fn matches_brute_force() {
        let points: Vec<[f64; 2]> = (0..200)
            .map(|i| [((i * 37) % 101) as f64 * 0.7, ((i * 53) % 97) as f64 * 1.3])
            .collect();
        let w = knn(&points, 6).expect("valid");
        for (i, p) in points.iter().enumerate() {
            let mut all: Vec<(f64, usize)> = (0..points.len())
                .filter(|&j| j != i)
                .map(|j| (squared_distance(*p, points[j]), j))
                .collect();
            all.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            let mut expected: Vec<usize> = all.iter().take(6).map(|x| x.1).collect();
            expected.sort_unstable();
            assert_eq!(w.neighbours(i), expected.as_slice(), "unit {i}");
        }
    }
}
