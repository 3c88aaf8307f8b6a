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

// GET /readyz: ready when the caches of a data version are warm and the store answers.
#[utoipa::path(get, path = "/readyz", tag = "service",
    responses((status = 200, description = "Ready: a data version is warm and the store answers", body = Object), (status = 503, description = "Warming up, or the store does not answer", body = Object)))]
pub(crate) async fn readyz(State(state): State<AppState>) -> axum::response::Response {
    use axum::response::IntoResponse;
    if state.served_version().is_none() {
        return (
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            Json(serde_json::json!({ "status": "warming" })),
        )
            .into_response();
    }
    match state.store.data_version().await {
        Ok(version) => {
            Json(serde_json::json!({ "status": "ready", "data_version": version })).into_response()
        }
        Err(error) => {
            tracing::warn!(%error, "not ready");
            (
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                Json(serde_json::json!({ "status": "unavailable" })),
            )
                .into_response()
        }
    }
}

// GET /metrics: Prometheus text format.
pub(crate) async fn metrics(State(state): State<AppState>) -> impl axum::response::IntoResponse {
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4",
        )],
        state.metrics.render(),
    )
}

/// Middleware: counts every request and its latency under its matched route pattern.
pub(crate) async fn track(
    State(state): State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let route = request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let started = std::time::Instant::now();
    let response = next.run(request).await;
    state.metrics.observe(
        &route,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}
