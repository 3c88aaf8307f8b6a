//! Vector tiles: the role × layer matrix, tile validity, disclosure inside tiles, caching
//! headers and clean errors.

#![allow(clippy::unwrap_used, reason = "tests: a failure should stop the test")]

mod support;

use std::io::Read;

use axum::http::StatusCode;
use fast_mvt::{MvtReaderRef, MvtValueRef};
use riskmap_model::{Audience, Role};
use support::{TestApp, grant, issue_token, test_app_with};

/// z3 tile over most of Kazakhstan, z6 tile over Almaty city.
const KAZAKHSTAN_Z3: &str = "3/5/2";
const ALMATY_Z6: &str = "6/45/23";

struct TileResponse {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: Vec<u8>,
}

async fn fetch(app: &TestApp, uri: &str, token: Option<&str>, etag: Option<&str>) -> TileResponse {
    let (status, headers, body) = support::fetch_raw(app, uri, token, etag).await;
    TileResponse {
        status,
        headers,
        body,
    }
}

/// (feature count, every property as text) of a gzipped tile.
fn decode(gzipped: &[u8]) -> (usize, Vec<(String, String)>) {
    let mut raw = Vec::new();
    flate2::read::GzDecoder::new(gzipped)
        .read_to_end(&mut raw)
        .unwrap();
    let reader = MvtReaderRef::new(&raw).unwrap();
    let mut count = 0;
    let mut properties = Vec::new();
    for layer in reader.layers() {
        for feature in layer.features() {
            count += 1;
            assert!(feature.geometry().is_ok(), "every geometry decodes");
            for (key, value) in feature.properties_vec().unwrap() {
                let text = match value {
                    MvtValueRef::String(s) => s.to_owned(),
                    MvtValueRef::Double(d) => d.to_string(),
                    other => format!("{other:?}"),
                };
                properties.push((key.to_owned(), text));
            }
        }
    }
    (count, properties)
}

#[tokio::test]
async fn role_by_layer_matrix() {
    let app = test_app_with(None).await;
    let ministry = issue_token(&app, &grant(Role::Ministry, None, &[]), "ministry").await;
    let public = issue_token(&app, &grant(Role::Public, None, &[]), "public").await;
    let akimat = issue_token(&app, &grant(Role::Akimat, Some("750000000"), &[]), "akimat").await;
    let crisis = issue_token(&app, &grant(Role::Crisis, None, &["751110000"]), "crisis").await;
    let steward = issue_token(&app, &grant(Role::Steward, None, &[]), "steward").await;
    let cases: [(Option<&str>, &str, StatusCode); 12] = [
        (None, "regions", StatusCode::UNAUTHORIZED),
        (None, "schools", StatusCode::UNAUTHORIZED),
        (Some(&public), "regions", StatusCode::OK),
        (Some(&public), "districts", StatusCode::OK),
        (Some(&public), "schools", StatusCode::FORBIDDEN),
        (Some(&steward), "regions", StatusCode::FORBIDDEN),
        (Some(&ministry), "regions", StatusCode::OK),
        (Some(&ministry), "schools", StatusCode::OK),
        (Some(&akimat), "districts", StatusCode::OK),
        (Some(&akimat), "schools", StatusCode::OK),
        (Some(&crisis), "schools", StatusCode::OK),
        (Some(&crisis), "regions", StatusCode::OK),
    ];
    for (token, layer, expected) in cases {
        let tile = if layer == "schools" {
            ALMATY_Z6
        } else {
            KAZAKHSTAN_Z3
        };
        let response = fetch(&app, &format!("/tiles/{layer}/{tile}.mvt"), token, None).await;
        assert_eq!(response.status, expected, "{layer} with {token:?}");
        let json = fetch(&app, &format!("/tiles/{layer}.json"), token, None).await;
        let json_expected = if expected == StatusCode::NO_CONTENT {
            StatusCode::OK
        } else {
            expected
        };
        assert_eq!(json.status, json_expected, "{layer}.json with {token:?}");
    }
    // Schools outside the caller's scope are not in its tiles: an Astana tile for the Almaty akimat.
    let astana = fetch(&app, "/tiles/schools/8/178/81.mvt", Some(&akimat), None).await;
    assert!(
        astana.status == StatusCode::NO_CONTENT,
        "no Astana schools for the Almaty akimat: {}",
        astana.status
    );
}

#[tokio::test]
async fn public_tiles_carry_no_sensitive_district_values() {
    let app = test_app_with(Some(Audience::Public)).await;
    let response = fetch(
        &app,
        &format!("/tiles/districts/{KAZAKHSTAN_Z3}.mvt"),
        None,
        None,
    )
    .await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(response.headers["content-encoding"], "gzip");
    assert_eq!(response.headers["cache-control"], "public, max-age=300");
    let (count, properties) = decode(&response.body);
    assert!(count > 50, "districts in the z3 tile: {count}");
    assert!(
        !properties.iter().any(|(k, _)| k == "viol_rate"),
        "no S1 values at district level for the public"
    );
    assert!(
        properties
            .iter()
            .any(|(k, v)| k == "viol_rate_flag" && v == "c")
    );
    let regions = fetch(
        &app,
        &format!("/tiles/regions/{KAZAKHSTAN_Z3}.mvt"),
        None,
        None,
    )
    .await;
    let (_, region_properties) = decode(&regions.body);
    assert!(
        region_properties.iter().any(|(k, _)| k == "viol_rate"),
        "regions carry S1 values for the public"
    );
}

#[tokio::test]
async fn tiles_have_etags_empty_tiles_and_clean_errors() {
    let app = test_app_with(Some(Audience::Ministry)).await;
    let first = fetch(
        &app,
        &format!("/tiles/regions/{KAZAKHSTAN_Z3}.mvt"),
        None,
        None,
    )
    .await;
    assert_eq!(first.status, StatusCode::OK);
    let etag = first.headers["etag"].to_str().unwrap().to_owned();
    let again = fetch(
        &app,
        &format!("/tiles/regions/{KAZAKHSTAN_Z3}.mvt"),
        None,
        Some(&etag),
    )
    .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert_eq!(
        fetch(&app, "/tiles/regions/3/0/0.mvt", None, None)
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    for (uri, status) in [
        ("/tiles/regions/99/0/0.mvt", StatusCode::BAD_REQUEST),
        ("/tiles/regions/3/8/0.mvt", StatusCode::BAD_REQUEST),
        ("/tiles/regions/a/0/0.mvt", StatusCode::BAD_REQUEST),
        ("/tiles/regions/3/-1/0.mvt", StatusCode::BAD_REQUEST),
        ("/tiles/regions/3/5/2.png", StatusCode::BAD_REQUEST),
        ("/tiles/rivers/3/5/2.mvt", StatusCode::NOT_FOUND),
        ("/tiles/rivers.json", StatusCode::NOT_FOUND),
        (
            "/tiles/regions/3/5/2.mvt?period=2030-Q1",
            StatusCode::NOT_FOUND,
        ),
    ] {
        let response = fetch(&app, uri, None, None).await;
        assert_eq!(response.status, status, "{uri}");
        let json: serde_json::Value = serde_json::from_slice(&response.body).unwrap();
        assert!(json["error"]["code"].is_string(), "{uri}: {json}");
    }
    let tilejson: serde_json::Value =
        serde_json::from_slice(&fetch(&app, "/tiles/districts.json", None, None).await.body)
            .unwrap();
    assert_eq!(tilejson["tilejson"], "3.0.0");
    assert!(
        tilejson["tiles"][0]
            .as_str()
            .unwrap()
            .ends_with("/tiles/districts/{z}/{x}/{y}.mvt")
    );
}

#[tokio::test]
async fn a_new_ingest_changes_the_tiles_at_once() {
    let app = test_app_with(Some(Audience::Ministry)).await;
    let before = fetch(
        &app,
        &format!("/tiles/regions/{KAZAKHSTAN_Z3}.mvt"),
        None,
        None,
    )
    .await;
    let batch = riskmap_store::NewBatch {
        source: "later".to_owned(),
        kind: "test".to_owned(),
        content_sha256: "later".to_owned(),
        synthetic: true,
    };
    app.state
        .store
        .import_batch(&batch, &[], &[])
        .await
        .unwrap();
    let after = fetch(
        &app,
        &format!("/tiles/regions/{KAZAKHSTAN_Z3}.mvt"),
        None,
        None,
    )
    .await;
    assert_ne!(
        before.headers["etag"], after.headers["etag"],
        "the data version is in the cache key"
    );
}
