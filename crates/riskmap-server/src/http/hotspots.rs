//! `GET /api/v1/hotspots?level=&indicator=&period=&parent=`: the hotspot overlay of the map.
//! Gi* classes and LISA quadrants of the regions or districts for the rolling year ending at
//! the quarter, computed over the whole country (a border unit's neighbours in another region
//! count) and returned for the units whose value the caller may see. Public callers get 403:
//! the plan's display rules allow no hotspot wording in public (domain §4.3).

use std::collections::HashMap;

use axum::Json;
use axum::extract::State;
use riskmap_model::{Access, AdminLevel, Audience, Indicator, Kato, MeasureKind};
use riskmap_score::rates::{RateData, global_eb};
use riskmap_store::UnitPeriodSums;
use serde::Serialize;

#[allow(unused_imports, reason = "named in the OpenAPI annotations")]
use super::openapi;
use super::units::{UnitQuery, parse_query};
use super::{Caller, Error, Result};
use crate::AppState;
use crate::hotspots::{FDR, GiClass, GlobalContext, PERMUTATIONS, SEED, hotspots};

/// One unit of the overlay.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct WireHotspot {
    kato: String,
    gistar_z: Option<f64>,
    gistar_p: Option<f64>,
    gistar_class: Option<GiClass>,
    lisa_quadrant: Option<&'static str>,
    lisa_p: Option<f64>,
}

/// The overlay.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct WireHotspots {
    indicator: String,
    period: String,
    level: &'static str,
    /// What the statistics were computed on.
    values: &'static str,
    weights: &'static str,
    permutations: usize,
    seed: u64,
    fdr: f64,
    /// Global Moran's I of the same values (context); `null` when it cannot be computed.
    global_moran: Option<GlobalContext>,
    units: Vec<WireHotspot>,
}

// GET /api/v1/hotspots
#[utoipa::path(get, path = "/api/v1/hotspots", tag = "units",
    security(("bearer" = [])),
    params(
        ("level" = Option<String>, Query, description = "region or district (default district)", example = "district"),
        ("indicator" = Option<String>, Query, description = "Indicator code from /api/v1/meta (default viol_rate)", example = "viol_rate"),
        ("period" = Option<String>, Query, description = "Quarter YYYY-Qn ending the rolling year; default the latest with data", example = "2024-Q4"),
        ("parent" = Option<String>, Query, description = "Only the districts of this region", example = "750000000"),
    ),
    responses((status = 200, description = "Gi* classes (BH-FDR 0.05) and significant LISA quadrants per unit", body = WireHotspots),
        (status = 400, description = "Malformed request", body = openapi::ErrorBody),
        (status = 401, description = "A bearer token is required", body = openapi::ErrorBody),
        (status = 403, description = "Public and steward roles get no hotspot map", body = openapi::ErrorBody),
        (status = 404, description = "Unknown region or period", body = openapi::ErrorBody)))]
pub(crate) async fn get_hotspots(
    State(state): State<AppState>,
    caller: Caller,
    query: UnitQuery,
) -> Result<Json<WireHotspots>> {
    caller.require_analytic()?;
    if caller.audience == Audience::Public {
        return Err(Error::Forbidden {
            code: "no_public_hotspots",
            message: "hotspot maps are not published (display rules, domain §4.3)".to_owned(),
        });
    }
    let code = query
        .as_ref()
        .ok()
        .and_then(|q| q.0.get("indicator").cloned())
        .unwrap_or_else(|| "viol_rate".to_owned());
    let params = parse_query(query, &["level", "indicator", "period", "parent"])?;
    let level = params.level.unwrap_or(AdminLevel::District);
    let indicator = state
        .catalogue
        .get(&code)
        .ok_or_else(|| Error::BadRequest {
            code: "unknown_indicator",
            message: format!("unknown indicator {code:?}"),
        })?;
    let (katos, contiguity) = match level {
        AdminLevel::Region => (
            state
                .geography
                .regions()
                .iter()
                .map(|r| r.kato)
                .collect::<Vec<_>>(),
            state.contiguity.regions(&state.geography)?,
        ),
        AdminLevel::District => (
            state.geography.districts().iter().map(|d| d.kato).collect(),
            state.contiguity.districts(&state.geography)?,
        ),
        AdminLevel::Country | AdminLevel::School => {
            return Err(Error::BadRequest {
                code: "bad_level",
                message: "hotspots are computed for regions and districts".to_owned(),
            });
        }
    };
    if let Some(parent) = params.parent
        && state.geography.region(&parent).is_none()
    {
        return Err(Error::NotFound {
            code: "unknown_region",
            message: format!("no region with KATO {parent}"),
        });
    }
    let period = super::periods::choose_period(&state, params.period)
        .await?
        .required()?;
    let quarters = period.trailing(4);
    let sums = crate::sums::unit_period_sums(&state, level, &quarters).await?;
    let values = unit_values(indicator, &katos, &sums);
    let (stats, global) = hotspots(&values, &contiguity);
    let units = katos
        .iter()
        .zip(&stats)
        .filter(|(kato, _)| {
            params
                .parent
                .is_none_or(|p| level == AdminLevel::District && kato.same_region(&p))
        })
        .filter(|(kato, _)| {
            caller.audience.access(indicator.sensitivity, level, kato) != Access::Hidden
        })
        .map(|(kato, s)| WireHotspot {
            kato: kato.to_string(),
            gistar_z: s.gistar_z,
            gistar_p: s.gistar_p,
            gistar_class: s.gistar_class,
            lisa_quadrant: s.lisa_quadrant,
            lisa_p: s.lisa_p,
        })
        .collect();
    Ok(Json(WireHotspots {
        indicator: indicator.code.clone(),
        period: period.to_string(),
        level: level.as_str(),
        values: if indicator.numerator.kind() == MeasureKind::Count {
            "empirical-Bayes smoothed rolling-year rates"
        } else {
            "rolling-year values"
        },
        weights: "queen contiguity (Gi*: binary with self; LISA and Moran: row-standardised)",
        permutations: PERMUTATIONS,
        seed: SEED,
        fdr: FDR,
        global_moran: global,
        units,
    }))
}

/// Every unit's rolling-year value: the EB-smoothed rate for count indicators, the plain
/// ratio otherwise; `None` without data.
fn unit_values(indicator: &Indicator, katos: &[Kato], sums: &[UnitPeriodSums]) -> Vec<Option<f64>> {
    let mut totals: HashMap<Kato, (f64, f64, bool)> = HashMap::new();
    for row in sums {
        let (Some(numerator), Some(denominator)) = (
            row.sums.get(indicator.numerator),
            row.sums.get(indicator.denominator),
        ) else {
            continue;
        };
        let entry = totals.entry(row.unit).or_insert((0.0, 0.0, false));
        entry.0 += numerator;
        entry.1 += denominator;
        entry.2 = true;
    }
    let numerators: Vec<f64> = katos
        .iter()
        .map(|k| totals.get(k).map_or(0.0, |t| t.0))
        .collect();
    let denominators: Vec<f64> = katos
        .iter()
        .map(|k| totals.get(k).map_or(0.0, |t| t.1))
        .collect();
    let has_data: Vec<bool> = katos
        .iter()
        .map(|k| totals.get(k).is_some_and(|t| t.2 && t.1 > 0.0))
        .collect();
    if indicator.numerator.kind() == MeasureKind::Count
        && let Ok(data) = RateData::new(&numerators, &denominators)
        && let Ok(eb) = global_eb(&data)
    {
        return eb
            .estimates
            .iter()
            .zip(&has_data)
            .map(|(estimate, &has)| estimate.filter(|_| has))
            .collect();
    }
    numerators
        .iter()
        .zip(&denominators)
        .zip(&has_data)
        .map(|((n, d), &has)| has.then(|| n / d))
        .collect()
}
