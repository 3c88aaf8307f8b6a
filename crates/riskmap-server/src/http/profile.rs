//! `GET /api/v1/units/{kato}/profile` and `GET /api/v1/compare?units=…`: one unit's indicators
//! with national, parent and statistical-neighbour comparators, rank among its siblings,
//! direction of travel and the quarterly series, the composite with its drivers and series,
//! progress against the plan's targets (`plan.rs`) and staffing; and 2–6 units side by side.
//! Every number is read from the view layer's unit tables (the same rows the collections and
//! tiles carry), so a unit reads the same here as on the map.
//!
//! Statistical neighbours use context variables only (domain §3.2): population, pupils and
//! area, standardised (`riskmap_score::statistical_neighbours`).

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use riskmap_model::{AdminLevel, Indicator, Kato, Measure, Period};
use serde::Serialize;
use utoipa::ToSchema;

use super::cached::{JsonKind, cached_json};
#[allow(unused_imports, reason = "named in the OpenAPI annotations")]
use super::openapi;
use super::plan::{PlanBlock, SeriesCounts, plan_block};
use super::query::{RawQuery, parse_query, select_indicators, take};
use super::wire::{WireComposite, WireCount, WireValue};
use super::{Caller, Error, Result};
use crate::AppState;
use crate::view::staffing::ShownPosts;
use crate::view::table::UnitTable;

/// Neighbours listed per unit.
const NEIGHBOURS: usize = 5;
/// Relative change below which the direction of travel is "stable".
const STABLE_CHANGE: f64 = 0.05;

/// A unit named in an answer.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct UnitRef {
    kato: String,
    name_kk: String,
    name_ru: String,
    name_en: String,
}

/// One unit's profile.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Profile {
    kato: String,
    level: &'static str,
    parent_kato: Option<String>,
    name_kk: String,
    name_ru: String,
    name_en: String,
    period: String,
    rolling_year: Vec<String>,
    /// Whether the caller sees the unit from inside its own scope (exact values).
    in_scope: bool,
    /// The calendar year of the released values shown outside the caller's scope.
    public_year: Option<u16>,
    /// Statistical neighbours (same level, nearest in context).
    neighbours: Vec<UnitRef>,
    staffing: Option<Staffing>,
    composite: ProfileComposite,
    plan: PlanBlock,
    indicators: Vec<ProfileIndicator>,
    role: &'static str,
}

/// Posts against the norm in the latest quarter.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Staffing {
    period: String,
    psychologists: Option<Posts>,
    social_pedagogues: Option<Posts>,
}

/// One kind of post.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Posts {
    norm_fte: WireValue,
    filled_fte: WireValue,
    gap_fte: WireValue,
}

impl From<ShownPosts> for Posts {
    fn from(p: ShownPosts) -> Self {
        Self {
            norm_fte: p.norm_fte.into(),
            filled_fte: p.filled_fte.into(),
            gap_fte: p.gap_fte.into(),
        }
    }
}

/// The composite with its series.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ProfileComposite {
    #[serde(flatten)]
    now: WireComposite,
    /// Units of the level whose composite rank the caller sees (the N of "rank of N").
    rank_of: usize,
    series: Vec<SeriesPoint>,
    model_version: String,
}

/// One point of a series.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SeriesPoint {
    period: String,
    value: WireValue,
}

/// One indicator with its comparators.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ProfileIndicator {
    code: String,
    #[serde(flatten)]
    value: WireValue,
    numerator: WireCount,
    /// The calendar year of a released value (outside the caller's scope).
    #[serde(skip_serializing_if = "Option::is_none")]
    year: Option<u16>,
    national: WireValue,
    parent: Option<WireValue>,
    neighbours_mean: Option<f64>,
    rank: Option<RankOf>,
    direction: Direction,
    series: Vec<SeriesPoint>,
}

/// A rank among siblings.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct RankOf {
    /// 1 = highest risk.
    rank: usize,
    /// Siblings ranked (those whose value the caller sees).
    of: usize,
}

/// Direction of travel against the same window a year before.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Direction {
    /// `worsening`, `improving`, `stable` or `unknown`.
    trend: &'static str,
    change_percent: Option<f64>,
}

struct Unit<'a> {
    kato: Kato,
    level: AdminLevel,
    parent: Option<Kato>,
    names: &'a riskmap_geo::Names,
}

fn find_unit(state: &AppState, kato: Kato) -> Option<Unit<'_>> {
    if let Some(r) = state.geography.region(&kato) {
        return Some(Unit {
            kato,
            level: AdminLevel::Region,
            parent: None,
            names: &r.names,
        });
    }
    state.geography.district(&kato).map(|d| Unit {
        kato,
        level: AdminLevel::District,
        parent: Some(d.region),
        names: &d.names,
    })
}

fn parse_unit<'a>(state: &'a AppState, text: &str) -> Result<Unit<'a>> {
    let kato = Kato::parse(text).map_err(|e| Error::BadRequest {
        code: "bad_kato",
        message: e.to_string(),
    })?;
    find_unit(state, kato).ok_or_else(|| Error::NotFound {
        code: "unknown_unit",
        message: format!("no region or district with KATO {kato}"),
    })
}

fn unit_ref(unit: &Unit<'_>) -> UnitRef {
    UnitRef {
        kato: unit.kato.to_string(),
        name_kk: unit.names.kk.clone(),
        name_ru: unit.names.ru.clone(),
        name_en: unit.names.en.clone(),
    }
}

// GET /api/v1/units/{kato}/profile
#[utoipa::path(get, path = "/api/v1/units/{kato}/profile", tag = "units",
    security((), ("bearer" = [])),
    params(
        ("kato" = String, Path, description = "Region or district KATO code", example = "751110000"),
        ("period" = Option<String>, Query, description = "Quarter ending the rolling year; default the latest", example = "2024-Q4"),
    ),
    responses((status = 200, description = "Indicators with comparators, rank, direction of travel and time series; the composite index with its dimensions, drivers and series; progress against the plan's -5 %/year targets; staffing", body = Profile),
        (status = 304, description = "Not modified (If-None-Match)"),
        (status = 400, description = "Malformed request", body = openapi::ErrorBody),
        (status = 401, description = "A bearer token is required", body = openapi::ErrorBody),
        (status = 403, description = "The role has no analytic access", body = openapi::ErrorBody),
        (status = 404, description = "Unknown unit or period", body = openapi::ErrorBody)))]
pub(crate) async fn get_profile(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    Path(kato): Path<String>,
    query: RawQuery,
) -> Result<Response> {
    caller.require_analytic()?;
    let params = parse_query(query, &["period"])?;
    let unit = parse_unit(&state, &kato)?;
    let chosen = super::periods::choose_period(&state, params.period).await?;
    let period = chosen.required()?;
    let request = format!("profile/{}?period={period}", unit.kato);
    cached_json(
        &state,
        &caller.audience,
        request,
        JsonKind::Json,
        &headers,
        || profile(&state, &caller, &unit, period, &chosen.available),
    )
    .await
}

async fn profile(
    state: &AppState,
    caller: &Caller,
    unit: &Unit<'_>,
    period: Period,
    available: &[Period],
) -> Result<Profile> {
    let audience = &caller.audience;
    let table = crate::view::table(state, audience, unit.level, Some(period)).await?;
    let year_before = period.previous().previous().previous().previous();
    let before = crate::view::table(state, audience, unit.level, Some(year_before)).await?;
    let national = crate::view::table(state, audience, AdminLevel::Country, Some(period)).await?;
    let parent = match unit.parent {
        Some(_) => {
            Some(crate::view::table(state, audience, AdminLevel::Region, Some(period)).await?)
        }
        None => None,
    };
    let mut series_tables = Vec::with_capacity(available.len());
    for q in available {
        series_tables.push((
            *q,
            crate::view::table(state, audience, unit.level, Some(*q)).await?,
        ));
    }
    let sums = crate::view::level_sums(state, unit.level).await?;
    let neighbours = statistical_neighbours(state, unit, &sums, period);
    let row = table.unit(&unit.kato).ok_or_else(|| Error::NotFound {
        code: "unknown_unit",
        message: format!("no data row for {}", unit.kato),
    })?;
    let country = crate::view::country();
    let indicators = state
        .catalogue
        .indicators
        .iter()
        .enumerate()
        .map(|(k, indicator)| {
            let shown = &row.indicators[k];
            let value_at = |t: &UnitTable, kato: &Kato| t.unit(kato).map(|r| r.indicators[k].value);
            let neighbour_values: Vec<f64> = neighbours
                .iter()
                .filter_map(|n| value_at(&table, n).and_then(|v| v.value()))
                .collect();
            #[allow(clippy::cast_precision_loss, reason = "five neighbours")]
            let neighbours_mean = (!neighbour_values.is_empty()).then(|| {
                let mean = neighbour_values.iter().sum::<f64>() / neighbour_values.len() as f64;
                (mean * 1000.0).round() / 1000.0
            });
            let siblings_ranked = table
                .units
                .iter()
                .filter(|u| u.parent == row.parent && u.indicators[k].derived.rank.is_some())
                .count();
            ProfileIndicator {
                code: indicator.code.clone(),
                value: shown.value.into(),
                numerator: shown.numerator.into(),
                year: shown.year,
                national: value_at(&national, &country).map_or_else(
                    || riskmap_model::Disclosed::not_available().into(),
                    Into::into,
                ),
                parent: unit.parent.and_then(|p| {
                    parent
                        .as_ref()
                        .and_then(|t| value_at(t, &p))
                        .map(WireValue::from)
                }),
                neighbours_mean,
                rank: shown.derived.rank.map(|rank| RankOf {
                    rank,
                    of: siblings_ranked,
                }),
                direction: direction(
                    indicator,
                    shown.value.value(),
                    value_at(&before, &unit.kato).and_then(|v| v.value()),
                ),
                series: series_tables
                    .iter()
                    .map(|(q, t)| SeriesPoint {
                        period: q.to_string(),
                        value: t
                            .unit(&unit.kato)
                            .and_then(|r| r.indicators[k].quarters.last())
                            .map_or_else(
                                || riskmap_model::Disclosed::not_available().into(),
                                |(_, v)| WireValue::from(*v),
                            ),
                    })
                    .collect(),
            }
        })
        .collect();
    let scores = crate::view::level_scores(state, unit.level).await?;
    let composite = ProfileComposite {
        now: WireComposite::from(&row.composite),
        rank_of: table
            .units
            .iter()
            .filter(|u| u.composite.disclosed.rank.is_some())
            .count(),
        series: series_tables
            .iter()
            .map(|(q, t)| SeriesPoint {
                period: q.to_string(),
                value: t.unit(&unit.kato).map_or_else(
                    || riskmap_model::Disclosed::not_available().into(),
                    |r| r.composite.disclosed.score.into(),
                ),
            })
            .collect(),
        model_version: scores.model_version.clone(),
    };
    let plan = plan(state, caller, unit, period, available).await?;
    let staffing =
        crate::view::staffing::unit_staffing(state, audience, unit.level, &unit.kato, period)
            .await?
            .map(|s| Staffing {
                period: s.period.to_string(),
                psychologists: s.psychologists.map(Posts::from),
                social_pedagogues: s.social_pedagogues.map(Posts::from),
            });
    Ok(Profile {
        kato: unit.kato.to_string(),
        level: unit.level.as_str(),
        parent_kato: unit.parent.map(|p| p.to_string()),
        name_kk: unit.names.kk.clone(),
        name_ru: unit.names.ru.clone(),
        name_en: unit.names.en.clone(),
        period: period.to_string(),
        rolling_year: table.rolling_year.iter().map(ToString::to_string).collect(),
        in_scope: row.in_scope,
        public_year: table.public_year,
        neighbours: neighbours
            .iter()
            .filter_map(|k| find_unit(state, *k))
            .map(|u| unit_ref(&u))
            .collect(),
        staffing,
        composite,
        plan,
        indicators,
        role: caller.role_name(),
    })
}

async fn plan(
    state: &AppState,
    caller: &Caller,
    unit: &Unit<'_>,
    period: Period,
    available: &[Period],
) -> Result<PlanBlock> {
    let counts: Vec<SeriesCounts> = crate::view::plan_counts::unit_and_national(
        state,
        &caller.audience,
        unit.level,
        &unit.kato,
        period,
        available,
    )
    .await?
    .into_iter()
    .map(|(unit, national)| SeriesCounts { unit, national })
    .collect();
    Ok(plan_block(period.year(), false, &counts))
}

/// 2–6 units side by side.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Comparison {
    period: String,
    rolling_year: Vec<String>,
    public_year: Option<u16>,
    units: Vec<ComparedUnit>,
    /// The national value of each indicator.
    national: std::collections::BTreeMap<String, WireValue>,
    role: &'static str,
}

/// One compared unit.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ComparedUnit {
    kato: String,
    level: &'static str,
    name_kk: String,
    name_ru: String,
    name_en: String,
    in_scope: bool,
    indicators: std::collections::BTreeMap<String, ComparedValue>,
    composite: WireComposite,
}

/// One indicator of a compared unit.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ComparedValue {
    value: WireValue,
    numerator: WireCount,
    #[serde(skip_serializing_if = "Option::is_none")]
    year: Option<u16>,
}

// GET /api/v1/compare?units=a,b,…
#[utoipa::path(get, path = "/api/v1/compare", tag = "units",
    security((), ("bearer" = [])),
    params(
        ("units" = String, Query, description = "2 to 6 region or district KATO codes, comma-separated", example = "750000000,710000000"),
        ("period" = Option<String>, Query, description = "Quarter ending the rolling year; default the latest", example = "2024-Q4"),
        ("indicators" = Option<String>, Query, description = "Indicator codes; default all", example = "viol_rate,psych_coverage"),
    ),
    responses((status = 200, description = "The units side by side with the national value", body = Comparison),
        (status = 304, description = "Not modified (If-None-Match)"),
        (status = 400, description = "Malformed request or not 2–6 units", body = openapi::ErrorBody),
        (status = 401, description = "A bearer token is required", body = openapi::ErrorBody),
        (status = 403, description = "The role has no analytic access", body = openapi::ErrorBody),
        (status = 404, description = "Unknown unit or period", body = openapi::ErrorBody)))]
pub(crate) async fn compare(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    query: RawQuery,
) -> Result<Response> {
    caller.require_analytic()?;
    let (taken, rest) = take(query, &["units"])?;
    let params = parse_query(rest, &["period", "indicators"])?;
    let list = taken.get("units").cloned().unwrap_or_default();
    let codes: Vec<&str> = list
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    if !(2..=6).contains(&codes.len()) {
        return Err(Error::BadRequest {
            code: "bad_units",
            message: format!("compare takes 2 to 6 units, got {}", codes.len()),
        });
    }
    let units = codes
        .iter()
        .map(|c| parse_unit(&state, c))
        .collect::<Result<Vec<_>>>()?;
    let indicators: Vec<&Indicator> = select_indicators(&state, params.indicators.as_deref())?;
    let period = super::periods::choose_period(&state, params.period)
        .await?
        .required()?;
    let request = format!(
        "compare?units={}&period={period}&indicators={}",
        units
            .iter()
            .map(|u| u.kato.as_str())
            .collect::<Vec<_>>()
            .join(","),
        indicators
            .iter()
            .map(|i| i.code.as_str())
            .collect::<Vec<_>>()
            .join(",")
    );
    cached_json(
        &state,
        &caller.audience,
        request,
        JsonKind::Json,
        &headers,
        || comparison(&state, &caller, &units, &indicators, period),
    )
    .await
}

async fn comparison(
    state: &AppState,
    caller: &Caller,
    units: &[Unit<'_>],
    indicators: &[&Indicator],
    period: Period,
) -> Result<Comparison> {
    let audience = &caller.audience;
    let national = crate::view::table(state, audience, AdminLevel::Country, Some(period)).await?;
    let mut rows = Vec::with_capacity(units.len());
    let mut rolling_year = Vec::new();
    let mut public_year = None;
    for unit in units {
        let table = crate::view::table(state, audience, unit.level, Some(period)).await?;
        rolling_year.clone_from(&table.rolling_year);
        public_year = public_year.or(table.public_year);
        let Some(row) = table.unit(&unit.kato) else {
            continue;
        };
        let values = pick(state, indicators, &row.indicators)
            .map(|(code, shown)| {
                let value = ComparedValue {
                    value: shown.value.into(),
                    numerator: shown.numerator.into(),
                    year: shown.year,
                };
                (code, value)
            })
            .collect();
        rows.push(ComparedUnit {
            kato: unit.kato.to_string(),
            level: unit.level.as_str(),
            name_kk: unit.names.kk.clone(),
            name_ru: unit.names.ru.clone(),
            name_en: unit.names.en.clone(),
            in_scope: row.in_scope,
            indicators: values,
            composite: WireComposite::from(&row.composite),
        });
    }
    let national_values = national
        .unit(&crate::view::country())
        .map(|row| {
            pick(state, indicators, &row.indicators)
                .map(|(code, shown)| (code, WireValue::from(shown.value)))
                .collect()
        })
        .unwrap_or_default();
    Ok(Comparison {
        period: period.to_string(),
        rolling_year: rolling_year.iter().map(ToString::to_string).collect(),
        public_year,
        units: rows,
        national: national_values,
        role: caller.role_name(),
    })
}

/// The shown values of the `wanted` indicators, by code.
fn pick<'a>(
    state: &'a AppState,
    wanted: &'a [&Indicator],
    shown: &'a [crate::view::table::ShownIndicator],
) -> impl Iterator<Item = (String, &'a crate::view::table::ShownIndicator)> {
    state
        .catalogue
        .indicators
        .iter()
        .zip(shown)
        .filter(|(i, _)| wanted.iter().any(|w| w.code == i.code))
        .map(|(i, s)| (i.code.clone(), s))
}

fn direction(indicator: &Indicator, now: Option<f64>, before: Option<f64>) -> Direction {
    let unknown = Direction {
        trend: "unknown",
        change_percent: None,
    };
    let (Some(now), Some(before)) = (now, before) else {
        return unknown;
    };
    if before <= 0.0 {
        return unknown;
    }
    let change = (now - before) / before;
    let trend = if change.abs() < STABLE_CHANGE {
        "stable"
    } else {
        let rising = change > 0.0;
        let worse = matches!(
            indicator.direction,
            riskmap_model::indicator::Direction::HigherIsWorse
        ) == rising;
        if worse { "worsening" } else { "improving" }
    };
    Direction {
        trend,
        change_percent: Some((change * 1000.0).round() / 10.0),
    }
}

/// The nearest units of the same level by standardised context variables.
fn statistical_neighbours(
    state: &AppState,
    unit: &Unit<'_>,
    sums: &crate::view::sums::LevelSums,
    period: Period,
) -> Vec<Kato> {
    #[allow(clippy::cast_precision_loss, reason = "populations fit f64")]
    let features = |kato: Kato, population: Option<u64>, area: Option<f64>| {
        let pupils = sums
            .quarter(&kato, period)?
            .sums
            .get(Measure::PupilsTotal)?;
        Some((
            kato,
            vec![
                (population? as f64).ln(),
                pupils.max(1.0).ln(),
                area.unwrap_or(1.0).max(1.0).ln(),
            ],
        ))
    };
    let table: Vec<(Kato, Vec<f64>)> = match unit.level {
        AdminLevel::Region => state
            .geography
            .regions()
            .iter()
            .filter_map(|r| features(r.kato, Some(r.population), None))
            .collect(),
        _ => state
            .geography
            .districts()
            .iter()
            .filter_map(|d| features(d.kato, d.population, Some(d.area_km2)))
            .collect(),
    };
    riskmap_score::statistical_neighbours::statistical_neighbours(&table, unit.kato, NEIGHBOURS)
}
