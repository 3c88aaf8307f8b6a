//! The conditional log-likelihood of the hhh4 model with its analytic score, observed
//! Fisher information (minus the Hessian) and expected Fisher information of the regression
//! coefficients, as `surveillance`'s `penLogLik`, `penScore` and `penFisher` compute them
//! without random effects, over a fit window laid out once (`window`). Internal parameters:
//! regression coefficients, then log size = −log(overdisp) per overdispersion group. One pass
//! over the cells: the endemic mean is computed once per time point, the regression sums are
//! collected per time point before the covariates multiply them, the parameter-free log y! and
//! the Γ-function differences come from the window's tables.

use super::model::ModelSpec;
use super::special::{ln_factorial, ln_gamma_ratio};
use super::window::Window;

/// Log-likelihood, score and information at one parameter vector.
#[derive(Debug, Clone)]
pub struct Evaluation {
    /// Conditional log-likelihood.
    pub loglik: f64,
    /// Gradient of the log-likelihood.
    pub score: Vec<f64>,
    /// Observed information −∂²ℓ, row-major `n × n`.
    pub information: Vec<f64>,
    /// Expected information of the regression coefficients, row-major `p × p`
    /// (Σ ∂mu ∂muᵀ / Var; the log sizes are orthogonal to them in expectation).
    pub expected: Vec<f64>,
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

/// Log-likelihood, score, observed and expected information.
pub(crate) fn evaluate(window: &Window, spec: &ModelSpec, theta: &[f64]) -> Evaluation {
    let p = spec.n_regression();
    let means = Means::new(spec, theta);
    let sizes = group_sizes(spec, theta, window.n_units());
    let mut regression = RegressionSums::new(p);
    let mut groups = vec![GroupSums::new(p); sizes.len()];
    let mut loglik = -window.ln_factorials();
    for row in 0..window.n_rows() {
        let x = window.covariates(row);
        let endemic = means.endemic(window, row);
        let (y, own, nb) = window.row(row);
        let mut sums = RowSums::default();
        for i in 0..window.n_units() {
            let parts = means.parts(own[i], nb[i], window.offset()[i] * endemic);
            let mu = parts.iter().sum();
            let cell = match group_of(spec, i) {
                None => poisson_cell(y[i], mu),
                Some(g) => {
                    let (cell, size) = negbin_cell(y[i], mu, sizes[g]);
                    groups[g].add(&parts, x, &size);
                    cell
                }
            };
            loglik += cell.loglik;
            sums.add(&parts, &cell);
        }
        regression.add_row(&sums, x);
    }
    finish(window, theta.len(), loglik, regression, &groups, &sizes)
}

/// Assembles the evaluation: regression block, then each group's log size with its cross terms.
fn finish(
    window: &Window,
    n: usize,
    mut loglik: f64,
    regression: RegressionSums,
    groups: &[GroupSums],
    sizes: &[f64],
) -> Evaluation {
    let p = regression.score.len();
    let mut score = regression.score;
    score.resize(n, 0.0);
    let mut information = vec![0.0; n * n];
    for a in 0..p {
        for b in a..p {
            information[a * n + b] = -regression.hessian[a * p + b];
        }
    }
    for (g, (sums, &r)) in groups.iter().zip(sizes).enumerate() {
        let k = p + g;
        let gamma = window.table(g).sums(r);
        loglik += gamma.ln_ratio;
        let d_size = r * (gamma.digamma + sums.score);
        score[k] = d_size;
        information[k * n + k] = -(r * r * (gamma.trigamma + sums.curvature) + d_size);
        for (a, cross) in sums.cross.iter().enumerate() {
            information[a * n + k] = -cross;
        }
    }
    for a in 0..n {
        for b in 0..a {
            information[a * n + b] = information[b * n + a];
        }
    }
    Evaluation {
        loglik,
        score,
        information,
        expected: regression.expected,
    }
}

/// exp of the epidemic parameters and the endemic coefficients.
struct Means<'a> {
    lambda: f64,
    phi: f64,
    beta: &'a [f64],
}

impl<'a> Means<'a> {
    fn new(spec: &ModelSpec, theta: &'a [f64]) -> Self {
        let p = spec.n_regression();
        Self {
            lambda: theta[0].exp(),
            phi: theta[1].exp(),
            beta: &theta[2..p],
        }
    }

    /// exp(x_t'β_end) of row `row` (the offset multiplies it per unit).
    fn endemic(&self, window: &Window, row: usize) -> f64 {
        let eta: f64 = window
            .covariates(row)
            .iter()
            .zip(self.beta)
            .map(|(x, b)| x * b)
            .sum();
        eta.exp()
    }

    /// The autoregressive, neighbourhood and endemic parts of a mean.
    fn parts(&self, own: f64, neighbours: f64, endemic: f64) -> [f64; 3] {
        [self.lambda * own, self.phi * neighbours, endemic]
    }
}

/// Size r = exp(log size) per overdispersion group.
fn group_sizes(spec: &ModelSpec, theta: &[f64], n_units: usize) -> Vec<f64> {
    let p = spec.n_regression();
    theta[p..p + spec.n_overdisp(n_units)]
        .iter()
        .map(|v| v.exp())
        .collect()
}

/// The overdispersion group of unit `i` (None for Poisson).
fn group_of(spec: &ModelSpec, i: usize) -> Option<usize> {
    spec.size_index(i).map(|k| k - spec.n_regression())
}

/// A cell's log density without log y! (and, for NegBin, without the Γ-ratio) and its
/// derivative factors: ∂ℓ/∂mu = `first`, ∂²ℓ/∂mu² = `second`, 1/Var = `weight`.
struct Cell {
    loglik: f64,
    second: f64,
    first: f64,
    weight: f64,
}

/// A cell's log-size terms without the Γ-function differences (they come from the table).
struct SizeCell {
    score: f64,
    curvature: f64,
    cross: f64,
}

fn poisson_cell(y: f64, mu: f64) -> Cell {
    if y == 0.0 {
        return Cell {
            loglik: -mu,
            second: 0.0,
            first: -1.0,
            weight: 1.0 / mu,
        };
    }
    Cell {
        loglik: y * mu.ln() - mu,
        second: -y / (mu * mu),
        first: y / mu - 1.0,
        weight: 1.0 / mu,
    }
}

fn negbin_cell(y: f64, mu: f64, r: f64) -> (Cell, SizeCell) {
    let rpm = r + mu;
    let log1p = (mu / r).ln_1p();
    let y_term = if y > 0.0 { y * (mu / rpm).ln() } else { 0.0 };
    let cell = Cell {
        loglik: y_term - r * log1p,
        second: (r + y) / (rpm * rpm) - y / (mu * mu),
        first: r * (y - mu) / (mu * rpm),
        weight: r / (mu * rpm),
    };
    let size = SizeCell {
        score: (mu - y) / rpm - log1p,
        curvature: mu / (r * rpm) - (mu - y) / (rpm * rpm),
        cross: r * (y - mu) / (rpm * rpm),
    };
    (cell, size)
}

/// One time point's sums over units of the products of the mean parts (a, b, e):
/// aa, ab, bb, ae, be, ee weighted by ∂²ℓ/∂mu² and by 1/Var, and a, b, e by ∂ℓ/∂mu.
#[derive(Default)]
struct RowSums {
    observed: [f64; 6],
    expected: [f64; 6],
    first: [f64; 3],
}

impl RowSums {
    fn add(&mut self, parts: &[f64; 3], cell: &Cell) {
        let [a, b, e] = *parts;
        let products = [a * a, a * b, b * b, a * e, b * e, e * e];
        for (k, product) in products.iter().enumerate() {
            self.observed[k] += cell.second * product;
            self.expected[k] += cell.weight * product;
        }
        for (sum, part) in self.first.iter_mut().zip(parts) {
            *sum += cell.first * part;
        }
    }
}

/// Score, ∂²ℓ and expected information of the regression coefficients (upper triangles).
struct RegressionSums {
    score: Vec<f64>,
    hessian: Vec<f64>,
    expected: Vec<f64>,
}

impl RegressionSums {
    fn new(p: usize) -> Self {
        Self {
            score: vec![0.0; p],
            hessian: vec![0.0; p * p],
            expected: vec![0.0; p * p],
        }
    }

    /// ∂mu/∂β = (a, b, e·x) and ∂²mu/∂β² = diag(a, b, 0…) + e·x xᵀ in the endemic block.
    fn add_row(&mut self, sums: &RowSums, x: &[f64]) {
        let [ga, gb, ge] = sums.first;
        self.score[0] += ga;
        self.score[1] += gb;
        for (k, xk) in x.iter().enumerate() {
            self.score[2 + k] += ge * xk;
        }
        add_products(&mut self.hessian, &sums.observed, [ga, gb, ge], x);
        add_products(&mut self.expected, &sums.expected, [0.0; 3], x);
    }
}

/// Adds Σ w·∂mu ∂muᵀ (from the six part products) plus the second-derivative terms `extra`.
fn add_products(matrix: &mut [f64], products: &[f64; 6], extra: [f64; 3], x: &[f64]) {
    let p = x.len() + 2;
    let [aa, ab, bb, ae, be, ee] = *products;
    matrix[0] += aa + extra[0];
    matrix[1] += ab;
    matrix[p + 1] += bb + extra[1];
    for (j, xj) in x.iter().enumerate() {
        matrix[2 + j] += ae * xj;
        matrix[p + 2 + j] += be * xj;
        for (k, xk) in x.iter().enumerate().skip(j) {
            matrix[(2 + j) * p + 2 + k] += (ee + extra[2]) * xj * xk;
        }
    }
}

/// One overdispersion group's sums: the log-size score and curvature parts and the cross
/// derivatives ∂²ℓ/∂β∂log r.
#[derive(Clone)]
struct GroupSums {
    score: f64,
    curvature: f64,
    cross: Vec<f64>,
}

impl GroupSums {
    fn new(p: usize) -> Self {
        Self {
            score: 0.0,
            curvature: 0.0,
            cross: vec![0.0; p],
        }
    }

    fn add(&mut self, parts: &[f64; 3], x: &[f64], size: &SizeCell) {
        self.score += size.score;
        self.curvature += size.curvature;
        self.cross[0] += size.cross * parts[0];
        self.cross[1] += size.cross * parts[1];
        let endemic = size.cross * parts[2];
        for (c, xk) in self.cross[2..].iter_mut().zip(x) {
            *c += endemic * xk;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forecast::model::{Design, Family, Panel};

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

    fn window(panel: &Panel, spec: &ModelSpec) -> Window {
        Window::new(panel, &Design::new(panel, spec), spec, 1..6)
    }

    fn specs() -> [ModelSpec; 3] {
        [Family::Poisson, Family::NegBin1, Family::NegBinM].map(|family| ModelSpec {
            frequency: 4.0,
            seasons: 1,
            family,
        })
    }

    /// The log-likelihood is the sum of the cells' log densities.
    #[test]
    fn loglik_sums_the_log_densities() {
        let panel = small_panel();
        for spec in specs() {
            let design = Design::new(&panel, &spec);
            let n = spec.n_params(3);
            let theta: Vec<f64> = (0..n).map(|k| 0.3 - 0.17 * k as f64).collect();
            let direct: f64 = (1..6)
                .flat_map(|t| (0..3).map(move |i| (t, i)))
                .map(|(t, i)| {
                    let mu = design.mean_parts(&panel, &theta, t, i).total();
                    let size = spec.size_index(i).map(|k| theta[k].exp());
                    log_density(panel.count(t, i), mu, size)
                })
                .sum();
            let window = window(&panel, &spec);
            assert!((evaluate(&window, &spec, &theta).loglik - direct).abs() < 1e-12);
        }
    }

    /// The expected information of the regression coefficients is Σ ∂mu ∂muᵀ / Var.
    #[test]
    fn expected_information_is_the_weighted_outer_product() {
        let panel = small_panel();
        for spec in specs() {
            let design = Design::new(&panel, &spec);
            let n = spec.n_params(3);
            let p = spec.n_regression();
            let theta: Vec<f64> = (0..n).map(|k| 0.2 - 0.11 * k as f64).collect();
            let mut direct = vec![0.0; p * p];
            for t in 1..6 {
                let x = design.covariates(t);
                for i in 0..3 {
                    let parts = design.mean_parts(&panel, &theta, t, i);
                    let mu = parts.total();
                    let var = spec
                        .size_index(i)
                        .map_or(mu, |k| mu * (1.0 + mu / theta[k].exp()));
                    let mut dmu = vec![parts.autoregressive, parts.neighbourhood];
                    dmu.extend(x.iter().map(|xk| parts.endemic * xk));
                    for a in 0..p {
                        for b in a..p {
                            direct[a * p + b] += dmu[a] * dmu[b] / var;
                        }
                    }
                }
            }
            let eval = evaluate(&window(&panel, &spec), &spec, &theta);
            for (a, b) in eval.expected.iter().zip(&direct) {
                assert!((a - b).abs() < 1e-12 * b.abs().max(1.0), "{spec:?}");
            }
        }
    }

    /// The analytic score and information agree with central differences of ℓ.
    #[test]
    fn derivatives_match_finite_differences() {
        let panel = small_panel();
        for spec in specs() {
            let family = spec.family;
            let window = window(&panel, &spec);
            let n = spec.n_params(3);
            let theta: Vec<f64> = (0..n).map(|k| 0.3 - 0.17 * k as f64).collect();
            let eval = evaluate(&window, &spec, &theta);
            let h = 1e-5;
            for a in 0..n {
                let mut up = theta.clone();
                let mut down = theta.clone();
                up[a] += h;
                down[a] -= h;
                let e_up = evaluate(&window, &spec, &up);
                let e_down = evaluate(&window, &spec, &down);
                let numeric = (e_up.loglik - e_down.loglik) / (2.0 * h);
                assert!(
                    (numeric - eval.score[a]).abs() < 1e-6,
                    "{family:?} score {a}"
                );
                for b in 0..n {
                    let numeric = -(e_up.score[b] - e_down.score[b]) / (2.0 * h);
                    let analytic = eval.information[a * n + b];
                    assert!((numeric - analytic).abs() < 1e-5, "{family:?} info {a},{b}");
                }
            }
        }
    }
}
