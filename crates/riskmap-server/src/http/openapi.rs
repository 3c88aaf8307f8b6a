//! The OpenAPI 3.1 document of the API, generated from the handlers' annotations, served at
//! `/api/v1/openapi.json` with a browsable Swagger UI at `/api/v1/docs/` (bundled, offline).

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};

/// The body of every error response.
#[derive(Debug, serde::Serialize, ToSchema)]
pub(crate) struct ErrorBody {
    /// `{"code": "bad_kato", "message": "..."}`
    pub(crate) error: ErrorDetail,
    /// For a refused workflow transition (409): the statuses the caller may move the
    /// programme to now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) allowed: Option<Vec<String>>,
}

/// Code and message of an error.
#[derive(Debug, serde::Serialize, ToSchema)]
pub(crate) struct ErrorDetail {
    /// Stable machine code, e.g. `bad_kato`, `unknown_region`, `unauthenticated`.
    pub(crate) code: String,
    /// Human-readable message.
    pub(crate) message: String,
}

/// The document.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "riskmap API",
        description = "Interactive regional risk map for child protection in Kazakhstan (Resolution 748, measure 1). Every number has passed disclosure control for the caller's role: `c` suppressed, `u` unstable, `:` not available, `z` not applicable, `b` band.",
        version = "1"
    ),
    paths(
        super::health::healthz,
        super::health::readyz,
        super::meta::get_meta,
        super::meta::demo_tokens,
        super::units::list_regions,
        super::units::list_districts,
        super::unit_query::list_units,
        super::reporting::get_reporting,
        super::profile::get_profile,
        super::profile::compare,
        super::priority::get_priority,
        super::hotspots::get_hotspots,
        super::forecasts::get_forecasts,
        super::upload::post_ingest,
        super::tiles::get_tile,
        super::tiles::get_tilejson,
        super::programmes::create_programme,
        super::programmes::list_programmes,
        super::programmes::get_programme,
        super::programme_document::get_document,
        super::programmes::add_problem,
        super::programmes::add_action,
        super::programmes::patch_action,
        super::programmes::report_progress,
        super::programmes::transition,
        super::programmes::amend,
        super::programmes::draft_programme,
        super::programme_history::get_history,
        super::programme_summary::get_summary,
        super::programme_catalogue::get_catalogue,
    ),
    components(schemas(ErrorBody, ErrorDetail, super::health::Health, super::health::Readiness, super::upload::IngestReport, super::upload::FileFindings)),
    modifiers(&BearerAuth),
    tags(
        (name = "units", description = "Regions, districts and schools as GeoJSON with disclosed indicators"),
        (name = "catalogue", description = "Indicators, periods, attribution"),
        (name = "priority", description = "Crisis teams' priority list of schools and its exports"),
        (name = "reporting", description = "Who submitted each quarter, on time or late, and who is silent"),
        (name = "tiles", description = "Mapbox Vector Tiles and TileJSON 3.0 with the caller's disclosed values"),
        (name = "ingest", description = "The steward's upload of NOBD and legal-statistics files"),
        (name = "service", description = "Health"),
        (name = "programmes", description = "Crisis-management programmes (measure 2): drafts, problems with frozen snapshots, actions, progress, workflow, documents"),
    )
)]
pub(crate) struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("Token from `riskmap token create`"))
                    .build(),
            ),
        );
    }
}
