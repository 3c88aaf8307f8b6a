//! One-step-ahead predictive distributions, as R's `oneStepAhead`: with the parameters fixed at
//! one fit (`type = "final"` uses the fit to all the data, `"first"` a fit on t ≤ tp), the mean
//! from the observed counts of the previous time point and the fitted size; or refitted on
//! every prefix (`"rolling"`, warm-started); and the next, unobserved period.

use std::ops::Range;

use super::error::ForecastError;
use super::fit::{Fit, fit};
use super::model::{Design, MeanParts, Panel, unit_size};
use super::predictive::Predictive;

/// The predictive distribution of one unit at one time index.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Prediction {
    /// 0-based time index predicted.
    pub time: usize,
    /// 0-based unit index.
    pub unit: usize,
    /// The distribution.
    pub distribution: Predictive,
}

/// Predictions for time indices `rows` (each ≥ 1 and inside the panel).
pub fn one_step_ahead(
    panel: &Panel,
    fit: &Fit,
    rows: Range<usize>,
) -> Result<Vec<Prediction>, ForecastError> {
    if rows.start < 1 || rows.end > panel.n_times() {
        return Err(ForecastError::BadWindow(format!(
            "prediction range {}..{} is outside time indices 1..{}",
            rows.start,
            rows.end,
            panel.n_times()
        )));
    }
    let design = Design::new(panel, fit.spec());
    let mut out = Vec::with_capacity(rows.len() * panel.n_units());
    for t in rows {
        for i in 0..panel.n_units() {
            let parts = design.mean_parts(panel, fit.theta(), t, i);
            out.push(Prediction {
                time: t,
                unit: i,
                distribution: distribution(fit, &parts, i),
            });
        }
    }
    Ok(out)
}

/// Predictions for time indices `rows`, each from a fit to the indices before it (R's
/// `oneStepAhead(type = "rolling")`), every fit warm-started from the previous one.
pub fn rolling(
    panel: &Panel,
    spec: &super::model::ModelSpec,
    rows: Range<usize>,
) -> Result<Vec<Prediction>, ForecastError> {
    let mut out = Vec::with_capacity(rows.len() * panel.n_units());
    let mut start: Option<Vec<f64>> = None;
    for t in rows {
        let fitted = fit(panel, spec, t, start.as_deref())?;
        out.extend(one_step_ahead(panel, &fitted, t..t + 1)?);
        start = Some(fitted.theta().to_vec());
    }
    Ok(out)
}

/// Predictive distributions of every unit for the period after the last observed one
/// (time value = last + the last step).
pub fn next_period(panel: &Panel, fit: &Fit) -> Vec<Predictive> {
    let time = panel.time();
    let last = time.len() - 1;
    let step = if last >= 1 {
        time[last] - time[last - 1]
    } else {
        1.0
    };
    let tau = time[last] + step - time[0];
    let x = fit.spec().endemic_covariates(tau);
    let theta = fit.theta();
    let eta: f64 = x
        .iter()
        .zip(&theta[2..2 + x.len()])
        .map(|(a, b)| a * b)
        .sum();
    (0..panel.n_units())
        .map(|i| {
            let parts = MeanParts {
                autoregressive: theta[0].exp() * panel.count(last, i),
                neighbourhood: theta[1].exp() * panel.neighbour_sum(last, i),
                endemic: panel.offset(i) * eta.exp(),
            };
            distribution(fit, &parts, i)
        })
        .collect()
}

fn distribution(fit: &Fit, parts: &MeanParts, unit: usize) -> Predictive {
    Predictive {
        mean: parts.total(),
        size: unit_size(fit.spec(), fit.theta(), unit),
    }
}
