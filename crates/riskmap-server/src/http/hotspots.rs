//! `GET /api/v1/hotspots?level=&indicator=&period=&parent=`: the hotspot overlay of the map.
//! Gi* classes and LISA quadrants of the regions or districts
//! (`riskmap_score::hotspot_overlay`), computed on the values the caller sees in the view
//! layer's unit table — exact inside its scope, the published release outside it, withheld
//! units left out of the weights — so no statistic depends on a value the caller may not see.
//! For the ministry that is every unit's exact rolling year. Public callers get 403: the
//! plan's display rules allow no hotspot wording in public (domain §4.3).

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use riskmap_model::{AdminLevel, Audience, MeasureKind};
use riskmap_score::hotspot_overlay::{
    FDR, GiClass, GlobalContext, PERMUTATIONS, SEED, hotspots, overlay_values,
};
use serde::Serialize;
use utoipa::ToSchema;

use super::cached::{JsonKind, cached_json};
#[allow(unused_imports, reason = "named in the OpenAPI annotations")]
use super::openapi;
use super::query::{RawQuery, parse_query, take};
use super::{Caller, Error, Result};
use crate::AppState;

/// Gi* class of a unit.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum WireGiClass {
    /// Significantly high values around the unit.
    Hot,
    /// Significantly low values around the unit.
    Cold,
}

/// Global Moran's I of the same values.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub(crate) struct WireGlobal {
    i: f64,
    z: f64,
    p: f64,
}

impl From<GlobalContext> for WireGlobal {
    fn from(g: GlobalContext) -> Self {
        Self {
            i: g.i,
            z: g.z,
            p: g.p,
        }
    }
}

/// One unit of the overlay.
#[derive(Serialize, ToSchema)]
pub(crate) struct WireHotspot {
    kato: String,
    gistar_z: Option<f64>,
    gistar_p: Option<f64>,
    gistar_class: Option<WireGiClass>,
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
    global_moran: Option<WireGlobal>,
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
        (status = 304, description = "Not modified (If-None-Match)"),
        (status = 400, description = "Malformed request", body = openapi::ErrorBody),
        (status = 401, description = "A bearer token is required", body = openapi::ErrorBody),
        (status = 403, description = "Public and steward roles get no hotspot map", body = openapi::ErrorBody),
        (status = 404, description = "Unknown region or period", body = openapi::ErrorBody)))]
pub(crate) async fn get_hotspots(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    query: RawQuery,
) -> Result<Response> {
    caller.require_analytic()?;
    if caller.audience == Audience::Public {
        return Err(Error::Forbidden {
            code: "no_public_hotspots",
            message: "hotspot maps are not published (display rules, domain §4.3)".to_owned(),
        });
    }
    let (taken, rest) = take(query, &["indicator"])?;
    let code = taken
        .get("indicator")
        .cloned()
        .unwrap_or_else(|| "viol_rate".to_owned());
    let params = parse_query(rest, &["level", "period", "parent"])?;
    let level = params.level.unwrap_or(AdminLevel::District);
    let (k, indicator) = state
        .catalogue
        .indicators
        .iter()
        .enumerate()
        .find(|(_, i)| i.code == code)
        .ok_or_else(|| Error::BadRequest {
            code: "unknown_indicator",
            message: format!("unknown indicator {code:?}"),
        })?;
    if !matches!(level, AdminLevel::Region | AdminLevel::District) {
        return Err(Error::BadRequest {
            code: "bad_level",
            message: "hotspots are computed for regions and districts".to_owned(),
        });
    }
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
    let parent = params.parent.map_or_else(String::new, |p| p.to_string());
    let request = format!(
        "hotspots?level={}&indicator={}&period={period}&parent={parent}",
        level.as_str(),
        indicator.code
    );
    let audience = caller.audience.clone();
    cached_json(&state, &audience, request, JsonKind::Json, &headers, || {
        overlay(&state, &caller, level, k, period, params.parent)
    })
    .await
}

/// The overlay of one level (regions or districts), indicator (`k` in the catalogue) and
/// quarter, as `caller` sees the values; the permutation tests run on a blocking thread.
async fn overlay(
    state: &AppState,
    caller: &Caller,
    level: AdminLevel,
    k: usize,
    period: riskmap_model::Period,
    parent: Option<riskmap_model::Kato>,
) -> Result<WireHotspots> {
    // Built here, only when the answer is not cached yet (the contiguity cache hands out copies).
    let contiguity = if level == AdminLevel::Region {
        state.contiguity.regions(&state.geography)?
    } else {
        state.contiguity.districts(&state.geography)?
    };
    let indicator = &state.catalogue.indicators[k];
    let table = crate::view::table(state, &caller.audience, level, Some(period)).await?;
    let shown: Vec<Option<(f64, f64)>> =
        table.units.iter().map(|u| u.indicators[k].shown).collect();
    let values = overlay_values(
        &shown
            .iter()
            .map(|s| s.map_or(0.0, |s| s.0))
            .collect::<Vec<_>>(),
        &shown
            .iter()
            .map(|s| s.map_or(0.0, |s| s.1))
            .collect::<Vec<_>>(),
        &shown.iter().map(Option::is_some).collect::<Vec<_>>(),
        indicator.numerator.kind() == MeasureKind::Count,
    );
    let (stats, global) = tokio::task::spawn_blocking(move || hotspots(&values, &contiguity))
        .await
        .map_err(|e| Error::Internal {
            message: format!("hotspot task failed: {e}"),
        })?;
    let units = table
        .units
        .iter()
        .zip(&stats)
        .zip(&shown)
        .filter(|((u, _), shown)| {
            shown.is_some()
                && parent.is_none_or(|p| level == AdminLevel::District && u.kato.same_region(&p))
        })
        .map(|((u, s), _)| WireHotspot {
            kato: u.kato.to_string(),
            gistar_z: s.gistar_z,
            gistar_p: s.gistar_p,
            gistar_class: s.gistar_class.map(|c| match c {
                GiClass::Hot => WireGiClass::Hot,
                GiClass::Cold => WireGiClass::Cold,
            }),
            lisa_quadrant: s.lisa_quadrant,
            lisa_p: s.lisa_p,
        })
        .collect();
    Ok(WireHotspots {
        indicator: indicator.code.clone(),
        period: period.to_string(),
        level: level.as_str(),
        values: if indicator.numerator.kind() == MeasureKind::Count {
            "empirical-Bayes smoothed rates of the values the caller sees"
        } else {
            "the values the caller sees"
        },
        weights: "queen contiguity (Gi*: binary with self; LISA and Moran: row-standardised)",
        permutations: PERMUTATIONS,
        seed: SEED,
        fdr: FDR,
        global_moran: global.map(WireGlobal::from),
        units,
    })
}
