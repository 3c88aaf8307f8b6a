//! [`TileLayer`]: a named set of features, prepared once for fast tile cutting.

use std::sync::Arc;

use geo::CoordsIter;
use geo_types::{Coord, MultiPoint, MultiPolygon, Point, Polygon};
use rstar::{AABB, RTree, primitives::GeomWithData, primitives::Rectangle};

use crate::coord::{MAX_SUPPORTED_ZOOM, TileCoord, tile_size_m};
use crate::prepare::{self, PrepCounts, Shape};
use crate::tags::TagTable;
use crate::{Error, FeatureId, Properties, Result, STRING_ID_KEY};

/// A feature as the caller hands it in: WGS84 geometry, an optional id, and properties.
#[derive(Debug, Clone)]
pub struct Feature {
    /// Feature id; `None` writes no id.
    pub id: Option<FeatureId>,
    /// Geometry in WGS84 longitude/latitude degrees.
    pub geometry: FeatureGeometry,
    /// Properties to encode as MVT tags, in this order.
    pub properties: Properties,
}

/// The geometry kinds a layer can tile.
#[derive(Debug, Clone)]
pub enum FeatureGeometry {
    /// Areas (districts, regions).
    Polygons(MultiPolygon<f64>),
    /// Points (schools).
    Points(MultiPoint<f64>),
}

impl From<MultiPolygon<f64>> for FeatureGeometry {
    fn from(g: MultiPolygon<f64>) -> Self {
        Self::Polygons(g)
    }
}

impl From<Polygon<f64>> for FeatureGeometry {
    fn from(g: Polygon<f64>) -> Self {
        Self::Polygons(MultiPolygon(vec![g]))
    }
}

impl From<Point<f64>> for FeatureGeometry {
    fn from(g: Point<f64>) -> Self {
        Self::Points(MultiPoint(vec![g]))
    }
}

impl From<MultiPoint<f64>> for FeatureGeometry {
    fn from(g: MultiPoint<f64>) -> Self {
        Self::Points(g)
    }
}

/// How a layer is tiled. `Default` gives the values tiles.md recommends.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerOptions {
    /// Tile coordinate space, units per tile side (MVT `extent`). Default 4096.
    pub extent: u32,
    /// Margin around each tile, in extent units, kept when clipping. Default 64.
    pub buffer: u32,
    /// Lowest zoom at which the layer has content. Default 0.
    pub min_zoom: u8,
    /// Highest zoom at which the layer has content. Default 22.
    pub max_zoom: u8,
    /// Zooms `0..=simplify_max_zoom` get their own pre-simplified geometry; deeper zooms use the
    /// full resolution. Default 12.
    pub simplify_max_zoom: u8,
    /// Douglas–Peucker tolerance in extent units at each zoom (1.0 is one unit, an eighth of a
    /// pixel on a 512 px tile). Default 1.0.
    pub tolerance: f64,
}

impl Default for LayerOptions {
    fn default() -> Self {
        Self {
            extent: 4096,
            buffer: 64,
            min_zoom: 0,
            max_zoom: 22,
            simplify_max_zoom: 12,
            tolerance: 1.0,
        }
    }
}

/// What preparing a layer did, so nothing changes unnoticed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LayerStats {
    /// Features kept.
    pub features: usize,
    /// Polygon vertices at full resolution.
    pub vertices_full: usize,
    /// Polygon vertices stored for zoom `z` (index `z`), up to `simplify_max_zoom`.
    pub vertices_by_zoom: Vec<usize>,
    /// Input rings dropped because they had fewer than three distinct vertices or no area.
    pub degenerate_input_rings: usize,
    /// (ring, zoom) pairs where simplification would have collapsed a ring (fewer than three
    /// vertices, or under half its area), so the full-resolution ring was kept instead.
    pub rings_kept_unsimplified: usize,
}

/// A tileable layer: features projected to Web Mercator and pre-simplified per zoom once, with
/// an R-tree over their bounding boxes.
///
/// # Pipeline
///
/// Built once, at startup, by [`TileLayer::new`]:
///
/// 1. **Check** the options (non-empty name, extent > 0, `min_zoom <= max_zoom <= 30`) and every
///    feature (finite coordinates, a polygon feature has at least one ring with area, a string
///    id does not clash with a property named [`STRING_ID_KEY`]).
/// 2. **Project** every coordinate from WGS84 to Web Mercator metres once
///    ([`crate::project`], latitude clamped to ±85.0511°). Repeated vertices are merged and
///    input rings with fewer than three distinct vertices or no area are skipped (counted in
///    [`LayerStats::degenerate_input_rings`]).
/// 3. **Pre-simplify per zoom**: for each zoom `z <= simplify_max_zoom`, Douglas–Peucker each
///    ring with a tolerance of `tolerance` extent units at `z` (by default one unit:
///    `40 075 km / 2^z / 4096`). A ring that would collapse keeps its full resolution
///    ([`LayerStats::rings_kept_unsimplified`]). Points are not simplified.
/// 4. **Index** the features' full-resolution bounding boxes in a bulk-loaded R-tree.
///
/// Per tile, [`crate::encode_tile`]:
///
/// 5. **Select** the features whose bounding box meets the tile grown by `buffer` units, in
///    input order.
/// 6. **Transform** the geometry of the tile's zoom to tile units (origin top-left, y down,
///    `extent` per side) and **clip** each ring to the buffered square with Sutherland–Hodgman.
///    Clipping concave rings can leave zero-width seams along the buffered edge; they lie in
///    the buffer, which renderers do not draw.
/// 7. **Quantise** to integers, merge repeated vertices, and **drop rings that collapse** (fewer
///    than three distinct vertices or zero area); a polygon whose exterior collapses loses its
///    holes. If every ring of a feature collapsed although the clipped polygon had area, the
///    feature is kept as a one-unit square (a *speck*), so small districts stay present and
///    clickable at low zoom instead of vanishing. Rings are not repaired afterwards (no
///    make-valid step like PostGIS's wagyu): snapping to the grid, and now and then the
///    simplification, can leave rings that touch or cross themselves within a unit or so. On
///    the real districts that is about 5 % of polygons at z0–z6, invisible at an eighth of a
///    pixel per unit; at z8 and above the only invalid rings are the seams along the buffer.
/// 8. **Encode** with the crate's MVT writer, byte for byte what `fast-mvt`'s builder writes:
///    exteriors with positive area and holes with negative area in the MVT sense (clockwise on
///    screen, y down; spec 2.1, section 4.3.4.4), with the feature id and the properties as
///    tags, keys and values numbered in order of first use in the tile. The keys and values are
///    encoded once per layer (when its properties are set), so a tile only renumbers and
///    copies them. A layer without features in the tile is left out; a tile without layers is
///    `None` (HTTP 204).
/// 9. **Compress** once with [`crate::gzip`]; the server caches those bytes.
///
/// Geometry and attributes are held apart: [`TileLayer::with_properties`] gives a layer with
/// new properties (another data version, another audience) that shares the prepared geometry.
#[derive(Debug, Clone)]
pub struct TileLayer {
    pub(crate) name: String,
    pub(crate) attributes: Vec<Attributes>,
    /// The attributes encoded once for the MVT writer.
    pub(crate) tags: Arc<TagTable>,
    pub(crate) geometry: Arc<Prepared>,
}

/// What a feature carries besides geometry.
#[derive(Debug, Clone)]
pub(crate) struct Attributes {
    pub(crate) id: Option<FeatureId>,
    pub(crate) properties: Properties,
}

/// The prepared geometry of a layer, shared between its attribute variants.
#[derive(Debug)]
pub(crate) struct Prepared {
    pub(crate) options: LayerOptions,
    /// One per feature, in input order.
    pub(crate) shapes: Vec<Shape>,
    pub(crate) index: RTree<GeomWithData<Rectangle<[f64; 2]>, usize>>,
    stats: LayerStats,
}

impl TileLayer {
    /// Prepares `features` for tiling (steps 1–4 of the pipeline above).
    pub fn new(
        name: impl Into<String>,
        features: Vec<Feature>,
        options: LayerOptions,
    ) -> Result<Self> {
        let name = name.into();
        check_options(&name, &options)?;
        let levels = usize::from(options.simplify_max_zoom.min(options.max_zoom)) + 1;
        let mut stats = LayerStats {
            vertices_by_zoom: vec![0; levels],
            ..LayerStats::default()
        };
        let mut counts = PrepCounts::default();
        let mut attributes = Vec::with_capacity(features.len());
        let mut shapes = Vec::with_capacity(features.len());
        let mut boxes = Vec::with_capacity(features.len());
        for (index, feature) in features.into_iter().enumerate() {
            let bad = |reason| Error::BadFeature {
                layer: name.clone(),
                index,
                reason,
            };
            if matches!(feature.id, Some(FeatureId::Str(_)))
                && feature.properties.get(STRING_ID_KEY).is_some()
            {
                return Err(bad("a string id clashes with the property \"id\""));
            }
            let (shape, bbox) = match &feature.geometry {
                FeatureGeometry::Polygons(mp) => {
                    if !mp.coords_iter().all(|c| finite(&c)) {
                        return Err(bad("a coordinate is not finite"));
                    }
                    let tolerance =
                        |z| options.tolerance * tile_size_m(z) / f64::from(options.extent);
                    prepare::prepare_polygons(
                        mp,
                        tolerance,
                        &mut stats.vertices_by_zoom,
                        &mut counts,
                    )
                    .ok_or_else(|| bad("no polygon ring has an area"))?
                }
                FeatureGeometry::Points(mp) => {
                    if mp.0.is_empty() {
                        return Err(bad("no points"));
                    }
                    if !mp.0.iter().all(|p| finite(&p.0)) {
                        return Err(bad("a coordinate is not finite"));
                    }
                    let points = prepare::project_points(mp);
                    let bbox = prepare::ring_bbox(&points);
                    (Shape::Points(points), bbox)
                }
            };
            boxes.push(GeomWithData::new(
                Rectangle::from_corners(bbox.min().into(), bbox.max().into()),
                shapes.len(),
            ));
            shapes.push(shape);
            attributes.push(Attributes {
                id: feature.id,
                properties: feature.properties,
            });
        }
        stats.features = shapes.len();
        stats.vertices_full = counts.vertices_full;
        stats.degenerate_input_rings = counts.degenerate_input_rings;
        stats.rings_kept_unsimplified = counts.rings_kept_unsimplified;
        let geometry = Arc::new(Prepared {
            options,
            shapes,
            index: RTree::bulk_load(boxes),
            stats,
        });
        Ok(Self {
            name,
            tags: Arc::new(tag_table(&attributes)),
            attributes,
            geometry,
        })
    }

    /// The same features and prepared geometry (shared, not copied) with new properties: one
    /// [`Properties`] per feature, in the order the features were given to [`TileLayer::new`].
    ///
    /// Use it when scores are recomputed or when another audience gets other attributes; it
    /// costs a vector of properties, not a new projection and simplification.
    pub fn with_properties(&self, properties: Vec<Properties>) -> Result<Self> {
        if properties.len() != self.attributes.len() {
            return Err(Error::PropertiesMismatch {
                layer: self.name.clone(),
                features: self.attributes.len(),
                given: properties.len(),
            });
        }
        let mut attributes = Vec::with_capacity(properties.len());
        for (index, (old, properties)) in self.attributes.iter().zip(properties).enumerate() {
            if matches!(old.id, Some(FeatureId::Str(_))) && properties.get(STRING_ID_KEY).is_some()
            {
                return Err(Error::BadFeature {
                    layer: self.name.clone(),
                    index,
                    reason: "a string id clashes with the property \"id\"",
                });
            }
            attributes.push(Attributes {
                id: old.id.clone(),
                properties,
            });
        }
        Ok(Self {
            name: self.name.clone(),
            tags: Arc::new(tag_table(&attributes)),
            attributes,
            geometry: Arc::clone(&self.geometry),
        })
    }

    /// The MVT layer name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The options the layer was built with.
    pub fn options(&self) -> &LayerOptions {
        &self.geometry.options
    }

    /// What preparation did.
    pub fn stats(&self) -> &LayerStats {
        &self.geometry.stats
    }

    /// Number of features.
    pub fn len(&self) -> usize {
        self.attributes.len()
    }

    /// True when the layer has no features.
    pub fn is_empty(&self) -> bool {
        self.attributes.is_empty()
    }

    /// Indices (input order) of the features whose bounding box meets the buffered tile.
    pub fn candidates(&self, coord: TileCoord) -> Vec<usize> {
        let mut hits = Vec::new();
        self.candidates_into(coord, &mut hits);
        hits
    }

    /// [`TileLayer::candidates`] into a reused vector.
    pub(crate) fn candidates_into(&self, coord: TileCoord, hits: &mut Vec<usize>) {
        let o = self.options();
        let r = coord.buffered_bounds(o.buffer, o.extent);
        let envelope = AABB::from_corners(r.min().into(), r.max().into());
        hits.clear();
        hits.extend(
            self.geometry
                .index
                .locate_in_envelope_intersecting(&envelope)
                .map(|g| g.data),
        );
        hits.sort_unstable();
    }

    /// True when zoom `z` is inside the layer's zoom range.
    pub fn has_zoom(&self, z: u8) -> bool {
        let o = self.options();
        (o.min_zoom..=o.max_zoom).contains(&z)
    }
}

fn check_options(name: &str, o: &LayerOptions) -> Result<()> {
    let bad = |reason| {
        Err(Error::BadLayerOptions {
            layer: name.to_owned(),
            reason,
        })
    };
    if name.is_empty() {
        return bad("the name is empty");
    }
    if o.extent == 0 || o.extent > 1 << 16 {
        return bad("extent must be in 1..=65536");
    }
    if o.buffer > o.extent {
        return bad("buffer must not exceed the extent");
    }
    if o.min_zoom > o.max_zoom || o.max_zoom > MAX_SUPPORTED_ZOOM {
        return bad("zoom range must satisfy min_zoom <= max_zoom <= 30");
    }
    if !o.tolerance.is_finite() || o.tolerance < 0.0 {
        return bad("tolerance must be finite and not negative");
    }
    Ok(())
}

fn tag_table(attributes: &[Attributes]) -> TagTable {
    TagTable::new(attributes.iter().map(|a| (a.id.as_ref(), &a.properties)))
}

fn finite(c: &Coord<f64>) -> bool {
    c.x.is_finite() && c.y.is_finite()
}
