//! `GET /api/v1/units?level=region|district|school&parent=KATO&bbox=…&period=…&indicators=…`:
//! units of any level as RFC 7946 GeoJSON, filtered by parent unit and bounding box, with the
//! same disclosure rules as the other collections. Schools are points, and only for roles
//! that may see the schools of their district.

use std::collections::HashMap;

use axum::Json;
use axum::extract::State;
use riskmap_model::suppression::Cell;
use riskmap_model::{AdminLevel, Audience, Kato, MeasureKind, Sensitivity};
use riskmap_store::AuditEvent;

use super::meta::{ATTRIBUTION, audience_name};
#[allow(unused_imports, reason = "named in the OpenAPI annotations")]
use super::openapi;
use super::units::{Params, UnitInfo, UnitQuery, collection, parse_query, select_indicators};
use super::wire::{WireCount, WireValue};
use super::{Caller, Error, Result};
use crate::AppState;
use crate::indicators::{Reader, disclose_values};

const ALLOWED: &[&str] = &[
    "level",
    "parent",
    "bbox",
    "period",
    "indicators",
    "geometry",
];

/// Schools with fewer pupils get counts but no rates for akimats (domain §4.3).
const SMALL_SCHOOL_PUPILS: f64 = 100.0;

#[utoipa::path(get, path = "/api/v1/units", tag = "units",
    security((), ("bearer" = [])),
    params(
        ("level" = String, Query, description = "region, district or school", example = "district"),
        ("parent" = Option<String>, Query, description = "Parent unit KATO: a region for districts, a region or district for schools", example = "750000000"),
        ("bbox" = Option<String>, Query, description = "min_lon,min_lat,max_lon,max_lat (WGS84), each side at most 45 degrees", example = "76.8,43.1,77.1,43.4"),
        ("period" = Option<String>, Query, description = "Quarter YYYY-Qn ending the rolling year; default the latest with data", example = "2024-Q4"),
        ("indicators" = Option<String>, Query, description = "Comma-separated indicator codes from /api/v1/meta; default all", example = "viol_rate,psych_coverage"),
    ),
    responses((status = 200, description = "RFC 7946 FeatureCollection (polygons for regions and districts, points for schools)", content_type = "application/geo+json", body = Object),
        (status = 400, description = "Malformed request", body = openapi::ErrorBody),
        (status = 401, description = "A bearer token is required, or it is unknown, revoked or expired", body = openapi::ErrorBody),
        (status = 403, description = "The role may not see this", body = openapi::ErrorBody),
        (status = 404, description = "Unknown unit or period", body = openapi::ErrorBody),))]
// GET /api/v1/units
pub(crate) async fn list_units(
    State(state): State<AppState>,
    caller: Caller,
    query: UnitQuery,
) -> Result<Json<serde_json::Value>> {
    caller.require_analytic()?;
    let params = parse_query(query, ALLOWED)?;
    let level = params.level.ok_or_else(|| Error::BadRequest {
        code: "bad_level",
        message: "level is required: region, district or school".to_owned(),
    })?;
    match level {
        AdminLevel::Region => {
            let units: Vec<UnitInfo> = state
                .geography
                .regions()
                .iter()
                .filter(|r| params.bbox.is_none_or(|b| b.intersects(&r.geometry)))
                .map(UnitInfo::region)
                .collect();
            collection(&state, &caller, AdminLevel::Region, &units, &params).await
        }
        AdminLevel::District => {
            let parent = params.parent.map(|p| known_region(&state, p)).transpose()?;
            let units: Vec<UnitInfo> = state
                .geography
                .districts()
                .iter()
                .filter(|d| parent.is_none_or(|p| d.region == p))
                .filter(|d| params.bbox.is_none_or(|b| b.intersects(&d.geometry)))
                .map(UnitInfo::district)
                .collect();
            collection(&state, &caller, AdminLevel::District, &units, &params).await
        }
        AdminLevel::School => schools(&state, &caller, &params).await,
        AdminLevel::Country => Err(Error::BadRequest {
            code: "bad_level",
            message: "level must be region, district or school".to_owned(),
        }),
    }
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

async fn schools(
    state: &AppState,
    caller: &Caller,
    params: &Params,
) -> Result<Json<serde_json::Value>> {
    if params.parent.is_none() && params.bbox.is_none() {
        return Err(Error::BadRequest {
            code: "bad_query",
            message: "schools need a parent (district or region) or a bbox".to_owned(),
        });
    }
    let parent_district = params
        .parent
        .filter(|p| state.geography.district(p).is_some());
    let parent_region = params
        .parent
        .filter(|p| state.geography.region(p).is_some());
    if let Some(parent) = params.parent {
        if parent_district.is_none() && parent_region.is_none() {
            return Err(Error::NotFound {
                code: "unknown_unit",
                message: format!("no region or district with KATO {parent}"),
            });
        }
        let visible = match (parent_district, parent_region) {
            (Some(district), _) => caller.audience.may_see_schools_of(&district),
            (None, Some(region)) => state
                .geography
                .districts_of(&region)
                .any(|d| caller.audience.may_see_schools_of(&d.kato)),
            (None, None) => false,
        };
        if !visible {
            return Err(Error::Forbidden {
                code: "schools_not_visible",
                message: format!("your role may not see the schools of {parent}"),
            });
        }
    }
    let indicators = select_indicators(state, params.indicators.as_deref())?;
    let period = super::periods::choose_period(state, params.period)
        .await?
        .period;
    let quarters = period.map(|p| p.trailing(4)).unwrap_or_default();
    let all_schools = state.store.schools().await?;
    let schools: Vec<_> = all_schools
        .iter()
        .filter(|s| caller.audience.may_see_schools_of(&s.district))
        .filter(|s| parent_district.is_none_or(|d| s.district == d))
        .filter(|s| parent_region.is_none_or(|r| s.region == r))
        .filter(|s| {
            params
                .bbox
                .is_none_or(|b| s.location.is_some_and(|l| b.contains(l)))
        })
        .collect();
    let values = state
        .store
        .school_period_values(parent_district.as_ref(), &quarters)
        .await?;
    let mut by_school: HashMap<&str, Vec<&riskmap_store::SchoolPeriodValues>> = HashMap::new();
    for row in &values {
        by_school.entry(row.school.as_str()).or_default().push(row);
    }
    let policy = &state.config.policy;
    let mut features = Vec::with_capacity(schools.len());
    for school in &schools {
        let rows = by_school
            .get(school.id.as_str())
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let latest = rows.iter().find(|r| Some(r.period) == period);
        let pupils = latest.and_then(|r| r.values.get(riskmap_model::Measure::PupilsTotal));
        let small = pupils.is_some_and(|p| p < SMALL_SCHOOL_PUPILS);
        let reader = Reader {
            policy,
            audience: &caller.audience,
            level: AdminLevel::School,
            unit: &school.district,
        };
        let mut entries = serde_json::Map::new();
        for indicator in &indicators {
            let sums: Vec<(riskmap_model::Period, &riskmap_model::MeasureValues)> =
                rows.iter().map(|r| (r.period, &r.values)).collect();
            let mut disclosed = disclose_values(indicator, &sums, &quarters, reader);
            let regional = matches!(caller.audience, Audience::Regional { .. });
            if small && regional && indicator.numerator.kind() == MeasureKind::Count {
                disclosed.value = riskmap_model::Disclosed::not_applicable();
            }
            entries.insert(indicator.code.clone(), serde_json::json!({ "value": WireValue::from(disclosed.value), "numerator": WireCount(disclosed.numerator) }));
        }
        let pupils_cell = Cell {
            sensitivity: Sensitivity::S0,
            level: AdminLevel::School,
            unit: &school.district,
            audience: &caller.audience,
        };
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "pupil counts are whole and non-negative"
        )]
        let pupils_disclosed = pupils.map_or_else(riskmap_model::Disclosed::not_available, |p| {
            policy.count(p.round() as u64, &pupils_cell)
        });
        let Some((lon, lat)) = school.location else {
            continue;
        };
        features.push(serde_json::json!({
            "type": "Feature",
            "id": school.id.as_str(),
            "geometry": { "type": "Point", "coordinates": [lon, lat] },
            "properties": {
                "school_id": school.id.as_str(),
                "level": "school",
                "name_kk": school.name_kk,
                "name_ru": school.name_ru,
                "district_kato": school.district.as_str(),
                "region_kato": school.region.as_str(),
                "settlement_type": school.settlement.as_str(),
                "pupils": WireCount(pupils_disclosed),
                "small_school": small,
                "reported": latest.is_some(),
                "indicators": entries,
            }
        }));
    }
    let s2 = indicators.iter().any(|i| i.sensitivity == Sensitivity::S2);
    if s2 {
        let filters = format!(
            "level=school parent={} bbox={:?} period={} indicators={}",
            params.parent.map(|p| p.to_string()).unwrap_or_default(),
            params.bbox.map(|b| (b.min, b.max)),
            period.map(|p| p.to_string()).unwrap_or_default(),
            indicators
                .iter()
                .map(|i| i.code.as_str())
                .collect::<Vec<_>>()
                .join(",")
        );
        let event = AuditEvent {
            at: time::OffsetDateTime::now_utc(),
            token_id: caller.token_id,
            role: caller.role_name().to_owned(),
            action: "school_s2_view".to_owned(),
            scope: caller.scope.clone(),
            filters,
            row_count: i64::try_from(features.len()).unwrap_or(i64::MAX),
        };
        state.store.record_audit(&event).await?;
    }
    let synthetic = state.store.has_synthetic_data().await?;
    Ok(Json(serde_json::json!({
        "type": "FeatureCollection",
        "features": features,
        "level": "school",
        "period": period.map(|p| p.to_string()),
        "rolling_year": quarters.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "synthetic": synthetic,
        "audience": audience_name(&caller.audience),
        "role": caller.role_name(),
        "attribution": ATTRIBUTION,
    })))
}
