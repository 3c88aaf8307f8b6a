//! Property tests of disclosure control: for any counts, the public never sees a count from 1
//! to 9, and within a protected margin no suppressed or rounded cell can be pinned down by
//! subtracting the published cells from the total — by an outsider or by an insider who knows
//! any one cell exactly.

#![allow(clippy::unwrap_used, reason = "tests: a failure should stop the test")]

use proptest::prelude::*;
use riskmap_model::protection::{Margin, Rounding, margin_is_safe, protect_margin};
use riskmap_model::suppression::{Cell, Shown};
use riskmap_model::{AdminLevel, Audience, Kato, Sensitivity, SuppressionPolicy};

fn sensitivity() -> impl Strategy<Value = Sensitivity> {
    prop_oneof![
        Just(Sensitivity::S0),
        Just(Sensitivity::S1),
        Just(Sensitivity::S2)
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, rng_seed: proptest::test_runner::RngSeed::Fixed(748), ..ProptestConfig::default() })]

    #[test]
    fn public_outputs_never_hold_small_counts(raw in proptest::collection::vec(0_u64..60, 2..25), class in sensitivity()) {
        let policy = SuppressionPolicy::recommended();
        let unit = Kato::parse("750000000").unwrap();
        let cell = Cell { sensitivity: class, level: AdminLevel::Region, unit: &unit, audience: &Audience::Public };
        let mut cells: Vec<_> = raw.iter().map(|&n| policy.count(n, &cell)).collect();
        let mut total = policy.count(raw.iter().sum(), &cell);
        let rules = Rounding { min_count: 10, step: if class == Sensitivity::S2 { 5 } else { 1 } };
        protect_margin(Margin { cells: &mut cells, raw: &raw, total: &mut total }, rules);
        for shown in cells.iter().chain(std::iter::once(&total)) {
            if let Some(value) = shown.value() {
                prop_assert!(value == 0 || value >= 10, "published {value}");
            }
        }
        prop_assert!(margin_is_safe(&cells, &raw, total, rules), "recoverable: {raw:?}");
        if total.value().is_some() && rules.step == 1 {
            let hidden_nonzero = cells.iter().zip(&raw).filter(|(c, n)| **n > 0 && c.value().is_none()).count();
            prop_assert!(hidden_nonzero == 0 || hidden_nonzero >= 3, "an insider could subtract: {raw:?}");
        }
    }

    #[test]
    fn rates_from_small_numerators_are_never_plain(numerator in 0_u64..40, denominator in 1.0_f64..1e6) {
        let policy = SuppressionPolicy::recommended();
        let unit = Kato::parse("750000000").unwrap();
        let cell = Cell { sensitivity: Sensitivity::S1, level: AdminLevel::Region, unit: &unit, audience: &Audience::Public };
        let shown = policy.rate(numerator, denominator, 10_000.0, &cell).shown();
        match numerator {
            0 => prop_assert!(matches!(shown, Shown::Value(_))),
            1..=9 => prop_assert_eq!(shown, Shown::Suppressed),
            10..=19 => prop_assert!(matches!(shown, Shown::Unstable(_))),
            _ => prop_assert!(matches!(shown, Shown::Value(_))),
        }
    }
}
