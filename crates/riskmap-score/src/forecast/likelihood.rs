//! The conditional log-likelihood of the hhh4 model with its analytic score and observed
//! Fisher information (minus the Hessian), as `surveillance`'s `penLogLik`, `penScore` and
//! `penFisher` compute them without random effects. Internal parameters: regression
//! coefficients, then log size = −log(overdisp) per overdispersion group.

use super::model::{Design, MeanParts, ModelSpec, Panel};
use super::special::{digamma_diff, ln_factorial, ln_gamma_ratio, trigamma_diff};

/// Log-likelihood, score and observed information at one parameter vector.
#[derive(Debug, Clone)]
pub struct Evaluation {
    /// Conditional log-likelihood.
    pub loglik: f64,
    /// Gradient of the log-likelihood.
    pub score: Vec<f64>,
    /// Observed information −∂²ℓ, row-major `n × n`.
    pub information: Vec<f64>,
}

/// Log density of a count under the family (Poisson if `size` is None).
pub fn log_density(y: f64, mu: f64, size: Option<f64>) -> f64 {
    match size {
        None => y * mu.ln() - mu - ln_factorial(y),
        Some(r) => {
            let y_term = if y > 0.0 {
                y * (mu.ln() - (r + mu).ln())
            } else {
                0.0
            };
            ln_gamma_ratio(y, r) - ln_factorial(y) - r * (mu / r).ln_1p() + y_term
        }
    }
}

/// Log-likelihood only, over time indices `rows` (each ≥ 1).
pub fn loglik(
    panel: &Panel,
    design: &Design,
    spec: &ModelSpec,
    theta: &[f64],
    rows: std::ops::Range<usize>,
) -> f64 {
    let mut total = 0.0;
    for t in rows {
        for i in 0..panel.n_units() {
            let mu = design.mean_parts(panel, theta, t, i).total();
            let size = spec.size_index(i).map(|k| theta[k].exp());
            total += log_density(panel.count(t, i), mu, size);
        }
    }
    total
}

/// Log-likelihood, score and observed information over time indices `rows` (each ≥ 1).
pub fn evaluate(
    panel: &Panel,
    design: &Design,
    spec: &ModelSpec,
    theta: &[f64],
    rows: std::ops::Range<usize>,
) -> Evaluation {
    let n = theta.len();
    let mut acc = Accumulator::new(n, spec.n_regression());
    for t in rows {
        let x = design.covariates(t);
        for i in 0..panel.n_units() {
            let parts = design.mean_parts(panel, theta, t, i);
            let size = spec.size_index(i).map(|k| (k, theta[k].exp()));
            acc.add_cell(panel.count(t, i), &parts, x, size);
        }
    }
    acc.finish()
}

/// Sums of the per-cell contributions; `hessian` is ∂²ℓ (negated at the end).
struct Accumulator {
    n: usize,
    n_reg: usize,
    loglik: f64,
    score: Vec<f64>,
    hessian: Vec<f64>,
    dmu: Vec<f64>,
}

impl Accumulator {
    fn new(n: usize, n_reg: usize) -> Self {
        Self {
            n,
            n_reg,
            loglik: 0.0,
            score: vec![0.0; n],
            hessian: vec![0.0; n * n],
            dmu: vec![0.0; n_reg],
        }
    }

    fn add_cell(&mut self, y: f64, parts: &MeanParts, x: &[f64], size: Option<(usize, f64)>) {
        let mu = parts.total();
        self.fill_dmu(parts, x);
        let (fac1, fac2) = match size {
            None => (-y / (mu * mu), y / mu - 1.0),
            Some((_, r)) => {
                let rpm = r + mu;
                (
                    (r + y) / (rpm * rpm) - y / (mu * mu),
                    y / mu - (r + y) / rpm,
                )
            }
        };
        self.loglik += log_density(y, mu, size.map(|(_, r)| r));
        self.add_regression(parts, x, fac1, fac2);
        if let Some((k, r)) = size {
            self.add_size(y, mu, k, r);
        }
    }

    /// ∂mu/∂β: ar, ne, then endemic·x_k.
    fn fill_dmu(&mut self, parts: &MeanParts, x: &[f64]) {
        self.dmu[0] = parts.autoregressive;
        self.dmu[1] = parts.neighbourhood;
        for (d, xk) in self.dmu[2..].iter_mut().zip(x) {
            *d = parts.endemic * xk;
        }
    }

    fn add_regression(&mut self, parts: &MeanParts, x: &[f64], fac1: f64, fac2: f64) {
        let n = self.n;
        for a in 0..self.n_reg {
            self.score[a] += fac2 * self.dmu[a];
            for b in a..self.n_reg {
                let second = second_derivative(parts, x, a, b);
                self.hessian[a * n + b] += self.dmu[a] * self.dmu[b] * fac1 + second * fac2;
            }
        }
    }

    /// Terms of the log size of this cell's overdispersion group (index `k`).
    fn add_size(&mut self, y: f64, mu: f64, k: usize, r: f64) {
        let n = self.n;
        let rpm = r + mu;
        let d_size = r * (digamma_diff(y, r) - (mu / r).ln_1p() + (mu - y) / rpm);
        let d2_size =
            r * r * (trigamma_diff(y, r) + mu / (r * rpm) - (mu - y) / (rpm * rpm)) + d_size;
        self.score[k] += d_size;
        self.hessian[k * n + k] += d2_size;
        let cross = r * ((r + y) / (rpm * rpm) - 1.0 / rpm);
        for a in 0..self.n_reg {
            self.hessian[a * n + k] += cross * self.dmu[a];
        }
    }

    fn finish(self) -> Evaluation {
        let n = self.n;
        let mut information = vec![0.0; n * n];
        for a in 0..n {
            for b in a..n {
                let value = -self.hessian[a * n + b];
                information[a * n + b] = value;
                information[b * n + a] = value;
            }
        }
        Evaluation {
            loglik: self.loglik,
            score: self.score,
            information,
        }
    }
}

/// ∂²mu/∂β_a∂β_b (a ≤ b): nonzero only within one component.
fn second_derivative(parts: &MeanParts, x: &[f64], a: usize, b: usize) -> f64 {
    match (a, b) {
        (0, 0) => parts.autoregressive,
        (1, 1) => parts.neighbourhood,
        (a, b) if a >= 2 => parts.endemic * x[a - 2] * x[b - 2],
        _ => 0.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forecast::model::Family;

    fn small_panel() -> Panel {
        let counts = vec![
            vec![1.0, 0.0, 3.0],
            vec![2.0, 1.0, 0.0],
            vec![0.0, 4.0, 2.0],
            vec![5.0, 1.0, 1.0],
            vec![1.0, 0.0, 7.0],
            vec![3.0, 2.0, 2.0],
        ];
        let adjacent = vec![
            vec![false, true, false],
            vec![true, false, true],
            vec![false, true, false],
        ];
        Panel::new(
            vec!["a".into(), "b".into(), "c".into()],
            (1..=6).map(f64::from).collect(),
            counts,
            vec![0.2, 0.5, 0.3],
            &adjacent,
        )
        .expect("valid panel")
    }

    /// The analytic score and information agree with central differences of ℓ.
    #[test]
    fn derivatives_match_finite_differences() {
        let panel = small_panel();
        for family in [Family::Poisson, Family::NegBin1, Family::NegBinM] {
            let spec = ModelSpec {
                frequency: 4.0,
                seasons: 1,
                family,
            };
            let design = Design::new(&panel, &spec);
            let n = spec.n_params(3);
            let theta: Vec<f64> = (0..n).map(|k| 0.3 - 0.17 * k as f64).collect();
            let eval = evaluate(&panel, &design, &spec, &theta, 1..6);
            let h = 1e-5;
            for a in 0..n {
                let mut up = theta.clone();
                let mut down = theta.clone();
                up[a] += h;
                down[a] -= h;
                let numeric = (loglik(&panel, &design, &spec, &up, 1..6)
                    - loglik(&panel, &design, &spec, &down, 1..6))
                    / (2.0 * h);
                assert!(
                    (numeric - eval.score[a]).abs() < 1e-6,
                    "{family:?} score {a}"
                );
                let e_up = evaluate(&panel, &design, &spec, &up, 1..6);
                let e_down = evaluate(&panel, &design, &spec, &down, 1..6);
                for b in 0..n {
                    let numeric = -(e_up.score[b] - e_down.score[b]) / (2.0 * h);
                    let analytic = eval.information[a * n + b];
                    assert!((numeric - analytic).abs() < 1e-5, "{family:?} info {a},{b}");
                }
            }
            assert!((eval.loglik - loglik(&panel, &design, &spec, &theta, 1..6)).abs() < 1e-12);
        }
    }
}
