//! Maximisation of the hhh4 log-likelihood. Each iteration takes the Newton–Raphson step on
//! the observed information when that is positive definite (solved through its arrow
//! structure, `arrow`), and otherwise a Fisher scoring
//! step: the expected information of the regression coefficients (positive semi-definite
//! everywhere, where the observed one is often indefinite far from the maximum) and the
//! observed curvature of each log size (the two are orthogonal in expectation), each component
//! clipped to ±5. Steps are halved until the log-likelihood does not decrease, except in the
//! quadratic region (Newton decrement g'I⁻¹g < 1e-6), where the full Newton step is taken
//! unless it loses more than the log-likelihood's rounding noise: there the true gain is below
//! that noise and a line search would reject good steps. The fit stops when the decrement is
//! below 1e-14, or when it stops decreasing in the quadratic region (the score's
//! rounding noise is reached).

use super::arrow::arrow_solve;
use super::error::ForecastError;
use super::likelihood::{Evaluation, evaluate};
use super::linalg::{cholesky, cholesky_solve};
use super::model::ModelSpec;
use super::window::Window;

/// Newton decrement g'I⁻¹g below which the fit has converged.
const DECREMENT_TOLERANCE: f64 = 1e-14;
/// Newton decrement below which full Newton steps are taken without a line search (the
/// quadratic region; the log-likelihood's rounding noise would mislead the line search).
const LOCAL_DECREMENT: f64 = 1e-6;
/// Relative rounding noise of a log-likelihood summed over many cells (observed: 1e-13 on
/// 58 000 cells); a full step in the quadratic region may lose this much.
const ROUNDING_NOISE: f64 = 1e-11;
/// Largest change of one parameter in one step (keeps exp() finite far from the optimum).
const MAX_STEP: f64 = 5.0;
/// Log size beyond which the counts are taken as not overdispersed (psi < 2e-9): the
/// NegBin likelihood then has its supremum in the Poisson limit, no maximum, and the fit
/// reports no convergence (the service falls back to Poisson).
const MAX_LOG_SIZE: f64 = 20.0;
/// Iteration cap (boundary overdispersion parameters creep towards ±∞ slowly).
const MAX_ITERATIONS: usize = 500;

/// The maximiser, its evaluation and the number of iterations.
pub(crate) type Maximum = (Vec<f64>, Evaluation, usize);

/// Maximises the log-likelihood over `window` from `theta`.
pub(crate) fn maximise(
    window: &Window,
    spec: &ModelSpec,
    mut theta: Vec<f64>,
) -> Result<Maximum, ForecastError> {
    let mut eval = evaluate(window, spec, &theta);
    if !eval.loglik.is_finite() {
        return Err(ForecastError::NonFinite(format!(
            "log-likelihood {}",
            eval.loglik
        )));
    }
    let mut previous = f64::INFINITY;
    for iteration in 0..MAX_ITERATIONS {
        if theta[spec.n_regression()..]
            .iter()
            .any(|&v| v > MAX_LOG_SIZE)
        {
            return Err(no_convergence(&eval, iteration));
        }
        let n = eval.score.len();
        let p = spec.n_regression();
        let (step, newton) = match arrow_solve(&eval.information, n, p, &eval.score) {
            Some(step) => (cap(step), true),
            None => (scoring_step(&eval, p), false),
        };
        let decrement: f64 = step.iter().zip(&eval.score).map(|(s, g)| s * g).sum();
        let local = newton && decrement.abs() < LOCAL_DECREMENT;
        if newton && decrement.abs() < DECREMENT_TOLERANCE || local && decrement >= previous {
            return Ok((theta, eval, iteration));
        }
        previous = if local { decrement } else { f64::INFINITY };
        if local && let Some(next) = full_step(window, spec, &theta, &step, eval.loglik) {
            (theta, eval) = next;
            continue;
        }
        match line_search(window, spec, &theta, &step, eval.loglik) {
            Some((next, next_eval)) => (theta, eval) = (next, next_eval),
            None if newton && decrement.abs() < 1e-8 => return Ok((theta, eval, iteration)),
            None => return Err(no_convergence(&eval, iteration)),
        }
    }
    Err(no_convergence(&eval, MAX_ITERATIONS))
}

fn no_convergence(eval: &Evaluation, iterations: usize) -> ForecastError {
    let max_score = eval.score.iter().fold(0.0_f64, |m, g| m.max(g.abs()));
    ForecastError::NoConvergence {
        iterations,
        loglik: eval.loglik,
        max_score,
    }
}

/// Fisher scoring: the regression coefficients from their expected information, each log size
/// from its own observed curvature (a capped ascent step where that is not positive).
fn scoring_step(eval: &Evaluation, p: usize) -> Vec<f64> {
    let n = eval.score.len();
    let mut step = match solve_with_ridge(&eval.expected, p, &eval.score[..p]) {
        Some(step) => step,
        None => return ascent(&eval.score),
    };
    for k in p..n {
        let (g, h) = (eval.score[k], eval.information[k * n + k]);
        step.push(if h > 0.0 { g / h } else { MAX_STEP.copysign(g) });
    }
    clip(step)
}

/// Solves (M + ridge·diag|M|) s = g with the smallest ridge in 0, 1e-6, 1e-5, … that makes
/// the matrix positive definite, or None if none up to 1e12 does.
fn solve_with_ridge(matrix: &[f64], n: usize, g: &[f64]) -> Option<Vec<f64>> {
    let mut ridged = matrix.to_vec();
    let scale: Vec<f64> = (0..n).map(|k| matrix[k * n + k].abs().max(1e-8)).collect();
    let mut ridge = 0.0;
    while ridge <= 1e12 {
        for k in 0..n {
            ridged[k * n + k] = matrix[k * n + k] + ridge * scale[k];
        }
        if let Some(l) = cholesky(&ridged, n) {
            return Some(cholesky_solve(&l, n, g));
        }
        ridge = if ridge == 0.0 { 1e-6 } else { ridge * 10.0 };
    }
    None
}

/// Scales a step so that no parameter moves by more than `MAX_STEP`.
fn cap(mut step: Vec<f64>) -> Vec<f64> {
    let largest = step.iter().fold(0.0_f64, |m, s| m.max(s.abs()));
    if largest > MAX_STEP {
        step.iter_mut().for_each(|s| *s *= MAX_STEP / largest);
    }
    step
}

/// Clips each component of a step to ±`MAX_STEP` (a coefficient whose information vanishes,
/// e.g. ar.1 as lambda → 0, must not freeze the others as scaling the whole step would).
fn clip(step: Vec<f64>) -> Vec<f64> {
    step.into_iter()
        .map(|s| s.clamp(-MAX_STEP, MAX_STEP))
        .collect()
}

/// Unit steepest ascent, the last resort.
fn ascent(score: &[f64]) -> Vec<f64> {
    let norm = score.iter().map(|g| g * g).sum::<f64>().sqrt().max(1e-300);
    score.iter().map(|g| g / norm).collect()
}

/// The full step with its evaluation, unless the log-likelihood falls by more than its
/// rounding noise.
fn full_step(
    window: &Window,
    spec: &ModelSpec,
    theta: &[f64],
    step: &[f64],
    current: f64,
) -> Option<(Vec<f64>, Evaluation)> {
    let candidate: Vec<f64> = theta.iter().zip(step).map(|(t, s)| t + s).collect();
    let eval = evaluate(window, spec, &candidate);
    let noise = ROUNDING_NOISE * current.abs().max(1.0);
    (eval.loglik.is_finite() && eval.loglik >= current - noise).then_some((candidate, eval))
}

/// Halves the step until the log-likelihood does not decrease; returns the new point with
/// its evaluation.
fn line_search(
    window: &Window,
    spec: &ModelSpec,
    theta: &[f64],
    step: &[f64],
    current: f64,
) -> Option<(Vec<f64>, Evaluation)> {
    let mut alpha = 1.0;
    for _ in 0..60 {
        let candidate: Vec<f64> = theta.iter().zip(step).map(|(t, s)| t + alpha * s).collect();
        let eval = evaluate(window, spec, &candidate);
        if eval.loglik.is_finite() && eval.loglik >= current - 1e-12 * current.abs().max(1.0) * 1e-3
        {
            return Some((candidate, eval));
        }
        alpha *= 0.5;
    }
    None
}
