//! `GET /api/v1/units?level=region|district|school&parent=KATO&bbox=…&period=…&indicators=…`:
//! units of any level as RFC 7946 GeoJSON, filtered by parent unit and bounding box. Regions
//! and districts are the same collections as `/api/v1/regions…` (the view layer's unit
//! table); schools are points from the view layer's school rows, only for roles that may see
//! the schools of their district, and every school-level S2 view is audited.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use riskmap_model::{AdminLevel, Kato, Sensitivity};
use riskmap_store::AuditEvent;
use serde::Serialize;
use utoipa::ToSchema;

use super::cached::{JsonKind, cached_json};
#[allow(unused_imports, reason = "named in the OpenAPI annotations")]
use super::openapi;
use super::query::{Params, RawQuery, parse_query, select_indicators};
use super::wire::{
    ATTRIBUTION, FeatureCollectionType, FeatureType, WireCount, WireValue, audience_name,
};
use super::{Caller, Error, Result};
use crate::AppState;

const ALLOWED: &[&str] = &[
    "level",
    "parent",
    "bbox",
    "period",
    "indicators",
    "geometry",
];

/// Schools as points.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SchoolCollection {
    /// `FeatureCollection`.
    #[serde(rename = "type")]
    kind: FeatureCollectionType,
    features: Vec<SchoolFeature>,
    /// `school`.
    level: &'static str,
    period: Option<String>,
    rolling_year: Vec<String>,
    synthetic: bool,
    audience: String,
    role: &'static str,
    attribution: &'static str,
}

/// One school.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SchoolFeature {
    /// `Feature`.
    #[serde(rename = "type")]
    kind: FeatureType,
    /// `nobd_org_id`.
    id: String,
    /// A GeoJSON point.
    geometry: PointGeometry,
    properties: SchoolProperties,
}

/// `{"type": "Point", "coordinates": [lon, lat]}`.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct PointGeometry {
    #[serde(rename = "type")]
    kind: &'static str,
    coordinates: [f64; 2],
}

/// A school's attributes and disclosed values.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SchoolProperties {
    school_id: String,
    level: &'static str,
    name_kk: String,
    name_ru: String,
    district_kato: String,
    region_kato: String,
    settlement_type: &'static str,
    pupils: WireCount,
    /// Under 100 pupils: counts without rates for akimats.
    small_school: bool,
    /// Whether the school reported the quarter.
    reported: bool,
    indicators: std::collections::BTreeMap<String, SchoolIndicator>,
}

/// One indicator of one school over the rolling year.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SchoolIndicator {
    value: WireValue,
    numerator: WireCount,
}

#[utoipa::path(get, path = "/api/v1/units", tag = "units",
    security((), ("bearer" = [])),
    params(
        ("level" = String, Query, description = "region, district or school", example = "district"),
        ("parent" = Option<String>, Query, description = "Parent unit KATO: a region for districts, a region or district for schools", example = "750000000"),
        ("bbox" = Option<String>, Query, description = "min_lon,min_lat,max_lon,max_lat (WGS84), each side at most 45 degrees", example = "76.8,43.1,77.1,43.4"),
        ("period" = Option<String>, Query, description = "Quarter YYYY-Qn ending the rolling year; default the latest with data", example = "2024-Q4"),
        ("indicators" = Option<String>, Query, description = "Comma-separated indicator codes from /api/v1/meta; default all", example = "viol_rate,psych_coverage"),
        ("geometry" = Option<bool>, Query, description = "false leaves polygon geometries out", example = true),
    ),
    responses((status = 200, description = "RFC 7946 FeatureCollection: regions or districts (UnitCollection), or schools as points (SchoolCollection)", content_type = "application/geo+json", body = UnitsAnswer),
        (status = 304, description = "Not modified (If-None-Match)"),
        (status = 400, description = "Malformed request", body = openapi::ErrorBody),
        (status = 401, description = "A bearer token is required, or it is unknown, revoked or expired", body = openapi::ErrorBody),
        (status = 403, description = "The role may not see this", body = openapi::ErrorBody),
        (status = 404, description = "Unknown unit or period", body = openapi::ErrorBody),))]
// GET /api/v1/units
pub(crate) async fn list_units(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    query: RawQuery,
) -> Result<Response> {
    caller.require_analytic()?;
    let params = parse_query(query, ALLOWED)?;
    let level = params.level.ok_or_else(|| Error::BadRequest {
        code: "bad_level",
        message: "level is required: region, district or school".to_owned(),
    })?;
    let bbox = params
        .bbox
        .map(|b| format!("{:?}", (b.min, b.max)))
        .unwrap_or_default();
    let route = format!(
        "units?parent={}&bbox={bbox}",
        params.parent.map(|p| p.to_string()).unwrap_or_default()
    );
    match level {
        AdminLevel::Region => {
            let units: Vec<Kato> = state
                .geography
                .regions()
                .iter()
                .filter(|r| params.bbox.is_none_or(|b| b.intersects(&r.geometry)))
                .map(|r| r.kato)
                .collect();
            super::collection::respond(&state, &caller, &headers, level, units, &params, &route)
                .await
        }
        AdminLevel::District => {
            let parent = params.parent.map(|p| known_region(&state, p)).transpose()?;
            let units: Vec<Kato> = state
                .geography
                .districts()
                .iter()
                .filter(|d| parent.is_none_or(|p| d.region == p))
                .filter(|d| params.bbox.is_none_or(|b| b.intersects(&d.geometry)))
                .map(|d| d.kato)
                .collect();
            super::collection::respond(&state, &caller, &headers, level, units, &params, &route)
                .await
        }
        AdminLevel::School => schools(&state, &caller, &headers, &params, route).await,
        AdminLevel::Country => Err(Error::BadRequest {
            code: "bad_level",
            message: "level must be region, district or school".to_owned(),
        }),
    }
}

/// What `/api/v1/units` answers (for the OpenAPI document; the handler serialises either
/// collection directly).
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
#[allow(dead_code, reason = "documents the two shapes of one route")]
pub(crate) enum UnitsAnswer {
    /// Regions or districts.
    Units(super::collection::UnitCollection),
    /// Schools.
    Schools(SchoolCollection),
}

fn known_region(state: &AppState, kato: Kato) -> Result<Kato> {
    state
        .geography
        .region(&kato)
        .map(|r| r.kato)
        .ok_or_else(|| Error::NotFound {
            code: "unknown_region",
            message: format!("no region with KATO {kato}"),
        })
}

/// The regions whose schools a school request may touch, after the scope checks.
fn school_regions(state: &AppState, caller: &Caller, params: &Params) -> Result<Vec<Kato>> {
    let Some(parent) = params.parent else {
        if params.bbox.is_none() {
            return Err(Error::BadRequest {
                code: "bad_query",
                message: "schools need a parent (district or region) or a bbox".to_owned(),
            });
        }
        return Ok(state
            .geography
            .regions()
            .iter()
            .map(|r| r.kato)
            .filter(|r| {
                state
                    .geography
                    .districts_of(r)
                    .any(|d| caller.audience.may_see_schools_of(&d.kato))
            })
            .collect());
    };
    let visible = if let Some(district) = state.geography.district(&parent) {
        caller.audience.may_see_schools_of(&district.kato)
    } else if state.geography.region(&parent).is_some() {
        state
            .geography
            .districts_of(&parent)
            .any(|d| caller.audience.may_see_schools_of(&d.kato))
    } else {
        return Err(Error::NotFound {
            code: "unknown_unit",
            message: format!("no region or district with KATO {parent}"),
        });
    };
    if !visible {
        return Err(Error::Forbidden {
            code: "schools_not_visible",
            message: format!("your role may not see the schools of {parent}"),
        });
    }
    Ok(vec![parent.region()])
}

async fn schools(
    state: &AppState,
    caller: &Caller,
    headers: &HeaderMap,
    params: &Params,
    route: String,
) -> Result<Response> {
    let regions = school_regions(state, caller, params)?;
    let indicators = select_indicators(state, params.indicators.as_deref())?;
    let codes: Vec<String> = indicators.iter().map(|i| i.code.clone()).collect();
    let period = super::periods::choose_period(state, params.period)
        .await?
        .period;
    let request = format!(
        "{route}&level=school&period={}&indicators={}",
        period.map(|p| p.to_string()).unwrap_or_default(),
        codes.join(",")
    );
    let features = school_features(state, caller, params, &regions, &codes, period).await?;
    if indicators.iter().any(|i| i.sensitivity == Sensitivity::S2) {
        audit_s2_view(state, caller, params, period, &codes, features.len()).await?;
    }
    let synthetic = state.store.has_synthetic_data().await?;
    cached_json(
        state,
        &caller.audience,
        request,
        JsonKind::GeoJson,
        headers,
        || async move {
            Ok(SchoolCollection {
                kind: FeatureCollectionType::FeatureCollection,
                features,
                level: "school",
                period: period.map(|p| p.to_string()),
                rolling_year: period
                    .map(|p| p.trailing(4))
                    .unwrap_or_default()
                    .iter()
                    .map(ToString::to_string)
                    .collect(),
                synthetic,
                audience: audience_name(&caller.audience),
                role: caller.role_name(),
                attribution: ATTRIBUTION,
            })
        },
    )
    .await
}

async fn school_features(
    state: &AppState,
    caller: &Caller,
    params: &Params,
    regions: &[Kato],
    codes: &[String],
    period: Option<riskmap_model::Period>,
) -> Result<Vec<SchoolFeature>> {
    let parent = params.parent;
    let mut features = Vec::new();
    for region in regions {
        let rows =
            crate::view::schools::school_rows(state, &caller.audience, *region, period).await?;
        for row in &rows.rows {
            let school = &row.school;
            if parent.is_some_and(|p| p != school.district && p != school.region) {
                continue;
            }
            let Some((lon, lat)) = school.location else {
                continue;
            };
            if params.bbox.is_some_and(|b| !b.contains((lon, lat))) {
                continue;
            }
            let indicators = state
                .catalogue
                .indicators
                .iter()
                .zip(&row.indicators)
                .filter(|(i, _)| codes.contains(&i.code))
                .map(|(i, shown)| {
                    let value = SchoolIndicator {
                        value: shown.value.into(),
                        numerator: shown.numerator.into(),
                    };
                    (i.code.clone(), value)
                })
                .collect();
            features.push(SchoolFeature {
                kind: FeatureType::Feature,
                id: school.id.as_str().to_owned(),
                geometry: PointGeometry {
                    kind: "Point",
                    coordinates: [lon, lat],
                },
                properties: SchoolProperties {
                    school_id: school.id.as_str().to_owned(),
                    level: "school",
                    name_kk: school.name_kk.clone(),
                    name_ru: school.name_ru.clone(),
                    district_kato: school.district.to_string(),
                    region_kato: school.region.to_string(),
                    settlement_type: school.settlement.as_str(),
                    pupils: row.pupils.into(),
                    small_school: row.small,
                    reported: row.reported,
                    indicators,
                },
            });
        }
    }
    Ok(features)
}

async fn audit_s2_view(
    state: &AppState,
    caller: &Caller,
    params: &Params,
    period: Option<riskmap_model::Period>,
    codes: &[String],
    rows: usize,
) -> Result<()> {
    let filters = format!(
        "level=school parent={} bbox={:?} period={} indicators={}",
        params.parent.map(|p| p.to_string()).unwrap_or_default(),
        params.bbox.map(|b| (b.min, b.max)),
        period.map(|p| p.to_string()).unwrap_or_default(),
        codes.join(",")
    );
    let event = AuditEvent {
        at: time::OffsetDateTime::now_utc(),
        token_id: caller.token_id,
        role: caller.role_name().to_owned(),
        action: "school_s2_view".to_owned(),
        scope: caller.scope.clone(),
        filters,
        row_count: i64::try_from(rows).unwrap_or(i64::MAX),
    };
    state.store.record_audit(&event).await?;
    Ok(())
}
