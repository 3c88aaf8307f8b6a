//! Maximum-likelihood fit of the hhh4 model (Newton–Raphson on the analytic score and
//! observed information with Fisher scoring far from the maximum, `optimise`; R's `hhh4` hands
//! the same three functions to `nlminb`), with standard errors from the inverse observed
//! information at the maximum. Overdispersion is optimised as log size = −log(overdisp) from
//! R's start value 2; regression coefficients start at 0 as in R. Reported overdispersion is
//! psi = exp(−log size), its standard error by the delta method (R's `coef(fit, se = TRUE)`
//! with `reparamPsi = TRUE`).

use std::ops::Range;

use super::error::ForecastError;
use super::linalg::spd_inverse;
use super::model::{Design, ModelSpec, Panel};
use super::optimise::maximise;
use super::window::Window;

/// R's start value of every log size parameter.
const START_LOG_SIZE: f64 = 2.0;

/// A fitted model: internal parameters, log-likelihood and covariance.
#[derive(Debug, Clone)]
pub struct Fit {
    spec: ModelSpec,
    units: Vec<String>,
    theta: Vec<f64>,
    loglik: f64,
    covariance: Option<Vec<f64>>,
    variances: Vec<Option<f64>>,
    rows: Range<usize>,
    iterations: usize,
}

impl Fit {
    /// The model specification.
    pub fn spec(&self) -> &ModelSpec {
        &self.spec
    }

    /// Internal parameters: regression coefficients, then log size per overdispersion group.
    pub fn theta(&self) -> &[f64] {
        &self.theta
    }

    /// Maximised conditional log-likelihood.
    pub fn loglik(&self) -> f64 {
        self.loglik
    }

    /// Time indices the likelihood summed over (t = 2 … fit end, 0-based 1..end).
    pub fn rows(&self) -> Range<usize> {
        self.rows.clone()
    }

    /// Newton iterations used.
    pub fn iterations(&self) -> usize {
        self.iterations
    }

    /// Coefficients with R's names, overdispersion as psi.
    pub fn coefficients(&self) -> Vec<(String, f64)> {
        let names = self.spec.coefficient_names(&self.units);
        let n_reg = self.spec.n_regression();
        names
            .into_iter()
            .zip(&self.theta)
            .enumerate()
            .map(|(k, (name, &value))| (name, if k < n_reg { value } else { (-value).exp() }))
            .collect()
    }

    /// Standard errors in the order of `coefficients`. A parameter without information at
    /// the maximum (an overdispersion run to the boundary) has none; the others come from the
    /// inverse of the observed information of the rest.
    pub fn standard_errors(&self) -> Vec<Option<f64>> {
        let n_reg = self.spec.n_regression();
        self.variances
            .iter()
            .enumerate()
            .map(|(k, variance)| {
                let se = variance.map(|v| v.max(0.0).sqrt())?;
                Some(if k < n_reg {
                    se
                } else {
                    (-self.theta[k]).exp() * se
                })
            })
            .collect()
    }

    /// Covariance of the internal parameters (row-major), if the information is invertible.
    pub fn covariance(&self) -> Option<&[f64]> {
        self.covariance.as_deref()
    }

    /// Fitted means mu[t][i] for the fitted time indices (t ≥ 1).
    pub fn fitted(&self, panel: &Panel) -> Vec<Vec<f64>> {
        let design = Design::new(panel, &self.spec);
        self.rows
            .clone()
            .map(|t| {
                (0..panel.n_units())
                    .map(|i| design.mean_parts(panel, &self.theta, t, i).total())
                    .collect()
            })
            .collect()
    }
}

/// Fits the model to time indices `0..end` of `panel` (the likelihood conditions on index 0),
/// starting from R's start values or from `start` (internal parameters, e.g. a previous fit).
pub fn fit(
    panel: &Panel,
    spec: &ModelSpec,
    end: usize,
    start: Option<&[f64]>,
) -> Result<Fit, ForecastError> {
    spec.validate()?;
    check_window(panel, end)?;
    let n = spec.n_params(panel.n_units());
    let theta = match start {
        Some(values) if values.len() == n => values.to_vec(),
        _ => default_start(spec, panel.n_units()),
    };
    let design = Design::new(panel, spec);
    let rows = 1..end;
    check_harmonics(&design, spec, panel, rows.clone())?;
    let window = Window::new(panel, &design, spec, rows.clone());
    let (theta, eval, iterations) = maximise(&window, spec, theta)?;
    let covariance = spd_inverse(&eval.information, n);
    let variances = variances(&eval.information, n, covariance.as_deref());
    Ok(Fit {
        spec: *spec,
        units: panel.units().to_vec(),
        theta,
        loglik: eval.loglik,
        covariance,
        variances,
        rows,
        iterations,
    })
}

/// Diagonal of the inverse information; when the full matrix is not positive definite,
/// parameters with (numerically) no information are left out and the rest inverted.
fn variances(information: &[f64], n: usize, covariance: Option<&[f64]>) -> Vec<Option<f64>> {
    if let Some(cov) = covariance {
        return (0..n).map(|k| Some(cov[k * n + k])).collect();
    }
    let largest = (0..n).fold(0.0_f64, |m, k| m.max(information[k * n + k].abs()));
    let kept: Vec<usize> = (0..n)
        .filter(|&k| information[k * n + k] > 1e-10 * largest.max(1e-300))
        .collect();
    let m = kept.len();
    let sub: Vec<f64> = kept
        .iter()
        .flat_map(|&a| kept.iter().map(move |&b| information[a * n + b]))
        .collect();
    let mut out = vec![None; n];
    if let Some(inverse) = spd_inverse(&sub, m) {
        for (j, &k) in kept.iter().enumerate() {
            out[k] = Some(inverse[j * m + j]);
        }
    }
    out
}

/// R's start values: 0 for regression coefficients, 2 for each log size.
pub fn default_start(spec: &ModelSpec, n_units: usize) -> Vec<f64> {
    let mut theta = vec![0.0; spec.n_regression()];
    theta.extend(std::iter::repeat_n(
        START_LOG_SIZE,
        spec.n_overdisp(n_units),
    ));
    theta
}

/// Degenerate windows that leave a parameter unidentifiable are refused up front.
fn check_window(panel: &Panel, end: usize) -> Result<(), ForecastError> {
    if end > panel.n_times() {
        return Err(ForecastError::BadWindow(format!(
            "fit window of {end} time points exceeds the {} in the data",
            panel.n_times()
        )));
    }
    if end < 3 {
        return Err(ForecastError::TooFewTimePoints {
            found: end,
            needed: 3,
        });
    }
    let n = panel.n_units();
    let responses_zero = (1..end).all(|t| (0..n).all(|i| panel.count(t, i) == 0.0));
    if responses_zero {
        return Err(ForecastError::AllZero);
    }
    let lagged_zero = (0..end - 1).all(|t| (0..n).all(|i| panel.count(t, i) == 0.0));
    if lagged_zero {
        return Err(ForecastError::BadWindow(
            "every count before the last fitted time point is zero: ar.1 is not identifiable"
                .to_owned(),
        ));
    }
    let neighbours_zero = (0..end - 1).all(|t| (0..n).all(|i| panel.neighbour_sum(t, i) == 0.0));
    if neighbours_zero {
        return Err(ForecastError::NoNeighbourSignal);
    }
    Ok(())
}

/// A seasonal term that vanishes at every fitted time point (e.g. S ≥ F/2 with integer times,
/// where sin(2π·s·t/F) = sin(π·t) = 0) leaves its coefficient unidentifiable.
fn check_harmonics(
    design: &Design,
    spec: &ModelSpec,
    panel: &Panel,
    rows: Range<usize>,
) -> Result<(), ForecastError> {
    let names = spec.coefficient_names(panel.units());
    for k in 1..spec.n_endemic() {
        if rows.clone().all(|t| design.covariates(t)[k].abs() < 1e-9) {
            return Err(ForecastError::BadWindow(format!(
                "the seasonal term {} is 0 at every fitted time point: too many harmonics \
                 (--seasons {}) for frequency {}",
                names[2 + k],
                spec.seasons,
                spec.frequency
            )));
        }
    }
    Ok(())
}
