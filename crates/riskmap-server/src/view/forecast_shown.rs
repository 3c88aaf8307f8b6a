//! The forecasts one reader may see: the fit of the reader's own exact scope
//! (`forecast.rs`), each number disclosed by the `Discloser` for the reader's cell (exact
//! access only; the scope holds nothing else). The public and the steward see no unit exactly,
//! so they get no rows.

use super::discloser::Cell;
use riskmap_model::{AdminLevel, Audience, Disclosed, Kato, Period};

use super::forecast::{ScopeForecast, UnitForecast, exact_scope, scope_forecast};
use crate::AppState;
use crate::http::Error;

/// One unit's forecast as the reader may see it.
#[derive(Debug, Clone)]
pub struct ShownForecast {
    /// The unit.
    pub kato: Kato,
    /// Predictive mean of the next quarter.
    pub mean: Disclosed<f64>,
    /// 5 % quantile.
    pub lower: Disclosed<u64>,
    /// 95 % quantile.
    pub upper: Disclosed<u64>,
    /// Plan-target threshold.
    pub target: Disclosed<f64>,
    /// P(Y > plan-target threshold).
    pub p_target: Disclosed<f64>,
    /// Reference-rate threshold.
    pub reference: Disclosed<f64>,
    /// P(Y > reference threshold).
    pub p_reference: Disclosed<f64>,
    /// Whether the unit took part in the fit (a unit with a quarter without reports does not).
    pub fitted: bool,
    /// The observed counts of the window's quarters.
    pub series: Vec<(Period, Disclosed<u64>)>,
}

/// A reader's forecasts of one indicator at one level.
#[derive(Debug, Clone)]
pub struct ShownForecasts {
    /// The quarter forecast.
    pub next: Option<Period>,
    /// Why there is no forecast.
    pub unavailable: Option<String>,
    /// The family fitted.
    pub family: Option<riskmap_score::forecast::Family>,
    /// Units with a forecast (the reader's exact scope, less units with a gap).
    pub scope_units: usize,
    /// The units, geography order.
    pub units: Vec<ShownForecast>,
}

/// Catalogue indicator `k` at `level` as `audience` may see its forecasts.
pub async fn for_reader(
    state: &AppState,
    audience: &Audience,
    level: AdminLevel,
    k: usize,
) -> Result<ShownForecasts, Error> {
    let indicator = &state.catalogue.indicators[k];
    let scope = exact_scope(state, audience, level, indicator);
    if scope.is_empty() {
        return Ok(ShownForecasts {
            next: None,
            unavailable: Some("no unit of this level is in the reader's exact scope".to_owned()),
            family: None,
            scope_units: 0,
            units: Vec::new(),
        });
    }
    let fit = scope_forecast(state, level, k, scope).await?;
    let show = |u: &UnitForecast| {
        let cell = Cell {
            sensitivity: indicator.sensitivity,
            level,
            unit: &u.kato,
            audience,
        };
        disclose(&state.views.discloser, &cell, &fit, u)
    };
    Ok(ShownForecasts {
        next: fit.next,
        unavailable: fit.unavailable.clone(),
        family: fit.family,
        scope_units: fit.units.iter().filter(|u| u.outlook.is_some()).count(),
        units: fit.units.iter().map(show).collect(),
    })
}

fn disclose(
    discloser: &super::Discloser,
    cell: &Cell<'_>,
    fit: &ScopeForecast,
    unit: &UnitForecast,
) -> ShownForecast {
    let quantity = |v: Option<f64>| discloser.quantity_or_missing(v, cell);
    let count = |v: Option<u64>| discloser.count_or_missing(v, cell);
    let out = unit.outlook.as_ref();
    ShownForecast {
        kato: unit.kato,
        fitted: unit.outlook.is_some(),
        mean: quantity(out.map(|o| o.mean)),
        lower: count(out.map(|o| o.lower)),
        upper: count(out.map(|o| o.upper)),
        target: quantity(unit.target),
        p_target: quantity(out.and_then(|o| o.exceedance[0])),
        reference: quantity(unit.reference),
        p_reference: quantity(out.and_then(|o| o.exceedance[1])),
        series: fit
            .quarters
            .iter()
            .zip(&unit.counts)
            .map(|(p, c)| (*p, count(*c)))
            .collect(),
    }
}
