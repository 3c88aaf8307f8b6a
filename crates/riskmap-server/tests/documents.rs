//! Programme documents over HTTP (issue 15): the PDF's text (extracted with poppler's
//! `pdftotext`, installed by scripts/setup.sh) and the XLSX say what the reader's JSON says —
//! title, region, unit names, snapshot values, budget, action statuses — in Kazakh and
//! Russian, with the reader's watermark; a reader outside the scope gets 403; a crisis team
//! elsewhere never finds in its document a value its JSON hides; the half-year summary PDF
//! has its regions and totals; every download is audited.

#![allow(clippy::unwrap_used, reason = "tests: a failure should stop the test")]

mod support;

use std::io::Write as _;
use std::process::{Command, Stdio};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use calamine::{DataType as _, Reader as _};
use http_body_util::BodyExt;
use riskmap_document::format::{count, number};
use riskmap_model::Role;
use serde_json::{Value, json};
use support::{TestApp, grant, issue_token, test_app_with};
use tower::ServiceExt;

const REGION: &str = "750000000";
const DISTRICT: &str = "751110000";
const OTHER_DISTRICT: &str = "751210000";
const TITLE: &str = "Қауіпсіз мектеп: өңірлік бағдарлама";

struct Got {
    status: StatusCode,
    content_type: String,
    disposition: String,
    etag: Option<String>,
    bytes: Vec<u8>,
}

impl Got {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.bytes).unwrap_or(Value::Null)
    }
}

async fn call(
    app: &TestApp,
    method: &str,
    uri: &str,
    token: &str,
    tag: Option<&str>,
    body: Option<Value>,
) -> Got {
    let mut request = Request::builder()
        .method(method)
        .uri(uri)
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json");
    if let Some(tag) = tag {
        request = request.header("if-match", tag);
    }
    let body = body.map_or_else(Body::empty, |b| Body::from(b.to_string()));
    let response = riskmap_server::app(app.state.clone())
        .oneshot(request.body(body).unwrap())
        .await
        .unwrap();
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
    };
    let (content_type, disposition, etag) = (
        header("content-type").unwrap_or_default(),
        header("content-disposition").unwrap_or_default(),
        header("etag"),
    );
    let status = response.status();
    let bytes = response
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    Got {
        status,
        content_type,
        disposition,
        etag,
        bytes,
    }
}

async fn get(app: &TestApp, uri: &str, token: &str) -> Got {
    call(app, "GET", uri, token, None, None).await
}

/// The PDF's text in reading order, every run of white space (no-break spaces too) as one space.
fn pdf_text(pdf: &[u8]) -> String {
    assert!(pdf.starts_with(b"%PDF-"), "not a PDF");
    let mut child = Command::new("pdftotext")
        .args(["-", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("pdftotext (Debian poppler-utils; scripts/setup.sh installs it)");
    child.stdin.take().unwrap().write_all(pdf).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    squash(&String::from_utf8(out.stdout).unwrap())
}

fn squash(text: &str) -> String {
    text.split(|c: char| c.is_whitespace() || c == '\u{a0}' || c == '\u{202f}')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn assert_has(text: &str, needle: &str) {
    assert!(
        text.contains(&squash(needle)),
        "{needle:?} missing from the document:\n{text}"
    );
}

/// An action's or report's status word in the document's language.
fn standing(lang: &str, code: &str) -> &'static str {
    let [kk, ru] = match code {
        "not_started" => ["басталмаған", "не начато"],
        "on_track" => ["кесте бойынша", "по графику"],
        "delayed" => ["кешігуде", "с задержкой"],
        "overdue" => ["мерзімі өткен", "просрочено"],
        "done" => ["орындалды", "выполнено"],
        _ => ["тоқтатылды", "отменено"],
    };
    if lang == "kk" { kk } else { ru }
}

/// A snapshot value as the document writes it (what the reader's JSON shows).
fn shown(value: &Value) -> Option<String> {
    if let Some(n) = value["count"].as_u64() {
        return Some(count(n));
    }
    let v = value["value"]["value"].as_f64()?;
    Some(match value["value"]["flag"].as_str() {
        Some(flag) => format!("{} ({flag})", number(Some(v), 1)),
        None => number(Some(v), 1),
    })
}

struct Tokens {
    akimat: String,
    other_akimat: String,
    crisis: String,
    crisis_elsewhere: String,
    ministry: String,
    public: String,
}

async fn tokens(app: &TestApp) -> Tokens {
    Tokens {
        akimat: issue_token(app, &grant(Role::Akimat, Some(REGION), &[]), "akimat").await,
        other_akimat: issue_token(app, &grant(Role::Akimat, Some("710000000"), &[]), "other").await,
        crisis: issue_token(app, &grant(Role::Crisis, None, &[DISTRICT]), "crisis").await,
        crisis_elsewhere: issue_token(
            app,
            &grant(Role::Crisis, None, &[OTHER_DISTRICT]),
            "elsewhere",
        )
        .await,
        ministry: issue_token(app, &grant(Role::Ministry, None, &[]), "ministry").await,
        public: issue_token(app, &grant(Role::Public, None, &[]), "public").await,
    }
}

/// An approved programme with one district problem, two actions and a delayed progress
/// report; its id.
async fn approved_programme(app: &TestApp, t: &Tokens) -> i64 {
    let created = call(
        app,
        "POST",
        "/api/v1/programmes",
        &t.akimat,
        None,
        Some(json!({"region": REGION, "period": "2025", "title": TITLE})),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED);
    let id = created.json()["id"].as_i64().unwrap();
    let base = format!("/api/v1/programmes/{id}");
    let problem = call(
        app,
        "POST",
        &format!("{base}/problems"),
        &t.akimat,
        created.etag.as_deref(),
        Some(json!({"unit": DISTRICT})),
    )
    .await;
    assert_eq!(problem.status, StatusCode::CREATED);
    let problem_id = problem.json()["problems"][0]["id"].as_i64().unwrap();
    let mut tag = problem.etag.unwrap();
    for (kind, budget, due) in [
        ("referral_111", 1_500_000, "2099-12-31"),
        ("anti_bullying_programme", 2_750_000, "2025-06-30"),
    ] {
        let added = call(app, "POST", &format!("{base}/actions"), &t.akimat, Some(&tag), Some(json!({
            "action_type": kind, "problems": [problem_id],
            "organisation": "Алматы қаласының білім басқармасы", "responsible": "Әсел Нұрланқызы",
            "contact": "+7 727 000 00 00", "start": "2025-01-01", "due": due,
            "budget_tenge": budget, "funding_source": "жергілікті бюджет",
            "indicator": "viol_rate", "expected_change_percent": -5.0
        }))).await;
        assert_eq!(added.status, StatusCode::CREATED, "{}", added.json());
        tag = added.etag.unwrap();
    }
    let approved = call(
        app,
        "POST",
        &format!("{base}/transitions"),
        &t.akimat,
        Some(&tag),
        Some(json!({"to": "approved", "comment": "бекітілді"})),
    )
    .await;
    assert_eq!(approved.status, StatusCode::OK);
    let action = approved.json()["actions"][0]["id"].as_i64().unwrap();
    let report = call(app, "POST", &format!("{base}/actions/{action}/progress"), &t.crisis, approved.etag.as_deref(),
        Some(json!({"quarter": "2025-Q1", "status": "delayed", "percent": 20, "comment": "кадрлар жетіспейді"}))).await;
    assert_eq!(report.status, StatusCode::CREATED, "{}", report.json());
    id
}

#[tokio::test]
async fn the_pdf_says_what_the_json_says_in_kazakh_and_russian() {
    let app = test_app_with(None).await;
    let t = tokens(&app).await;
    let id = approved_programme(&app, &t).await;
    let json = get(&app, &format!("/api/v1/programmes/{id}"), &t.akimat)
        .await
        .json();
    for lang in ["kk", "ru"] {
        let got = get(
            &app,
            &format!("/api/v1/programmes/{id}/document?format=pdf&lang={lang}"),
            &t.akimat,
        )
        .await;
        assert_eq!(
            got.status,
            StatusCode::OK,
            "{}",
            String::from_utf8_lossy(&got.bytes)
        );
        assert_eq!(got.content_type, "application/pdf");
        assert!(got.disposition.starts_with("attachment;") && got.disposition.contains(".pdf"));
        let text = pdf_text(&got.bytes);
        let name = |v: &Value| v[format!("name_{lang}")].as_str().unwrap().to_owned();
        assert_has(&text, TITLE);
        assert_has(&text, json[format!("region_name_{lang}")].as_str().unwrap());
        assert_has(&text, &count(json["budget_tenge"].as_u64().unwrap()));
        assert_has(
            &text,
            if lang == "kk" {
                "Қызметтік, жібермеңіз. — әкімдік"
            } else {
                "Служебное, не пересылать. — акимат"
            },
        );
        assert_has(
            &text,
            if lang == "kk" {
                "Оқу-ағарту министрлігіне ақпарат"
            } else {
                "Информация в Министерство просвещения"
            },
        );
        assert_has(
            &text,
            if lang == "kk" {
                "бекітілген"
            } else {
                "утверждена"
            },
        );
        for problem in json["problems"].as_array().unwrap() {
            assert_has(&text, &name(problem));
            for value in problem["snapshot"]["values"].as_array().unwrap() {
                if let Some(shown) = shown(value) {
                    assert_has(&text, &shown);
                }
            }
        }
        for action in json["actions"].as_array().unwrap() {
            assert_has(&text, &name(action));
            assert_has(&text, &count(action["budget_tenge"].as_u64().unwrap()));
            assert_has(&text, standing(lang, action["standing"].as_str().unwrap()));
        }
        let report = &json["progress"][0];
        assert_has(&text, standing(lang, report["status"].as_str().unwrap()));
        assert_has(&text, report["comment"].as_str().unwrap());
        assert!(
            !text.contains("Internal") && !text.contains("Actions"),
            "no English in a {lang} document"
        );
    }
    let audit = app.state.store.audit_events(20).await.unwrap();
    assert!(
        audit
            .iter()
            .any(|e| e.action == "programme_document_pdf" && e.role == "akimat")
    );
}

#[tokio::test]
async fn the_xlsx_opens_and_matches_the_json() {
    let app = test_app_with(None).await;
    let t = tokens(&app).await;
    let id = approved_programme(&app, &t).await;
    let json = get(&app, &format!("/api/v1/programmes/{id}"), &t.ministry)
        .await
        .json();
    let got = get(
        &app,
        &format!("/api/v1/programmes/{id}/document?format=xlsx&lang=ru"),
        &t.ministry,
    )
    .await;
    assert_eq!(got.status, StatusCode::OK);
    assert!(got.content_type.contains("spreadsheetml"));
    let mut workbook: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(got.bytes)).unwrap();
    let cover = workbook.worksheet_range("Программа").unwrap();
    assert!(
        cover
            .get_value((0, 0))
            .unwrap()
            .to_string()
            .contains("министерство")
    );
    let cells: Vec<String> = cover.rows().flatten().map(ToString::to_string).collect();
    assert!(cells.contains(&TITLE.to_owned()));
    assert!(cells.contains(&json["budget_tenge"].as_u64().unwrap().to_string()));
    let actions = workbook.worksheet_range("Мероприятия").unwrap();
    for (i, action) in json["actions"].as_array().unwrap().iter().enumerate() {
        let row = u32::try_from(i + 3).unwrap();
        assert_eq!(
            actions.get_value((row, 1)).unwrap().to_string(),
            action["name_ru"].as_str().unwrap()
        );
        assert_eq!(
            actions.get_value((row, 6)).unwrap().get_float(),
            action["budget_tenge"].as_f64()
        );
        assert_eq!(
            actions.get_value((row, 10)).unwrap().to_string(),
            standing("ru", action["standing"].as_str().unwrap())
        );
    }
    let problems = workbook.worksheet_range("Проблемы").unwrap();
    let values = json["problems"][0]["snapshot"]["values"]
        .as_array()
        .unwrap();
    assert_eq!(problems.height(), values.len() + 3);
    for (i, value) in values.iter().enumerate() {
        let cell = problems
            .get_value((u32::try_from(i + 3).unwrap(), 5))
            .unwrap();
        match (
            value["count"].as_f64(),
            value["value"]["value"].as_f64(),
            value["value"]["flag"].is_null(),
        ) {
            (Some(n), _, _) => assert_eq!(cell.get_float(), Some(n)),
            (None, Some(v), true) => assert_eq!(cell.get_float(), Some(v)),
            _ => assert!(cell.get_float().is_none(), "{value} is not a plain number"),
        }
    }
    let progress = workbook.worksheet_range("Ход исполнения").unwrap();
    assert_eq!(
        progress.get_value((3, 2)).unwrap().to_string(),
        "с задержкой"
    );
    assert_eq!(progress.get_value((3, 3)).unwrap().get_float(), Some(20.0));
}

#[tokio::test]
async fn scope_format_and_language_are_checked() {
    let app = test_app_with(None).await;
    let t = tokens(&app).await;
    let id = approved_programme(&app, &t).await;
    let uri = format!("/api/v1/programmes/{id}/document?format=pdf&lang=kk");
    for (token, expected) in [
        (&t.other_akimat, 403),
        (&t.public, 403),
        (&t.ministry, 200),
        (&t.crisis, 200),
    ] {
        assert_eq!(
            get(&app, &uri, token).await.status.as_u16(),
            expected,
            "{token}"
        );
    }
    assert_eq!(
        get(&app, "/api/v1/programmes/999/document", &t.ministry)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    for bad in ["format=docx", "lang=en", "format=pdf&x=1"] {
        let got = get(
            &app,
            &format!("/api/v1/programmes/{id}/document?{bad}"),
            &t.ministry,
        )
        .await;
        assert_eq!(got.status, StatusCode::BAD_REQUEST, "{bad}");
    }
}

#[tokio::test]
async fn a_crisis_team_elsewhere_never_finds_a_value_its_json_hides() {
    let app = test_app_with(None).await;
    let t = tokens(&app).await;
    let id = approved_programme(&app, &t).await;
    let uri = format!("/api/v1/programmes/{id}");
    let exact = get(&app, &uri, &t.akimat).await.json();
    let theirs = get(&app, &uri, &t.crisis_elsewhere).await.json();
    let pdf = get(
        &app,
        &format!("{uri}/document?format=pdf&lang=ru"),
        &t.crisis_elsewhere,
    )
    .await;
    assert_eq!(pdf.status, StatusCode::OK);
    let text = pdf_text(&pdf.bytes);
    assert_has(&text, "кризисная группа");
    let xlsx = get(
        &app,
        &format!("{uri}/document?format=xlsx&lang=ru"),
        &t.crisis_elsewhere,
    )
    .await;
    let mut workbook: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx.bytes)).unwrap();
    let sheet = workbook.worksheet_range("Проблемы").unwrap();
    let hidden_by_them = |a: &Value, b: &Value| shown(a).is_some() && shown(b).is_none();
    let mut hidden = 0;
    let values = exact["problems"][0]["snapshot"]["values"]
        .as_array()
        .unwrap();
    for (i, (a, b)) in values
        .iter()
        .zip(
            theirs["problems"][0]["snapshot"]["values"]
                .as_array()
                .unwrap(),
        )
        .enumerate()
    {
        assert_eq!(a["code"], b["code"]);
        if let Some(mine) = shown(b) {
            assert_has(&text, &mine);
        }
        if hidden_by_them(a, b) {
            hidden += 1;
            let cell = sheet.get_value((u32::try_from(i + 3).unwrap(), 5)).unwrap();
            assert!(
                cell.get_float().is_none(),
                "{b} hidden in JSON, shown in the XLSX as {cell}"
            );
            let exact_text = shown(a).unwrap();
            if exact_text.chars().filter(char::is_ascii_digit).count() >= 3 {
                assert!(
                    !text.contains(&format!(": {exact_text}")),
                    "{a} leaks into the PDF"
                );
            }
        }
    }
    assert!(
        hidden > 5,
        "the JSON hides S1/S2 values from a crisis team elsewhere: {theirs}"
    );
}

#[tokio::test]
async fn the_summary_pdf_has_the_regions_the_reader_may_read_and_their_totals() {
    let app = test_app_with(None).await;
    let t = tokens(&app).await;
    riskmap_server::demo_programmes::fill(&app.state)
        .await
        .unwrap();
    let json = get(&app, "/api/v1/programmes/summary?half=2025-H1", &t.ministry)
        .await
        .json();
    let got = get(
        &app,
        "/api/v1/programmes/summary?half=2025-H1&format=pdf&lang=kk",
        &t.ministry,
    )
    .await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.content_type, "application/pdf");
    let text = pdf_text(&got.bytes);
    assert_has(&text, "Дағдарысты басқару бағдарламалары: жартыжылдық есеп");
    assert_has(&text, "2025 ж. 1-жартыжылдық");
    assert_has(&text, "Қызметтік, жібермеңіз. — министрлік");
    let regions = json["regions"].as_array().unwrap();
    let mut budget = 0;
    for region in regions {
        assert_has(&text, region["region_name_kk"].as_str().unwrap());
        budget += region["budget_tenge"].as_u64().unwrap();
    }
    assert!(budget > 0);
    assert_has(&text, "Барлығы");
    assert_has(&text, &count(budget));
    let own = get(
        &app,
        "/api/v1/programmes/summary?half=2025-H1&format=pdf&lang=ru",
        &t.akimat,
    )
    .await;
    let own = pdf_text(&own.bytes);
    assert_has(&own, "Алматы");
    assert!(
        !own.contains("Астана"),
        "an akimat's summary holds its own region only"
    );
    let audit = app.state.store.audit_events(20).await.unwrap();
    assert!(audit.iter().any(|e| e.action == "programme_summary_pdf"));
}
