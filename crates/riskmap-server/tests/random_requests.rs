//! Randomised requests (proptest) over the tiles and the priority-list XLSX export, for every
//! role: no request ever gets a 5xx; bad z/x/y get 400; every tile decodes, carries school points
//! only inside the caller's scope and no value the caller's tier may not see; an ETag revalidates
//! to 304; every XLSX export parses and holds exactly the rows and the S2 cells of the JSON list
//! the same caller sees on screen. The draws are seeded, so every run makes the same requests.

#![allow(clippy::unwrap_used, reason = "tests: a failure should stop the test")]

mod support;

use std::io::Read;

use axum::http::StatusCode;
use calamine::Reader;
use fast_mvt::{MvtReaderRef, MvtValueRef};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use riskmap_model::{AdminLevel, Audience, Catalogue, Kato, Role, Sensitivity};
use support::{TestApp, grant, issue_token, test_app_with};

struct Caller {
    token: String,
    audience: Audience,
}

async fn callers(app: &TestApp) -> Vec<Caller> {
    let grants = [
        grant(Role::Public, None, &[]),
        grant(Role::Akimat, Some("750000000"), &[]),
        grant(Role::Akimat, Some("350000000"), &[]),
        grant(Role::Crisis, None, &["751110000", "751210000"]),
        grant(Role::Ministry, None, &[]),
        grant(Role::Steward, None, &[]),
    ];
    let mut out = Vec::new();
    for (i, grant) in grants.iter().enumerate() {
        out.push(Caller {
            token: issue_token(app, grant, &format!("random{i}")).await,
            audience: grant.audience(),
        });
    }
    out
}

async fn fetch(
    app: &TestApp,
    uri: &str,
    token: &str,
    etag: Option<&str>,
) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    support::fetch_raw(app, uri, Some(token), etag).await
}

/// The body as sent before `Content-Encoding: gzip` (JSON answers are gzipped on the wire).
fn decoded(headers: &axum::http::HeaderMap, body: Vec<u8>) -> Vec<u8> {
    if headers.get("content-encoding").is_some_and(|v| v == "gzip") {
        let mut plain = Vec::new();
        flate2::read::GzDecoder::new(body.as_slice())
            .read_to_end(&mut plain)
            .unwrap();
        plain
    } else {
        body
    }
}

/// Every feature of a gzipped tile as its properties (numbers as f64, text as text).
fn features(gzipped: &[u8]) -> Vec<Vec<(String, Option<f64>, String)>> {
    let mut raw = Vec::new();
    flate2::read::GzDecoder::new(gzipped)
        .read_to_end(&mut raw)
        .unwrap();
    let reader = MvtReaderRef::new(&raw).unwrap();
    let mut out = Vec::new();
    for layer in reader.layers() {
        for feature in layer.features() {
            assert!(feature.geometry().is_ok(), "every geometry decodes");
            out.push(
                feature
                    .properties_vec()
                    .unwrap()
                    .into_iter()
                    .map(|(k, v)| match v {
                        MvtValueRef::String(s) => (k.to_owned(), None, s.to_owned()),
                        MvtValueRef::Double(d) => (k.to_owned(), Some(d), String::new()),
                        MvtValueRef::Float(f) => (k.to_owned(), Some(f64::from(f)), String::new()),
                        other => (k.to_owned(), None, format!("{other:?}")),
                    })
                    .collect(),
            );
        }
    }
    out
}

fn check_tile(caller: &Caller, layer: &str, body: &[u8], catalogue: &Catalogue) {
    for properties in features(body) {
        let text = |key: &str| {
            properties
                .iter()
                .find(|(k, _, _)| k == key)
                .map(|(_, _, t)| t.clone())
        };
        let (level, unit) = match layer {
            "schools" => (AdminLevel::School, text("district_kato").unwrap()),
            "districts" => (AdminLevel::District, text("kato").unwrap()),
            _ => (AdminLevel::Region, text("kato").unwrap()),
        };
        let unit = Kato::parse(&unit).unwrap();
        if level == AdminLevel::School {
            assert!(
                caller.audience.may_see_schools_of(&unit),
                "{:?} got a school of {unit}",
                caller.audience
            );
        }
        for (key, number, _) in &properties {
            let Some(indicator) = catalogue.get(key) else {
                continue;
            };
            if number.is_some() {
                assert_ne!(
                    caller.audience.access(indicator.sensitivity, level, &unit),
                    riskmap_model::Access::Hidden,
                    "{:?} got {key} of {unit} at {level:?}",
                    caller.audience
                );
                if caller.audience == Audience::Public {
                    assert!(
                        indicator.sensitivity == Sensitivity::S0 || level == AdminLevel::Region,
                        "the public got {key} of {unit}"
                    );
                }
            }
        }
    }
}

#[test]
fn random_tile_requests_obey_the_rules() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let app = runtime.block_on(test_app_with(None));
    let callers = runtime.block_on(callers(&app));
    let catalogue = Catalogue::builtin();
    let mut runner = TestRunner::new_with_rng(
        Config {
            cases: 120,
            ..Config::default()
        },
        TestRng::deterministic_rng(RngAlgorithm::ChaCha),
    );
    let (drawn, school_tiles) = (std::cell::Cell::new(0), std::cell::Cell::new(0));
    // Tiles over Kazakhstan (lon 46–88, lat 40–56) mostly, anywhere sometimes, invalid ones too.
    let request = (
        0..callers.len(),
        prop::sample::select(vec!["regions", "districts", "schools"]),
        0u8..=18,
        0.0f64..1.0,
        0.0f64..1.0,
        prop::bool::weighted(0.1),
    );
    runner
        .run(&request, |(who, layer, z, fx, fy, anywhere)| {
            let caller = &callers[who];
            let n = 1u64 << z.min(16);
            let (x, y) = if anywhere || z > 16 {
                (
                    (fx * (n as f64) * 1.2) as u64,
                    (fy * (n as f64) * 1.2) as u64,
                )
            } else {
                // School points over Almaty city (where two test scopes lie), else anywhere
                // over Kazakhstan.
                let (lon, lat) = if layer == "schools" {
                    (76.80 + fx * 0.25, 43.15 + fy * 0.20)
                } else {
                    (46.0 + fx * 42.0, 40.0 + fy * 16.0)
                };
                let x = ((lon + 180.0) / 360.0 * n as f64) as u64;
                let lat_r = lat.to_radians();
                let y = ((1.0 - (lat_r.tan() + 1.0 / lat_r.cos()).ln() / std::f64::consts::PI)
                    / 2.0
                    * n as f64) as u64;
                (x, y)
            };
            let uri = format!("/tiles/{layer}/{z}/{x}/{y}.mvt");
            let (status, headers, body) = runtime.block_on(fetch(&app, &uri, &caller.token, None));
            prop_assert!(!status.is_server_error(), "{uri}: {status}");
            let valid = z <= 16 && x < (1u64 << z) && y < (1u64 << z);
            if !valid {
                prop_assert_eq!(status, StatusCode::BAD_REQUEST, "{}", uri);
                return Ok(());
            }
            let may_see_layer = !matches!(
                (&caller.audience, layer),
                (Audience::Steward, _) | (Audience::Public, "schools")
            );
            if !may_see_layer {
                prop_assert_eq!(status, StatusCode::FORBIDDEN, "{}", uri);
                return Ok(());
            }
            prop_assert!(
                status == StatusCode::OK || status == StatusCode::NO_CONTENT,
                "{uri}: {status}"
            );
            if status == StatusCode::OK {
                check_tile(caller, layer, &body, &catalogue);
                drawn.set(drawn.get() + 1);
                if layer == "schools" {
                    school_tiles.set(school_tiles.get() + 1);
                }
            }
            let etag = headers["etag"].to_str().unwrap().to_owned();
            let (again, _, _) = runtime.block_on(fetch(&app, &uri, &caller.token, Some(&etag)));
            prop_assert_eq!(again, StatusCode::NOT_MODIFIED, "{}", uri);
            Ok(())
        })
        .unwrap();
    assert!(
        drawn.get() >= 10 && school_tiles.get() >= 1,
        "the cases drew tiles: {} ({} of schools)",
        drawn.get(),
        school_tiles.get()
    );
}

/// The XLSX priority rows as (school id, S2 cell text).
fn xlsx_rows(bytes: Vec<u8>) -> Vec<(String, String)> {
    let mut workbook: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let range = workbook.worksheet_range("priority").unwrap();
    // The export is in Russian unless `lang` says otherwise.
    assert_eq!(range.get_value((3, 1)).unwrap().to_string(), "ID НОБД");
    let s2_col = 15;
    assert!(
        range
            .get_value((3, s2_col))
            .unwrap()
            .to_string()
            .contains("S2")
    );
    let mut rows = Vec::new();
    let mut line = 4;
    while let Some(id) = range.get_value((line, 1)) {
        let id = id.to_string();
        if id.is_empty() {
            break;
        }
        rows.push((
            id,
            range
                .get_value((line, s2_col))
                .map(ToString::to_string)
                .unwrap_or_default(),
        ));
        line += 1;
    }
    rows
}

fn json_cell(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

#[test]
fn random_xlsx_exports_match_the_screen() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let app = runtime.block_on(test_app_with(None));
    let callers = runtime.block_on(callers(&app));
    let mut units: Vec<String> = app
        .state
        .geography
        .regions()
        .iter()
        .map(|r| r.kato.to_string())
        .collect();
    units.extend(["751110000", "751210000", "351610000", "711000000"].map(str::to_owned));
    let mut runner = TestRunner::new_with_rng(
        Config {
            cases: 40,
            ..Config::default()
        },
        TestRng::deterministic_rng(RngAlgorithm::ChaCha),
    );
    let compared = std::cell::Cell::new(0);
    let request = (
        0..callers.len(),
        prop::sample::select(units),
        prop::option::of(prop::sample::select(vec!["2024-Q3", "2024-Q4", "2024-Q1"])),
    );
    runner
        .run(&request, |(who, parent, period)| {
            let caller = &callers[who];
            let period = period.map(|p| format!("&period={p}")).unwrap_or_default();
            let json_uri = format!("/api/v1/priority?parent={parent}{period}");
            let (status, json_headers, json) =
                runtime.block_on(fetch(&app, &json_uri, &caller.token, None));
            let json = decoded(&json_headers, json);
            let (xlsx_status, headers, xlsx) = runtime.block_on(fetch(
                &app,
                &format!("{json_uri}&format=xlsx"),
                &caller.token,
                None,
            ));
            prop_assert!(
                !status.is_server_error() && !xlsx_status.is_server_error(),
                "{json_uri}"
            );
            prop_assert_eq!(
                status,
                xlsx_status,
                "{} and its export answer alike",
                json_uri
            );
            if status != StatusCode::OK {
                prop_assert!(
                    matches!(status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
                    "{json_uri}: {status}"
                );
                return Ok(());
            }
            prop_assert!(
                headers["content-type"]
                    .to_str()
                    .unwrap()
                    .contains("spreadsheetml")
            );
            let list: serde_json::Value = serde_json::from_slice(&json).unwrap();
            let screen: Vec<(String, String)> = list["rows"]
                .as_array()
                .unwrap()
                .iter()
                .map(|row| (json_cell(&row["nobd_org_id"]), json_cell(&row["s2_events"])))
                .collect();
            prop_assert!(
                headers.get("content-encoding").is_none(),
                "a workbook is not gzipped again"
            );
            let exported = xlsx_rows(xlsx);
            prop_assert_eq!(screen.len(), exported.len(), "{}", json_uri);
            for ((id, s2), (xid, xs2)) in screen.iter().zip(&exported) {
                prop_assert_eq!(id, xid);
                prop_assert_eq!(s2, xs2, "S2 cell of {} in {}", id, json_uri);
            }
            compared.set(compared.get() + exported.len());
            Ok(())
        })
        .unwrap();
    assert!(
        compared.get() >= 3,
        "the cases compared exported rows: {}",
        compared.get()
    );
}
