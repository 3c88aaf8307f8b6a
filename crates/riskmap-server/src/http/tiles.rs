//! `GET /tiles/{layer}/{z}/{x}/{y}.mvt` and `GET /tiles/{layer}.json` (TileJSON 3.0) for the
//! layers `regions`, `districts` and `schools`. Tiles carry the caller's disclosed indicator
//! values, are gzipped once and cached under (layer, audience, period, data version, z/x/y),
//! and answer with an ETag; role-specific tiles are `Cache-Control: private`.

use std::io::Read;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use riskmap_model::{AdminLevel, Audience, Kato, Period, Sensitivity};
use riskmap_store::AuditEvent;
use riskmap_tiles::{
    Feature, FeatureGeometry, FeatureId, LayerOptions, Properties, TileCoord, TileLayer,
};

use super::query::{RawQuery, parse_query};
use super::{Caller, Error, Result};
use crate::AppState;
use crate::tiles::{LAYERS, MAX_ZOOM, TileKey, VariantKey, base_properties};
use crate::view::table::UnitTable;

/// From this zoom on, tiles are encoded on the request's own task (see `get_tile`).
const INLINE_FROM_ZOOM: u8 = 8;

// GET /tiles/{layer}/{z}/{x}/{y}.mvt
#[utoipa::path(get, path = "/tiles/{layer}/{z}/{x}/{y}", tag = "tiles",
    security((), ("bearer" = [])),
    params(
        ("layer" = String, Path, description = "regions, districts or schools", example = "regions"),
        ("z" = u32, Path, description = "Zoom 0-16", example = "3"),
        ("x" = u32, Path, description = "Column", example = "5"),
        ("y" = String, Path, description = "Row followed by .mvt", example = "2.mvt"),
        ("period" = Option<String>, Query, description = "Quarter of the attributes; default the latest", example = "2024-Q4"),
    ),
    responses(
        (status = 200, description = "Mapbox Vector Tile (gzip when accepted)", content_type = "application/vnd.mapbox-vector-tile", body = Vec<u8>),
        (status = 204, description = "Empty tile"),
        (status = 304, description = "Not modified (If-None-Match)"),
        (status = 400, description = "Bad z/x/y", body = super::openapi::ErrorBody),
        (status = 401, description = "A bearer token is required", body = super::openapi::ErrorBody),
        (status = 403, description = "The role may not see this layer", body = super::openapi::ErrorBody),
        (status = 404, description = "Unknown layer or period", body = super::openapi::ErrorBody)))]
pub(crate) async fn get_tile(
    State(state): State<AppState>,
    caller: Caller,
    Path((layer, z, x, y)): Path<(String, String, String, String)>,
    headers: HeaderMap,
    query: RawQuery,
) -> Result<Response> {
    let layer = known_layer(&layer)?;
    let coord = parse_coord(&z, &x, &y)?;
    check_access(&caller, layer)?;
    let params = parse_query(query, &["period"])?;
    let (data_version, period) = resolve_period(&state, params.period).await?;
    let key = TileKey {
        layer,
        audience: state.tiles.audience(&caller.audience),
        period,
        data_version,
        zxy: (coord.z(), coord.x(), coord.y()),
    };
    let etag = key.etag();
    if headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        == Some(etag.as_str())
    {
        return Ok(with_caching(
            StatusCode::NOT_MODIFIED.into_response(),
            &etag,
            &caller,
        ));
    }
    let bytes = if let Some(hit) = state.tiles.cache.get(&key) {
        state
            .metrics
            .tile_cache_hits
            .fetch_add(1, Ordering::Relaxed);
        hit
    } else {
        state
            .metrics
            .tile_cache_misses
            .fetch_add(1, Ordering::Relaxed);
        let variant = variant(&state, &caller, key.variant(), data_version).await?;
        let build = move || crate::tiles::encode_gzipped(&variant, coord);
        // Deep tiles hold a few features and take tens of microseconds: built in place, they
        // skip the hand-over to the blocking pool; shallow tiles go there so that a long
        // encode never stalls the runtime's workers.
        let built = if coord.z() >= INLINE_FROM_ZOOM {
            build()
        } else {
            tokio::task::spawn_blocking(build)
                .await
                .map_err(|e| Error::Internal {
                    message: format!("tile task failed: {e}"),
                })?
        }
        .map_err(|e| Error::Internal {
            message: format!("tile encoding failed: {e}"),
        })?;
        if state.tiles.caching {
            state.tiles.cache.insert(key, built.clone());
        }
        built
    };
    let Some(gzipped) = bytes else {
        return Ok(with_caching(
            StatusCode::NO_CONTENT.into_response(),
            &etag,
            &caller,
        ));
    };
    let accepts_gzip = headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("gzip"));
    let mut response = if accepts_gzip {
        let mut response = gzipped.into_response();
        response
            .headers_mut()
            .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        response
    } else {
        let mut raw = Vec::new();
        flate2::read::GzDecoder::new(&gzipped[..])
            .read_to_end(&mut raw)
            .map_err(|e| Error::Internal {
                message: format!("gunzip failed: {e}"),
            })?;
        raw.into_response()
    };
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/vnd.mapbox-vector-tile"),
    );
    response.headers_mut().insert(
        header::VARY,
        HeaderValue::from_static("Accept-Encoding, Authorization"),
    );
    Ok(with_caching(response, &etag, &caller))
}

/// TileJSON 3.0.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub(crate) struct TileJson {
    tilejson: &'static str,
    name: &'static str,
    tiles: Vec<String>,
    vector_layers: Vec<VectorLayer>,
    minzoom: u8,
    maxzoom: u8,
    bounds: [f64; 4],
    center: [f64; 3],
    attribution: &'static str,
    scheme: &'static str,
}

/// One vector layer of a TileJSON.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub(crate) struct VectorLayer {
    id: &'static str,
    /// Attribute name → description.
    fields: std::collections::BTreeMap<String, String>,
    minzoom: u8,
    maxzoom: u8,
}

// GET /tiles/{layer}.json
#[utoipa::path(get, path = "/tiles/{file}", tag = "tiles",
    security((), ("bearer" = [])),
    params(("file" = String, Path, description = "regions.json, districts.json or schools.json", example = "districts.json")),
    responses(
        (status = 200, description = "TileJSON 3.0", body = TileJson),
        (status = 401, description = "A bearer token is required", body = super::openapi::ErrorBody),
        (status = 403, description = "The role may not see this layer", body = super::openapi::ErrorBody),
        (status = 404, description = "Unknown layer", body = super::openapi::ErrorBody)))]
pub(crate) async fn get_tilejson(
    State(state): State<AppState>,
    caller: Caller,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Result<Response> {
    let name = file.strip_suffix(".json").ok_or_else(|| Error::NotFound {
        code: "unknown_layer",
        message: format!("no tile resource {file:?}"),
    })?;
    let layer = known_layer(name)?;
    check_access(&caller, layer)?;
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || ".:-[]".contains(c))
        })
        .unwrap_or("127.0.0.1:8080");
    let mut fields = std::collections::BTreeMap::new();
    for (key, what) in [
        ("kato", "KATO code"),
        ("name_kk", "name (kk)"),
        ("name_ru", "name (ru)"),
        ("name_en", "name (en)"),
    ] {
        fields.insert(key.to_owned(), what.to_owned());
    }
    for indicator in &state.catalogue.indicators {
        fields.insert(
            indicator.code.clone(),
            format!("Number: {} ({})", indicator.label.en, indicator.unit.en),
        );
        fields.insert(
            format!("{}_flag", indicator.code),
            "String: c suppressed, u unstable, : not available, z not applicable".to_owned(),
        );
    }
    if layer != "schools" {
        fields.insert(
            "composite".to_owned(),
            "Number: composite risk index 0-10 (INFORM-style)".to_owned(),
        );
        fields.insert(
            "composite_band".to_owned(),
            "Number: national quintile of the composite, 1 (lowest) to 5".to_owned(),
        );
    }
    let body = TileJson {
        tilejson: "3.0.0",
        name: layer,
        tiles: vec![format!("http://{host}/tiles/{layer}/{{z}}/{{x}}/{{y}}.mvt")],
        vector_layers: vec![VectorLayer {
            id: layer,
            fields,
            minzoom: 0,
            maxzoom: MAX_ZOOM,
        }],
        minzoom: 0,
        maxzoom: MAX_ZOOM,
        bounds: [46.4, 40.5, 87.4, 55.5],
        center: [67.5, 48.0, 4.0],
        attribution: super::wire::ATTRIBUTION,
        scheme: "xyz",
    };
    let mut response = axum::Json(body).into_response();
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=60"),
    );
    Ok(response)
}

fn known_layer(name: &str) -> Result<&'static str> {
    LAYERS
        .iter()
        .copied()
        .find(|l| *l == name)
        .ok_or_else(|| Error::NotFound {
            code: "unknown_layer",
            message: format!("no tile layer {name:?}; layers are regions, districts, schools"),
        })
}

fn parse_coord(z: &str, x: &str, y: &str) -> Result<TileCoord> {
    let bad = |message: String| Error::BadRequest {
        code: "bad_tile",
        message,
    };
    let y = y
        .strip_suffix(".mvt")
        .ok_or_else(|| bad("tile paths end in .mvt".to_owned()))?;
    let number = |text: &str, what: &str| {
        text.parse::<u32>().map_err(|_| {
            bad(format!(
                "{what} must be a non-negative integer, got {text:?}"
            ))
        })
    };
    TileCoord::new_with_max_zoom(number(z, "z")?, number(x, "x")?, number(y, "y")?, MAX_ZOOM)
        .map_err(|e| bad(e.to_string()))
}

fn check_access(caller: &Caller, layer: &str) -> Result<()> {
    caller.require_analytic()?;
    if layer == "schools" && matches!(caller.audience, Audience::Public | Audience::Steward) {
        return Err(Error::Forbidden {
            code: "schools_not_visible",
            message: "your role may not see schools".to_owned(),
        });
    }
    Ok(())
}

async fn resolve_period(
    state: &AppState,
    requested: Option<Period>,
) -> Result<(i64, Option<Period>)> {
    let chosen = super::periods::choose_period(state, requested).await?;
    Ok((chosen.version, chosen.period))
}

fn with_caching(mut response: Response, etag: &str, caller: &Caller) -> Response {
    if let Ok(value) = HeaderValue::from_str(etag) {
        response.headers_mut().insert(header::ETAG, value);
    }
    let control = if caller.role.is_none() && caller.audience == Audience::Public {
        "public, max-age=300"
    } else {
        "private, max-age=60"
    };
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(control));
    response
}

/// The layer with this caller's attributes, built once per (audience, period, data version)
/// from the view layer: the unit table for regions and districts, the school rows for
/// schools — the same values the JSON answers carry.
async fn variant(
    state: &AppState,
    caller: &Caller,
    key: VariantKey,
    version: i64,
) -> Result<Arc<TileLayer>> {
    let (layer, _, period) = key;
    state
        .tiles
        .variants
        .get_or_build(version, key, || build_variant(state, caller, layer, period))
        .await
}

async fn build_variant(
    state: &AppState,
    caller: &Caller,
    layer: &'static str,
    period: Option<Period>,
) -> Result<TileLayer> {
    let built = match layer {
        "regions" | "districts" => {
            let (level, base, codes) = if layer == "regions" {
                (
                    AdminLevel::Region,
                    state.tiles.regions.clone(),
                    state.tiles.region_codes.clone(),
                )
            } else {
                (
                    AdminLevel::District,
                    state.tiles.districts.clone(),
                    state.tiles.district_codes.clone(),
                )
            };
            let table = crate::view::table(state, &caller.audience, level, period).await?;
            let properties = unit_properties(state, &table, &codes);
            tokio::task::spawn_blocking(move || base.with_properties(properties))
                .await
                .map_err(|e| Error::Internal {
                    message: e.to_string(),
                })?
        }
        _ => {
            let features = school_features(state, caller, period).await?;
            if state
                .catalogue
                .indicators
                .iter()
                .any(|i| i.sensitivity == Sensitivity::S2)
            {
                let event = AuditEvent {
                    at: time::OffsetDateTime::now_utc(),
                    token_id: caller.token_id,
                    role: caller.role_name().to_owned(),
                    action: "school_s2_view".to_owned(),
                    scope: caller.scope.clone(),
                    filters: format!(
                        "tiles layer=schools period={}",
                        period.map(|p| p.to_string()).unwrap_or_default()
                    ),
                    row_count: i64::try_from(features.len()).unwrap_or(i64::MAX),
                };
                state.store.record_audit(&event).await?;
            }
            let options = LayerOptions {
                min_zoom: 6,
                max_zoom: MAX_ZOOM,
                ..LayerOptions::default()
            };
            tokio::task::spawn_blocking(move || TileLayer::new("schools", features, options))
                .await
                .map_err(|e| Error::Internal {
                    message: e.to_string(),
                })?
        }
    };
    built.map_err(|e| Error::Internal {
        message: format!("tile layer: {e}"),
    })
}

/// Each unit's values and composite from the unit table.
fn unit_properties(state: &AppState, table: &UnitTable, codes: &[Kato]) -> Vec<Properties> {
    codes
        .iter()
        .map(|kato| {
            let mut properties = super::collection::unit_info(state, kato)
                .map_or_else(Properties::new, |info| base_properties(*kato, info.names));
            if let Some(row) = table.unit(kato) {
                for (indicator, shown) in state.catalogue.indicators.iter().zip(&row.indicators) {
                    add_value(&mut properties, &indicator.code, shown.value);
                }
                let composite = &row.composite.disclosed;
                add_value(&mut properties, "composite", composite.score);
                if let Some(band) = composite.band {
                    properties.insert("composite_band".to_owned(), f64::from(band));
                }
            }
            properties
        })
        .collect()
}

/// The schools the caller may see, as points with their values from the school rows.
async fn school_features(
    state: &AppState,
    caller: &Caller,
    period: Option<Period>,
) -> Result<Vec<Feature>> {
    let mut features = Vec::new();
    for region in state.geography.regions() {
        let visible = state
            .geography
            .districts_of(&region.kato)
            .any(|d| caller.audience.may_see_schools_of(&d.kato));
        if !visible {
            continue;
        }
        let rows =
            crate::view::schools::school_rows(state, &caller.audience, region.kato, period).await?;
        for row in &rows.rows {
            let school = &row.school;
            let Some((lon, lat)) = school.location else {
                continue;
            };
            let mut properties = Properties::new()
                .with("school_id", school.id.as_str())
                .with("name_kk", school.name_kk.as_str())
                .with("name_ru", school.name_ru.as_str())
                .with("district_kato", school.district.as_str());
            for (indicator, shown) in state.catalogue.indicators.iter().zip(&row.indicators) {
                add_value(&mut properties, &indicator.code, shown.value);
            }
            features.push(Feature {
                id: Some(FeatureId::Str(school.id.as_str().to_owned())),
                geometry: FeatureGeometry::Points(geo_types::MultiPoint(vec![
                    geo_types::Point::new(lon, lat),
                ])),
                properties,
            });
        }
    }
    Ok(features)
}

fn add_value(properties: &mut Properties, code: &str, value: riskmap_model::Disclosed<f64>) {
    if let Some(v) = value.value() {
        properties.insert(code.to_owned(), (v * 1000.0).round() / 1000.0);
    }
    if let Some(symbol) = value.symbol() {
        properties.insert(format!("{code}_flag"), symbol);
    }
}
