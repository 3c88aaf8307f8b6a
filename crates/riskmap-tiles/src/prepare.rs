//! Load-time geometry work: project WGS84 to Web Mercator once, then simplify once per zoom.
//!
//! Rings are stored open (no repeated closing vertex), in Web Mercator metres.

use geo_types::{Coord, LineString, MultiPoint, MultiPolygon, Rect};

use crate::coord::project;

/// One polygon in Web Mercator metres, rings open.
#[derive(Debug, Clone)]
pub(crate) struct ProjPolygon {
    pub(crate) exterior: Vec<Coord<f64>>,
    pub(crate) holes: Vec<Vec<Coord<f64>>>,
    pub(crate) bbox: Rect<f64>,
}

impl ProjPolygon {
    fn vertex_count(&self) -> usize {
        self.exterior.len() + self.holes.iter().map(Vec::len).sum::<usize>()
    }
}

/// What a feature's geometry became at load time.
#[derive(Debug, Clone)]
pub(crate) enum Shape {
    /// Polygons at full resolution; `levels[z]` is the version simplified for zoom `z`, or
    /// `None` where simplification removed nothing (then the full resolution is used).
    Polygons {
        full: Vec<ProjPolygon>,
        levels: Vec<Option<Vec<ProjPolygon>>>,
    },
    /// Points, never simplified.
    Points(Vec<Coord<f64>>),
}

impl Shape {
    /// The polygons to cut tiles of zoom `z` from.
    pub(crate) fn polygons_at(&self, z: u8) -> &[ProjPolygon] {
        match self {
            Self::Polygons { full, levels } => match levels.get(usize::from(z)) {
                Some(Some(level)) => level,
                _ => full,
            },
            Self::Points(_) => &[],
        }
    }
}

/// Counters kept while preparing a polygon, so nothing disappears unnoticed.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct PrepCounts {
    pub(crate) vertices_full: usize,
    pub(crate) degenerate_input_rings: usize,
    pub(crate) rings_kept_unsimplified: usize,
}

/// Projects `mp` and simplifies it for each zoom `z < vertices_by_zoom.len()` with
/// `tolerance_m(z)`, adding the vertices kept to `vertices_by_zoom[z]`.
///
/// Returns the shape and its full-resolution bounding box, or `None` when no ring has an area.
pub(crate) fn prepare_polygons(
    mp: &MultiPolygon<f64>,
    tolerance_m: impl Fn(u8) -> f64,
    vertices_by_zoom: &mut [usize],
    counts: &mut PrepCounts,
) -> Option<(Shape, Rect<f64>)> {
    let full = project_polygons(mp, counts);
    let (first, rest) = full.split_first()?;
    let bbox = rest.iter().fold(first.bbox, |a, p| union(a, p.bbox));
    counts.vertices_full += vertex_count(&full);
    let mut levels = Vec::with_capacity(vertices_by_zoom.len());
    for (z, slot) in (0_u8..).zip(vertices_by_zoom.iter_mut()) {
        let level = simplify_polygons(&full, tolerance_m(z), counts);
        *slot += vertex_count(level.as_deref().unwrap_or(&full));
        levels.push(level);
    }
    Some((Shape::Polygons { full, levels }, bbox))
}

/// Projects `mp`, dropping input rings with fewer than three distinct vertices or no area
/// (a polygon whose exterior is dropped loses its holes too).
fn project_polygons(mp: &MultiPolygon<f64>, counts: &mut PrepCounts) -> Vec<ProjPolygon> {
    let mut out = Vec::with_capacity(mp.0.len());
    for polygon in &mp.0 {
        let Some(exterior) = project_ring(polygon.exterior()) else {
            counts.degenerate_input_rings += 1 + polygon.interiors().len();
            continue;
        };
        let mut holes = Vec::with_capacity(polygon.interiors().len());
        for hole in polygon.interiors() {
            match project_ring(hole) {
                Some(ring) => holes.push(ring),
                None => counts.degenerate_input_rings += 1,
            }
        }
        let bbox = ring_bbox(&exterior);
        out.push(ProjPolygon {
            exterior,
            holes,
            bbox,
        });
    }
    out
}

/// Projects points.
pub(crate) fn project_points(mp: &MultiPoint<f64>) -> Vec<Coord<f64>> {
    mp.0.iter().map(|p| project(p.0)).collect()
}

/// Simplifies `full` with Douglas–Peucker at `tolerance_m`, ring by ring.
///
/// A simplified ring that has fewer than three vertices, or kept less than half of the area of
/// its original, is replaced by the original ring (counted in `rings_kept_unsimplified`):
/// small rings are cheap, and dropping them here would make islands and enclaves vanish from
/// low zooms without anyone deciding so. Returns `None` when nothing was removed.
fn simplify_polygons(
    full: &[ProjPolygon],
    tolerance_m: f64,
    counts: &mut PrepCounts,
) -> Option<Vec<ProjPolygon>> {
    let before: usize = full.iter().map(ProjPolygon::vertex_count).sum();
    let out: Vec<ProjPolygon> = full
        .iter()
        .map(|p| {
            let exterior = simplify_ring(&p.exterior, tolerance_m, counts);
            let holes = p
                .holes
                .iter()
                .map(|h| simplify_ring(h, tolerance_m, counts))
                .collect();
            let bbox = ring_bbox(&exterior);
            ProjPolygon {
                exterior,
                holes,
                bbox,
            }
        })
        .collect();
    let after: usize = out.iter().map(ProjPolygon::vertex_count).sum();
    (after < before).then_some(out)
}

/// Vertices of a list of polygons.
fn vertex_count(polygons: &[ProjPolygon]) -> usize {
    polygons.iter().map(ProjPolygon::vertex_count).sum()
}

/// Twice the signed area of an open ring (shoelace), positive counter-clockwise in y-up axes.
pub(crate) fn ring_area2(ring: &[Coord<f64>]) -> f64 {
    let Some(&last) = ring.last() else { return 0.0 };
    let mut prev = last;
    let mut a = 0.0;
    for &c in ring {
        a += prev.x * c.y - c.x * prev.y;
        prev = c;
    }
    a
}

/// The bounding box of a non-empty coordinate list.
pub(crate) fn ring_bbox(ring: &[Coord<f64>]) -> Rect<f64> {
    let mut lo = Coord {
        x: f64::INFINITY,
        y: f64::INFINITY,
    };
    let mut hi = Coord {
        x: f64::NEG_INFINITY,
        y: f64::NEG_INFINITY,
    };
    for c in ring {
        lo = Coord {
            x: lo.x.min(c.x),
            y: lo.y.min(c.y),
        };
        hi = Coord {
            x: hi.x.max(c.x),
            y: hi.y.max(c.y),
        };
    }
    Rect::new(lo, hi)
}

fn union(a: Rect<f64>, b: Rect<f64>) -> Rect<f64> {
    Rect::new(
        Coord {
            x: a.min().x.min(b.min().x),
            y: a.min().y.min(b.min().y),
        },
        Coord {
            x: a.max().x.max(b.max().x),
            y: a.max().y.max(b.max().y),
        },
    )
}

fn project_ring(ring: &LineString<f64>) -> Option<Vec<Coord<f64>>> {
    let mut out: Vec<Coord<f64>> = Vec::with_capacity(ring.0.len());
    for &c in &ring.0 {
        let p = project(c);
        if out.last() != Some(&p) {
            out.push(p);
        }
    }
    while out.len() > 1 && out.first() == out.last() {
        out.pop();
    }
    (out.len() >= 3 && ring_area2(&out) != 0.0).then_some(out)
}

fn simplify_ring(
    ring: &[Coord<f64>],
    tolerance_m: f64,
    counts: &mut PrepCounts,
) -> Vec<Coord<f64>> {
    let mut closed = ring.to_vec();
    if let Some(&first) = ring.first() {
        closed.push(first);
    }
    // As geo's `Polygon::simplify`: at least four coordinates per ring are kept.
    let mut coords = crate::simplify::simplify_closed_ring(&closed, tolerance_m);
    coords.pop();
    let original = ring_area2(ring).abs();
    if coords.len() < 3 || ring_area2(&coords).abs() < 0.5 * original {
        counts.rings_kept_unsimplified += 1;
        return ring.to_vec();
    }
    coords
}
