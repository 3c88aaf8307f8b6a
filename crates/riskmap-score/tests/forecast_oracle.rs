//! The hhh4 forecaster against R `surveillance` 1.20.3 (`shared/oracle/hhh4/measles`): all
//! four models — coefficients (1e-4 absolute), standard errors (1e-3 relative),
//! log-likelihood (1e-6 relative), fitted means (1e-4 relative) and one-step-ahead
//! predictions for t = 79 … 104 (R's `oneStepAhead(type = "final")`: the parameters of the fit to
//! all the data; means 1e-4, sizes 1e-3 relative). Overdispersion estimates
//! that R leaves at the boundary (psi > 1e6 for the two districts without a single case: the
//! likelihood is flat there) must be at the boundary here too. `RISKMAP_HHH4_ORACLE=DIR` adds
//! another oracle directory written by the same R script.
#![allow(clippy::unwrap_used, reason = "tests")]

use std::collections::HashMap;
use std::path::PathBuf;

use riskmap_score::forecast::predict::one_step_ahead;
use riskmap_score::forecast::{Family, ModelSpec, Panel, fit};

fn measles_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/oracle/hhh4/measles")
}

thread_local! {
    static ORACLE: std::cell::RefCell<PathBuf> = std::cell::RefCell::new(measles_dir());
}

fn oracle_dir() -> PathBuf {
    ORACLE.with(|dir| dir.borrow().clone())
}

fn read_rows(name: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_path(oracle_dir().join(name)).unwrap();
    let header = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    (header, rows)
}

fn panel() -> Panel {
    let (header, rows) = read_rows("counts.csv");
    let units: Vec<String> = header[1..].to_vec();
    let time = rows.iter().map(|r| r[0].parse().unwrap()).collect();
    let counts = rows
        .iter()
        .map(|r| r[1..].iter().map(|v| v.parse().unwrap()).collect())
        .collect();
    let (_, pop) = read_rows("population.csv");
    let pop: HashMap<String, f64> = pop
        .iter()
        .map(|r| (r[0].clone(), r[1].parse().unwrap()))
        .collect();
    let offset = units.iter().map(|u| pop[u]).collect();
    let (nb_header, nb) = read_rows("neighbours.csv");
    let order: HashMap<String, Vec<String>> =
        nb.iter().map(|r| (r[0].clone(), r.clone())).collect();
    let adjacent = units
        .iter()
        .map(|u| {
            units
                .iter()
                .map(|v| {
                    let k = nb_header.iter().position(|h| h == v).unwrap();
                    order[u][k] == "1"
                })
                .collect()
        })
        .collect::<Vec<Vec<bool>>>();
    Panel::new(units, time, counts, offset, &adjacent).unwrap()
}

fn expected() -> serde_json::Value {
    let text = std::fs::read_to_string(oracle_dir().join("expected.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn spec_of(model: &serde_json::Value, frequency: f64) -> ModelSpec {
    let family = match model["family"].as_str().unwrap() {
        "Poisson" => Family::Poisson,
        "NegBin1" => Family::NegBin1,
        _ => Family::NegBinM,
    };
    ModelSpec {
        frequency,
        seasons: model["seasons"].as_u64().unwrap() as usize,
        family,
    }
}

const BOUNDARY: f64 = 1e6;

fn check_model(name: &str) {
    let all = expected();
    let model = &all["models"][name];
    let panel = panel();
    let spec = spec_of(model, all["frequency"].as_f64().unwrap());
    let fitted = fit(&panel, &spec, panel.n_times(), None).unwrap();
    let coefficients = fitted.coefficients();
    let se = fitted.standard_errors();
    assert_eq!(
        coefficients.len(),
        model["coefficients"].as_object().unwrap().len(),
        "{name}: number of coefficients"
    );
    for ((coef_name, ours), our_se) in coefficients.iter().zip(&se) {
        let theirs = model["coefficients"][coef_name]
            .as_f64()
            .unwrap_or_else(|| panic!("{name}: R has no {coef_name}"));
        let their_se = model["se"][coef_name].as_f64().unwrap();
        if coef_name.starts_with("overdisp") {
            if theirs > BOUNDARY {
                assert!(
                    *ours > BOUNDARY,
                    "{name} {coef_name}: R at the boundary ({theirs}), ours {ours}"
                );
                continue;
            }
            // Compare on R's internal log scale, −log(overdisp).
            assert!(
                (ours.ln() - theirs.ln()).abs() < 1e-4,
                "{name} {coef_name}: {ours} vs {theirs}"
            );
        } else {
            assert!(
                (ours - theirs).abs() < 1e-4,
                "{name} {coef_name}: {ours} vs {theirs}"
            );
        }
        let our_se = our_se.unwrap_or_else(|| panic!("{name}: no se for {coef_name}"));
        assert!(
            (our_se / their_se - 1.0).abs() < 1e-3,
            "{name} se {coef_name}: {our_se} vs {their_se}"
        );
    }
    let loglik = model["loglik"].as_f64().unwrap();
    assert!(
        (fitted.loglik() / loglik - 1.0).abs() < 1e-6,
        "{name} loglik {} vs {loglik}",
        fitted.loglik()
    );
    check_fitted(name, &panel, &fitted);
    check_predictions(
        name,
        &panel,
        &spec,
        all["predict_from"].as_u64().unwrap() as usize,
    );
}

fn check_fitted(name: &str, panel: &Panel, fitted: &riskmap_score::forecast::Fit) {
    let (header, rows) = read_rows(&format!("fitted_{name}.csv"));
    let ours = fitted.fitted(panel);
    assert_eq!(ours.len(), rows.len(), "{name}: fitted rows");
    for (our_row, row) in ours.iter().zip(&rows) {
        for (k, unit) in panel.units().iter().enumerate() {
            assert_eq!(&header[k + 1], unit);
            let theirs: f64 = row[k + 1].parse().unwrap();
            assert!(
                (our_row[k] / theirs - 1.0).abs() < 1e-4,
                "{name} fitted t={} {unit}: {} vs {theirs}",
                row[0],
                our_row[k]
            );
        }
    }
}

fn check_predictions(name: &str, panel: &Panel, spec: &ModelSpec, predict_from: usize) {
    // R's oneStepAhead(type = "final") predicts with the fit to all the data (`fit <- result`
    // in hhh4_oneStepAhead.R), not a fit on t <= tp: the oracle's predictions are the full
    // fit's means for t = tp+1 ... T.
    let fitted = fit(panel, spec, panel.n_times(), None).unwrap();
    let ours = one_step_ahead(panel, &fitted, predict_from - 1..panel.n_times()).unwrap();
    let (_, rows) = read_rows(&format!("predict_{name}.csv"));
    assert_eq!(ours.len(), rows.len(), "{name}: prediction rows");
    for (p, row) in ours.iter().zip(&rows) {
        assert_eq!(panel.time()[p.time].to_string(), row[0]);
        assert_eq!(panel.units()[p.unit], row[1]);
        let mean: f64 = row[3].parse().unwrap();
        assert!(
            (p.distribution.mean / mean - 1.0).abs() < 1e-4,
            "{name} mean {row:?}: {}",
            p.distribution.mean
        );
        match (p.distribution.size, row[4].as_str()) {
            (None, "") => {}
            (Some(ours), text) => {
                let theirs: f64 = text.parse().unwrap();
                if theirs < 1.0 / BOUNDARY {
                    assert!(ours < 1.0 / BOUNDARY, "{name} size {row:?}: {ours}");
                } else {
                    assert!(
                        (ours / theirs - 1.0).abs() < 1e-3,
                        "{name} size {row:?}: {ours}"
                    );
                }
            }
            (ours, theirs) => panic!("{name}: size {ours:?} vs {theirs:?}"),
        }
    }
}

/// Another oracle generated by `make_hhh4_oracle.R` (e.g. `fluBYBW`, 140 units × 416 weeks):
/// set `RISKMAP_HHH4_ORACLE=DIR` to check all four models on it too.
#[test]
fn oracle_from_environment_matches_r() {
    let Some(dir) = std::env::var_os("RISKMAP_HHH4_ORACLE") else {
        return;
    };
    ORACLE.with(|d| *d.borrow_mut() = PathBuf::from(dir));
    for model in ["negbin1", "poisson", "negbin1_s2", "negbinM"] {
        check_model(model);
    }
}

#[test]
fn negbin1_matches_r() {
    check_model("negbin1");
}

#[test]
fn poisson_matches_r() {
    check_model("poisson");
}

#[test]
fn negbin1_two_harmonics_matches_r() {
    check_model("negbin1_s2");
}

#[test]
fn negbin_m_matches_r() {
    check_model("negbinM");
}

/// The names R gives the coefficients, for any frequency and number of harmonics.
#[test]
fn coefficient_names_follow_r() {
    let spec = ModelSpec {
        frequency: 4.0,
        seasons: 3,
        family: Family::NegBinM,
    };
    let names = spec.coefficient_names(&["a".to_owned(), "b".to_owned()]);
    assert_eq!(
        names,
        [
            "ar.1",
            "ne.1",
            "end.1",
            "end.sin(2 * pi * t/4)",
            "end.cos(2 * pi * t/4)",
            "end.sin(4 * pi * t/4)",
            "end.cos(4 * pi * t/4)",
            "end.sin(6 * pi * t/4)",
            "end.cos(6 * pi * t/4)",
            "overdisp.a",
            "overdisp.b"
        ]
    );
    let none = ModelSpec {
        frequency: 365.25,
        seasons: 0,
        family: Family::NegBin1,
    };
    assert_eq!(
        none.coefficient_names(&[]),
        ["ar.1", "ne.1", "end.1", "overdisp"]
    );
}
