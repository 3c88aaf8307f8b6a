//! Next-quarter forecasts of the event indicators (S1/S2 counts per pupil) for regions and
//! districts, fitted per **scope**: the units of one level a reader sees exactly
//! (`Audience::access == Exact` for the indicator's sensitivity). A forecast is a function of
//! the counts it is fitted on (mean = e·ν + λ·Y[i,T] + φ·Σ w·Y[j,T]), so a reader's model is
//! fitted only on the units it sees exactly, with neighbour pairs inside that set, and its
//! thresholds use only those units too: nothing outside a reader's exact scope changes
//! anything the reader receives. The ministry's scope is every unit (one national fit); an
//! akimat's, the districts of its region (its region alone at region level: one unit, not
//! enough for the model); a crisis team's, its districts. Readers with the same scope share
//! the fit (`ForecastKey`).
//!
//! Per scope: the quarters are the trailing run of consecutive quarters with reports in the
//! scope, ending with the latest; a unit without the count or pupils in one of them is left out
//! of the fit (its forecast is not available); the model is `riskmap_score::forecast::outlook`
//! (hhh4 NegBin1, one harmonic, frequency 4, offset pupils, first-order contiguity; Poisson
//! when the counts are not overdispersed); the
//! thresholds of the next quarter are (a) the unit's plan target — its count in the earliest
//! complete calendar year of the window as the baseline, −5 %/year by the plan rule
//! (`plan_tracking::target_by_rule`) to the forecast year, a quarter of it — and (b) the
//! scope's pooled rate of the last four quarters applied to the unit's pupils (for the
//! ministry, the national rate). A degenerate scope (one unit, no neighbours, all zeros, no
//! pupils) is kept as a reason, never as NaN.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use riskmap_model::{AdminLevel, Audience, Indicator, Kato, Measure, MeasureKind, Period};
use riskmap_score::forecast::outlook::{Outlook, UnitOutlook, outlook};
use riskmap_score::forecast::{Family, ForecastError, Panel};
use riskmap_score::methodology::Methodology;
use riskmap_score::plan_tracking::target_by_rule;
use riskmap_score::weights::Weights;

use super::sums::{LevelSums, whole};
use crate::AppState;
use crate::http::Error;

/// One fit: a level, an indicator (catalogue index) and the scope's units (geography order).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ForecastKey {
    /// Region or district.
    pub level: AdminLevel,
    /// Index in the catalogue.
    pub indicator: usize,
    /// The units fitted on, in geography order.
    pub scope: Vec<Kato>,
}

/// One unit of a scope's fit.
#[derive(Debug, Clone)]
pub struct UnitForecast {
    /// The unit.
    pub kato: Kato,
    /// Its counts in the quarters of the window (`None`: no report; such a unit is left out
    /// of the fit).
    pub counts: Vec<Option<u64>>,
    /// Plan-target threshold of the next quarter.
    pub target: Option<f64>,
    /// The scope's pooled rate applied to the unit's pupils.
    pub reference: Option<f64>,
    /// The outlook (`None` when the fit is not available).
    pub outlook: Option<UnitOutlook>,
}

/// A scope's forecasts of one indicator at one level.
#[derive(Debug, Clone)]
pub struct ScopeForecast {
    /// The quarters of the window, oldest first.
    pub quarters: Vec<Period>,
    /// The quarter forecast.
    pub next: Option<Period>,
    /// Why there is no forecast (`None`: fitted).
    pub unavailable: Option<String>,
    /// The family fitted (NegBin1, or Poisson without overdispersion).
    pub family: Option<Family>,
    /// The scope's units, in geography order.
    pub units: Vec<UnitForecast>,
}

/// True for the indicators forecast: S1/S2 counts of events per pupil.
pub fn is_event_indicator(indicator: &Indicator) -> bool {
    indicator.sensitivity != riskmap_model::Sensitivity::S0
        && indicator.numerator.kind() == MeasureKind::Count
        && indicator.denominator == Measure::PupilsTotal
}

/// The units of `level` that `audience` sees exactly for `indicator`, geography order.
pub fn exact_scope(
    state: &AppState,
    audience: &Audience,
    level: AdminLevel,
    indicator: &Indicator,
) -> Vec<Kato> {
    super::units_of(state, level)
        .into_iter()
        .map(|(kato, _)| kato)
        .filter(|kato| audience.sees_exact(indicator.sensitivity, level, kato))
        .collect()
}

/// The scope's forecast of catalogue indicator `k` at `level`, fitted once per data version
/// on a blocking thread.
pub async fn scope_forecast(
    state: &AppState,
    level: AdminLevel,
    k: usize,
    scope: Vec<Kato>,
) -> Result<Arc<ScopeForecast>, Error> {
    let (version, _) = state.periods().await?;
    let key = ForecastKey {
        level,
        indicator: k,
        scope,
    };
    if let Some(found) = state.views.forecasts.peek(version, &key) {
        return Ok(found);
    }
    let sums = super::level_sums(state, level).await?;
    let weights = match level {
        AdminLevel::Region => state.contiguity.regions(&state.geography)?,
        _ => state.contiguity.districts(&state.geography)?,
    };
    let order: HashMap<Kato, usize> = super::units_of(state, level)
        .iter()
        .enumerate()
        .map(|(i, (kato, _))| (*kato, i))
        .collect();
    let numerator = state.catalogue.indicators[k].numerator;
    state
        .views
        .forecasts
        .get_or_build(version, key.clone(), || async move {
            tokio::task::spawn_blocking(move || {
                build(&FitInputs {
                    sums: &sums,
                    weights: &weights,
                    order: &order,
                    measure: numerator,
                    scope: &key.scope,
                })
            })
            .await
            .map_err(|e| Error::Internal {
                message: format!("forecast task failed: {e}"),
            })
        })
        .await
}

/// Every fit of the ministry's scope (all indicators × regions and districts), for the
/// background warm-up after a new data version is served.
pub async fn warm(state: &AppState) -> Result<(), Error> {
    for level in [AdminLevel::District, AdminLevel::Region] {
        for (k, indicator) in state.catalogue.indicators.iter().enumerate() {
            if is_event_indicator(indicator) {
                let scope = exact_scope(state, &Audience::Ministry, level, indicator);
                scope_forecast(state, level, k, scope).await?;
            }
        }
    }
    Ok(())
}

/// What one fit reads.
pub struct FitInputs<'a> {
    /// The level's sums.
    pub sums: &'a LevelSums,
    /// Contiguity of the level, geography order.
    pub weights: &'a Weights,
    /// Geography index of each unit of the level.
    pub order: &'a HashMap<Kato, usize>,
    /// The counted measure.
    pub measure: Measure,
    /// The scope's units.
    pub scope: &'a [Kato],
}

/// Fits one scope (pure; runs on a blocking thread).
pub fn build(inputs: &FitInputs<'_>) -> ScopeForecast {
    let quarters = trailing_quarters(inputs);
    let next = quarters.last().map(|p| p.next());
    let series: Vec<(Vec<Option<u64>>, f64)> = inputs
        .scope
        .iter()
        .map(|kato| unit_series(inputs, kato, &quarters))
        .collect();
    // Units with a quarter without reports are left out of the fit.
    let fitted_units: Vec<usize> = (0..series.len())
        .filter(|&i| series[i].0.iter().all(Option::is_some))
        .collect();
    let complete: Vec<(Vec<u64>, f64)> = fitted_units
        .iter()
        .map(|&i| (series[i].0.iter().flatten().copied().collect(), series[i].1))
        .collect();
    let targets: Vec<Option<f64>> = complete
        .iter()
        .map(|(counts, _)| next.and_then(|n| plan_threshold(&quarters, counts, n)))
        .collect();
    let references = reference_thresholds(&complete);
    let thresholds: Vec<Vec<Option<f64>>> = targets
        .iter()
        .zip(&references)
        .map(|(t, r)| vec![*t, *r])
        .collect();
    let fit_katos: Vec<Kato> = fitted_units.iter().map(|&i| inputs.scope[i]).collect();
    let fitted = match next {
        None => Err("no quarter with reports in the scope".to_owned()),
        Some(_) => fit_scope(inputs, &fit_katos, &quarters, &complete, &thresholds)
            .map_err(|e| e.to_string()),
    };
    let (mut outlooks, unavailable, family) = match fitted {
        Ok(out) => (
            out.units.into_iter().map(Some).collect(),
            None,
            Some(out.family),
        ),
        Err(reason) => (vec![None; fitted_units.len()], Some(reason), None),
    };
    let mut units: Vec<UnitForecast> = inputs
        .scope
        .iter()
        .zip(series)
        .map(|(kato, (counts, _))| UnitForecast {
            kato: *kato,
            counts,
            target: None,
            reference: None,
            outlook: None,
        })
        .collect();
    for (k, &i) in fitted_units.iter().enumerate() {
        units[i].target = targets[k];
        units[i].reference = references[k];
        units[i].outlook = outlooks[k].take();
    }
    ScopeForecast {
        quarters,
        next,
        unavailable,
        family,
        units,
    }
}

/// The trailing run of consecutive quarters, ending with the latest, in which some unit of the
/// scope has the count and pupils.
fn trailing_quarters(inputs: &FitInputs<'_>) -> Vec<Period> {
    let mut any: BTreeSet<Period> = BTreeSet::new();
    for kato in inputs.scope {
        any.extend(
            inputs
                .sums
                .unit(kato)
                .into_iter()
                .filter(|(_, v)| v.get(inputs.measure).is_some() && pupils(v) > 0.0)
                .map(|(p, _)| p),
        );
    }
    let mut run: Vec<Period> = Vec::new();
    for period in any.into_iter().rev() {
        if run.last().is_some_and(|last| last.previous() != period) {
            break;
        }
        run.push(period);
    }
    run.reverse();
    run
}

fn pupils(values: &riskmap_model::MeasureValues) -> f64 {
    values.get(Measure::PupilsTotal).unwrap_or(0.0)
}

/// A unit's counts in `quarters` (`None`: no report with the count and pupils) and its
/// pupils in the last of them.
fn unit_series(
    inputs: &FitInputs<'_>,
    kato: &Kato,
    quarters: &[Period],
) -> (Vec<Option<u64>>, f64) {
    let counts = quarters
        .iter()
        .map(|p| {
            let q = inputs.sums.quarter(kato, *p)?;
            let count = q.sums.get(inputs.measure)?;
            (pupils(&q.sums) > 0.0).then(|| whole(count))
        })
        .collect();
    let last = quarters
        .last()
        .and_then(|p| inputs.sums.quarter(kato, *p))
        .map_or(0.0, |q| pupils(&q.sums));
    (counts, last)
}

/// A quarter of the plan's annual target for `next`'s year, from the unit's count in the
/// earliest complete calendar year of the window.
fn plan_threshold(quarters: &[Period], counts: &[u64], next: Period) -> Option<f64> {
    let plan = &Methodology::builtin().plan;
    let year = quarters
        .iter()
        .filter(|p| p.quarter() == 1)
        .map(|p| p.year())
        .find(|y| quarters.iter().filter(|p| p.year() == *y).count() == 4)?;
    let baseline: u64 = quarters
        .iter()
        .zip(counts)
        .filter(|(p, _)| p.year() == year)
        .map(|(_, c)| *c)
        .sum();
    let years = u32::from(next.year().checked_sub(year)?);
    #[allow(clippy::cast_precision_loss, reason = "counts far below 2^53")]
    let annual = target_by_rule(baseline, years, plan.annual_reduction_percent) as f64;
    Some(annual / 4.0)
}

/// The scope's pooled rate per pupil and quarter over its last four quarters, applied to each
/// unit's pupils.
#[allow(clippy::cast_precision_loss, reason = "counts far below 2^53")]
fn reference_thresholds(series: &[(Vec<u64>, f64)]) -> Vec<Option<f64>> {
    let events: u64 = series
        .iter()
        .map(|(counts, _)| counts.iter().rev().take(4).sum::<u64>())
        .sum();
    let quarters = series.first().map_or(0, |(c, _)| c.len().min(4));
    let pupils: f64 = series.iter().map(|(_, p)| p).sum();
    if quarters == 0 || pupils <= 0.0 {
        return vec![None; series.len()];
    }
    let rate = events as f64 / (quarters as f64 * pupils);
    series.iter().map(|(_, p)| Some(rate * p)).collect()
}

/// The panel of the units fitted and its outlook.
#[allow(clippy::cast_precision_loss, reason = "counts far below 2^53")]
fn fit_scope(
    inputs: &FitInputs<'_>,
    units: &[Kato],
    quarters: &[Period],
    series: &[(Vec<u64>, f64)],
    thresholds: &[Vec<Option<f64>>],
) -> Result<Outlook, ForecastError> {
    let total: f64 = series.iter().map(|(_, p)| p).sum();
    let offset = series
        .iter()
        .map(|(_, p)| if total > 0.0 { p / total } else { 0.0 })
        .collect();
    let counts = (0..quarters.len())
        .map(|t| series.iter().map(|(c, _)| c[t] as f64).collect())
        .collect();
    let time = quarters
        .iter()
        .map(|p| f64::from(p.year()) * 4.0 + f64::from(p.quarter()))
        .collect();
    let names = units.iter().map(ToString::to_string).collect();
    let panel = Panel::new(names, time, counts, offset, &adjacency(inputs, units))?;
    outlook(&panel, thresholds)
}

/// First-order contiguity restricted to pairs of `units` (inside the scope).
fn adjacency(inputs: &FitInputs<'_>, units: &[Kato]) -> Vec<Vec<bool>> {
    let index: Vec<Option<usize>> = units.iter().map(|k| inputs.order.get(k).copied()).collect();
    index
        .iter()
        .map(|a| {
            index
                .iter()
                .map(|b| match (a, b) {
                    (Some(a), Some(b)) => a != b && inputs.weights.neighbours(*a).contains(b),
                    _ => false,
                })
                .collect()
        })
        .collect()
}
