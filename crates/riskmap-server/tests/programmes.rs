//! Programmes over HTTP: the role × route matrix of every programme route, the workflow with
//! If-Match (428 without, 412 stale), 409 with the allowed transitions, concurrent edits (one
//! client gets 412, nothing is lost), idempotent creates, and snapshots that a new ingest does
//! not change.

#![allow(clippy::unwrap_used, reason = "tests: a failure should stop the test")]

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use riskmap_model::Role;
use serde_json::{Value, json};
use support::{TestApp, grant, issue_token, test_app_with};
use tower::ServiceExt;

const REGION: &str = "750000000";
const DISTRICT: &str = "751110000";
const OTHER_DISTRICT: &str = "751210000";

struct Answer {
    status: StatusCode,
    etag: Option<String>,
    replayed: bool,
    body: Value,
}

async fn send(
    app: &TestApp,
    method: &str,
    uri: &str,
    token: &str,
    headers: &[(&str, &str)],
    body: Option<Value>,
) -> Answer {
    let mut request = Request::builder()
        .method(method)
        .uri(uri)
        .header("authorization", format!("Bearer {token}"));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let body = body.map_or_else(Body::empty, |b| Body::from(b.to_string()));
    let response = riskmap_server::app(app.state.clone())
        .oneshot(
            request
                .header("content-type", "application/json")
                .body(body)
                .unwrap(),
        )
        .await
        .unwrap();
    let status = response.status();
    let etag = response
        .headers()
        .get("etag")
        .map(|v| v.to_str().unwrap().to_owned());
    let replayed = response.headers().contains_key("idempotent-replayed");
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Answer {
        status,
        etag,
        replayed,
        body: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    }
}

struct Tokens {
    akimat: String,
    other_akimat: String,
    crisis: String,
    ministry: String,
    public: String,
    steward: String,
}

async fn tokens(app: &TestApp) -> Tokens {
    Tokens {
        akimat: issue_token(app, &grant(Role::Akimat, Some(REGION), &[]), "akimat").await,
        other_akimat: issue_token(app, &grant(Role::Akimat, Some("710000000"), &[]), "other").await,
        crisis: issue_token(app, &grant(Role::Crisis, None, &[DISTRICT]), "crisis").await,
        ministry: issue_token(app, &grant(Role::Ministry, None, &[]), "ministry").await,
        public: issue_token(app, &grant(Role::Public, None, &[]), "public").await,
        steward: issue_token(app, &grant(Role::Steward, None, &[]), "steward").await,
    }
}

fn action(problem: i64) -> Value {
    json!({
        "action_type": "referral_111",
        "problems": [problem],
        "organisation": "Алматы қаласының білім басқармасы",
        "responsible": "Әсел Нұрланқызы",
        "contact": "+7 727 000 00 00",
        "start": "2025-01-01",
        "due": "2099-12-31",
        "budget_tenge": 1500000,
        "funding_source": "местный бюджет",
        "indicator": "viol_rate",
        "expected_change_percent": -5.0
    })
}

async fn create(app: &TestApp, token: &str) -> Answer {
    send(
        app,
        "POST",
        "/api/v1/programmes",
        token,
        &[],
        Some(json!({"region": REGION, "period": "2025", "title": "Бағдарлама"})),
    )
    .await
}

/// A draft with one district problem and one action, by the akimat; its id and ETag.
async fn draft_with_action(app: &TestApp, t: &Tokens) -> (i64, String) {
    let created = create(app, &t.akimat).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let id = created.body["id"].as_i64().unwrap();
    let uri = format!("/api/v1/programmes/{id}/problems");
    let tag = created.etag.unwrap();
    let problem = send(
        app,
        "POST",
        &uri,
        &t.akimat,
        &[("if-match", &tag)],
        Some(json!({"unit": DISTRICT})),
    )
    .await;
    assert_eq!(problem.status, StatusCode::CREATED, "{}", problem.body);
    let problem_id = problem.body["problems"][0]["id"].as_i64().unwrap();
    let uri = format!("/api/v1/programmes/{id}/actions");
    let added = send(
        app,
        "POST",
        &uri,
        &t.akimat,
        &[("if-match", problem.etag.as_deref().unwrap())],
        Some(action(problem_id)),
    )
    .await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.body);
    (id, added.etag.unwrap())
}

#[tokio::test]
async fn role_route_matrix() {
    let app = test_app_with(None).await;
    let t = tokens(&app).await;
    for token in [
        &t.public,
        &t.steward,
        &t.other_akimat,
        &t.crisis,
        &t.ministry,
    ] {
        assert_eq!(
            create(&app, token).await.status,
            StatusCode::FORBIDDEN,
            "only the region's akimat creates"
        );
        let draft = send(
            &app,
            "POST",
            &format!("/api/v1/programmes/draft?region={REGION}"),
            token,
            &[],
            None,
        )
        .await;
        assert_eq!(
            draft.status,
            StatusCode::FORBIDDEN,
            "draft from the list: {}",
            draft.body
        );
    }
    for token in [&t.public, &t.steward] {
        assert_eq!(
            send(&app, "GET", "/api/v1/programmes", token, &[], None)
                .await
                .status,
            StatusCode::FORBIDDEN
        );
    }
    let (id, tag) = draft_with_action(&app, &t).await;
    let base = format!("/api/v1/programmes/{id}");
    for (token, expected) in [
        (&t.akimat, 200),
        (&t.crisis, 200),
        (&t.ministry, 200),
        (&t.other_akimat, 403),
        (&t.public, 403),
        (&t.steward, 403),
    ] {
        let got = send(&app, "GET", &base, token, &[], None).await;
        assert_eq!(got.status.as_u16(), expected, "GET by {token}");
        let listed = send(
            &app,
            "GET",
            &format!("/api/v1/programmes?region={REGION}"),
            token,
            &[],
            None,
        )
        .await;
        if expected == 200 {
            assert_eq!(listed.body["programmes"].as_array().unwrap().len(), 1);
        }
    }
    let other = send(
        &app,
        "GET",
        "/api/v1/programmes",
        &t.other_akimat,
        &[],
        None,
    )
    .await;
    assert_eq!(
        other.body["programmes"],
        json!([]),
        "another region's akimat lists nothing of this region"
    );
    assert_eq!(
        send(
            &app,
            "GET",
            "/api/v1/programmes/99999",
            &t.ministry,
            &[],
            None
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    let writes: [(&str, String, Value); 5] = [
        (
            "POST",
            format!("{base}/problems"),
            json!({"unit": OTHER_DISTRICT}),
        ),
        ("POST", format!("{base}/actions"), action(1)),
        (
            "PATCH",
            format!("{base}/actions/2"),
            json!({"budget_tenge": 7}),
        ),
        (
            "POST",
            format!("{base}/actions/2/progress"),
            json!({"quarter": "2025-Q1", "status": "on_track", "percent": 10}),
        ),
        (
            "POST",
            format!("{base}/transitions"),
            json!({"to": "approved"}),
        ),
    ];
    for (method, uri, body) in &writes {
        for token in [&t.other_akimat, &t.public, &t.steward] {
            let got = send(
                &app,
                method,
                uri,
                token,
                &[("if-match", &tag)],
                Some(body.clone()),
            )
            .await;
            assert_eq!(
                got.status,
                StatusCode::FORBIDDEN,
                "{method} {uri} by an outsider: {}",
                got.body
            );
        }
        let got = send(&app, method, uri, &t.akimat, &[], Some(body.clone())).await;
        assert_eq!(
            got.status,
            StatusCode::PRECONDITION_REQUIRED,
            "{method} {uri} without If-Match"
        );
        let got = send(
            &app,
            method,
            uri,
            &t.akimat,
            &[("if-match", "\"p1v999\"")],
            Some(body.clone()),
        )
        .await;
        assert_eq!(
            got.status,
            StatusCode::PRECONDITION_FAILED,
            "{method} {uri} stale"
        );
    }
    let got = send(
        &app,
        "POST",
        &format!("{base}/problems"),
        &t.crisis,
        &[("if-match", &tag)],
        Some(json!({"unit": OTHER_DISTRICT})),
    )
    .await;
    assert_eq!(
        got.status,
        StatusCode::FORBIDDEN,
        "a crisis team adds problems only in its districts: {}",
        got.body
    );
    let got = send(
        &app,
        "PATCH",
        &format!("{base}/actions/2"),
        &t.crisis,
        &[("if-match", &tag)],
        Some(json!({"budget_tenge": 7})),
    )
    .await;
    assert_eq!(
        got.status,
        StatusCode::OK,
        "a crisis team edits actions in its districts: {}",
        got.body
    );
    let tag = got.etag.unwrap();
    let got = send(
        &app,
        "POST",
        &format!("{base}/transitions"),
        &t.crisis,
        &[("if-match", &tag)],
        Some(json!({"to": "approved"})),
    )
    .await;
    assert_eq!(got.status, StatusCode::CONFLICT);
    assert_eq!(got.body["allowed"], json!([]));
    let got = send(
        &app,
        "POST",
        &format!("{base}/transitions"),
        &t.ministry,
        &[("if-match", &tag)],
        Some(json!({"to": "acknowledged"})),
    )
    .await;
    assert_eq!(
        got.status,
        StatusCode::CONFLICT,
        "a draft is not acknowledged"
    );
    let got = send(
        &app,
        "POST",
        &format!("{base}/amendments"),
        &t.akimat,
        &[("if-match", &tag)],
        None,
    )
    .await;
    assert_eq!(
        got.status,
        StatusCode::CONFLICT,
        "a draft is edited, not amended"
    );
}

#[tokio::test]
async fn the_workflow_through_http() {
    let app = test_app_with(None).await;
    let t = tokens(&app).await;
    let (id, tag) = draft_with_action(&app, &t).await;
    let base = format!("/api/v1/programmes/{id}");
    let approved = send(
        &app,
        "POST",
        &format!("{base}/transitions"),
        &t.akimat,
        &[("if-match", &tag)],
        Some(json!({"to": "approved", "comment": "бекітілді"})),
    )
    .await;
    assert_eq!(approved.status, StatusCode::OK, "{}", approved.body);
    assert_eq!(approved.body["status"], "approved");
    let tag = approved.etag.unwrap();
    let locked = send(
        &app,
        "PATCH",
        &format!("{base}/actions/2"),
        &t.akimat,
        &[("if-match", &tag)],
        Some(json!({"budget_tenge": 1})),
    )
    .await;
    assert_eq!(
        locked.status,
        StatusCode::CONFLICT,
        "approved content is locked"
    );
    let refused = send(
        &app,
        "POST",
        &format!("{base}/transitions"),
        &t.ministry,
        &[("if-match", &tag)],
        Some(json!({"to": "closed"})),
    )
    .await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert_eq!(refused.body["allowed"], json!(["acknowledged", "returned"]));
    let no_comment = send(
        &app,
        "POST",
        &format!("{base}/transitions"),
        &t.ministry,
        &[("if-match", &tag)],
        Some(json!({"to": "returned"})),
    )
    .await;
    assert_eq!(
        no_comment.status,
        StatusCode::BAD_REQUEST,
        "returning needs a comment"
    );
    let progress = send(
        &app,
        "POST",
        &format!("{base}/actions/2/progress"),
        &t.crisis,
        &[("if-match", &tag)],
        Some(json!({"quarter": "2025-Q1", "status": "delayed", "percent": 20, "comment": "кадры"})),
    )
    .await;
    assert_eq!(progress.status, StatusCode::CREATED, "{}", progress.body);
    assert_eq!(progress.body["progress"][0]["due_on"], "2025-04-10");
    let tag = progress.etag.unwrap();
    let returned = send(
        &app,
        "POST",
        &format!("{base}/transitions"),
        &t.ministry,
        &[("if-match", &tag)],
        Some(json!({"to": "returned", "comment": "уточнить бюджет"})),
    )
    .await;
    assert_eq!(returned.status, StatusCode::OK, "{}", returned.body);
    let tag = returned.etag.unwrap();
    let edited = send(
        &app,
        "PATCH",
        &format!("{base}/actions/2"),
        &t.akimat,
        &[("if-match", &tag)],
        Some(json!({"budget_tenge": 2000000})),
    )
    .await;
    assert_eq!(
        edited.status,
        StatusCode::OK,
        "a returned programme is editable: {}",
        edited.body
    );
    let tag = edited.etag.unwrap();
    let again = send(
        &app,
        "POST",
        &format!("{base}/transitions"),
        &t.akimat,
        &[("if-match", &tag)],
        Some(json!({"to": "approved"})),
    )
    .await;
    let tag = again.etag.unwrap();
    let acknowledged = send(
        &app,
        "POST",
        &format!("{base}/transitions"),
        &t.ministry,
        &[("if-match", &tag)],
        Some(json!({"to": "acknowledged"})),
    )
    .await;
    assert_eq!(acknowledged.body["status"], "acknowledged");
    let tag = acknowledged.etag.unwrap();
    let amendment = send(
        &app,
        "POST",
        &format!("{base}/amendments"),
        &t.akimat,
        &[("if-match", &tag)],
        None,
    )
    .await;
    assert_eq!(amendment.status, StatusCode::CREATED, "{}", amendment.body);
    let amendment_id = amendment.body["id"].as_i64().unwrap();
    let a_tag = amendment.etag.unwrap();
    let changed = send(
        &app,
        "PATCH",
        &format!("/api/v1/programmes/{amendment_id}/actions/2"),
        &t.akimat,
        &[("if-match", &a_tag)],
        Some(json!({"budget_tenge": 3000000})),
    )
    .await;
    assert_eq!(changed.status, StatusCode::OK);
    let a_tag = changed.etag.unwrap();
    let approved = send(
        &app,
        "POST",
        &format!("/api/v1/programmes/{amendment_id}/transitions"),
        &t.akimat,
        &[("if-match", &a_tag)],
        Some(json!({"to": "approved"})),
    )
    .await;
    assert_eq!(approved.status, StatusCode::OK);
    let original = send(&app, "GET", &base, &t.ministry, &[], None).await;
    assert_eq!(original.body["status"], "superseded");
    assert_eq!(
        original.body["actions"][0]["budget_tenge"], 2000000,
        "the approved content never changed"
    );
    let history = send(
        &app,
        "GET",
        &format!("/api/v1/programmes/{amendment_id}/history"),
        &t.ministry,
        &[],
        None,
    )
    .await;
    assert_eq!(
        history.body["diff"]["actions_changed"],
        json!([[2, ["budget_tenge"]]])
    );
    let events = send(
        &app,
        "GET",
        &format!("{base}/history"),
        &t.ministry,
        &[],
        None,
    )
    .await
    .body;
    let kinds: Vec<&str> = events["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds.first(), Some(&"created"));
    assert_eq!(kinds.last(), Some(&"superseded"));
}

#[tokio::test]
async fn concurrent_edits_one_gets_412_and_nothing_is_lost() {
    let app = test_app_with(None).await;
    let t = tokens(&app).await;
    let (id, tag) = draft_with_action(&app, &t).await;
    let uri = format!("/api/v1/programmes/{id}/actions/2");
    let header = [("if-match", tag.as_str())];
    let (left, right) = tokio::join!(
        send(
            &app,
            "PATCH",
            &uri,
            &t.akimat,
            &header,
            Some(json!({"budget_tenge": 111}))
        ),
        send(
            &app,
            "PATCH",
            &uri,
            &t.crisis,
            &header,
            Some(json!({"organisation": "Аудандық бөлім"}))
        ),
    );
    let statuses = [left.status, right.status];
    assert!(
        statuses.contains(&StatusCode::OK) && statuses.contains(&StatusCode::PRECONDITION_FAILED),
        "{statuses:?}"
    );
    let (winner, loser_body, loser_token) = if left.status == StatusCode::OK {
        (left, json!({"organisation": "Аудандық бөлім"}), &t.crisis)
    } else {
        (right, json!({"budget_tenge": 111}), &t.akimat)
    };
    let retried = send(
        &app,
        "PATCH",
        &uri,
        loser_token,
        &[("if-match", winner.etag.as_deref().unwrap())],
        Some(loser_body),
    )
    .await;
    assert_eq!(retried.status, StatusCode::OK, "{}", retried.body);
    let action = &retried.body["actions"][0];
    assert_eq!(action["budget_tenge"], 111, "nothing lost");
    assert_eq!(action["organisation"], "Аудандық бөлім", "nothing lost");
    assert_eq!(retried.body["version"], 5);
}

#[tokio::test]
async fn creates_are_idempotent() {
    let app = test_app_with(None).await;
    let t = tokens(&app).await;
    let body = json!({"region": REGION, "period": "2025-H1", "title": "Бір"});
    let first = send(
        &app,
        "POST",
        "/api/v1/programmes",
        &t.akimat,
        &[("idempotency-key", "k-1")],
        Some(body.clone()),
    )
    .await;
    let second = send(
        &app,
        "POST",
        "/api/v1/programmes",
        &t.akimat,
        &[("idempotency-key", "k-1")],
        Some(body.clone()),
    )
    .await;
    assert_eq!(first.status, StatusCode::CREATED);
    assert_eq!(second.status, StatusCode::CREATED);
    assert_eq!(first.body["id"], second.body["id"]);
    assert!(!first.replayed && second.replayed);
    let other = send(
        &app,
        "POST",
        "/api/v1/programmes",
        &t.akimat,
        &[("idempotency-key", "k-1")],
        Some(json!({"region": REGION, "period": "2025", "title": "Екі"})),
    )
    .await;
    assert_eq!(other.status, StatusCode::UNPROCESSABLE_ENTITY);
    let listed = send(&app, "GET", "/api/v1/programmes", &t.akimat, &[], None).await;
    assert_eq!(listed.body["programmes"].as_array().unwrap().len(), 1);
    for bad in [
        json!({"region": "7500", "period": "2025", "title": "x"}),
        json!({"region": REGION, "period": "2025-H3", "title": "x"}),
        json!({"region": REGION, "period": "2025", "title": ""}),
        json!({"region": REGION, "period": "2025", "title": "x", "extra": 1}),
    ] {
        assert_eq!(
            send(
                &app,
                "POST",
                "/api/v1/programmes",
                &t.akimat,
                &[],
                Some(bad.clone())
            )
            .await
            .status,
            StatusCode::BAD_REQUEST,
            "{bad}"
        );
    }
}

#[tokio::test]
async fn snapshots_do_not_change_after_a_new_ingest_and_obey_the_readers_rules() {
    let app = test_app_with(None).await;
    let t = tokens(&app).await;
    let (id, _) = draft_with_action(&app, &t).await;
    let uri = format!("/api/v1/programmes/{id}");
    let before = send(&app, "GET", &uri, &t.akimat, &[], None).await.body["problems"].clone();
    let values = before[0]["snapshot"]["values"].as_array().unwrap();
    assert!(
        values
            .iter()
            .any(|v| v["code"] == "viol_rate" && v["value"]["value"].is_number()),
        "the akimat saw its district's rate: {before}"
    );
    let mut records: Vec<_> = app.state.store.records().await.unwrap();
    let latest = records.iter().map(|r| r.period).max().unwrap();
    records.retain(|r| r.period == latest);
    for r in &mut records {
        r.period = r.period.next();
        r.revision = 1;
    }
    let batch = riskmap_store::NewBatch {
        source: "t".to_owned(),
        kind: "test".to_owned(),
        content_sha256: "next".to_owned(),
        synthetic: true,
    };
    app.state
        .store
        .import_batch(&batch, &[], &records)
        .await
        .unwrap();
    let after = send(&app, "GET", &uri, &t.akimat, &[], None).await.body["problems"].clone();
    assert_eq!(
        before, after,
        "the snapshot says what the map said when it was added"
    );
    let ministry = send(&app, "GET", &uri, &t.ministry, &[], None).await.body["problems"].clone();
    assert_eq!(
        before, ministry,
        "the ministry sees what the akimat saw (exact everywhere)"
    );
    let crisis_elsewhere = issue_token(
        &app,
        &grant(Role::Crisis, None, &[OTHER_DISTRICT]),
        "elsewhere",
    )
    .await;
    let outside = send(&app, "GET", &uri, &crisis_elsewhere, &[], None)
        .await
        .body["problems"][0]["snapshot"]["values"]
        .clone();
    let catalogue = riskmap_model::Catalogue::builtin();
    let mut checked = 0;
    for value in outside.as_array().unwrap() {
        let code = value["code"]
            .as_str()
            .unwrap()
            .trim_end_matches(".numerator");
        let s0 = catalogue
            .get(code)
            .is_some_and(|i| i.sensitivity == riskmap_model::Sensitivity::S0);
        if !s0 {
            checked += 1;
            assert!(
                value["value"]["value"].is_null() && !value["count"].is_number(),
                "a reader outside the scope sees no exact S1/S2 value frozen inside it: {value}"
            );
        }
    }
    assert!(checked > 10, "{outside}");
}

#[tokio::test]
async fn a_draft_from_the_priority_list_lists_fired_triggers_in_rank_order_and_suggests_actions() {
    let app = test_app_with(None).await;
    let t = tokens(&app).await;
    let draft = send(
        &app,
        "POST",
        &format!("/api/v1/programmes/draft?region={REGION}&period=2025&limit=20"),
        &t.akimat,
        &[("idempotency-key", "draft-1")],
        None,
    )
    .await;
    assert_eq!(draft.status, StatusCode::CREATED, "{}", draft.body);
    let problems = draft.body["problems"].as_array().unwrap();
    assert!(
        !problems.is_empty() && problems.len() <= 20,
        "{}",
        problems.len()
    );
    let ranks: Vec<i64> = problems
        .iter()
        .map(|p| p["snapshot"]["rank"].as_i64().unwrap())
        .collect();
    assert!(
        ranks.windows(2).all(|w| w[0] < w[1]),
        "rank order: {ranks:?}"
    );
    assert!(
        problems
            .iter()
            .all(|p| !p["snapshot"]["triggers"].as_array().unwrap().is_empty())
    );
    let catalogue = riskmap_programme::Catalogue::builtin().unwrap();
    for action in draft.body["actions"].as_array().unwrap() {
        let problem = problems
            .iter()
            .find(|p| p["id"] == action["problems"][0])
            .unwrap();
        let kind = catalogue
            .get(action["action_type"].as_str().unwrap())
            .unwrap();
        let triggers: Vec<String> =
            serde_json::from_value(problem["snapshot"]["triggers"].clone()).unwrap();
        assert!(
            kind.answers.iter().any(|a| triggers.contains(a)),
            "{} answers {triggers:?}",
            kind.code
        );
        assert_eq!(
            action["organisation"], "",
            "the akimat fills in who does it"
        );
    }
    let tag = draft.etag.unwrap();
    let id = draft.body["id"].as_i64().unwrap();
    let approve = send(
        &app,
        "POST",
        &format!("/api/v1/programmes/{id}/transitions"),
        &t.akimat,
        &[("if-match", &tag)],
        Some(json!({"to": "approved"})),
    )
    .await;
    assert_eq!(approve.status, StatusCode::CONFLICT, "{}", approve.body);
    assert_eq!(approve.body["error"]["code"], "incomplete");
}

#[tokio::test]
async fn the_demo_fills_programmes_in_different_states_labelled_synthetic() {
    let app = test_app_with(None).await;
    let t = tokens(&app).await;
    assert_eq!(
        riskmap_server::demo_programmes::fill(&app.state)
            .await
            .unwrap(),
        4
    );
    assert_eq!(
        riskmap_server::demo_programmes::fill(&app.state)
            .await
            .unwrap(),
        0,
        "once"
    );
    let listed = send(&app, "GET", "/api/v1/programmes", &t.ministry, &[], None)
        .await
        .body;
    let lines = listed["programmes"].as_array().unwrap();
    let statuses: Vec<&str> = lines
        .iter()
        .map(|l| l["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["approved", "draft", "acknowledged", "returned"]);
    assert!(
        lines
            .iter()
            .all(|l| l["synthetic"] == true && l["problems"].as_u64().unwrap() > 0)
    );
    let approved = send(
        &app,
        "GET",
        &format!("/api/v1/programmes/{}", lines[0]["id"]),
        &t.akimat,
        &[],
        None,
    )
    .await
    .body;
    assert_eq!(
        approved["label"],
        "Синтетикалық деректер / Синтетические данные / Synthetic data"
    );
    assert!(!approved["progress"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn the_half_year_summary_counts_every_region_and_audits_downloads() {
    let app = test_app_with(None).await;
    let t = tokens(&app).await;
    riskmap_server::demo_programmes::fill(&app.state)
        .await
        .unwrap();
    let all = send(
        &app,
        "GET",
        "/api/v1/programmes/summary?half=2025-H1",
        &t.ministry,
        &[],
        None,
    )
    .await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.body);
    let regions = all.body["regions"].as_array().unwrap();
    assert_eq!(regions.len(), 20);
    let almaty = regions.iter().find(|r| r["region"] == REGION).unwrap();
    assert_eq!(
        almaty["approved"], 1,
        "the 2025 programme overlaps 2025-H1; the 2026-H1 draft does not"
    );
    assert_eq!(almaty["draft"], 0);
    let own = send(
        &app,
        "GET",
        "/api/v1/programmes/summary?half=2025-H1",
        &t.akimat,
        &[],
        None,
    )
    .await;
    assert_eq!(
        own.body["regions"].as_array().unwrap().len(),
        1,
        "an akimat sees its own region"
    );
    for bad in ["half=2025", "half=2025-H1&format=csv", "half=2025-H1&x=1"] {
        assert_eq!(
            send(
                &app,
                "GET",
                &format!("/api/v1/programmes/summary?{bad}"),
                &t.ministry,
                &[],
                None
            )
            .await
            .status,
            StatusCode::BAD_REQUEST,
            "{bad}"
        );
    }
    assert_eq!(
        send(
            &app,
            "GET",
            "/api/v1/programmes/summary?half=2025-H1",
            &t.public,
            &[],
            None
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    let xlsx = send(
        &app,
        "GET",
        "/api/v1/programmes/summary?half=2025-H1&format=xlsx",
        &t.ministry,
        &[],
        None,
    )
    .await;
    assert_eq!(xlsx.status, StatusCode::OK);
    let audit = app.state.store.audit_events(10).await.unwrap();
    assert!(audit.iter().any(|e| e.action == "programme_summary_xlsx"));
}

#[tokio::test]
async fn the_action_catalogue_is_read_by_programme_readers_only() {
    let app = test_app_with(None).await;
    let t = tokens(&app).await;
    for (token, expected) in [
        (&t.akimat, StatusCode::OK),
        (&t.crisis, StatusCode::OK),
        (&t.ministry, StatusCode::OK),
        (&t.public, StatusCode::FORBIDDEN),
        (&t.steward, StatusCode::FORBIDDEN),
    ] {
        let answer = send(
            &app,
            "GET",
            "/api/v1/programmes/catalogue",
            token,
            &[],
            None,
        )
        .await;
        assert_eq!(answer.status, expected, "{}", answer.body);
    }
    let answer = send(
        &app,
        "GET",
        "/api/v1/programmes/catalogue",
        &t.akimat,
        &[],
        None,
    )
    .await;
    let actions = answer.body["actions"].as_array().unwrap();
    let builtin =
        riskmap_programme::Catalogue::parse(riskmap_programme::catalogue::BUILTIN, &|_| true)
            .unwrap();
    assert_eq!(actions.len(), builtin.actions.len());
    let first = &actions[0];
    assert_eq!(first["code"], builtin.actions[0].code.as_str());
    assert_eq!(first["name_kk"], builtin.actions[0].name.kk.as_str());
    assert_eq!(first["moves"], builtin.actions[0].moves.as_str());
    assert!(first["answers"].as_array().is_some_and(|a| !a.is_empty()));
}
