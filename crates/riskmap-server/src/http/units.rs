//! `GET /api/v1/regions` and `GET /api/v1/regions/{kato}/districts`: RFC 7946 feature
//! collections of units with their indicators for the rolling year and its four quarters.

use std::collections::HashMap;

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use riskmap_model::suppression::protect_margin;
use riskmap_model::{AdminLevel, Disclosed, Indicator, Kato, Period};
use riskmap_store::UnitPeriodSums;
use serde::Serialize;

use super::meta::{ATTRIBUTION, audience_name};
#[allow(unused_imports, reason = "named in the OpenAPI annotations")]
use super::openapi;
use super::wire::{WireCount, WireValue};
use super::{Caller, Error, Result};
use crate::AppState;
use crate::indicators::{DisclosedIndicator, Reader, disclose};

/// Query parameters shared by the unit collections.
pub(crate) type UnitQuery = Result<Query<HashMap<String, String>>, QueryRejection>;

#[utoipa::path(get, path = "/api/v1/regions", tag = "units",
    security((), ("bearer" = [])),
    params(
        ("period" = Option<String>, Query, description = "Quarter YYYY-Qn ending the rolling year; default the latest with data", example = "2024-Q4"),
        ("indicators" = Option<String>, Query, description = "Comma-separated indicator codes from /api/v1/meta; default all", example = "viol_rate,psych_coverage"),
    ),
    responses((status = 200, description = "RFC 7946 FeatureCollection of the 20 regions with disclosed indicators", content_type = "application/geo+json", body = Object),
        (status = 400, description = "Malformed request", body = openapi::ErrorBody),
        (status = 401, description = "A bearer token is required, or it is unknown, revoked or expired", body = openapi::ErrorBody),
        (status = 403, description = "The role may not see this", body = openapi::ErrorBody),
        (status = 404, description = "Unknown unit or period", body = openapi::ErrorBody),))]
// GET /api/v1/regions?period=YYYY-Qn&indicators=a,b
pub(crate) async fn list_regions(
    State(state): State<AppState>,
    caller: Caller,
    query: UnitQuery,
) -> Result<Json<serde_json::Value>> {
    caller.require_analytic()?;
    let params = parse_query(query, &["period", "indicators", "geometry"])?;
    let units: Vec<UnitInfo> = state
        .geography
        .regions()
        .iter()
        .map(UnitInfo::region)
        .collect();
    collection(&state, &caller, AdminLevel::Region, &units, &params).await
}

#[utoipa::path(get, path = "/api/v1/regions/{kato}/districts", tag = "units",
    security((), ("bearer" = [])),
    params(
        ("kato" = String, Path, description = "Region KATO code (AB0000000)", example = "750000000"),
        ("period" = Option<String>, Query, description = "Quarter YYYY-Qn ending the rolling year; default the latest with data", example = "2024-Q4"),
        ("indicators" = Option<String>, Query, description = "Comma-separated indicator codes from /api/v1/meta; default all", example = "viol_rate,psych_coverage"),
    ),
    responses((status = 200, description = "RFC 7946 FeatureCollection of the region's districts with disclosed indicators", content_type = "application/geo+json", body = Object),
        (status = 400, description = "Malformed request", body = openapi::ErrorBody),
        (status = 401, description = "A bearer token is required, or it is unknown, revoked or expired", body = openapi::ErrorBody),
        (status = 403, description = "The role may not see this", body = openapi::ErrorBody),
        (status = 404, description = "Unknown unit or period", body = openapi::ErrorBody),))]
// GET /api/v1/regions/{kato}/districts?period=YYYY-Qn&indicators=a,b
pub(crate) async fn list_districts(
    State(state): State<AppState>,
    caller: Caller,
    Path(kato): Path<String>,
    query: UnitQuery,
) -> Result<Json<serde_json::Value>> {
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
    let units: Vec<UnitInfo> = state
        .geography
        .districts_of(&region)
        .map(UnitInfo::district)
        .collect();
    collection(&state, &caller, AdminLevel::District, &units, &params).await
}

impl<'a> UnitInfo<'a> {
    pub(crate) fn region(r: &'a riskmap_geo::Region) -> Self {
        Self {
            kato: r.kato,
            parent: None,
            unit_type: r.unit_type.as_str(),
            names: &r.names,
            population: Some(r.population),
            label_point: (r.label_point.x(), r.label_point.y()),
        }
    }

    pub(crate) fn district(d: &'a riskmap_geo::District) -> Self {
        Self {
            kato: d.kato,
            parent: Some(d.region),
            unit_type: d.unit_type.as_str(),
            names: &d.names,
            population: d.population,
            label_point: (d.label_point.x(), d.label_point.y()),
        }
    }
}

pub(crate) struct UnitInfo<'a> {
    pub(crate) kato: Kato,
    pub(crate) parent: Option<Kato>,
    pub(crate) unit_type: &'static str,
    pub(crate) names: &'a riskmap_geo::Names,
    pub(crate) population: Option<u64>,
    pub(crate) label_point: (f64, f64),
}

pub(crate) struct Params {
    pub(crate) period: Option<Period>,
    pub(crate) indicators: Option<Vec<String>>,
    pub(crate) level: Option<AdminLevel>,
    pub(crate) parent: Option<Kato>,
    pub(crate) bbox: Option<BBox>,
    /// `geometry=false` leaves geometries out (`null`) for table views.
    pub(crate) with_geometry: bool,
}

/// A WGS84 bounding box `min_lon,min_lat,max_lon,max_lat`, at most [`MAX_BBOX_DEGREES`] wide
/// and high.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BBox {
    pub(crate) min: (f64, f64),
    pub(crate) max: (f64, f64),
}

/// The largest bbox side accepted, in degrees (Kazakhstan spans about 40° × 15°).
const MAX_BBOX_DEGREES: f64 = 45.0;

impl BBox {
    fn parse(text: &str) -> Result<Self> {
        let bad = |message: String| Error::BadRequest {
            code: "bad_bbox",
            message,
        };
        let parts: Vec<f64> = text
            .split(',')
            .map(|p| p.trim().parse::<f64>())
            .collect::<Result<_, _>>()
            .map_err(|_| {
                bad(format!(
                    "bbox must be four numbers min_lon,min_lat,max_lon,max_lat, got {text:?}"
                ))
            })?;
        let [min_lon, min_lat, max_lon, max_lat] = parts[..] else {
            return Err(bad(format!(
                "bbox must be four numbers, got {}",
                parts.len()
            )));
        };
        let finite = parts.iter().all(|v| v.is_finite());
        if !finite
            || !(-180.0..=180.0).contains(&min_lon)
            || !(-180.0..=180.0).contains(&max_lon)
            || !(-90.0..=90.0).contains(&min_lat)
            || !(-90.0..=90.0).contains(&max_lat)
            || min_lon >= max_lon
            || min_lat >= max_lat
        {
            return Err(bad(
                "bbox must be ordered WGS84 longitudes and latitudes".to_owned()
            ));
        }
        if max_lon - min_lon > MAX_BBOX_DEGREES || max_lat - min_lat > MAX_BBOX_DEGREES {
            return Err(Error::BadRequest {
                code: "bbox_too_large",
                message: format!("bbox sides must be at most {MAX_BBOX_DEGREES} degrees"),
            });
        }
        Ok(Self {
            min: (min_lon, min_lat),
            max: (max_lon, max_lat),
        })
    }

    pub(crate) fn contains(&self, (lon, lat): (f64, f64)) -> bool {
        self.min.0 <= lon && lon <= self.max.0 && self.min.1 <= lat && lat <= self.max.1
    }

    pub(crate) fn intersects(&self, geometry: &geo_types::MultiPolygon<f64>) -> bool {
        use geo::BoundingRect;
        geometry.bounding_rect().is_some_and(|r| {
            r.min().x <= self.max.0
                && self.min.0 <= r.max().x
                && r.min().y <= self.max.1
                && self.min.1 <= r.max().y
        })
    }
}

pub(crate) fn parse_query(query: UnitQuery, allowed: &[&str]) -> Result<Params> {
    let Query(map) = query.map_err(|e| Error::BadRequest {
        code: "bad_query",
        message: e.body_text(),
    })?;
    if let Some(unknown) = map.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(Error::BadRequest {
            code: "bad_query",
            message: format!(
                "unknown query parameter {unknown:?}; use {}",
                allowed.join(", ")
            ),
        });
    }
    let level = map
        .get("level")
        .map(|l| AdminLevel::parse(l))
        .transpose()
        .map_err(|e| Error::BadRequest {
            code: "bad_level",
            message: e.to_string(),
        })?;
    let parent = map
        .get("parent")
        .map(|p| Kato::parse(p))
        .transpose()
        .map_err(|e| Error::BadRequest {
            code: "bad_kato",
            message: e.to_string(),
        })?;
    let bbox = map.get("bbox").map(|b| BBox::parse(b)).transpose()?;
    let with_geometry = match map.get("geometry").map(String::as_str) {
        None | Some("true") => true,
        Some("false") => false,
        Some(other) => {
            return Err(Error::BadRequest {
                code: "bad_query",
                message: format!("geometry must be true or false, got {other:?}"),
            });
        }
    };
    let period = map
        .get("period")
        .map(|p| Period::parse(p))
        .transpose()
        .map_err(|e| Error::BadRequest {
            code: "bad_period",
            message: e.to_string(),
        })?;
    let indicators = map.get("indicators").map(|list| {
        list.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    });
    Ok(Params {
        period,
        indicators,
        level,
        parent,
        bbox,
        with_geometry,
    })
}

#[derive(Serialize)]
struct WireIndicator {
    #[serde(flatten)]
    rolling_year: WireValue,
    numerator: WireCount,
    /// Empirical-Bayes smoothed value (only where the raw value is visible).
    smoothed: Option<f64>,
    /// P(true rate > the siblings' overall rate).
    p_exceed: Option<f64>,
    /// Quintile band of the smoothed value among the siblings, 1 (low risk) to 5.
    band: Option<u8>,
    /// 1 = highest risk among the siblings whose value is visible.
    rank: Option<usize>,
    /// At or above the 90th percentile of risk.
    top_decile: Option<bool>,
    quarters: Vec<WireQuarter>,
}

#[derive(Serialize)]
struct WireQuarter {
    period: String,
    #[serde(flatten)]
    value: WireValue,
}

pub(crate) async fn collection(
    state: &AppState,
    caller: &Caller,
    level: AdminLevel,
    units: &[UnitInfo<'_>],
    params: &Params,
) -> Result<Json<serde_json::Value>> {
    let indicators = select_indicators(state, params.indicators.as_deref())?;
    let period = super::periods::choose_period(state, params.period)
        .await?
        .period;
    let quarters = period.map(|p| p.trailing(4)).unwrap_or_default();
    let sums = crate::sums::unit_period_sums(state, level, &quarters).await?;
    let mut by_unit: HashMap<Kato, Vec<&UnitPeriodSums>> = HashMap::new();
    for row in sums.iter() {
        by_unit.entry(row.unit).or_default().push(row);
    }
    let synthetic = state.store.has_synthetic_data().await?;
    let composite = match period {
        Some(_) => Some(crate::composite::level_scores(state, level).await?),
        None => None,
    };
    let audience = &caller.audience;
    let policy = &state.config.policy;
    // Per indicator, every unit's rolling-year and quarterly values, then secondary suppression
    // across the units (a margin of the parent's total), then the features.
    let mut table: Vec<Vec<(DisclosedIndicator, Vec<Disclosed<f64>>)>> =
        Vec::with_capacity(indicators.len());
    let mut derived_table: Vec<Vec<crate::scoring::Derived>> = Vec::with_capacity(indicators.len());
    for indicator in &indicators {
        let mut column: Vec<(DisclosedIndicator, Vec<Disclosed<f64>>)> = units
            .iter()
            .map(|unit| {
                let unit_sums = by_unit.get(&unit.kato).map(Vec::as_slice).unwrap_or(&[]);
                let reader = Reader {
                    policy,
                    audience,
                    level,
                    unit: &unit.kato,
                };
                let year = disclose(indicator, unit_sums, &quarters, reader);
                let per_quarter = quarters
                    .iter()
                    .map(|q| disclose(indicator, unit_sums, std::slice::from_ref(q), reader).value)
                    .collect();
                (year, per_quarter)
            })
            .collect();
        let raw: Vec<u64> = units
            .iter()
            .map(|unit| {
                let total: f64 = by_unit.get(&unit.kato).map_or(0.0, |rows| {
                    rows.iter()
                        .filter(|r| quarters.contains(&r.period))
                        .filter_map(|r| r.sums.get(indicator.numerator))
                        .sum()
                });
                #[allow(
                    clippy::cast_possible_truncation,
                    clippy::cast_sign_loss,
                    reason = "sums of whole non-negative counts"
                )]
                let total = total.round().max(0.0) as u64;
                total
            })
            .collect();
        let mut numerators: Vec<Disclosed<u64>> =
            column.iter().map(|(year, _)| year.numerator).collect();
        for idx in protect_margin(&mut numerators, &raw) {
            column[idx].0 = DisclosedIndicator {
                value: Disclosed::suppressed(),
                numerator: Disclosed::suppressed(),
            };
            column[idx].1 = vec![Disclosed::suppressed(); quarters.len()];
        }
        #[allow(clippy::cast_precision_loss, reason = "a handful of quarters")]
        let pooled = indicator.pooled_quarters as f64;
        let pupil_years: Vec<f64> = units
            .iter()
            .map(|unit| {
                by_unit.get(&unit.kato).map_or(0.0, |rows| {
                    rows.iter()
                        .filter(|r| quarters.contains(&r.period))
                        .filter_map(|r| r.sums.get(indicator.denominator))
                        .sum::<f64>()
                }) / pooled
            })
            .collect();
        #[allow(clippy::cast_precision_loss, reason = "counts fit f64 exactly")]
        let events: Vec<f64> = raw.iter().map(|&n| n as f64).collect();
        let visible: Vec<bool> = column
            .iter()
            .map(|(year, _)| year.value.value().is_some())
            .collect();
        derived_table.push(crate::scoring::derive(
            indicator,
            &events,
            &pupil_years,
            &visible,
        ));
        table.push(column);
    }
    let features: Vec<serde_json::Value> = units
        .iter()
        .enumerate()
        .map(|(unit_idx, unit)| {
            let unit_sums = by_unit.get(&unit.kato).map(Vec::as_slice).unwrap_or(&[]);
            let mut values = serde_json::Map::new();
            for ((indicator, column), derived) in indicators.iter().zip(&table).zip(&derived_table) {
                let (year, per_quarter) = &column[unit_idx];
                let derived = derived[unit_idx];
                let per_quarter = quarters.iter().zip(per_quarter).map(|(q, v)| WireQuarter { period: q.to_string(), value: (*v).into() }).collect();
                let wire = WireIndicator {
                    rolling_year: year.value.into(),
                    numerator: WireCount(year.numerator),
                    smoothed: derived.smoothed,
                    p_exceed: derived.p_exceed,
                    band: derived.band,
                    rank: derived.rank,
                    top_decile: derived.top_decile,
                    quarters: per_quarter,
                };
                values.insert(indicator.code.clone(), serde_json::to_value(wire).unwrap_or(serde_json::Value::Null));
            }
            let reporting = unit_sums.iter().find(|s| Some(s.period) == period).map_or(0, |s| s.records);
            let score = composite.as_ref().zip(period).and_then(|(scores, p)| scores.unit(p, &unit.kato));
            let composite = composite_json(&crate::composite::disclose(score, policy, audience, level, &unit.kato));
            serde_json::json!({
                "type": "Feature",
                "id": unit.kato.as_str(),
                "geometry": if params.with_geometry { state.geometries.get(&unit.kato).cloned().unwrap_or(serde_json::Value::Null) } else { serde_json::Value::Null },
                "properties": {
                    "kato": unit.kato.as_str(),
                    "parent_kato": unit.parent.map(|p| p.to_string()),
                    "level": level.as_str(),
                    "unit_type": unit.unit_type,
                    "name_kk": unit.names.kk,
                    "name_ru": unit.names.ru,
                    "name_en": unit.names.en,
                    "population_2023": unit.population,
                    "label_point": [unit.label_point.0, unit.label_point.1],
                    "schools_reporting": reporting,
                    "synthetic": synthetic,
                    "indicators": values,
                    "composite": composite,
                }
            })
        })
        .collect();
    Ok(Json(serde_json::json!({
        "type": "FeatureCollection",
        "features": features,
        "level": level.as_str(),
        "period": period.map(|p| p.to_string()),
        "rolling_year": quarters.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "synthetic": synthetic,
        "audience": audience_name(audience),
        "role": caller.role_name(),
        "catalogue_version": state.catalogue.version,
        "model_version": composite.as_ref().map(|c| c.model_version.clone()),
        "attribution": ATTRIBUTION,
    })))
}

/// `{"value", "flag", "dimensions": {"harm", "vulnerability", "coping"}, "band", "rank",
/// "availability"}`: one unit's composite (0–10) as the caller may see it.
pub(crate) fn composite_json(shown: &crate::composite::DisclosedComposite) -> serde_json::Value {
    let mut dimensions = serde_json::Map::new();
    for (name, value) in crate::composite::DIMENSIONS.iter().zip(shown.dimensions) {
        dimensions.insert(
            (*name).to_owned(),
            serde_json::to_value(WireValue::from(value)).unwrap_or_default(),
        );
    }
    let mut out = serde_json::to_value(WireValue::from(shown.score))
        .ok()
        .and_then(|v| v.as_object().cloned())
        .unwrap_or_default();
    out.insert("dimensions".to_owned(), dimensions.into());
    out.insert("band".to_owned(), shown.band.into());
    out.insert("rank".to_owned(), shown.rank.into());
    out.insert(
        "availability".to_owned(),
        shown
            .availability
            .map(|a| (a * 1000.0).round() / 1000.0)
            .into(),
    );
    out.into()
}

pub(crate) fn select_indicators<'a>(
    state: &'a AppState,
    codes: Option<&[String]>,
) -> Result<Vec<&'a Indicator>> {
    let Some(codes) = codes else {
        return Ok(state.catalogue.indicators.iter().collect());
    };
    codes
        .iter()
        .map(|code| {
            state.catalogue.get(code).ok_or_else(|| Error::BadRequest {
                code: "unknown_indicator",
                message: format!("unknown indicator {code:?}"),
            })
        })
        .collect()
}
