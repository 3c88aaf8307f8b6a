//! API tests through `tower::ServiceExt::oneshot` (no socket), on the real geography and a
//! small synthetic data set in a SQLite file.

#![allow(clippy::unwrap_used, reason = "tests: a failure should stop the test")]

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use riskmap_model::Audience;
use support::{get, test_app};
use tower::ServiceExt;

fn assert_feature_collection(json: &serde_json::Value) {
    assert_eq!(json["type"], "FeatureCollection");
    for feature in json["features"].as_array().unwrap() {
        assert_eq!(feature["type"], "Feature");
        let geometry_type = feature["geometry"]["type"].as_str().unwrap();
        assert!(
            matches!(geometry_type, "Polygon" | "MultiPolygon"),
            "{geometry_type}"
        );
        assert!(
            feature["geometry"]["coordinates"]
                .as_array()
                .is_some_and(|c| !c.is_empty())
        );
        assert!(feature["properties"].is_object());
    }
    // Re-parse with the geojson crate as an independent validity check.
    let text = serde_json::to_string(json).unwrap();
    text.parse::<geojson::GeoJson>()
        .expect("valid RFC 7946 GeoJSON");
}

#[tokio::test]
async fn regions_are_twenty_features_with_names_and_indicators() {
    let app = test_app(Audience::Ministry).await;
    let (status, json) = get(&app, "/api/v1/regions").await;
    assert_eq!(status, StatusCode::OK);
    assert_feature_collection(&json);
    let features = json["features"].as_array().unwrap();
    assert_eq!(features.len(), 20);
    assert_eq!(json["synthetic"], true);
    assert_eq!(json["period"], "2024-Q4");
    assert_eq!(json["rolling_year"].as_array().unwrap().len(), 4);
    for feature in features {
        let props = &feature["properties"];
        assert_eq!(props["kato"].as_str().unwrap().len(), 9);
        for lang in ["kk", "ru", "en"] {
            assert!(!props[format!("name_{lang}")].as_str().unwrap().is_empty());
        }
        assert_eq!(props["synthetic"], true);
        let viol = &props["indicators"]["viol_rate"];
        assert!(viol["value"].as_f64().is_some_and(|v| v > 0.0), "{viol}");
        assert!(
            viol["smoothed"].as_f64().is_some(),
            "EB-smoothed value: {viol}"
        );
        assert!((1..=5).contains(&viol["band"].as_u64().unwrap()));
        assert!((1..=20).contains(&viol["rank"].as_u64().unwrap()));
        assert!(viol["top_decile"].is_boolean());
        let p = viol["p_exceed"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&p));
        assert_eq!(viol["quarters"].as_array().unwrap().len(), 4);
    }
}

#[tokio::test]
async fn districts_of_one_region() {
    let app = test_app(Audience::Ministry).await;
    let (status, json) = get(
        &app,
        "/api/v1/regions/750000000/districts?indicators=viol_rate,psych_coverage",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_feature_collection(&json);
    let features = json["features"].as_array().unwrap();
    assert_eq!(
        features.len(),
        app.state
            .geography
            .districts_of(&riskmap_model::Kato::parse("750000000").unwrap())
            .count()
    );
    for feature in features {
        assert!(
            feature["properties"]["kato"]
                .as_str()
                .unwrap()
                .starts_with("75")
        );
        let indicators = feature["properties"]["indicators"].as_object().unwrap();
        assert_eq!(indicators.len(), 2);
    }
}

#[tokio::test]
async fn unknown_and_malformed_requests_are_clean_json_errors() {
    let app = test_app(Audience::Ministry).await;
    for (uri, status, code) in [
        (
            "/api/v1/regions/990000000/districts",
            StatusCode::NOT_FOUND,
            "unknown_region",
        ),
        (
            "/api/v1/regions/351110000/districts",
            StatusCode::NOT_FOUND,
            "unknown_region",
        ),
        (
            "/api/v1/regions/12345/districts",
            StatusCode::BAD_REQUEST,
            "bad_kato",
        ),
        (
            "/api/v1/regions/abcdefghi/districts",
            StatusCode::BAD_REQUEST,
            "bad_kato",
        ),
        (
            "/api/v1/regions?period=2024-Q7",
            StatusCode::BAD_REQUEST,
            "bad_period",
        ),
        (
            "/api/v1/regions?period=2019-Q1",
            StatusCode::NOT_FOUND,
            "unknown_period",
        ),
        (
            "/api/v1/regions?indicators=nope",
            StatusCode::BAD_REQUEST,
            "unknown_indicator",
        ),
        (
            "/api/v1/regions?colour=red",
            StatusCode::BAD_REQUEST,
            "bad_query",
        ),
        ("/api/v1/nothing-here", StatusCode::NOT_FOUND, "no_route"),
    ] {
        let (got, json) = get(&app, uri).await;
        assert_eq!(got, status, "{uri}: {json}");
        assert_eq!(json["error"]["code"], code, "{uri}");
        assert!(
            json["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty())
        );
    }
}

#[tokio::test]
async fn public_audience_never_sees_small_counts_or_district_harm() {
    let app = test_app(Audience::Public).await;
    let (_, regions) = get(&app, "/api/v1/regions?period=2024-Q2").await;
    for feature in regions["features"].as_array().unwrap() {
        for (code, entry) in feature["properties"]["indicators"].as_object().unwrap() {
            if let Some(n) = entry["numerator"].as_u64() {
                assert!(n == 0 || n >= 10, "{code}: numerator {n} published");
            }
            let sensitive = app.state.catalogue.get(code).unwrap().sensitivity
                != riskmap_model::Sensitivity::S0;
            if sensitive {
                assert_eq!(
                    entry["year"], 2023,
                    "{code}: the public reads the latest complete calendar year, not a rolling one"
                );
                for quarter in entry["quarters"].as_array().unwrap() {
                    assert_eq!(quarter["flag"], "c", "{code}: quarters are never published");
                }
            }
        }
    }
    let (_, districts) = get(&app, "/api/v1/regions/750000000/districts").await;
    for feature in districts["features"].as_array().unwrap() {
        let viol = &feature["properties"]["indicators"]["viol_rate"];
        assert_eq!(viol["value"], serde_json::Value::Null);
        assert_eq!(viol["flag"], "c");
    }
}

#[tokio::test]
async fn health_and_meta() {
    let app = test_app(Audience::Ministry).await;
    let (status, json) = get(&app, "/healthz").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json["status"], "ok");
    let (_, meta) = get(&app, "/api/v1/meta").await;
    assert_eq!(meta["periods"].as_array().unwrap().len(), 8);
    assert!(meta["attribution"].as_str().unwrap().contains("geokz"));
    assert_eq!(
        meta["forecast_exceedance_probability"].as_f64(),
        Some(
            riskmap_score::methodology::Methodology::builtin()
                .triggers
                .forecast_exceedance_probability
        ),
        "the page's forecast layer draws its top class from the methodology's trigger"
    );
    assert!(
        meta["indicators"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["code"] == "viol_rate")
    );
}

#[tokio::test]
async fn healthz_answers_while_the_database_is_gone_and_readyz_does_not() {
    let app = test_app(Audience::Ministry).await;
    let version = app.state.store.cached_data_version();
    app.state.serve_version(version);
    app.state.store.close().await;
    let (status, json) = get(&app, "/healthz").await;
    assert_eq!(status, StatusCode::OK, "liveness never asks the database");
    assert_eq!(json["status"], "ok");
    let (status, json) = get(&app, "/readyz").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(json["status"], "unavailable");
}

#[tokio::test]
async fn the_web_page_is_served() {
    let app = test_app(Audience::Ministry).await;
    let response = riskmap_server::app(app.state.clone())
        .oneshot(Request::get("/").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body = response.into_body().collect().await.unwrap().to_bytes();
    assert!(String::from_utf8_lossy(&body).contains("maplibre-gl.css"));
}

#[tokio::test]
async fn readiness_and_prometheus_metrics() {
    let app = test_app(Audience::Ministry).await;
    let (status, json) = get(&app, "/readyz").await;
    assert_eq!(
        status,
        StatusCode::SERVICE_UNAVAILABLE,
        "not ready before the caches are warm"
    );
    assert_eq!(json["status"], "warming");
    let version = app.state.store.cached_data_version();
    riskmap_server::warm::warm_and_serve(&app.state, version)
        .await
        .unwrap();
    let (status, json) = get(&app, "/readyz").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json["status"], "ready");
    assert_eq!(
        json["data_version"], version,
        "the version answers come from"
    );
    get(&app, "/api/v1/regions?indicators=viol_rate").await;
    get(&app, "/api/v1/regions/12345/districts").await;
    let (status, _) = get(&app, "/metrics").await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "no metrics without a steward or ministry token"
    );
    let akimat = support::issue_token(
        &app,
        &support::grant(riskmap_model::Role::Akimat, Some("750000000"), &[]),
        "akimat",
    )
    .await;
    let (status, _) = support::get_with_token(&app, "/metrics", &akimat).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let steward = support::issue_token(
        &app,
        &support::grant(riskmap_model::Role::Steward, None, &[]),
        "steward",
    )
    .await;
    let response = riskmap_server::app(app.state.clone())
        .oneshot(
            Request::get("/metrics")
                .header("authorization", format!("Bearer {steward}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let text = String::from_utf8(
        response
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec(),
    )
    .unwrap();
    assert!(
        text.contains(r#"riskmap_http_requests_total{route="/api/v1/regions",status="200"} 1"#),
        "{text}"
    );
    assert!(text.contains(r#"riskmap_http_requests_total{route="/api/v1/regions/{kato}/districts",status="400"} 1"#), "{text}");
    assert!(text.contains("riskmap_http_request_duration_seconds_bucket"));
    assert!(text.contains("riskmap_tile_cache_hits_total 0"));
}

#[tokio::test]
async fn static_files_refuse_path_traversal() {
    let app = test_app(Audience::Ministry).await;
    for uri in [
        "/../Cargo.toml",
        "/%2e%2e/Cargo.toml",
        "/..%2fCargo.toml",
        "/vendor/maplibre-gl/../../package.json",
        "/%2e%2e%2f%2e%2e%2fREADME.md",
    ] {
        let response = riskmap_server::app(app.state.clone())
            .oneshot(Request::get(uri).body(Body::empty()).unwrap())
            .await
            .unwrap();
        let status = response.status();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        let text = String::from_utf8_lossy(&body);
        assert!(status.is_client_error(), "{uri}: {status}");
        assert!(
            !text.contains("[workspace]") && !text.contains("\"dependencies\""),
            "{uri} leaked a file outside web/"
        );
    }
}

#[tokio::test]
async fn json_and_page_files_are_gzipped_for_clients_that_accept_it() {
    use std::io::Read as _;
    let app = test_app(Audience::Ministry).await;
    for uri in ["/api/v1/regions", "/app.js", "/index.html"] {
        let (status, headers, body) = support::fetch_raw(&app, uri, None, None).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        assert_eq!(headers["content-encoding"], "gzip", "{uri}");
        let mut plain = Vec::new();
        flate2::read::GzDecoder::new(body.as_slice())
            .read_to_end(&mut plain)
            .unwrap();
        assert!(plain.len() > body.len(), "{uri} is smaller gzipped");
    }
    let (status, plain) = get(&app, "/api/v1/regions").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        plain["features"].as_array().unwrap().len(),
        20,
        "identity still works"
    );
}
