//! Maximisation of the hhh4 log-likelihood. Each iteration takes the Newton–Raphson step on
//! the observed information when that is positive definite (solved through its arrow
//! structure, `arrow`), and otherwise a Fisher scoring step: the expected information of the
//! regression coefficients (positive semi-definite everywhere, where the observed one is
//! often indefinite far from the maximum) and the observed curvature of each log size (the
//! two are orthogonal in expectation), each component clipped to ±5 (steepest ascent if that
//! does not ascend). Steps are halved until the log-likelihood does not decrease, except in
//! the quadratic region (Newton decrement g'I⁻¹g < 1e-6), where the full Newton step is taken
//! unless it loses more than the log-likelihood's rounding noise: there the true gain is
//! below that noise and a line search would reject good steps. The fit stops when the
//! decrement is below 1e-14, or when it stops decreasing in the quadratic region (the score's
//! rounding noise is reached). A log size above 20 means the counts are not overdispersed:
//! no convergence.

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
/// Log size beyond which NegBin1's counts are taken as not overdispersed (psi < 2e-9): the
/// likelihood then has its supremum in the Poisson limit, no maximum, and the fit reports no
/// convergence (the service falls back to Poisson). Under NegBinM one unit's log size may run
/// to that boundary while the others have a maximum, as in R: that fit is kept.
const MAX_LOG_SIZE: f64 = 20.0;
/// Iterations that may take Fisher scoring steps; Levenberg's ridge afterwards.
const SCORING_ITERATIONS: usize = 30;
/// Iteration cap (boundary overdispersion parameters creep towards ±∞ slowly).
const MAX_ITERATIONS: usize = 500;

/// The maximiser, its evaluation and the number of iterations.
pub(crate) type Maximum = (Vec<f64>, Evaluation, usize);

/// A point and its evaluation.
type Point = (Vec<f64>, Evaluation);

/// The log-likelihood of one fit window.
#[derive(Clone, Copy)]
struct Objective<'a> {
    window: &'a Window,
    spec: &'a ModelSpec,
}

impl Objective<'_> {
    fn at(&self, theta: &[f64], step: &[f64], alpha: f64) -> Point {
        let candidate: Vec<f64> = theta.iter().zip(step).map(|(t, s)| t + alpha * s).collect();
        let eval = evaluate(self.window, self.spec, &candidate);
        (candidate, eval)
    }
}

/// Maximises the log-likelihood over `window` from `theta`.
pub(crate) fn maximise(
    window: &Window,
    spec: &ModelSpec,
    mut theta: Vec<f64>,
) -> Result<Maximum, ForecastError> {
    let objective = Objective { window, spec };
    let p = spec.n_regression();
    let mut eval = evaluate(window, spec, &theta);
    if !eval.loglik.is_finite() {
        return Err(ForecastError::NonFinite(format!(
            "log-likelihood {}",
            eval.loglik
        )));
    }
    let mut previous = f64::INFINITY;
    for iteration in 0..MAX_ITERATIONS {
        if theta.len() == p + 1 && theta[p] > MAX_LOG_SIZE {
            return Err(no_convergence(&eval, iteration));
        }
        let fallback = if iteration < SCORING_ITERATIONS {
            Fallback::Scoring
        } else {
            Fallback::Ridge
        };
        let (step, newton) = direction(&eval, p, &theta, fallback);
        let decrement: f64 = step.iter().zip(&eval.score).map(|(s, g)| s * g).sum();
        let local = newton && decrement.abs() < LOCAL_DECREMENT;
        if newton && decrement.abs() < DECREMENT_TOLERANCE || local && decrement >= previous {
            return Ok((theta, eval, iteration));
        }
        previous = if local { decrement } else { f64::INFINITY };
        match next_point(objective, (&theta, &eval), &step, newton, local) {
            Some(next) => (theta, eval) = next,
            None if newton && decrement.abs() < 1e-8 => return Ok((theta, eval, iteration)),
            None => return Err(no_convergence(&eval, iteration)),
        }
    }
    Err(no_convergence(&eval, MAX_ITERATIONS))
}

/// The Newton step (capped) when the observed information is positive definite, else the
/// Fisher scoring step; and whether it is Newton's. Under NegBinM a log size past
/// `MAX_LOG_SIZE` is at its boundary (that unit's counts are Poisson to machine precision):
/// it is held where it is, so that its vanishing curvature does not keep the others from
/// Newton steps.
fn direction(eval: &Evaluation, p: usize, theta: &[f64], fallback: Fallback) -> (Vec<f64>, bool) {
    let n = eval.score.len();
    let held: Vec<usize> = (p..n)
        .filter(|&k| n > p + 1 && theta[k] > MAX_LOG_SIZE)
        .collect();
    if held.is_empty() {
        return free_direction(eval, p, fallback);
    }
    let mut reduced = eval.clone();
    for &k in &held {
        for a in 0..n {
            reduced.information[a * n + k] = 0.0;
            reduced.information[k * n + a] = 0.0;
        }
        reduced.information[k * n + k] = 1.0;
        reduced.score[k] = 0.0;
    }
    let (mut step, newton) = free_direction(&reduced, p, fallback);
    held.iter().for_each(|&k| step[k] = 0.0);
    (step, newton)
}

/// What a step is when the observed information is not positive definite.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fallback {
    /// Fisher scoring: fast from far away (R's start values), but only linearly convergent.
    Scoring,
    /// Levenberg's ridge on the observed information: for a fit still not in Newton's reach
    /// after `SCORING_ITERATIONS` (scoring crawls, e.g. with a NegBinM unit at its boundary).
    Ridge,
}

/// Newton when the observed information is positive definite; otherwise the `fallback`
/// (Levenberg's ridge, as little as makes the information positive definite, or Fisher
/// scoring; scoring also when no ridge up to 1e12 does).
fn free_direction(eval: &Evaluation, p: usize, fallback: Fallback) -> (Vec<f64>, bool) {
    let n = eval.score.len();
    if let Some(step) = arrow_solve(&eval.information, n, p, &eval.score) {
        return (cap(step, p), true);
    }
    let ridged = (fallback == Fallback::Ridge)
        .then(|| ridged_solve(&eval.information, n, p, &eval.score))
        .flatten();
    match ridged {
        Some(step) => (cap(step, p), false),
        None => (scoring_step(eval, p), false),
    }
}

/// Solves (M + ridge·diag|M|) s = g through the arrow structure with the smallest ridge in
/// 1e-6, 1e-5, … that makes the matrix positive definite, or None if none up to 1e12 does.
fn ridged_solve(matrix: &[f64], n: usize, p: usize, g: &[f64]) -> Option<Vec<f64>> {
    with_growing_ridge(matrix, n, 1e-6, |ridged| arrow_solve(ridged, n, p, g))
}

/// The full step in the quadratic region, else the line search along the step, else (for a
/// clipped scoring step, which need not ascend) along steepest ascent.
fn next_point(
    objective: Objective<'_>,
    (theta, eval): (&[f64], &Evaluation),
    step: &[f64],
    newton: bool,
    local: bool,
) -> Option<Point> {
    if local && let Some(next) = full_step(objective, theta, step, eval.loglik) {
        return Some(next);
    }
    line_search(objective, theta, step, eval.loglik).or_else(|| {
        (!newton)
            .then(|| line_search(objective, theta, &ascent(&eval.score), eval.loglik))
            .flatten()
    })
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
    with_growing_ridge(matrix, n, 0.0, |ridged| {
        cholesky(ridged, n).map(|l| cholesky_solve(&l, n, g))
    })
}

/// `solve` applied to M + ridge·diag|M| (each |diagonal| at least 1e-8), the ridge starting at
/// `first` and then 1e-6 (from 0) or ten times the last, until `solve` succeeds or it passes 1e12.
fn with_growing_ridge(
    matrix: &[f64],
    n: usize,
    first: f64,
    solve: impl Fn(&[f64]) -> Option<Vec<f64>>,
) -> Option<Vec<f64>> {
    let mut ridged = matrix.to_vec();
    let scale: Vec<f64> = (0..n).map(|k| matrix[k * n + k].abs().max(1e-8)).collect();
    let mut ridge = first;
    while ridge <= 1e12 {
        for k in 0..n {
            ridged[k * n + k] = matrix[k * n + k] + ridge * scale[k];
        }
        if let Some(step) = solve(&ridged) {
            return Some(step);
        }
        ridge = if ridge == 0.0 { 1e-6 } else { ridge * 10.0 };
    }
    None
}

/// Scales the regression part of a Newton step so that no coefficient moves by more than
/// `MAX_STEP`, and clips each log size to ±`MAX_STEP` on its own: under NegBinM a unit's log
/// size running to its boundary (no overdispersion, a near-flat likelihood) asks for an ever
/// larger step, which must not shrink everyone else's.
fn cap(mut step: Vec<f64>, p: usize) -> Vec<f64> {
    let split = p.min(step.len());
    let (regression, sizes) = step.split_at_mut(split);
    let largest = regression.iter().fold(0.0_f64, |m, s| m.max(s.abs()));
    if largest > MAX_STEP {
        regression.iter_mut().for_each(|s| *s *= MAX_STEP / largest);
    }
    sizes
        .iter_mut()
        .for_each(|s| *s = s.clamp(-MAX_STEP, MAX_STEP));
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
fn full_step(objective: Objective<'_>, theta: &[f64], step: &[f64], current: f64) -> Option<Point> {
    let (candidate, eval) = objective.at(theta, step, 1.0);
    let noise = ROUNDING_NOISE * current.abs().max(1.0);
    (eval.loglik.is_finite() && eval.loglik >= current - noise).then_some((candidate, eval))
}

/// Halves the step until the log-likelihood does not decrease; returns the new point with
/// its evaluation.
fn line_search(
    objective: Objective<'_>,
    theta: &[f64],
    step: &[f64],
    current: f64,
) -> Option<Point> {
    let mut alpha = 1.0;
    for _ in 0..60 {
        let (candidate, eval) = objective.at(theta, step, alpha);
        if eval.loglik.is_finite() && eval.loglik >= current - 1e-15 * current.abs().max(1.0) {
            return Some((candidate, eval));
        }
        alpha *= 0.5;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A coefficient whose expected information vanishes (ar.1 as lambda → 0) is clipped
    /// without freezing the others, and a log size with negative curvature steps uphill.
    #[test]
    fn scoring_clips_each_component() {
        let eval = Evaluation {
            loglik: 0.0,
            score: vec![-1.0, 2.0, 0.5],
            information: vec![0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -1.0],
            expected: vec![1e-12, 0.0, 0.0, 4.0],
        };
        let step = scoring_step(&eval, 2);
        assert_eq!(step, vec![-MAX_STEP, 0.5, MAX_STEP]);
    }

    /// The regression part of a Newton step is scaled as a whole so that no coefficient
    /// exceeds the cap; each log size is clipped on its own.
    #[test]
    fn newton_steps_are_capped_as_a_whole() {
        assert_eq!(cap(vec![10.0, -2.0], 2), vec![5.0, -1.0]);
        assert_eq!(cap(vec![1.0, -2.0], 2), vec![1.0, -2.0]);
        assert_eq!(
            cap(vec![1.0, -2.0, 400.0, 0.5], 2),
            vec![1.0, -2.0, MAX_STEP, 0.5]
        );
    }
}
