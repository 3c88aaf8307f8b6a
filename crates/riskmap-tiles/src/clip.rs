//! Per-tile geometry work: Web Mercator to tile units, Sutherland–Hodgman rectangle clipping,
//! and quantisation to the integer grid.

use fast_mvt::MvtCoord;
use geo_types::Coord;

use crate::coord::TileCoord;

/// Web Mercator metres to tile units: origin at the tile's top-left corner, y down.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Transform {
    min_x: f64,
    max_y: f64,
    scale: f64,
}

impl Transform {
    pub(crate) fn new(coord: TileCoord, extent: u32) -> Self {
        let b = coord.bounds();
        Self {
            min_x: b.min().x,
            max_y: b.max().y,
            scale: f64::from(extent) / coord.size_m(),
        }
    }

    pub(crate) fn apply(self, c: Coord<f64>) -> Coord<f64> {
        Coord {
            x: (c.x - self.min_x) * self.scale,
            y: (self.max_y - c.y) * self.scale,
        }
    }
}

/// Clips rings to the square `lo..=hi` (tile units, both axes), reusing its buffers.
#[derive(Debug)]
pub(crate) struct Clipper {
    lo: f64,
    hi: f64,
    a: Vec<Coord<f64>>,
    b: Vec<Coord<f64>>,
}

impl Clipper {
    /// A clipper for a tile of `extent` units with `buffer` units around it.
    pub(crate) fn new(extent: u32, buffer: u32) -> Self {
        let b = f64::from(buffer);
        Self {
            lo: -b,
            hi: f64::from(extent) + b,
            a: Vec::new(),
            b: Vec::new(),
        }
    }

    /// True when the tile-unit point lies in the clip square.
    pub(crate) fn contains(&self, c: Coord<f64>) -> bool {
        (self.lo..=self.hi).contains(&c.x) && (self.lo..=self.hi).contains(&c.y)
    }

    /// Transforms the open ring `ring` (Web Mercator) to tile units and clips it to the square.
    ///
    /// The result is an open ring; it may be empty or degenerate, which quantisation detects.
    pub(crate) fn clip_ring(&mut self, ring: &[Coord<f64>], tf: Transform) -> &[Coord<f64>] {
        self.a.clear();
        let mut inside = true;
        for &c in ring {
            let t = tf.apply(c);
            inside &= self.contains(t);
            self.a.push(t);
        }
        if inside {
            return &self.a;
        }
        let (lo, hi) = (self.lo, self.hi);
        clip_edge(&self.a, &mut self.b, |p| p.x >= lo, |p, q| at_x(p, q, lo));
        clip_edge(&self.b, &mut self.a, |p| p.x <= hi, |p, q| at_x(p, q, hi));
        clip_edge(&self.a, &mut self.b, |p| p.y >= lo, |p, q| at_y(p, q, lo));
        clip_edge(&self.b, &mut self.a, |p| p.y <= hi, |p, q| at_y(p, q, hi));
        &self.a
    }
}

/// One Sutherland–Hodgman pass against a half-plane.
fn clip_edge(
    input: &[Coord<f64>],
    out: &mut Vec<Coord<f64>>,
    inside: impl Fn(Coord<f64>) -> bool,
    cross: impl Fn(Coord<f64>, Coord<f64>) -> Coord<f64>,
) {
    out.clear();
    let Some(&last) = input.last() else { return };
    let mut prev = last;
    let mut prev_in = inside(prev);
    for &cur in input {
        let cur_in = inside(cur);
        if cur_in != prev_in {
            out.push(cross(prev, cur));
        }
        if cur_in {
            out.push(cur);
        }
        prev = cur;
        prev_in = cur_in;
    }
}

fn at_x(p: Coord<f64>, q: Coord<f64>, x: f64) -> Coord<f64> {
    Coord {
        x,
        y: p.y + (q.y - p.y) * (x - p.x) / (q.x - p.x),
    }
}

fn at_y(p: Coord<f64>, q: Coord<f64>, y: f64) -> Coord<f64> {
    Coord {
        x: p.x + (q.x - p.x) * (y - p.y) / (q.y - p.y),
        y,
    }
}

/// Rounds the open ring `ring` to integers and appends it to `out`, merging repeated vertices.
///
/// Returns true when the appended ring is usable: at least three vertices and a non-zero
/// area (which implies three distinct, non-collinear vertices). Otherwise nothing is appended.
pub(crate) fn quantise_ring(ring: &[Coord<f64>], out: &mut Vec<MvtCoord>) -> bool {
    let start = out.len();
    for &c in ring {
        let q = round(c);
        if out.len() == start || out.last() != Some(&q) {
            out.push(q);
        }
    }
    while out.len() > start + 1 && out[start] == out[out.len() - 1] {
        out.pop();
    }
    let ok = out.len() >= start + 3 && area2(&out[start..]) != 0;
    if !ok {
        out.truncate(start);
    }
    ok
}

/// Rounds a tile-unit coordinate to the integer grid.
pub(crate) fn round(c: Coord<f64>) -> MvtCoord {
    // Tile-unit values stay within the buffered square (|v| <= 2^17), so the casts are exact.
    MvtCoord {
        x: c.x.round() as i32,
        y: c.y.round() as i32,
    }
}

/// Twice the signed area of an open integer ring (shoelace). In tile axes (y down) a ring that
/// is clockwise on screen has positive area, which MVT requires of exterior rings.
pub(crate) fn area2(ring: &[MvtCoord]) -> i64 {
    let Some(&last) = ring.last() else { return 0 };
    let mut prev = last;
    let mut a = 0_i64;
    for &c in ring {
        a += i64::from(prev.x) * i64::from(c.y) - i64::from(c.x) * i64::from(prev.y);
        prev = c;
    }
    a
}

#[cfg(test)]
mod tests {
    use geo_types::coord;

    use super::*;

    fn clip(ring: &[(f64, f64)]) -> Vec<(f64, f64)> {
        let mut c = Clipper::new(10, 0);
        let tf = Transform {
            min_x: 0.0,
            max_y: 0.0,
            scale: 1.0,
        };
        // The transform flips y, so feed it negated y to keep the test's picture upright.
        let ring: Vec<Coord<f64>> = ring.iter().map(|&(x, y)| coord! { x: x, y: -y }).collect();
        c.clip_ring(&ring, tf).iter().map(|p| (p.x, p.y)).collect()
    }

    #[test]
    fn keeps_a_ring_inside_untouched() {
        assert_eq!(
            clip(&[(1.0, 1.0), (5.0, 1.0), (5.0, 5.0)]),
            vec![(1.0, 1.0), (5.0, 1.0), (5.0, 5.0)]
        );
    }

    #[test]
    fn cuts_a_square_overlapping_the_corner() {
        let out = clip(&[(5.0, 5.0), (15.0, 5.0), (15.0, 15.0), (5.0, 15.0)]);
        let ring: Vec<MvtCoord> = out
            .iter()
            .map(|&(x, y)| round(coord! { x: x, y: y }))
            .collect();
        assert_eq!(area2(&ring).abs(), 2 * 25);
    }

    #[test]
    fn drops_a_ring_outside_and_a_collapsed_ring() {
        assert!(clip(&[(20.0, 20.0), (30.0, 20.0), (30.0, 30.0)]).is_empty());
        let mut out = Vec::new();
        assert!(!quantise_ring(
            &[
                coord! { x: 1.1, y: 1.0 },
                coord! { x: 1.2, y: 1.1 },
                coord! { x: 0.9, y: 0.8 }
            ],
            &mut out
        ));
        assert!(out.is_empty());
        assert!(!quantise_ring(
            &[
                coord! { x: 0.0, y: 0.0 },
                coord! { x: 1.0, y: 1.0 },
                coord! { x: 2.0, y: 2.0 }
            ],
            &mut out
        ));
        assert!(quantise_ring(
            &[
                coord! { x: 0.0, y: 0.0 },
                coord! { x: 4.0, y: 0.0 },
                coord! { x: 0.0, y: 4.0 }
            ],
            &mut out
        ));
        assert_eq!(out.len(), 3);
    }
}
