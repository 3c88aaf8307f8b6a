//! `riskmap forecast` against R `surveillance` 1.20.3 on `shared/oracle/hhh4/measles`: all four
//! models through the built binary — `--params` (coefficients 1e-4 absolute on R's log scale
//! for overdispersion, SEs 1e-3 relative, log-likelihood 1e-6 relative), `--fitted` (1e-4
//! relative) and `--fit-to 78 --out` (means 1e-4, sizes 1e-3 relative). Boundary
//! overdispersion (psi > 1e6 in R, districts without a case) must be at the boundary too.
//! Bad files are refused naming file, row and column, and nothing is written.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::support::riskmap;

fn oracle_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/oracle/hhh4/measles")
}

fn rows(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_path(path).unwrap();
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

fn input_args(dir: &Path) -> Vec<String> {
    let file = |name: &str| dir.join(name).display().to_string();
    vec![
        "forecast".into(),
        "--counts".into(),
        file("counts.csv"),
        "--population".into(),
        file("population.csv"),
        "--neighbours".into(),
        file("neighbours.csv"),
        "--frequency".into(),
        "52".into(),
    ]
}

fn run(args: &[String]) -> (i32, String) {
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = riskmap(&refs);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.code().unwrap_or(-1), text)
}

const BOUNDARY: f64 = 1e6;

fn family_arg(family: &str) -> &'static str {
    match family {
        "Poisson" => "poisson",
        "NegBin1" => "negbin1",
        _ => "negbinM",
    }
}

fn check_model(name: &str) {
    let expected: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(oracle_dir().join("expected.json")).unwrap())
            .unwrap();
    let model = &expected["models"][name];
    let work = tempfile::tempdir().unwrap();
    let params = work.path().join("params.json");
    let fitted = work.path().join("fitted.csv");
    let mut args = input_args(&oracle_dir());
    let family = family_arg(model["family"].as_str().unwrap());
    let seasons = model["seasons"].to_string();
    args.extend([
        "--seasons".into(),
        seasons.clone(),
        "--family".into(),
        family.into(),
    ]);
    let mut full = args.clone();
    full.extend([
        "--params".into(),
        params.display().to_string(),
        "--fitted".into(),
        fitted.display().to_string(),
    ]);
    let (code, text) = run(&full);
    assert_eq!(code, 0, "{name}: {text}");
    check_params(name, model, &params);
    check_fitted(name, &fitted);

    let out = work.path().join("out.csv");
    let params78 = work.path().join("params78.json");
    let mut ahead = args;
    ahead.extend([
        "--fit-to".into(),
        "78".into(),
        "--params".into(),
        params78.display().to_string(),
        "--out".into(),
        out.display().to_string(),
    ]);
    let (code, text) = run(&ahead);
    assert_eq!(code, 0, "{name}: {text}");
    check_predictions(name, &out);
}

fn check_params(name: &str, model: &serde_json::Value, path: &Path) {
    let ours: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let coefficients = ours["coefficients"].as_object().unwrap();
    let theirs = model["coefficients"].as_object().unwrap();
    let mut names: Vec<&String> = coefficients.keys().collect();
    let mut their_names: Vec<&String> = theirs.keys().collect();
    names.sort();
    their_names.sort();
    assert_eq!(names, their_names, "{name}: coefficient names");
    for (key, value) in theirs {
        let (r, us) = (value.as_f64().unwrap(), coefficients[key].as_f64().unwrap());
        if key.starts_with("overdisp") && r > BOUNDARY {
            assert!(us > BOUNDARY, "{name} {key}: {us}, R at the boundary {r}");
            continue;
        }
        let error = if key.starts_with("overdisp") {
            (us.ln() - r.ln()).abs()
        } else {
            (us - r).abs()
        };
        assert!(error < 1e-4, "{name} {key}: {us} vs {r}");
        let (r_se, us_se) = (
            model["se"][key].as_f64().unwrap(),
            ours["se"][key].as_f64().unwrap(),
        );
        assert!(
            (us_se / r_se - 1.0).abs() < 1e-3,
            "{name} se {key}: {us_se} vs {r_se}"
        );
    }
    let (r, us) = (
        model["loglik"].as_f64().unwrap(),
        ours["loglik"].as_f64().unwrap(),
    );
    assert!((us / r - 1.0).abs() < 1e-6, "{name} loglik {us} vs {r}");
}

fn check_fitted(name: &str, path: &Path) {
    let (header, ours) = rows(path);
    let (their_header, theirs) = rows(&oracle_dir().join(format!("fitted_{name}.csv")));
    assert_eq!(header, their_header, "{name}: fitted header");
    assert_eq!(ours.len(), theirs.len(), "{name}: fitted rows");
    for (a, b) in ours.iter().zip(&theirs) {
        assert_eq!(a[0], b[0]);
        for k in 1..a.len() {
            let (us, r): (f64, f64) = (a[k].parse().unwrap(), b[k].parse().unwrap());
            assert!(
                (us / r - 1.0).abs() < 1e-4,
                "{name} fitted t={} {}: {us} vs {r}",
                a[0],
                header[k]
            );
        }
    }
}

fn check_predictions(name: &str, path: &Path) {
    let (header, ours) = rows(path);
    assert_eq!(header, ["t", "unit", "mean", "size"]);
    let (_, theirs) = rows(&oracle_dir().join(format!("predict_{name}.csv")));
    let theirs: HashMap<(String, String), (f64, String)> = theirs
        .into_iter()
        .map(|r| {
            (
                (r[0].clone(), r[1].clone()),
                (r[3].parse().unwrap(), r[4].clone()),
            )
        })
        .collect();
    assert_eq!(ours.len(), theirs.len(), "{name}: prediction rows");
    for row in &ours {
        let (mean, size) = &theirs[&(row[0].clone(), row[1].clone())];
        let us: f64 = row[2].parse().unwrap();
        assert!(
            (us / mean - 1.0).abs() < 1e-4,
            "{name} mean {row:?} vs {mean}"
        );
        if size.is_empty() {
            assert!(row[3].is_empty(), "{name}: Poisson has no size: {row:?}");
            continue;
        }
        let (us, r): (f64, f64) = (row[3].parse().unwrap(), size.parse().unwrap());
        if r < 1.0 / BOUNDARY {
            assert!(us < 1.0 / BOUNDARY, "{name} size {row:?} vs {r}");
        } else {
            assert!((us / r - 1.0).abs() < 1e-3, "{name} size {row:?} vs {r}");
        }
    }
}

#[test]
fn forecast_negbin1_matches_r() {
    check_model("negbin1");
}

#[test]
fn forecast_poisson_matches_r() {
    check_model("poisson");
}

#[test]
fn forecast_negbin1_s2_matches_r() {
    check_model("negbin1_s2");
}

#[test]
fn forecast_negbin_m_matches_r() {
    check_model("negbinM");
}

/// Copies the oracle inputs into `dir`, replacing `name` by `contents` if given.
fn inputs_with(dir: &Path, replace: Option<(&str, String)>) {
    for file in ["counts.csv", "population.csv", "neighbours.csv"] {
        std::fs::copy(oracle_dir().join(file), dir.join(file)).unwrap();
    }
    if let Some((name, contents)) = replace {
        std::fs::write(dir.join(name), contents).unwrap();
    }
}

fn refused(replace: (&str, String), expect: &[&str]) {
    let work = tempfile::tempdir().unwrap();
    inputs_with(work.path(), Some(replace));
    let params = work.path().join("params.json");
    let mut args = input_args(work.path());
    args.extend(["--params".into(), params.display().to_string()]);
    let (code, text) = run(&args);
    assert_ne!(code, 0, "{text}");
    for needle in expect {
        assert!(text.contains(needle), "`{needle}` missing from: {text}");
    }
    assert!(!text.contains("NaN"), "{text}");
    assert!(!params.exists(), "nothing may be written on failure");
}

fn oracle_text(name: &str) -> String {
    std::fs::read_to_string(oracle_dir().join(name)).unwrap()
}

#[test]
fn bad_count_is_named_by_file_row_and_column() {
    let text = oracle_text("counts.csv").replacen("\n3,0,", "\n3,-2,", 1);
    refused(
        ("counts.csv", text),
        &["counts.csv", "row 4", "03401", "-2"],
    );
    let text = oracle_text("counts.csv").replacen("\n5,0,", "\n5,x,", 1);
    refused(("counts.csv", text), &["counts.csv", "row 6", "`03401`"]);
}

#[test]
fn zero_population_is_refused() {
    let text = oracle_text("population.csv").replacen("03402,0.020868243883225453", "03402,0", 1);
    refused(("population.csv", text), &["03402", "population"]);
}

#[test]
fn all_zero_counts_are_refused() {
    let mut text = String::new();
    for (k, line) in oracle_text("counts.csv").lines().enumerate() {
        if k == 0 {
            text.push_str(line);
        } else {
            let t = line.split(',').next().unwrap();
            text.push_str(&format!("{t}{}", ",0".repeat(17)));
        }
        text.push('\n');
    }
    refused(("counts.csv", text), &["zero", "not identifiable"]);
}

#[test]
fn no_neighbours_is_refused() {
    let text: String = oracle_text("neighbours.csv")
        .lines()
        .enumerate()
        .map(|(k, line)| {
            if k == 0 {
                format!("{line}\n")
            } else {
                let cells: Vec<&str> = line.split(',').collect();
                let rest: Vec<&str> = cells[1..]
                    .iter()
                    .map(|c| if *c == "1" { "2" } else { c })
                    .collect();
                format!("{},{}\n", cells[0], rest.join(","))
            }
        })
        .collect();
    refused(("neighbours.csv", text), &["neighbour"]);
}

#[test]
fn unknown_unit_in_population_is_named() {
    let text = oracle_text("population.csv").replacen("03462,", "99999,", 1);
    refused(("population.csv", text), &["population.csv", "99999"]);
}

/// Without --fit-to, --out forecasts the period after the last one.
#[test]
fn out_without_fit_to_forecasts_the_next_period() {
    let work = tempfile::tempdir().unwrap();
    let (params, out) = (work.path().join("p.json"), work.path().join("o.csv"));
    let mut args = input_args(&oracle_dir());
    args.extend([
        "--params".into(),
        params.display().to_string(),
        "--out".into(),
        out.display().to_string(),
    ]);
    let (code, text) = run(&args);
    assert_eq!(code, 0, "{text}");
    let (_, rows) = rows(&out);
    assert_eq!(rows.len(), 17);
    assert!(
        rows.iter()
            .all(|r| r[0] == "105" && r[2].parse::<f64>().unwrap() > 0.0)
    );
}

/// The back-test runs and reports all three methods with rates in [0, 1].
#[test]
fn backtest_reports_scores_and_detection() {
    let work = tempfile::tempdir().unwrap();
    let report = work.path().join("report.json");
    let mut args = input_args(&oracle_dir());
    args.extend([
        "--backtest".into(),
        "--fit-to".into(),
        "90".into(),
        "--report".into(),
        report.display().to_string(),
    ]);
    let (code, text) = run(&args);
    assert_eq!(code, 0, "{text}");
    let value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(value["cells"], 14 * 17);
    for method in ["hhh4", "naive", "ears_c2"] {
        assert!(value["scores"][method]["log_score"].as_f64().unwrap() > 0.0);
        assert!(value["scores"][method]["rps"].as_f64().unwrap() > 0.0);
        let rate = value["detection"][method]["false_alarm_rate"]
            .as_f64()
            .unwrap();
        assert!((0.0..=1.0).contains(&rate));
    }
}

/// With `--trigger-probability` the report adds the service's forecast trigger, scored on the
/// same injected outbreaks (and leaves it out otherwise).
#[test]
fn backtest_reports_the_forecast_trigger_when_asked() {
    let work = tempfile::tempdir().unwrap();
    let report = work.path().join("report.json");
    let mut args = input_args(&oracle_dir());
    args.extend([
        "--backtest".into(),
        "--fit-to".into(),
        "90".into(),
        "--trigger-probability".into(),
        "0.8".into(),
        "--report".into(),
        report.display().to_string(),
    ]);
    let (code, text) = run(&args);
    assert_eq!(code, 0, "{text}");
    let value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    let trigger = &value["forecast_trigger"];
    assert_eq!(trigger["probability"], 0.8);
    let d = &trigger["detection"];
    assert_eq!(
        d["outbreak_cells"].as_u64().unwrap() + d["other_cells"].as_u64().unwrap(),
        14 * 17
    );
    for key in ["sensitivity", "specificity", "false_alarm_rate"] {
        let rate = d[key].as_f64().unwrap_or(0.0);
        assert!((0.0..=1.0).contains(&rate), "{key}: {d}");
    }
}
