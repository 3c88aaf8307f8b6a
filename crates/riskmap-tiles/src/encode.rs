//! Cutting and encoding one tile (steps 5–8 of the pipeline documented on [`TileLayer`]).

use crate::coord::TileCoord;
use crate::cut::Cutter;
use crate::layer::TileLayer;
use crate::mvt::{GeomKind, LayerWriter};
use crate::prepare::Shape;
use crate::{Error, Result};

/// Encodes the layers' features in tile `coord` as one uncompressed MVT tile.
///
/// Layers appear in the given order; a layer with nothing in the tile is left out, and `None`
/// means the tile is empty (the server answers 204). Call it from a blocking context: it is
/// pure CPU work, typically well under a millisecond per tile. A [`TileEncoder`] does the same
/// with buffers kept from tile to tile.
pub fn encode_tile<'a>(
    layers: impl IntoIterator<Item = &'a TileLayer>,
    coord: TileCoord,
) -> Result<Option<Vec<u8>>> {
    let mut encoder = TileEncoder::new();
    let some = encoder.encode_into_tile(layers, coord)?;
    Ok(some.then(|| std::mem::take(&mut encoder.tile)))
}

/// Encodes one layer of tile `coord` as a framed MVT layer, or `None` when it has no feature
/// there. Concatenating such chunks (distinct names) gives a tile.
pub fn encode_layer(layer: &TileLayer, coord: TileCoord) -> Result<Option<Vec<u8>>> {
    encode_tile([layer], coord)
}

/// Encodes tiles like [`encode_tile`], keeping its buffers (clipping, MVT writing, the tile
/// itself, and the tile's key and value numbering) from one tile to the next.
///
/// Keep one per thread (the server keeps it in a thread-local). The bytes are the same as
/// [`encode_tile`]'s.
///
/// ```
/// use geo_types::polygon;
/// use riskmap_tiles::{Feature, LayerOptions, Properties, TileCoord, TileEncoder, TileLayer};
///
/// let square = Feature {
///     id: Some(1_u64.into()),
///     geometry: polygon![(x: 70.0, y: 50.0), (x: 72.0, y: 50.0), (x: 72.0, y: 52.0)].into(),
///     properties: Properties::new().with("name", "Example"),
/// };
/// let layer = TileLayer::new("districts", vec![square], LayerOptions::default())?;
/// let coord = TileCoord::new(5, 22, 10)?;
/// let mut encoder = TileEncoder::new();
/// let tile = encoder.encode([&layer], coord)?.map(<[u8]>::to_vec);
/// assert_eq!(tile, riskmap_tiles::encode_tile([&layer], coord)?);
/// # Ok::<(), riskmap_tiles::Error>(())
/// ```
#[derive(Debug, Default)]
pub struct TileEncoder {
    cutter: Option<Cutter>,
    writer: LayerWriter,
    candidates: Vec<usize>,
    tile: Vec<u8>,
}

impl TileEncoder {
    /// An encoder with empty buffers.
    pub fn new() -> Self {
        Self::default()
    }

    /// Encodes tile `coord` as [`encode_tile`] does; the bytes stay valid until the next call.
    pub fn encode<'a>(
        &mut self,
        layers: impl IntoIterator<Item = &'a TileLayer>,
        coord: TileCoord,
    ) -> Result<Option<&[u8]>> {
        let some = self.encode_into_tile(layers, coord)?;
        Ok(some.then_some(self.tile.as_slice()))
    }

    /// Encodes into `self.tile`; false when the tile is empty.
    fn encode_into_tile<'a>(
        &mut self,
        layers: impl IntoIterator<Item = &'a TileLayer>,
        coord: TileCoord,
    ) -> Result<bool> {
        self.tile.clear();
        let mut names: Vec<&str> = Vec::new();
        for layer in layers {
            if names.contains(&layer.name()) {
                return Err(Error::BadLayerOptions {
                    layer: layer.name().to_owned(),
                    reason: "two layers share this name",
                });
            }
            names.push(layer.name());
            self.encode_layer(layer, coord);
        }
        Ok(!self.tile.is_empty())
    }

    /// Appends `layer`'s part of tile `coord` to `self.tile`, if it has features there.
    fn encode_layer(&mut self, layer: &TileLayer, coord: TileCoord) {
        if !layer.has_zoom(coord.z()) {
            return;
        }
        let o = layer.options();
        let cut = match &mut self.cutter {
            Some(cut) => {
                cut.start(coord, o);
                cut
            }
            None => self.cutter.insert(Cutter::new(coord, o)),
        };
        let w = &mut self.writer;
        w.begin(&layer.tags);
        layer.candidates_into(coord, &mut self.candidates);
        for &idx in &self.candidates {
            let kind = match &layer.geometry.shapes[idx] {
                Shape::Points(points) => {
                    if !cut.points(points) {
                        continue;
                    }
                    w.begin_feature();
                    w.points(&cut.coords);
                    GeomKind::Point
                }
                shape @ Shape::Polygons { .. } => {
                    if !cut.polygons(shape.polygons_at(coord.z())) {
                        continue;
                    }
                    w.begin_feature();
                    let mut start = 0;
                    for ring in &cut.rings {
                        w.ring(&cut.coords[start..ring.end], ring.area2, ring.exterior);
                        start = ring.end;
                    }
                    GeomKind::Polygon
                }
            };
            w.end_feature(&layer.tags, idx, kind);
        }
        if !w.is_empty() {
            w.finish(layer.name(), o.extent, &layer.tags, &mut self.tile);
        }
    }
}
