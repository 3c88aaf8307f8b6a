//! `GET /api/v1/reporting?period=YYYY-Qn&parent=KATO`: the reporting monitor. Per region (or
//! per district of `parent`), how many schools submitted the quarter on time (by the 10th of
//! the following month), late, or not at all; and, for roles that may see schools, which
//! schools are late or silent.

use std::collections::{BTreeMap, HashMap};

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use riskmap_model::{AdminLevel, Kato, Period};
use serde::Serialize;
use utoipa::ToSchema;

use super::cached::{JsonKind, cached_json};
#[allow(unused_imports, reason = "named in the OpenAPI annotations")]
use super::openapi;
use super::query::{RawQuery, parse_query};
use super::wire::WireCount;
use super::{Caller, Error, Result};
use crate::AppState;
use crate::view::reporting::{Tally, disclose_tally};

/// The reporting monitor of one quarter.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Reporting {
    period: String,
    due_date: String,
    level: &'static str,
    units: Vec<ReportingUnit>,
    late_or_silent_schools: Vec<FlaggedSchool>,
    role: &'static str,
}

/// One unit's tally.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ReportingUnit {
    kato: String,
    name_kk: Option<String>,
    name_ru: Option<String>,
    name_en: Option<String>,
    schools: WireCount,
    on_time: WireCount,
    late: WireCount,
    silent: WireCount,
    on_time_percent: Option<f64>,
}

/// A school that reported late or not at all (roles that may see schools).
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct FlaggedSchool {
    school_id: String,
    name_kk: Option<String>,
    name_ru: Option<String>,
    district_kato: String,
    /// `late` or `silent`.
    status: &'static str,
    submitted_at: Option<String>,
}

// GET /api/v1/reporting
#[utoipa::path(get, path = "/api/v1/reporting", tag = "reporting",
    security((), ("bearer" = [])),
    params(
        ("period" = Option<String>, Query, description = "Quarter YYYY-Qn; default the latest with data", example = "2024-Q4"),
        ("parent" = Option<String>, Query, description = "A region: report its districts; default: report the regions", example = "750000000"),
    ),
    responses((status = 200, description = "On-time, late and silent schools per unit", body = Reporting),
        (status = 304, description = "Not modified (If-None-Match)"),
        (status = 400, description = "Malformed request", body = openapi::ErrorBody),
        (status = 401, description = "A bearer token is required", body = openapi::ErrorBody),
        (status = 403, description = "The role has no analytic access", body = openapi::ErrorBody),
        (status = 404, description = "Unknown region or period", body = openapi::ErrorBody)))]
pub(crate) async fn get_reporting(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    query: RawQuery,
) -> Result<Response> {
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
    let parent = region.map_or_else(String::new, |r| r.to_string());
    let request = format!("reporting?period={period}&parent={parent}");
    let audience = caller.audience.clone();
    cached_json(&state, &audience, request, JsonKind::Json, &headers, || {
        reporting(&state, &caller, period, region)
    })
    .await
}

/// The monitor of `period` for the regions, or for the districts of `region`.
async fn reporting(
    state: &AppState,
    caller: &Caller,
    period: Period,
    region: Option<Kato>,
) -> Result<Reporting> {
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
            Some(at) if period.is_on_time(at) => {
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
    let units: Vec<ReportingUnit> = tallies
        .iter()
        .map(|(kato, tally)| {
            let shown = disclose_tally(state, &caller.audience, level, kato, *tally);
            ReportingUnit {
                kato: kato.to_string(),
                name_kk: names.get(kato).map(|n| n.kk.clone()),
                name_ru: names.get(kato).map(|n| n.ru.clone()),
                name_en: names.get(kato).map(|n| n.en.clone()),
                schools: shown.schools.into(),
                on_time: shown.on_time.into(),
                late: shown.late.into(),
                silent: shown.silent.into(),
                on_time_percent: shown.on_time_percent.value(),
            }
        })
        .collect();
    let schools = crate::view::schools::schools(state).await?;
    let school_names: HashMap<&str, &riskmap_model::School> =
        schools.iter().map(|s| (s.id.as_str(), s)).collect();
    let flagged: Vec<FlaggedSchool> = flagged
        .iter()
        .map(|(submission, status)| {
            let school = school_names.get(submission.school.as_str());
            FlaggedSchool {
                school_id: submission.school.as_str().to_owned(),
                name_kk: school.map(|s| s.name_kk.clone()),
                name_ru: school.map(|s| s.name_ru.clone()),
                district_kato: submission.district.to_string(),
                status,
                submitted_at: submission.first_submitted_at.and_then(|t| {
                    t.format(&time::format_description::well_known::Rfc3339)
                        .ok()
                }),
            }
        })
        .collect();
    Ok(Reporting {
        period: period.to_string(),
        due_date: due.to_string(),
        level: level.as_str(),
        units,
        late_or_silent_schools: flagged,
        role: caller.role_name(),
    })
}
