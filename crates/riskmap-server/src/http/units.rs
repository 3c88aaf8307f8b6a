//! `GET /api/v1/regions` and `GET /api/v1/regions/{kato}/districts`: RFC 7946 feature
//! collections of units with their indicators as the caller may see them (the view layer's
//! unit table: the rolling year and its quarters inside the caller's scope, the published
//! calendar year outside it), built by `collection.rs`.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use riskmap_model::{AdminLevel, Kato};

#[allow(unused_imports, reason = "named in the OpenAPI annotations")]
use super::collection::UnitCollection;
use super::collection::respond;
#[allow(unused_imports, reason = "named in the OpenAPI annotations")]
use super::openapi;
use super::query::{RawQuery, parse_query};
use super::{Caller, Error, Result};
use crate::AppState;

#[utoipa::path(get, path = "/api/v1/regions", tag = "units",
    security((), ("bearer" = [])),
    params(
        ("period" = Option<String>, Query, description = "Quarter YYYY-Qn ending the rolling year; default the latest with data", example = "2024-Q4"),
        ("indicators" = Option<String>, Query, description = "Comma-separated indicator codes from /api/v1/meta; default all", example = "viol_rate,psych_coverage"),
        ("geometry" = Option<bool>, Query, description = "false leaves geometries out", example = true),
    ),
    responses((status = 200, description = "RFC 7946 FeatureCollection of the 20 regions with disclosed indicators", content_type = "application/geo+json", body = UnitCollection),
        (status = 304, description = "Not modified (If-None-Match)"),
        (status = 400, description = "Malformed request", body = openapi::ErrorBody),
        (status = 401, description = "A bearer token is required, or it is unknown, revoked or expired", body = openapi::ErrorBody),
        (status = 403, description = "The role may not see this", body = openapi::ErrorBody),
        (status = 404, description = "Unknown unit or period", body = openapi::ErrorBody),))]
// GET /api/v1/regions?period=YYYY-Qn&indicators=a,b
pub(crate) async fn list_regions(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    query: RawQuery,
) -> Result<Response> {
    caller.require_analytic()?;
    let params = parse_query(query, &["period", "indicators", "geometry"])?;
    let units: Vec<Kato> = state.geography.regions().iter().map(|r| r.kato).collect();
    respond(
        &state,
        &caller,
        &headers,
        AdminLevel::Region,
        units,
        &params,
        "regions",
    )
    .await
}

#[utoipa::path(get, path = "/api/v1/regions/{kato}/districts", tag = "units",
    security((), ("bearer" = [])),
    params(
        ("kato" = String, Path, description = "Region KATO code (AB0000000)", example = "750000000"),
        ("period" = Option<String>, Query, description = "Quarter YYYY-Qn ending the rolling year; default the latest with data", example = "2024-Q4"),
        ("indicators" = Option<String>, Query, description = "Comma-separated indicator codes from /api/v1/meta; default all", example = "viol_rate,psych_coverage"),
        ("geometry" = Option<bool>, Query, description = "false leaves geometries out", example = true),
    ),
    responses((status = 200, description = "RFC 7946 FeatureCollection of the region's districts with disclosed indicators", content_type = "application/geo+json", body = UnitCollection),
        (status = 304, description = "Not modified (If-None-Match)"),
        (status = 400, description = "Malformed request", body = openapi::ErrorBody),
        (status = 401, description = "A bearer token is required, or it is unknown, revoked or expired", body = openapi::ErrorBody),
        (status = 403, description = "The role may not see this", body = openapi::ErrorBody),
        (status = 404, description = "Unknown unit or period", body = openapi::ErrorBody),))]
// GET /api/v1/regions/{kato}/districts?period=YYYY-Qn&indicators=a,b
pub(crate) async fn list_districts(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    Path(kato): Path<String>,
    query: RawQuery,
) -> Result<Response> {
    caller.require_analytic()?;
    let region = Kato::parse(&kato).map_err(|e| Error::BadRequest {
        code: "bad_kato",
        message: e.to_string(),
    })?;
    if state.geography.region(&region).is_none() {
        return Err(Error::NotFound {
            code: "unknown_region",
            message: format!("no region with KATO {region}"),
        });
    }
    let params = parse_query(query, &["period", "indicators", "geometry"])?;
    let units: Vec<Kato> = state
        .geography
        .districts_of(&region)
        .map(|d| d.kato)
        .collect();
    let route = format!("regions/{region}/districts");
    respond(
        &state,
        &caller,
        &headers,
        AdminLevel::District,
        units,
        &params,
        &route,
    )
    .await
}
