//! Baseline forecasters the hhh4 model is compared with: the naive seasonal forecast (the
//! count of the same period one cycle earlier, as a Poisson mean) and EARS C2 (CDC; mean and
//! standard deviation of the 7 periods ending 3 periods back, alarm when the count exceeds
//! mean + 3 sd; as a predictive distribution, the moment-matched negative binomial).
//! Means are floored at `MEAN_FLOOR` so that a zero history does not give an infinite log
//! score.

use super::model::Panel;
use super::predictive::Predictive;

/// Smallest predictive mean a baseline reports.
pub const MEAN_FLOOR: f64 = 0.5;
/// EARS C2 baseline length.
pub const C2_BASELINE: usize = 7;
/// EARS C2 guard band (periods between the baseline and the current one).
pub const C2_GUARD: usize = 2;
/// EARS C2 alarm threshold in standard deviations.
pub const C2_THRESHOLD: f64 = 3.0;

/// Naive seasonal forecast for index `t` of unit `i`: Poisson with the count `lag` periods
/// back; None when there is no such period.
pub fn naive(panel: &Panel, t: usize, i: usize, lag: usize) -> Option<Predictive> {
    let past = t.checked_sub(lag)?;
    Some(Predictive {
        mean: panel.count(past, i).max(MEAN_FLOOR),
        size: None,
    })
}

/// The EARS C2 statistic of one cell.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EarsC2 {
    /// Baseline mean.
    pub mean: f64,
    /// Baseline sample standard deviation.
    pub sd: f64,
    /// Whether the observed count exceeds mean + 3 sd (any excess over the mean when sd = 0).
    pub alarm: bool,
}

impl EarsC2 {
    /// The moment-matched predictive distribution (NegBin if overdispersed, else Poisson).
    pub fn predictive(&self) -> Predictive {
        let mean = self.mean.max(MEAN_FLOOR);
        let variance = self.sd * self.sd;
        let size = (variance > mean).then(|| mean * mean / (variance - mean));
        Predictive { mean, size }
    }
}

/// EARS C2 for index `t` of unit `i`; None when the baseline is not available.
pub fn ears_c2(panel: &Panel, t: usize, i: usize) -> Option<EarsC2> {
    let first = t.checked_sub(C2_GUARD + C2_BASELINE)?;
    let values: Vec<f64> = (first..first + C2_BASELINE)
        .map(|s| panel.count(s, i))
        .collect();
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let sd = (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    let y = panel.count(t, i);
    let alarm = if sd > 0.0 {
        y > mean + C2_THRESHOLD * sd
    } else {
        y > mean
    };
    Some(EarsC2 { mean, sd, alarm })
}
