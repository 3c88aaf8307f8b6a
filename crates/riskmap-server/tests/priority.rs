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

/// Stores work contacts for `school`: one in effect, one ended, one not yet begun.
async fn store_contacts(app: &TestApp, school: &riskmap_model::SchoolId) {
    use riskmap_store::{BatchItem, BatchStart, NewBatch, SchoolContact};
    let today = time::OffsetDateTime::now_utc().date();
    let contact = |role: &str, name: &str, from: time::Date, to: Option<time::Date>| {
        BatchItem::Contact(Box::new(SchoolContact {
            school: school.clone(),
            role: role.to_owned(),
            full_name: name.to_owned(),
            work_phone: Some("+7 727 111 22 33".to_owned()),
            work_email: Some(format!("{role}@school.example.invalid")),
            fte: None,
            valid_from: from,
            valid_to: to,
        }))
    };
    let batch = NewBatch {
        source: "school_contacts.csv".to_owned(),
        kind: "school_contacts".to_owned(),
        content_sha256: "contacts-test".to_owned(),
        synthetic: true,
    };
    let BatchStart::Open(mut writer) = app.state.store.begin_batch(&batch).await.unwrap() else {
        panic!("a new batch")
    };
    let day = time::Duration::days(1);
    for item in [
        contact("psychologist", "Сапарова Динара", today - day * 400, None),
        contact(
            "director",
            "Ушедшая Директор",
            today - day * 900,
            Some(today - day),
        ),
        contact(
            "social_pedagogue",
            "Будущая Педагог",
            today + day * 30,
            None,
        ),
    ] {
        writer.push(item).await.unwrap();
    }
    writer.commit("{}").await.unwrap();
}

#[tokio::test]
async fn contacts_reach_crisis_teams_and_the_ministry_only() {
    let app = test_app_with(None).await;
    let district = "751110000";
    let school = app
        .data
        .schools
        .iter()
        .find(|s| s.district.as_str() == district)
        .unwrap()
        .id
        .clone();
    store_contacts(&app, &school).await;
    let akimat = issue_token(&app, &grant(Role::Akimat, Some("750000000"), &[]), "akimat").await;
    let crisis = issue_token(&app, &grant(Role::Crisis, None, &[district]), "crisis").await;
    let ministry = issue_token(&app, &grant(Role::Ministry, None, &[]), "ministry").await;
    let uri = format!("/api/v1/priority?parent={district}");

    for token in [&crisis, &ministry] {
        let (status, list) = get_with_token(&app, &uri, token).await;
        assert_eq!(status, StatusCode::OK, "{list}");
        let rows = list["rows"].as_array().unwrap();
        let row = rows
            .iter()
            .find(|r| r["nobd_org_id"] == school.as_str())
            .expect("the school is listed");
        assert_eq!(row["contacts_visible"], true);
        let contacts = row["contacts"].as_array().unwrap();
        assert_eq!(
            contacts.len(),
            1,
            "only the contact in effect today: {contacts:?}"
        );
        assert_eq!(contacts[0]["full_name"], "Сапарова Динара");
        assert_eq!(contacts[0]["role"], "psychologist");
        assert_eq!(contacts[0]["work_phone"], "+7 727 111 22 33");
        let (_, _, csv) = download(&app, &format!("{uri}&format=csv"), token).await;
        let text = String::from_utf8(csv).unwrap();
        assert!(text.contains("Контакты"), "a contacts column");
        assert!(
            text.contains(
                "психолог: Сапарова Динара, +7 727 111 22 33, psychologist@school.example.invalid"
            ),
            "the contact in words"
        );
        assert!(!text.contains("Ушедшая") && !text.contains("Будущая"));
        assert!(
            text.contains("# Контакты: Рабочие контакты сотрудников школы"),
            "every column is explained in the notes"
        );
    }

    let (status, list) = get_with_token(&app, "/api/v1/priority?parent=750000000", &akimat).await;
    assert_eq!(status, StatusCode::OK);
    for row in list["rows"].as_array().unwrap() {
        assert_eq!(row["contacts_visible"], false);
        assert_eq!(
            row["contacts"],
            serde_json::json!([]),
            "akimats see no contacts"
        );
    }
    let (_, _, csv) = download(
        &app,
        "/api/v1/priority?parent=750000000&format=csv",
        &akimat,
    )
    .await;
    let text = String::from_utf8(csv).unwrap();
    assert!(!text.contains("Контакты") && !text.contains("Сапарова"));
    let (_, _, xlsx) = download(
        &app,
        "/api/v1/priority?parent=750000000&format=xlsx&lang=kk",
        &akimat,
    )
    .await;
    use calamine::Reader;
    let mut workbook: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx)).unwrap();
    assert_eq!(workbook.sheet_names(), ["priority", "Түсініктеме"]);
    let notes = workbook.worksheet_range("Түсініктеме").unwrap();
    assert_eq!(notes.get_value((0, 0)).unwrap().to_string(), "Орны");
    assert!(
        notes.rows().all(|r| !r[1].to_string().is_empty()),
        "every column has its note"
    );
    assert!(!notes.rows().any(|r| r[0] == "Байланыстар"));
}
