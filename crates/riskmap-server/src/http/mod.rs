//! The router: every route of the service, registered in one place.

mod auth;
mod cached;
mod collection;
mod document_data;
mod error;
mod forecasts;
mod headers;
mod health;
mod hotspots;
mod meta;
mod openapi;
mod periods;
mod plan;
mod preconditions;
mod priority;
mod priority_words;
mod profile;
mod programme_catalogue;
mod programme_document;
mod programme_history;
mod programme_summary;
mod programme_wire;
pub(crate) mod programmes;
mod query;
mod reporting;
mod tiles;
mod unit_query;
mod units;
mod upload;
mod wire;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, patch, post};
use tower::Layer as _;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate as _};
use tower_http::services::{ServeDir, ServeFile};

pub use auth::Caller;
pub(crate) use cached::{BodyKey, CachedBody};
pub use error::{Error, Result};
pub use health::metrics_app;

use crate::AppState;

/// Builds the service: the JSON API under `/api/v1`, health checks, and the web page. JSON and
/// the page's files are gzipped when the client accepts it; tiles are gzipped once when built
/// and served as they are.
pub fn app(state: AppState) -> Router {
    let upload_limit = usize::try_from(state.config.upload_limit_bytes).unwrap_or(usize::MAX);
    let api = Router::new()
        .route("/meta", get(meta::get_meta))
        .route("/demo/tokens", get(meta::demo_tokens))
        .route("/units", get(unit_query::list_units))
        .route("/reporting", get(reporting::get_reporting))
        .route("/units/{kato}/profile", get(profile::get_profile))
        .route("/compare", get(profile::compare))
        .route("/priority", get(priority::get_priority))
        .route("/hotspots", get(hotspots::get_hotspots))
        .route("/forecasts", get(forecasts::get_forecasts))
        .route(
            "/ingest",
            post(upload::post_ingest).layer(DefaultBodyLimit::max(upload_limit)),
        )
        .route(
            "/programmes",
            get(programmes::list_programmes).post(programmes::create_programme),
        )
        .route("/programmes/draft", post(programmes::draft_programme))
        .route("/programmes/summary", get(programme_summary::get_summary))
        .route(
            "/programmes/catalogue",
            get(programme_catalogue::get_catalogue),
        )
        .route("/programmes/{id}", get(programmes::get_programme))
        .route(
            "/programmes/{id}/document",
            get(programme_document::get_document),
        )
        .route("/programmes/{id}/problems", post(programmes::add_problem))
        .route("/programmes/{id}/actions", post(programmes::add_action))
        .route(
            "/programmes/{id}/actions/{action_id}",
            patch(programmes::patch_action),
        )
        .route(
            "/programmes/{id}/actions/{action_id}/progress",
            post(programmes::report_progress),
        )
        .route("/programmes/{id}/transitions", post(programmes::transition))
        .route("/programmes/{id}/amendments", post(programmes::amend))
        .route(
            "/programmes/{id}/history",
            get(programme_history::get_history),
        )
        .route("/regions", get(units::list_regions))
        .route("/regions/{kato}/districts", get(units::list_districts))
        .fallback(error::unknown_route)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            headers::caching_headers,
        ))
        .layer(
            CompressionLayer::new().compress_when(DefaultPredicate::new().and(
                NotForContentType::const_new(
                    // A workbook is a zip already.
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                ),
            )),
        );
    let router = Router::new()
        .merge(utoipa_swagger_ui::SwaggerUi::new("/api/v1/docs").url(
            "/api/v1/openapi.json",
            <openapi::ApiDoc as utoipa::OpenApi>::openapi(),
        ))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(health::metrics))
        .nest("/api/v1", api)
        .merge(
            Router::new()
                .route("/tiles/{file}", get(tiles::get_tilejson))
                .route("/tiles/{layer}/{z}/{x}/{y}", get(tiles::get_tile))
                .layer(axum::middleware::from_fn_with_state(
                    state.clone(),
                    headers::caching_headers,
                )),
        );
    with_page(router, state.config.web_dir.as_deref())
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            health::track,
        ))
        .with_state(state)
}

/// The page: from the web folder when one is given (development), else embedded in the binary.
fn with_page(router: Router<AppState>, web_dir: Option<&std::path::Path>) -> Router<AppState> {
    let Some(web_dir) = web_dir else {
        let page: axum::routing::MethodRouter = get(crate::web_assets::serve_embedded);
        return router.fallback_service(CompressionLayer::new().layer(page));
    };
    router
        .nest_service(
            "/vendor/maplibre-gl",
            CompressionLayer::new()
                .layer(ServeDir::new(web_dir.join("node_modules/maplibre-gl/dist"))),
        )
        .fallback_service(
            CompressionLayer::new().layer(
                ServeDir::new(web_dir)
                    .append_index_html_on_directories(true)
                    .not_found_service(ServeFile::new(web_dir.join("404.html"))),
            ),
        )
}
