//! Drawing counts from the hhh4 model with known parameters (simulation tests, synthetic
//! data) and injecting synthetic outbreaks into observed counts (detection back-tests).
//! Every draw comes from a seeded ChaCha8 generator.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Gamma, Poisson};

use super::error::ForecastError;
use super::model::{Design, ModelSpec, Panel, unit_size};

/// One draw from NegBin(mean, size) (Gamma–Poisson mixture) or Poisson(mean).
pub fn draw_count(rng: &mut ChaCha8Rng, mean: f64, size: Option<f64>) -> f64 {
    let rate = match size {
        None => mean,
        Some(r) => match Gamma::new(r, mean / r) {
            Ok(gamma) => gamma.sample(rng),
            Err(_) => mean,
        },
    };
    if rate <= 0.0 || !rate.is_finite() {
        return 0.0;
    }
    Poisson::new(rate).map_or(0.0, |poisson| poisson.sample(rng).floor())
}

/// Counts drawn from the model with internal parameters `theta`, keeping the template's
/// first row, offsets, neighbours and times.
pub fn simulate(
    template: &Panel,
    spec: &ModelSpec,
    theta: &[f64],
    seed: u64,
) -> Result<Panel, ForecastError> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut panel = template.clone();
    let design = Design::new(template, spec);
    for t in 1..template.n_times() {
        let row: Vec<f64> = (0..template.n_units())
            .map(|i| {
                let mean = design.mean_parts(&panel, theta, t, i).total();
                draw_count(&mut rng, mean, unit_size(spec, theta, i))
            })
            .collect();
        let mut counts = panel.counts().to_vec();
        counts[t] = row;
        panel = panel.with_counts(counts)?;
    }
    Ok(panel)
}

/// How synthetic outbreaks are injected.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OutbreakPlan {
    /// Probability that an outbreak starts in a given unit and period of the window.
    pub start_probability: f64,
    /// Outbreak length in periods is uniform on 1..=max_length.
    pub max_length: usize,
    /// Extra cases per outbreak period ~ Poisson(magnitude × max(1, the unit's mean count)).
    pub magnitude: f64,
    /// Seed of the generator.
    pub seed: u64,
}

/// Counts with outbreaks added in time indices `window`, and the outbreak cells `[t][i]`.
pub fn inject_outbreaks(
    panel: &Panel,
    window: std::ops::Range<usize>,
    plan: &OutbreakPlan,
) -> Result<(Panel, Vec<Vec<bool>>), ForecastError> {
    let mut rng = ChaCha8Rng::seed_from_u64(plan.seed);
    let (n_t, n_u) = (panel.n_times(), panel.n_units());
    let mut counts = panel.counts().to_vec();
    let mut marked = vec![vec![false; n_u]; n_t];
    let end = window.end.min(n_t);
    for i in 0..n_u {
        let level = (0..n_t).map(|t| panel.count(t, i)).sum::<f64>() / n_t as f64;
        let extra_mean = plan.magnitude * level.max(1.0);
        for start in window.start..end {
            if !rng.random_bool(plan.start_probability.clamp(0.0, 1.0)) {
                continue;
            }
            let length = rng.random_range(1..=plan.max_length.max(1));
            for t in start..(start + length).min(end) {
                counts[t][i] += draw_count(&mut rng, extra_mean, None).max(1.0);
                marked[t][i] = true;
            }
        }
    }
    Ok((panel.with_counts(counts)?, marked))
}
