//! `GET /api/v1/programmes/{id}/history`: every change and transition of a programme (who,
//! when, what, before/after of action fields and statuses) and, for an amendment, what differs
//! from the programme it amends. Problem snapshots are not repeated here: they hold frozen
//! values that reach a reader only through the programme answer's disclosure.

use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use riskmap_programme::Programme;
use serde::Serialize;
use utoipa::ToSchema;

use super::programme_wire::actor_of;
use super::programmes::readable;
use super::{Caller, Result};
use crate::AppState;

/// One event.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct HistoryEvent {
    /// Version after the event.
    version: i64,
    /// When (RFC 3339).
    at: String,
    /// Role.
    role: String,
    /// `created`, `problem_added`, `action_added`, `action_changed`, `progress`, `transition`,
    /// `superseded`.
    kind: String,
    /// Comment.
    comment: String,
    /// Fields that changed (action changes).
    changed: Vec<String>,
    /// Before (action fields, progress or status; not for problems).
    before: Option<serde_json::Value>,
    /// After (idem).
    after: Option<serde_json::Value>,
}

/// Differences of an amendment from the programme it amends.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct AmendmentDiff {
    /// The amended programme.
    amends: i64,
    /// Problems added (ids).
    problems_added: Vec<i64>,
    /// Problems removed (ids).
    problems_removed: Vec<i64>,
    /// Actions added (ids).
    actions_added: Vec<i64>,
    /// Actions removed (ids).
    actions_removed: Vec<i64>,
    /// Actions changed: id and changed field names.
    actions_changed: Vec<(i64, Vec<String>)>,
}

/// The history.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct History {
    /// Programme id.
    id: i64,
    /// Events, oldest first.
    events: Vec<HistoryEvent>,
    /// For an amendment: its differences.
    diff: Option<AmendmentDiff>,
}

// GET /api/v1/programmes/{id}/history
#[utoipa::path(get, path = "/api/v1/programmes/{id}/history", tag = "programmes",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Programme id", example = 1)),
    responses((status = 200, description = "Events and, for an amendment, the differences", body = History),
        (status = 400, description = "Malformed request", body = super::openapi::ErrorBody),
        (status = 403, description = "Outside the caller's scope", body = super::openapi::ErrorBody),
        (status = 404, description = "No such programme", body = super::openapi::ErrorBody)))]
pub(crate) async fn get_history(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response> {
    let id = super::programme_wire::path_id(&id)?;
    let actor = actor_of(&caller.audience);
    let stored = readable(&state, &actor, id).await?;
    let events = state
        .store
        .programme_events(id)
        .await?
        .into_iter()
        .map(event)
        .collect();
    let diff = match stored.programme.amends {
        Some(original) => state
            .store
            .programme(original)
            .await?
            .map(|o| diff(&o.programme, &stored.programme)),
        None => None,
    };
    let mut response = axum::Json(History { id, events, diff }).into_response();
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    Ok(response)
}

fn parse(text: Option<String>) -> Option<serde_json::Value> {
    text.map(|t| serde_json::from_str(&t).unwrap_or(serde_json::Value::String(t)))
}

fn event(e: riskmap_store::ProgrammeEvent) -> HistoryEvent {
    let problem = e.kind == "problem_added";
    let before = if problem { None } else { parse(e.before) };
    let after = if problem { None } else { parse(e.after) };
    let changed = match (&before, &after) {
        (Some(b), Some(a)) if e.kind == "action_changed" => {
            changed_fields(&b["fields"], &a["fields"])
        }
        _ => Vec::new(),
    };
    HistoryEvent {
        version: e.version,
        at: e
            .at
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default(),
        role: e.role,
        kind: e.kind,
        comment: e.comment,
        changed,
        before,
        after,
    }
}

fn changed_fields(before: &serde_json::Value, after: &serde_json::Value) -> Vec<String> {
    let (Some(b), Some(a)) = (before.as_object(), after.as_object()) else {
        return Vec::new();
    };
    a.iter()
        .filter(|(k, v)| b.get(*k) != Some(*v))
        .map(|(k, _)| k.clone())
        .collect()
}

fn diff(original: &Programme, amendment: &Programme) -> AmendmentDiff {
    let ids = |p: &Programme| p.problems.iter().map(|x| x.id).collect::<Vec<_>>();
    let (old_p, new_p) = (ids(original), ids(amendment));
    let actions_changed = amendment
        .actions
        .iter()
        .filter_map(|a| {
            let before = original.actions.iter().find(|o| o.id == a.id)?;
            let fields = changed_fields(
                &serde_json::to_value(&before.fields).ok()?,
                &serde_json::to_value(&a.fields).ok()?,
            );
            (!fields.is_empty()).then_some((a.id, fields))
        })
        .collect();
    let action_ids = |p: &Programme| p.actions.iter().map(|x| x.id).collect::<Vec<_>>();
    let (old_a, new_a) = (action_ids(original), action_ids(amendment));
    AmendmentDiff {
        amends: original.id,
        problems_added: new_p
            .iter()
            .filter(|i| !old_p.contains(i))
            .copied()
            .collect(),
        problems_removed: old_p
            .iter()
            .filter(|i| !new_p.contains(i))
            .copied()
            .collect(),
        actions_added: new_a
            .iter()
            .filter(|i| !old_a.contains(i))
            .copied()
            .collect(),
        actions_removed: old_a
            .iter()
            .filter(|i| !new_a.contains(i))
            .copied()
            .collect(),
        actions_changed,
    }
}
