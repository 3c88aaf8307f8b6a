//! riskmap's HTTP service, and the only crate that knows HTTP.
//!
//! Entry point: [`app`] builds the axum `Router` from an [`AppState`]; tests call it with
//! `tower::ServiceExt::oneshot`, the CLI serves it on a socket.
//!
//! Invariants: every number that reaches a response comes from the view layer (`view`), has
//! been published by the view layer's one `Discloser` (the only holder of the disclosure
//! policy; handlers can publish nothing, and the wire types accept only `Disclosed` values),
//! and outside the reader's scope is the published release;
//! geometry is WGS84 (RFC 7946); 4xx errors have the body `{"error": {"code", "message"}}`
//! and 5xx errors never carry internal detail.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

/// The demo's synthetic programmes (`serve --demo`).
pub mod demo_programmes;
/// HTTP routes, handlers, wire types and errors.
pub mod http;
/// Serving on a socket with header-read and request-body timeouts.
pub mod listen;
/// Prometheus metrics.
pub mod metrics;
/// The private spool folder of uploads.
pub mod spool;
/// Shared state of the handlers.
pub mod state;
/// Prepared tile layers and the tile cache.
pub mod tiles;
/// The view layer: the one disclosure path from stored sums to every output.
pub mod view;
/// Keeping the caches warm for every data version.
pub mod warm;
/// The web page and MapLibre embedded at build time.
pub mod web_assets;

pub use http::app;
pub use state::{AppState, DEFAULT_UPLOAD_LIMIT_BYTES, DemoToken, ServerConfig};

/// Serves the app on `listener` until `shutdown` completes, then drains open requests. The
/// caches are kept warm in the background meanwhile ([`warm::keep_warm`]): `/readyz` says
/// ready once the first data version is warm, and each new one is warmed before it is served.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    timeouts: listen::Timeouts,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let warmer = tokio::spawn(warm::keep_warm(state.clone()));
    let served = listen::serve_router(listener, app(state), timeouts, shutdown).await;
    warmer.abort();
    served
}
