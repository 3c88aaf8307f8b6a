//! The OpenAPI 3.1 document: it parses, names the bearer scheme, and every documented route
//! answers (no 5xx) when called with its documented examples.

#![allow(clippy::unwrap_used, reason = "tests: a failure should stop the test")]

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use riskmap_model::Audience;
use support::{get, test_app};
use tower::ServiceExt;

#[tokio::test]
async fn the_document_is_openapi_3_1_and_every_route_answers() {
    let app = test_app(Audience::Ministry).await;
    let (status, doc) = get(&app, "/api/v1/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        doc["openapi"]
    );
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    let paths = doc["paths"].as_object().unwrap();
    // The documented example programme (id 1) exists.
    let programme = riskmap_store::NewProgramme {
        region: riskmap_model::Kato::parse("750000000").unwrap(),
        period: riskmap_programme::ProgrammePeriod::Year(2025),
        title: "example".to_owned(),
        status: riskmap_programme::Status::Draft,
        data_version: 0,
        methodology_version: "test".to_owned(),
        amends: None,
        synthetic: true,
        problems: Vec::new(),
        actions: Vec::new(),
        progress: Vec::new(),
    };
    let meta = riskmap_store::EventMeta {
        at: time::OffsetDateTime::now_utc(),
        token_id: None,
        role: "test".to_owned(),
        comment: String::new(),
    };
    let id = app
        .state
        .store
        .create_programme(&programme, None, &meta)
        .await
        .unwrap()
        .id();
    assert_eq!(id, 1);
    for expected in [
        "/healthz",
        "/api/v1/meta",
        "/api/v1/regions",
        "/api/v1/regions/{kato}/districts",
        "/api/v1/units",
    ] {
        assert!(paths.contains_key(expected), "{expected} is documented");
    }
    let post = &paths["/api/v1/ingest"]["post"];
    assert!(
        post["requestBody"]["content"]["multipart/form-data"].is_object(),
        "{post}"
    );
    for status in ["200", "400", "403", "413", "422"] {
        assert!(
            post["responses"][status].is_object(),
            "upload documents {status}"
        );
    }
    for (path, item) in paths.iter().filter(|(_, item)| item.get("get").is_some()) {
        let operation = &item["get"];
        let mut uri = path.clone();
        let mut query = Vec::new();
        for param in operation["parameters"]
            .as_array()
            .cloned()
            .unwrap_or_default()
        {
            let name = param["name"].as_str().unwrap();
            let text = |v: &serde_json::Value| {
                v.as_str()
                    .map(str::to_owned)
                    .or_else(|| v.as_i64().map(|n| n.to_string()))
            };
            let example = text(&param["example"]).or_else(|| text(&param["schema"]["example"]));
            let example = example.as_deref();
            let required = param["required"].as_bool().unwrap_or(false);
            match (param["in"].as_str().unwrap(), example) {
                ("path", Some(example)) => uri = uri.replace(&format!("{{{name}}}"), example),
                ("query", Some(example)) if required || name != "bbox" => {
                    query.push(format!("{name}={example}"))
                }
                ("path", None) => panic!("{path}: path parameter {name} has no example"),
                _ => {}
            }
        }
        if !query.is_empty() {
            uri = format!("{uri}?{}", query.join("&"));
        }
        let response = riskmap_server::app(app.state.clone())
            .oneshot(Request::get(&uri).body(Body::empty()).unwrap())
            .await
            .unwrap();
        let expected = match path.as_str() {
            "/api/v1/demo/tokens" => StatusCode::NOT_FOUND, // only while a demo serves synthetic data
            "/readyz" => StatusCode::SERVICE_UNAVAILABLE,   // no warm-up runs in this test
            _ => StatusCode::OK,
        };
        assert_eq!(response.status(), expected, "{uri}");
        let documented = operation["responses"].as_object().unwrap();
        assert!(
            documented.contains_key("200"),
            "{path} documents its 200 response"
        );
    }
    let response = riskmap_server::app(app.state.clone())
        .oneshot(Request::get("/api/v1/docs/").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let page = response.into_body().collect().await.unwrap().to_bytes();
    assert!(
        String::from_utf8_lossy(&page).contains("swagger"),
        "the browsable page is Swagger UI"
    );
}
