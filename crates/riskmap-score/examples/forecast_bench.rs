//! Times `riskmap_score::forecast::fit` on an hhh4 oracle directory (`counts.csv`,
//! `population.csv`, `neighbours.csv`) for NegBin1, Poisson and NegBinM with S = 1, best of 3,
//! and prints `{"<family>": {"seconds": …, "coefficients": {…}}}` for
//! `scripts/bench-forecast.sh`, which runs R's `hhh4` on the same files. Not a test.
//! Usage: `cargo run --release -p riskmap-score --example forecast_bench -- DIR FREQUENCY`.
#![allow(
    clippy::unwrap_used,
    clippy::print_stdout,
    reason = "benchmark harness"
)]

use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;

use riskmap_score::forecast::{Family, ModelSpec, Panel, fit};

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

fn panel(dir: &Path) -> Panel {
    let (header, data) = rows(&dir.join("counts.csv"));
    let units: Vec<String> = header[1..].to_vec();
    let time = data.iter().map(|r| r[0].parse().unwrap()).collect();
    let counts = data
        .iter()
        .map(|r| r[1..].iter().map(|v| v.parse().unwrap()).collect())
        .collect();
    let (_, pop) = rows(&dir.join("population.csv"));
    let pop: HashMap<String, f64> = pop
        .iter()
        .map(|r| (r[0].clone(), r[1].parse().unwrap()))
        .collect();
    let (nb_header, nb) = rows(&dir.join("neighbours.csv"));
    let nb: HashMap<String, Vec<String>> = nb.into_iter().map(|r| (r[0].clone(), r)).collect();
    let adjacent: Vec<Vec<bool>> = units
        .iter()
        .map(|u| {
            units
                .iter()
                .map(|v| nb[u][nb_header.iter().position(|h| h == v).unwrap()] == "1")
                .collect()
        })
        .collect();
    let offset = units.iter().map(|u| pop[u]).collect();
    Panel::new(units, time, counts, offset, &adjacent).unwrap()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let data = panel(Path::new(&args[1]));
    let frequency: f64 = args[2].parse().unwrap();
    let mut parts = Vec::new();
    for (name, family) in [
        ("NegBin1", Family::NegBin1),
        ("Poisson", Family::Poisson),
        ("NegBinM", Family::NegBinM),
    ] {
        let spec = ModelSpec {
            frequency,
            seasons: 1,
            family,
        };
        let mut best = f64::INFINITY;
        let mut last = None;
        for _ in 0..3 {
            let start = Instant::now();
            let fitted = fit(&data, &spec, data.n_times(), None).unwrap();
            best = best.min(start.elapsed().as_secs_f64());
            last = Some(fitted);
        }
        let fitted = last.unwrap();
        let coefficients: serde_json::Map<String, serde_json::Value> = fitted
            .coefficients()
            .into_iter()
            .map(|(k, v)| (k, serde_json::json!(v)))
            .collect();
        parts.push(format!(
            "\"{name}\": {{\"seconds\": {best}, \"iterations\": {}, \"coefficients\": {}}}",
            fitted.iterations(),
            serde_json::Value::Object(coefficients)
        ));
    }
    println!("{{{}}}", parts.join(", "));
}
