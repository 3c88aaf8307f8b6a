//! `GET /api/v1/units/{kato}/profile` and `GET /api/v1/compare?units=…`: one unit's indicators
//! with national, parent and statistical-neighbour comparators, rank among its siblings,
//! direction of travel and the quarterly time series, the composite index with its drivers and
//! series, progress against the plan's targets (`plan.rs`) and the staffing gap; and 2–6 units
//! side by side.
//!
//! Statistical neighbours use context variables only (domain §3.2): population, pupils,
//! share of urban schools and area, standardised, nearest five by Euclidean distance.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Path, State};
use riskmap_model::{AdminLevel, Indicator, Kato, Measure, Period};
use riskmap_store::UnitPeriodSums;

#[allow(unused_imports, reason = "named in the OpenAPI annotations")]
use super::openapi;
use super::units::{UnitQuery, parse_query, select_indicators};
use super::wire::{WireCount, WireValue};
use super::{Caller, Error, Result};
use crate::AppState;
use crate::indicators::{Reader, disclose};

/// Neighbours listed per unit.
const NEIGHBOURS: usize = 5;
/// Relative change below which the direction of travel is "stable".
const STABLE_CHANGE: f64 = 0.05;

struct Unit<'a> {
    kato: Kato,
    level: AdminLevel,
    parent: Option<Kato>,
    names: &'a riskmap_geo::Names,
    population: Option<u64>,
    area_km2: Option<f64>,
}

fn find_unit(state: &AppState, kato: Kato) -> Option<Unit<'_>> {
    if let Some(r) = state.geography.region(&kato) {
        return Some(Unit {
            kato,
            level: AdminLevel::Region,
            parent: None,
            names: &r.names,
            population: Some(r.population),
            area_km2: None,
        });
    }
    state.geography.district(&kato).map(|d| Unit {
        kato,
        level: AdminLevel::District,
        parent: Some(d.region),
        names: &d.names,
        population: d.population,
        area_km2: Some(d.area_km2),
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

async fn resolve_period(
    state: &AppState,
    requested: Option<Period>,
) -> Result<(Period, Vec<Period>)> {
    let chosen = super::periods::choose_period(state, requested).await?;
    Ok((chosen.required()?, chosen.available))
}

fn group(sums: &[UnitPeriodSums]) -> HashMap<Kato, Vec<&UnitPeriodSums>> {
    let mut by_unit: HashMap<Kato, Vec<&UnitPeriodSums>> = HashMap::new();
    for row in sums {
        by_unit.entry(row.unit).or_default().push(row);
    }
    by_unit
}

// GET /api/v1/units/{kato}/profile
#[utoipa::path(get, path = "/api/v1/units/{kato}/profile", tag = "units",
    security((), ("bearer" = [])),
    params(
        ("kato" = String, Path, description = "Region or district KATO code", example = "751110000"),
        ("period" = Option<String>, Query, description = "Quarter ending the rolling year; default the latest", example = "2024-Q4"),
    ),
    responses((status = 200, description = "Indicators with comparators, rank, direction of travel and time series; the composite index with its dimensions, drivers and series; progress against the plan's -5 %/year targets; staffing", body = Object),
        (status = 400, description = "Malformed request", body = openapi::ErrorBody),
        (status = 401, description = "A bearer token is required", body = openapi::ErrorBody),
        (status = 403, description = "The role has no analytic access", body = openapi::ErrorBody),
        (status = 404, description = "Unknown unit or period", body = openapi::ErrorBody)))]
pub(crate) async fn get_profile(
    State(state): State<AppState>,
    caller: Caller,
    Path(kato): Path<String>,
    query: UnitQuery,
) -> Result<Json<serde_json::Value>> {
    caller.require_analytic()?;
    let params = parse_query(query, &["period"])?;
    let unit = parse_unit(&state, &kato)?;
    let (period, available) = resolve_period(&state, params.period).await?;
    let year = period.trailing(4);
    let year_before = period
        .previous()
        .previous()
        .previous()
        .previous()
        .trailing(4);
    let level_sums = crate::sums::unit_period_sums(&state, unit.level, &available).await?;
    let national_sums =
        crate::sums::unit_period_sums(&state, AdminLevel::Country, &available).await?;
    let parent_sums = match unit.parent {
        Some(_) => crate::sums::unit_period_sums(&state, AdminLevel::Region, &available).await?,
        None => std::sync::Arc::default(),
    };
    let by_unit = group(&level_sums);
    let national = group(&national_sums);
    let by_parent = group(&parent_sums);
    let country = Kato::parse("000000000").expect("literal code");
    let siblings: Vec<Kato> = match unit.parent {
        Some(region) => state
            .geography
            .districts_of(&region)
            .map(|d| d.kato)
            .collect(),
        None => state.geography.regions().iter().map(|r| r.kato).collect(),
    };
    let neighbours = statistical_neighbours(&state, &unit, &by_unit, period);
    let policy = &state.config.policy;
    let empty = Vec::new();
    let own = by_unit.get(&unit.kato).unwrap_or(&empty);
    let mut indicators = Vec::new();
    let mut visible_codes: Vec<&str> = Vec::new();
    for indicator in &state.catalogue.indicators {
        let value_of = |sums: &[&UnitPeriodSums], level, kato: &Kato, periods: &[Period]| {
            disclose(
                indicator,
                sums,
                periods,
                Reader {
                    policy,
                    audience: &caller.audience,
                    level,
                    unit: kato,
                },
            )
            .value
        };
        let current = disclose(
            indicator,
            own,
            &year,
            Reader {
                policy,
                audience: &caller.audience,
                level: unit.level,
                unit: &unit.kato,
            },
        );
        let before = value_of(own, unit.level, &unit.kato, &year_before);
        let national_value = value_of(
            national.get(&country).unwrap_or(&empty),
            AdminLevel::Country,
            &country,
            &year,
        );
        let parent_value = unit.parent.map(|p| {
            value_of(
                by_parent.get(&p).unwrap_or(&empty),
                AdminLevel::Region,
                &p,
                &year,
            )
        });
        let neighbour_values: Vec<f64> = neighbours
            .iter()
            .filter_map(|n| {
                value_of(by_unit.get(n).unwrap_or(&empty), unit.level, n, &year).value()
            })
            .collect();
        #[allow(clippy::cast_precision_loss, reason = "five neighbours")]
        let neighbour_mean = (!neighbour_values.is_empty())
            .then(|| neighbour_values.iter().sum::<f64>() / neighbour_values.len() as f64);
        let visible: Vec<(Kato, f64)> = siblings
            .iter()
            .filter_map(|s| {
                value_of(by_unit.get(s).unwrap_or(&empty), unit.level, s, &year)
                    .value()
                    .map(|v| (*s, v))
            })
            .collect();
        let rank = rank_of(indicator, &visible, &unit.kato);
        let series: Vec<serde_json::Value> = available
            .iter()
            .map(|q| serde_json::json!({ "period": q.to_string(), "value": WireValue::from(value_of(own, unit.level, &unit.kato, std::slice::from_ref(q))) }))
            .collect();
        if current.value.value().is_some() {
            visible_codes.push(indicator.code.as_str());
        }
        indicators.push(serde_json::json!({
            "code": indicator.code,
            "value": WireValue::from(current.value),
            "numerator": WireCount(current.numerator),
            "national": WireValue::from(national_value),
            "parent": parent_value.map(WireValue::from),
            "neighbours_mean": neighbour_mean,
            "rank": rank.map(|(rank, of)| serde_json::json!({ "rank": rank, "of": of, "note": "1 = highest risk among the siblings whose value the caller may see" })),
            "direction": direction(indicator, current.value.value(), before.value()),
            "series": series,
        }));
    }
    let scores = crate::composite::level_scores(&state, unit.level).await?;
    let composite = composite_block(
        &state,
        &caller,
        &unit,
        &scores,
        period,
        &available,
        &visible_codes,
    );
    let plan = super::plan::plan_json(
        &super::plan::PlanReader {
            policy,
            audience: &caller.audience,
            level: unit.level,
            unit: &unit.kato,
        },
        own,
        national.get(&country).unwrap_or(&empty),
        &country,
        &available,
        period,
    );
    Ok(Json(serde_json::json!({
        "kato": unit.kato.as_str(),
        "level": unit.level.as_str(),
        "parent_kato": unit.parent.map(|p| p.to_string()),
        "name_kk": unit.names.kk, "name_ru": unit.names.ru, "name_en": unit.names.en,
        "period": period.to_string(),
        "rolling_year": year.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "neighbours": neighbours.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "staffing": staffing(own, &year),
        "composite": composite,
        "plan": plan,
        "indicators": indicators,
        "role": caller.role_name(),
    })))
}

/// The unit's composite now, its top drivers (only indicators whose value the caller sees) and
/// its composite for every quarter with data.
fn composite_block(
    state: &AppState,
    caller: &Caller,
    unit: &Unit<'_>,
    scores: &crate::composite::LevelScores,
    period: Period,
    available: &[Period],
    visible_codes: &[&str],
) -> serde_json::Value {
    let policy = &state.config.policy;
    let score = scores.unit(period, &unit.kato);
    let shown = crate::composite::disclose(score, policy, &caller.audience, unit.level, &unit.kato);
    let visible = shown.score.value().is_some();
    let mut block = super::units::composite_json(&shown);
    let drivers: Vec<serde_json::Value> = score
        .filter(|_| visible)
        .map(|s| {
            s.drivers
                .iter()
                .filter(|d| visible_codes.contains(&d.code.as_str()))
                .map(|d| {
                    serde_json::json!({
                        "code": d.code,
                        "score": (d.score * 100.0).round() / 100.0,
                        "contribution": (d.contribution * 100.0).round() / 100.0,
                        "flag": d.flag,
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    let series: Vec<serde_json::Value> = available
        .iter()
        .map(|p| {
            let shown = crate::composite::disclose(
                scores.unit(*p, &unit.kato),
                policy,
                &caller.audience,
                unit.level,
                &unit.kato,
            );
            serde_json::json!({ "period": p.to_string(), "value": WireValue::from(shown.score) })
        })
        .collect();
    if let Some(object) = block.as_object_mut() {
        object.insert("drivers".to_owned(), drivers.into());
        object.insert("series".to_owned(), series.into());
        object.insert(
            "model_version".to_owned(),
            scores.model_version.clone().into(),
        );
    }
    block
}

// GET /api/v1/compare?units=a,b,…
#[utoipa::path(get, path = "/api/v1/compare", tag = "units",
    security((), ("bearer" = [])),
    params(
        ("units" = String, Query, description = "2 to 6 region or district KATO codes, comma-separated", example = "750000000,710000000"),
        ("period" = Option<String>, Query, description = "Quarter ending the rolling year; default the latest", example = "2024-Q4"),
        ("indicators" = Option<String>, Query, description = "Indicator codes; default all", example = "viol_rate,psych_coverage"),
    ),
    responses((status = 200, description = "The units side by side with the national value", body = Object),
        (status = 400, description = "Malformed request or not 2–6 units", body = openapi::ErrorBody),
        (status = 401, description = "A bearer token is required", body = openapi::ErrorBody),
        (status = 403, description = "The role has no analytic access", body = openapi::ErrorBody),
        (status = 404, description = "Unknown unit or period", body = openapi::ErrorBody)))]
pub(crate) async fn compare(
    State(state): State<AppState>,
    caller: Caller,
    query: UnitQuery,
) -> Result<Json<serde_json::Value>> {
    caller.require_analytic()?;
    let Ok(axum::extract::Query(raw)) = &query else {
        return Err(Error::BadRequest {
            code: "bad_query",
            message: "malformed query".to_owned(),
        });
    };
    let list = raw.get("units").cloned().unwrap_or_default();
    let mut filtered = raw.clone();
    filtered.remove("units");
    let params = parse_query(
        Ok(axum::extract::Query(filtered)),
        &["period", "indicators"],
    )?;
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
    let (period, _) = resolve_period(&state, params.period).await?;
    let year = period.trailing(4);
    let region_sums = crate::sums::unit_period_sums(&state, AdminLevel::Region, &year).await?;
    let district_sums = crate::sums::unit_period_sums(&state, AdminLevel::District, &year).await?;
    let (regions, districts) = (group(&region_sums), group(&district_sums));
    let national = crate::sums::unit_period_sums(&state, AdminLevel::Country, &year).await?;
    let country = Kato::parse("000000000").expect("literal code");
    let policy = &state.config.policy;
    let national_refs: Vec<&UnitPeriodSums> = national.iter().collect();
    // Only the levels asked for are scored.
    let mut scores_by_level = std::collections::HashMap::new();
    for level in [AdminLevel::Region, AdminLevel::District] {
        if units.iter().any(|u| u.level == level) {
            scores_by_level.insert(level, crate::composite::level_scores(&state, level).await?);
        }
    }
    let rows: Vec<serde_json::Value> = units
        .iter()
        .map(|unit| {
            let source = if unit.level == AdminLevel::Region { &regions } else { &districts };
            let sums: Vec<&UnitPeriodSums> = source.get(&unit.kato).cloned().unwrap_or_default();
            let mut values = serde_json::Map::new();
            for indicator in &indicators {
                let shown = disclose(indicator, &sums, &year, Reader { policy, audience: &caller.audience, level: unit.level, unit: &unit.kato });
                values.insert(indicator.code.clone(), serde_json::json!({ "value": WireValue::from(shown.value), "numerator": WireCount(shown.numerator) }));
            }
            let score = scores_by_level.get(&unit.level).and_then(|s| s.unit(period, &unit.kato));
            let composite = super::units::composite_json(&crate::composite::disclose(score, policy, &caller.audience, unit.level, &unit.kato));
            serde_json::json!({ "kato": unit.kato.as_str(), "level": unit.level.as_str(), "name_kk": unit.names.kk, "name_ru": unit.names.ru, "name_en": unit.names.en, "indicators": values, "composite": composite })
        })
        .collect();
    let mut national_values = serde_json::Map::new();
    for indicator in &indicators {
        let shown = disclose(
            indicator,
            &national_refs,
            &year,
            Reader {
                policy,
                audience: &caller.audience,
                level: AdminLevel::Country,
                unit: &country,
            },
        );
        national_values.insert(
            indicator.code.clone(),
            serde_json::to_value(WireValue::from(shown.value)).unwrap_or_default(),
        );
    }
    Ok(Json(serde_json::json!({
        "period": period.to_string(),
        "rolling_year": year.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "units": rows,
        "national": national_values,
        "role": caller.role_name(),
    })))
}

/// Rank 1 = highest risk (highest value when higher is worse) among visible siblings.
fn rank_of(indicator: &Indicator, visible: &[(Kato, f64)], unit: &Kato) -> Option<(usize, usize)> {
    let own = visible.iter().find(|(k, _)| k == unit)?.1;
    let worse = |v: f64| match indicator.direction {
        riskmap_model::indicator::Direction::HigherIsWorse => v > own,
        riskmap_model::indicator::Direction::LowerIsWorse => v < own,
    };
    Some((
        1 + visible.iter().filter(|(_, v)| worse(*v)).count(),
        visible.len(),
    ))
}

fn direction(indicator: &Indicator, now: Option<f64>, before: Option<f64>) -> serde_json::Value {
    let (Some(now), Some(before)) = (now, before) else {
        return serde_json::json!({ "trend": "unknown" });
    };
    if before <= 0.0 {
        return serde_json::json!({ "trend": "unknown" });
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
    serde_json::json!({ "trend": trend, "change_percent": (change * 1000.0).round() / 10.0 })
}

/// Psychologist and social-pedagogue posts filled against the norm (S0), latest quarter.
fn staffing(sums: &[&UnitPeriodSums], year: &[Period]) -> serde_json::Value {
    let Some(latest) = year
        .last()
        .and_then(|p| sums.iter().find(|s| s.period == *p))
    else {
        return serde_json::Value::Null;
    };
    let get = |m| latest.sums.get(m);
    let gap = |norm: Option<f64>, filled: Option<f64>| match (norm, filled) {
        (Some(norm), Some(filled)) => {
            serde_json::json!({ "norm_fte": norm, "filled_fte": filled, "gap_fte": (norm - filled).max(0.0) })
        }
        _ => serde_json::Value::Null,
    };
    serde_json::json!({
        "period": latest.period.to_string(),
        "psychologists": gap(get(Measure::PsychFteNorm), get(Measure::PsychFteFilled)),
        "social_pedagogues": gap(get(Measure::SocpedFteNorm), get(Measure::SocpedFteFilled)),
    })
}

/// The nearest units of the same level by standardised context variables.
fn statistical_neighbours(
    state: &AppState,
    unit: &Unit<'_>,
    by_unit: &HashMap<Kato, Vec<&UnitPeriodSums>>,
    period: Period,
) -> Vec<Kato> {
    let candidates: Vec<Unit<'_>> = match unit.level {
        AdminLevel::Region => state
            .geography
            .regions()
            .iter()
            .filter_map(|r| find_unit(state, r.kato))
            .collect(),
        _ => state
            .geography
            .districts()
            .iter()
            .filter_map(|d| find_unit(state, d.kato))
            .collect(),
    };
    #[allow(clippy::cast_precision_loss, reason = "populations fit f64")]
    let features = |u: &Unit<'_>| -> Option<Vec<f64>> {
        let sums = by_unit.get(&u.kato)?.iter().find(|s| s.period == period)?;
        let pupils = sums.sums.get(Measure::PupilsTotal)?;
        Some(vec![
            (u.population? as f64).ln(),
            pupils.max(1.0).ln(),
            u.area_km2.unwrap_or(1.0).max(1.0).ln(),
        ])
    };
    let table: Vec<(Kato, Vec<f64>)> = candidates
        .iter()
        .filter_map(|u| features(u).map(|f| (u.kato, f)))
        .collect();
    let Some((_, own)) = table.iter().find(|(k, _)| *k == unit.kato) else {
        return Vec::new();
    };
    let dims = own.len();
    #[allow(clippy::cast_precision_loss, reason = "a few hundred units")]
    let n = table.len() as f64;
    let mean: Vec<f64> = (0..dims)
        .map(|d| table.iter().map(|(_, f)| f[d]).sum::<f64>() / n)
        .collect();
    let sd: Vec<f64> = (0..dims)
        .map(|d| {
            (table
                .iter()
                .map(|(_, f)| (f[d] - mean[d]).powi(2))
                .sum::<f64>()
                / n)
                .sqrt()
                .max(1e-12)
        })
        .collect();
    let z = |f: &[f64]| -> Vec<f64> { (0..dims).map(|d| (f[d] - mean[d]) / sd[d]).collect() };
    let own_z = z(own);
    let mut distances: Vec<(Kato, f64)> = table
        .iter()
        .filter(|(k, _)| *k != unit.kato)
        .map(|(k, f)| {
            (
                *k,
                z(f).iter()
                    .zip(&own_z)
                    .map(|(a, b)| (a - b).powi(2))
                    .sum::<f64>(),
            )
        })
        .collect();
    distances.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    distances
        .into_iter()
        .take(NEIGHBOURS)
        .map(|(k, _)| k)
        .collect()
}
