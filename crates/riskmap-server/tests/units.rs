//! `GET /api/v1/units`: every level, parent and bbox filters, school visibility by role,
//! S2 bands for akimats at school level, and the audit of school-level S2 views.

#![allow(clippy::unwrap_used, reason = "tests: a failure should stop the test")]

mod support;

use axum::http::StatusCode;
use std::collections::HashSet;

use riskmap_demo::DemoConfig;
use riskmap_model::{Audience, Measure, Role};
use support::{get, get_with_token, grant, issue_token, test_app, test_app_shaped, test_app_with};

#[tokio::test]
async fn every_level_with_filters() {
    let app = test_app(Audience::Ministry).await;
    let (status, regions) = get(&app, "/api/v1/units?level=region").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(regions["features"].as_array().unwrap().len(), 20);
    let (_, districts) = get(&app, "/api/v1/units?level=district&parent=750000000").await;
    assert!(
        districts["features"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["properties"]["kato"].as_str().unwrap().starts_with("75"))
    );
    let (_, near_almaty) = get(
        &app,
        "/api/v1/units?level=district&bbox=76.8,43.1,77.1,43.4",
    )
    .await;
    let count = near_almaty["features"].as_array().unwrap().len();
    assert!(
        count > 0 && count < 30,
        "bbox around Almaty: {count} districts"
    );
    let (status, schools) = get(
        &app,
        "/api/v1/units?level=school&parent=750000000&indicators=viol_rate,suicide_attempt_rate",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let features = schools["features"].as_array().unwrap();
    assert!(!features.is_empty());
    for feature in features {
        assert_eq!(feature["geometry"]["type"], "Point");
        assert_eq!(feature["properties"]["region_kato"], "750000000");
        let props = &feature["properties"];
        if props["reported"] == true {
            assert!(props["pupils"].is_u64(), "{props}");
        } else {
            assert_eq!(props["pupils"], ":", "a silent school has no pupil count");
        }
    }
}

#[tokio::test]
async fn bad_unit_queries_are_clean_errors() {
    let app = test_app(Audience::Ministry).await;
    for (uri, status, code) in [
        ("/api/v1/units", StatusCode::BAD_REQUEST, "bad_level"),
        (
            "/api/v1/units?level=planet",
            StatusCode::BAD_REQUEST,
            "bad_level",
        ),
        (
            "/api/v1/units?level=school",
            StatusCode::BAD_REQUEST,
            "bad_query",
        ),
        (
            "/api/v1/units?level=district&bbox=0,0,90,10",
            StatusCode::BAD_REQUEST,
            "bbox_too_large",
        ),
        (
            "/api/v1/units?level=district&bbox=1,2,3",
            StatusCode::BAD_REQUEST,
            "bad_bbox",
        ),
        (
            "/api/v1/units?level=district&bbox=a,b,c,d",
            StatusCode::BAD_REQUEST,
            "bad_bbox",
        ),
        (
            "/api/v1/units?level=district&parent=990000000",
            StatusCode::NOT_FOUND,
            "unknown_region",
        ),
        (
            "/api/v1/units?level=school&parent=999990000",
            StatusCode::NOT_FOUND,
            "unknown_unit",
        ),
    ] {
        let (got, json) = get(&app, uri).await;
        assert_eq!(got, status, "{uri}: {json}");
        assert_eq!(json["error"]["code"], code, "{uri}");
    }
}

#[tokio::test]
async fn schools_are_visible_only_in_scope() {
    let app = test_app_with(Some(Audience::Public)).await;
    let (status, _) = get(&app, "/api/v1/units?level=school&parent=750000000").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "the public sees no schools");
    let (_, bbox) = get(&app, "/api/v1/units?level=school&bbox=76.8,43.1,77.1,43.4").await;
    assert_eq!(
        bbox["features"].as_array().unwrap().len(),
        0,
        "a bbox never reveals schools the role may not see"
    );
    let akimat = issue_token(&app, &grant(Role::Akimat, Some("750000000"), &[]), "almaty").await;
    let (status, own) = get_with_token(
        &app,
        "/api/v1/units?level=school&parent=750000000&indicators=suicide_attempt_rate",
        &akimat,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    for feature in own["features"].as_array().unwrap() {
        let numerator = &feature["properties"]["indicators"]["suicide_attempt_rate"]["numerator"];
        assert!(
            matches!(numerator.as_str(), Some("0" | "1-2" | "3+")),
            "akimats see S2 school counts as bands: {numerator}"
        );
    }
    let (status, _) =
        get_with_token(&app, "/api/v1/units?level=school&parent=350000000", &akimat).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let events = app.state.store.audit_events(10).await.unwrap();
    assert!(
        events
            .iter()
            .any(|e| e.action == "school_s2_view" && e.role == "akimat"),
        "school-level S2 views are audited"
    );
}

#[tokio::test]
async fn reporting_monitor_counts_on_time_late_and_silent() {
    let app = test_app(Audience::Ministry).await;
    let (status, json) = get(&app, "/api/v1/reporting?period=2024-Q2").await;
    assert_eq!(status, StatusCode::OK, "{json}");
    assert_eq!(json["due_date"], "2024-07-10");
    let units = json["units"].as_array().unwrap();
    assert_eq!(units.len(), 20);
    let (mut late, mut silent) = (0, 0);
    for unit in units {
        let n = |key: &str| unit[key].as_u64().unwrap();
        assert_eq!(
            n("on_time") + n("late") + n("silent"),
            n("schools"),
            "{unit}"
        );
        late += n("late");
        silent += n("silent");
    }
    assert!(
        late > 0 && silent > 0,
        "the demo has late and silent schools"
    );
    let flagged = json["late_or_silent_schools"].as_array().unwrap();
    assert_eq!(flagged.len() as u64, late + silent);
    let (_, districts) = get(&app, "/api/v1/reporting?period=2024-Q2&parent=750000000").await;
    assert_eq!(districts["level"], "district");
    assert!(
        districts["units"]
            .as_array()
            .unwrap()
            .iter()
            .all(|u| u["kato"].as_str().unwrap().starts_with("75"))
    );
}

#[tokio::test]
async fn profile_has_comparators_rank_trend_and_series() {
    let app = test_app(Audience::Ministry).await;
    let (status, profile) = get(&app, "/api/v1/units/751110000/profile").await;
    assert_eq!(status, StatusCode::OK, "{profile}");
    assert_eq!(profile["level"], "district");
    assert_eq!(profile["parent_kato"], "750000000");
    assert_eq!(profile["neighbours"].as_array().unwrap().len(), 5);
    let viol = profile["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["code"] == "viol_rate")
        .unwrap();
    assert!(viol["national"]["value"].is_number() && viol["parent"]["value"].is_number());
    assert!(viol["series"].as_array().unwrap().len() >= 8);
    let rank = viol["rank"]["rank"].as_u64().unwrap();
    assert!(rank >= 1 && rank <= viol["rank"]["of"].as_u64().unwrap());
    assert!(
        ["improving", "worsening", "stable", "unknown"]
            .contains(&viol["direction"]["trend"].as_str().unwrap())
    );
    assert!(profile["staffing"]["psychologists"]["norm_fte"]["value"].is_number());
    let (status, _) = get(&app, "/api/v1/units/123/profile").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn compare_takes_two_to_six_units() {
    let app = test_app(Audience::Ministry).await;
    let (status, json) = get(
        &app,
        "/api/v1/compare?units=750000000,710000000&indicators=viol_rate",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{json}");
    assert_eq!(json["units"].as_array().unwrap().len(), 2);
    assert!(json["national"]["viol_rate"]["value"].is_number());
    let (status, json) = get(&app, "/api/v1/compare?units=750000000").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(json["error"]["code"], "bad_units");
    let seven = "/api/v1/compare?units=100000000,110000000,150000000,190000000,230000000,270000000,310000000";
    assert_eq!(get(&app, seven).await.0, StatusCode::BAD_REQUEST);
}

/// Domain §4.3: an akimat sees a small school's counts but none of its rates (`z`), and the
/// school carries the "small school" tag; the ministry sees the same schools' rates, and the
/// akimat those of schools that are not small. Every region's akimat is asked; every fourth
/// school is made small (60 pupils), since the demo's schools are larger.
#[tokio::test]
async fn akimats_see_no_rates_at_small_schools() {
    let app = test_app_shaped(None, 0.1, DemoConfig::standard().seed, |data| {
        let small: HashSet<_> = data
            .schools
            .iter()
            .step_by(4)
            .map(|s| s.id.clone())
            .collect();
        for record in &mut data.records {
            if small.contains(&record.school) {
                record.values.set(Measure::PupilsTotal, Some(60.0));
            }
        }
    })
    .await;
    let ministry = issue_token(&app, &grant(Role::Ministry, None, &[]), "ministry").await;
    let (_, regions) = get_with_token(&app, "/api/v1/units?level=region", &ministry).await;
    let (mut small, mut large) = (0, 0);
    for region in regions["features"].as_array().unwrap() {
        let kato = region["properties"]["kato"].as_str().unwrap();
        let akimat = issue_token(&app, &grant(Role::Akimat, Some(kato), &[]), kato).await;
        let uri = format!("/api/v1/units?level=school&parent={kato}&indicators=viol_rate");
        let (_, seen_by_akimat) = get_with_token(&app, &uri, &akimat).await;
        let (_, seen_by_ministry) = get_with_token(&app, &uri, &ministry).await;
        let features = |json: &serde_json::Value| json["features"].as_array().unwrap().clone();
        let (akimat_rows, ministry_rows) = (features(&seen_by_akimat), features(&seen_by_ministry));
        assert_eq!(akimat_rows.len(), ministry_rows.len(), "{kato}");
        for (a, m) in akimat_rows.iter().zip(&ministry_rows) {
            let (a, m) = (&a["properties"], &m["properties"]);
            assert_eq!(a["school_id"], m["school_id"]);
            let rate = &a["indicators"]["viol_rate"];
            let pupils = m["pupils"].as_u64();
            assert_eq!(
                a["small_school"],
                pupils.is_some_and(|p| p < 100),
                "the tag marks schools under 100 pupils: {a}"
            );
            if a["small_school"] == true {
                small += 1;
                assert_eq!(rate["value"]["flag"], "z", "no rate at a small school: {a}");
                assert_eq!(rate["value"]["value"], serde_json::Value::Null, "{a}");
                assert!(rate["numerator"].is_u64(), "but its count: {a}");
                let seen = &m["indicators"]["viol_rate"]["value"];
                assert!(
                    seen.is_number() || seen["value"].is_number(),
                    "the ministry sees the rate: {m}"
                );
            } else if pupils.is_some_and(|p| p > 0) {
                large += 1;
                let value = &rate["value"];
                assert!(
                    value.is_number() || value["value"].is_number(),
                    "a school that is not small shows its rate: {a}"
                );
            }
        }
    }
    assert!(
        small > 0 && large > 0,
        "both kinds of school: {small} small, {large} not"
    );
}
