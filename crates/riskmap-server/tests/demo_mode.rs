//! Demo mode cannot leak: the demo's tokens and its anonymous ministry view exist only while
//! every stored record is synthetic; a demo server refuses uploads (real data); once real data
//! are stored by anyone, demo mode ends for every following request — the token list is gone,
//! anonymous callers get 401 and the demo tokens stop working. Demo tokens are marked in the
//! store and revoked by a server started without `--demo`.

#![allow(clippy::unwrap_used, reason = "tests: a failure should stop the test")]

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use riskmap_model::{Grant, Role};
use riskmap_store::NewBatch;
use support::{TestApp, get, get_with_token};
use tower::ServiceExt;

async fn demo_app() -> (TestApp, String, String) {
    let steward = "rmk_demo_steward".to_owned();
    let ministry = "rmk_demo_ministry".to_owned();
    let (s, m) = (steward.clone(), ministry.clone());
    let app = support::test_app_configured(
        None,
        0.05,
        5,
        |_| {},
        move |config| {
            config.demo = true;
            config.demo_tokens = vec![
                riskmap_server::DemoToken {
                    role: "steward".to_owned(),
                    scope: String::new(),
                    region: None,
                    districts: vec![],
                    token: s,
                    expires_at: None,
                },
                riskmap_server::DemoToken {
                    role: "ministry".to_owned(),
                    scope: String::new(),
                    region: None,
                    districts: vec![],
                    token: m,
                    expires_at: None,
                },
            ];
        },
    )
    .await;
    for (token, role) in [(&steward, Role::Steward), (&ministry, Role::Ministry)] {
        let grant = Grant {
            role,
            region: None,
            districts: vec![],
            expires_at: None,
        };
        app.state
            .store
            .create_token_marked(&riskmap_store::token_hash(token), &grant, "demo", true)
            .await
            .unwrap();
    }
    (app, steward, ministry)
}

async fn upload(app: &TestApp, token: &str) -> (StatusCode, serde_json::Value) {
    let boundary = "demo-boundary";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"q.csv\"\r\nContent-Type: text/csv\r\n\r\nschool_id\r\n--{boundary}--\r\n"
    );
    let response = riskmap_server::app(app.state.clone())
        .oneshot(
            Request::post("/api/v1/ingest")
                .header("authorization", format!("Bearer {token}"))
                .header(
                    "content-type",
                    format!("multipart/form-data; boundary={boundary}"),
                )
                .body(Body::from(body))
                .unwrap(),
        )
        .await
        .unwrap();
    let status = response.status();
    let bytes = http_body_util::BodyExt::collect(response.into_body())
        .await
        .unwrap()
        .to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or_default())
}

#[tokio::test]
async fn demo_mode_lasts_only_while_every_record_is_synthetic() {
    let (app, steward, ministry) = demo_app().await;
    let (status, tokens) = get(&app, "/api/v1/demo/tokens").await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    let (status, regions) = get(&app, "/api/v1/regions?geometry=false").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(regions["audience"], "ministry", "the demo's anonymous view");
    assert_eq!(
        get_with_token(&app, "/api/v1/meta", &ministry).await.0,
        StatusCode::OK
    );
    let (status, refused) = upload(&app, &steward).await;
    assert_eq!(status, StatusCode::CONFLICT, "{refused}");
    assert_eq!(refused["error"]["code"], "demo_mode");

    // Someone stores real data (another process, or a later upload path).
    let mut real = app.data.clone();
    real.records.truncate(10);
    for record in &mut real.records {
        record.revision += 1;
    }
    let batch = NewBatch {
        source: "real".to_owned(),
        kind: "nobd".to_owned(),
        content_sha256: "real-batch".to_owned(),
        synthetic: false,
    };
    app.state
        .store
        .import_batch(&batch, &real.schools, &real.records)
        .await
        .unwrap();

    let (status, _) = get(&app, "/api/v1/demo/tokens").await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "no demo tokens once real data are stored"
    );
    let (status, _) = get(&app, "/api/v1/regions?geometry=false").await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "no anonymous ministry view on real data"
    );
    let (status, json) = get_with_token(&app, "/api/v1/meta", &ministry).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{json}");
    assert_eq!(upload(&app, &steward).await.0, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn demo_tokens_are_marked_and_revoked_together() {
    let (app, _, ministry) = demo_app().await;
    let grant = Grant {
        role: Role::Ministry,
        region: None,
        districts: vec![],
        expires_at: None,
    };
    let real = "rmk_real_ministry";
    app.state
        .store
        .create_token(&riskmap_store::token_hash(real), &grant, "demo")
        .await
        .unwrap();
    let found = app
        .state
        .store
        .find_token(&riskmap_store::token_hash(&ministry))
        .await
        .unwrap()
        .unwrap();
    assert!(found.demo);
    assert_eq!(app.state.store.revoke_demo_tokens().await.unwrap(), 2);
    let kept = app
        .state
        .store
        .find_token(&riskmap_store::token_hash(real))
        .await
        .unwrap()
        .unwrap();
    assert!(
        kept.revoked_at.is_none() && !kept.demo,
        "a real token labelled demo stays"
    );
    assert_eq!(
        get_with_token(&app, "/api/v1/meta", &ministry).await.0,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn role_specific_answers_are_private_and_public_ones_carry_an_etag() {
    let app = support::test_app_with(Some(riskmap_model::Audience::Public)).await;
    let token = support::issue_token(
        &app,
        &support::grant(Role::Akimat, Some("750000000"), &[]),
        "akimat",
    )
    .await;
    for uri in [
        "/api/v1/regions?geometry=false",
        "/api/v1/units?level=district&parent=750000000",
        "/api/v1/units/750000000/profile",
        "/api/v1/compare?units=750000000,710000000",
        "/api/v1/hotspots?level=district&indicator=viol_rate",
        "/api/v1/reporting",
        "/api/v1/meta",
        "/tiles/regions/0/0/0.mvt",
    ] {
        let (status, headers, _) = support::fetch_raw(&app, uri, Some(&token), None).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        let control = headers["cache-control"].to_str().unwrap();
        assert!(control.contains("private"), "{uri}: {control}");
        assert!(
            headers["vary"].to_str().unwrap().contains("Authorization"),
            "{uri}"
        );
        if uri.contains("hotspots") {
            continue;
        }
        let (status, headers, _) = support::fetch_raw(&app, uri, None, None).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        assert!(
            headers["cache-control"]
                .to_str()
                .unwrap()
                .contains("public"),
            "{uri}"
        );
        assert!(
            headers["vary"].to_str().unwrap().contains("Authorization"),
            "{uri}"
        );
        let etag = headers["etag"].to_str().unwrap().to_owned();
        let (status, _, _) = support::fetch_raw(&app, uri, None, Some(&etag)).await;
        assert_eq!(status, StatusCode::NOT_MODIFIED, "{uri}");
    }
}
