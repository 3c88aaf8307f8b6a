//! The endemic–epidemic (hhh4) model: the data panel, the family, the parameter layout
//! with R's coefficient names, and the conditional mean
//! mu[i,t] = e[i]·exp(x_t'β_end) + exp(ar.1)·Y[i,t−1] + exp(ne.1)·Σ_j w[j,i]·Y[j,t−1].

use std::f64::consts::PI;

use super::error::ForecastError;

/// The conditional distribution of a count given the past.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// Poisson: Var = mu.
    Poisson,
    /// Negative binomial with one overdispersion psi for all units: Var = mu(1 + psi·mu).
    NegBin1,
    /// Negative binomial with one psi per unit (`overdisp.<unit>`).
    NegBinM,
}

/// Area × time counts with their endemic offsets and first-order neighbours, validated.
#[derive(Debug, Clone)]
pub struct Panel {
    units: Vec<String>,
    time: Vec<f64>,
    /// counts[t][i].
    counts: Vec<Vec<f64>>,
    offset: Vec<f64>,
    /// neighbours[i]: the units j with w[j,i] = 1.
    neighbours: Vec<Vec<usize>>,
    /// neighbour_sums[t][i] = Σ_j w[j,i]·Y[j,t].
    neighbour_sums: Vec<Vec<f64>>,
}

impl Panel {
    /// Validates and builds a panel. `counts[t][i]` for time values `time[t]`; `offset[i]` the
    /// endemic offset; `adjacent[i][j]` true when units i and j are first-order neighbours
    /// (weight w[j,i] = 1).
    pub fn new(
        units: Vec<String>,
        time: Vec<f64>,
        counts: Vec<Vec<f64>>,
        offset: Vec<f64>,
        adjacent: &[Vec<bool>],
    ) -> Result<Self, ForecastError> {
        let n = units.len();
        if n < 2 {
            return Err(ForecastError::TooFewUnits { found: n });
        }
        check_shape("time values", counts.len(), time.len())?;
        check_shape("population", n, offset.len())?;
        check_shape("neighbour rows", n, adjacent.len())?;
        check_time(&time)?;
        for (t, row) in counts.iter().enumerate() {
            check_shape("counts row", n, row.len())?;
            for (i, &value) in row.iter().enumerate() {
                if !(value.is_finite() && value >= 0.0 && value.fract() == 0.0) {
                    let unit = units[i].clone();
                    return Err(ForecastError::BadCount {
                        unit,
                        time: t,
                        value,
                    });
                }
            }
        }
        for (unit, &value) in units.iter().zip(&offset) {
            if !(value.is_finite() && value > 0.0) {
                return Err(ForecastError::BadOffset {
                    unit: unit.clone(),
                    value,
                });
            }
        }
        let neighbours = neighbour_lists(adjacent, n)?;
        let neighbour_sums = counts
            .iter()
            .map(|row| {
                neighbours
                    .iter()
                    .map(|js| js.iter().map(|&j| row[j]).sum())
                    .collect()
            })
            .collect();
        Ok(Self {
            units,
            time,
            counts,
            offset,
            neighbours,
            neighbour_sums,
        })
    }

    /// Unit names in column order.
    pub fn units(&self) -> &[String] {
        &self.units
    }

    /// Time values (one per row).
    pub fn time(&self) -> &[f64] {
        &self.time
    }

    /// Number of time points.
    pub fn n_times(&self) -> usize {
        self.counts.len()
    }

    /// Number of units.
    pub fn n_units(&self) -> usize {
        self.units.len()
    }

    /// The count of unit `i` at time index `t`.
    pub fn count(&self, t: usize, i: usize) -> f64 {
        self.counts[t][i]
    }

    /// All counts, `[t][i]`.
    pub fn counts(&self) -> &[Vec<f64>] {
        &self.counts
    }

    /// Endemic offset of unit `i`.
    pub fn offset(&self, i: usize) -> f64 {
        self.offset[i]
    }

    /// Σ_j w[j,i]·Y[j,t].
    pub fn neighbour_sum(&self, t: usize, i: usize) -> f64 {
        self.neighbour_sums[t][i]
    }

    /// The first-order neighbours of unit `i`.
    pub fn neighbours(&self, i: usize) -> &[usize] {
        &self.neighbours[i]
    }

    /// A copy of the panel with different counts (same shape; used to inject outbreaks
    /// and to simulate).
    pub fn with_counts(&self, counts: Vec<Vec<f64>>) -> Result<Self, ForecastError> {
        let adjacent: Vec<Vec<bool>> = (0..self.n_units())
            .map(|i| {
                (0..self.n_units())
                    .map(|j| self.neighbours[i].contains(&j))
                    .collect()
            })
            .collect();
        Self::new(
            self.units.clone(),
            self.time.clone(),
            counts,
            self.offset.clone(),
            &adjacent,
        )
    }
}

fn check_shape(what: &'static str, expected: usize, found: usize) -> Result<(), ForecastError> {
    if expected == found {
        Ok(())
    } else {
        Err(ForecastError::Shape {
            what,
            expected,
            found,
        })
    }
}

fn check_time(time: &[f64]) -> Result<(), ForecastError> {
    for (t, pair) in time.windows(2).enumerate() {
        if !(pair[0].is_finite() && pair[1].is_finite() && pair[1] > pair[0]) {
            return Err(ForecastError::BadTime(t + 1));
        }
    }
    match time.first() {
        Some(first) if !first.is_finite() => Err(ForecastError::BadTime(0)),
        _ => Ok(()),
    }
}

fn neighbour_lists(adjacent: &[Vec<bool>], n: usize) -> Result<Vec<Vec<usize>>, ForecastError> {
    for row in adjacent {
        check_shape("neighbour columns", n, row.len())?;
    }
    let lists: Vec<Vec<usize>> = (0..n)
        .map(|i| (0..n).filter(|&j| j != i && adjacent[j][i]).collect())
        .collect();
    if lists.iter().all(Vec::is_empty) {
        return Err(ForecastError::NoNeighbours);
    }
    Ok(lists)
}

/// Frequency, seasonal harmonics and family: everything but the data and the parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ModelSpec {
    /// Time points per seasonal cycle (52 weekly, 4 quarterly).
    pub frequency: f64,
    /// Number of sine/cosine pairs S ≥ 0 in the endemic component.
    pub seasons: usize,
    /// Conditional distribution.
    pub family: Family,
}

impl ModelSpec {
    /// Checks the frequency.
    pub fn validate(&self) -> Result<(), ForecastError> {
        if self.frequency.is_finite() && self.frequency > 0.0 {
            Ok(())
        } else {
            Err(ForecastError::BadFrequency(self.frequency))
        }
    }

    /// Number of endemic coefficients: intercept plus 2S harmonics.
    pub fn n_endemic(&self) -> usize {
        1 + 2 * self.seasons
    }

    /// Number of regression coefficients (ar.1, ne.1 and the endemic ones).
    pub fn n_regression(&self) -> usize {
        2 + self.n_endemic()
    }

    /// Number of overdispersion parameters for `n_units` units.
    pub fn n_overdisp(&self, n_units: usize) -> usize {
        match self.family {
            Family::Poisson => 0,
            Family::NegBin1 => 1,
            Family::NegBinM => n_units,
        }
    }

    /// Total number of parameters.
    pub fn n_params(&self, n_units: usize) -> usize {
        self.n_regression() + self.n_overdisp(n_units)
    }

    /// Index of unit `i`'s log-size parameter, if any.
    pub fn size_index(&self, i: usize) -> Option<usize> {
        match self.family {
            Family::Poisson => None,
            Family::NegBin1 => Some(self.n_regression()),
            Family::NegBinM => Some(self.n_regression() + i),
        }
    }

    /// R's coefficient names in parameter order (overdispersion as reported by `coef`).
    pub fn coefficient_names(&self, units: &[String]) -> Vec<String> {
        let mut names = vec!["ar.1".to_owned(), "ne.1".to_owned(), "end.1".to_owned()];
        let period = format_number(self.frequency);
        for s in 1..=self.seasons {
            names.push(format!("end.sin({} * pi * t/{period})", 2 * s));
            names.push(format!("end.cos({} * pi * t/{period})", 2 * s));
        }
        match self.family {
            Family::Poisson => {}
            Family::NegBin1 => names.push("overdisp".to_owned()),
            Family::NegBinM => names.extend(units.iter().map(|u| format!("overdisp.{u}"))),
        }
        names
    }

    /// The endemic covariates x_t = (1, sin(2π·1·τ/F), cos(…), …, sin(2π·S·τ/F), cos(…)) with
    /// τ = time − first time (R's `t = epoch − min(epoch)`).
    pub fn endemic_covariates(&self, tau: f64) -> Vec<f64> {
        let mut x = Vec::with_capacity(self.n_endemic());
        x.push(1.0);
        for s in 1..=self.seasons {
            let angle = 2.0 * s as f64 * PI * tau / self.frequency;
            x.push(angle.sin());
            x.push(angle.cos());
        }
        x
    }
}

/// Formats a number as R's `paste0` would for a period: integers without a decimal point.
fn format_number(value: f64) -> String {
    format!("{value}")
}

/// The three parts of a conditional mean.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MeanParts {
    /// exp(ar.1)·Y[i,t−1].
    pub autoregressive: f64,
    /// exp(ne.1)·Σ_j w[j,i]·Y[j,t−1].
    pub neighbourhood: f64,
    /// e[i]·exp(x_t'β_end).
    pub endemic: f64,
}

impl MeanParts {
    /// mu = sum of the parts.
    pub fn total(&self) -> f64 {
        self.autoregressive + self.neighbourhood + self.endemic
    }
}

/// Precomputed per-time endemic covariates for a panel and a spec.
#[derive(Debug, Clone)]
pub struct Design {
    covariates: Vec<Vec<f64>>,
}

impl Design {
    /// Builds x_t for every time point.
    pub fn new(panel: &Panel, spec: &ModelSpec) -> Self {
        let first = panel.time().first().copied().unwrap_or(0.0);
        let covariates = panel
            .time()
            .iter()
            .map(|&t| spec.endemic_covariates(t - first))
            .collect();
        Self { covariates }
    }

    /// x_t.
    pub fn covariates(&self, t: usize) -> &[f64] {
        &self.covariates[t]
    }

    /// The mean parts of unit `i` at time index `t ≥ 1` under parameters `theta`.
    pub fn mean_parts(&self, panel: &Panel, theta: &[f64], t: usize, i: usize) -> MeanParts {
        let x = self.covariates(t);
        let eta: f64 = x
            .iter()
            .zip(&theta[2..2 + x.len()])
            .map(|(a, b)| a * b)
            .sum();
        MeanParts {
            autoregressive: theta[0].exp() * panel.count(t - 1, i),
            neighbourhood: theta[1].exp() * panel.neighbour_sum(t - 1, i),
            endemic: panel.offset(i) * eta.exp(),
        }
    }
}

/// Size r = 1/psi of unit `i` (None for Poisson) from internal parameters (log r).
pub fn unit_size(spec: &ModelSpec, theta: &[f64], i: usize) -> Option<f64> {
    spec.size_index(i).map(|k| theta[k].exp())
}
