//! The composite mechanics against numpy/pandas: SVI percentile ranks with ties at the smallest
//! rank, the 1 − PR reversal, 4-decimal rounding, ≥ 0.90 flags, SPL/RPL, numpy-linear p5/p95
//! goalposts, clipped 0–10 scaling, and arithmetic, plain geometric (zero trap) and [1, 10]
//! geometric aggregation.
//!
//! The fixture `tests/fixtures/composite/composite_stl.csv` is built by
//! `make_composite_stl.py` exactly as the oracle's held-back `composite/` set is built
//! (`run_composite()` of `shared/oracle/make_oracle.py`, oracle README), on the St Louis data
//! that ships with the oracle; its hazard input is the oracle's `eb_global_truncated`, which is
//! also checked against this crate's EB here.
#![allow(clippy::unwrap_used, reason = "tests")]

mod common;

use std::collections::HashMap;
use std::path::PathBuf;

use riskmap_model::indicator::Direction;
use riskmap_score::composite::aggregate::{
    geometric_plain, weighted_geometric_one_ten, weighted_mean,
};
use riskmap_score::composite::goalposts::{Goalposts, calibrate, score};
use riskmap_score::composite::svi::{flag, percent_ranks, round_to, theme};
use riskmap_score::composite::treatment::Applied;
use riskmap_score::methodology::Share;
use riskmap_score::rates::{RateData, global_eb};

struct Fixture {
    rows: Vec<HashMap<String, String>>,
    meta: serde_json::Value,
}

impl Fixture {
    fn load() -> Self {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/composite");
        let mut reader = csv::Reader::from_path(dir.join("composite_stl.csv")).unwrap();
        let headers = reader.headers().unwrap().clone();
        let rows = reader
            .records()
            .map(|r| {
                let r = r.unwrap();
                headers
                    .iter()
                    .map(str::to_owned)
                    .zip(r.iter().map(str::to_owned))
                    .collect()
            })
            .collect();
        let meta = std::fs::read_to_string(dir.join("composite_stl_meta.json")).unwrap();
        Self {
            rows,
            meta: serde_json::from_str(&meta).unwrap(),
        }
    }

    fn column(&self, name: &str) -> Vec<f64> {
        self.rows.iter().map(|r| r[name].parse().unwrap()).collect()
    }

    fn goalposts(&self, name: &str) -> Goalposts {
        let g = &self.meta["goalposts"][name];
        Goalposts {
            lo: g["lo_p5"].as_f64().unwrap(),
            hi: g["hi_p95"].as_f64().unwrap(),
        }
    }
}

fn some(x: &[f64]) -> Vec<Option<f64>> {
    x.iter().map(|v| Some(*v)).collect()
}

fn assert_close(what: &str, got: &[f64], expected: &[f64], tol: f64) {
    assert_eq!(got.len(), expected.len(), "{what}: length");
    for (i, (g, e)) in got.iter().zip(expected).enumerate() {
        assert!(
            (g - e).abs() <= tol,
            "{what}[{i}]: got {g:?}, expected {e:?}"
        );
    }
}

#[test]
fn hazard_input_is_this_crates_truncated_eb() {
    let f = Fixture::load();
    let oracle = common::Csv::read(&common::oracle("stl/smoothing_HC8893_PO8893.csv"));
    let parse = |name| -> Vec<f64> {
        oracle
            .strings(name)
            .iter()
            .map(|v| v.parse().unwrap())
            .collect()
    };
    let (e, b) = (parse("e"), parse("b"));
    let eb = global_eb(&RateData::new(&e, &b).unwrap()).unwrap();
    let ours: Vec<f64> = eb
        .estimates
        .iter()
        .map(|x| x.unwrap() * 100_000.0)
        .collect();
    let expected = f.column("eb_rate_per_100k");
    for (g, x) in ours.iter().zip(&expected) {
        assert!((g / x - 1.0).abs() < 1e-9, "{g} vs {x}");
    }
}

#[test]
fn percentile_ranks_reversal_rounding_and_flags_match_exactly() {
    let f = Fixture::load();
    let cases = [
        ("eb_rate_per_100k", "pr_eb_rate", Direction::HigherIsWorse),
        ("hr7984", "pr_hr7984", Direction::HigherIsWorse),
        (
            "population",
            "pr_population_reversed",
            Direction::LowerIsWorse,
        ),
    ];
    let mut rounded_columns = Vec::new();
    for (input, pr, direction) in cases {
        let got: Vec<f64> = percent_ranks(&some(&f.column(input)), direction)
            .unwrap()
            .into_iter()
            .map(Option::unwrap)
            .collect();
        assert_eq!(got, f.column(pr), "{pr}");
        let rounded: Vec<f64> = got.iter().map(|p| round_to(*p, 4)).collect();
        assert_eq!(rounded, f.column(&format!("{pr}_round4")), "{pr}_round4");
        let flags: Vec<f64> = rounded
            .iter()
            .map(|p| f64::from(u8::from(flag(*p))))
            .collect();
        assert_eq!(flags, f.column(&format!("flag_{pr}")), "flag_{pr}");
        rounded_columns.push(some(&rounded));
    }
    // HR7984 has ties (counties without homicides), which all take the smallest rank.
    let hr = f.column("pr_hr7984");
    assert!(hr.iter().filter(|p| **p == 0.0).count() > 1);
    let t = theme(&rounded_columns).unwrap();
    let spl: Vec<f64> = t.spl.iter().map(|x| x.unwrap()).collect();
    let rpl: Vec<f64> = t.rpl.iter().map(|x| x.unwrap()).collect();
    assert_eq!(spl, f.column("spl_sum"));
    assert_eq!(rpl, f.column("rpl_overall"));
    let flags_total: Vec<f64> = (0..f.rows.len())
        .map(|i| {
            rounded_columns
                .iter()
                .filter(|c| flag(c[i].unwrap()))
                .count() as f64
        })
        .collect();
    assert_eq!(flags_total, f.column("f_total"));
}

#[test]
fn goalposts_are_numpy_linear_percentiles_and_scores_clip_to_0_10() {
    let f = Fixture::load();
    for (input, name, column) in [
        ("eb_rate_per_100k", "eb_rate_per_100k", "s_eb_rate"),
        ("hr7984", "hr7984", "s_hr7984"),
    ] {
        let g = calibrate(&some(&f.column(input)), 5.0, 95.0).unwrap();
        assert_eq!(g, f.goalposts(name), "{name}");
        let s: Vec<f64> = f
            .column(input)
            .iter()
            .map(|x| score(*x, g, &Applied::None, Direction::HigherIsWorse))
            .collect();
        assert_eq!(s, f.column(column), "{column}");
    }
    // The capacity proxy: log-transformed, scaled, reversed.
    let logged: Vec<f64> = f.column("population").iter().map(|x| x.ln()).collect();
    let g = calibrate(&some(&logged), 5.0, 95.0).unwrap();
    assert_eq!(g, f.goalposts("log_population"));
    let s: Vec<f64> = logged
        .iter()
        .map(|x| score(*x, g, &Applied::None, Direction::LowerIsWorse))
        .collect();
    assert_eq!(s, f.column("s_lack_capacity"));
}

#[test]
fn aggregation_matches_and_the_plain_geometric_mean_shows_the_zero_trap() {
    let f = Fixture::load();
    let dims = [
        f.column("s_eb_rate"),
        f.column("s_hr7984"),
        f.column("s_lack_capacity"),
    ];
    let all = Share {
        numerator: 1,
        denominator: 1,
    };
    let (mut arithmetic, mut plain, mut one_ten) = (Vec::new(), Vec::new(), Vec::new());
    for ((&a, &b), &c) in dims[0].iter().zip(&dims[1]).zip(&dims[2]) {
        let s = [a, b, c];
        arithmetic.push(weighted_mean(&some(&s), &[1.0; 3], all).unwrap());
        plain.push(geometric_plain(&s));
        one_ten.push(weighted_geometric_one_ten(&some(&s), &[1.0; 3], all).unwrap());
    }
    assert_close(
        "agg_arithmetic",
        &arithmetic,
        &f.column("agg_arithmetic"),
        1e-12,
    );
    assert_close(
        "agg_geometric_raw",
        &plain,
        &f.column("agg_geometric_raw"),
        1e-12,
    );
    assert_close(
        "agg_geometric_1to10",
        &one_ten,
        &f.column("agg_geometric_1to10"),
        1e-12,
    );
    let trapped = plain.iter().filter(|x| **x == 0.0).count();
    assert_eq!(trapped as u64, f.meta["zero_trap_units"].as_u64().unwrap());
    assert!(trapped > 0);
    for i in (0..plain.len()).filter(|&i| plain[i] == 0.0) {
        let nonzero = dims.iter().any(|d| d[i] > 0.0);
        assert_eq!(
            one_ten[i] > 0.0,
            nonzero,
            "unit {i}: the [1, 10] mean keeps the other dimensions"
        );
    }
}
