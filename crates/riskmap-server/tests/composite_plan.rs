//! The composite index and plan progress in the API: the same composite in the unit
//! collections, the profile, the comparison and the tiles; plan progress whose counts are the
//! stored records summed independently, whose targets follow the plan's rule and published
//! figures, and which discloses nothing a public caller may not see.

#![allow(clippy::unwrap_used, reason = "tests: a failure should stop the test")]

mod support;

use std::collections::{HashMap, HashSet};
use std::io::Read;

use fast_mvt::{MvtReaderRef, MvtValueRef};
use riskmap_model::{Audience, Measure, Period};
use support::{get, test_app};

#[tokio::test]
async fn the_composite_agrees_across_collections_profile_compare_and_tiles() {
    let app = test_app(Audience::Ministry).await;
    let (status, regions) = get(&app, "/api/v1/regions?geometry=false").await;
    assert_eq!(status, 200, "{regions}");
    let mut by_kato: HashMap<String, f64> = HashMap::new();
    let mut ranks = Vec::new();
    for feature in regions["features"].as_array().unwrap() {
        let composite = &feature["properties"]["composite"];
        let Some(value) = composite["value"].as_f64() else {
            continue;
        };
        assert!((0.0..=10.0).contains(&value), "{composite}");
        let band = composite["band"].as_u64().unwrap();
        assert!((1..=5).contains(&band));
        for dimension in ["harm", "vulnerability", "coping"] {
            let v = composite["dimensions"][dimension]["value"].as_f64();
            assert!(v.is_none_or(|v| (0.0..=10.0).contains(&v)), "{composite}");
        }
        ranks.push(composite["rank"].as_u64().unwrap());
        by_kato.insert(feature["id"].as_str().unwrap().to_owned(), value);
    }
    assert!(
        by_kato.len() >= 18,
        "most regions have a composite: {}",
        by_kato.len()
    );
    ranks.sort_unstable();
    assert_eq!(ranks.first(), Some(&1));
    assert!(regions["model_version"].as_str().is_some());

    // Higher composite, better (smaller) rank.
    let ranked: Vec<(f64, u64)> = regions["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| {
            let c = &f["properties"]["composite"];
            Some((c["value"].as_f64()?, c["rank"].as_u64()?))
        })
        .collect();
    for a in &ranked {
        for b in &ranked {
            if a.0 > b.0 + 0.05 {
                assert!(a.1 < b.1, "{a:?} ranks below {b:?}");
            }
        }
    }

    let (kato, value) = by_kato.iter().next().unwrap();
    let (status, profile) = get(&app, &format!("/api/v1/units/{kato}/profile")).await;
    assert_eq!(status, 200, "{profile}");
    assert_eq!(profile["composite"]["value"].as_f64(), Some(*value));
    // "rank of N": N is the number of units of the level with a rank the caller sees.
    assert_eq!(
        profile["composite"]["rank_of"].as_u64(),
        Some(ranked.len() as u64),
        "rank_of counts the ranked units of the level"
    );
    let series = profile["composite"]["series"].as_array().unwrap();
    assert!(series.len() >= 8, "a value per quarter with data");
    assert_eq!(
        series.last().unwrap()["value"]["value"].as_f64(),
        Some(*value)
    );
    let drivers = profile["composite"]["drivers"].as_array().unwrap();
    assert!(!drivers.is_empty());
    let codes: HashSet<&str> = profile["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["code"].as_str().unwrap())
        .collect();
    for driver in drivers {
        assert!(codes.contains(driver["code"].as_str().unwrap()));
        assert!(driver["contribution"].as_f64().unwrap() >= 0.0);
    }

    let others: Vec<&String> = by_kato.keys().take(2).collect();
    let (status, compare) = get(
        &app,
        &format!("/api/v1/compare?units={},{}", others[0], others[1]),
    )
    .await;
    assert_eq!(status, 200, "{compare}");
    for unit in compare["units"].as_array().unwrap() {
        let kato = unit["kato"].as_str().unwrap();
        assert_eq!(
            unit["composite"]["value"].as_f64(),
            by_kato.get(kato).copied()
        );
    }

    let (status, _, gzipped) =
        support::fetch_raw(&app, "/tiles/regions/3/5/2.mvt", None, None).await;
    assert_eq!(status, 200);
    let mut raw = Vec::new();
    flate2::read::GzDecoder::new(gzipped.as_slice())
        .read_to_end(&mut raw)
        .unwrap();
    let reader = MvtReaderRef::new(&raw).unwrap();
    let mut seen = 0;
    for layer in reader.layers() {
        for feature in layer.features() {
            let properties = feature.properties_vec().unwrap();
            let kato = properties.iter().find_map(|(k, v)| match (k, v) {
                (&"kato", MvtValueRef::String(s)) => Some((*s).to_owned()),
                _ => None,
            });
            let composite = properties.iter().find_map(|(k, v)| match (k, v) {
                (&"composite", MvtValueRef::Double(d)) => Some(*d),
                _ => None,
            });
            if let (Some(kato), Some(composite)) = (kato, composite) {
                assert_eq!(by_kato.get(&kato).copied(), Some(composite), "{kato}");
                seen += 1;
            }
        }
    }
    assert!(
        seen >= 10,
        "the z3 tile colours most regions by the composite"
    );
}

#[tokio::test]
async fn plan_progress_is_the_records_summed_against_the_rule_and_the_published_targets() {
    let app = test_app(Audience::Ministry).await;
    let region = "750000000";
    let (status, profile) = get(&app, &format!("/api/v1/units/{region}/profile")).await;
    assert_eq!(status, 200, "{profile}");
    let plan = &profile["plan"];
    let period = Period::parse(profile["period"].as_str().unwrap()).unwrap();
    assert_eq!(plan["year"].as_u64(), Some(u64::from(period.year())));
    let series: Vec<&serde_json::Value> = plan["series"].as_array().unwrap().iter().collect();
    assert_eq!(series.len(), 4);

    // Independent sums from the stored records of the region's schools.
    let schools = app.state.store.schools().await.unwrap();
    let in_region: HashSet<String> = schools
        .iter()
        .filter(|s| s.region.as_str() == region)
        .map(|s| s.id.as_str().to_owned())
        .collect();
    let records = app.state.store.records().await.unwrap();
    let periods: Vec<Period> = records.iter().map(|r| r.period).collect();
    let first_year = periods.iter().map(|p| p.year()).min().unwrap();
    let sum = |measure: Measure, keep: &dyn Fn(Period) -> bool, region_only: bool| -> u64 {
        records
            .iter()
            .filter(|r| keep(r.period))
            .filter(|r| !region_only || in_region.contains(r.school.as_str()))
            .filter_map(|r| r.values.get(measure))
            .sum::<f64>()
            .round() as u64
    };
    for (code, measure, published_2024) in [
        ("suicides", Measure::SuicideDeaths, 139_u64),
        ("suicide_attempts", Measure::SuicideAttempts, 278),
    ] {
        let entry = series.iter().find(|s| s["code"] == code).unwrap();
        let unit = &entry["unit"];
        assert_eq!(unit["baseline_year"].as_u64(), Some(u64::from(first_year)));
        let baseline = sum(measure, &|p| p.year() == first_year, true);
        assert_eq!(unit["baseline"].as_u64(), Some(baseline), "{code}: {unit}");
        let observed = sum(measure, &|p| p.year() == period.year() && p <= period, true);
        assert_eq!(unit["observed"].as_u64(), Some(observed), "{code}: {unit}");
        // −5 % a year, truncated: ⌊B · 95 / 100⌋ per year after the baseline.
        let years_after = period.year() - first_year;
        let mut target = baseline;
        for _ in 0..years_after {
            target = target * 95 / 100;
        }
        let targets = unit["targets"].as_array().unwrap();
        let this_year = targets
            .iter()
            .find(|t| t["year"].as_u64() == Some(u64::from(period.year())))
            .unwrap();
        assert_eq!(this_year["target"].as_u64(), Some(target));
        let progress = &unit["progress"];
        assert_eq!(progress["annual_target"].as_u64(), Some(target));
        let [low, high] = [0, 1].map(|i| progress["interval"][i].as_f64().unwrap());
        assert!(low <= observed as f64 && observed as f64 <= high);
        let to_date = progress["target_to_date"].as_f64().unwrap();
        let expected = if high < to_date {
            "on_track"
        } else if low > to_date {
            "off_track"
        } else {
            "inconclusive"
        };
        assert_eq!(unit["status"], expected);

        let national = &entry["national"];
        let national_observed = sum(
            measure,
            &|p| p.year() == period.year() && p <= period,
            false,
        );
        assert_eq!(national["observed"].as_u64(), Some(national_observed));
        let published = national["targets"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["year"] == 2024)
            .unwrap();
        assert_eq!(published["target"].as_u64(), Some(published_2024));
    }
}

#[tokio::test]
async fn a_public_profile_shows_no_small_plan_count_and_no_status_from_a_hidden_count() {
    let app = test_app(Audience::Public).await;
    let (status, regions) = get(&app, "/api/v1/regions?geometry=false").await;
    assert_eq!(status, 200, "{regions}");
    let mut checked = 0;
    for feature in regions["features"].as_array().unwrap() {
        let kato = feature["id"].as_str().unwrap();
        let (status, profile) = get(&app, &format!("/api/v1/units/{kato}/profile")).await;
        if status != 200 {
            continue;
        }
        for entry in profile["plan"]["series"].as_array().unwrap() {
            for side in ["unit", "national"] {
                let block = &entry[side];
                for field in ["baseline", "observed"] {
                    if let Some(n) = block[field].as_u64() {
                        assert!(n == 0 || n >= 10, "{kato} {side} {field} = {n}");
                    }
                }
                if block["observed"].is_string() {
                    assert!(block["progress"].is_null(), "{block}");
                    assert_eq!(block["status"], "unknown");
                }
                for year in block["yearly"].as_array().into_iter().flatten() {
                    if let Some(n) = year["count"].as_u64() {
                        assert!(n == 0 || n >= 10, "{kato} {side} yearly {n}");
                    }
                }
            }
        }
        checked += 1;
    }
    assert!(checked > 0, "the public reads some region profiles");

    // Mid-year, the observed part of the year is a window the release never publishes: the
    // public sees no observed count of any series (two of them would difference to a quarter).
    let kato = regions["features"][0]["id"].as_str().unwrap();
    let (status, profile) = get(
        &app,
        &format!("/api/v1/units/{kato}/profile?period=2024-Q2"),
    )
    .await;
    assert_eq!(status, 200, "{profile}");
    for entry in profile["plan"]["series"].as_array().unwrap() {
        for side in ["unit", "national"] {
            assert!(!entry[side]["observed"].is_number(), "{side}: {entry}");
            assert_eq!(entry[side]["status"], "unknown");
        }
    }
}

/// Every `composite` number in a gzipped tile, with the count of features.
fn tile_composites(gzipped: &[u8]) -> (usize, Vec<f64>) {
    let mut raw = Vec::new();
    flate2::read::GzDecoder::new(gzipped)
        .read_to_end(&mut raw)
        .unwrap();
    let reader = MvtReaderRef::new(&raw).unwrap();
    let (mut features, mut values) = (0, Vec::new());
    for layer in reader.layers() {
        for feature in layer.features() {
            features += 1;
            for (key, value) in feature.properties_vec().unwrap() {
                if let ("composite", MvtValueRef::Double(d)) = (key, value) {
                    values.push(d);
                }
            }
        }
    }
    (features, values)
}

#[tokio::test]
async fn the_public_sees_region_composites_but_no_district_composite() {
    let app = test_app(Audience::Public).await;
    let (status, _, regions) =
        support::fetch_raw(&app, "/tiles/regions/3/5/2.mvt", None, None).await;
    assert_eq!(status, 200);
    let (_, values) = tile_composites(&regions);
    assert!(
        !values.is_empty(),
        "regions carry the composite for the public"
    );
    let (status, _, districts) =
        support::fetch_raw(&app, "/tiles/districts/3/5/2.mvt", None, None).await;
    if status == 200 {
        let (features, values) = tile_composites(&districts);
        assert!(features > 100, "the district layer is drawn");
        assert!(values.is_empty(), "no district composite for the public");
    } else {
        assert_eq!(status, 403);
    }
}
