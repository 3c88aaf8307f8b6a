//! Rolling one-step-ahead back-test: at each time index of the test window the model is
//! refitted on everything before it (warm-started from the previous fit) and predicts the
//! next period; its log score and ranked probability score are compared with the naive
//! seasonal forecast and EARS C2 on the same cells. With outbreak cells marked, it also
//! measures the exceedance trigger (alarm when P(Y ≥ y_observed) ≤ alpha under the
//! forecast) and the baselines' alarms: sensitivity, specificity and false-alarm rate.

use super::baselines::{C2_BASELINE, C2_GUARD, ears_c2, naive};
use super::error::ForecastError;
use super::fit::fit;
use super::model::{ModelSpec, Panel};
use super::predict::one_step_ahead;
use super::predictive::Predictive;
use super::scores::{log_score, ranked_probability_score};

/// Back-test settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BacktestOptions {
    /// First time index predicted (the first fit uses indices before it).
    pub first: usize,
    /// Seasonal lag of the naive forecast (usually the frequency).
    pub lag: usize,
    /// Trigger tail probability: alarm when P(Y ≥ y) ≤ alpha.
    pub alpha: f64,
}

/// Mean scores of one forecaster over the scored cells.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct MethodScores {
    /// Mean logarithmic score.
    pub log_score: f64,
    /// Mean ranked probability score.
    pub rps: f64,
}

/// Alarm counts against the outbreak truth.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Detection {
    /// Cells inside outbreaks.
    pub outbreak_cells: usize,
    /// Cells outside outbreaks.
    pub other_cells: usize,
    /// Alarms raised inside outbreaks.
    pub true_alarms: usize,
    /// Alarms raised outside outbreaks.
    pub false_alarms: usize,
}

impl Detection {
    /// Share of outbreak cells alarmed.
    pub fn sensitivity(&self) -> f64 {
        ratio(self.true_alarms, self.outbreak_cells)
    }

    /// Share of other cells not alarmed.
    pub fn specificity(&self) -> f64 {
        1.0 - self.false_alarm_rate()
    }

    /// Share of other cells alarmed (false-positive rate).
    pub fn false_alarm_rate(&self) -> f64 {
        ratio(self.false_alarms, self.other_cells)
    }

    pub(crate) fn record(&mut self, outbreak: bool, alarm: bool) {
        match (outbreak, alarm) {
            (true, a) => {
                self.outbreak_cells += 1;
                self.true_alarms += usize::from(a);
            }
            (false, a) => {
                self.other_cells += 1;
                self.false_alarms += usize::from(a);
            }
        }
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        f64::NAN
    } else {
        a as f64 / b as f64
    }
}

/// The back-test result for hhh4 and the two baselines.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BacktestReport {
    /// Cells scored (unit × time).
    pub cells: usize,
    /// Time indices predicted.
    pub times: usize,
    /// hhh4 scores.
    pub hhh4: MethodScores,
    /// Naive seasonal scores.
    pub naive: MethodScores,
    /// EARS C2 scores.
    pub ears_c2: MethodScores,
    /// Trigger detection of hhh4, naive and EARS C2 (when outbreak cells are given).
    pub detection: Option<[Detection; 3]>,
}

/// Runs the rolling back-test; `outbreaks[t][i]` marks injected outbreak cells.
pub fn backtest(
    panel: &Panel,
    spec: &ModelSpec,
    options: &BacktestOptions,
    outbreaks: Option<&[Vec<bool>]>,
) -> Result<BacktestReport, ForecastError> {
    let first = options
        .first
        .max(options.lag)
        .max(C2_BASELINE + C2_GUARD)
        .max(3);
    if first >= panel.n_times() {
        return Err(ForecastError::BadWindow(format!(
            "back-test needs time indices after {first}; the data have {}",
            panel.n_times()
        )));
    }
    let mut sums = [MethodScores::default(); 3];
    let mut detection = [Detection::default(); 3];
    let mut cells = 0;
    let mut start: Option<Vec<f64>> = None;
    for t in first..panel.n_times() {
        let fitted = fit(panel, spec, t, start.as_deref())?;
        start = Some(fitted.theta().to_vec());
        for prediction in one_step_ahead(panel, &fitted, t..t + 1)? {
            let i = prediction.unit;
            let y = panel.count(t, i);
            let c2 = ears_c2(panel, t, i).ok_or_else(|| window_error(t))?;
            let forecasts = [
                prediction.distribution,
                naive(panel, t, i, options.lag).ok_or_else(|| window_error(t))?,
                c2.predictive(),
            ];
            for (sum, forecast) in sums.iter_mut().zip(&forecasts) {
                sum.log_score += log_score(forecast, y as u64);
                sum.rps += ranked_probability_score(forecast, y as u64);
            }
            if let Some(marks) = outbreaks {
                let alarms = [
                    tail_alarm(&forecasts[0], y, options.alpha),
                    tail_alarm(&forecasts[1], y, options.alpha),
                    c2.alarm,
                ];
                for (d, alarm) in detection.iter_mut().zip(alarms) {
                    d.record(marks[t][i], alarm);
                }
            }
            cells += 1;
        }
    }
    let mean = |s: MethodScores| MethodScores {
        log_score: s.log_score / cells as f64,
        rps: s.rps / cells as f64,
    };
    Ok(BacktestReport {
        cells,
        times: panel.n_times() - first,
        hhh4: mean(sums[0]),
        naive: mean(sums[1]),
        ears_c2: mean(sums[2]),
        detection: outbreaks.map(|_| detection),
    })
}

/// Alarm when the observed count is in the upper alpha tail: P(Y ≥ y) ≤ alpha.
pub fn tail_alarm(forecast: &Predictive, y: f64, alpha: f64) -> bool {
    y > 0.0 && forecast.exceedance(y - 1.0) <= alpha
}

fn window_error(t: usize) -> ForecastError {
    ForecastError::BadWindow(format!("no baseline history for time index {t}"))
}
