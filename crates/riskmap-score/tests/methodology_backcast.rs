//! The methodology file (parsing and every validation rule) and the back-cast entry point
//! `score_periods`: one call scores every period, each result carries the model version, each
//! period equals scoring it alone (and `score_period`, which scores only it), and indicator
//! values follow the catalogue's pooled formula.
#![allow(clippy::unwrap_used, reason = "tests")]

mod support;

use riskmap_model::Measure;
use riskmap_score::composite::{Applied, score_period, score_periods};
use riskmap_score::methodology::Methodology;
use support::{METHODOLOGY, q, record};

fn parse_error(from: &str, to: &str) -> String {
    assert!(METHODOLOGY.contains(from), "{from:?}");
    match Methodology::parse(&METHODOLOGY.replacen(from, to, 1)) {
        Ok(_) => panic!("{from:?} → {to:?} was accepted"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn the_shipped_file_parses_with_a_version_and_every_indicator_in_the_catalogue() {
    let m = Methodology::builtin();
    assert_eq!(m, Methodology::parse(METHODOLOGY).unwrap());
    assert!(!m.version.is_empty());
    assert_eq!(m.indicators.len(), 13);
    assert_eq!(m.composite.dimension_weights, [1.0; 3]);
    assert_eq!(m.rank_intervals.percentiles, [5.0, 95.0]);
}

#[test]
fn every_validation_rule_names_its_key() {
    let cases = [
        (
            "version = \"2026.1-m1\"",
            "version = \"2026.1-m1\"\ncolour = \"red\"",
            "unknown field",
        ),
        (
            "code = \"viol_rate\"",
            "code = \"homicide_rate\"",
            "not in the indicator catalogue",
        ),
        (
            "goalposts = [0.0, 90.0]",
            "goalposts = [90.0, 90.0]",
            "lo < hi",
        ),
        (
            "min_available_share = \"2/3\"",
            "min_available_share = \"3/2\"",
            "min_available_share",
        ),
        (
            "min_available_share = \"2/3\"",
            "min_available_share = \"0.66\"",
            "min_available_share",
        ),
        ("harm = 1.0", "harm = 0.0", "dimension_weights.harm"),
        (
            "smooth = true\ntreatment = \"auto\"",
            "smooth = true\ntreatment = \"boxcox\"",
            "treatment must be",
        ),
        (
            "fixed_thresholds = [2.0, 3.5, 5.0, 6.5]",
            "fixed_thresholds = [2.0, 5.0, 3.5, 6.5]",
            "fixed_thresholds",
        ),
        (
            "fixed_labels = [\"very_low\", ",
            "fixed_labels = [",
            "fixed_labels",
        ),
        ("\"viol_sexual\"]", "\"viol_total\"]", "s2_event_measures"),
        (
            "exceedance_measures = [\"viol_total\"",
            "exceedance_measures = [\"suicide_deaths\"",
            "exceedance_measures",
        ),
        (
            "exceedance_p_value = 0.05",
            "exceedance_p_value = 1.5",
            "exceedance_p_value",
        ),
        (
            "normalisations = [\"goalposts\"",
            "normalisations = [\"rank\"",
            "normalisations",
        ),
        (
            "measure = \"suicide_deaths\"",
            "measure = \"suicides\"",
            "plan.series",
        ),
        ("2023 = 147", "2021 = 147", "not after the baseline"),
    ];
    for (from, to, expected) in cases {
        let err = parse_error(from, to);
        assert!(err.contains(expected), "{from:?} → {to:?}: {err}");
    }
    // smooth = true needs a count numerator (psych_coverage is FTE / FTE).
    let text = METHODOLOGY.replace(
        "code = \"psych_coverage\"\nweight = 1.0\ngoalposts = [40.0, 100.0]\nsmooth = false",
        "code = \"psych_coverage\"\nweight = 1.0\ngoalposts = [40.0, 100.0]\nsmooth = true",
    );
    assert!(
        Methodology::parse(&text)
            .unwrap_err()
            .to_string()
            .contains("smooth needs a count")
    );
    // A dimension without indicators.
    let text = METHODOLOGY
        .replace("code = \"offences_by_rate\"", "code = \"selfharm_rate\"")
        .replace("code = \"isu_opened_rate\"", "code = \"suicide_rate\"");
    let err = Methodology::parse(&text).unwrap_err().to_string();
    assert!(err.contains("twice"), "{err}");
}

#[test]
fn one_period_scored_alone_equals_that_period_of_the_back_cast() {
    let m = support::methodology_with(&[("draws = 100", "draws = 16")]);
    let quarters = riskmap_model::Period::range_inclusive(q("2023-Q1"), q("2024-Q4"));
    let mut inputs = support::panel(60, 4, &quarters, true, 11);
    // A unit that misses a quarter inside the others' windows, so windows differ by unit.
    let gap = inputs[0].unit.clone();
    inputs.retain(|r| !(r.unit == gap && r.period == q("2024-Q3")));
    let all = score_periods(&m, &inputs).unwrap();
    for expected in &all {
        let alone = score_period(&m, &inputs, expected.period).unwrap();
        assert_eq!(alone.as_ref(), Some(expected), "{}", expected.period);
    }
    assert_eq!(score_period(&m, &inputs, q("2025-Q1")).unwrap(), None);
    assert_eq!(score_period(&m, &inputs, q("2022-Q4")).unwrap(), None);
    let mut doubled = inputs.clone();
    doubled.push(inputs[0].clone());
    assert!(score_period(&m, &doubled, q("2024-Q4")).is_err());
}

#[test]
fn one_call_scores_every_period_each_as_if_alone() {
    let m = support::methodology_with(&[("draws = 100", "draws = 16")]);
    let quarters: Vec<_> = q("2023-Q1").trailing(1)[0..1]
        .iter()
        .copied()
        .chain(riskmap_model::Period::range_inclusive(
            q("2023-Q2"),
            q("2024-Q4"),
        ))
        .collect();
    let inputs = support::panel(60, 4, &quarters, false, 7);
    let all = score_periods(&m, &inputs).unwrap();
    assert_eq!(all.len(), 8);
    assert!(all.windows(2).all(|w| w[0].period < w[1].period));
    for p in &all {
        assert_eq!(p.model_version, m.version);
        assert_eq!(p.catalogue_version, m.catalogue_version);
        assert_eq!(p.units.len(), 60);
    }
    // 2024-Q2 alone, from its own four-quarter window.
    let window = q("2024-Q2").trailing(4);
    let alone_inputs: Vec<_> = inputs
        .iter()
        .filter(|r| window.contains(&r.period))
        .cloned()
        .collect();
    let alone = score_periods(&m, &alone_inputs).unwrap();
    let from_all = all.iter().find(|p| p.period == q("2024-Q2")).unwrap();
    assert_eq!(
        alone.iter().find(|p| p.period == q("2024-Q2")).unwrap(),
        from_all
    );
    // The first quarter has a one-quarter window; later ones have four.
    assert_eq!(all[0].units[0].reliability.quarters_reported, 1);
    assert_eq!(all[7].units[0].reliability.quarters_reported, 4);
    assert!(
        all[7]
            .units
            .iter()
            .all(|u| u.composite.is_some() && u.rank_interval.is_some())
    );
}

#[test]
fn indicator_values_follow_the_catalogue_formula() {
    let m = Methodology::builtin();
    let backlog = m
        .indicators
        .iter()
        .position(|i| i.code == "isu_backlog_share")
        .unwrap();
    let viol = m
        .indicators
        .iter()
        .position(|i| i.code == "viol_rate")
        .unwrap();
    let mut inputs = Vec::new();
    for (i, period) in ["2024-Q3", "2024-Q4"].into_iter().enumerate() {
        for (unit, over, violence) in [
            ("a", 3.0, 2.0),
            ("b", 6.0, 4.0),
            ("c", 9.0, 6.0),
            ("d", 1.0, 8.0),
        ] {
            inputs.push(record(
                unit,
                None,
                q(period),
                &[
                    (Measure::IsuOpenEnd, 12.0),
                    (Measure::IsuOpenOver90d, over + i as f64),
                    (Measure::ViolTotal, violence),
                ],
            ));
        }
    }
    let scores = score_periods(&m, &inputs).unwrap();
    let last = &scores[1];
    // Stock share, one quarter pooled, per 100: 100 · 4/12 for unit a in 2024-Q4.
    assert_eq!(
        last.units[0].indicators[backlog].value,
        Some(100.0 * (4.0 / 12.0))
    );
    // Violence: 10,000 · 4 · Σ events / Σ pupils over both quarters, shrunk towards the mean.
    let raw: Vec<f64> = [2.0, 4.0, 6.0, 8.0]
        .iter()
        .map(|e| 10_000.0 * 4.0 * 2.0 * e / 1600.0)
        .collect();
    let national = 10_000.0 * 4.0 * 40.0 / 6400.0;
    assert_eq!(last.indicators[viol].national, Some(national));
    for (u, r) in last.units.iter().zip(&raw) {
        let v = u.indicators[viol].value.unwrap();
        assert!(
            (v - national).abs() <= (r - national).abs() + 1e-9,
            "EB shrinks towards the mean"
        );
    }
    // Four districts of 800 pupils are not small; the treatment is reported per indicator.
    assert!(last.units.iter().all(|u| !u.reliability.small_denominator));
    assert!(last.indicators.iter().all(|i| matches!(
        i.applied,
        Applied::None | Applied::Winsorised { .. } | Applied::Log(_)
    )));
}

#[test]
fn duplicated_rows_and_negative_counts_are_refused() {
    let m = Methodology::builtin();
    let row = record("a", None, q("2024-Q4"), &[]);
    assert!(score_periods(&m, &[row.clone(), row.clone()]).is_err());
    let negative = record("b", None, q("2024-Q4"), &[(Measure::ViolTotal, -1.0)]);
    assert!(score_periods(&m, &[row, negative]).is_err());
    assert!(score_periods(&m, &[]).unwrap().is_empty());
}

#[test]
fn schools_are_smoothed_within_their_district_and_flag_small_denominators() {
    let m = support::methodology_with(&[("draws = 100", "draws = 4")]);
    let quarters = riskmap_model::Period::range_inclusive(q("2024-Q1"), q("2024-Q4"));
    let mut inputs = support::panel(90, 3, &quarters, true, 11);
    for r in inputs.iter_mut().filter(|r| r.unit == "u00000") {
        r.measures.set(Measure::PupilsTotal, Some(60.0));
    }
    let scores = score_periods(&m, &inputs).unwrap();
    let last = scores.last().unwrap();
    assert!(last.unit("u00000").unwrap().reliability.small_denominator);
    assert!(last.units.iter().filter(|u| u.unit != "u00000").all(|u| {
        let pupils = inputs
            .iter()
            .find(|r| r.unit == u.unit && r.period == q("2024-Q4"))
            .unwrap()
            .measures
            .get(Measure::PupilsTotal)
            .unwrap();
        u.reliability.small_denominator == (pupils < 100.0)
    }));
    assert!(last.units.iter().filter(|u| u.composite.is_some()).count() > 80);
}
