//! The state every handler reads: geography, store, catalogue, settings and the view layer
//! (which alone holds the disclosure policy).

use std::path::PathBuf;
use std::sync::Arc;

use riskmap_geo::Geography;
use riskmap_model::{Audience, Catalogue};
use riskmap_store::Store;

/// Settings of the service, validated by the caller.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// A folder with `index.html` and the page's scripts (`web/`, MapLibre under its
    /// `node_modules/maplibre-gl/dist`) served instead of the page embedded in the binary
    /// (a development override); `None` serves the embedded page.
    pub web_dir: Option<PathBuf>,
    /// The audience of requests that carry no token: `None` answers them 401 (the default
    /// until the ministry approves public access), `Some(Audience::Public)` serves tier P.
    pub anonymous_audience: Option<Audience>,
    /// Demo mode (`serve --demo`): while every stored record is synthetic, requests without a
    /// token get the ministry view, the demo tokens work and are offered on the page; uploads
    /// (which are real data) are refused. Once real data is stored, demo mode ends for every
    /// following request.
    pub demo: bool,
    /// Bytes of gzipped tiles to cache (0 switches the cache off).
    pub tile_cache_bytes: u64,
    /// Ready tokens offered on the page in demo mode (synthetic data only); empty otherwise.
    pub demo_tokens: Vec<DemoToken>,
    /// The KATO registry the upload's checks look codes up in (`None`: uploads answer 500).
    pub kato_registry: Option<Arc<riskmap_ingest::KatoRegistry>>,
    /// The largest upload accepted, in bytes.
    pub upload_limit_bytes: u64,
    /// The private folder uploads are spooled in (see [`crate::spool`]); prepared (created,
    /// made private, swept) by the caller at start.
    pub spool_dir: PathBuf,
}

/// The default upload limit: 1 GiB (a national quarter file is about 100 MB).
pub const DEFAULT_UPLOAD_LIMIT_BYTES: u64 = 1 << 30;

/// A token issued for the demo, offered on the page.
#[derive(Debug, Clone)]
pub struct DemoToken {
    /// Role name.
    pub role: String,
    /// Scope in words.
    pub scope: String,
    /// KATO code of the region of an akimat's grant (the page names it in its language).
    pub region: Option<String>,
    /// KATO codes of the districts of the grant.
    pub districts: Vec<String>,
    /// The bearer token.
    pub token: String,
    /// When it stops working (RFC 3339).
    pub expires_at: Option<String>,
}

/// Shared, immutable state of the handlers (cheap to clone).
#[derive(Debug, Clone)]
pub struct AppState {
    /// The validated geography.
    pub geography: Arc<Geography>,
    /// The store.
    pub store: Store,
    /// The indicator catalogue.
    pub catalogue: Arc<Catalogue>,
    /// Settings.
    pub config: Arc<ServerConfig>,
    /// Prepared tile layers and caches.
    pub tiles: Arc<crate::tiles::TileService>,
    /// Quarters with data, cached per data version (see [`AppState::periods`]).
    periods_cache: Arc<crate::view::VersionedCache<(), Vec<riskmap_model::Period>>>,
    /// Counters for `/metrics`.
    pub metrics: Arc<crate::metrics::Metrics>,
    /// Pre-serialised RFC 7946 geometries of regions and districts, by KATO code.
    pub geometries: Arc<std::collections::HashMap<riskmap_model::Kato, serde_json::Value>>,
    /// Queen contiguity of regions and districts, built on first use.
    pub contiguity: Arc<ContiguityCache>,
    /// The view layer's caches (sums, release, unit tables, schools, priority lists).
    pub views: Arc<crate::view::Views>,
    /// Serialised and gzipped answers, per data version.
    pub(crate) bodies:
        Arc<crate::view::VersionedCache<crate::http::BodyKey, crate::http::CachedBody>>,
    /// Whether demo mode is on at a data version (see [`ServerConfig::demo`]).
    demo_state: Arc<crate::view::VersionedCache<(), bool>>,
    /// The data version whose caches are warm and which requests read (see
    /// [`AppState::version`]); [`NOT_SERVING`] until the first warm-up ends.
    serving: Arc<std::sync::atomic::AtomicI64>,
    /// Held while an upload is loaded: uploads run one at a time.
    pub upload_lock: Arc<tokio::sync::Mutex<()>>,
}

/// Queen contiguity weights of the regions and of the districts, each built once on first use
/// (building them walks every boundary vertex, so it is kept off the start-up path).
#[derive(Debug, Default)]
pub struct ContiguityCache {
    regions: std::sync::OnceLock<riskmap_score::weights::Weights>,
    districts: std::sync::OnceLock<riskmap_score::weights::Weights>,
}

impl ContiguityCache {
    /// Queen contiguity of the regions, in [`Geography::regions`] order.
    pub fn regions(
        &self,
        geography: &Geography,
    ) -> Result<riskmap_score::weights::Weights, crate::http::Error> {
        cached(&self.regions, || {
            let polygons: Vec<_> = geography
                .regions()
                .iter()
                .map(|r| r.geometry.clone())
                .collect();
            riskmap_score::weights::queen(&polygons)
        })
    }

    /// Queen contiguity of the districts, in [`Geography::districts`] order.
    pub fn districts(
        &self,
        geography: &Geography,
    ) -> Result<riskmap_score::weights::Weights, crate::http::Error> {
        cached(&self.districts, || {
            let polygons: Vec<_> = geography
                .districts()
                .iter()
                .map(|d| d.geometry.clone())
                .collect();
            riskmap_score::weights::queen(&polygons)
        })
    }
}

fn cached(
    cell: &std::sync::OnceLock<riskmap_score::weights::Weights>,
    build: impl FnOnce() -> riskmap_score::Result<riskmap_score::weights::Weights>,
) -> Result<riskmap_score::weights::Weights, crate::http::Error> {
    if let Some(weights) = cell.get() {
        return Ok(weights.clone());
    }
    let weights = build().map_err(|e| crate::http::Error::Internal {
        message: format!("contiguity: {e}"),
    })?;
    Ok(cell.get_or_init(|| weights).clone())
}

impl AppState {
    /// Builds the state, serialising every boundary once. `views` is the view layer, built
    /// from the disclosure policy by its caller (`Views::new`): the state holds it and never
    /// sees the policy.
    pub fn new(
        geography: Arc<Geography>,
        store: Store,
        catalogue: Catalogue,
        views: crate::view::Views,
        config: ServerConfig,
    ) -> Self {
        let mut geometries = std::collections::HashMap::new();
        for region in geography.regions() {
            geometries.insert(region.kato, geometry_json(&region.geometry));
        }
        for district in geography.districts() {
            geometries.insert(district.kato, geometry_json(&district.geometry));
        }
        let tiles = Arc::new(
            crate::tiles::TileService::new(&geography, config.tile_cache_bytes)
                .expect("a validated geography always tiles"),
        );
        Self {
            geography,
            store,
            catalogue: Arc::new(catalogue),
            config: Arc::new(config),
            metrics: Arc::default(),
            periods_cache: Arc::new(crate::view::VersionedCache::new(2)),
            tiles,
            geometries: Arc::new(geometries),
            contiguity: Arc::default(),
            views: Arc::new(views),
            bodies: Arc::new(crate::view::VersionedCache::new(128)),
            demo_state: Arc::new(crate::view::VersionedCache::new(2)),
            serving: Arc::new(std::sync::atomic::AtomicI64::new(NOT_SERVING)),
            upload_lock: Arc::default(),
        }
    }
}

fn geometry_json(geometry: &geo_types::MultiPolygon<f64>) -> serde_json::Value {
    let value = if geometry.0.len() == 1 {
        geojson::GeometryValue::from(&geometry.0[0])
    } else {
        geojson::GeometryValue::from(geometry)
    };
    serde_json::to_value(geojson::Geometry::new(value)).unwrap_or(serde_json::Value::Null)
}

impl AppState {
    /// The quarters with data, oldest first, and the data version they belong to. No query
    /// while the data are unchanged: the version is the store's in-memory copy
    /// ([`Store::cached_data_version`]: this process's ingests count at once, other processes'
    /// within the store's refresh bound), and the list is re-read only when it changes.
    pub async fn periods(&self) -> Result<(i64, Vec<riskmap_model::Period>), riskmap_store::Error> {
        let version = self.version();
        let periods = self
            .periods_cache
            .get_or_build(version, (), || self.store.periods())
            .await?;
        Ok((version, periods.as_ref().clone()))
    }
}

impl AppState {
    /// Whether demo mode is on now: `--demo` was given and every stored record is synthetic
    /// (checked once per data version).
    pub async fn demo_active(&self) -> Result<bool, crate::http::Error> {
        if !self.config.demo {
            return Ok(false);
        }
        let version = self.version();
        let active = self
            .demo_state
            .get_or_build(version, (), || async {
                Ok::<bool, crate::http::Error>(!self.store.has_real_data().await?)
            })
            .await?;
        Ok(*active)
    }
}

/// No data version is served yet.
pub const NOT_SERVING: i64 = i64::MIN;

tokio::task_local! {
    /// The data version a warm-up task builds (it reads the new version while requests are
    /// still served the previous one).
    static WARMING: i64;
}

impl AppState {
    /// The data version a request reads: the one being warmed inside a warm-up task; else the
    /// latest warm one, so that answers of the previous version are served while a new one is
    /// built; else (no warm-up has ended yet, or none runs) the store's own.
    pub fn version(&self) -> i64 {
        if let Ok(warming) = WARMING.try_with(|v| *v) {
            return warming;
        }
        match self.serving.load(std::sync::atomic::Ordering::Acquire) {
            NOT_SERVING => self.store.cached_data_version(),
            served => served,
        }
    }

    /// The data version served, if a warm-up has ended.
    pub fn served_version(&self) -> Option<i64> {
        match self.serving.load(std::sync::atomic::Ordering::Acquire) {
            NOT_SERVING => None,
            served => Some(served),
        }
    }

    /// Runs `build` as the warm-up of data version `version`.
    pub async fn warming<T>(&self, version: i64, build: impl Future<Output = T>) -> T {
        WARMING.scope(version, build).await
    }

    /// Serves data version `version` from now on and drops the caches of older ones.
    pub fn serve_version(&self, version: i64) {
        self.serving
            .store(version, std::sync::atomic::Ordering::Release);
        self.views.retire_before(version);
        self.bodies.retire_before(version);
        self.periods_cache.retire_before(version);
        self.demo_state.retire_before(version);
        self.tiles.variants.retire_before(version);
    }
}
