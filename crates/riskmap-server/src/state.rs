//! The state every handler reads: geography, store, catalogue and disclosure policy.

use std::path::PathBuf;
use std::sync::Arc;

use riskmap_geo::Geography;
use riskmap_model::{Audience, Catalogue, SuppressionPolicy};
use riskmap_store::Store;

/// Settings of the service, validated by the caller.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// The folder with `index.html` and the page's scripts (`web/`).
    pub web_dir: PathBuf,
    /// The audience of requests that carry no token: `None` answers them 401 (the default
    /// until the ministry approves public access), `Some(Audience::Public)` serves tier P. The
    /// demo mode (synthetic data only) serves the ministry view so that a new user sees the
    /// whole map at once.
    pub anonymous_audience: Option<Audience>,
    /// Disclosure thresholds.
    pub policy: SuppressionPolicy,
    /// Bytes of gzipped tiles to cache (0 switches the cache off).
    pub tile_cache_bytes: u64,
    /// Ready tokens offered on the page in demo mode (synthetic data only); empty otherwise.
    pub demo_tokens: Vec<DemoToken>,
}

/// A token issued for the demo, offered on the page.
#[derive(Debug, Clone)]
pub struct DemoToken {
    /// Role name.
    pub role: String,
    /// Scope in words.
    pub scope: String,
    /// The bearer token.
    pub token: String,
}

/// The quarters with data at one data version.
pub type PeriodsAt = (i64, Vec<riskmap_model::Period>);

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
    pub periods_cache: Arc<std::sync::Mutex<Option<PeriodsAt>>>,
    /// Counters for `/metrics`.
    pub metrics: Arc<crate::metrics::Metrics>,
    /// Pre-serialised RFC 7946 geometries of regions and districts, by KATO code.
    pub geometries: Arc<std::collections::HashMap<riskmap_model::Kato, serde_json::Value>>,
}

impl AppState {
    /// Builds the state, serialising every boundary once.
    pub fn new(
        geography: Arc<Geography>,
        store: Store,
        catalogue: Catalogue,
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
            periods_cache: Arc::default(),
            tiles,
            geometries: Arc::new(geometries),
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
    /// The quarters with data, oldest first, and the data version they belong to. One cheap
    /// query (the newest batch id) per call; the list itself is re-read only when it changes.
    pub async fn periods(&self) -> Result<(i64, Vec<riskmap_model::Period>), riskmap_store::Error> {
        let version = self.store.data_version().await?;
        let cached = self
            .periods_cache
            .lock()
            .ok()
            .and_then(|cache| cache.as_ref().filter(|(v, _)| *v == version).cloned());
        if let Some(found) = cached {
            return Ok(found);
        }
        let periods = self.store.periods().await?;
        if let Ok(mut cache) = self.periods_cache.lock() {
            *cache = Some((version, periods.clone()));
        }
        Ok((version, periods))
    }
}
