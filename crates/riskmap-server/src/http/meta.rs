//! `GET /api/v1/meta`: what the page needs to build its menus and legends.

use axum::Json;
use axum::extract::State;
use riskmap_model::Audience;
use riskmap_model::indicator::{Dimension, Direction};

#[allow(unused_imports, reason = "named in the OpenAPI annotations")]
use super::openapi;
use super::{Caller, Result};
use crate::AppState;

/// The attribution line required by the boundaries' licence (shared/data/kz/SOURCES.md).
pub(crate) const ATTRIBUTION: &str = "Administrative boundaries: geokz by Alexander Rodionov (github.com/arodionoff/geokz), CC BY 4.0; based on OCHA/HDX COD-AB Kazakhstan (UNHCR, OpenStreetMap). Population: BNS ASPR RK, 1 January 2023.";

#[utoipa::path(get, path = "/api/v1/meta", tag = "catalogue",
    security((), ("bearer" = [])),
    responses((status = 200, description = "Indicator catalogue (kk/ru/en labels, units, sensitivity), periods, the caller's role, attribution", body = Object),
        (status = 400, description = "Malformed request", body = openapi::ErrorBody),
        (status = 401, description = "A bearer token is required, or it is unknown, revoked or expired", body = openapi::ErrorBody),
        (status = 403, description = "The role may not see this", body = openapi::ErrorBody),
        (status = 404, description = "Unknown unit or period", body = openapi::ErrorBody),))]
// GET /api/v1/meta
pub(crate) async fn get_meta(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<serde_json::Value>> {
    let periods = state.periods().await?.1;
    let synthetic = state.store.has_synthetic_data().await?;
    let indicators: Vec<serde_json::Value> = state
        .catalogue
        .indicators
        .iter()
        .map(|i| {
            serde_json::json!({
                "code": i.code,
                "label": { "kk": i.label.kk, "ru": i.label.ru, "en": i.label.en },
                "unit": { "kk": i.unit.kk, "ru": i.unit.ru, "en": i.unit.en },
                "direction": match i.direction { Direction::HigherIsWorse => "higher_is_worse", Direction::LowerIsWorse => "lower_is_worse" },
                "dimension": match i.dimension { Dimension::Harm => "harm", Dimension::Vulnerability => "vulnerability", Dimension::CopingCapacity => "coping_capacity" },
                "sensitivity": i.sensitivity.as_str(),
            })
        })
        .collect();
    Ok(Json(serde_json::json!({
        "synthetic": synthetic,
        "periods": periods.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "latest_period": periods.last().map(ToString::to_string),
        "catalogue_version": state.catalogue.version,
        "indicators": indicators,
        "audience": audience_name(&caller.audience),
        "role": caller.role_name(),
        "scope": caller.scope,
        "attribution": ATTRIBUTION,
    })))
}

pub(crate) fn audience_name(audience: &Audience) -> String {
    match audience {
        Audience::Public => "public".to_owned(),
        Audience::Regional {
            region,
            district: None,
        } => format!("akimat:{region}"),
        Audience::Regional {
            region,
            district: Some(district),
        } => format!("akimat:{region}:{district}"),
        Audience::Crisis { districts } => format!(
            "crisis:{}",
            districts
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(",")
        ),
        Audience::Ministry => "ministry".to_owned(),
        Audience::Steward => "steward".to_owned(),
    }
}

// GET /api/v1/demo/tokens: the demo's ready tokens, only while serving synthetic demo data.
pub(crate) async fn demo_tokens(State(state): State<AppState>) -> Result<Json<serde_json::Value>> {
    if state.config.demo_tokens.is_empty() {
        return Err(super::Error::NotFound {
            code: "no_demo",
            message: "demo tokens exist only in demo mode".to_owned(),
        });
    }
    let tokens: Vec<serde_json::Value> = state
        .config
        .demo_tokens
        .iter()
        .map(|t| serde_json::json!({ "role": t.role, "scope": t.scope, "token": t.token }))
        .collect();
    Ok(Json(
        serde_json::json!({ "synthetic": true, "tokens": tokens }),
    ))
}
