//! `GET /api/v1/reporting?period=YYYY-Qn&parent=KATO`: the reporting monitor. Per region (or
//! per district of `parent`), how many schools submitted the quarter on time (by the 10th of
//! the following month), late, or not at all; and, for roles that may see schools, which
//! schools are late or silent.

use std::collections::{BTreeMap, HashMap};

use axum::Json;
use axum::extract::State;
use riskmap_model::suppression::Cell;
use riskmap_model::{AdminLevel, Kato, Period, Sensitivity};

#[allow(unused_imports, reason = "named in the OpenAPI annotations")]
use super::openapi;
use super::units::{UnitQuery, parse_query};
use super::wire::WireCount;
use super::{Caller, Error, Result};
use crate::AppState;

#[derive(Default)]
struct Tally {
    schools: u64,
    on_time: u64,
    late: u64,
    silent: u64,
}

// GET /api/v1/reporting
#[utoipa::path(get, path = "/api/v1/reporting", tag = "reporting",
    security((), ("bearer" = [])),
    params(
        ("period" = Option<String>, Query, description = "Quarter YYYY-Qn; default the latest with data", example = "2024-Q4"),
        ("parent" = Option<String>, Query, description = "A region: report its districts; default: report the regions", example = "750000000"),
    ),
    responses((status = 200, description = "On-time, late and silent schools per unit", body = Object),
        (status = 400, description = "Malformed request", body = openapi::ErrorBody),
        (status = 401, description = "A bearer token is required", body = openapi::ErrorBody),
        (status = 403, description = "The role has no analytic access", body = openapi::ErrorBody),
        (status = 404, description = "Unknown region or period", body = openapi::ErrorBody)))]
pub(crate) async fn get_reporting(
    State(state): State<AppState>,
    caller: Caller,
    query: UnitQuery,
) -> Result<Json<serde_json::Value>> {
    caller.require_analytic()?;
    let params = parse_query(query, &["period", "parent"])?;
    let period: Period = super::periods::choose_period(&state, params.period)
        .await?
        .required()?;
    let region = params
        .parent
        .map(|p| {
            state
                .geography
                .region(&p)
                .map(|r| r.kato)
                .ok_or_else(|| Error::NotFound {
                    code: "unknown_region",
                    message: format!("no region with KATO {p}"),
                })
        })
        .transpose()?;
    let level = if region.is_some() {
        AdminLevel::District
    } else {
        AdminLevel::Region
    };
    let due = period.due_date();
    let submissions = state.store.submissions(period).await?;
    let mut tallies: BTreeMap<Kato, Tally> = BTreeMap::new();
    let mut flagged = Vec::new();
    for submission in submissions
        .iter()
        .filter(|s| region.is_none_or(|r| s.region == r))
    {
        let unit = if region.is_some() {
            submission.district
        } else {
            submission.region
        };
        let tally = tallies.entry(unit).or_default();
        tally.schools += 1;
        let status = match submission.first_submitted_at {
            Some(at) if at.date() <= due => {
                tally.on_time += 1;
                continue;
            }
            Some(_) => {
                tally.late += 1;
                "late"
            }
            None => {
                tally.silent += 1;
                "silent"
            }
        };
        if caller.audience.may_see_schools_of(&submission.district) {
            flagged.push((submission, status));
        }
    }
    let names: HashMap<Kato, &riskmap_geo::Names> = state
        .geography
        .regions()
        .iter()
        .map(|r| (r.kato, &r.names))
        .chain(
            state
                .geography
                .districts()
                .iter()
                .map(|d| (d.kato, &d.names)),
        )
        .collect();
    let policy = &state.config.policy;
    let units: Vec<serde_json::Value> = tallies
        .iter()
        .map(|(kato, tally)| {
            let cell = Cell {
                sensitivity: Sensitivity::S0,
                level,
                unit: kato,
                audience: &caller.audience,
            };
            #[allow(clippy::cast_precision_loss, reason = "school counts")]
            let share = if tally.schools > 0 {
                tally.on_time as f64 / tally.schools as f64
            } else {
                0.0
            };
            let share = policy.quantity((share * 1000.0).round() / 10.0, &cell);
            serde_json::json!({
                "kato": kato.as_str(),
                "name_kk": names.get(kato).map(|n| n.kk.as_str()),
                "name_ru": names.get(kato).map(|n| n.ru.as_str()),
                "name_en": names.get(kato).map(|n| n.en.as_str()),
                "schools": WireCount(policy.count(tally.schools, &cell)),
                "on_time": WireCount(policy.count(tally.on_time, &cell)),
                "late": WireCount(policy.count(tally.late, &cell)),
                "silent": WireCount(policy.count(tally.silent, &cell)),
                "on_time_percent": share.value(),
            })
        })
        .collect();
    let schools = state.store.schools().await?;
    let school_names: HashMap<&str, &riskmap_model::School> =
        schools.iter().map(|s| (s.id.as_str(), s)).collect();
    let flagged: Vec<serde_json::Value> = flagged
        .iter()
        .map(|(submission, status)| {
            let school = school_names.get(submission.school.as_str());
            serde_json::json!({
                "school_id": submission.school.as_str(),
                "name_kk": school.map(|s| s.name_kk.as_str()),
                "name_ru": school.map(|s| s.name_ru.as_str()),
                "district_kato": submission.district.as_str(),
                "status": status,
                "submitted_at": submission.first_submitted_at.and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok()),
            })
        })
        .collect();
    Ok(Json(serde_json::json!({
        "period": period.to_string(),
        "due_date": due.to_string(),
        "level": level.as_str(),
        "units": units,
        "late_or_silent_schools": flagged,
        "role": caller.role_name(),
    })))
}
