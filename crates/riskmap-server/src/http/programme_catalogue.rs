//! `GET /api/v1/programmes/catalogue`: the action types of `data/actions.toml` (kk/ru/en
//! names, the plan measures each serves, the priority-list triggers it answers, the indicator
//! it moves), so that the page offers actions from the catalogue and suggests them by trigger.

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use super::programme_wire::actor_of;
use super::programmes::{catalogue, refuse_non_readers};
use super::{Caller, Result};
use crate::AppState;

/// The action catalogue.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ActionCatalogue {
    /// Catalogue version.
    version: String,
    /// Action types, in catalogue order.
    actions: Vec<ActionTypeBody>,
}

/// One action type.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ActionTypeBody {
    /// Code (`action_type` of an action).
    code: String,
    /// Name (Kazakh).
    name_kk: String,
    /// Name (Russian).
    name_ru: String,
    /// Name (English).
    name_en: String,
    /// Plan measures and expected results served.
    serves: Vec<String>,
    /// Priority-list triggers it answers.
    answers: Vec<String>,
    /// Indicator it is expected to move.
    moves: String,
}

// GET /api/v1/programmes/catalogue
#[utoipa::path(get, path = "/api/v1/programmes/catalogue", tag = "programmes",
    security(("bearer" = [])),
    responses((status = 200, description = "The action types a programme's actions are chosen from", body = ActionCatalogue),
        (status = 401, description = "A bearer token is required", body = super::openapi::ErrorBody),
        (status = 403, description = "The role reads no programmes", body = super::openapi::ErrorBody)))]
pub(crate) async fn get_catalogue(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Response> {
    refuse_non_readers(&actor_of(&caller.audience))?;
    let source = catalogue(&state)?;
    let body = ActionCatalogue {
        version: source.version.clone(),
        actions: source
            .actions
            .iter()
            .map(|a| ActionTypeBody {
                code: a.code.clone(),
                name_kk: a.name.kk.clone(),
                name_ru: a.name.ru.clone(),
                name_en: a.name.en.clone(),
                serves: a.serves.clone(),
                answers: a.answers.clone(),
                moves: a.moves.clone(),
            })
            .collect(),
    };
    let mut response = axum::Json(body).into_response();
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=3600"),
    );
    Ok(response)
}
