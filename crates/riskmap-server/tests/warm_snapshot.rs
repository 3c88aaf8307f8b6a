//! The warm snapshot (`view::snapshot`): a server starting on a data version this build has
//! warmed before restores the partition sums and the regions' scored priority lists instead of
//! computing them, and answers byte for byte as the server that computed them, for every role
//! and format; a snapshot of another build, of another data version, or one that cannot be read
//! is ignored (the warm-up computes from the records and saves a good one).

#![allow(clippy::unwrap_used, reason = "tests: a failure should stop the test")]

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use riskmap_model::{Catalogue, Role, SuppressionPolicy};
use riskmap_server::AppState;
use riskmap_server::view::Views;
use riskmap_server::view::snapshot::{self, BUILD};
use riskmap_store::Store;
use support::{TestApp, grant, ingest_next_quarter, issue_token, test_app_with};
use tower::ServiceExt;

/// What the tests compare: lists of two regions in every format, the units and the tables.
const URIS: &[&str] = &[
    "/api/v1/priority?parent=750000000",
    "/api/v1/priority?parent=750000000&format=csv",
    "/api/v1/priority?parent=750000000&format=geojson",
    "/api/v1/priority?parent=710000000",
    "/api/v1/priority?parent=751110000",
    "/api/v1/regions?geometry=false",
    "/api/v1/regions/750000000/districts?geometry=false",
    "/api/v1/forecasts?level=district",
];

/// Warms the store's current data version and serves it, as `warm::keep_warm` does.
async fn warm(state: &AppState) {
    let version = state.store.cached_data_version();
    riskmap_server::warm::warm_and_serve(state, version)
        .await
        .unwrap();
}

/// Whether the snapshot of the current data version is restored into `state`'s caches.
async fn restore(state: &AppState) -> bool {
    let version = state.store.cached_data_version();
    state
        .warming(version, snapshot::restore(state))
        .await
        .unwrap()
}

/// A second server on the same store, with empty caches (a restart).
async fn restarted(app: &TestApp) -> AppState {
    let store = Store::connect(&app.database_url()).await.unwrap();
    AppState::new(
        app.state.geography.clone(),
        store,
        Catalogue::builtin(),
        Views::new(SuppressionPolicy::recommended()),
        (*app.state.config).clone(),
    )
}

/// Status and body of every URI for every token.
async fn answers(state: &AppState, tokens: &[&str]) -> Vec<(String, StatusCode, Vec<u8>)> {
    let mut out = Vec::new();
    for token in tokens {
        for uri in URIS {
            let request = Request::get(*uri)
                .header("authorization", format!("Bearer {token}"))
                .body(Body::empty())
                .unwrap();
            let response = riskmap_server::app(state.clone())
                .oneshot(request)
                .await
                .unwrap();
            let status = response.status();
            let body = response.into_body().collect().await.unwrap().to_bytes();
            out.push((format!("{token} {uri}"), status, body.to_vec()));
        }
    }
    out
}

async fn issue_tokens(app: &TestApp) -> Vec<String> {
    vec![
        issue_token(app, &grant(Role::Ministry, None, &[]), "ministry").await,
        issue_token(app, &grant(Role::Akimat, Some("750000000"), &[]), "akimat").await,
        issue_token(app, &grant(Role::Crisis, None, &["751110000"]), "crisis").await,
    ]
}

fn assert_same(before: &[(String, StatusCode, Vec<u8>)], after: &[(String, StatusCode, Vec<u8>)]) {
    assert_eq!(before.len(), after.len());
    for ((what, status, body), (_, status_after, body_after)) in before.iter().zip(after) {
        assert_eq!(status, status_after, "{what}");
        assert!(body == body_after, "{what}: the answers differ");
    }
}

#[tokio::test]
async fn a_restart_restores_the_warm_snapshot_and_answers_the_same() {
    let app = test_app_with(None).await;
    let issued = issue_tokens(&app).await;
    let tokens: Vec<&str> = issued.iter().map(String::as_str).collect();
    warm(&app.state).await;
    let version = app.state.store.cached_data_version();
    assert!(
        app.state
            .store
            .warm_snapshot(version, BUILD)
            .await
            .unwrap()
            .is_some(),
        "a warm-up from the records saves its snapshot"
    );
    let computed = answers(&app.state, &tokens).await;
    assert!(
        computed
            .iter()
            .filter(|(_, status, _)| *status == StatusCode::OK)
            .count()
            >= 12,
        "most answers are lists and tables, not refusals: {:?}",
        computed
            .iter()
            .map(|(what, status, _)| format!("{what} {status}"))
            .collect::<Vec<_>>()
    );
    let restart = restarted(&app).await;
    assert!(restore(&restart).await, "the restart restores the snapshot");
    warm(&restart).await;
    assert_same(&computed, &answers(&restart, &tokens).await);
}

#[tokio::test]
async fn a_snapshot_of_another_build_version_or_unreadable_is_ignored() {
    let app = test_app_with(None).await;
    let issued = issue_tokens(&app).await;
    let tokens: Vec<&str> = issued.iter().map(String::as_str).collect();
    let store = &app.state.store;
    let version = store.cached_data_version();
    store
        .save_warm_snapshot(version, "another build", b"whatever")
        .await
        .unwrap();
    assert!(!restore(&app.state).await, "another build's is not read");
    store
        .save_warm_snapshot(version, BUILD, b"\xff\xff\xff not a snapshot")
        .await
        .unwrap();
    assert!(!restore(&app.state).await, "an unreadable one is ignored");
    // The warm-up then computes from the records, answers like a server that never had a
    // snapshot, and replaces the unreadable one.
    warm(&app.state).await;
    let computed = answers(&app.state, &tokens).await;
    let fresh = test_app_with(None).await;
    let fresh_tokens = issue_tokens(&fresh).await;
    let fresh_tokens: Vec<&str> = fresh_tokens.iter().map(String::as_str).collect();
    warm(&fresh.state).await;
    let reference = answers(&fresh.state, &fresh_tokens).await;
    for ((what, status, body), (_, reference_status, reference_body)) in
        computed.iter().zip(&reference)
    {
        assert_eq!(status, reference_status, "{what}");
        assert!(
            body == reference_body,
            "{what}: differs from a server without a snapshot"
        );
    }
    let restart = restarted(&app).await;
    assert!(
        restore(&restart).await,
        "the unreadable snapshot was replaced"
    );
    // A new data version has no snapshot: the old version's is not used for it.
    ingest_next_quarter(store, "next-quarter").await;
    let moved = restarted(&app).await;
    assert!(moved.store.cached_data_version() > version);
    assert!(
        !restore(&moved).await,
        "a snapshot is used only for its own version"
    );
}
