//! RFC 7946 collections of regions or districts with their indicators as the caller may see
//! them (the view layer's unit table), shared by `/api/v1/regions…` and `/api/v1/units`,
//! serialised and gzipped once per data version and caller; and the names and geography of a
//! unit, shared with the tiles.

use axum::http::HeaderMap;
use axum::response::Response;
use riskmap_model::{AdminLevel, Kato};
use serde::Serialize;
use utoipa::ToSchema;

use super::cached::{JsonKind, cached_json};
use super::query::{Params, select_indicators};
use super::wire::{
    ATTRIBUTION, FeatureCollectionType, FeatureType, WireComposite, WireIndicator, WireIndicators,
    audience_name,
};
use super::{Caller, Result};
use crate::AppState;
use crate::view::table::UnitTable;

/// A collection of regions or districts.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct UnitCollection {
    /// `FeatureCollection`.
    #[serde(rename = "type")]
    kind: FeatureCollectionType,
    /// The units.
    features: Vec<UnitFeature>,
    /// `region` or `district`.
    level: &'static str,
    /// The quarter ending the rolling year (`null`: no data yet).
    period: Option<String>,
    /// The quarters of the rolling year.
    rolling_year: Vec<String>,
    /// The calendar year of the released values shown for units outside the caller's scope.
    public_year: Option<u16>,
    /// Whether the store holds synthetic data.
    synthetic: bool,
    /// The disclosure audience.
    audience: String,
    /// The caller's role (`anonymous` without a token).
    role: &'static str,
    /// Version of the indicator catalogue.
    catalogue_version: String,
    /// Version of the scoring methodology.
    model_version: Option<String>,
    /// Licence attribution of the boundaries.
    attribution: &'static str,
}

/// One unit.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct UnitFeature {
    /// `Feature`.
    #[serde(rename = "type")]
    kind: FeatureType,
    /// The KATO code.
    id: String,
    /// RFC 7946 geometry (WGS84), `null` with `geometry=false`.
    #[schema(value_type = Option<Object>)]
    geometry: serde_json::Value,
    /// The unit's attributes and disclosed values.
    properties: UnitProperties,
}

/// A unit's attributes and disclosed values.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct UnitProperties {
    kato: String,
    parent_kato: Option<String>,
    level: &'static str,
    unit_type: &'static str,
    name_kk: String,
    name_ru: String,
    name_en: String,
    /// BNS population, 1 January 2023.
    population_2023: Option<u64>,
    /// `[lon, lat]` for the label.
    label_point: [f64; 2],
    /// Schools whose record for the quarter was summed.
    schools_reporting: u64,
    synthetic: bool,
    /// Whether the caller sees this unit from inside its own scope (exact values).
    in_scope: bool,
    /// Disclosed indicators by code.
    indicators: WireIndicators,
    /// The composite risk index.
    composite: WireComposite,
}

/// The collection of `units` at `level` for the request, from the answer cache.
pub(crate) async fn respond(
    state: &AppState,
    caller: &Caller,
    headers: &HeaderMap,
    level: AdminLevel,
    units: Vec<Kato>,
    params: &Params,
    route: &str,
) -> Result<Response> {
    let codes: Vec<String> = select_indicators(state, params.indicators.as_deref())?
        .iter()
        .map(|i| i.code.clone())
        .collect();
    let period = super::periods::choose_period(state, params.period)
        .await?
        .period;
    let request = format!(
        "{route}?level={}&period={}&indicators={}&geometry={}&units={}",
        level.as_str(),
        period.map(|p| p.to_string()).unwrap_or_default(),
        codes.join(","),
        params.with_geometry,
        units.iter().map(Kato::as_str).collect::<Vec<_>>().join(","),
    );
    let with_geometry = params.with_geometry;
    cached_json(
        state,
        &caller.audience,
        request,
        JsonKind::GeoJson,
        headers,
        || async move {
            let table = crate::view::table(state, &caller.audience, level, period).await?;
            let synthetic = state.store.has_synthetic_data().await?;
            let model_version = match period {
                Some(_) => Some(
                    crate::view::level_scores(state, level)
                        .await?
                        .model_version
                        .clone(),
                ),
                None => None,
            };
            Ok(collection(
                state,
                caller,
                &table,
                &units,
                &codes,
                with_geometry,
                synthetic,
                model_version,
            ))
        },
    )
    .await
}

#[allow(
    clippy::too_many_arguments,
    reason = "one assembly step, named arguments"
)]
fn collection(
    state: &AppState,
    caller: &Caller,
    table: &UnitTable,
    units: &[Kato],
    codes: &[String],
    with_geometry: bool,
    synthetic: bool,
    model_version: Option<String>,
) -> UnitCollection {
    let features = units
        .iter()
        .filter_map(|kato| {
            let row = table.unit(kato)?;
            let info = unit_info(state, kato)?;
            let indicators = state
                .catalogue
                .indicators
                .iter()
                .zip(&row.indicators)
                .filter(|(i, _)| codes.contains(&i.code))
                .map(|(i, shown)| (i.code.clone(), WireIndicator::from(shown)))
                .collect();
            let geometry = if with_geometry {
                state
                    .geometries
                    .get(kato)
                    .cloned()
                    .unwrap_or(serde_json::Value::Null)
            } else {
                serde_json::Value::Null
            };
            Some(UnitFeature {
                kind: FeatureType::Feature,
                id: kato.to_string(),
                geometry,
                properties: UnitProperties {
                    kato: kato.to_string(),
                    parent_kato: row.parent.map(|p| p.to_string()),
                    level: table.level.as_str(),
                    unit_type: info.unit_type,
                    name_kk: info.names.kk.clone(),
                    name_ru: info.names.ru.clone(),
                    name_en: info.names.en.clone(),
                    population_2023: info.population,
                    label_point: info.label_point,
                    schools_reporting: row.schools_reporting,
                    synthetic,
                    in_scope: row.in_scope,
                    indicators,
                    composite: WireComposite::from(&row.composite),
                },
            })
        })
        .collect();
    UnitCollection {
        kind: FeatureCollectionType::FeatureCollection,
        features,
        level: table.level.as_str(),
        period: table.period.map(|p| p.to_string()),
        rolling_year: table.rolling_year.iter().map(ToString::to_string).collect(),
        public_year: table.public_year,
        synthetic,
        audience: audience_name(&caller.audience),
        role: caller.role_name(),
        catalogue_version: state.catalogue.version.clone(),
        model_version,
        attribution: ATTRIBUTION,
    }
}

/// Names and geography of a region or district.
pub(crate) struct UnitInfo<'a> {
    pub(crate) unit_type: &'static str,
    pub(crate) names: &'a riskmap_geo::Names,
    pub(crate) population: Option<u64>,
    pub(crate) label_point: [f64; 2],
}

/// The geography of a region or district.
pub(crate) fn unit_info<'a>(state: &'a AppState, kato: &Kato) -> Option<UnitInfo<'a>> {
    if let Some(r) = state.geography.region(kato) {
        return Some(UnitInfo {
            unit_type: r.unit_type.as_str(),
            names: &r.names,
            population: Some(r.population),
            label_point: [r.label_point.x(), r.label_point.y()],
        });
    }
    state.geography.district(kato).map(|d| UnitInfo {
        unit_type: d.unit_type.as_str(),
        names: &d.names,
        population: d.population,
        label_point: [d.label_point.x(), d.label_point.y()],
    })
}
