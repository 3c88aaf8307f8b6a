//! Re-disclosure of frozen values: a later reader never sees more than its own rules allow,
//! nor more than the first reader saw. The expected symbols are written out from
//! docs/disclosure.md's rules, case by case.

#![allow(clippy::unwrap_used, reason = "tests: a failure should stop the test")]

use riskmap_model::suppression::Cell;
use riskmap_model::{AdminLevel, Audience, Frozen, Kato, Sensitivity, SuppressionPolicy};

fn kato(text: &str) -> Kato {
    Kato::parse(text).unwrap()
}

fn shown_count(policy: &SuppressionPolicy, frozen: &Frozen<u64>, cell: &Cell<'_>) -> String {
    let d = policy.redisclose_count(frozen, cell);
    match (d.value(), d.symbol()) {
        (Some(v), None) => v.to_string(),
        (Some(v), Some(s)) => format!("{v}{s}"),
        (None, _) => match d.shown() {
            riskmap_model::Shown::Band(b) => format!("band {b}"),
            _ => d.symbol().unwrap_or("?").to_owned(),
        },
    }
}

#[test]
fn frozen_counts_follow_the_later_readers_rules() {
    let policy = SuppressionPolicy::recommended();
    let district = kato("751210000");
    let other = kato("751510000");
    let akimat = Audience::Regional {
        region: district.region(),
        district: None,
    };
    let crisis_here = Audience::Crisis {
        districts: vec![district],
    };
    let crisis_elsewhere = Audience::Crisis {
        districts: vec![other],
    };
    let cases = [
        // (sensitivity, level, count, later reader, expected)
        (
            Sensitivity::S1,
            AdminLevel::District,
            7,
            &Audience::Ministry,
            "7",
        ),
        (Sensitivity::S1, AdminLevel::District, 7, &crisis_here, "7"),
        (
            Sensitivity::S1,
            AdminLevel::District,
            7,
            &crisis_elsewhere,
            "c",
        ),
        (
            Sensitivity::S1,
            AdminLevel::District,
            40,
            &crisis_elsewhere,
            "c",
        ),
        (
            Sensitivity::S0,
            AdminLevel::District,
            7,
            &crisis_elsewhere,
            "c",
        ),
        (
            Sensitivity::S0,
            AdminLevel::District,
            40,
            &crisis_elsewhere,
            "40",
        ),
        (
            Sensitivity::S2,
            AdminLevel::School,
            2,
            &Audience::Ministry,
            "band 1-2",
        ),
        (
            Sensitivity::S2,
            AdminLevel::School,
            2,
            &crisis_here,
            "band 1-2",
        ),
        (
            Sensitivity::S2,
            AdminLevel::School,
            2,
            &Audience::Public,
            "c",
        ),
        (
            Sensitivity::S2,
            AdminLevel::School,
            2,
            &Audience::Steward,
            "c",
        ),
    ];
    for (sensitivity, level, count, later, expected) in cases {
        let first = Cell {
            sensitivity,
            level,
            unit: &district,
            audience: &akimat,
        };
        let frozen = Frozen::freeze(policy.count(count, &first), &first);
        let cell = Cell {
            audience: later,
            ..first
        };
        assert_eq!(
            shown_count(&policy, &frozen, &cell),
            expected,
            "{sensitivity:?} {level:?} {count} for {later:?}"
        );
    }
}

#[test]
fn a_band_never_becomes_a_number_and_a_withheld_value_stays_withheld() {
    let policy = SuppressionPolicy::recommended();
    let district = kato("751210000");
    let akimat = Audience::Regional {
        region: district.region(),
        district: None,
    };
    let school = Cell {
        sensitivity: Sensitivity::S2,
        level: AdminLevel::School,
        unit: &district,
        audience: &akimat,
    };
    let banded = Frozen::freeze(policy.count(2, &school), &school);
    let ministry = Cell {
        audience: &Audience::Ministry,
        ..school
    };
    assert_eq!(shown_count(&policy, &banded, &ministry), "band 1-2");
    let public = Cell {
        sensitivity: Sensitivity::S1,
        level: AdminLevel::Region,
        unit: &district,
        audience: &Audience::Public,
    };
    let withheld = Frozen::freeze(policy.count(4, &public), &public);
    let ministry = Cell {
        audience: &Audience::Ministry,
        ..public
    };
    assert_eq!(shown_count(&policy, &withheld, &ministry), "c");
    let released = Frozen::freeze(policy.count(40, &public), &public);
    assert_eq!(
        shown_count(&policy, &released, &public),
        "40",
        "the release stays as published"
    );
}

#[test]
fn frozen_rates_are_withheld_outside_the_scope_unless_released() {
    let policy = SuppressionPolicy::recommended();
    let district = kato("751210000");
    let akimat = Audience::Regional {
        region: district.region(),
        district: None,
    };
    let first = Cell {
        sensitivity: Sensitivity::S1,
        level: AdminLevel::District,
        unit: &district,
        audience: &akimat,
    };
    let frozen = Frozen::freeze(policy.rate(40, 1000.0, 10_000.0, &first), &first);
    let elsewhere = Audience::Crisis {
        districts: vec![kato("751510000")],
    };
    assert_eq!(
        policy
            .redisclose_rate(
                &frozen,
                &Cell {
                    audience: &elsewhere,
                    ..first
                }
            )
            .symbol(),
        Some("c")
    );
    assert_eq!(
        policy
            .redisclose_rate(
                &frozen,
                &Cell {
                    audience: &Audience::Ministry,
                    ..first
                }
            )
            .value(),
        Some(400.0)
    );
    let json = serde_json::to_string(&frozen).unwrap();
    let back: Frozen<f64> = serde_json::from_str(&json).unwrap();
    assert_eq!(back, frozen, "round trip through the store's JSON");
}
