//! One unit reads the same in every representation, for every role: the JSON collections,
//! `/api/v1/units`, the vector tiles, the profile and the comparison carry the same disclosed
//! value of each indicator and of the composite, and the priority list's JSON, CSV, XLSX and
//! GeoJSON carry the same rows.

#![allow(clippy::unwrap_used, reason = "tests: a failure should stop the test")]

mod support;

use std::collections::HashMap;
use std::io::Read;

use fast_mvt::{MvtReaderRef, MvtValueRef};
use riskmap_model::{Audience, Role};
use support::{TestApp, fetch_raw, get_with_token, grant, issue_token};

/// `kato → (property → value)` of every feature of a gzipped tile.
fn tile_values(gzipped: &[u8]) -> HashMap<String, HashMap<String, String>> {
    let mut raw = Vec::new();
    flate2::read::GzDecoder::new(gzipped)
        .read_to_end(&mut raw)
        .unwrap();
    let reader = MvtReaderRef::new(&raw).unwrap();
    let mut out = HashMap::new();
    for layer in reader.layers() {
        for feature in layer.features() {
            let mut properties = HashMap::new();
            let mut id = None;
            for (key, value) in feature.properties_vec().unwrap() {
                let text = match value {
                    MvtValueRef::String(s) => (*s).to_owned(),
                    MvtValueRef::Double(d) => format!("{d}"),
                    MvtValueRef::Float(f) => format!("{f}"),
                    MvtValueRef::Int(i) => format!("{i}"),
                    MvtValueRef::UInt(u) => format!("{u}"),
                    MvtValueRef::SInt(i) => format!("{i}"),
                    MvtValueRef::Bool(b) => format!("{b}"),
                    MvtValueRef::Null => String::new(),
                };
                if key == "kato" || key == "school_id" {
                    id = Some(text.clone());
                }
                properties.insert(key.to_owned(), text);
            }
            if let Some(id) = id {
                out.insert(id, properties);
            }
        }
    }
    out
}

/// The tile's number (or flag) for one value as the JSON shows it.
fn same_in_tile(tile: &HashMap<String, String>, code: &str, json: &serde_json::Value, what: &str) {
    match json["value"].as_f64() {
        Some(v) => {
            let t: f64 = tile
                .get(code)
                .unwrap_or_else(|| panic!("{what}: tile lacks {code}"))
                .parse()
                .unwrap();
            assert!((t - v).abs() < 1e-9, "{what} {code}: tile {t}, JSON {v}");
        }
        None => assert_eq!(
            tile.get(&format!("{code}_flag")).map(String::as_str),
            json["flag"].as_str(),
            "{what} {code}: tile flag"
        ),
    }
}

async fn read(app: &TestApp, token: Option<&str>, uri: &str) -> serde_json::Value {
    let (status, json) = match token {
        Some(token) => get_with_token(app, uri, token).await,
        None => support::get(app, uri).await,
    };
    assert!(status.is_success(), "{uri}: {status} {json}");
    json
}

async fn tile(
    app: &TestApp,
    token: Option<&str>,
    uri: &str,
) -> HashMap<String, HashMap<String, String>> {
    let (status, _, body) = fetch_raw(app, uri, token, None).await;
    assert_eq!(status, 200, "{uri}");
    tile_values(&body)
}

async fn units_agree(app: &TestApp, token: Option<&str>, who: &str) {
    let period = "2024-Q2";
    let regions = read(app, token, &format!("/api/v1/regions?period={period}")).await;
    let units = read(
        app,
        token,
        &format!("/api/v1/units?level=region&period={period}"),
    )
    .await;
    let tiles = tile(
        app,
        token,
        &format!("/tiles/regions/0/0/0.mvt?period={period}"),
    )
    .await;
    let districts = read(
        app,
        token,
        &format!("/api/v1/regions/750000000/districts?period={period}"),
    )
    .await;
    let district_tiles = tile(
        app,
        token,
        &format!("/tiles/districts/0/0/0.mvt?period={period}"),
    )
    .await;
    let compare = read(
        app,
        token,
        &format!("/api/v1/compare?units=750000000,751110000&period={period}"),
    )
    .await;
    for (collection, tiles, level) in [
        (&regions, &tiles, "region"),
        (&districts, &district_tiles, "district"),
    ] {
        for feature in collection["features"].as_array().unwrap() {
            let kato = feature["id"].as_str().unwrap();
            let properties = &feature["properties"];
            let what = format!("{who} {level} {kato}");
            let tile = tiles
                .get(kato)
                .unwrap_or_else(|| panic!("{what}: not in the tile"));
            for (code, entry) in properties["indicators"].as_object().unwrap() {
                same_in_tile(tile, code, entry, &what);
            }
            same_in_tile(tile, "composite", &properties["composite"], &what);
            if level == "region" {
                let same = units["features"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|f| f["id"] == kato)
                    .unwrap();
                assert_eq!(same["properties"], *properties, "{what}: /units differs");
            }
            if let Some(row) = compare["units"]
                .as_array()
                .unwrap()
                .iter()
                .find(|u| u["kato"] == kato)
            {
                for (code, entry) in row["indicators"].as_object().unwrap() {
                    let ours = &properties["indicators"][code];
                    assert_eq!(
                        entry["value"]["value"], ours["value"],
                        "{what} {code}: compare"
                    );
                    assert_eq!(
                        entry["numerator"], ours["numerator"],
                        "{what} {code}: compare"
                    );
                }
                assert_eq!(
                    row["composite"], properties["composite"],
                    "{what}: compare composite"
                );
            }
        }
    }
    for kato in ["750000000", "751110000"] {
        let profile = read(
            app,
            token,
            &format!("/api/v1/units/{kato}/profile?period={period}"),
        )
        .await;
        let collection = if kato == "750000000" {
            &regions
        } else {
            &districts
        };
        let feature = collection["features"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["id"] == kato)
            .unwrap();
        for entry in profile["indicators"].as_array().unwrap() {
            let ours = &feature["properties"]["indicators"][entry["code"].as_str().unwrap()];
            assert_eq!(
                entry["value"], ours["value"],
                "{who} {kato} {}: profile",
                entry["code"]
            );
            assert_eq!(
                entry["numerator"], ours["numerator"],
                "{who} {kato}: profile numerator"
            );
            assert_eq!(
                entry["rank"]["rank"], ours["rank"],
                "{who} {kato}: profile rank"
            );
        }
        assert_eq!(
            profile["composite"]["value"],
            feature["properties"]["composite"]["value"]
        );
    }
}

/// The body of `uri`, gunzipped when the server gzipped it.
async fn body(app: &TestApp, uri: &str, token: &str) -> Vec<u8> {
    let (status, headers, bytes) = fetch_raw(app, uri, Some(token), None).await;
    assert_eq!(status, 200, "{uri}");
    if headers.get("content-encoding").is_some_and(|v| v == "gzip") {
        let mut raw = Vec::new();
        flate2::read::GzDecoder::new(&bytes[..])
            .read_to_end(&mut raw)
            .unwrap();
        raw
    } else {
        bytes
    }
}

async fn priority_agrees(app: &TestApp, token: &str, who: &str) {
    let uri = "/api/v1/priority?parent=750000000&period=2024-Q4";
    let json = read(app, Some(token), uri).await;
    let rows = json["rows"].as_array().unwrap();
    assert!(!rows.is_empty(), "{who}: the list has rows");
    let csv = body(app, &format!("{uri}&format=csv"), token).await;
    let text = String::from_utf8(csv).unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let csv_rows: Vec<csv::StringRecord> = reader
        .records()
        .map(Result::unwrap)
        .filter(|r| !r.get(0).unwrap_or("").starts_with('#'))
        .collect();
    assert_eq!(csv_rows.len(), rows.len(), "{who}: CSV rows");
    let geojson = body(app, &format!("{uri}&format=geojson"), token).await;
    let geojson: serde_json::Value = serde_json::from_slice(&geojson).unwrap();
    let xlsx = body(app, &format!("{uri}&format=xlsx"), token).await;
    let mut workbook: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx)).unwrap();
    let sheet = calamine::Reader::worksheet_range(&mut workbook, "priority").unwrap();
    let sheet_rows: Vec<Vec<String>> = sheet
        .rows()
        .skip(4)
        .take(rows.len())
        .map(|r| r.iter().map(ToString::to_string).collect())
        .collect();
    for (i, row) in rows.iter().enumerate() {
        let id = row["nobd_org_id"].as_str().unwrap();
        assert_eq!(&csv_rows[i][1], id, "{who}: CSV row {i}");
        assert_eq!(sheet_rows[i][1], id, "{who}: XLSX row {i}");
        let properties = &geojson["features"][i]["properties"];
        assert_eq!(properties, row, "{who}: GeoJSON row {i}");
        for (column, key) in [(13, "viol_total"), (15, "s2_events")] {
            let shown = match &row[key] {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            assert_eq!(csv_rows[i][column], shown, "{who}: CSV {key} of {id}");
            assert_eq!(sheet_rows[i][column], shown, "{who}: XLSX {key} of {id}");
        }
    }
}

#[tokio::test]
async fn every_role_reads_one_value_in_every_format() {
    let app = support::test_app_with(Some(Audience::Public)).await;
    units_agree(&app, None, "public").await;
    for (name, role, region, districts) in [
        ("ministry", Role::Ministry, None, vec![]),
        ("akimat", Role::Akimat, Some("750000000"), vec![]),
        ("crisis", Role::Crisis, None, vec!["751110000", "751210000"]),
    ] {
        let token = issue_token(&app, &grant(role, region, &districts), name).await;
        units_agree(&app, Some(&token), name).await;
        priority_agrees(&app, &token, name).await;
    }
}
