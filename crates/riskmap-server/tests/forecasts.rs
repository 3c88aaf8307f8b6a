//! `GET /api/v1/forecasts`: the next-quarter forecasts and their disclosure rule. A forecast
//! is a function of the counts it is fitted on, so a reader's model is fitted only on the
//! units it sees exactly. Non-interference: two stores that differ only in counts outside an
//! akimat's region (or a crisis team's districts) give that reader byte-identical answers,
//! while the ministry's answers differ.

#![allow(clippy::unwrap_used, reason = "tests: a failure should stop the test")]

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use riskmap_model::{Audience, Kato, Measure, Role};
use support::{TestApp, grant, issue_token, test_app_shaped};
use tower::ServiceExt;

const REGION: &str = "750000000";
const SEED: u64 = 20_260_117;

/// Status and body bytes of `uri` read with `token`.
async fn read(app: &TestApp, uri: &str, token: Option<&str>) -> (StatusCode, Vec<u8>) {
    let mut request = Request::get(uri);
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    let response = riskmap_server::app(app.state.clone())
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, body.to_vec())
}

/// The demo store, with every S1/S2 event count of schools outside `keep` changed.
async fn store(changed: bool, keep: impl Fn(&Kato) -> bool) -> TestApp {
    test_app_shaped(Some(Audience::Public), 0.1, SEED, |data| {
        if !changed {
            return;
        }
        let district: std::collections::HashMap<_, _> = data
            .schools
            .iter()
            .map(|s| (s.id.clone(), s.district))
            .collect();
        for record in &mut data.records {
            if keep(&district[&record.school]) {
                continue;
            }
            for measure in [Measure::ViolTotal, Measure::SuicideAttempts] {
                if let Some(v) = record.values.get(measure) {
                    record.values.set(measure, Some(v * 2.0 + 1.0));
                }
            }
        }
    })
    .await
}

/// Two districts of the region that share a border (the crisis team's fit needs neighbours).
fn adjacent_pair(app: &TestApp) -> [Kato; 2] {
    let region = Kato::parse(REGION).unwrap();
    let weights = app
        .state
        .contiguity
        .districts(&app.state.geography)
        .unwrap();
    let districts = app.state.geography.districts();
    for (i, d) in districts.iter().enumerate() {
        if !d.kato.same_region(&region) {
            continue;
        }
        if let Some(&j) = weights
            .neighbours(i)
            .iter()
            .find(|&&j| districts[j].kato.same_region(&region))
        {
            return [d.kato, districts[j].kato];
        }
    }
    panic!("no two contiguous districts in {REGION}");
}

const URIS: [&str; 4] = [
    "/api/v1/forecasts?level=district&indicator=viol_rate",
    "/api/v1/forecasts?level=district&indicator=suicide_attempt_rate",
    "/api/v1/forecasts?level=region&indicator=viol_rate",
    "/api/v1/forecasts?level=district&indicator=viol_rate&parent=750000000",
];

/// Reads every URI as `who` (a grant) and as the ministry in both stores; the reader's
/// answers must match byte for byte, the ministry's must not.
async fn assert_non_interference(who: riskmap_model::Grant, keep: impl Fn(&Kato) -> bool + Copy) {
    let before = store(false, keep).await;
    let after = store(true, keep).await;
    let ministry = grant(Role::Ministry, None, &[]);
    let mut ministry_differs = false;
    let mut fitted = 0;
    let (reader_a, reader_b) = (
        issue_token(&before, &who, "r").await,
        issue_token(&after, &who, "r").await,
    );
    let (ministry_a, ministry_b) = (
        issue_token(&before, &ministry, "m").await,
        issue_token(&after, &ministry, "m").await,
    );
    for uri in URIS {
        let a = read(&before, uri, Some(&reader_a)).await;
        let b = read(&after, uri, Some(&reader_b)).await;
        assert_eq!(a.0, StatusCode::OK, "{uri}");
        assert_eq!(
            a, b,
            "{uri}: the reader's answer changed with counts it does not see"
        );
        let json: serde_json::Value = serde_json::from_slice(&a.1).unwrap();
        if json["status"] == "fitted" && !json["units"].as_array().unwrap().is_empty() {
            fitted += 1;
        }
        let m = read(&before, uri, Some(&ministry_a)).await;
        let n = read(&after, uri, Some(&ministry_b)).await;
        ministry_differs |= m != n;
    }
    assert!(
        fitted >= 2,
        "the reader must get fitted forecasts to compare"
    );
    assert!(
        ministry_differs,
        "the ministry's national fit must see the change"
    );
}

#[tokio::test]
async fn akimat_forecasts_ignore_counts_outside_its_region() {
    let region = Kato::parse(REGION).unwrap();
    assert_non_interference(grant(Role::Akimat, Some(REGION), &[]), move |d| {
        d.same_region(&region)
    })
    .await;
}

#[tokio::test]
async fn crisis_team_forecasts_ignore_counts_outside_its_districts() {
    let probe = store(false, |_| true).await;
    let pair = adjacent_pair(&probe);
    let codes: Vec<String> = pair.iter().map(ToString::to_string).collect();
    let refs: Vec<&str> = codes.iter().map(String::as_str).collect();
    let who = grant(Role::Crisis, None, &refs);
    let keep = move |d: &Kato| pair.contains(d);
    assert_non_interference(who, keep).await;
}

#[tokio::test]
async fn ministry_gets_every_district_with_finite_probabilities() {
    let app = store(false, |_| true).await;
    let token = issue_token(&app, &grant(Role::Ministry, None, &[]), "m").await;
    let (status, body) = read(&app, URIS[0], Some(&token)).await;
    assert_eq!(status, StatusCode::OK);
    let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(json["status"], "fitted", "{json}");
    assert_eq!(json["reference_area"], "country");
    assert_eq!(
        json["interval"], 0.9,
        "the interval's probability as written, not 0.8999…"
    );
    let units = json["units"].as_array().unwrap();
    assert_eq!(units.len(), app.state.geography.districts().len());
    let fitted: Vec<_> = units.iter().filter(|u| u["fitted"] == true).collect();
    assert_eq!(
        json["fitted_units"].as_u64().unwrap() as usize,
        fitted.len()
    );
    assert!(
        fitted.len() * 10 >= units.len() * 9,
        "most districts report every quarter"
    );
    for unit in units.iter().filter(|u| u["fitted"] == false) {
        assert_eq!(unit["mean"]["flag"], ":", "{unit}");
    }
    for unit in fitted {
        let p = unit["p_exceed_reference"]["value"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&p), "{unit}");
        let mean = unit["mean"]["value"].as_f64().unwrap();
        let (lower, upper) = (
            unit["lower"].as_f64().unwrap(),
            unit["upper"].as_f64().unwrap(),
        );
        assert!(lower <= mean && mean <= upper, "{unit}");
        assert!(
            unit["p_exceed_target"]["value"].as_f64().is_some(),
            "{unit}"
        );
        assert!(!unit["observed"].as_array().unwrap().is_empty());
    }
}

#[tokio::test]
async fn akimat_region_level_has_one_unit_and_says_why_not() {
    let app = store(false, |_| true).await;
    let token = issue_token(&app, &grant(Role::Akimat, Some(REGION), &[]), "a").await;
    let (status, body) = read(&app, URIS[2], Some(&token)).await;
    assert_eq!(status, StatusCode::OK);
    let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(json["status"], "not_available");
    assert!(
        json["reason"]
            .as_str()
            .unwrap()
            .contains("at least 2 units"),
        "{json}"
    );
    assert_eq!(json["units"][0]["mean"]["flag"], ":");
    assert!(json["units"][0]["mean"]["value"].is_null());
}

#[tokio::test]
async fn public_steward_and_bad_requests_are_refused() {
    let app = store(false, |_| true).await;
    assert_eq!(read(&app, URIS[0], None).await.0, StatusCode::FORBIDDEN);
    let steward = issue_token(&app, &grant(Role::Steward, None, &[]), "s").await;
    assert_eq!(
        read(&app, URIS[0], Some(&steward)).await.0,
        StatusCode::FORBIDDEN
    );
    let ministry = issue_token(&app, &grant(Role::Ministry, None, &[]), "m").await;
    for uri in [
        "/api/v1/forecasts?indicator=psych_coverage",
        "/api/v1/forecasts?indicator=nope",
        "/api/v1/forecasts?level=school",
        "/api/v1/forecasts?level=country",
    ] {
        assert_eq!(
            read(&app, uri, Some(&ministry)).await.0,
            StatusCode::BAD_REQUEST,
            "{uri}"
        );
    }
    let (status, _) = read(&app, "/api/v1/forecasts?parent=990000000", Some(&ministry)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

const S1_EVENTS: [&str; 6] = [
    "viol_rate",
    "bullying_rate",
    "cyberbullying_rate",
    "offences_against_rate",
    "offences_by_rate",
    "isu_opened_rate",
];

/// A district with schools whose every S1 forecast is at most 0.8 likely to exceed its plan
/// target (so trigger 8 does not fire there), as the ministry reads it.
async fn quiet_district(app: &TestApp) -> Kato {
    let token = issue_token(app, &grant(Role::Ministry, None, &[]), "quiet").await;
    let mut worst: std::collections::HashMap<String, f64> = std::collections::HashMap::new();
    for code in S1_EVENTS {
        let uri = format!("/api/v1/forecasts?level=district&indicator={code}");
        let (_, body) = read(app, &uri, Some(&token)).await;
        let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
        for unit in json["units"].as_array().unwrap() {
            let p = unit["p_exceed_target"]["value"].as_f64().unwrap_or(1.0);
            let entry = worst
                .entry(unit["kato"].as_str().unwrap().to_owned())
                .or_default();
            *entry = entry.max(p);
        }
    }
    let mut schools: std::collections::HashMap<Kato, usize> = std::collections::HashMap::new();
    for school in &app.data.schools {
        *schools.entry(school.district).or_default() += 1;
    }
    let mut quiet: Vec<(usize, Kato)> = worst
        .into_iter()
        .filter(|(_, p)| *p <= 0.8)
        .map(|(k, _)| Kato::parse(&k).unwrap())
        .filter_map(|k| schools.get(&k).map(|n| (*n, k)))
        .collect();
    quiet.sort();
    quiet
        .last()
        .expect("a district where no S1 forecast exceeds the threshold")
        .1
}

/// The demo with the violence counts of `district`'s schools multiplied in the last quarter.
async fn planted(district: Kato, factor: f64) -> TestApp {
    test_app_shaped(Some(Audience::Public), 0.1, SEED, |data| {
        let last = data.records.iter().map(|r| r.period).max().unwrap();
        let schools: std::collections::HashSet<_> = data
            .schools
            .iter()
            .filter(|s| s.district == district)
            .map(|s| s.id.clone())
            .collect();
        for record in &mut data.records {
            if record.period == last && schools.contains(&record.school) {
                let v = record.values.get(Measure::ViolTotal).unwrap_or(0.0);
                let planted = (v * factor + 10.0).round();
                record.values.set(Measure::ViolTotal, Some(planted));
                // Keep the contract's sum rule: the planted cases are "other" violence.
                let other = record.values.get(Measure::ViolOther).unwrap_or(0.0);
                record
                    .values
                    .set(Measure::ViolOther, Some(other + planted - v));
            }
        }
    })
    .await
}

fn forecast_flags(list: &serde_json::Value, district: Kato) -> (usize, usize) {
    let rows = list["rows"].as_array().unwrap();
    let flagged = |r: &&serde_json::Value| {
        r["triggers"]
            .as_str()
            .unwrap()
            .contains("forecast_exceedance")
    };
    let inside = rows
        .iter()
        .filter(|r| r["district_kato"] == district.to_string())
        .filter(flagged)
        .count();
    (inside, rows.iter().filter(flagged).count())
}

#[tokio::test]
async fn planted_district_fires_the_forecast_trigger_in_the_priority_list() {
    let probe = store(false, |_| true).await;
    let district = quiet_district(&probe).await;
    let region = district.region();
    let app = planted(district, 6.0).await;
    let ministry = issue_token(&app, &grant(Role::Ministry, None, &[]), "m").await;
    let uri = format!("/api/v1/forecasts?level=district&indicator=viol_rate&parent={region}");
    let (_, body) = read(&app, &uri, Some(&ministry)).await;
    let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
    let unit = json["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["kato"] == district.to_string())
        .unwrap();
    assert!(
        unit["p_exceed_target"]["value"].as_f64().unwrap() > 0.8,
        "{unit}"
    );
    let akimat = grant(Role::Akimat, Some(&region.to_string()), &[]);
    for token in [ministry, issue_token(&app, &akimat, "a").await] {
        let uri = format!("/api/v1/priority?parent={region}");
        let (status, list) = support::get_with_token(&app, &uri, &token).await;
        assert_eq!(status, StatusCode::OK, "{list}");
        let (inside, _) = forecast_flags(&list, district);
        assert!(
            inside > 0,
            "the planted district's schools carry the trigger"
        );
    }
    // Without the planted excess the same district does not fire it.
    let (_, list) = support::get_with_token(
        &probe,
        &format!("/api/v1/priority?parent={region}"),
        &issue_token(&probe, &grant(Role::Ministry, None, &[]), "m").await,
    )
    .await;
    assert_eq!(
        forecast_flags(&list, district).0,
        0,
        "no trigger without the excess"
    );
}

#[tokio::test]
async fn akimat_priority_list_ignores_counts_outside_its_region() {
    let region = Kato::parse(REGION).unwrap();
    let keep = move |d: &Kato| d.same_region(&region);
    let before = store(false, keep).await;
    let after = store(true, keep).await;
    let who = grant(Role::Akimat, Some(REGION), &[]);
    let uri = format!("/api/v1/priority?parent={REGION}");
    let a = read(&before, &uri, Some(&issue_token(&before, &who, "a").await)).await;
    let b = read(&after, &uri, Some(&issue_token(&after, &who, "a").await)).await;
    assert_eq!(a.0, StatusCode::OK);
    assert_eq!(
        a, b,
        "the akimat's list changed with counts outside its region"
    );
}
