//! Queen and rook contiguity from polygons, built exactly as libpysal 4.x builds them.
//!
//! libpysal (`weights/_contW_lists.py`, `ContiguityWeightsLists`) flattens each unit's
//! boundary into one vertex sequence: for every polygon part, the exterior ring and then
//! each interior ring, all closed and concatenated in order.
//! * **Queen**: two units are neighbours when they share at least one vertex.
//! * **Rook**: two units are neighbours when they share an *edge*, i.e. an unordered pair of
//!   consecutive vertices of that sequence.
//!
//! Vertices are compared **exactly** (bit equality of the coordinates, with −0.0 = 0.0),
//! as libpysal does with Python float tuples; there is no snapping tolerance. Two polygons
//! that touch along a segment but do not repeat each other's vertices are therefore not
//! neighbours, in libpysal and here alike. Clean or snap boundaries first when that matters.
//!
//! A libpysal quirk reproduced on purpose: the rook edge list also contains the "jump"
//! from the last vertex of one ring to the first vertex of the next ring, because the
//! rings are concatenated before consecutive pairs are taken. Such a jump matches another
//! unit's edge only in contrived cases, but keeping it makes the neighbour lists identical
//! to libpysal's.
//!
//! Reference: Rey, S. J. & Anselin, L. (2007), PySAL: a Python library of spatial
//! analytical methods; libpysal 4.14.1 `Queen.from_dataframe` / `Rook.from_dataframe`.

use geo_types::{Coord, MultiPolygon};

use super::Weights;
use crate::error::{Error, Result};

/// Queen contiguity: units sharing at least one boundary vertex are neighbours (binary).
///
/// # Examples
///
/// ```
/// use geo_types::{polygon, MultiPolygon};
/// use riskmap_score::weights::queen;
///
/// // Three unit squares in an L: 0 and 1 share an edge, 1 and 2 share an edge,
/// // 0 and 2 touch at one corner only.
/// let sq = |x: f64, y: f64| MultiPolygon::from(polygon![
///     (x: x, y: y), (x: x + 1.0, y: y), (x: x + 1.0, y: y + 1.0), (x: x, y: y + 1.0)
/// ]);
/// let units = [sq(0.0, 0.0), sq(1.0, 0.0), sq(1.0, 1.0)];
/// let w = queen(&units).expect("valid polygons");
/// assert_eq!(w.to_neighbour_lists(), vec![vec![1, 2], vec![0, 2], vec![0, 1]]);
/// ```
pub fn queen(units: &[MultiPolygon<f64>]) -> Result<Weights> {
    let mut entries: Vec<(VertexKey, usize)> = Vec::new();
    for (unit, geometry) in units.iter().enumerate() {
        for coord in boundary_sequence(unit, geometry)? {
            entries.push((VertexKey::of(coord), unit));
        }
    }
    links_from_shared_keys(units.len(), entries)
}

/// Rook contiguity: units sharing at least one boundary edge are neighbours (binary).
///
/// # Examples
///
/// ```
/// use geo_types::{polygon, MultiPolygon};
/// use riskmap_score::weights::rook;
///
/// let sq = |x: f64, y: f64| MultiPolygon::from(polygon![
///     (x: x, y: y), (x: x + 1.0, y: y), (x: x + 1.0, y: y + 1.0), (x: x, y: y + 1.0)
/// ]);
/// let units = [sq(0.0, 0.0), sq(1.0, 0.0), sq(1.0, 1.0)];
/// let w = rook(&units).expect("valid polygons");
/// // The corner contact between 0 and 2 does not count.
/// assert_eq!(w.to_neighbour_lists(), vec![vec![1], vec![0, 2], vec![1]]);
/// ```
pub fn rook(units: &[MultiPolygon<f64>]) -> Result<Weights> {
    let mut entries: Vec<((VertexKey, VertexKey), usize)> = Vec::new();
    for (unit, geometry) in units.iter().enumerate() {
        let sequence = boundary_sequence(unit, geometry)?;
        for pair in sequence.windows(2) {
            let a = VertexKey::of(pair[0]);
            let b = VertexKey::of(pair[1]);
            let edge = if a <= b { (a, b) } else { (b, a) };
            entries.push((edge, unit));
        }
    }
    links_from_shared_keys(units.len(), entries)
}

/// A vertex as an exact, hashable and ordered key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct VertexKey(u64, u64);

impl VertexKey {
    fn of(c: Coord<f64>) -> Self {
        // -0.0 == 0.0 in Python tuple comparison; normalise before taking the bits.
        let norm = |v: f64| {
            if v == 0.0 {
                0.0_f64.to_bits()
            } else {
                v.to_bits()
            }
        };
        VertexKey(norm(c.x), norm(c.y))
    }
}

/// The libpysal vertex sequence of one unit: per part, exterior then interiors.
fn boundary_sequence(unit: usize, geometry: &MultiPolygon<f64>) -> Result<Vec<Coord<f64>>> {
    let mut out = Vec::new();
    for polygon in &geometry.0 {
        for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
            for &c in &ring.0 {
                if !(c.x.is_finite() && c.y.is_finite()) {
                    return Err(Error::BadGeometry {
                        unit,
                        reason: format!("non-finite coordinate ({}, {})", c.x, c.y),
                    });
                }
                out.push(c);
            }
        }
    }
    Ok(out)
}

/// Links every pair of distinct units that share a key.
fn links_from_shared_keys<K: Ord + Copy>(
    n: usize,
    mut entries: Vec<(K, usize)>,
) -> Result<Weights> {
    entries.sort_unstable();
    entries.dedup();
    let mut lists: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut start = 0;
    while start < entries.len() {
        let mut end = start + 1;
        while end < entries.len() && entries[end].0 == entries[start].0 {
            end += 1;
        }
        let group = &entries[start..end];
        if group.len() > 1 {
            for a in group {
                for b in group {
                    if a.1 != b.1 {
                        lists[a.1].push(b.1);
                    }
                }
            }
        }
        start = end;
    }
    Weights::from_neighbour_lists(&lists)
}

#[cfg(test)]
mod tests {
    use geo_types::{LineString, Polygon};

    use super::*;

    fn square(x: f64, y: f64, size: f64) -> MultiPolygon<f64> {
        MultiPolygon::from(Polygon::new(
            LineString::from(vec![
                (x, y),
                (x + size, y),
                (x + size, y + size),
                (x, y + size),
                (x, y),
            ]),
            vec![],
        ))
    }

    #[test]
    fn touching_without_shared_vertex_is_not_contiguous() {
        // A 2x2 square and a unit square whose edge lies inside the big square's edge.
        let units = [square(0.0, 0.0, 2.0), square(2.0, 0.5, 1.0)];
        assert_eq!(queen(&units).expect("valid").islands(), vec![0, 1]);
    }

    #[test]
    fn negative_zero_equals_zero() {
        let a = square(-1.0, 0.0, 1.0);
        let b = MultiPolygon::from(Polygon::new(
            LineString::from(vec![
                (-0.0, 0.0),
                (1.0, 0.0),
                (1.0, 1.0),
                (-0.0, 1.0),
                (-0.0, 0.0),
            ]),
            vec![],
        ));
        let w = rook(&[a, b]).expect("valid");
        assert_eq!(w.to_neighbour_lists(), vec![vec![1], vec![0]]);
    }

    #[test]
    fn nan_vertex_is_an_error() {
        let bad = square(f64::NAN, 0.0, 1.0);
        assert!(matches!(
            queen(&[bad]),
            Err(Error::BadGeometry { unit: 0, .. })
        ));
    }
}
