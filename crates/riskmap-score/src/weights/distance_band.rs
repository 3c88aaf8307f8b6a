//! Distance-band weights for points (libpysal `DistanceBand(binary=True)`).
//!
//! Unit j ≠ i is a neighbour of i when d_ij ≤ δ, with d_ij = √((x_i − x_j)² + (y_i − y_j)²)
//! computed in that order (as scipy's KD-tree does). The relation is symmetric.
//! `min_threshold_distance` gives the smallest δ that leaves no island,
//! max_i min_{j≠i} d_ij (libpysal `min_threshold_distance`, GeoDa `min_distthreshold`).
//!
//! Use projected (metric) coordinates; the band is in the coordinates' own units.

use rstar::RTree;
use rstar::primitives::GeomWithData;

use super::Weights;
use super::knn::{check_finite, squared_distance};
use crate::error::{Error, Result};

/// Binary distance-band weights: link i → j when 0 < |i − j| and d_ij ≤ `threshold`.
///
/// # Examples
///
/// ```
/// use riskmap_score::weights::{distance_band, min_threshold_distance};
///
/// // The Getis–Ord 6-point example of esda's test-suite, band 15.
/// let points = [[10.0, 10.0], [20.0, 10.0], [40.0, 10.0], [15.0, 20.0], [30.0, 20.0], [30.0, 30.0]];
/// let w = distance_band(&points, 15.0).expect("valid points");
/// assert_eq!(w.neighbours(4), &[1, 2, 3, 5]);
/// assert_eq!(min_threshold_distance(&points).expect("two points or more"), 200f64.sqrt());
/// ```
pub fn distance_band(points: &[[f64; 2]], threshold: f64) -> Result<Weights> {
    if !(threshold.is_finite() && threshold >= 0.0) {
        return Err(Error::InvalidParameter {
            name: "threshold",
            reason: format!("must be finite and >= 0, got {threshold}"),
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
    // Query a hair wider than the band, then apply the exact rule d_ij <= threshold on the
    // distance itself, so the tree's squared-radius rounding cannot drop a boundary pair.
    let radius = threshold * (1.0 + 1e-9);
    let radius2 = radius * radius;
    let lists: Vec<Vec<usize>> = points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            tree.locate_within_distance(*p, radius2)
                .map(|item| item.data)
                .filter(|&j| j != i && squared_distance(*p, points[j]).sqrt() <= threshold)
                .collect()
        })
        .collect();
    Weights::from_neighbour_lists(&lists)
}

/// max_i min_{j≠i} d_ij: the smallest band that leaves no unit without neighbours.
///
/// Errors with fewer than two points or non-finite coordinates.
pub fn min_threshold_distance(points: &[[f64; 2]]) -> Result<f64> {
    if points.len() < 2 {
        return Err(Error::TooFewUnits {
            what: "min_threshold_distance",
            needed: 2,
            found: points.len(),
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
    let mut worst = 0.0_f64;
    for (i, p) in points.iter().enumerate() {
        let nearest = tree
            .nearest_neighbor_iter(p)
            .find(|item| item.data != i)
            .map(|item| squared_distance(*p, points[item.data]).sqrt())
            .unwrap_or(0.0);
        worst = worst.max(nearest);
    }
    Ok(worst)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn band_at_min_threshold_has_no_islands() {
        let points: Vec<[f64; 2]> = (0..300)
            .map(|i| {
                [
                    ((i * 37) % 101) as f64 * 0.713,
                    ((i * 53) % 97) as f64 * 1.31,
                ]
            })
            .collect();
        let d = min_threshold_distance(&points).expect("enough points");
        let w = distance_band(&points, d).expect("valid");
        assert!(w.islands().is_empty());
        assert!(w.is_symmetric());
    }

    #[test]
    fn negative_threshold_is_rejected() {
        assert!(distance_band(&[[0.0, 0.0]], -1.0).is_err());
    }
}
