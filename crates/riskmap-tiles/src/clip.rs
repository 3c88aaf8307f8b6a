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

    /// Tile units per metre.
    pub(crate) fn scale(self) -> f64 {
        self.scale
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

    /// Clips to the square of a tile of `extent` units with `buffer` units around it from now on.
    pub(crate) fn set_square(&mut self, extent: u32, buffer: u32) {
        let b = f64::from(buffer);
        (self.lo, self.hi) = (-b, f64::from(extent) + b);
    }

    /// True when the tile-unit point lies in the clip square.
    pub(crate) fn contains(&self, c: Coord<f64>) -> bool {
        (self.lo..=self.hi).contains(&c.x) && (self.lo..=self.hi).contains(&c.y)
    }

    /// Transforms the open ring `ring` (Web Mercator) to tile units and clips it to the square.
    ///
    /// The result is an open ring; it may be empty or degenerate, which quantisation detects.
    /// A Sutherland–Hodgman pass runs only when some vertex lies outside its half-plane: with
    /// every vertex inside, a pass would copy the ring unchanged.
    pub(crate) fn clip_ring(&mut self, ring: &[Coord<f64>], tf: Transform) -> &[Coord<f64>] {
        self.a.clear();
        self.a.reserve(ring.len());
        let mut bounds = Bounds::EMPTY;
        for &c in ring {
            let t = tf.apply(c);
            bounds.add(t);
            self.a.push(t);
        }
        let (lo, hi) = (self.lo, self.hi);
        if bounds.min.x < lo {
            bounds = clip_edge(&self.a, &mut self.b, |p| p.x >= lo, |p, q| at_x(p, q, lo));
            std::mem::swap(&mut self.a, &mut self.b);
        }
        if bounds.max.x > hi {
            bounds = clip_edge(&self.a, &mut self.b, |p| p.x <= hi, |p, q| at_x(p, q, hi));
            std::mem::swap(&mut self.a, &mut self.b);
        }
        if bounds.min.y < lo {
            bounds = clip_edge(&self.a, &mut self.b, |p| p.y >= lo, |p, q| at_y(p, q, lo));
            std::mem::swap(&mut self.a, &mut self.b);
        }
        if bounds.max.y > hi {
            clip_edge(&self.a, &mut self.b, |p| p.y <= hi, |p, q| at_y(p, q, hi));
            std::mem::swap(&mut self.a, &mut self.b);
        }
        &self.a
    }
}

/// The bounding box of the vertices seen so far (empty: min above max).
#[derive(Debug, Clone, Copy)]
struct Bounds {
    min: Coord<f64>,
    max: Coord<f64>,
}

impl Bounds {
    const EMPTY: Self = Self {
        min: Coord {
            x: f64::INFINITY,
            y: f64::INFINITY,
        },
        max: Coord {
            x: f64::NEG_INFINITY,
            y: f64::NEG_INFINITY,
        },
    };

    fn add(&mut self, c: Coord<f64>) {
        self.min.x = self.min.x.min(c.x);
        self.min.y = self.min.y.min(c.y);
        self.max.x = self.max.x.max(c.x);
        self.max.y = self.max.y.max(c.y);
    }
}

/// One Sutherland–Hodgman pass against a half-plane; returns the bounds of the output.
fn clip_edge(
    input: &[Coord<f64>],
    out: &mut Vec<Coord<f64>>,
    inside: impl Fn(Coord<f64>) -> bool,
    cross: impl Fn(Coord<f64>, Coord<f64>) -> Coord<f64>,
) -> Bounds {
    out.clear();
    let mut bounds = Bounds::EMPTY;
    let Some(&last) = input.last() else {
        return bounds;
    };
    let mut prev = last;
    let mut prev_in = inside(prev);
    for &cur in input {
        let cur_in = inside(cur);
        if cur_in != prev_in {
            let c = cross(prev, cur);
            bounds.add(c);
            out.push(c);
        }
        if cur_in {
            bounds.add(cur);
            out.push(cur);
        }
        prev = cur;
        prev_in = cur_in;
    }
    bounds
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
/// Returns twice the signed area of the appended ring ([`area2`]) when it is usable: at least
/// three vertices and a non-zero area (which implies three distinct, non-collinear vertices).
/// Otherwise nothing is appended and the answer is `None`.
pub(crate) fn quantise_ring(
    ring: impl IntoIterator<Item = Coord<f64>>,
    out: &mut Vec<MvtCoord>,
) -> Option<i64> {
    let start = out.len();
    // The shoelace sum runs along as vertices are kept; dropping a closing vertex equal to the
    // first one leaves it unchanged (the dropped edge ends where the closing edge starts).
    let mut first = None;
    let mut last: Option<MvtCoord> = None;
    let mut area = 0_i64;
    for c in ring {
        let q = round(c);
        match last {
            Some(p) if p == q => continue,
            Some(p) => area += cross(p, q),
            None => first = Some(q),
        }
        out.push(q);
        last = Some(q);
    }
    if let (Some(f), Some(l)) = (first, last) {
        area += cross(l, f);
    }
    while out.len() > start + 1 && out[start] == out[out.len() - 1] {
        out.pop();
    }
    if out.len() < start + 3 || area == 0 {
        out.truncate(start);
        return None;
    }
    Some(area)
}

/// Rounds a tile-unit coordinate to the integer grid.
pub(crate) fn round(c: Coord<f64>) -> MvtCoord {
    // Tile-unit values stay within the buffered square (|v| <= 2^17), so the casts are exact.
    MvtCoord {
        x: round_half_away(c.x) as i32,
        y: round_half_away(c.y) as i32,
    }
}

/// `v.round()` (halves away from zero) in a few SSE2 instructions and no branch on the value:
/// x86-64 without SSE4.1 has no rounding instruction, so `f64::round` is a libm call, which was
/// a sixth of a tile's encoding. Adding and taking away 2^52 rounds to the nearest integer with
/// ties to even; a tie that went down to even is then moved up one. Exact for every finite
/// value; NaN stays NaN.
fn round_half_away(v: f64) -> f64 {
    const TWO_52: f64 = 4_503_599_627_370_496.0;
    let a = v.abs();
    if a >= TWO_52 {
        // Already an integer (or infinite).
        return v;
    }
    let t = (a + TWO_52) - TWO_52;
    let t = t + f64::from(u8::from(a - t == 0.5));
    t.copysign(v)
}

/// The shoelace term of the edge `p` → `q`.
fn cross(p: MvtCoord, q: MvtCoord) -> i64 {
    i64::from(p.x) * i64::from(q.y) - i64::from(q.x) * i64::from(p.y)
}

/// Twice the signed area of an open integer ring (shoelace). In tile axes (y down) a ring that
/// is clockwise on screen has positive area, which MVT requires of exterior rings.
pub(crate) fn area2(ring: &[MvtCoord]) -> i64 {
    let Some(&last) = ring.last() else { return 0 };
    let mut prev = last;
    let mut a = 0_i64;
    for &c in ring {
        a += cross(prev, c);
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
        assert!(
            quantise_ring(
                [
                    coord! { x: 1.1, y: 1.0 },
                    coord! { x: 1.2, y: 1.1 },
                    coord! { x: 0.9, y: 0.8 }
                ],
                &mut out
            )
            .is_none()
        );
        assert!(out.is_empty());
        assert!(
            quantise_ring(
                [
                    coord! { x: 0.0, y: 0.0 },
                    coord! { x: 1.0, y: 1.0 },
                    coord! { x: 2.0, y: 2.0 }
                ],
                &mut out
            )
            .is_none()
        );
        assert_eq!(
            quantise_ring(
                [
                    coord! { x: 0.0, y: 0.0 },
                    coord! { x: 4.0, y: 0.0 },
                    coord! { x: 0.0, y: 4.0 }
                ],
                &mut out
            ),
            Some(16)
        );
        assert_eq!(out.len(), 3);
    }

    #[test]
    fn rounding_is_f64_round() {
        let mut values = vec![
            0.0,
            -0.0,
            0.5,
            1.5,
            2.5,
            -2.5,
            0.499_999_999_999_999_94,
            -0.499_999_999_999_999_94,
            4_095.5,
            -64.5,
            131_071.5,
            4_503_599_627_370_495.5,
            9_007_199_254_740_993.0,
            f64::MAX,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ];
        let mut x = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..100_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let v = (x >> 11) as f64 / (1_u64 << 53) as f64 * 10_000.0 - 5_000.0;
            values.extend([v, (v * 2.0).round() / 2.0]);
        }
        for v in values {
            assert_eq!(round_half_away(v).to_bits(), v.round().to_bits(), "{v}");
        }
        assert!(round_half_away(f64::NAN).is_nan());
    }
}
