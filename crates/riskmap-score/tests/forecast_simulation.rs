//! Fitting counts drawn from the hhh4 model with known parameters recovers them: every
//! estimate within 4 standard errors of the truth, for Poisson, NegBin1 and NegBinM, S = 0, 1, 2
//! and weekly and quarterly frequencies; and the degenerate inputs the model cannot describe
//! are refused with a clear error, never a NaN.
#![allow(clippy::unwrap_used, reason = "tests")]

use riskmap_score::forecast::fit::default_start;
use riskmap_score::forecast::predict::one_step_ahead;
use riskmap_score::forecast::simulate::simulate;
use riskmap_score::forecast::{Family, ForecastError, ModelSpec, Panel, fit};

/// `n` units on a ring (each adjacent to the next), `t` time points, first row all 3.
fn ring(n: usize, t: usize) -> Panel {
    let units = (0..n).map(|i| format!("u{i}")).collect();
    let adjacent: Vec<Vec<bool>> = (0..n)
        .map(|i| {
            (0..n)
                .map(|j| (i + 1) % n == j || (j + 1) % n == i)
                .collect()
        })
        .collect();
    let offset = (0..n).map(|i| 0.5 + 0.1 * i as f64).collect();
    let counts = vec![vec![3.0; n]; t];
    Panel::new(
        units,
        (1..=t).map(|k| k as f64).collect(),
        counts,
        offset,
        &adjacent,
    )
    .unwrap()
}

fn truth(spec: &ModelSpec, n: usize) -> Vec<f64> {
    let mut theta = vec![0.4_f64.ln(), 0.05_f64.ln(), 4.0_f64.ln()];
    for s in 0..spec.seasons {
        theta.push(0.5 / (s + 1) as f64);
        theta.push(-0.3 / (s + 1) as f64);
    }
    theta.extend((0..spec.n_overdisp(n)).map(|k| (1.5 + 0.5 * (k % 3) as f64).ln()));
    theta
}

fn recovers(spec: ModelSpec, n: usize, t: usize, seed: u64) {
    let template = ring(n, t);
    let theta = truth(&spec, n);
    let data = simulate(&template, &spec, &theta, seed).unwrap();
    let fitted = fit(&data, &spec, data.n_times(), None).unwrap();
    let covariance = fitted.covariance().unwrap();
    let k = theta.len();
    for (j, (&estimate, &true_value)) in fitted.theta().iter().zip(&theta).enumerate() {
        let se = covariance[j * k + j].sqrt();
        assert!(
            se.is_finite() && se > 0.0,
            "{spec:?} parameter {j}: se {se}"
        );
        assert!(
            (estimate - true_value).abs() < 4.0 * se,
            "{spec:?} seed {seed} parameter {j}: {estimate} vs {true_value} (se {se})"
        );
    }
    // The fit is a maximum: the estimate beats the truth and R's start values.
    assert!(fitted.loglik().is_finite());
    let again = fit(&data, &spec, data.n_times(), Some(&default_start(&spec, n))).unwrap();
    assert!((again.loglik() - fitted.loglik()).abs() < 1e-8);
}

#[test]
fn negbin1_weekly_parameters_are_recovered() {
    for seed in 1..=3 {
        recovers(
            ModelSpec {
                frequency: 52.0,
                seasons: 1,
                family: Family::NegBin1,
            },
            10,
            300,
            seed,
        );
    }
}

#[test]
fn poisson_quarterly_parameters_are_recovered() {
    for seed in 4..=6 {
        recovers(
            ModelSpec {
                frequency: 4.0,
                seasons: 1,
                family: Family::Poisson,
            },
            12,
            120,
            seed,
        );
    }
}

#[test]
fn negbin_m_and_two_harmonics_are_recovered() {
    recovers(
        ModelSpec {
            frequency: 52.0,
            seasons: 2,
            family: Family::NegBinM,
        },
        8,
        400,
        7,
    );
    recovers(
        ModelSpec {
            frequency: 12.0,
            seasons: 0,
            family: Family::NegBin1,
        },
        8,
        200,
        8,
    );
}

fn spec() -> ModelSpec {
    ModelSpec {
        frequency: 4.0,
        seasons: 1,
        family: Family::NegBin1,
    }
}

#[test]
fn all_zero_counts_are_refused() {
    let panel = ring(5, 20).with_counts(vec![vec![0.0; 5]; 20]).unwrap();
    let error = fit(&panel, &spec(), 20, None).unwrap_err();
    assert_eq!(error, ForecastError::AllZero);
    assert!(error.to_string().contains("zero"));
}

#[test]
fn one_unit_is_refused() {
    let error = Panel::new(
        vec!["a".into()],
        vec![1.0, 2.0, 3.0],
        vec![vec![1.0]; 3],
        vec![1.0],
        &[vec![false]],
    )
    .unwrap_err();
    assert_eq!(error, ForecastError::TooFewUnits { found: 1 });
}

#[test]
fn no_neighbours_is_refused() {
    let adjacent = vec![vec![false; 3]; 3];
    let error = Panel::new(
        vec!["a".into(), "b".into(), "c".into()],
        vec![1.0, 2.0, 3.0, 4.0],
        vec![vec![1.0, 2.0, 0.0]; 4],
        vec![1.0; 3],
        &adjacent,
    )
    .unwrap_err();
    assert_eq!(error, ForecastError::NoNeighbours);
}

#[test]
fn zero_population_is_refused_by_name() {
    let template = ring(4, 6);
    let adjacent: Vec<Vec<bool>> = (0..4)
        .map(|i| {
            (0..4)
                .map(|j| template.neighbours(i).contains(&j))
                .collect()
        })
        .collect();
    let error = Panel::new(
        template.units().to_vec(),
        template.time().to_vec(),
        template.counts().to_vec(),
        vec![1.0, 0.0, 1.0, 1.0],
        &adjacent,
    )
    .unwrap_err();
    assert_eq!(
        error,
        ForecastError::BadOffset {
            unit: "u1".into(),
            value: 0.0
        }
    );
    assert!(error.to_string().contains("u1"));
}

#[test]
fn too_short_and_bad_counts_are_refused() {
    let panel = ring(4, 2);
    assert!(matches!(
        fit(&panel, &spec(), 2, None),
        Err(ForecastError::TooFewTimePoints { .. })
    ));
    let mut counts = ring(4, 5).counts().to_vec();
    counts[2][1] = 1.5;
    assert!(matches!(
        ring(4, 5).with_counts(counts),
        Err(ForecastError::BadCount { time: 2, .. })
    ));
    let too_many_harmonics = ModelSpec {
        seasons: 2,
        ..spec()
    };
    let error = fit(&ring(4, 8), &too_many_harmonics, 8, None).unwrap_err();
    assert!(
        error.to_string().contains("end.sin(4 * pi * t/4)"),
        "{error}"
    );
    let bad_frequency = ModelSpec {
        frequency: 0.0,
        ..spec()
    };
    assert_eq!(
        fit(&ring(4, 8), &bad_frequency, 8, None).unwrap_err(),
        ForecastError::BadFrequency(0.0)
    );
}

/// A unit without a single case under NegBinM: its overdispersion runs to the boundary, every
/// number stays finite and its predictions are proper distributions.
#[test]
fn sparse_unit_stays_finite() {
    let template = ring(5, 80);
    let spec = ModelSpec {
        frequency: 4.0,
        seasons: 1,
        family: Family::NegBinM,
    };
    let data = simulate(&template, &spec, &truth(&spec, 5), 11).unwrap();
    let mut counts = data.counts().to_vec();
    counts.iter_mut().for_each(|row| row[2] = 0.0);
    let data = data.with_counts(counts).unwrap();
    let fitted = fit(&data, &spec, 80, None).unwrap();
    assert!(
        fitted
            .coefficients()
            .iter()
            .all(|(_, v)| v.is_finite() && *v > -1e300)
    );
    assert!(fitted.loglik().is_finite());
    for p in one_step_ahead(&data, &fitted, 70..80).unwrap() {
        assert!(p.distribution.mean.is_finite() && p.distribution.mean > 0.0);
        let total: f64 = (0..5000).map(|k| p.distribution.log_pmf(k).exp()).sum();
        assert!(
            (total - 1.0).abs() < 1e-6 || p.distribution.size.unwrap() < 1e-3,
            "{p:?}: total {total}, theta {:?}",
            fitted.theta()
        );
    }
}

/// Under NegBinM one unit whose counts vary less than Poisson counts would (its overdispersion
/// runs to 0, log size to +∞) does not sink the fit: the others keep their estimates (R's
/// hhh4 likewise reports that unit's psi near 0).
#[test]
fn negbin_m_unit_without_overdispersion_keeps_the_fit() {
    let template = ring(6, 200);
    let spec = ModelSpec {
        frequency: 4.0,
        seasons: 1,
        family: Family::NegBinM,
    };
    let data = simulate(&template, &spec, &truth(&spec, 6), 12).unwrap();
    let mut counts = data.counts().to_vec();
    counts
        .iter_mut()
        .enumerate()
        .for_each(|(t, row)| row[3] = 4.0 + (t % 2) as f64);
    let data = data.with_counts(counts).unwrap();
    let fitted = fit(&data, &spec, 200, None).unwrap();
    let psi: Vec<f64> = fitted
        .coefficients()
        .iter()
        .filter(|(name, _)| name.starts_with("overdisp"))
        .map(|(_, v)| *v)
        .collect();
    assert!(psi[3] < 1e-3, "unit 3's psi {}", psi[3]);
    assert!(
        psi.iter()
            .enumerate()
            .all(|(i, v)| i == 3 || (*v > 0.05 && *v < 5.0)),
        "{psi:?}"
    );
    assert!(fitted.loglik().is_finite());
}
