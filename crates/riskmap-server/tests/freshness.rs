//! A new ingest is visible without a query per request for the data version: at once when it
//! goes through the server's own store, within the store's refresh bound when another process
//! (here: a second store handle on the same file) commits it.

#![allow(clippy::unwrap_used, reason = "tests: a failure should stop the test")]

mod support;

use std::time::{Duration, Instant};

use axum::http::StatusCode;
use riskmap_model::Audience;
use riskmap_store::Store;
use support::{TestApp, get, ingest_next_quarter, test_app_with};

const KAZAKHSTAN_Z3: &str = "/tiles/regions/3/5/2.mvt";

async fn etag(app: &TestApp) -> String {
    let (status, headers, _) = support::fetch_raw(app, KAZAKHSTAN_Z3, None, None).await;
    assert_eq!(status, StatusCode::OK);
    headers["etag"].to_str().unwrap().to_owned()
}

#[tokio::test]
async fn an_ingest_through_the_servers_store_is_visible_to_the_next_request() {
    let app = test_app_with(Some(Audience::Ministry)).await;
    let (_, meta) = get(&app, "/api/v1/meta").await;
    let tile_before = etag(&app).await;
    let quarter = ingest_next_quarter(&app.state.store, "next").await;
    let (status, meta_after) = get(&app, "/api/v1/meta").await;
    assert_eq!(status, StatusCode::OK);
    assert_ne!(meta["latest_period"], meta_after["latest_period"]);
    assert_eq!(meta_after["latest_period"], quarter.as_str());
    assert_ne!(
        etag(&app).await,
        tile_before,
        "the tile's data version moved at once"
    );
}

#[tokio::test]
async fn an_ingest_by_another_process_is_visible_within_the_refresh_bound() {
    let app = test_app_with(Some(Audience::Ministry)).await;
    let tile_before = etag(&app).await;
    let other = Store::connect(&app.database_url()).await.unwrap();
    let quarter = ingest_next_quarter(&other, "other").await;
    let start = Instant::now();
    // The SQLite poll interval plus slack for a loaded machine.
    let limit = riskmap_store::data_version::SQLITE_POLL + Duration::from_secs(2);
    loop {
        let (_, meta) = get(&app, "/api/v1/meta").await;
        if meta["latest_period"] == quarter.as_str() {
            break;
        }
        assert!(start.elapsed() < limit, "not visible after {limit:?}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    eprintln!("visible after {:?}", start.elapsed());
    assert_ne!(etag(&app).await, tile_before);
    other.close().await;
}

/// While a new data version is warmed, answers are the previous version's — never a mix —
/// and once it is served, the new one's.
#[tokio::test]
async fn answers_during_a_rebuild_are_the_previous_versions() {
    let app = test_app_with(Some(Audience::Ministry)).await;
    let warm = |state: riskmap_server::AppState| async move {
        let version = state.store.cached_data_version();
        riskmap_server::warm::warm_and_serve(&state, version)
            .await
            .unwrap();
    };
    warm(app.state.clone()).await;
    let (_, before) = get(&app, "/api/v1/regions?geometry=false").await;
    let (_, meta_before) = get(&app, "/api/v1/meta").await;
    let quarter = ingest_next_quarter(&app.state.store, "rebuild").await;
    // Ingested, not yet warm: the previous version is served, whole.
    let (_, during) = get(&app, "/api/v1/regions?geometry=false").await;
    let (_, meta_during) = get(&app, "/api/v1/meta").await;
    assert_eq!(before, during, "the collection is the previous version's");
    assert_eq!(meta_before["latest_period"], meta_during["latest_period"]);
    warm(app.state.clone()).await;
    let (_, after) = get(&app, "/api/v1/regions?geometry=false").await;
    assert_eq!(
        after["period"],
        quarter.as_str(),
        "the new version once it is warm"
    );
    let (status, _) = get(&app, "/readyz").await;
    assert_eq!(status, StatusCode::OK);
}
