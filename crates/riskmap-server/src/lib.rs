//! riskmap's HTTP service, and the only crate that knows HTTP.
//!
//! Entry point: [`app`] builds the axum `Router` from an [`AppState`]; tests call it with
//! `tower::ServiceExt::oneshot`, the CLI serves it on a socket.
//!
//! Invariants: every number that reaches a response has passed through
//! `riskmap_model::SuppressionPolicy` (the wire types accept only `Disclosed` values);
//! geometry is WGS84 (RFC 7946); 4xx errors have the body `{"error": {"code", "message"}}`
//! and 5xx errors never carry internal detail.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

/// The composite risk index of regions and districts, scored once per data version.
pub mod composite;
/// The hotspot overlay: Gi* classes, LISA quadrants and global Moran's I of sibling units.
pub mod hotspots;
/// HTTP routes, handlers, wire types and errors.
pub mod http;
/// Indicator values computed from stored sums and disclosed for one audience.
pub mod indicators;
/// Prometheus metrics.
pub mod metrics;
/// Smoothed values, bands, ranks and percentile flags across sibling units.
pub mod scoring;
/// Shared state of the handlers.
pub mod state;
/// Unit × quarter sums shared per data version.
pub mod sums;
/// Prepared tile layers and the tile cache.
pub mod tiles;
/// Cache warm-up at start.
pub mod warm;

pub use http::app;
pub use state::{AppState, DEFAULT_UPLOAD_LIMIT_BYTES, DemoToken, ServerConfig};

/// Serves the app on `listener` until `shutdown` completes, then drains open requests. The
/// caches the first map needs are warmed in the background meanwhile ([`warm::warm_up`]).
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    tokio::spawn(warm::warm_up(state.clone()));
    axum::serve(listener, app(state))
        .with_graceful_shutdown(shutdown)
        .await
}
