//! `GET /api/v1/forecasts?level=region|district&indicator=CODE&parent=KATO`: next-quarter
//! forecasts of an event indicator (S1/S2 counts per pupil) for the units the caller sees
//! exactly, from the model fitted on those units only (`view::forecast`): predictive mean,
//! 90 % interval, P(exceeding) the unit's plan target and the reference rate, the observed
//! series. Public callers get 403 (no unit is in their exact scope), the steward too.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use riskmap_model::{AdminLevel, Audience, Kato};
use serde::Serialize;
use utoipa::ToSchema;

use super::cached::{JsonKind, cached_json};
#[allow(unused_imports, reason = "named in the OpenAPI annotations")]
use super::openapi;
use super::query::{RawQuery, parse_query, take};
use super::wire::{WireCount, WireValue};
use super::{Caller, Error, Result};
use crate::AppState;
use crate::view::forecast::is_event_indicator;
use crate::view::forecast_shown::{ShownForecast, ShownForecasts, for_reader};

/// One observed quarter of the series.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct WireObserved {
    /// `YYYY-Qn`.
    period: String,
    /// The count.
    count: WireCount,
}

/// One unit's forecast.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct WireForecast {
    kato: String,
    name_kk: String,
    name_ru: String,
    name_en: String,
    /// Whether the unit took part in the fit (not when a quarter of the window has no report).
    fitted: bool,
    /// Predictive mean of the count in the forecast quarter.
    mean: WireValue,
    /// 5 % quantile of the predictive distribution.
    lower: WireCount,
    /// 95 % quantile of the predictive distribution.
    upper: WireCount,
    /// A quarter of the unit's plan target for the forecast year (−5 %/year from its baseline).
    target_threshold: WireValue,
    /// P(count > target_threshold).
    p_exceed_target: WireValue,
    /// The reference rate (see `reference_area`) applied to the unit's pupils.
    reference_threshold: WireValue,
    /// P(count > reference_threshold).
    p_exceed_reference: WireValue,
    /// The observed counts the model was fitted on.
    observed: Vec<WireObserved>,
}

/// Forecasts of one indicator at one level.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct WireForecasts {
    indicator: String,
    level: &'static str,
    /// The quarter forecast (the one after the last fitted), `null` when none.
    quarter: Option<String>,
    /// hhh4, one seasonal harmonic, frequency 4, offset pupils, first-order contiguity.
    model: &'static str,
    /// `negbin1`, or `poisson` when the counts are not overdispersed; `null` when not fitted.
    family: Option<&'static str>,
    /// `fitted` or `not_available`.
    status: &'static str,
    /// Why the forecast is not available.
    reason: Option<String>,
    /// `country` when the reader sees every unit exactly (the national rate), else `scope`
    /// (the pooled rate of the units the reader sees exactly).
    reference_area: &'static str,
    /// Units the model was fitted on (the caller's exact scope at this level, less units with a
    /// quarter without reports).
    fitted_units: usize,
    /// Central interval probability.
    interval: f64,
    units: Vec<WireForecast>,
}

// GET /api/v1/forecasts
#[utoipa::path(get, path = "/api/v1/forecasts", tag = "units",
    security(("bearer" = [])),
    params(
        ("level" = Option<String>, Query, description = "region or district (default district)", example = "district"),
        ("indicator" = Option<String>, Query, description = "Event indicator code from /api/v1/meta (S1/S2 counts per pupil; default viol_rate)", example = "viol_rate"),
        ("parent" = Option<String>, Query, description = "Only the districts of this region", example = "750000000"),
    ),
    responses((status = 200, description = "Next-quarter forecasts of the units the caller sees exactly", body = WireForecasts),
        (status = 304, description = "Not modified (If-None-Match)"),
        (status = 400, description = "Malformed request", body = openapi::ErrorBody),
        (status = 401, description = "A bearer token is required", body = openapi::ErrorBody),
        (status = 403, description = "Public and steward roles get no forecasts", body = openapi::ErrorBody),
        (status = 404, description = "Unknown region", body = openapi::ErrorBody)))]
pub(crate) async fn get_forecasts(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    query: RawQuery,
) -> Result<Response> {
    caller.require_analytic()?;
    if caller.audience == Audience::Public {
        return Err(Error::Forbidden {
            code: "no_public_forecasts",
            message: "forecasts are given only for units the reader sees exactly".to_owned(),
        });
    }
    let (taken, rest) = take(query, &["indicator"])?;
    let code = taken
        .get("indicator")
        .cloned()
        .unwrap_or_else(|| "viol_rate".to_owned());
    let params = parse_query(rest, &["level", "parent"])?;
    let level = params.level.unwrap_or(AdminLevel::District);
    let k = event_indicator(&state, &code)?;
    if !matches!(level, AdminLevel::Region | AdminLevel::District) {
        return Err(Error::BadRequest {
            code: "bad_level",
            message: "forecasts are made for regions and districts".to_owned(),
        });
    }
    if let Some(parent) = params.parent
        && state.geography.region(&parent).is_none()
    {
        return Err(Error::NotFound {
            code: "unknown_region",
            message: format!("no region with KATO {parent}"),
        });
    }
    let parent = params.parent;
    let request = format!(
        "forecasts?level={}&indicator={code}&parent={}",
        level.as_str(),
        parent.map_or_else(String::new, |p| p.to_string())
    );
    let audience = caller.audience.clone();
    cached_json(
        &state,
        &audience,
        request,
        JsonKind::Json,
        &headers,
        || async {
            let shown = for_reader(&state, &audience, level, k).await?;
            Ok(wire(&state, &audience, level, k, parent, &shown))
        },
    )
    .await
}

/// The catalogue index of an event indicator; 400 for an unknown or non-event code.
fn event_indicator(state: &AppState, code: &str) -> Result<usize> {
    let (k, indicator) = state
        .catalogue
        .indicators
        .iter()
        .enumerate()
        .find(|(_, i)| i.code == code)
        .ok_or_else(|| Error::BadRequest {
            code: "unknown_indicator",
            message: format!("unknown indicator {code:?}"),
        })?;
    if !is_event_indicator(indicator) {
        return Err(Error::BadRequest {
            code: "not_forecast",
            message: format!("{code} is not an event count per pupil: it is not forecast"),
        });
    }
    Ok(k)
}

fn wire(
    state: &AppState,
    audience: &Audience,
    level: AdminLevel,
    k: usize,
    parent: Option<Kato>,
    shown: &ShownForecasts,
) -> WireForecasts {
    let units = shown
        .units
        .iter()
        .filter(|u| parent.is_none_or(|p| level == AdminLevel::District && u.kato.same_region(&p)))
        .map(|u| wire_unit(state, u))
        .collect();
    WireForecasts {
        indicator: state.catalogue.indicators[k].code.clone(),
        level: level.as_str(),
        quarter: shown.next.map(|p| p.to_string()),
        model: "hhh4, one seasonal harmonic, frequency 4, offset pupils, first-order contiguity inside the fitted units",
        family: shown.family.map(|f| match f {
            riskmap_score::forecast::Family::Poisson => "poisson",
            riskmap_score::forecast::Family::NegBin1 => "negbin1",
            riskmap_score::forecast::Family::NegBinM => "negbinM",
        }),
        status: if shown.unavailable.is_none() {
            "fitted"
        } else {
            "not_available"
        },
        reason: shown.unavailable.clone(),
        reference_area: if *audience == Audience::Ministry {
            "country"
        } else {
            "scope"
        },
        fitted_units: shown.scope_units,
        // 0.9, not the float difference 0.8999999999999999.
        interval: ((riskmap_score::forecast::outlook::INTERVAL.1
            - riskmap_score::forecast::outlook::INTERVAL.0)
            * 1000.0)
            .round()
            / 1000.0,
        units,
    }
}

fn wire_unit(state: &AppState, u: &ShownForecast) -> WireForecast {
    let names = state
        .geography
        .district(&u.kato)
        .map(|d| &d.names)
        .or_else(|| state.geography.region(&u.kato).map(|r| &r.names));
    let name =
        |pick: fn(&riskmap_geo::Names) -> &String| names.map(pick).cloned().unwrap_or_default();
    WireForecast {
        kato: u.kato.to_string(),
        name_kk: name(|n| &n.kk),
        name_ru: name(|n| &n.ru),
        name_en: name(|n| &n.en),
        fitted: u.fitted,
        mean: u.mean.into(),
        lower: u.lower.into(),
        upper: u.upper.into(),
        target_threshold: u.target.into(),
        p_exceed_target: u.p_target.into(),
        reference_threshold: u.reference.into(),
        p_exceed_reference: u.p_reference.into(),
        observed: u
            .series
            .iter()
            .map(|(p, c)| WireObserved {
                period: p.to_string(),
                count: (*c).into(),
            })
            .collect(),
    }
}
