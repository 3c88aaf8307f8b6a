//! Property tests of the composite (proptest): percentile ranks are invariant to strictly
//! increasing transforms, every score lies in [0, 10], raising a harm indicator never lowers the
//! composite (with the treatment held fixed), the availability rule decides exactly which units
//! get a score, results do not depend on the order of the units (nor on anything but the unit's
//! own values, the cross-section's distribution and the methodology), and driver contributions
//! add up to the composite.
#![allow(clippy::unwrap_used, reason = "tests")]

mod support;

use proptest::prelude::*;
use riskmap_model::Period;
use riskmap_model::indicator::Direction;
use riskmap_score::composite::svi::percent_ranks;
use riskmap_score::composite::{CrossSection, PeriodScores, score_cross_section};
use riskmap_score::methodology::{Methodology, dimension_index};

/// The shipped methodology with few Monte Carlo draws and, optionally, no outlier treatment.
fn methodology(treatment: bool) -> Methodology {
    let mut edits = vec![("draws = 100", "draws = 8")];
    if !treatment {
        edits.push(("treatment = \"auto\"", "treatment = \"none\""));
    }
    support::methodology_with(&edits)
}

fn cross_section(m: &Methodology, values: Vec<Vec<Option<f64>>>) -> CrossSection {
    let n = values[0].len();
    CrossSection {
        period: Period::parse("2024-Q4").unwrap(),
        units: (0..n).map(|i| format!("u{i}")).collect(),
        regions: (0..n).map(|i| format!("r{}", i % 3)).collect(),
        national: vec![None; m.indicators.len()],
        values,
        small_denominator: vec![false; n],
        quarters_reported: vec![4; n],
        late: vec![false; n],
    }
}

/// Indicator values for n units: each in [0, 2·hi] of its goalposts, ~15 % missing.
fn values(m: &Methodology) -> impl Strategy<Value = Vec<Vec<Option<f64>>>> {
    let his: Vec<f64> = m.indicators.iter().map(|i| i.goalposts.hi).collect();
    (4usize..30).prop_flat_map(move |n| {
        his.iter()
            .map(|&hi| {
                prop::collection::vec(
                    prop_oneof![1 => Just(None), 6 => (0.0..2.0 * hi).prop_map(Some)],
                    n,
                )
            })
            .collect::<Vec<_>>()
    })
}

fn composites(s: &PeriodScores) -> Vec<Option<f64>> {
    s.units.iter().map(|u| u.composite).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn percent_ranks_ignore_strictly_increasing_transforms(
        x in prop::collection::vec(prop_oneof![1 => Just(None), 4 => (0u8..12).prop_map(|v| Some(f64::from(v)))], 1..40)
    ) {
        for direction in [Direction::HigherIsWorse, Direction::LowerIsWorse] {
            let base = percent_ranks(&x, direction).unwrap();
            let transformed: Vec<Option<f64>> = x.iter().map(|v| v.map(|v| (v / 3.0).exp() + 7.0)).collect();
            prop_assert_eq!(&base, &percent_ranks(&transformed, direction).unwrap());
        }
    }

    #[test]
    fn svi_ranks_equal_the_crates_percent_rank_on_available_values(
        x in prop::collection::vec(prop_oneof![1 => Just(None), 4 => (-3i8..9).prop_map(|v| Some(f64::from(v) * 0.5))], 1..60)
    ) {
        let ours: Vec<f64> = percent_ranks(&x, Direction::HigherIsWorse).unwrap().into_iter().flatten().collect();
        let available: Vec<f64> = x.iter().flatten().copied().collect();
        prop_assert_eq!(ours, riskmap_score::ranks::percent_rank(&available).unwrap());
    }

    #[test]
    fn every_score_lies_between_0_and_10(v in values(&methodology(true))) {
        let m = methodology(true);
        let s = score_cross_section(&m, &cross_section(&m, v)).unwrap();
        for u in &s.units {
            let all = u.indicators.iter().filter_map(|i| i.score)
                .chain(u.dimensions.iter().flatten().copied())
                .chain(u.composite);
            for x in all {
                prop_assert!((0.0..=10.0).contains(&x), "{x}");
            }
        }
    }

    #[test]
    fn raising_a_harm_indicator_never_lowers_the_composite(
        v in values(&methodology(false)), unit in 0usize..4, k in 0usize..8, bump in 0.0f64..50.0
    ) {
        let m = methodology(false);
        prop_assume!(dimension_index(m.indicators[k].dimension) == 0);
        let before = score_cross_section(&m, &cross_section(&m, v.clone())).unwrap();
        let mut raised = v;
        raised[k][unit] = raised[k][unit].map(|x| x + bump);
        let after = score_cross_section(&m, &cross_section(&m, raised)).unwrap();
        if let (Some(a), Some(b)) = (after.units[unit].composite, before.units[unit].composite) {
            prop_assert!(a >= b - 1e-12, "{b} → {a}");
        }
        prop_assert_eq!(after.units[unit].composite.is_some(), before.units[unit].composite.is_some());
    }

    #[test]
    fn a_score_exists_exactly_when_two_thirds_are_available(v in values(&methodology(true))) {
        let m = methodology(true);
        let s = score_cross_section(&m, &cross_section(&m, v.clone())).unwrap();
        let dims = m.indicator_dimensions();
        for (i, u) in s.units.iter().enumerate() {
            let mut dims_ok = 0;
            for d in 0..3 {
                let total = dims.iter().filter(|&&x| x == d).count();
                let available = (0..v.len()).filter(|&k| dims[k] == d && v[k][i].is_some()).count();
                let ok = 3 * available >= 2 * total;
                prop_assert_eq!(u.dimensions[d].is_some(), ok, "unit {} dimension {}", i, d);
                dims_ok += usize::from(ok);
            }
            prop_assert_eq!(u.composite.is_some(), dims_ok >= 2);
        }
    }

    #[test]
    fn results_do_not_depend_on_the_order_of_units(v in values(&methodology(true)), shift in 1usize..30) {
        let m = methodology(true);
        let n = v[0].len();
        let rotated: Vec<Vec<Option<f64>>> = v.iter()
            .map(|col| (0..n).map(|i| col[(i + shift) % n]).collect())
            .collect();
        let mut a_cs = cross_section(&m, v);
        a_cs.regions = vec!["r".to_owned(); n];
        let mut b_cs = cross_section(&m, rotated);
        b_cs.regions = vec!["r".to_owned(); n];
        let a = score_cross_section(&m, &a_cs).unwrap();
        let b = score_cross_section(&m, &b_cs).unwrap();
        for i in 0..n {
            let (x, y) = (&a.units[(i + shift) % n], &b.units[i]);
            prop_assert_eq!(x.composite, y.composite);
            prop_assert_eq!(x.dimensions, y.dimensions);
            prop_assert_eq!(x.rank, y.rank);
            prop_assert_eq!(x.percent_rank_national, y.percent_rank_national);
            prop_assert_eq!(x.rank_interval, y.rank_interval);
            prop_assert_eq!(x.flags_total, y.flags_total);
        }
    }

    #[test]
    fn contributions_add_up_to_the_composite(v in values(&methodology(true))) {
        let m = methodology(true);
        let s = score_cross_section(&m, &cross_section(&m, v)).unwrap();
        for u in &s.units {
            let Some(c) = u.composite else { continue };
            let total: f64 = u.indicators.iter().filter_map(|i| i.contribution).sum();
            prop_assert!((total - c).abs() < 1e-9, "{total} vs {c}");
            prop_assert!(u.drivers.len() <= 3);
            prop_assert!(u.drivers.windows(2).all(|w| w[0].contribution >= w[1].contribution));
        }
    }
}

#[test]
fn composite_is_none_for_everyone_when_one_dimension_is_blank_and_another_thin() {
    let m = methodology(true);
    let n = 6;
    let mut v: Vec<Vec<Option<f64>>> = m
        .indicators
        .iter()
        .map(|i| vec![Some(i.goalposts.hi / 2.0); n])
        .collect();
    let dims = m.indicator_dimensions();
    for (k, col) in v.iter_mut().enumerate() {
        if dims[k] == 1 {
            *col = vec![None; n]; // vulnerability missing everywhere
        }
    }
    let s = score_cross_section(&m, &cross_section(&m, v.clone())).unwrap();
    assert!(
        s.units
            .iter()
            .all(|u| u.composite.is_some() && u.dimensions[1].is_none()),
        "2 of 3 dimensions suffice"
    );
    let first_coping = (0..v.len()).find(|&k| dims[k] == 2).unwrap();
    let second_coping = (first_coping + 1..v.len()).find(|&k| dims[k] == 2).unwrap();
    v[first_coping] = vec![None; n];
    v[second_coping] = vec![None; n];
    let s = score_cross_section(&m, &cross_section(&m, v)).unwrap();
    assert!(
        s.units
            .iter()
            .all(|u| u.composite.is_none() && u.rank.is_none() && u.rank_interval.is_none())
    );
}

#[test]
fn rank_intervals_are_seeded_and_bracket_the_median() {
    let m = support::methodology_with(&[("draws = 100", "draws = 64")]);
    let v: Vec<Vec<Option<f64>>> = m
        .indicators
        .iter()
        .map(|i| {
            (0..25)
                .map(|u| {
                    Some(i.goalposts.hi * f64::from(u) / 24.0 * if u % 3 == 0 { 0.5 } else { 1.0 })
                })
                .collect()
        })
        .collect();
    let cs = cross_section(&m, v);
    let a = score_cross_section(&m, &cs).unwrap();
    let b = score_cross_section(&m, &cs).unwrap();
    assert_eq!(composites(&a), composites(&b));
    for (x, y) in a.units.iter().zip(&b.units) {
        let (ix, iy) = (x.rank_interval.unwrap(), y.rank_interval.unwrap());
        assert_eq!(ix, iy, "same seed, same intervals");
        assert!(ix.low <= ix.median && ix.median <= ix.high, "{ix:?}");
        assert!(ix.low >= 1.0 && ix.high <= 25.0);
    }
    let other =
        support::methodology_with(&[("draws = 100", "draws = 64"), ("seed = 12345", "seed = 99")]);
    let c = score_cross_section(&other, &cs).unwrap();
    assert!(
        a.units
            .iter()
            .zip(&c.units)
            .any(|(x, y)| x.rank_interval != y.rank_interval),
        "another seed gives other draws"
    );
}
