//! The hotspot triggers of domain §5.4 on hand-made inputs, each at its boundary (fires / does
//! not fire), and the list built from them: which schools are listed, why, in which order, and
//! that contacts and exact S2 counts stay restricted; lists of several readers' forecasts built
//! in one pass equal each built alone.
#![allow(clippy::unwrap_used, reason = "tests")]

mod support;

use std::collections::HashMap;

use riskmap_model::{Kato, Measure};
use riskmap_score::composite::{Submission, UnitPeriodInput, score_period, score_periods};
use riskmap_score::methodology::Methodology;
use riskmap_score::priority::triggers::{
    ClusterScope, Evidence, backlog, coping_gap, data_silence, district_cluster, exceedance,
    poisson_upper_tail, s2_event, school_cluster, top_quintile,
};
use riskmap_score::priority::{
    DistrictForecast, Trigger, measures_read_at, priority_list, priority_list_with_forecasts,
    priority_lists_with_forecasts, quarters_read, reads,
};
use riskmap_score::staffing::{StaffingInput, staffing_gap};
use support::{profile, q, record};

#[test]
fn top_quintile_fires_from_percent_rank_0_8() {
    assert!(top_quintile(Some(5.0), Some(0.8), 0.8).is_some());
    assert!(top_quintile(Some(5.0), Some(0.799_999_9), 0.8).is_none());
    assert!(
        top_quintile(None, Some(1.0), 0.8).is_none(),
        "no composite, no trigger"
    );
}

#[test]
fn one_s2_event_fires() {
    assert!(s2_event(1).is_some());
    assert!(s2_event(0).is_none());
    let Some(Evidence::S2Event { events }) = s2_event(2) else {
        panic!("evidence")
    };
    assert_eq!(*events.reveal(), 2);
}

#[test]
fn school_cluster_needs_two_events_in_the_window_one_of_them_current() {
    let Some(Evidence::Cluster {
        scope,
        within_current_quarter,
        ..
    }) = school_cluster(&[0, 2], 2)
    else {
        panic!("two events this quarter is a cluster")
    };
    assert_eq!(scope, ClusterScope::School);
    assert!(within_current_quarter);
    let Some(Evidence::Cluster {
        within_current_quarter,
        ..
    }) = school_cluster(&[1, 1], 2)
    else {
        panic!("one event in each quarter is a possible cluster")
    };
    assert!(!within_current_quarter);
    assert!(school_cluster(&[0, 1], 2).is_none(), "one event");
    assert!(
        school_cluster(&[3, 0], 2).is_none(),
        "nothing current: not live"
    );
}

#[test]
fn district_cluster_needs_three_events_and_lists_involved_schools_only() {
    assert!(district_cluster(&[1, 2], &[0, 1], 3).is_some());
    assert!(
        district_cluster(&[1, 1], &[0, 1], 3).is_none(),
        "two events only"
    );
    assert!(
        district_cluster(&[1, 2], &[0, 0], 3).is_none(),
        "school not involved"
    );
    assert!(
        district_cluster(&[3, 0], &[1, 0], 3).is_none(),
        "nothing current"
    );
}

#[test]
fn exceedance_needs_p_below_0_05_and_a_count_of_3() {
    let base = [Some(1), Some(1), Some(1), Some(1)];
    // P(X ≥ 4 | 1) = 0.018988 (scipy poisson.sf(3, 1)); P(X ≥ 3 | 1) = 0.080301.
    assert!((poisson_upper_tail(4, 1.0) - 0.018_988_156_876_153_81).abs() < 1e-14);
    assert!((poisson_upper_tail(3, 1.0) - 0.080_301_397_071_394_18).abs() < 1e-14);
    let Some(Evidence::Exceedance {
        p_value,
        baseline_mean,
        baseline_quarters,
        ..
    }) = exceedance(Some(4), &base, 0.05, 3, 2)
    else {
        panic!("4 over a mean of 1")
    };
    assert!((p_value - 0.018_988).abs() < 1e-6);
    assert_eq!((baseline_mean, baseline_quarters), (1.0, 4));
    assert!(exceedance(Some(3), &base, 0.05, 3, 2).is_none(), "p = 0.08");
    let silent = [Some(0), Some(0), None, Some(0)];
    assert!(
        exceedance(Some(3), &silent, 0.05, 3, 2).is_some(),
        "3 over a zero baseline"
    );
    assert!(
        exceedance(Some(2), &silent, 0.05, 3, 2).is_none(),
        "below the minimum count"
    );
    let thin = [None, None, None, Some(0)];
    assert!(
        exceedance(Some(9), &thin, 0.05, 3, 2).is_none(),
        "one baseline quarter"
    );
}

#[test]
fn coping_gap_fires_below_norm_from_40_class_sets_or_after_a_long_vacancy() {
    let school = |class_sets, filled, vacancy| StaffingInput {
        class_sets: Some(class_sets),
        psych_norm: Some(1.0),
        psych_filled: Some(filled),
        psych_vacancy_quarters: Some(vacancy),
        ..StaffingInput::default()
    };
    let fires = |s: StaffingInput| coping_gap(&staffing_gap(&s, 40.0), 1).is_some();
    assert!(fires(school(40.0, 0.5, 0.0)));
    assert!(
        !fires(school(39.0, 0.5, 0.0)),
        "no psychologist required below 40"
    );
    assert!(!fires(school(40.0, 1.0, 0.0)), "norm met");
    assert!(fires(school(20.0, 1.0, 2.0)), "vacant two quarters");
    assert!(!fires(school(20.0, 1.0, 1.0)), "one quarter is allowed");
}

#[test]
fn backlog_fires_at_the_regional_threshold() {
    assert!(backlog(Some(5), Some(10), Some(0.5)).is_some());
    assert!(backlog(Some(4), Some(10), Some(0.5)).is_none());
    assert!(
        backlog(Some(1), Some(0), Some(0.0)).is_none(),
        "empty register"
    );
    assert!(backlog(Some(3), Some(10), None).is_none(), "no threshold");
}

#[test]
fn data_silence_needs_every_quarter_missing_or_late() {
    let (a, b) = (q("2024-Q3"), q("2024-Q4"));
    assert!(data_silence(&[(a, None), (b, None)]).is_some());
    assert!(data_silence(&[(a, Some(Submission::Late)), (b, None)]).is_some());
    assert!(data_silence(&[(a, None), (b, Some(Submission::OnTime))]).is_none());
    assert!(data_silence(&[(a, Some(Submission::OnTime)), (b, None)]).is_none());
}

/// Four quarters of history for schools S1–S6 in two districts, then the current quarter.
fn scenario() -> (Methodology, Vec<UnitPeriodInput>) {
    let m = support::methodology_with(&[("draws = 100", "draws = 4")]);
    let quarters = ["2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4", "2025-Q1"].map(q);
    let mut records = Vec::new();
    for (i, &period) in quarters.iter().enumerate() {
        let current = i == 4;
        let previous = i == 3;
        for school in ["S1", "S2", "S3", "S4", "S5"] {
            let district = if school == "S5" { "D2" } else { "D1" };
            let mut set = vec![(Measure::ViolTotal, 1.0), (Measure::IsuOpenEnd, 10.0)];
            match (school, current, previous) {
                ("S1", true, _) => set.push((Measure::ViolTotal, 6.0)),
                ("S2", true, _) => set.push((Measure::SuicideAttempts, 1.0)),
                ("S2", false, true) | ("S3", false, true) => {
                    set.push((Measure::SelfharmEpisodes, 1.0))
                }
                ("S3", true, _) => set.push((Measure::IsuOpenOver90d, 8.0)),
                ("S4", true, _) => {
                    set.push((Measure::ClassSets, 48.0));
                    set.push((Measure::PsychFteFilled, 0.5));
                }
                _ => {}
            }
            records.push(record(school, Some(district), period, &set));
        }
        // S6 stops reporting after 2024-Q3.
        if i < 3 {
            records.push(record(
                "S6",
                Some("D2"),
                period,
                &[(Measure::ViolTotal, 1.0)],
            ));
        }
    }
    (m, records)
}

/// The profiles of the scenario's schools: S5 and S6 in district 110300000, the rest in
/// 110200000.
fn scenario_profiles() -> Vec<riskmap_score::priority::SchoolProfile> {
    ["S1", "S2", "S3", "S4", "S5", "S6"]
        .iter()
        .map(|s| {
            let district = if *s == "S5" || *s == "S6" {
                "110300000"
            } else {
                "110200000"
            };
            profile(s, district, "110000000")
        })
        .collect()
}

#[test]
fn the_list_shows_each_school_with_its_triggers_in_priority_order() {
    let (m, records) = scenario();
    let profiles = scenario_profiles();
    let scores = score_periods(&m, &records).unwrap();
    let list = priority_list(&m, q("2025-Q1"), &profiles, &records, &scores).unwrap();
    let fired = |id: &str| -> Vec<Trigger> {
        list.rows
            .iter()
            .find(|r| r.identity.nobd_org_id.as_str() == id)
            .map(|r| r.why.triggers.iter().map(|t| t.trigger).collect())
            .unwrap_or_default()
    };
    assert!(
        fired("S1").contains(&Trigger::Exceedance),
        "{:?}",
        fired("S1")
    );
    let s2 = fired("S2");
    assert!(
        s2.contains(&Trigger::S2Event) && s2.contains(&Trigger::Cluster),
        "{s2:?}"
    );
    // S3's self-harm last quarter is part of D1's district cluster (3 events in 2 quarters)…
    assert!(fired("S3").contains(&Trigger::Cluster), "{:?}", fired("S3"));
    assert!(fired("S3").contains(&Trigger::Backlog));
    assert!(fired("S4").contains(&Trigger::CopingGap));
    assert_eq!(fired("S6"), vec![Trigger::DataSilence]);
    assert!(fired("S5").is_empty() || !fired("S5").contains(&Trigger::Cluster));
    // Ranks are positions; the order follows the exceedance probability, then the composite.
    for (i, row) in list.rows.iter().enumerate() {
        assert_eq!(row.rank, i + 1);
        assert_eq!(row.metadata.model_version, m.version);
        assert_eq!(row.risk.sparkline.len(), 8);
    }
    let keys: Vec<f64> = list
        .rows
        .iter()
        .map(|r| r.risk.p_exceed.unwrap_or(f64::NEG_INFINITY))
        .collect();
    assert!(keys.windows(2).all(|w| w[0] >= w[1]), "{keys:?}");
    assert_eq!(
        list.rows[0].identity.nobd_org_id.as_str(),
        "S1",
        "the violence spike comes first"
    );
    // Exact S2 stays wrapped, and the wrapper does not print it.
    let s2_row = list
        .rows
        .iter()
        .find(|r| r.identity.nobd_org_id.as_str() == "S2")
        .unwrap();
    assert_eq!(s2_row.harm.s2.reveal().suicide_attempts, Some(1.0));
    assert!(!format!("{s2_row:?}").contains("suicide_attempts: Some(1.0)"));
}

#[test]
fn duplicated_records_are_refused() {
    let (m, mut records) = scenario();
    records.push(records[0].clone());
    let profiles = vec![profile("S1", "110200000", "110000000")];
    assert!(priority_list(&m, q("2025-Q1"), &profiles, &records, &[]).is_err());
    // Wherever the duplicate is: a school the list does not show, a quarter it does not read.
    let (_, clean) = scenario();
    let unlisted = clean.iter().find(|r| r.unit == "S2").unwrap().clone();
    let mut old = clean[0].clone();
    old.period = q("2019-Q1");
    for duplicate in [unlisted, old] {
        let mut records = clean.clone();
        records.extend([duplicate.clone(), duplicate]);
        assert!(priority_list(&m, q("2025-Q1"), &profiles, &records, &[]).is_err());
    }
    assert!(priority_list(&m, q("2025-Q1"), &profiles, &clean, &[]).is_ok());
}

/// Records carrying only `measures_read` give exactly the list (and the composite scores) that
/// full records give: 60 schools in 3 districts over 8 quarters, every measure of every record
/// random (so a measure the list reads without declaring it changes the outcome), some quarters
/// missing and some late. The server reads only these measures from the store.
#[test]
fn the_list_reads_only_the_measures_it_declares() {
    let m = support::methodology_with(&[("draws = 100", "draws = 0")]);
    let full = random_records(&q("2024-Q4").trailing(8));
    let read = riskmap_score::priority::measures_read(&m);
    assert!(read.len() < Measure::ALL.len(), "{read:?}");
    let restricted: Vec<UnitPeriodInput> = full
        .iter()
        .map(|r| {
            let mut measures = riskmap_model::MeasureValues::empty();
            for x in &read {
                measures.set(*x, r.measures.get(*x));
            }
            UnitPeriodInput {
                measures,
                ..r.clone()
            }
        })
        .collect();
    let profiles = random_profiles();
    let list_of = |records: &[UnitPeriodInput]| {
        let scores = score_periods(&m, records).unwrap();
        let list = priority_list(&m, q("2024-Q4"), &profiles, records, &scores).unwrap();
        (scores, list)
    };
    let (full_scores, full_list) = list_of(&full);
    let (restricted_scores, restricted_list) = list_of(&restricted);
    assert!(full_list.rows.len() > 10, "{} rows", full_list.rows.len());
    assert_eq!(full_scores, restricted_scores);
    assert_eq!(full_list, restricted_list);
}

/// The server scores only the list's own quarter and reads only `quarters_read` quarters
/// ending with it: the quarters before them change nothing in that list (every measure of
/// every record random), and the last quarter read does change it (the count is not longer
/// than the list needs, and the comparison sees what it compares).
#[test]
fn the_list_reads_only_the_quarters_it_declares() {
    let m = support::methodology_with(&[("draws = 100", "draws = 0")]);
    let current = q("2024-Q4");
    let full = random_records(&current.trailing(8));
    let read = quarters_read(&m);
    assert!((2..8).contains(&read), "{read}");
    let last = |quarters: usize| -> Vec<UnitPeriodInput> {
        let kept = current.trailing(quarters);
        full.iter()
            .filter(|r| kept.contains(&r.period))
            .cloned()
            .collect()
    };
    let profiles = random_profiles();
    let list_of = |records: &[UnitPeriodInput]| scored_at(&m, current, &profiles, records);
    let full_list = list_of(&full);
    assert!(full_list.rows.len() > 10, "{} rows", full_list.rows.len());
    assert_eq!(full_list, list_of(&last(read)));
    assert_ne!(full_list, list_of(&last(read - 1)));
}

/// Each record carrying only the measures read at its distance from the list's quarter
/// (`measures_read_at`) gives exactly the list, scored at its own quarter as the server scores
/// it, that full records give; `reads` covers the `quarters_read` quarters once each, and a
/// record stripped of one more measure it declares changes the list.
#[test]
fn the_list_reads_each_quarter_s_measures_it_declares() {
    let m = support::methodology_with(&[("draws = 100", "draws = 0")]);
    let current = q("2024-Q4");
    let quarters = current.trailing(quarters_read(&m));
    let full: Vec<UnitPeriodInput> = random_records(&current.trailing(8))
        .into_iter()
        .filter(|r| quarters.contains(&r.period))
        .collect();
    let lag_of = |period| quarters.len() - 1 - quarters.iter().position(|q| *q == period).unwrap();
    let keep = |r: &UnitPeriodInput, measures: &[Measure]| {
        let mut kept = riskmap_model::MeasureValues::empty();
        for x in measures {
            kept.set(*x, r.measures.get(*x));
        }
        UnitPeriodInput {
            measures: kept,
            ..r.clone()
        }
    };
    let restricted: Vec<UnitPeriodInput> = full
        .iter()
        .map(|r| keep(r, &measures_read_at(&m, lag_of(r.period))))
        .collect();
    let profiles = random_profiles();
    let list_of = |records: &[UnitPeriodInput]| scored_at(&m, current, &profiles, records);
    let full_list = list_of(&full);
    assert!(full_list.rows.len() > 10, "{} rows", full_list.rows.len());
    assert_eq!(full_list, list_of(&restricted));

    let older = measures_read_at(&m, 1);
    assert!(older.len() < measures_read_at(&m, 0).len(), "{older:?}");
    let stripped: Vec<UnitPeriodInput> = full
        .iter()
        .map(|r| match lag_of(r.period) {
            1 => keep(r, &older[1..]),
            lag => keep(r, &measures_read_at(&m, lag)),
        })
        .collect();
    assert_ne!(full_list, list_of(&stripped), "without {:?}", older[0]);

    let planned: Vec<_> = reads(&m, current)
        .into_iter()
        .flat_map(|(periods, measures)| periods.into_iter().map(move |p| (p, measures.clone())))
        .collect();
    assert_eq!(planned.len(), quarters.len());
    for (period, measures) in planned {
        assert_eq!(measures, measures_read_at(&m, lag_of(period)), "{period}");
    }
}

/// The list at `current` scored at its own quarter only, as the server scores it.
fn scored_at(
    m: &Methodology,
    current: riskmap_model::Period,
    profiles: &[riskmap_score::priority::SchoolProfile],
    records: &[UnitPeriodInput],
) -> riskmap_score::priority::PriorityList {
    let scores: Vec<_> = score_period(m, records, current)
        .unwrap()
        .into_iter()
        .collect();
    priority_list(m, current, profiles, records, &scores).unwrap()
}

/// 60 schools in 3 districts, one record per quarter of `quarters` (a tenth missing, a fifth
/// late), every measure random (5 % not reported), pupils 200–1,099.
fn random_records(quarters: &[riskmap_model::Period]) -> Vec<UnitPeriodInput> {
    let mut mix = support::Mix(748);
    let mut full = Vec::new();
    for school in 0..60 {
        let district = ["110200000", "110300000", "110400000"][school % 3];
        for &period in quarters {
            if mix.uniform() < 0.1 {
                continue;
            }
            let mut measures = riskmap_model::MeasureValues::empty();
            for x in Measure::ALL {
                let value = (mix.uniform() * 6.0).floor();
                measures.set(*x, (mix.uniform() > 0.05).then_some(value));
            }
            measures.set(
                Measure::PupilsTotal,
                Some(200.0 + (mix.uniform() * 900.0).floor()),
            );
            measures.set(Measure::ClassSets, Some((mix.uniform() * 60.0).floor()));
            full.push(UnitPeriodInput {
                unit: format!("S{school}"),
                region: "110000000".to_owned(),
                parent: Some(district.to_owned()),
                period,
                submission: if mix.uniform() < 0.2 {
                    Submission::Late
                } else {
                    Submission::OnTime
                },
                measures,
            });
        }
    }
    full
}

/// The profiles of [`random_records`]' schools.
fn random_profiles() -> Vec<riskmap_score::priority::SchoolProfile> {
    (0..60)
        .map(|s| {
            let district = ["110200000", "110300000", "110400000"][s % 3];
            profile(&format!("S{s}"), district, "110000000")
        })
        .collect()
}

#[test]
fn lists_for_several_forecast_sets_equal_each_list_built_alone() {
    let (m, records) = scenario();
    let profiles = scenario_profiles();
    let scores = score_periods(&m, &records).unwrap();
    let firing = |district: &str| {
        let forecast = DistrictForecast {
            indicator: "viol_rate".to_owned(),
            quarter: q("2025-Q2"),
            mean: 9.0,
            target: 2.0,
            probability: 0.99,
        };
        std::iter::once((district.parse().unwrap(), vec![forecast])).collect()
    };
    let sets: [HashMap<Kato, Vec<DistrictForecast>>; 3] =
        [HashMap::new(), firing("110300000"), firing("110200000")];
    let together = priority_lists_with_forecasts(
        &m,
        q("2025-Q1"),
        &profiles,
        &records,
        &scores,
        &sets.iter().collect::<Vec<_>>(),
    )
    .unwrap();
    assert_eq!(together.len(), 3);
    for (set, list) in sets.iter().zip(&together) {
        let alone =
            priority_list_with_forecasts(&m, q("2025-Q1"), &profiles, &records, &scores, set)
                .unwrap();
        assert_eq!(list, &alone);
    }
    let fires = |list: &riskmap_score::priority::PriorityList, id: &str| {
        list.rows.iter().any(|r| {
            r.identity.nobd_org_id.as_str() == id
                && r.why
                    .triggers
                    .iter()
                    .any(|t| t.trigger == Trigger::ForecastExceedance)
        })
    };
    assert!(!fires(&together[0], "S5") && !fires(&together[0], "S1"));
    assert!(fires(&together[1], "S5") && !fires(&together[1], "S1"));
    assert!(fires(&together[2], "S1") && !fires(&together[2], "S5"));
}
