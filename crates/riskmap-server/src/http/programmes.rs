//! Crisis-management programmes (Resolution 748, measure 2): create, list, read, add problems
//! (snapshots from the view layer) and actions, patch actions (JSON merge patch), report
//! progress, move through the workflow, draft from the priority list, amend and read the
//! history. The rules are `riskmap_programme::workflow`'s; this module maps them to HTTP:
//! every answer carries the programme's `ETag`; writes need `If-Match` (428 without, 412 when
//! stale); creates accept `Idempotency-Key`; illegal transitions answer 409 with the allowed
//! ones; writes outside the caller's scope 403.

use std::sync::OnceLock;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use riskmap_model::{Kato, Period};
use riskmap_programme::programme::{check_text, format_date};
use riskmap_programme::workflow::{self, Actor};
use riskmap_programme::{
    Action, ActionFields, Catalogue, Problem, Programme, ProgrammePeriod, ProgressReport,
    ProgressStatus, Status,
};
use riskmap_store::{
    Change, Created, EventMeta, IdempotencyKey, NewProgramme, ProgrammeFilter, StoredProgramme,
};
use serde::Deserialize;
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;

use super::preconditions::{etag_header, idempotency_key, if_match, key_owner, request_hash};
use super::programme_wire::{ProgrammeBody, ProgrammeList, Reader, actor_of, line};
use super::query::{RawQuery, parse_query, take};
use super::{Caller, Error, Result};
use crate::AppState;

/// The action catalogue, compiled in and checked against the indicator catalogue once.
pub(crate) fn catalogue(state: &AppState) -> Result<&'static Catalogue> {
    static CATALOGUE: OnceLock<std::result::Result<Catalogue, String>> = OnceLock::new();
    let indicators = state.catalogue.clone();
    CATALOGUE
        .get_or_init(|| {
            Catalogue::parse(riskmap_programme::catalogue::BUILTIN, &|code| {
                indicators.get(code).is_some()
            })
            .map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|message| Error::Internal {
            message: message.clone(),
        })
}

/// Today in Kazakhstan, the day due dates and closing are judged on.
pub(crate) fn today() -> Date {
    riskmap_model::period::kazakhstan_date(OffsetDateTime::now_utc())
}

/// Maps a rule of the workflow to an HTTP error.
pub(crate) fn rule_error(error: riskmap_programme::Error) -> Error {
    use riskmap_programme::Error as E;
    let message = error.to_string();
    match error {
        E::Invalid { .. } | E::Catalogue { .. } => Error::BadRequest {
            code: "invalid_field",
            message,
        },
        E::Forbidden { .. } => Error::Forbidden {
            code: "out_of_scope",
            message,
        },
        E::IllegalTransition { allowed, .. } => Error::Transition {
            message,
            allowed: allowed.iter().map(|s| s.as_str().to_owned()).collect(),
        },
        E::Locked { .. } => Error::Conflict {
            code: "locked",
            message,
        },
        E::Incomplete { .. } => Error::Conflict {
            code: "incomplete",
            message,
        },
        E::NotFound { .. } => Error::NotFound {
            code: "not_in_programme",
            message,
        },
    }
}

/// Maps a store failure of a programme write to an HTTP error.
pub(crate) fn store_error(error: riskmap_store::Error) -> Error {
    use riskmap_store::Error as E;
    match error {
        E::Stale { current } => Error::PreconditionFailed {
            message: format!(
                "the programme changed; its version is now {current}: reload and retry"
            ),
        },
        E::NotFound { id } => Error::NotFound {
            code: "unknown_programme",
            message: format!("no programme {id}"),
        },
        E::Conflict { message } => Error::Conflict {
            code: "conflict",
            message,
        },
        E::IdempotencyMismatch => Error::Unprocessable {
            code: "idempotency_key_reused",
            message: "this Idempotency-Key was used with a different request".to_owned(),
        },
        other => Error::Store(other),
    }
}

/// Programme `id` if the caller may read it: 404 when there is none, 403 outside the scope.
pub(crate) async fn readable(state: &AppState, actor: &Actor, id: i64) -> Result<StoredProgramme> {
    let stored = state
        .store
        .programme(id)
        .await?
        .ok_or_else(|| Error::NotFound {
            code: "unknown_programme",
            message: format!("no programme {id}"),
        })?;
    if !actor.may_read(&stored.programme.region) {
        return Err(Error::Forbidden {
            code: "out_of_scope",
            message: format!("programme {id} is outside your scope"),
        });
    }
    Ok(stored)
}

/// The programme as the caller may see it, with its `ETag`, no-store.
pub(crate) async fn answer(
    state: &AppState,
    caller: &Caller,
    id: i64,
    status: StatusCode,
) -> Result<Response> {
    let actor = actor_of(&caller.audience);
    let stored = readable(state, &actor, id).await?;
    let reader = Reader {
        state,
        audience: &caller.audience,
        actor: &actor,
        catalogue: catalogue(state)?,
        today: today(),
    };
    let body: ProgrammeBody = reader.programme(&stored);
    let mut response = (status, axum::Json(body)).into_response();
    let headers = response.headers_mut();
    if let Some(tag) = etag_header(id, stored.programme.version) {
        headers.insert(header::ETAG, tag);
    }
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    if status == StatusCode::CREATED
        && let Ok(location) = HeaderValue::from_str(&format!("/api/v1/programmes/{id}"))
    {
        headers.insert(header::LOCATION, location);
    }
    Ok(response)
}

/// Stores `change` against the version the caller read (`412` when stale) and answers the
/// programme as it now is.
async fn commit(
    state: &AppState,
    caller: &Caller,
    (id, expected): (i64, i64),
    change: &Change<'_>,
    comment: &str,
    status: StatusCode,
) -> Result<Response> {
    state
        .store
        .change_programme(id, expected, change, &meta(caller, comment))
        .await
        .map_err(store_error)?;
    answer(state, caller, id, status).await
}

fn meta(caller: &Caller, comment: &str) -> EventMeta {
    EventMeta {
        at: OffsetDateTime::now_utc(),
        token_id: caller.token_id,
        role: caller.role_name().to_owned(),
        comment: comment.to_owned(),
    }
}

fn parse_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T> {
    serde_json::from_slice(body).map_err(|e| Error::BadRequest {
        code: "bad_body",
        message: format!("request body: {e}"),
    })
}

/// The next id inside a programme (problems, actions and reports share one sequence).
fn next_id(programme: &Programme) -> i64 {
    let problems = programme.problems.iter().map(|p| p.id);
    let actions = programme.actions.iter().map(|a| a.id);
    let reports = programme.progress.iter().map(|r| r.id);
    problems.chain(actions).chain(reports).max().unwrap_or(0) + 1
}

/// A write on programme `id`: readable by the caller (403), `If-Match` given (428) and current
/// (412); returns the stored programme and the version to write against.
async fn writable(
    state: &AppState,
    caller: &Caller,
    headers: &HeaderMap,
    id: i64,
) -> Result<(StoredProgramme, Actor, i64)> {
    let actor = actor_of(&caller.audience);
    let stored = readable(state, &actor, id).await?;
    let expected = if_match(headers, id)?;
    if expected != stored.programme.version {
        return Err(Error::PreconditionFailed {
            message: format!(
                "If-Match names version {expected}; the programme is at version {}",
                stored.programme.version
            ),
        });
    }
    Ok((stored, actor, expected))
}

/// Body of `POST /api/v1/programmes`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewProgrammeBody {
    /// Region KATO (`AB0000000`).
    region: String,
    /// `2025` or `2025-H1`.
    period: String,
    /// Title.
    title: String,
}

fn parse_region(state: &AppState, text: &str) -> Result<Kato> {
    let region = Kato::parse(text).map_err(|e| Error::BadRequest {
        code: "bad_kato",
        message: e.to_string(),
    })?;
    if state.geography.region(&region).is_none() {
        return Err(Error::BadRequest {
            code: "unknown_region",
            message: format!("{region} is not a region"),
        });
    }
    Ok(region)
}

fn parse_period(text: &str) -> Result<ProgrammePeriod> {
    ProgrammePeriod::parse(text).map_err(rule_error)
}

/// Creates a programme, honouring an idempotency key; answers 201 with the programme.
async fn create(
    state: &AppState,
    caller: &Caller,
    headers: &HeaderMap,
    path: &str,
    body: &[u8],
    new: NewProgramme,
) -> Result<Response> {
    let key = idempotency_key(headers)?.map(|key| IdempotencyKey {
        actor: key_owner(caller),
        key,
        request_sha256: request_hash("POST", path, body),
    });
    let created = state
        .store
        .create_programme(&new, key.as_ref(), &meta(caller, ""))
        .await
        .map_err(store_error)?;
    let mut response = answer(state, caller, created.id(), StatusCode::CREATED).await?;
    if matches!(created, Created::Replayed(_)) {
        response
            .headers_mut()
            .insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    Ok(response)
}

pub(crate) async fn new_programme(
    state: &AppState,
    region: Kato,
    period: ProgrammePeriod,
    title: String,
) -> Result<NewProgramme> {
    Ok(NewProgramme {
        region,
        period,
        title,
        status: Status::Draft,
        data_version: state.store.cached_data_version(),
        methodology_version: riskmap_score::methodology::Methodology::builtin()
            .version
            .clone(),
        amends: None,
        synthetic: !state.store.has_real_data().await?,
        problems: Vec::new(),
        actions: Vec::new(),
        progress: Vec::new(),
    })
}

// POST /api/v1/programmes
#[utoipa::path(post, path = "/api/v1/programmes", tag = "programmes",
    security(("bearer" = [])),
    request_body = NewProgrammeBody,
    params(("Idempotency-Key" = Option<String>, Header, description = "Repeating a create with the same key returns the same programme")),
    responses((status = 201, description = "The new draft (ETag: its version)", body = ProgrammeBody),
        (status = 400, description = "Malformed body", body = super::openapi::ErrorBody),
        (status = 401, description = "A bearer token is required", body = super::openapi::ErrorBody),
        (status = 403, description = "Only the region's akimat drafts its programmes", body = super::openapi::ErrorBody),
        (status = 422, description = "Idempotency-Key reused with another request", body = super::openapi::ErrorBody)))]
pub(crate) async fn create_programme(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response> {
    let request: NewProgrammeBody = parse_json(&body)?;
    let region = parse_region(&state, &request.region)?;
    let period = parse_period(&request.period)?;
    check_text("title", &request.title, true).map_err(rule_error)?;
    workflow::authorize_create(&actor_of(&caller.audience), &region).map_err(rule_error)?;
    let new = new_programme(&state, region, period, request.title).await?;
    create(&state, &caller, &headers, "/api/v1/programmes", &body, new).await
}

// GET /api/v1/programmes
#[utoipa::path(get, path = "/api/v1/programmes", tag = "programmes",
    security(("bearer" = [])),
    params(
        ("region" = Option<String>, Query, description = "Only this region", example = "750000000"),
        ("status" = Option<String>, Query, description = "Only this status", example = "approved"),
    ),
    responses((status = 200, description = "Programmes the caller may read", body = ProgrammeList),
        (status = 400, description = "Malformed query", body = super::openapi::ErrorBody),
        (status = 401, description = "A bearer token is required", body = super::openapi::ErrorBody),
        (status = 403, description = "The role reads no programmes", body = super::openapi::ErrorBody)))]
pub(crate) async fn list_programmes(
    State(state): State<AppState>,
    caller: Caller,
    query: RawQuery,
) -> Result<Response> {
    let actor = actor_of(&caller.audience);
    refuse_non_readers(&actor)?;
    let (taken, rest) = take(query, &["region", "status"])?;
    parse_query(rest, &[])?;
    let region = taken
        .get("region")
        .map(|r| parse_region(&state, r))
        .transpose()?;
    let status = taken
        .get("status")
        .map(|s| Status::parse(s))
        .transpose()
        .map_err(rule_error)?;
    let stored = state
        .store
        .programmes(&ProgrammeFilter { region, status })
        .await?;
    let programmes = stored
        .iter()
        .filter(|p| actor.may_read(&p.programme.region))
        .map(line)
        .collect();
    let mut response = axum::Json(ProgrammeList { programmes }).into_response();
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    Ok(response)
}

/// 403 for the roles that read no programme at all (public, steward).
pub(crate) fn refuse_non_readers(actor: &Actor) -> Result<()> {
    use riskmap_model::Role;
    if matches!(actor.role, Role::Public | Role::Steward) {
        return Err(Error::Forbidden {
            code: "no_programme_access",
            message: format!("the {} role has no access to programmes", actor.role),
        });
    }
    Ok(())
}

// GET /api/v1/programmes/{id}
#[utoipa::path(get, path = "/api/v1/programmes/{id}", tag = "programmes",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Programme id", example = 1)),
    responses((status = 200, description = "The programme (ETag: its version)", body = ProgrammeBody),
        (status = 401, description = "A bearer token is required", body = super::openapi::ErrorBody),
        (status = 400, description = "Malformed request", body = super::openapi::ErrorBody),
        (status = 403, description = "Outside the caller's scope", body = super::openapi::ErrorBody),
        (status = 404, description = "No such programme", body = super::openapi::ErrorBody)))]
pub(crate) async fn get_programme(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response> {
    let id = super::programme_wire::path_id(&id)?;
    answer(&state, &caller, id, StatusCode::OK).await
}

/// Body of `POST /api/v1/programmes/{id}/problems`: a district or a school.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewProblemBody {
    /// District KATO (from a unit panel or a hotspot).
    unit: Option<String>,
    /// School NOBD id (from a priority-list row).
    school: Option<String>,
    /// The data quarter of the snapshot; default the latest.
    period: Option<String>,
}

// POST /api/v1/programmes/{id}/problems
#[utoipa::path(post, path = "/api/v1/programmes/{id}/problems", tag = "programmes",
    security(("bearer" = [])),
    request_body = NewProblemBody,
    params(("id" = i64, Path, description = "Programme id", example = 1), ("If-Match" = String, Header, description = "The programme's ETag")),
    responses((status = 201, description = "The programme with the new problem and its snapshot of what the caller's map shows", body = ProgrammeBody),
        (status = 400, description = "Malformed body", body = super::openapi::ErrorBody),
        (status = 403, description = "Outside the caller's scope", body = super::openapi::ErrorBody),
        (status = 404, description = "No such programme or unit", body = super::openapi::ErrorBody),
        (status = 409, description = "The programme is locked", body = super::openapi::ErrorBody),
        (status = 412, description = "Stale If-Match", body = super::openapi::ErrorBody),
        (status = 428, description = "If-Match missing", body = super::openapi::ErrorBody)))]
pub(crate) async fn add_problem(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response> {
    let id = super::programme_wire::path_id(&id)?;
    let (mut stored, actor, expected) = writable(&state, &caller, &headers, id).await?;
    let request: NewProblemBody = parse_json(&body)?;
    let requested = request
        .period
        .as_deref()
        .map(Period::parse)
        .transpose()
        .map_err(|e| Error::BadRequest {
            code: "bad_period",
            message: e.to_string(),
        })?;
    let period = super::periods::choose_period(&state, requested)
        .await?
        .required()?;
    let (unit, snapshot) = match (request.unit, request.school) {
        (Some(unit), None) => {
            let district = Kato::parse(&unit).map_err(|e| Error::BadRequest {
                code: "bad_kato",
                message: e.to_string(),
            })?;
            crate::view::programme::district_problem(&state, &caller.audience, district, period)
                .await?
        }
        (None, Some(school)) => school_snapshot(&state, &caller, &school, period).await?,
        _ => {
            return Err(Error::BadRequest {
                code: "bad_body",
                message: "give exactly one of unit (district KATO) or school (NOBD id)".to_owned(),
            });
        }
    };
    let problem = Problem {
        id: next_id(&stored.programme),
        unit,
        snapshot,
    };
    workflow::add_problem(&mut stored.programme, &actor, problem.clone()).map_err(rule_error)?;
    commit(
        &state,
        &caller,
        (id, expected),
        &Change::AddProblem(&problem),
        "",
        StatusCode::CREATED,
    )
    .await
}

/// The snapshot of a school from the priority view of its district for the caller.
async fn school_snapshot(
    state: &AppState,
    caller: &Caller,
    school: &str,
    period: Period,
) -> Result<(riskmap_programme::ProblemUnit, riskmap_programme::Snapshot)> {
    let schools = crate::view::schools::schools(state).await?;
    let found = schools
        .iter()
        .find(|s| s.id.as_str() == school)
        .ok_or_else(|| Error::NotFound {
            code: "unknown_school",
            message: format!("no school {school}"),
        })?;
    if !caller.audience.may_see_schools_of(&found.district) {
        return Err(Error::Forbidden {
            code: "out_of_scope",
            message: format!("your role may not see the schools of {}", found.district),
        });
    }
    let list =
        crate::view::priority::priority(state, &caller.audience, found.district, period).await?;
    let row = list
        .rows
        .iter()
        .find(|r| r.school.id == found.id)
        .ok_or_else(|| Error::NotFound {
            code: "unknown_school",
            message: format!("school {school} has no priority row at {period}"),
        })?;
    Ok(crate::view::programme::school_problem(
        state,
        &caller.audience,
        row,
        &list.model_version,
    ))
}

// POST /api/v1/programmes/{id}/actions
#[utoipa::path(post, path = "/api/v1/programmes/{id}/actions", tag = "programmes",
    security(("bearer" = [])),
    request_body = inline(Object),
    params(("id" = i64, Path, description = "Programme id", example = 1), ("If-Match" = String, Header, description = "The programme's ETag")),
    responses((status = 201, description = "The programme with the new action", body = ProgrammeBody),
        (status = 400, description = "A field is invalid (named in the message)", body = super::openapi::ErrorBody),
        (status = 404, description = "No such programme or action (or an id that is not a positive integer)", body = super::openapi::ErrorBody),
        (status = 403, description = "Outside the caller's scope", body = super::openapi::ErrorBody),
        (status = 409, description = "The programme is locked", body = super::openapi::ErrorBody),
        (status = 412, description = "Stale If-Match", body = super::openapi::ErrorBody),
        (status = 428, description = "If-Match missing", body = super::openapi::ErrorBody)))]
pub(crate) async fn add_action(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response> {
    let id = super::programme_wire::path_id(&id)?;
    let (mut stored, actor, expected) = writable(&state, &caller, &headers, id).await?;
    let fields: ActionFields = parse_json(&body)?;
    let action = Action {
        id: next_id(&stored.programme),
        fields,
    };
    workflow::add_action(
        &mut stored.programme,
        &actor,
        catalogue(&state)?,
        action.clone(),
    )
    .map_err(rule_error)?;
    commit(
        &state,
        &caller,
        (id, expected),
        &Change::AddAction(&action),
        "",
        StatusCode::CREATED,
    )
    .await
}

// PATCH /api/v1/programmes/{id}/actions/{action_id}
#[utoipa::path(patch, path = "/api/v1/programmes/{id}/actions/{action_id}", tag = "programmes",
    security(("bearer" = [])),
    request_body(content = inline(Object), content_type = "application/merge-patch+json", description = "JSON merge patch (RFC 7396) of the action's fields"),
    params(("id" = i64, Path, description = "Programme id", example = 1), ("action_id" = i64, Path, description = "Action id", example = 2), ("If-Match" = String, Header, description = "The programme's ETag")),
    responses((status = 200, description = "The programme with the changed action", body = ProgrammeBody),
        (status = 400, description = "A field is invalid (named in the message)", body = super::openapi::ErrorBody),
        (status = 403, description = "Outside the caller's scope", body = super::openapi::ErrorBody),
        (status = 404, description = "No such action", body = super::openapi::ErrorBody),
        (status = 409, description = "The programme is locked", body = super::openapi::ErrorBody),
        (status = 412, description = "Stale If-Match", body = super::openapi::ErrorBody),
        (status = 428, description = "If-Match missing", body = super::openapi::ErrorBody)))]
pub(crate) async fn patch_action(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, action_id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response> {
    let (id, action_id) = (
        super::programme_wire::path_id(&id)?,
        super::programme_wire::path_id(&action_id)?,
    );
    let (mut stored, actor, expected) = writable(&state, &caller, &headers, id).await?;
    let patch: serde_json::Value = parse_json(&body)?;
    let before = stored
        .programme
        .action(action_id)
        .map_err(rule_error)?
        .clone();
    workflow::patch_action(
        &mut stored.programme,
        &actor,
        catalogue(&state)?,
        action_id,
        &patch,
    )
    .map_err(rule_error)?;
    let after = stored
        .programme
        .action(action_id)
        .map_err(rule_error)?
        .clone();
    commit(
        &state,
        &caller,
        (id, expected),
        &Change::UpdateAction {
            before: &before,
            after: &after,
        },
        "",
        StatusCode::OK,
    )
    .await
}

/// Body of a progress report.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ProgressInput {
    /// The quarter reported on (`2025-Q1`).
    quarter: String,
    /// `not_started`, `on_track`, `delayed`, `done` or `cancelled`.
    status: String,
    /// Percent done, 0 to 100.
    percent: u8,
    /// Comment.
    #[serde(default)]
    comment: String,
}

// POST /api/v1/programmes/{id}/actions/{action_id}/progress
#[utoipa::path(post, path = "/api/v1/programmes/{id}/actions/{action_id}/progress", tag = "programmes",
    security(("bearer" = [])),
    request_body = ProgressInput,
    params(("id" = i64, Path, description = "Programme id", example = 1), ("action_id" = i64, Path, description = "Action id", example = 2), ("If-Match" = String, Header, description = "The programme's ETag")),
    responses((status = 201, description = "The programme with the report (due on the 10th of the month after the quarter)", body = ProgrammeBody),
        (status = 400, description = "A field is invalid", body = super::openapi::ErrorBody),
        (status = 403, description = "Outside the caller's scope", body = super::openapi::ErrorBody),
        (status = 404, description = "No such action", body = super::openapi::ErrorBody),
        (status = 409, description = "The programme is not in force", body = super::openapi::ErrorBody),
        (status = 412, description = "Stale If-Match", body = super::openapi::ErrorBody),
        (status = 428, description = "If-Match missing", body = super::openapi::ErrorBody)))]
pub(crate) async fn report_progress(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, action_id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response> {
    let (id, action_id) = (
        super::programme_wire::path_id(&id)?,
        super::programme_wire::path_id(&action_id)?,
    );
    let (mut stored, actor, expected) = writable(&state, &caller, &headers, id).await?;
    let input: ProgressInput = parse_json(&body)?;
    let report = ProgressReport {
        id: next_id(&stored.programme),
        action_id,
        quarter: Period::parse(&input.quarter).map_err(|e| Error::BadRequest {
            code: "bad_period",
            message: e.to_string(),
        })?,
        status: ProgressStatus::parse(&input.status).map_err(rule_error)?,
        percent: input.percent,
        comment: input.comment,
        submitted_on: today(),
    };
    let before = stored
        .programme
        .progress
        .iter()
        .find(|r| r.action_id == action_id && r.quarter == report.quarter)
        .cloned();
    workflow::report_progress(&mut stored.programme, &actor, report.clone()).map_err(rule_error)?;
    commit(
        &state,
        &caller,
        (id, expected),
        &Change::Progress {
            before: before.as_ref(),
            after: &report,
        },
        "",
        StatusCode::CREATED,
    )
    .await
}

/// Body of a transition.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct TransitionBody {
    /// `approved`, `acknowledged`, `returned` or `closed`.
    to: String,
    /// Comment (required when returning).
    #[serde(default)]
    comment: String,
}

// POST /api/v1/programmes/{id}/transitions
#[utoipa::path(post, path = "/api/v1/programmes/{id}/transitions", tag = "programmes",
    security(("bearer" = [])),
    request_body = TransitionBody,
    params(("id" = i64, Path, description = "Programme id", example = 1), ("If-Match" = String, Header, description = "The programme's ETag")),
    responses((status = 200, description = "The programme in its new status", body = ProgrammeBody),
        (status = 400, description = "Unknown status or missing comment", body = super::openapi::ErrorBody),
        (status = 404, description = "No such programme or action (or an id that is not a positive integer)", body = super::openapi::ErrorBody),
        (status = 403, description = "Outside the caller's scope", body = super::openapi::ErrorBody),
        (status = 409, description = "Not allowed now; `allowed` lists what is", body = super::openapi::ErrorBody),
        (status = 412, description = "Stale If-Match", body = super::openapi::ErrorBody),
        (status = 428, description = "If-Match missing", body = super::openapi::ErrorBody)))]
pub(crate) async fn transition(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response> {
    let id = super::programme_wire::path_id(&id)?;
    let (mut stored, actor, expected) = writable(&state, &caller, &headers, id).await?;
    let request: TransitionBody = parse_json(&body)?;
    let to = Status::parse(&request.to).map_err(rule_error)?;
    let done = workflow::transition(&mut stored.programme, &actor, to, &request.comment, today())
        .map_err(rule_error)?;
    let change = Change::Transition {
        from: done.from,
        to: done.to,
        supersedes: done.supersedes,
    };
    commit(
        &state,
        &caller,
        (id, expected),
        &change,
        &request.comment,
        StatusCode::OK,
    )
    .await
}

// POST /api/v1/programmes/{id}/amendments
#[utoipa::path(post, path = "/api/v1/programmes/{id}/amendments", tag = "programmes",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The approved programme", example = 1), ("If-Match" = String, Header, description = "The approved programme's ETag"),
        ("Idempotency-Key" = Option<String>, Header, description = "Repeating with the same key returns the same amendment")),
    responses((status = 201, description = "The amendment: a draft copy beside the approved programme, which it supersedes when approved", body = ProgrammeBody),
        (status = 404, description = "No such programme or action (or an id that is not a positive integer)", body = super::openapi::ErrorBody),
        (status = 400, description = "Malformed request", body = super::openapi::ErrorBody),
        (status = 403, description = "Only the region's akimat amends", body = super::openapi::ErrorBody),
        (status = 409, description = "Not approved, or an amendment is already in draft", body = super::openapi::ErrorBody),
        (status = 412, description = "Stale If-Match", body = super::openapi::ErrorBody),
        (status = 428, description = "If-Match missing", body = super::openapi::ErrorBody)))]
pub(crate) async fn amend(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response> {
    let id = super::programme_wire::path_id(&id)?;
    let (stored, actor, _) = writable(&state, &caller, &headers, id).await?;
    let draft = workflow::amend(&stored.programme, &actor, 0).map_err(rule_error)?;
    let new = NewProgramme {
        region: draft.region,
        period: draft.period,
        title: draft.title,
        status: Status::Draft,
        data_version: draft.data_version,
        methodology_version: draft.methodology_version,
        amends: Some(id),
        synthetic: stored.synthetic,
        problems: draft.problems,
        actions: draft.actions,
        progress: Vec::new(),
    };
    create(
        &state,
        &caller,
        &headers,
        &format!("/api/v1/programmes/{id}/amendments"),
        &[],
        new,
    )
    .await
}

/// The quarter (`period`) and programme period of a draft from the query.
struct DraftQuery {
    region: Kato,
    period: ProgrammePeriod,
    limit: usize,
}

fn draft_query(state: &AppState, query: RawQuery) -> Result<DraftQuery> {
    let (taken, rest) = take(query, &["region", "period", "limit"])?;
    parse_query(rest, &[])?;
    let region = taken.get("region").ok_or_else(|| Error::BadRequest {
        code: "bad_query",
        message: "region (a region KATO) is required".to_owned(),
    })?;
    let region = parse_region(state, region)?;
    let period = match taken.get("period") {
        Some(text) => parse_period(text)?,
        None => ProgrammePeriod::Year(u16::try_from(today().year()).unwrap_or(2025)),
    };
    let limit = match taken.get("limit") {
        None => 50,
        Some(text) => text
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=300).contains(n))
            .ok_or_else(|| Error::BadRequest {
                code: "bad_query",
                message: format!("limit must be 1 to 300, got {text:?}"),
            })?,
    };
    Ok(DraftQuery {
        region,
        period,
        limit,
    })
}

// POST /api/v1/programmes/draft
#[utoipa::path(post, path = "/api/v1/programmes/draft", tag = "programmes",
    security(("bearer" = [])),
    params(
        ("region" = String, Query, description = "Region KATO", example = "750000000"),
        ("period" = Option<String>, Query, description = "Programme period (`2025`, `2025-H1`); default the current year"),
        ("limit" = Option<usize>, Query, description = "At most this many problems (1 to 300, default 50)"),
        ("Idempotency-Key" = Option<String>, Header, description = "Repeating with the same key returns the same draft"),
    ),
    responses((status = 201, description = "A draft from the current priority list: units with fired triggers in rank order, actions suggested by trigger from the catalogue", body = ProgrammeBody),
        (status = 400, description = "Malformed query", body = super::openapi::ErrorBody),
        (status = 403, description = "Only the region's akimat drafts its programmes", body = super::openapi::ErrorBody),
        (status = 404, description = "No data yet", body = super::openapi::ErrorBody)))]
pub(crate) async fn draft_programme(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    query: RawQuery,
    uri: axum::http::Uri,
) -> Result<Response> {
    let q = draft_query(&state, query)?;
    workflow::authorize_create(&actor_of(&caller.audience), &q.region).map_err(rule_error)?;
    let quarter = super::periods::choose_period(&state, None)
        .await?
        .required()?;
    let list = crate::view::priority::priority(&state, &caller.audience, q.region, quarter).await?;
    let region_name = state
        .geography
        .region(&q.region)
        .map(|r| r.names.ru.clone())
        .unwrap_or_default();
    let title = format!(
        "Программа кризисного управления: {region_name}, {}",
        period_words_ru(q.period)
    );
    let mut new = new_programme(&state, q.region, q.period, title).await?;
    let catalogue = catalogue(&state)?;
    for row in list
        .rows
        .iter()
        .filter(|r| !r.triggers.is_empty())
        .take(q.limit)
    {
        let (unit, snapshot) = crate::view::programme::school_problem(
            &state,
            &caller.audience,
            row,
            &list.model_version,
        );
        let problem = Problem {
            id: next_in(&new),
            unit,
            snapshot,
        };
        let kinds = suggested(catalogue, &problem.snapshot.triggers);
        let problem_id = problem.id;
        new.problems.push(problem);
        for kind in kinds {
            let action = Action {
                id: next_in(&new),
                fields: suggestion(kind, problem_id, q.period),
            };
            new.actions.push(action);
        }
    }
    let path = uri
        .path_and_query()
        .map_or_else(|| uri.path().to_owned(), |p| p.as_str().to_owned());
    create(&state, &caller, &headers, &path, &[], new).await
}

/// The period in Russian words for a drafted title: `2025`, `1-е полугодие 2025`.
pub(crate) fn period_words_ru(period: ProgrammePeriod) -> String {
    use riskmap_programme::period::Half;
    match period {
        ProgrammePeriod::Year(year) => year.to_string(),
        ProgrammePeriod::Half(year, Half::H1) => format!("1-е полугодие {year}"),
        ProgrammePeriod::Half(year, Half::H2) => format!("2-е полугодие {year}"),
    }
}

pub(crate) fn next_in(new: &NewProgramme) -> i64 {
    let problems = new.problems.iter().map(|p| p.id);
    problems
        .chain(new.actions.iter().map(|a| a.id))
        .max()
        .unwrap_or(0)
        + 1
}

/// At most two action types answering the triggers, in trigger order then catalogue order.
pub(crate) fn suggested<'a>(
    catalogue: &'a Catalogue,
    triggers: &[String],
) -> Vec<&'a riskmap_programme::ActionType> {
    let mut out: Vec<&riskmap_programme::ActionType> = Vec::new();
    for trigger in triggers {
        for kind in catalogue
            .actions
            .iter()
            .filter(|a| a.answers.contains(trigger))
        {
            if out.len() < 2 && !out.iter().any(|o| o.code == kind.code) {
                out.push(kind);
            }
        }
    }
    out
}

/// A suggested action: the type's indicator and the plan's −5 %, over the programme's period;
/// the akimat fills in the organisation, person, contact, budget and funding.
pub(crate) fn suggestion(
    kind: &riskmap_programme::ActionType,
    problem: i64,
    period: ProgrammePeriod,
) -> ActionFields {
    ActionFields {
        action_type: kind.code.clone(),
        problems: vec![problem],
        organisation: String::new(),
        responsible: String::new(),
        contact: String::new(),
        start: format_date(period.start()),
        due: format_date(period.end()),
        budget_tenge: 0,
        funding_source: String::new(),
        indicator: kind.moves.clone(),
        expected_change_percent: -5.0,
    }
}
