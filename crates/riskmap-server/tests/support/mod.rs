//! Test support: the app on the real geography with a small synthetic data set in a SQLite
//! file, and request helpers.

#![allow(
    clippy::unwrap_used,
    reason = "test support: a failure should stop the test"
)]
#![allow(
    dead_code,
    reason = "each test binary uses a different part of the support"
)]

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use riskmap_geo::Geography;
use riskmap_model::{Audience, Catalogue, SuppressionPolicy};
use riskmap_server::{AppState, ServerConfig};
use riskmap_store::{NewBatch, Store};
use tower::ServiceExt;

/// The reference geography folder (`RISKMAP_GEOGRAPHY`, default `../shared/data/kz`).
pub(crate) fn geography_dir() -> PathBuf {
    riskmap_geo::dir_beside_repository(env!("CARGO_MANIFEST_DIR"))
}

fn geography() -> Arc<Geography> {
    static GEOGRAPHY: OnceLock<Arc<Geography>> = OnceLock::new();
    GEOGRAPHY
        .get_or_init(|| Arc::new(riskmap_geo::load_dir(&geography_dir()).unwrap()))
        .clone()
}

pub(crate) struct TestApp {
    pub(crate) state: AppState,
    /// The synthetic data stored.
    pub(crate) data: riskmap_demo::DemoData,
    _dir: tempfile::TempDir,
}

impl TestApp {
    /// The URL of the app's SQLite file, for a second store handle (another process).
    pub(crate) fn database_url(&self) -> String {
        format!(
            "sqlite://{}",
            self._dir.path().join("api.sqlite3").display()
        )
    }
}

pub(crate) async fn test_app(audience: Audience) -> TestApp {
    test_app_with(Some(audience)).await
}

pub(crate) async fn test_app_with(audience: Option<Audience>) -> TestApp {
    test_app_shaped(
        audience,
        0.1,
        riskmap_demo::DemoConfig::standard().seed,
        |_| {},
    )
    .await
}

/// The app on demo data of `scale` × the real schools from `seed`, changed by `reshape`
/// before it is stored.
pub(crate) async fn test_app_shaped(
    audience: Option<Audience>,
    scale: f64,
    seed: u64,
    reshape: impl FnOnce(&mut riskmap_demo::DemoData),
) -> TestApp {
    test_app_configured(audience, scale, seed, reshape, |_| {}).await
}

/// Like [`test_app_shaped`], with `configure` applied to the server's settings.
pub(crate) async fn test_app_configured(
    audience: Option<Audience>,
    scale: f64,
    seed: u64,
    reshape: impl FnOnce(&mut riskmap_demo::DemoData),
    configure: impl FnOnce(&mut ServerConfig),
) -> TestApp {
    let geography = geography();
    let dir = tempfile::tempdir().unwrap();
    let store = Store::connect(&format!(
        "sqlite://{}",
        dir.path().join("api.sqlite3").display()
    ))
    .await
    .unwrap();
    store
        .upsert_admin_units(&riskmap_load::admin_units::admin_units(&geography))
        .await
        .unwrap();
    let mut config = riskmap_demo::DemoConfig::standard();
    config.school_scale = scale;
    config.seed = seed;
    let mut data = riskmap_demo::generate(&geography, &config);
    reshape(&mut data);
    let batch = NewBatch {
        source: "api test".to_owned(),
        kind: "demo".to_owned(),
        content_sha256: "api-test".to_owned(),
        synthetic: true,
    };
    store
        .import_batch(&batch, &data.schools, &data.records)
        .await
        .unwrap();
    let web_dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web"));
    let mut server_config = ServerConfig {
        web_dir: Some(web_dir),
        anonymous_audience: audience,
        demo: false,
        demo_tokens: Vec::new(),
        tile_cache_bytes: riskmap_server::tiles::DEFAULT_CACHE_BYTES,
        kato_registry: Some(std::sync::Arc::new(
            riskmap_load::load_registry(&geography_dir()).unwrap(),
        )),
        upload_limit_bytes: riskmap_server::DEFAULT_UPLOAD_LIMIT_BYTES,
        spool_dir: dir.path().join("spool"),
    };
    configure(&mut server_config);
    TestApp {
        state: AppState::new(
            geography,
            store,
            Catalogue::builtin(),
            riskmap_server::view::Views::new(SuppressionPolicy::recommended()),
            server_config,
        ),
        data,
        _dir: dir,
    }
}

pub(crate) async fn get(app: &TestApp, uri: &str) -> (StatusCode, serde_json::Value) {
    let response = riskmap_server::app(app.state.clone())
        .oneshot(Request::get(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let json = serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null);
    (status, json)
}

/// GET with `Authorization: Bearer <token>`.
pub(crate) async fn get_with_token(
    app: &TestApp,
    uri: &str,
    token: &str,
) -> (StatusCode, serde_json::Value) {
    let request = Request::get(uri)
        .header("authorization", format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    let response = riskmap_server::app(app.state.clone())
        .oneshot(request)
        .await
        .unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null),
    )
}

/// Issues a token for `grant` in the app's store and returns it in clear.
pub(crate) async fn issue_token(app: &TestApp, grant: &riskmap_model::Grant, name: &str) -> String {
    let token = format!("rmk_test_{name}");
    app.state
        .store
        .create_token(&riskmap_store::token_hash(&token), grant, name)
        .await
        .unwrap();
    token
}

/// A grant of `role` for a region and districts given as KATO codes.
pub(crate) fn grant(
    role: riskmap_model::Role,
    region: Option<&str>,
    districts: &[&str],
) -> riskmap_model::Grant {
    riskmap_model::Grant {
        role,
        region: region.map(|r| riskmap_model::Kato::parse(r).unwrap()),
        districts: districts
            .iter()
            .map(|d| riskmap_model::Kato::parse(d).unwrap())
            .collect(),
        expires_at: None,
    }
}

/// GET `uri` accepting gzip, with an optional bearer token and `If-None-Match`: status,
/// headers and body bytes.
pub(crate) async fn fetch_raw(
    app: &TestApp,
    uri: &str,
    token: Option<&str>,
    etag: Option<&str>,
) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let mut request = Request::get(uri).header("accept-encoding", "gzip");
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    if let Some(etag) = etag {
        request = request.header("if-none-match", etag);
    }
    let response = riskmap_server::app(app.state.clone())
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    (status, headers, body)
}

/// Stores, through `store`, one record of the quarter after the latest (a copy of a latest
/// record) as a batch named `hash`: a new data version. Returns that quarter.
pub(crate) async fn ingest_next_quarter(store: &Store, hash: &str) -> String {
    let mut record = store
        .records()
        .await
        .unwrap()
        .into_iter()
        .max_by_key(|r| r.period)
        .unwrap();
    record.period = record.period.next();
    record.revision = 1;
    let batch = NewBatch {
        source: "test: next quarter".to_owned(),
        kind: "test".to_owned(),
        content_sha256: hash.to_owned(),
        synthetic: true,
    };
    store
        .import_batch(&batch, &[], &[record.clone()])
        .await
        .unwrap();
    record.period.to_string()
}
