//! Bearer tokens and roles on the unit collections: 401 without credentials when public access
//! is off, 403 for the steward, exact values only inside an akimat's or crisis team's scope.

#![allow(clippy::unwrap_used, reason = "tests: a failure should stop the test")]

mod support;

use axum::http::StatusCode;
use riskmap_model::{Audience, Grant, Kato, Role};
use support::{get, get_with_token, issue_token, test_app_with};

fn kato(text: &str) -> Kato {
    Kato::parse(text).unwrap()
}

fn grant(role: Role, region: Option<&str>, districts: &[&str]) -> Grant {
    Grant {
        role,
        region: region.map(kato),
        districts: districts.iter().map(|d| kato(d)).collect(),
        expires_at: None,
    }
}

#[tokio::test]
async fn without_public_access_requests_need_a_token() {
    let app = test_app_with(None).await;
    let (status, json) = get(&app, "/api/v1/regions").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(json["error"]["code"], "unauthenticated");
    let (status, _) = get_with_token(&app, "/api/v1/regions", "rmk_not_issued").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let ministry = issue_token(&app, &grant(Role::Ministry, None, &[]), "ministry").await;
    let (status, json) = get_with_token(&app, "/api/v1/regions", &ministry).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json["role"], "ministry");
}

#[tokio::test]
async fn revoked_and_expired_tokens_are_refused() {
    let app = test_app_with(None).await;
    let token = issue_token(&app, &grant(Role::Ministry, None, &[]), "soon-revoked").await;
    let id = app
        .state
        .store
        .find_token(&riskmap_store::token_hash(&token))
        .await
        .unwrap()
        .unwrap()
        .token_id;
    app.state.store.revoke_token(id).await.unwrap();
    assert_eq!(
        get_with_token(&app, "/api/v1/regions", &token).await.0,
        StatusCode::UNAUTHORIZED
    );
    let mut expired = grant(Role::Crisis, None, &["751110000"]);
    expired.expires_at = Some(time::OffsetDateTime::now_utc() - time::Duration::days(1));
    let token = issue_token(&app, &expired, "expired").await;
    let (status, json) = get_with_token(&app, "/api/v1/regions", &token).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(
        json["error"]["message"]
            .as_str()
            .unwrap()
            .contains("expired")
    );
}

#[tokio::test]
async fn steward_has_no_analytic_access() {
    let app = test_app_with(None).await;
    let token = issue_token(&app, &grant(Role::Steward, None, &[]), "steward").await;
    let (status, json) = get_with_token(&app, "/api/v1/regions", &token).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(json["error"]["code"], "no_analytic_access");
}

#[tokio::test]
async fn akimat_sees_exact_values_only_in_its_region() {
    let app = test_app_with(Some(Audience::Public)).await;
    let token = issue_token(&app, &grant(Role::Akimat, Some("750000000"), &[]), "almaty").await;
    let (status, own) = get_with_token(
        &app,
        "/api/v1/regions/750000000/districts?indicators=viol_rate",
        &token,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    for feature in own["features"].as_array().unwrap() {
        let viol = &feature["properties"]["indicators"]["viol_rate"];
        assert!(
            viol["value"].is_number() || viol["flag"] == ":",
            "own district must be exact: {viol}"
        );
    }
    let (_, foreign) = get_with_token(
        &app,
        "/api/v1/regions/350000000/districts?indicators=viol_rate",
        &token,
    )
    .await;
    for feature in foreign["features"].as_array().unwrap() {
        let viol = &feature["properties"]["indicators"]["viol_rate"];
        assert_eq!(
            viol["flag"], "c",
            "another region's districts follow the public rules: {viol}"
        );
    }
}

#[tokio::test]
async fn crisis_team_is_exact_in_assigned_districts_only() {
    let app = test_app_with(None).await;
    let token = issue_token(&app, &grant(Role::Crisis, None, &["751110000"]), "crisis").await;
    let (_, json) = get_with_token(
        &app,
        "/api/v1/regions/750000000/districts?indicators=suicide_attempt_rate",
        &token,
    )
    .await;
    for feature in json["features"].as_array().unwrap() {
        let kato = feature["properties"]["kato"].as_str().unwrap();
        let entry = &feature["properties"]["indicators"]["suicide_attempt_rate"];
        if kato == "751110000" {
            assert_ne!(entry["flag"], "c", "assigned district: {entry}");
        } else {
            assert_eq!(entry["flag"], "c", "{kato}: {entry}");
        }
    }
}
