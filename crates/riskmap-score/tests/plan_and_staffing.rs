//! Plan tracking against the targets published in Resolution 748 (plan-digest: −5 % a year from
//! 2022, truncated each year), the exact Poisson interval against scipy, the status rule and
//! part-year pro-rating; and the staffing-gap arithmetic.
#![allow(clippy::unwrap_used, reason = "tests")]

use riskmap_score::methodology::Methodology;
use riskmap_score::plan_tracking::{
    Status, TargetSource, garwood_interval, national_target, target_by_rule, track_national,
    track_region,
};
use riskmap_score::staffing::{PostGap, StaffingInput, staffing_gap, summarise};

/// (series, baseline 2022, published 2023, 2024, 2025) from plan-digest.md.
const PUBLISHED: [(&str, u64, [u64; 3]); 4] = [
    ("offences_by_minors", 1735, [1648, 1565, 1486]),
    ("offences_against_minors", 2005, [1904, 1808, 1717]),
    ("suicides", 155, [147, 139, 130]),
    ("suicide_attempts", 309, [293, 278, 264]),
];

#[test]
fn the_truncation_rule_reproduces_the_published_targets_but_one() {
    let mut mismatches = Vec::new();
    for (code, baseline, targets) in PUBLISHED {
        for (years, published) in (1..=3).zip(targets) {
            let rule = target_by_rule(baseline, years, 5);
            if rule != published {
                mismatches.push((code, 2022 + years, rule, published));
            }
        }
    }
    // Suicides 2025: 139 · 0.95 = 132.05 → 132; the plan publishes 130.
    assert_eq!(mismatches, vec![("suicides", 2025, 132, 130)]);
    // Rounding to nearest would miss 2024 suicides (139.65 → 140) and 2024 offences
    // (1648 · 0.95 = 1565.6 → 1566): the plan truncates.
    assert_eq!(target_by_rule(155, 2, 5), 139);
    assert_eq!(target_by_rule(1735, 2, 5), 1565);
}

#[test]
fn national_targets_are_the_published_ones() {
    let m = Methodology::builtin();
    for (code, baseline, targets) in PUBLISHED {
        let series = m.plan_series(code).unwrap();
        assert_eq!(series.baseline, baseline);
        for (year, published) in (2023..).zip(targets) {
            assert_eq!(
                national_target(&m, series, year).unwrap(),
                (published, TargetSource::Published),
                "{code} {year}"
            );
        }
        let (beyond, source) = national_target(&m, series, 2026).unwrap();
        assert_eq!(source, TargetSource::Rule);
        assert_eq!(beyond, target_by_rule(baseline, 4, 5));
    }
    let suicides = m.plan_series("suicides").unwrap();
    assert_eq!(national_target(&m, suicides, 2024).unwrap().0, 139);
}

#[test]
fn garwood_limits_match_scipy_chi_square_quantiles() {
    // scipy.stats.chi2.ppf(0.025, 2x)/2 and chi2.ppf(0.975, 2x + 2)/2.
    let cases = [
        (0, 0.0, 3.688_879_454_113_935_4),
        (1, 0.025_317_807_984_289_876, 5.571_643_390_938_898),
        (10, 4.795_388_696_132_434, 18.390_356_042_017_78),
        (100, 81.363_991_250_923_14, 121.626_793_792_426_38),
    ];
    for (x, low, high) in cases {
        let ci = garwood_interval(x, 0.95);
        assert!((ci.low - low).abs() <= 1e-9 * low.max(1.0), "{x}: {ci:?}");
        assert!((ci.high - high).abs() <= 1e-9 * high, "{x}: {ci:?}");
    }
}

#[test]
fn status_is_inconclusive_when_the_interval_holds_the_target() {
    let m = Methodology::builtin();
    // 2024 suicides, target 139: 139 observed is inconclusive, 100 on track, 180 off track.
    assert_eq!(
        track_national(&m, "suicides", 2024, 139, 4).unwrap().status,
        Status::Inconclusive
    );
    assert_eq!(
        track_national(&m, "suicides", 2024, 100, 4).unwrap().status,
        Status::OnTrack
    );
    assert_eq!(
        track_national(&m, "suicides", 2024, 180, 4).unwrap().status,
        Status::OffTrack
    );
    // A half year is held to half the annual target: 95 suicides in H1 2023 (the plan's own
    // figure) against 147/2 = 73.5 is off track.
    let h1 = track_national(&m, "suicides", 2023, 95, 2).unwrap();
    assert_eq!((h1.target, h1.status), (73.5, Status::OffTrack));
    assert!((h1.change_vs_baseline - (190.0 / 155.0 - 1.0)).abs() < 1e-12);
    assert_eq!(h1.model_version, m.version);
    assert!(track_national(&m, "suicides", 2024, 1, 5).is_err());
    assert!(track_national(&m, "homicides", 2024, 1, 4).is_err());
}

#[test]
fn regions_follow_the_rule_from_their_own_baseline() {
    let m = Methodology::builtin();
    let p = track_region(&m, "offences_against_minors", 120, 2022, 2025, 80, 4).unwrap();
    assert_eq!(p.annual_target, 102); // 120 → 114 → 108 → 102
    assert_eq!(p.source, TargetSource::Rule);
    assert_eq!(p.status, Status::OnTrack); // 80 (63.4–99.6) < 102
    let from_2023 = track_region(&m, "offences_against_minors", 120, 2023, 2025, 80, 4).unwrap();
    assert_eq!(from_2023.annual_target, 108);
    assert!(track_region(&m, "suicides", 10, 2023, 2022, 1, 4).is_err());
}

#[test]
fn staffing_gaps_sum_over_schools_and_cap_coverage_at_one() {
    let g = PostGap::new(1.5, 0.5);
    assert_eq!((g.gap_fte, g.coverage), (1.0, Some(1.0 / 3.0)));
    let over = PostGap::new(1.0, 1.75);
    assert_eq!((over.gap_fte, over.coverage), (0.0, Some(1.0)));

    let school = |class_sets: f64, norm: f64, filled: f64, socped: f64| {
        staffing_gap(
            &StaffingInput {
                class_sets: Some(class_sets),
                psych_norm: Some(norm),
                psych_filled: Some(filled),
                psych_vacancy_quarters: Some(0.0),
                socped_norm: Some(1.0),
                socped_filled: Some(socped),
            },
            40.0,
        )
    };
    let schools = [
        school(80.0, 2.0, 1.0, 1.0), // gap 1
        school(45.0, 1.0, 1.5, 0.0), // surplus 0.5, no social pedagogue
        school(12.0, 0.0, 0.0, 1.0), // no psychologist required
    ];
    assert!(
        schools[0].psych_below_norm && !schools[1].psych_below_norm && !schools[2].psych_below_norm
    );
    let s = summarise(&schools);
    assert_eq!(s.psych_norm_fte, 3.0);
    assert_eq!(s.psych_filled_fte, 2.5);
    assert_eq!(s.psych_gap_fte, 1.0, "the surplus does not cover the gap");
    assert_eq!(s.psych_coverage, Some(2.0 / 3.0));
    assert_eq!(s.psych_schools_below_norm, 1);
    assert_eq!((s.socped_gap_fte, s.socped_schools_without), (1.0, 1));
    assert_eq!(s.socped_coverage, Some(2.0 / 3.0));
}
