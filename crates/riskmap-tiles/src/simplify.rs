//! Ramer–Douglas–Peucker simplification of closed rings, with the semantics of geo's
//! `Polygon::simplify` (the same recursion, the same "keep at least four coordinates per ring"
//! rule, the last of equally distant points taken as the split), but comparing squared
//! distances, so the inner loop has no square root and no allocation per level.
//!
//! geo's version spent most of its time in `hypot`; pre-simplifying every zoom is part of the
//! server's start, so this is on the startup path.

use geo_types::Coord;

/// geo keeps at least this many coordinates of a closed ring (the closing repeat included).
const RING_MIN_COORDS: usize = 4;

/// Simplifies a closed ring (`coords.first() == coords.last()`) at `epsilon` (same units as the
/// coordinates). Returns the kept coordinates, still closed.
pub(crate) fn simplify_closed_ring(coords: &[Coord<f64>], epsilon: f64) -> Vec<Coord<f64>> {
    if epsilon <= 0.0 || coords.len() < 3 {
        return coords.to_vec();
    }
    let mut keep = vec![false; coords.len()];
    let mut simplified_len = coords.len();
    split(
        coords,
        0,
        coords.len() - 1,
        epsilon * epsilon,
        &mut simplified_len,
        &mut keep,
    );
    coords
        .iter()
        .zip(&keep)
        .filter_map(|(coord, kept)| kept.then_some(*coord))
        .collect()
}

/// Marks what RDP keeps of `coords[first..=last]`; `simplified_len` is geo's running count of
/// the coordinates left, which decides when culling must stop.
fn split(
    coords: &[Coord<f64>],
    first: usize,
    last: usize,
    epsilon_squared: f64,
    simplified_len: &mut usize,
    keep: &mut [bool],
) {
    if last <= first + 1 {
        keep[first] = true;
        keep[last] = true;
        return;
    }
    let (start, end) = (coords[first], coords[last]);
    let (mut farthest, mut farthest_squared) = (first, 0.0);
    for (index, point) in coords.iter().enumerate().take(last).skip(first + 1) {
        let distance_squared = segment_distance_squared(*point, start, end);
        if distance_squared >= farthest_squared {
            (farthest, farthest_squared) = (index, distance_squared);
        }
    }
    if farthest_squared > epsilon_squared {
        split(
            coords,
            first,
            farthest,
            epsilon_squared,
            simplified_len,
            keep,
        );
        split(
            coords,
            farthest,
            last,
            epsilon_squared,
            simplified_len,
            keep,
        );
        return;
    }
    let culled = last - first - 1;
    if *simplified_len - culled < RING_MIN_COORDS {
        keep[first..=last].fill(true);
        return;
    }
    *simplified_len -= culled;
    keep[first] = true;
    keep[last] = true;
}

/// Squared distance from `point` to the segment `start`–`end` (geo's `line_segment_distance`,
/// squared).
fn segment_distance_squared(point: Coord<f64>, start: Coord<f64>, end: Coord<f64>) -> f64 {
    let squared = |a: Coord<f64>, b: Coord<f64>| (a.x - b.x).powi(2) + (a.y - b.y).powi(2);
    if start == end {
        return squared(point, start);
    }
    let (dx, dy) = (end.x - start.x, end.y - start.y);
    let length_squared = dx * dx + dy * dy;
    let r = ((point.x - start.x) * dx + (point.y - start.y) * dy) / length_squared;
    if r <= 0.0 {
        return squared(point, start);
    }
    if r >= 1.0 {
        return squared(point, end);
    }
    let cross = (start.y - point.y) * dx - (start.x - point.x) * dy;
    cross * cross / length_squared
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use geo::Simplify;
    use geo_types::{Coord, LineString, Polygon};

    use super::simplify_closed_ring;

    fn geo_simplified(ring: &[Coord<f64>], epsilon: f64) -> Vec<Coord<f64>> {
        Polygon::new(LineString(ring.to_vec()), Vec::new())
            .simplify(epsilon)
            .into_inner()
            .0
            .0
    }

    #[test]
    fn keeps_what_geo_keeps_on_random_rings() {
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        for round in 0..500 {
            let n = 4 + round % 200;
            let mut ring: Vec<Coord<f64>> = (0..n)
                .map(|i| {
                    let angle = i as f64 / n as f64 * std::f64::consts::TAU;
                    let radius = 100.0 + 30.0 * next();
                    Coord {
                        x: radius * angle.cos(),
                        y: radius * angle.sin(),
                    }
                })
                .collect();
            ring.push(ring[0]);
            for epsilon in [0.5, 3.0, 20.0, 150.0] {
                assert_eq!(
                    simplify_closed_ring(&ring, epsilon),
                    geo_simplified(&ring, epsilon),
                    "n={n} eps={epsilon}"
                );
            }
        }
    }

    #[test]
    fn a_tiny_ring_keeps_four_coordinates() {
        let ring: Vec<Coord<f64>> = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0), (0.0, 0.0)]
            .into_iter()
            .map(|(x, y)| Coord { x, y })
            .collect();
        let kept = simplify_closed_ring(&ring, 100.0);
        assert_eq!(kept, geo_simplified(&ring, 100.0));
        assert!(kept.len() >= 4);
    }
}
