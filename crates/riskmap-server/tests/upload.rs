//! `POST /api/v1/ingest`: the steward's upload stores a valid file as one batch (visible at
//! once through the data version), a second upload of the same bytes changes nothing, a file
//! with personal data is refused whole without echoing the value, and only the steward may
//! upload; malformed and oversized requests get 400 and 413.

#![allow(clippy::unwrap_used, reason = "tests: a failure should stop the test")]

mod support;

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use riskmap_ingest::defects::{DefectClass, DefectPlan, PLANTED_IIN, make_defects};
use riskmap_ingest::{TableName, write_csv};
use riskmap_model::{Audience, Grant, Kato, Role};
use support::{TestApp, geography_dir, issue_token, test_app};
use tower::ServiceExt;

const BOUNDARY: &str = "riskmap-test-boundary-7f3a";

/// A multipart body of `(field, file name, bytes)` parts.
fn multipart(parts: &[(&str, Option<&str>, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    for (field, file_name, bytes) in parts {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        match file_name {
            Some(name) => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{field}\"; filename=\"{name}\"\r\nContent-Type: text/csv\r\n\r\n").as_bytes(),
            ),
            None => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{field}\"\r\n\r\n").as_bytes(),
            ),
        }
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

async fn upload(app: &TestApp, token: &str, body: Vec<u8>) -> (StatusCode, String) {
    upload_to(app.state.clone(), token, body).await
}

async fn upload_to(
    state: riskmap_server::AppState,
    token: &str,
    body: Vec<u8>,
) -> (StatusCode, String) {
    let request = Request::post("/api/v1/ingest")
        .header("authorization", format!("Bearer {token}"))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(Body::from(body))
        .unwrap();
    let response = riskmap_server::app(state).oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8(bytes.to_vec()).unwrap())
}

fn grant(role: Role) -> Grant {
    Grant {
        role,
        region: (role == Role::Akimat).then(|| Kato::parse("750000000").unwrap()),
        districts: Vec::new(),
        expires_at: None,
    }
}

/// Revision 2 of 30 stored records of the latest quarter, as a contract-v1 CSV.
fn revision_csv() -> Vec<u8> {
    let geography = riskmap_geo::load_dir(&geography_dir()).unwrap();
    let registry = riskmap_load::load_registry(&geography_dir()).unwrap();
    let mut config = riskmap_demo::DemoConfig::standard();
    config.school_scale = 0.1;
    let data = riskmap_demo::generate(&geography, &config);
    let kato_of: HashMap<&str, Kato> = data
        .schools
        .iter()
        .filter(|s| registry.contains(&s.district))
        .map(|s| (s.id.as_str(), s.district))
        .collect();
    let last = data.records.iter().map(|r| r.period).max().unwrap();
    let rows: Vec<_> = data
        .records
        .iter()
        .filter(|r| r.period == last && kato_of.contains_key(r.school.as_str()))
        .take(30)
        .map(|r| {
            let mut revised = r.clone();
            revised.revision += 1;
            revised.submitted_at += time::Duration::days(20);
            riskmap_load::contract_rows::record_row(&revised, kato_of[r.school.as_str()])
        })
        .collect();
    assert_eq!(rows.len(), 30);
    let mut bytes = Vec::new();
    write_csv(TableName::SchoolQuarter, &rows, &mut bytes).unwrap();
    bytes
}

#[tokio::test]
async fn the_steward_uploads_a_file_once_and_a_second_upload_changes_nothing() {
    let app = test_app(Audience::Ministry).await;
    let token = issue_token(&app, &grant(Role::Steward), "steward").await;
    let csv = revision_csv();
    let before = app.state.store.data_version().await.unwrap();
    let (status, body) = upload(
        &app,
        &token,
        multipart(&[("file", Some("school_quarter_rev2.csv"), &csv)]),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let report: serde_json::Value = serde_json::from_str(&body).unwrap();
    let file = &report["files"][0];
    assert_eq!(file["status"], "stored", "{body}");
    assert_eq!(file["file"], "school_quarter_rev2.csv");
    assert_eq!(file["outcomes"][0]["table"], "school_quarter");
    assert_eq!(file["outcomes"][0]["rows_read"], 30);
    assert!(
        app.state.store.data_version().await.unwrap() > before,
        "a new batch is visible"
    );
    let audit = app.state.store.audit_events(20).await.unwrap();
    assert!(
        audit
            .iter()
            .any(|e| e.action == "ingest" && e.row_count > 0)
    );

    let after = app.state.store.data_version().await.unwrap();
    let (status, body) = upload(
        &app,
        &token,
        multipart(&[("file", Some("again.csv"), &csv)]),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("already_stored"), "{body}");
    assert_eq!(app.state.store.data_version().await.unwrap(), after);
}

#[tokio::test]
async fn a_file_with_personal_data_is_refused_whole_without_echoing_it() {
    let app = test_app(Audience::Ministry).await;
    let token = issue_token(&app, &grant(Role::Steward), "steward").await;
    let plan = DefectPlan {
        unknown_kato: Kato::parse("759999999").unwrap(),
        foreign_kato: Kato::parse("711000000").unwrap(),
    };
    let defect = make_defects(&revision_csv(), &plan)
        .unwrap()
        .into_iter()
        .find(|d| d.class == DefectClass::PersonalData)
        .unwrap();
    let before = app.state.store.data_version().await.unwrap();
    let (status, body) = upload(
        &app,
        &token,
        multipart(&[
            ("table", None, b"school_quarter"),
            ("file", Some("pd.csv"), &defect.bytes),
        ]),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.contains("\"refused\""), "{body}");
    assert!(!body.contains(PLANTED_IIN), "the value is never echoed");
    assert_eq!(app.state.store.data_version().await.unwrap(), before);
}

#[tokio::test]
async fn only_the_steward_uploads_and_bad_requests_are_refused() {
    let app = test_app(Audience::Ministry).await;
    let csv = revision_csv();
    for role in [Role::Ministry, Role::Akimat] {
        let token = issue_token(&app, &grant(role), role.as_str()).await;
        let (status, body) =
            upload(&app, &token, multipart(&[("file", Some("q.csv"), &csv)])).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{role:?}: {body}");
        assert!(body.contains("steward_only"));
    }
    let token = issue_token(&app, &grant(Role::Steward), "steward").await;
    let (status, body) = upload(
        &app,
        &token,
        multipart(&[("table", None, b"school_quarter")]),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "no file: {body}");
    let (status, body) = upload(&app, &token, multipart(&[("colour", None, b"red")])).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "unknown field: {body}");
    let (status, body) = upload(
        &app,
        &token,
        multipart(&[("table", None, b"pupils"), ("file", Some("q.csv"), &csv)]),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "unknown table: {body}");
    let (status, body) = upload(
        &app,
        &token,
        multipart(&[("file", Some("notes.txt"), b"hello")]),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "no table can be told: {body}"
    );

    let mut small = app.state.clone();
    let mut config = (*small.config).clone();
    config.upload_limit_bytes = 1024;
    small.config = Arc::new(config);
    let (status, body) =
        upload_to(small, &token, multipart(&[("file", Some("q.csv"), &csv)])).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
}

/// GET `/healthz` answers 200 (the server survived the upload).
async fn still_alive(state: riskmap_server::AppState) {
    let response = riskmap_server::app(state)
        .oneshot(Request::get("/healthz").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn hostile_uploads_get_their_decision_a_short_answer_and_the_server_lives_on() {
    use riskmap_ingest::hostile::{Expect, hostile_files};
    let shared = test_app(Audience::Ministry).await;
    let csv = revision_csv();
    for (index, hostile) in hostile_files(&csv).unwrap().into_iter().enumerate() {
        let fresh;
        let app = match hostile.expect {
            Expect::Accepted => {
                fresh = test_app(Audience::Ministry).await;
                &fresh
            }
            Expect::Refused(_) => &shared,
        };
        let token = issue_token(app, &grant(Role::Steward), &format!("steward{index}")).await;
        let before = app.state.store.data_version().await.unwrap();
        let (status, body) = upload(
            app,
            &token,
            multipart(&[("file", Some(&hostile.file_name), &hostile.bytes)]),
        )
        .await;
        assert!(
            body.len() < 64 * 1024,
            "{}: an answer of {} bytes",
            hostile.file_name,
            body.len()
        );
        match hostile.expect {
            Expect::Accepted => assert_eq!(status, StatusCode::OK, "{}: {body}", hostile.file_name),
            Expect::Refused(code) => {
                assert_eq!(
                    status,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "{}: {body}",
                    hostile.file_name
                );
                let report: serde_json::Value = serde_json::from_str(&body).unwrap();
                let lines = report["findings"][0]["lines"].as_array().unwrap();
                assert!(
                    lines.iter().any(|l| l
                        .as_str()
                        .unwrap()
                        .starts_with(hostile.file_name.as_str())
                        && l.as_str().unwrap().contains(code.as_str())),
                    "{}: {body}",
                    hostile.file_name
                );
                assert_eq!(app.state.store.data_version().await.unwrap(), before);
            }
        }
        still_alive(app.state.clone()).await;
    }
}

#[tokio::test]
async fn a_person_name_is_refused_naming_row_and_column_only() {
    let app = test_app(Audience::Ministry).await;
    let token = issue_token(&app, &grant(Role::Steward), "steward").await;
    let csv = String::from_utf8(revision_csv()).unwrap();
    let mut lines: Vec<String> = csv.lines().map(str::to_owned).collect();
    let notes = lines[0].split(',').position(|h| h == "notes").unwrap();
    let mut cells: Vec<String> = lines[3].split(',').map(str::to_owned).collect();
    cells[notes] = "Нурсултанов Ерлан Маратович".to_owned();
    lines[3] = cells.join(",");
    let named = lines.join("\n") + "\n";
    let (status, body) = upload(
        &app,
        &token,
        multipart(&[("file", Some("school_quarter_named.csv"), named.as_bytes())]),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body.contains("school_quarter_named.csv:4:notes: E_PRIVACY"),
        "{body}"
    );
    assert!(
        !body.contains("Нурсултанов") && !body.contains("Маратович"),
        "{body}"
    );
    still_alive(app.state.clone()).await;
}

#[tokio::test]
async fn uploads_leave_nothing_in_the_spool() {
    let app = test_app(Audience::Ministry).await;
    let token = issue_token(&app, &grant(Role::Steward), "steward").await;
    let (status, body) = upload(
        &app,
        &token,
        multipart(&[("file", Some("school_quarter.csv"), &revision_csv())]),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = upload(
        &app,
        &token,
        multipart(&[("file", Some("notes.txt"), b"hello")]),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let spool = &app.state.config.spool_dir;
    let left: Vec<_> = std::fs::read_dir(spool)
        .map(|entries| entries.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "left in the spool: {left:?}");
}
