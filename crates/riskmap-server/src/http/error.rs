//! The service's one error type and its mapping to HTTP responses.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// Everything a handler can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The request is malformed (bad KATO code, bad period, unknown indicator).
    #[error("{message}")]
    BadRequest {
        /// Stable machine code, e.g. `bad_kato`.
        code: &'static str,
        /// Human message.
        message: String,
    },
    /// The request is well-formed but names nothing that exists.
    #[error("{message}")]
    NotFound {
        /// Stable machine code.
        code: &'static str,
        /// Human message.
        message: String,
    },
    /// No valid credentials (401).
    #[error("{message}")]
    Unauthenticated {
        /// Why.
        message: String,
    },
    /// Valid credentials without the right to this resource (403).
    #[error("{message}")]
    Forbidden {
        /// Stable machine code.
        code: &'static str,
        /// Human message.
        message: String,
    },
    /// The request conflicts with the state of the service (409).
    #[error("{message}")]
    Conflict {
        /// Stable machine code.
        code: &'static str,
        /// Human message.
        message: String,
    },
    /// A workflow transition that is not allowed now (409), with the ones that are.
    #[error("{message}")]
    Transition {
        /// Human message.
        message: String,
        /// The statuses the caller may move the programme to now.
        allowed: Vec<String>,
    },
    /// `If-Match` names a version that is no longer current (412).
    #[error("{message}")]
    PreconditionFailed {
        /// Human message.
        message: String,
    },
    /// A write without `If-Match` (428).
    #[error("{message}")]
    PreconditionRequired {
        /// Human message.
        message: String,
    },
    /// Well-formed but not acceptable (422): an idempotency key reused with another request.
    #[error("{message}")]
    Unprocessable {
        /// Stable machine code.
        code: &'static str,
        /// Human message.
        message: String,
    },
    /// The request body is larger than the service accepts (413).
    #[error("{message}")]
    TooLarge {
        /// Human message.
        message: String,
    },
    /// Something inside the service failed (a task, an encoder).
    #[error("internal failure: {message}")]
    Internal {
        /// What failed (logged, never sent).
        message: String,
    },
    /// The store failed.
    #[error("storage failure")]
    Store(#[from] riskmap_store::Error),
}

/// Result of a handler.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    fn status(&self) -> StatusCode {
        match self {
            Error::BadRequest { .. } => StatusCode::BAD_REQUEST,
            Error::NotFound { .. } => StatusCode::NOT_FOUND,
            Error::Unauthenticated { .. } => StatusCode::UNAUTHORIZED,
            Error::Forbidden { .. } => StatusCode::FORBIDDEN,
            Error::Conflict { .. } | Error::Transition { .. } => StatusCode::CONFLICT,
            Error::PreconditionFailed { .. } => StatusCode::PRECONDITION_FAILED,
            Error::PreconditionRequired { .. } => StatusCode::PRECONDITION_REQUIRED,
            Error::Unprocessable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Error::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Error::Store(_) | Error::Internal { .. } => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let status = self.status();
        let allowed = match &self {
            Error::Transition { allowed, .. } => Some(allowed.clone()),
            _ => None,
        };
        let (code, message) = match &self {
            Error::BadRequest { code, message }
            | Error::NotFound { code, message }
            | Error::Forbidden { code, message }
            | Error::Unprocessable { code, message }
            | Error::Conflict { code, message } => (*code, message.clone()),
            Error::Transition { message, .. } => ("illegal_transition", message.clone()),
            Error::PreconditionFailed { message } => ("stale_version", message.clone()),
            Error::PreconditionRequired { message } => ("if_match_required", message.clone()),
            Error::Unauthenticated { message } => ("unauthenticated", message.clone()),
            Error::TooLarge { message } => ("too_large", message.clone()),
            Error::Internal { message } => {
                tracing::error!(%message, "internal failure");
                ("internal", "internal error".to_owned())
            }
            Error::Store(source) => {
                tracing::error!(error = %source, cause = ?std::error::Error::source(source), "store failure");
                ("internal", "internal error".to_owned())
            }
        };
        let mut response = (
            status,
            Json(super::openapi::ErrorBody {
                error: super::openapi::ErrorDetail {
                    code: code.to_owned(),
                    message,
                },
                allowed,
            }),
        )
            .into_response();
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer"),
            );
        }
        response
    }
}

/// `/api/v1/...` paths that match no route.
pub(crate) async fn unknown_route(uri: axum::http::Uri) -> Error {
    Error::NotFound {
        code: "no_route",
        message: format!("no API route {}", uri.path()),
    }
}
