//! Cutting and encoding one tile (steps 5–8 of the pipeline documented on [`TileLayer`]).

use fast_mvt::{MvtCoord, MvtFeatureBuilder, MvtGeomType, MvtLayerBuilder, MvtValueRef};
use geo_types::{Coord, Rect};

use crate::clip::{Clipper, Transform, quantise_ring, round};
use crate::coord::TileCoord;
use crate::layer::{Attributes, TileLayer};
use crate::prepare::{ProjPolygon, Shape, ring_area2};
use crate::{Error, FeatureId, PropertyValue, Result, STRING_ID_KEY};

/// Clipped area (square tile units) below which a collapsed polygon is treated as touching the
/// clip square rather than overlapping it, so it gets no speck.
const SPECK_MIN_AREA: f64 = 1e-6;

/// Encodes the layers' features in tile `coord` as one uncompressed MVT tile.
///
/// Layers appear in the given order; a layer with nothing in the tile is left out, and `None`
/// means the tile is empty (the server answers 204). Call it from a blocking context: it is
/// pure CPU work, typically well under a millisecond per tile.
pub fn encode_tile<'a>(
    layers: impl IntoIterator<Item = &'a TileLayer>,
    coord: TileCoord,
) -> Result<Option<Vec<u8>>> {
    let mut tile = Vec::new();
    let mut names: Vec<&str> = Vec::new();
    for layer in layers {
        if names.contains(&layer.name()) {
            return Err(Error::BadLayerOptions {
                layer: layer.name().to_owned(),
                reason: "two layers share this name",
            });
        }
        names.push(layer.name());
        if let Some(bytes) = encode_layer(layer, coord)? {
            tile.extend_from_slice(&bytes);
        }
    }
    Ok((!tile.is_empty()).then_some(tile))
}

/// Encodes one layer of tile `coord` as a framed MVT layer, or `None` when it has no feature
/// there. Concatenating such chunks (distinct names) gives a tile.
pub fn encode_layer(layer: &TileLayer, coord: TileCoord) -> Result<Option<Vec<u8>>> {
    if !layer.has_zoom(coord.z()) {
        return Ok(None);
    }
    let o = layer.options();
    let mut cut = Cutter {
        tf: Transform::new(coord, o.extent),
        clip_m: coord.buffered_bounds(o.buffer, o.extent),
        clipper: Clipper::new(o.extent, o.buffer),
        coords: Vec::new(),
        rings: Vec::new(),
    };
    let mut builder: Option<MvtLayerBuilder> = None;
    for idx in layer.candidates(coord) {
        let kind = match &layer.geometry.shapes[idx] {
            Shape::Points(points) => {
                if !cut.points(points) {
                    continue;
                }
                MvtGeomType::Point
            }
            shape @ Shape::Polygons { .. } => {
                if !cut.polygons(shape.polygons_at(coord.z())) {
                    continue;
                }
                MvtGeomType::Polygon
            }
        };
        let layer_builder = match builder.take() {
            Some(b) => b,
            None => new_layer(layer)?,
        };
        let mut fb = layer_builder.feature_of(kind);
        cut.write_geometry(&mut fb, kind)?;
        write_attributes(&mut fb, &layer.attributes[idx])?;
        builder = Some(fb.end());
    }
    Ok(builder.map(MvtLayerBuilder::encode))
}

fn new_layer(layer: &TileLayer) -> Result<MvtLayerBuilder> {
    let mut b = MvtLayerBuilder::new(layer.name()).map_err(Error::Encode)?;
    let extent =
        std::num::NonZeroU32::new(layer.options().extent).ok_or(Error::BadLayerOptions {
            layer: layer.name().to_owned(),
            reason: "extent must be in 1..=65536",
        })?;
    b.extent(extent);
    Ok(b)
}

fn write_attributes(fb: &mut MvtFeatureBuilder, feature: &Attributes) -> Result<()> {
    match &feature.id {
        Some(FeatureId::Int(id)) => {
            fb.id(Some(*id));
        }
        Some(FeatureId::Str(id)) => {
            fb.tag_ref(STRING_ID_KEY, MvtValueRef::String(id))
                .map_err(Error::Encode)?;
        }
        None => {}
    }
    for (key, value) in feature.properties.iter() {
        let value = match value {
            PropertyValue::String(s) => MvtValueRef::String(s),
            PropertyValue::F64(v) => MvtValueRef::Double(*v),
            PropertyValue::I64(v) => match u64::try_from(*v) {
                Ok(u) => MvtValueRef::UInt(u),
                Err(_) => MvtValueRef::SInt(*v),
            },
            PropertyValue::Bool(v) => MvtValueRef::Bool(*v),
        };
        fb.tag_ref(key, value).map_err(Error::Encode)?;
    }
    Ok(())
}

/// Per-tile scratch state: the transform, the clipper and the current feature's output.
struct Cutter {
    tf: Transform,
    clip_m: Rect<f64>,
    clipper: Clipper,
    /// Quantised vertices of the current feature, ring after ring.
    coords: Vec<MvtCoord>,
    /// End offset in `coords` of each ring, and whether it is an exterior.
    rings: Vec<(usize, bool)>,
}

impl Cutter {
    /// Keeps the points inside the buffered tile; false when none is.
    fn points(&mut self, points: &[Coord<f64>]) -> bool {
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
    fn polygons(&mut self, polygons: &[ProjPolygon]) -> bool {
        self.coords.clear();
        self.rings.clear();
        // The largest exterior that collapsed although it had area: (area, vertex mean).
        let mut speck: Option<(f64, Coord<f64>)> = None;
        for p in polygons {
            if !intersects(p.bbox, self.clip_m) {
                continue;
            }
            let clipped = self.clipper.clip_ring(&p.exterior, self.tf);
            if clipped.len() < 3 {
                continue;
            }
            if !quantise_ring(clipped, &mut self.coords) {
                let area = ring_area2(clipped).abs() / 2.0;
                if area > SPECK_MIN_AREA && speck.is_none_or(|(best, _)| area > best) {
                    speck = Some((area, mean(clipped)));
                }
                continue;
            }
            self.rings.push((self.coords.len(), true));
            for hole in &p.holes {
                let clipped = self.clipper.clip_ring(hole, self.tf);
                if clipped.len() >= 3 && quantise_ring(clipped, &mut self.coords) {
                    self.rings.push((self.coords.len(), false));
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
            self.rings.push((self.coords.len(), true));
        }
        !self.rings.is_empty()
    }

    fn write_geometry(&self, fb: &mut MvtFeatureBuilder, kind: MvtGeomType) -> Result<()> {
        if kind == MvtGeomType::Point {
            fb.points(self.coords.iter().copied())
                .map_err(Error::Encode)?;
            return Ok(());
        }
        let mut start = 0;
        for &(end, exterior) in &self.rings {
            fb.ring(self.coords[start..end].iter().copied(), exterior)
                .map_err(Error::Encode)?;
            start = end;
        }
        Ok(())
    }
}

fn intersects(a: Rect<f64>, b: Rect<f64>) -> bool {
    a.min().x <= b.max().x
        && b.min().x <= a.max().x
        && a.min().y <= b.max().y
        && b.min().y <= a.max().y
}

fn mean(ring: &[Coord<f64>]) -> Coord<f64> {
    let n = ring.len().max(1) as f64;
    let s = ring.iter().fold(Coord::zero(), |acc, &c| acc + c);
    Coord {
        x: s.x / n,
        y: s.y / n,
    }
}
