//! The tile service: geometry layers prepared once at start (projection, per-zoom
//! simplification, R-tree; see `riskmap_tiles::TileLayer`), attribute variants per audience,
//! period and data version, and a byte-bounded cache of gzipped tiles.
//!
//! The attributes of a variant are the disclosed indicator values the map colours by, built
//! by the view layer's `Discloser`, as for the JSON API, so a tile never carries a value its
//! audience may not see. The cache key holds the data version, so a new ingest is visible at
//! once.

use std::hash::{Hash, Hasher};
use std::sync::{Arc, RwLock};

use axum::body::Bytes;
use riskmap_geo::Geography;
use riskmap_model::{Audience, Kato, Period};
use riskmap_tiles::{
    Feature, FeatureGeometry, FeatureId, Gzipper, LayerOptions, Properties, TileCoord, TileEncoder,
    TileLayer,
};

/// The layers the service tiles.
pub const LAYERS: [&str; 3] = ["regions", "districts", "schools"];

/// Deepest zoom served.
pub const MAX_ZOOM: u8 = 16;

/// Default bytes of gzipped tiles kept in memory.
pub const DEFAULT_CACHE_BYTES: u64 = 96 * 1024 * 1024;

/// Variants (attribute sets) kept before the oldest are dropped.
const MAX_VARIANTS: usize = 64;

/// What identifies one tile's bytes. `Copy`: building it allocates nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TileKey {
    /// Layer name.
    pub layer: &'static str,
    /// The caller's audience (see [`TileService::audience`]).
    pub audience: AudienceId,
    /// Period of the attributes (`None`: no data yet).
    pub period: Option<Period>,
    /// Store data version.
    pub data_version: i64,
    /// Zoom, column, row.
    pub zxy: (u8, u32, u32),
}

impl TileKey {
    /// The key of the attribute variant this tile is cut from.
    pub fn variant(&self) -> VariantKey {
        (self.layer, self.audience, self.period)
    }

    /// A strong ETag for the tile's bytes, the same across restarts for the same data.
    pub fn etag(&self) -> String {
        let mut h = Fnv::default();
        (self.layer, self.audience.tag, self.period, self.zxy).hash(&mut h);
        format!("\"v{}-{:016x}\"", self.data_version, h.finish())
    }
}

/// An audience's disclosure rules, interned: `index` tells audiences apart exactly (cache
/// keys), `tag` is a hash of the rules that stays the same across restarts (ETags).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AudienceId {
    index: u32,
    tag: u64,
}

/// What identifies an attribute variant: (layer, audience, period, data version).
pub type VariantKey = (&'static str, AudienceId, Option<Period>);

/// Prepared geometry and caches.
pub struct TileService {
    /// Region polygons with their codes and names (no indicator values).
    pub regions: Arc<TileLayer>,
    /// District polygons with their codes and names.
    pub districts: Arc<TileLayer>,
    /// Region and district codes in layer order.
    pub region_codes: Vec<Kato>,
    /// District codes in layer order.
    pub district_codes: Vec<Kato>,
    /// Layers with one reader's attributes, per (layer, reader, quarter) and data version.
    pub variants: crate::view::VersionedCache<VariantKey, TileLayer>,
    /// Audiences seen so far, in order of first use ([`AudienceId::index`]). Never shrinks: the
    /// ids are in cache keys, and there are only as many audiences as distinct grants.
    audiences: RwLock<Vec<(Audience, u64)>>,
    /// Gzipped tile bytes (`None`: the tile is empty); `Bytes`, so an answer shares them.
    pub cache: moka::sync::Cache<TileKey, Option<Bytes>>,
    /// False when the cache is switched off (benchmarks of cold tiles).
    pub caching: bool,
}

impl std::fmt::Debug for TileService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TileService")
            .field("regions", &self.regions.len())
            .field("districts", &self.districts.len())
            .finish_non_exhaustive()
    }
}

impl TileService {
    /// Projects and pre-simplifies the boundaries once.
    pub fn new(geography: &Geography, cache_bytes: u64) -> riskmap_tiles::Result<Self> {
        let options = LayerOptions {
            max_zoom: MAX_ZOOM,
            ..LayerOptions::default()
        };
        let unit = |kato: Kato,
                    names: &riskmap_geo::Names,
                    geometry: &geo_types::MultiPolygon<f64>| Feature {
            id: kato.as_str().parse::<u64>().ok().map(FeatureId::Int),
            geometry: FeatureGeometry::Polygons(geometry.clone()),
            properties: base_properties(kato, names),
        };
        let regions = TileLayer::new(
            "regions",
            geography
                .regions()
                .iter()
                .map(|r| unit(r.kato, &r.names, &r.geometry))
                .collect(),
            options.clone(),
        )?;
        let districts = TileLayer::new(
            "districts",
            geography
                .districts()
                .iter()
                .map(|d| unit(d.kato, &d.names, &d.geometry))
                .collect(),
            options,
        )?;
        let cache = moka::sync::Cache::builder()
            .weigher(|_key: &TileKey, value: &Option<Bytes>| {
                u32::try_from(value.as_ref().map_or(64, |b| b.len() + 64)).unwrap_or(u32::MAX)
            })
            .max_capacity(cache_bytes)
            .build();
        Ok(Self {
            regions: Arc::new(regions),
            districts: Arc::new(districts),
            region_codes: geography.regions().iter().map(|r| r.kato).collect(),
            district_codes: geography.districts().iter().map(|d| d.kato).collect(),
            variants: crate::view::VersionedCache::new(MAX_VARIANTS),
            audiences: RwLock::new(Vec::new()),
            cache,
            caching: cache_bytes > 0,
        })
    }

    /// The interned id of `audience`: a read lock and a short scan once the audience is known.
    pub fn audience(&self, audience: &Audience) -> AudienceId {
        let found = |list: &[(Audience, u64)]| {
            list.iter()
                .enumerate()
                .find(|(_, (a, _))| a == audience)
                .map(|(index, &(_, tag))| AudienceId {
                    index: u32::try_from(index).unwrap_or(u32::MAX),
                    tag,
                })
        };
        if let Ok(list) = self.audiences.read()
            && let Some(id) = found(&list)
        {
            return id;
        }
        let mut list = self
            .audiences
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(id) = found(&list) {
            return id;
        }
        let mut h = Fnv::default();
        h.write(audience_key(audience).as_bytes());
        list.push((audience.clone(), h.finish()));
        AudienceId {
            index: u32::try_from(list.len() - 1).unwrap_or(u32::MAX),
            tag: h.finish(),
        }
    }
}

/// Encodes tile `coord` of `layer` and gzips it with this thread's
/// [`riskmap_tiles::TileEncoder`] and [`riskmap_tiles::Gzipper`], so their buffers and the
/// deflate state are set up once per thread rather than once per tile. `None`: the tile is
/// empty.
pub fn encode_gzipped(layer: &TileLayer, coord: TileCoord) -> riskmap_tiles::Result<Option<Bytes>> {
    thread_local! {
        static CODER: std::cell::RefCell<(TileEncoder, Gzipper)> =
            std::cell::RefCell::new((TileEncoder::new(), Gzipper::new()));
    }
    let gzipped = CODER.with(|coder| match coder.try_borrow_mut() {
        Ok(mut coder) => {
            let (encoder, gzipper) = &mut *coder;
            encoder
                .encode([layer], coord)?
                .map(|raw| gzipper.gzip(raw))
                .transpose()
        }
        Err(_) => riskmap_tiles::encode_tile([layer], coord)?
            .map(|raw| riskmap_tiles::gzip(&raw))
            .transpose(),
    })?;
    Ok(gzipped.map(Bytes::from))
}

/// Code and names of a unit, the properties every variant starts from.
pub fn base_properties(kato: Kato, names: &riskmap_geo::Names) -> Properties {
    Properties::new()
        .with("kato", kato.as_str())
        .with("name_kk", names.kk.as_str())
        .with("name_ru", names.ru.as_str())
        .with("name_en", names.en.as_str())
}

/// A stable text for an audience's disclosure rules (hashed into [`AudienceId::tag`]).
pub fn audience_key(audience: &Audience) -> String {
    match audience {
        Audience::Public => "public".to_owned(),
        Audience::Ministry => "ministry".to_owned(),
        Audience::Steward => "steward".to_owned(),
        Audience::Regional { region, district } => format!(
            "akimat:{region}:{}",
            district.map(|d| d.to_string()).unwrap_or_default()
        ),
        Audience::Crisis { districts } => format!(
            "crisis:{}",
            districts
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(",")
        ),
    }
}

/// FNV-1a, for ETags (not security).
#[derive(Debug)]
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = (self.0 ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}
