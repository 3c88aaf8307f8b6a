//! Times `riskmap_score::forecast::fit` at the service's scale: 20 NegBin1 fits (S = 1,
//! frequency 4, as `outlook` fits them) of panels simulated from the model on a ring of 224
//! districts over 8 and 24 quarters (and 20 regions over 8), best of 5. Prints one line per
//! shape. Not a test; compare before and after a change to the fit.
//! Usage: `cargo run --release -p riskmap-score --example forecast_service_bench`.
#![allow(
    clippy::unwrap_used,
    clippy::print_stdout,
    reason = "benchmark harness"
)]

use std::time::Instant;

use riskmap_score::forecast::simulate::simulate;
use riskmap_score::forecast::{Family, ModelSpec, Panel, fit};

const SPEC: ModelSpec = ModelSpec {
    frequency: 4.0,
    seasons: 1,
    family: Family::NegBin1,
};

/// `n` units on a ring, `t` quarters, offsets like pupil counts.
fn template(n: usize, t: usize) -> Panel {
    let adjacent: Vec<Vec<bool>> = (0..n)
        .map(|i| {
            (0..n)
                .map(|j| (i + 1) % n == j || (j + 1) % n == i)
                .collect()
        })
        .collect();
    Panel::new(
        (0..n).map(|i| format!("u{i}")).collect(),
        (1..=t).map(|k| k as f64).collect(),
        vec![vec![3.0; n]; t],
        (0..n).map(|i| 500.0 + 10.0 * i as f64).collect(),
        &adjacent,
    )
    .unwrap()
}

fn main() {
    let theta = [0.3_f64.ln(), 0.05_f64.ln(), 0.004_f64.ln(), 0.3, -0.2, 1.0];
    for (n, t) in [(224, 8), (224, 24), (20, 8)] {
        let panels: Vec<Panel> = (0..20)
            .map(|seed| simulate(&template(n, t), &SPEC, &theta, seed).unwrap())
            .collect();
        let mut best = f64::INFINITY;
        let mut converged = 0;
        for _ in 0..5 {
            let start = Instant::now();
            converged = panels
                .iter()
                .filter(|p| fit(p, &SPEC, t, None).is_ok())
                .count();
            best = best.min(start.elapsed().as_secs_f64());
        }
        println!("{n} units x {t} quarters: 20 fits in {best:.4} s ({converged} converged)");
    }
}
