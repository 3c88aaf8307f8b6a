//! `GET /healthz` (liveness), `GET /readyz` (readiness), `GET /metrics` and the middleware
//! that counts requests.

use axum::Json;
use axum::extract::State;

use super::Result;
use crate::AppState;

/// `GET /healthz`: the process answers.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub(crate) struct Health {
    /// Always `ok`.
    status: &'static str,
}

/// `GET /readyz`: whether requests can be served.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub(crate) struct Readiness {
    /// `ready`, `warming` (the first data version's caches are being filled) or
    /// `unavailable` (the store does not answer).
    status: &'static str,
    /// The data version requests are answered from (its caches are warm), when ready; after
    /// an ingest it moves on once the new version is warm.
    #[serde(skip_serializing_if = "Option::is_none")]
    data_version: Option<i64>,
}

#[utoipa::path(get, path = "/healthz", tag = "service",
    responses((status = 200, description = "The process is alive (the store is not asked: see /readyz)", body = Health)))]
// GET /healthz: liveness only, so that a probe never restarts a process the store keeps waiting.
pub(crate) async fn healthz() -> Json<Health> {
    Json(Health { status: "ok" })
}

// GET /readyz: ready when the caches of a data version are warm and the store answers.
#[utoipa::path(get, path = "/readyz", tag = "service",
    responses((status = 200, description = "Ready: a data version is warm and the store answers", body = Readiness), (status = 503, description = "Warming up, or the store does not answer", body = Readiness)))]
pub(crate) async fn readyz(State(state): State<AppState>) -> axum::response::Response {
    use axum::response::IntoResponse;
    let unavailable = |status| {
        (
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            Json(Readiness {
                status,
                data_version: None,
            }),
        )
            .into_response()
    };
    let Some(served) = state.served_version() else {
        return unavailable("warming");
    };
    match state.store.data_version().await {
        Ok(_) => Json(Readiness {
            status: "ready",
            data_version: Some(served),
        })
        .into_response(),
        Err(error) => {
            tracing::warn!(%error, "not ready");
            unavailable("unavailable")
        }
    }
}

// GET /metrics: Prometheus text format. On the main listener it needs a steward or ministry
// token (401 without a token, 403 with another role); `serve --metrics-addr` serves it
// without one on a separate, internal address instead.
pub(crate) async fn metrics(
    State(state): State<AppState>,
    caller: super::Caller,
) -> Result<([(axum::http::HeaderName, &'static str); 1], String)> {
    let allowed = matches!(
        caller.role,
        Some(riskmap_model::Role::Steward | riskmap_model::Role::Ministry)
    );
    if !allowed {
        return Err(super::Error::Forbidden {
            code: "metrics_forbidden",
            message: "metrics need a steward or ministry token, or the metrics address".to_owned(),
        });
    }
    Ok(metrics_text(&state))
}

/// The metrics in the Prometheus text format.
fn metrics_text(state: &AppState) -> ([(axum::http::HeaderName, &'static str); 1], String) {
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4",
        )],
        state.metrics.render(),
    )
}

/// The router of the separate metrics address: `/metrics` without a token.
pub fn metrics_app(state: AppState) -> axum::Router {
    axum::Router::new()
        .route(
            "/metrics",
            axum::routing::get(|State(state): State<AppState>| async move { metrics_text(&state) }),
        )
        .with_state(state)
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
