//! Back-test of the service's forecast-exceedance trigger (priority trigger 8) on marked
//! outbreak cells: at each time index t of the test window the model is refitted on the indices
//! before t (warm-started) and the trigger raises an alarm for unit i when the one-step-ahead
//! forecast gives P(Y[i,t] > threshold(t, i)) above `probability` — decided before Y[i,t] is
//! seen, as in the service. Alarms are counted against the marks as sensitivity, specificity
//! and false-alarm rate ([`Detection`]). `plan_threshold` is the service's threshold: a
//! 1/frequency share of the unit's plan target, −5 %/year from its first cycle's count.

use super::backtest::Detection;
use super::error::ForecastError;
use super::fit::fit;
use super::model::{ModelSpec, Panel};
use super::predict::one_step_ahead;
use crate::plan_tracking::target_by_rule;

/// Trigger detection over time indices `first..` of `panel`, `outbreaks[t][i]` the marks.
pub fn trigger_detection(
    panel: &Panel,
    spec: &ModelSpec,
    first: usize,
    threshold: &dyn Fn(usize, usize) -> f64,
    probability: f64,
    outbreaks: &[Vec<bool>],
) -> Result<Detection, ForecastError> {
    if first < 3 || first >= panel.n_times() || outbreaks.len() != panel.n_times() {
        return Err(ForecastError::BadWindow(format!(
            "trigger back-test from time index {first} with {} rows of marks: need 3 ≤ first < {} rows",
            outbreaks.len(),
            panel.n_times()
        )));
    }
    let mut detection = Detection::default();
    let mut start: Option<Vec<f64>> = None;
    for (t, marks) in outbreaks.iter().enumerate().skip(first) {
        let fitted = fit(panel, spec, t, start.as_deref())?;
        start = Some(fitted.theta().to_vec());
        for p in one_step_ahead(panel, &fitted, t..t + 1)? {
            let alarm = p.distribution.exceedance(threshold(t, p.unit)) > probability;
            detection.record(marks[p.unit], alarm);
        }
    }
    Ok(detection)
}

/// The plan threshold of unit `i` at time index `t`: the unit's count over the first
/// `frequency` indices is the baseline, reduced by `percent` % per cycle (truncated yearly, as
/// the plan does) to the cycle of `t`, and divided by `frequency`.
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_precision_loss,
    reason = "whole counts and small cycle numbers"
)]
pub fn plan_threshold(panel: &Panel, frequency: usize, percent: u32, t: usize, i: usize) -> f64 {
    let frequency = frequency.max(1);
    let baseline: f64 = (0..frequency.min(panel.n_times()))
        .map(|s| panel.count(s, i))
        .sum();
    let cycles = (t / frequency) as u32;
    target_by_rule(baseline.round() as u64, cycles, percent) as f64 / frequency as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forecast::model::Family;

    fn panel(counts: Vec<Vec<f64>>) -> Panel {
        let n = counts[0].len();
        let adjacent: Vec<Vec<bool>> = (0..n)
            .map(|i| (0..n).map(|j| i.abs_diff(j) == 1).collect())
            .collect();
        let time = (0..counts.len()).map(|t| t as f64).collect();
        Panel::new(
            (0..n).map(|i| format!("u{i}")).collect(),
            time,
            counts,
            vec![1.0; n],
            &adjacent,
        )
        .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn plan_threshold_follows_the_rule() {
        let p = panel(vec![vec![10.0, 1.0]; 8]);
        // Baseline 40 over the first 4 indices; cycle 1: 40·0.95 = 38; a quarter: 9.5.
        assert!((plan_threshold(&p, 4, 5, 0, 0) - 10.0).abs() < 1e-12);
        assert!((plan_threshold(&p, 4, 5, 5, 0) - 9.5).abs() < 1e-12);
    }

    #[test]
    fn alarms_where_counts_stay_far_above_the_threshold() {
        use rand::SeedableRng;
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        let counts: Vec<Vec<f64>> = (0..16)
            .map(|t| {
                (0..4)
                    .map(|i| {
                        let mean = if i == 0 && t >= 8 { 60.0 } else { 10.0 };
                        crate::forecast::simulate::draw_count(&mut rng, mean, Some(20.0))
                    })
                    .collect()
            })
            .collect();
        let p = panel(counts);
        let marks: Vec<Vec<bool>> = (0..16)
            .map(|t| (0..4).map(|i| i == 0 && t >= 8).collect())
            .collect();
        let spec = ModelSpec {
            frequency: 4.0,
            seasons: 0,
            family: Family::NegBin1,
        };
        let threshold = |t: usize, i: usize| plan_threshold(&p, 4, 5, t, i);
        let d = trigger_detection(&p, &spec, 9, &threshold, 0.8, &marks)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(d.outbreak_cells, 7);
        // The excess is seen from its second quarter on (the forecast is made before the first).
        assert!(d.sensitivity() > 0.6, "{d:?}");
        assert!(d.false_alarm_rate() < 0.3, "{d:?}");
    }
}
