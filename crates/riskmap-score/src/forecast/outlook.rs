//! The next-period outlook the service publishes for each unit: the hhh4 model with one
//! overdispersion parameter (NegBin1), one seasonal harmonic at frequency 4 (quarters) and
//! first-order neighbours, fitted to every period of the panel; then, for the period after
//! the last, the predictive mean, a central 90 % interval (the 5 % and 95 % quantiles of the
//! negative binomial) and P(Y > threshold) for each threshold the caller gives per unit.
//! Fewer than [`MIN_EVENTS`] events in the periods the likelihood uses are refused (the
//! harmonic would fit a handful of events exactly and forecast 0). When the counts show no
//! overdispersion the NegBin1 size grows without bound and Newton does
//! not converge; the outlook then fits the Poisson limit of the same model ([`POISSON`]) and
//! says so. Everything returned is finite: a degenerate panel or a failed fit is a
//! `ForecastError`.

use super::error::ForecastError;
use super::fit::fit;
use super::model::{Family, ModelSpec, Panel};
use super::predict::next_period;

/// The model of the service's outlook: NegBin1, one harmonic, quarterly.
pub const SPEC: ModelSpec = ModelSpec {
    frequency: 4.0,
    seasons: 1,
    family: Family::NegBin1,
};

/// The fallback when the counts are not overdispersed: the same model, Poisson.
pub const POISSON: ModelSpec = ModelSpec {
    family: Family::Poisson,
    ..SPEC
};

/// Fewest events (over every unit and the periods after the first) the outlook fits on.
pub const MIN_EVENTS: u64 = 10;

/// Lower and upper probabilities of the central predictive interval.
pub const INTERVAL: (f64, f64) = (0.05, 0.95);

/// One unit's outlook for the next period.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitOutlook {
    /// Predictive mean.
    pub mean: f64,
    /// The 5 % quantile.
    pub lower: u64,
    /// The 95 % quantile.
    pub upper: u64,
    /// P(Y > threshold) for each of the unit's thresholds (`None` where it has none).
    pub exceedance: Vec<Option<f64>>,
}

/// The outlook of every unit and the family fitted.
#[derive(Debug, Clone, PartialEq)]
pub struct Outlook {
    /// NegBin1, or Poisson when NegBin1 did not converge.
    pub family: Family,
    /// Units in panel order.
    pub units: Vec<UnitOutlook>,
}

/// Fits [`SPEC`] (or, when it does not converge, [`POISSON`]) to all of `panel` and predicts
/// the next period for every unit; `thresholds[i]` are unit i's thresholds.
pub fn outlook(panel: &Panel, thresholds: &[Vec<Option<f64>>]) -> Result<Outlook, ForecastError> {
    if thresholds.len() != panel.n_units() {
        return Err(ForecastError::Shape {
            what: "threshold rows",
            expected: panel.n_units(),
            found: thresholds.len(),
        });
    }
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "a sum of whole non-negative counts"
    )]
    let events = panel.counts().iter().skip(1).flatten().sum::<f64>() as u64;
    if events > 0 && events < MIN_EVENTS {
        return Err(ForecastError::TooFewEvents {
            found: events,
            needed: MIN_EVENTS,
        });
    }
    let fitted = match fit(panel, &SPEC, panel.n_times(), None) {
        Err(ForecastError::NoConvergence { .. }) => fit(panel, &POISSON, panel.n_times(), None)?,
        other => other?,
    };
    let predictions = next_period(panel, &fitted);
    let units = predictions
        .iter()
        .zip(thresholds)
        .map(|(p, limits)| {
            if !(p.mean.is_finite() && p.mean >= 0.0 && p.size.is_none_or(f64::is_finite)) {
                return Err(ForecastError::NonFinite(format!(
                    "predictive mean {} / size {:?}",
                    p.mean, p.size
                )));
            }
            Ok(UnitOutlook {
                mean: p.mean,
                lower: p.quantile(INTERVAL.0),
                upper: p.quantile(INTERVAL.1),
                exceedance: limits
                    .iter()
                    .map(|t| t.filter(|t| t.is_finite()).map(|t| p.exceedance(t)))
                    .collect(),
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Outlook {
        family: fitted.spec().family,
        units,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: usize) -> Vec<Vec<bool>> {
        (0..n)
            .map(|i| (0..n).map(|j| i.abs_diff(j) == 1).collect())
            .collect()
    }

    fn panel(counts: Vec<Vec<f64>>) -> Panel {
        let n = counts[0].len();
        let time = (0..counts.len()).map(|t| t as f64).collect();
        Panel::new(
            (0..n).map(|i| format!("u{i}")).collect(),
            time,
            counts,
            vec![1000.0; n],
            &chain(n),
        )
        .unwrap()
    }

    /// Counts drawn from NegBin1 with means varying by unit and season.
    fn overdispersed() -> Vec<Vec<f64>> {
        use rand::SeedableRng;
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        (0..16)
            .map(|t| {
                (0..6)
                    .map(|i| {
                        let mean = 8.0 + 2.0 * i as f64 + 3.0 * (t as f64 * 1.57).sin();
                        super::super::simulate::draw_count(&mut rng, mean, Some(4.0))
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn predicts_finite_intervals_and_ordered_exceedances() {
        let out = outlook(
            &panel(overdispersed()),
            &vec![vec![Some(2.0), Some(20.0)]; 6],
        )
        .unwrap();
        assert_eq!(out.family, Family::NegBin1);
        for unit in &out.units {
            assert!(unit.mean > 0.0 && unit.mean.is_finite());
            assert!(unit.lower as f64 <= unit.mean && unit.mean <= unit.upper as f64);
            let (low, high) = (unit.exceedance[0].unwrap(), unit.exceedance[1].unwrap());
            assert!(
                low > high,
                "P(Y > 2) = {low} must exceed P(Y > 20) = {high}"
            );
        }
    }

    #[test]
    fn underdispersed_counts_fall_back_to_poisson() {
        let counts: Vec<Vec<f64>> = (0..12)
            .map(|t| {
                (0..6)
                    .map(|i| f64::from(((t * 7 + i * 3) % 11 + 5) as u32))
                    .collect()
            })
            .collect();
        assert!(matches!(
            fit(&panel(counts.clone()), &SPEC, 12, None),
            Err(ForecastError::NoConvergence { .. })
        ));
        let out = outlook(&panel(counts), &vec![vec![Some(9.0)]; 6]).unwrap();
        assert_eq!(out.family, Family::Poisson);
        assert!(
            out.units
                .iter()
                .all(|u| u.mean.is_finite() && u.exceedance[0].is_some())
        );
    }

    #[test]
    fn all_zero_counts_are_an_error_not_nan() {
        let counts = vec![vec![0.0; 4]; 8];
        assert_eq!(
            outlook(&panel(counts), &vec![vec![Some(1.0)]; 4]),
            Err(ForecastError::AllZero)
        );
    }

    #[test]
    fn a_handful_of_events_is_refused() {
        let mut counts = vec![vec![0.0; 3]; 8];
        counts[2][0] = 1.0;
        counts[6][1] = 2.0;
        assert_eq!(
            outlook(&panel(counts), &vec![vec![None]; 3]),
            Err(ForecastError::TooFewEvents {
                found: 3,
                needed: MIN_EVENTS
            })
        );
    }

    #[test]
    fn threshold_rows_must_match_units() {
        let counts = vec![vec![1.0; 3]; 5];
        assert!(matches!(
            outlook(&panel(counts), &[vec![None]]),
            Err(ForecastError::Shape { .. })
        ));
    }
}
