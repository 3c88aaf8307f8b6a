//! The priority list: roles, disclosure of S2 counts, and the CSV, XLSX and GeoJSON exports
//! (parsed back), each recorded in the audit log.

#![allow(clippy::unwrap_used, reason = "tests: a failure should stop the test")]

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use riskmap_model::Role;
use support::{TestApp, get_with_token, grant, issue_token, test_app_with};
use tower::ServiceExt;

async fn download(app: &TestApp, uri: &str, token: &str) -> (StatusCode, String, Vec<u8>) {
    let request = Request::get(uri)
        .header("authorization", format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    let response = riskmap_server::app(app.state.clone())
        .oneshot(request)
        .await
        .unwrap();
    let status = response.status();
    let kind = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (
        status,
        kind,
        response
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec(),
    )
}

#[tokio::test]
async fn priority_list_by_role_with_exports() {
    let app = test_app_with(None).await;
    let public = issue_token(&app, &grant(Role::Public, None, &[]), "public").await;
    let akimat = issue_token(&app, &grant(Role::Akimat, Some("750000000"), &[]), "akimat").await;
    let crisis = issue_token(&app, &grant(Role::Crisis, None, &["751110000"]), "crisis").await;
    assert_eq!(
        get_with_token(&app, "/api/v1/priority?parent=750000000", &public)
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        get_with_token(&app, "/api/v1/priority?parent=350000000", &akimat)
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        get_with_token(&app, "/api/v1/priority", &akimat).await.0,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        get_with_token(
            &app,
            "/api/v1/priority?parent=750000000&format=pdf",
            &akimat
        )
        .await
        .0,
        StatusCode::BAD_REQUEST
    );

    let (status, list) = get_with_token(&app, "/api/v1/priority?parent=750000000", &akimat).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let rows = list["rows"].as_array().unwrap();
    assert!(!rows.is_empty(), "the demo has schools on the list");
    for (i, row) in rows.iter().enumerate() {
        assert_eq!(row["rank"].as_u64().unwrap() as usize, i + 1);
        assert!(
            !row["triggers"].as_str().unwrap().is_empty(),
            "every listed school has a fired trigger"
        );
        let s2 = &row["s2_events"];
        assert!(
            matches!(s2.as_str(), Some("0" | "1-2" | "3+")),
            "akimats see S2 school counts as bands: {s2}"
        );
        assert_eq!(row["model_version"], list["model_version"]);
    }
    let (_, crisis_list) = get_with_token(&app, "/api/v1/priority?parent=751110000", &crisis).await;
    for row in crisis_list["rows"].as_array().unwrap() {
        assert!(
            row["s2_events"].is_u64(),
            "crisis teams see exact S2 counts: {}",
            row["s2_events"]
        );
    }

    let (status, kind, csv) = download(
        &app,
        "/api/v1/priority?parent=750000000&format=csv",
        &akimat,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(kind.starts_with("text/csv"));
    let text = String::from_utf8(csv).unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let headers = reader.headers().unwrap().clone();
    assert!(
        headers.iter().any(|h| h == "Место"),
        "Russian headers by default: {headers:?}"
    );
    let (_, _, kk_csv) = download(
        &app,
        "/api/v1/priority?parent=750000000&format=csv&lang=kk",
        &akimat,
    )
    .await;
    let kk_text = String::from_utf8(kk_csv).unwrap();
    assert!(
        kk_text.contains("Орны") && kk_text.contains("Қызметтік"),
        "Kazakh headers and notes"
    );
    assert_ne!(kk_text, text, "kk and ru downloads differ");
    assert!(
        !text.contains("urban") && !text.contains(".0,"),
        "labels, not codes; integers without .0"
    );
    let (status, _, _) = download(
        &app,
        "/api/v1/priority?parent=750000000&format=csv&lang=de",
        &akimat,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let data_rows = reader
        .records()
        .filter(|r| !r.as_ref().unwrap()[0].starts_with('#'))
        .count();
    assert_eq!(data_rows, rows.len());
    assert!(
        text.contains("акимат") && text.contains("750000000"),
        "the watermark names the user and scope"
    );

    let (status, _, xlsx) = download(
        &app,
        "/api/v1/priority?parent=750000000&format=xlsx",
        &akimat,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    use calamine::Reader;
    let mut workbook: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx)).unwrap();
    let range = workbook.worksheet_range("priority").unwrap();
    assert!(
        range
            .get_value((0, 0))
            .unwrap()
            .to_string()
            .contains("акимат")
    );
    assert_eq!(range.get_value((3, 0)).unwrap().to_string(), "Место");

    let (status, kind, geojson) = download(
        &app,
        "/api/v1/priority?parent=750000000&format=geojson",
        &akimat,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(kind, "application/geo+json");
    let parsed: geojson::GeoJson = String::from_utf8(geojson).unwrap().parse().unwrap();
    let geojson::GeoJson::FeatureCollection(collection) = parsed else {
        panic!("a feature collection")
    };
    assert_eq!(collection.features.len(), rows.len());

    let events = app.state.store.audit_events(20).await.unwrap();
    for action in ["export_csv", "export_xlsx", "export_geojson"] {
        assert!(
            events
                .iter()
                .any(|e| e.action == action && e.role == "akimat"),
            "{action} is audited"
        );
    }
}
