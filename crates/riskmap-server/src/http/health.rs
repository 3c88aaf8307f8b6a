//! `GET /healthz`: liveness with the storage backend and data version.

use axum::Json;
use axum::extract::State;

use super::Result;
use crate::AppState;

#[utoipa::path(get, path = "/healthz", tag = "service",
    responses((status = 200, description = "Alive: storage backend and data version", body = Object)))]
// GET /healthz
pub(crate) async fn healthz(State(state): State<AppState>) -> Result<Json<serde_json::Value>> {
    let data_version = state.store.data_version().await?;
    Ok(Json(
        serde_json::json!({ "status": "ok", "backend": state.store.backend().as_str(), "data_version": data_version }),
    ))
}
