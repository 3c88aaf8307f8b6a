//! Shared helpers: the real geography, the districts layer, decoding and reference areas.

use std::path::PathBuf;
use std::sync::OnceLock;

use fast_mvt::{MvtGeometry, MvtReaderRef, MvtValueRef};
use geo::{Area, BooleanOps};
use geo_types::{Coord, LineString, MultiPolygon, Polygon, Rect, coord};
use riskmap_geo::{Geography, load_dir};
use riskmap_tiles::{
    Feature, FeatureGeometry, FeatureId, LayerOptions, Properties, TileCoord, TileLayer, project,
};

/// The reference data folder: `RISKMAP_GEOGRAPHY`, or `shared/data/kz` beside the repository.
pub(crate) fn data_dir() -> PathBuf {
    riskmap_geo::dir_beside_repository(env!("CARGO_MANIFEST_DIR"))
}

/// The real geography, loaded once per test binary.
pub(crate) fn geography() -> &'static Geography {
    static GEOGRAPHY: OnceLock<Geography> = OnceLock::new();
    GEOGRAPHY.get_or_init(|| {
        let dir = data_dir();
        load_dir(&dir)
            .unwrap_or_else(|e| panic!("the reference data must load from {}: {e}", dir.display()))
    })
}

/// A district's KATO code as the MVT feature id.
pub(crate) fn kato_id(kato: &impl std::fmt::Display) -> u64 {
    kato.to_string().parse().unwrap()
}

/// The districts as tile features: id = KATO, properties `kato` (string), `name`, `population`.
pub(crate) fn district_features(geo: &Geography) -> Vec<Feature> {
    geo.districts()
        .iter()
        .map(|d| Feature {
            id: Some(kato_id(&d.kato).into()),
            geometry: d.geometry.clone().into(),
            properties: Properties::new()
                .with("kato", d.kato.to_string())
                .with("name", d.names.ru.as_str())
                .with(
                    "population",
                    i64::try_from(d.population.unwrap_or(0)).unwrap(),
                ),
        })
        .collect()
}

/// The districts layer with default options, built once per test binary.
pub(crate) fn districts_layer() -> &'static TileLayer {
    static LAYER: OnceLock<TileLayer> = OnceLock::new();
    LAYER.get_or_init(|| {
        TileLayer::new(
            "districts",
            district_features(geography()),
            LayerOptions::default(),
        )
        .unwrap()
    })
}

/// One decoded feature: id, polygons in tile units, properties.
#[derive(Debug)]
pub(crate) struct Decoded {
    pub(crate) id: Option<u64>,
    pub(crate) polygons: Vec<Polygon<i32>>,
    pub(crate) points: Vec<Coord<i32>>,
    pub(crate) properties: Vec<(String, Value)>,
}

/// A decoded property value, integers widened.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    String(String),
    F64(f64),
    I64(i64),
    Bool(bool),
}

/// Decodes `bytes` with fast-mvt's reader into (layer name, extent, features).
pub(crate) fn decode(bytes: &[u8]) -> Vec<(String, u32, Vec<Decoded>)> {
    let reader = MvtReaderRef::new(bytes).unwrap();
    reader
        .layers()
        .map(|layer| {
            let features = layer
                .features()
                .map(|f| {
                    let (mut polygons, mut points) = (Vec::new(), Vec::new());
                    match f.geometry().unwrap() {
                        MvtGeometry::Polygon(p) => polygons.push(p),
                        MvtGeometry::MultiPolygon(mp) => polygons.extend(mp.0),
                        MvtGeometry::Point(p) => points.push(p.0),
                        MvtGeometry::MultiPoint(mp) => points.extend(mp.0.into_iter().map(|p| p.0)),
                        other => panic!("unexpected geometry {other:?}"),
                    }
                    let properties = f
                        .properties_vec()
                        .unwrap()
                        .into_iter()
                        .map(|(k, v)| {
                            let v = match v {
                                MvtValueRef::String(s) => Value::String(s.to_owned()),
                                MvtValueRef::Double(d) => Value::F64(d),
                                MvtValueRef::Int(i) | MvtValueRef::SInt(i) => Value::I64(i),
                                MvtValueRef::UInt(u) => Value::I64(i64::try_from(u).unwrap()),
                                MvtValueRef::Bool(b) => Value::Bool(b),
                                other => panic!("unexpected value {other:?}"),
                            };
                            (k.to_owned(), v)
                        })
                        .collect();
                    Decoded {
                        id: f.id(),
                        polygons,
                        points,
                        properties,
                    }
                })
                .collect();
            (layer.name().to_owned(), layer.extent(), features)
        })
        .collect()
}

/// Twice the signed shoelace area of a closed or open integer ring; positive is clockwise on
/// screen (y down), which MVT requires of exteriors.
pub(crate) fn area2(ring: &LineString<i32>) -> i64 {
    let c = &ring.0;
    let mut a = 0_i64;
    for i in 0..c.len() {
        let (p, q) = (c[i], c[(i + 1) % c.len()]);
        a += i64::from(p.x) * i64::from(q.y) - i64::from(q.x) * i64::from(p.y);
    }
    a
}

/// Asserts MVT 2.1 winding and ring sanity for one decoded polygon; returns its area.
pub(crate) fn checked_area(p: &Polygon<i32>, what: &str) -> f64 {
    let mut total = 0_i64;
    for (i, ring) in std::iter::once(p.exterior())
        .chain(p.interiors())
        .enumerate()
    {
        let mut distinct = ring.0.clone();
        distinct.sort_by_key(|c| (c.x, c.y));
        distinct.dedup();
        assert!(
            distinct.len() >= 3,
            "{what}: ring {i} has {} distinct vertices",
            distinct.len()
        );
        let a = area2(ring);
        if i == 0 {
            assert!(
                a > 0,
                "{what}: exterior ring has area {a}, must be positive"
            );
        } else {
            assert!(a < 0, "{what}: hole {i} has area {a}, must be negative");
        }
        total += a;
    }
    total as f64 / 2.0
}

/// Projects WGS84 to Web Mercator, written out independently of the crate under test.
pub(crate) fn mercator(c: Coord<f64>) -> Coord<f64> {
    const R: f64 = 6_378_137.0;
    let lat = c.y.clamp(-85.051_128_78, 85.051_128_78).to_radians();
    coord! { x: R * c.x.to_radians(), y: R * (std::f64::consts::FRAC_PI_4 + lat / 2.0).tan().ln() }
}

/// `mp` in tile units of `tile` (extent 4096, y down), at full resolution.
pub(crate) fn to_tile_units(
    mp: &MultiPolygon<f64>,
    tile: TileCoord,
    extent: f64,
) -> MultiPolygon<f64> {
    let b = tile.bounds();
    let s = extent / (b.max().x - b.min().x);
    let f = |c: &Coord<f64>| {
        let m = mercator(*c);
        coord! { x: (m.x - b.min().x) * s, y: (b.max().y - m.y) * s }
    };
    let ring = |r: &LineString<f64>| LineString(r.0.iter().map(f).collect());
    MultiPolygon(
        mp.0.iter()
            .map(|p| Polygon::new(ring(p.exterior()), p.interiors().iter().map(ring).collect()))
            .collect(),
    )
}

/// Area of `mp` (tile units) inside the square `lo..=hi`, by geo's boolean intersection.
pub(crate) fn area_in_square(mp: &MultiPolygon<f64>, lo: f64, hi: f64) -> f64 {
    let square = Rect::new(coord! { x: lo, y: lo }, coord! { x: hi, y: hi }).to_polygon();
    mp.intersection(&MultiPolygon(vec![square])).unsigned_area()
}

/// An axis-aligned WGS84 rectangle, counter-clockwise.
pub(crate) fn rect_deg(lon0: f64, lat0: f64, lon1: f64, lat1: f64) -> LineString<f64> {
    LineString::from(vec![
        (lon0, lat0),
        (lon1, lat0),
        (lon1, lat1),
        (lon0, lat1),
        (lon0, lat0),
    ])
}

pub(crate) fn feature(
    id: u64,
    geometry: impl Into<FeatureGeometry>,
    properties: Properties,
) -> Feature {
    Feature {
        id: Some(FeatureId::Int(id)),
        geometry: geometry.into(),
        properties,
    }
}

pub(crate) fn layer(name: &str, features: Vec<Feature>) -> TileLayer {
    TileLayer::new(name, features, LayerOptions::default()).unwrap()
}

pub(crate) fn tile(z: u32, x: u32, y: u32) -> TileCoord {
    TileCoord::new(z, x, y).unwrap()
}

/// Where a WGS84 point lands in `t`, in tile units before rounding.
pub(crate) fn tile_units(t: TileCoord, lon: f64, lat: f64) -> Coord<f64> {
    let (p, b) = (project(coord! { x: lon, y: lat }), t.bounds());
    let s = 4096.0 / t.size_m();
    coord! { x: (p.x - b.min().x) * s, y: (b.max().y - p.y) * s }
}
