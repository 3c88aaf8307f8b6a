//! Cutting one feature for one tile: clip and quantise its polygons (with the speck rule) or
//! keep its points inside the buffered tile, into reusable buffers of integer coordinates.

use fast_mvt::MvtCoord;
use geo_types::{Coord, Rect};

use crate::clip::{Clipper, Transform, area2, quantise_ring, round};
use crate::coord::TileCoord;
use crate::layer::LayerOptions;
use crate::prepare::{ProjPolygon, ring_area2};

/// Clipped area (square tile units) below which a collapsed polygon is treated as touching the
/// clip square rather than overlapping it, so it gets no speck.
const SPECK_MIN_AREA: f64 = 1e-6;

/// One ring of the current feature in [`Cutter::coords`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ring {
    /// End offset in `coords`.
    pub(crate) end: usize,
    /// Exterior (true) or hole.
    pub(crate) exterior: bool,
    /// Twice the signed area, in tile axes.
    pub(crate) area2: i64,
}

/// Per-tile scratch state: the transform, the clipper and the current feature's output.
#[derive(Debug)]
pub(crate) struct Cutter {
    tf: Transform,
    clip_m: Rect<f64>,
    /// `clip_m` less one tile unit on every side: a polygon whose bounding box lies in it has
    /// every vertex inside the clip square after the transform, whatever the rounding.
    inner_m: Option<Rect<f64>>,
    clipper: Clipper,
    /// Quantised vertices of the current feature, ring after ring.
    pub(crate) coords: Vec<MvtCoord>,
    /// The rings of the current feature.
    pub(crate) rings: Vec<Ring>,
}

impl Cutter {
    /// A cutter for tile `coord` of a layer with options `o`.
    pub(crate) fn new(coord: TileCoord, o: &LayerOptions) -> Self {
        let (tf, clip_m) = (
            Transform::new(coord, o.extent),
            Rect::new((0., 0.), (0., 0.)),
        );
        let mut cut = Self {
            tf,
            clip_m,
            inner_m: None,
            clipper: Clipper::new(o.extent, o.buffer),
            coords: Vec::new(),
            rings: Vec::new(),
        };
        cut.start(coord, o);
        cut
    }

    /// Points the cutter at tile `coord` of a layer with options `o`, keeping its buffers.
    pub(crate) fn start(&mut self, coord: TileCoord, o: &LayerOptions) {
        self.tf = Transform::new(coord, o.extent);
        self.clip_m = coord.buffered_bounds(o.buffer, o.extent);
        let unit = 1.0 / self.tf.scale();
        let (lo, hi) = (self.clip_m.min(), self.clip_m.max());
        self.inner_m = (hi.x - lo.x > 2.0 * unit && hi.y - lo.y > 2.0 * unit)
            .then(|| Rect::new((lo.x + unit, lo.y + unit), (hi.x - unit, hi.y - unit)));
        self.clipper.set_square(o.extent, o.buffer);
    }

    /// Keeps the points inside the buffered tile; false when none is.
    pub(crate) fn points(&mut self, points: &[Coord<f64>]) -> bool {
        self.coords.clear();
        self.rings.clear();
        for &p in points {
            let t = self.tf.apply(p);
            if self.clipper.contains(t) {
                self.coords.push(round(t));
            }
        }
        !self.coords.is_empty()
    }

    /// Clips and quantises the polygons; false when nothing is left of them.
    pub(crate) fn polygons(&mut self, polygons: &[ProjPolygon]) -> bool {
        self.coords.clear();
        self.rings.clear();
        // The largest exterior that collapsed although it had area: (area, vertex mean).
        let mut speck: Option<(f64, Coord<f64>)> = None;
        let tf = self.tf;
        for p in polygons {
            if !intersects(p.bbox, self.clip_m) {
                continue;
            }
            // Wholly inside: no clipping, transform and quantise in one pass (what clipping
            // would give, as no vertex is outside). A collapsed exterior takes the long way
            // for the speck rule.
            if self.inner_m.is_some_and(|inner| within(p.bbox, inner))
                && let Some(area2) =
                    quantise_ring(p.exterior.iter().map(|&c| tf.apply(c)), &mut self.coords)
            {
                self.push_ring(true, area2);
                for hole in &p.holes {
                    if let Some(area2) =
                        quantise_ring(hole.iter().map(|&c| tf.apply(c)), &mut self.coords)
                    {
                        self.push_ring(false, area2);
                    }
                }
                continue;
            }
            let clipped = self.clipper.clip_ring(&p.exterior, self.tf);
            if clipped.len() < 3 {
                continue;
            }
            let Some(area2) = quantise_ring(clipped.iter().copied(), &mut self.coords) else {
                let area = ring_area2(clipped).abs() / 2.0;
                if area > SPECK_MIN_AREA && speck.is_none_or(|(best, _)| area > best) {
                    speck = Some((area, mean(clipped)));
                }
                continue;
            };
            self.push_ring(true, area2);
            for hole in &p.holes {
                let clipped = self.clipper.clip_ring(hole, self.tf);
                if clipped.len() >= 3
                    && let Some(area2) = quantise_ring(clipped.iter().copied(), &mut self.coords)
                {
                    self.push_ring(false, area2);
                }
            }
        }
        if self.rings.is_empty()
            && let Some((_, c)) = speck
        {
            let MvtCoord { x, y } = round(Coord {
                x: c.x.floor(),
                y: c.y.floor(),
            });
            self.coords.extend(
                [(x, y), (x + 1, y), (x + 1, y + 1), (x, y + 1)].map(|(x, y)| MvtCoord { x, y }),
            );
            let area2 = area2(&self.coords);
            self.push_ring(true, area2);
        }
        !self.rings.is_empty()
    }

    fn push_ring(&mut self, exterior: bool, area2: i64) {
        self.rings.push(Ring {
            end: self.coords.len(),
            exterior,
            area2,
        });
    }
}

fn intersects(a: Rect<f64>, b: Rect<f64>) -> bool {
    a.min().x <= b.max().x
        && b.min().x <= a.max().x
        && a.min().y <= b.max().y
        && b.min().y <= a.max().y
}

/// True when `inner` lies within `outer`.
fn within(inner: Rect<f64>, outer: Rect<f64>) -> bool {
    outer.min().x <= inner.min().x
        && inner.max().x <= outer.max().x
        && outer.min().y <= inner.min().y
        && inner.max().y <= outer.max().y
}

fn mean(ring: &[Coord<f64>]) -> Coord<f64> {
    let n = ring.len().max(1) as f64;
    let s = ring.iter().fold(Coord::zero(), |acc, &c| acc + c);
    Coord {
        x: s.x / n,
        y: s.y / n,
    }
}
