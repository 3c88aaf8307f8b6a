//! `GET /api/v1/meta`: what the page needs to build its menus and legends; and
//! `GET /api/v1/demo/tokens`: the demo's ready tokens, only while demo mode is on.

use axum::Json;
use axum::extract::State;
use riskmap_model::indicator::{Dimension, Direction};
use serde::Serialize;
use utoipa::ToSchema;

#[allow(unused_imports, reason = "named in the OpenAPI annotations")]
use super::openapi;
use super::wire::{ATTRIBUTION, audience_name};
use super::{Caller, Error, Result};
use crate::AppState;

/// Labels in the three languages.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Labels {
    kk: String,
    ru: String,
    en: String,
}

/// One catalogue indicator.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct MetaIndicator {
    code: String,
    label: Labels,
    unit: Labels,
    /// `higher_is_worse` or `lower_is_worse`.
    direction: &'static str,
    /// `harm`, `vulnerability` or `coping_capacity`.
    dimension: &'static str,
    /// `S0`, `S1` or `S2`.
    sensitivity: &'static str,
    /// Whether `/api/v1/forecasts` forecasts it (S1/S2 counts of events per pupil).
    forecast: bool,
}

/// The catalogue, periods and the caller.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Meta {
    synthetic: bool,
    /// Whether the server runs the synthetic demo (anonymous ministry view, demo tokens).
    demo: bool,
    periods: Vec<String>,
    latest_period: Option<String>,
    catalogue_version: String,
    indicators: Vec<MetaIndicator>,
    audience: String,
    role: &'static str,
    scope: String,
    attribution: &'static str,
    /// `triggers.forecast_exceedance_probability` of the methodology: a district whose
    /// forecast exceeds its plan target with at least this probability puts its schools on the
    /// priority list (the forecast map layer's top class starts here).
    forecast_exceedance_probability: f64,
}

/// The methodology's forecast-trigger probability, read once.
fn forecast_exceedance_probability() -> f64 {
    static PROBABILITY: std::sync::OnceLock<f64> = std::sync::OnceLock::new();
    *PROBABILITY.get_or_init(|| {
        riskmap_score::methodology::Methodology::builtin()
            .triggers
            .forecast_exceedance_probability
    })
}

#[utoipa::path(get, path = "/api/v1/meta", tag = "catalogue",
    security((), ("bearer" = [])),
    responses((status = 200, description = "Indicator catalogue (kk/ru/en labels, units, sensitivity), periods, the caller's role, attribution", body = Meta),
        (status = 401, description = "A bearer token is required, or it is unknown, revoked or expired", body = openapi::ErrorBody),))]
// GET /api/v1/meta
pub(crate) async fn get_meta(State(state): State<AppState>, caller: Caller) -> Result<Json<Meta>> {
    let periods = state.periods().await?.1;
    let synthetic = state.store.has_synthetic_data().await?;
    let label = |l: &riskmap_model::indicator::Labels| Labels {
        kk: l.kk.clone(),
        ru: l.ru.clone(),
        en: l.en.clone(),
    };
    let indicators = state
        .catalogue
        .indicators
        .iter()
        .map(|i| MetaIndicator {
            code: i.code.clone(),
            label: label(&i.label),
            unit: label(&i.unit),
            direction: match i.direction {
                Direction::HigherIsWorse => "higher_is_worse",
                Direction::LowerIsWorse => "lower_is_worse",
            },
            dimension: match i.dimension {
                Dimension::Harm => "harm",
                Dimension::Vulnerability => "vulnerability",
                Dimension::CopingCapacity => "coping_capacity",
            },
            sensitivity: i.sensitivity.as_str(),
            forecast: crate::view::forecast::is_event_indicator(i),
        })
        .collect();
    Ok(Json(Meta {
        synthetic,
        demo: state.demo_active().await?,
        periods: periods.iter().map(ToString::to_string).collect(),
        latest_period: periods.last().map(ToString::to_string),
        catalogue_version: state.catalogue.version.clone(),
        indicators,
        audience: audience_name(&caller.audience),
        role: caller.role_name(),
        scope: caller.scope,
        attribution: ATTRIBUTION,
        forecast_exceedance_probability: forecast_exceedance_probability(),
    }))
}

/// A demo token offered on the page.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct WireDemoToken {
    role: String,
    /// The scope in words (region or districts).
    scope: String,
    /// KATO code of the region of the grant, if any (the page names it in its language).
    region: Option<String>,
    /// KATO codes of the districts of the grant.
    districts: Vec<String>,
    token: String,
    /// When it stops working (RFC 3339).
    expires_at: Option<String>,
}

/// The demo's tokens.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct DemoTokens {
    synthetic: bool,
    tokens: Vec<WireDemoToken>,
}

#[utoipa::path(get, path = "/api/v1/demo/tokens", tag = "catalogue",
    responses((status = 200, description = "The demo's tokens (synthetic data only)", body = DemoTokens),
        (status = 404, description = "Not a demo, or the store holds real data", body = openapi::ErrorBody),))]
// GET /api/v1/demo/tokens
pub(crate) async fn demo_tokens(State(state): State<AppState>) -> Result<Json<DemoTokens>> {
    if state.config.demo_tokens.is_empty() || !state.demo_active().await? {
        return Err(Error::NotFound {
            code: "no_demo",
            message: "demo tokens exist only while the demo serves synthetic data".to_owned(),
        });
    }
    let tokens = state
        .config
        .demo_tokens
        .iter()
        .map(|t| WireDemoToken {
            role: t.role.clone(),
            scope: t.scope.clone(),
            region: t.region.clone(),
            districts: t.districts.clone(),
            token: t.token.clone(),
            expires_at: t.expires_at.clone(),
        })
        .collect();
    Ok(Json(DemoTokens {
        synthetic: true,
        tokens,
    }))
}
