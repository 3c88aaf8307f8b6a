//! The hotspot overlay: classes agree with the z and the FDR cut-off, the akimat sees only its
//! region's districts, the public and the steward get 403, bad requests 400.

#![allow(clippy::unwrap_used, reason = "tests: a failure should stop the test")]

mod support;

use axum::http::StatusCode;
use riskmap_model::{Audience, Grant, Kato, Role};
use support::{get, get_with_token, issue_token, test_app, test_app_with};

#[tokio::test]
async fn the_ministry_sees_every_district_with_consistent_classes() {
    let app = test_app(Audience::Ministry).await;
    let (status, body) = get(&app, "/api/v1/hotspots?level=district&indicator=viol_rate").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let units = body["units"].as_array().unwrap();
    assert_eq!(units.len(), app.state.geography.districts().len());
    assert_eq!(body["permutations"], 9_999);
    assert_eq!(body["level"], "district");
    // Benjamini–Hochberg: every unit with a class has p at or below the largest p of a
    // classed unit, and no unclassed unit has a smaller p than a classed one.
    let mut classed_max = 0.0_f64;
    let mut unclassed_min = 1.0_f64;
    for unit in units {
        let (Some(z), Some(p)) = (unit["gistar_z"].as_f64(), unit["gistar_p"].as_f64()) else {
            assert!(unit["gistar_class"].is_null());
            continue;
        };
        match unit["gistar_class"].as_str() {
            Some("hot") => {
                assert!(z > 0.0);
                classed_max = classed_max.max(p);
            }
            Some("cold") => {
                assert!(z < 0.0);
                classed_max = classed_max.max(p);
            }
            None => unclassed_min = unclassed_min.min(p),
            Some(other) => panic!("unknown class {other}"),
        }
        if let Some(q) = unit["lisa_quadrant"].as_str() {
            assert!(["HH", "LL", "LH", "HL"].contains(&q));
            assert!(unit["lisa_p"].as_f64().unwrap() <= 0.05);
        }
    }
    assert!(
        classed_max <= unclassed_min + 1e-6,
        "{classed_max} vs {unclassed_min}"
    );
    assert!(body["global_moran"]["i"].as_f64().is_some());
}

#[tokio::test]
async fn parent_filters_to_one_region_and_regions_work_too() {
    let app = test_app(Audience::Ministry).await;
    let (status, body) = get(
        &app,
        "/api/v1/hotspots?parent=750000000&indicator=viol_rate",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let units = body["units"].as_array().unwrap();
    assert!(!units.is_empty());
    assert!(
        units
            .iter()
            .all(|u| u["kato"].as_str().unwrap().starts_with("75"))
    );
    let (status, body) = get(&app, "/api/v1/hotspots?level=region").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["units"].as_array().unwrap().len(), 20);
}

#[tokio::test]
async fn an_akimat_gets_its_own_region_only_and_the_public_nothing() {
    let app = test_app_with(Some(Audience::Public)).await;
    let (status, body) = get(&app, "/api/v1/hotspots").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["error"]["code"], "no_public_hotspots");
    let akimat = Grant {
        role: Role::Akimat,
        region: Some(Kato::parse("750000000").unwrap()),
        districts: Vec::new(),
        expires_at: None,
    };
    let token = issue_token(&app, &akimat, "akimat").await;
    let (status, body) =
        get_with_token(&app, "/api/v1/hotspots?indicator=suicide_rate", &token).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let units = body["units"].as_array().unwrap();
    assert!(!units.is_empty());
    assert!(
        units
            .iter()
            .all(|u| u["kato"].as_str().unwrap().starts_with("75")),
        "only Almaty's districts: {units:?}"
    );
    let steward = Grant {
        role: Role::Steward,
        region: None,
        districts: Vec::new(),
        expires_at: None,
    };
    let token = issue_token(&app, &steward, "steward").await;
    let (status, _) = get_with_token(&app, "/api/v1/hotspots", &token).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn bad_requests_are_400() {
    let app = test_app(Audience::Ministry).await;
    for uri in [
        "/api/v1/hotspots?indicator=nope",
        "/api/v1/hotspots?level=school",
        "/api/v1/hotspots?period=2024-Q9",
        "/api/v1/hotspots?colour=red",
    ] {
        let (status, body) = get(&app, uri).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}: {body}");
    }
    let (status, _) = get(&app, "/api/v1/hotspots?parent=990000000").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
