//! Caching headers of every API and tile answer, set in one middleware: answers differ by
//! reader, so each carries `Vary: Authorization`; an answer for a token holder (or the demo's
//! anonymous ministry view) is `Cache-Control: private`, an anonymous public answer `public`;
//! and every successful JSON answer carries an `ETag` (a hash of the body) and honours
//! `If-None-Match` with 304 — routes that keep serialised answers set their own.

use std::hash::{Hash, Hasher};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use riskmap_model::Audience;

use crate::AppState;

/// JSON bodies larger than this are passed through without an ETag.
const MAX_HASHED_BODY: usize = 64 * 1024 * 1024;

/// The middleware.
pub(crate) async fn caching_headers(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let anonymous = !request.headers().contains_key(header::AUTHORIZATION);
    let if_none_match = request.headers().get(header::IF_NONE_MATCH).cloned();
    let response = next.run(request).await;
    let public = anonymous
        && state.config.anonymous_audience == Some(Audience::Public)
        && !state.demo_active().await.unwrap_or(true);
    let mut response = with_etag(response, if_none_match).await;
    let headers = response.headers_mut();
    let vary = match headers.get(header::VARY).and_then(|v| v.to_str().ok()) {
        Some(existing) if existing.contains("Authorization") => existing.to_owned(),
        Some(existing) => format!("{existing}, Authorization"),
        None => "Authorization".to_owned(),
    };
    if let Ok(value) = HeaderValue::from_str(&vary) {
        headers.insert(header::VARY, value);
    }
    let control = headers
        .get(header::CACHE_CONTROL)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let control = match control {
        Some(given) if public || given.contains("private") || given.contains("no-store") => given,
        Some(given) => given.replace("public", "private"),
        None if public => "public, max-age=60".to_owned(),
        None => "private, no-cache".to_owned(),
    };
    if let Ok(value) = HeaderValue::from_str(&control) {
        headers.insert(header::CACHE_CONTROL, value);
    }
    response
}

/// Adds an ETag to a successful JSON answer that has none, and answers 304 when it matches.
async fn with_etag(response: Response, if_none_match: Option<HeaderValue>) -> Response {
    let json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| {
            t.starts_with("application/json") || t.starts_with("application/geo+json")
        });
    if response.status() != StatusCode::OK
        || !json
        || response.headers().contains_key(header::ETAG)
        || response.headers().contains_key(header::CONTENT_ENCODING)
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_HASHED_BODY).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut hasher);
    let etag = format!("\"b-{:016x}\"", hasher.finish());
    if let Ok(value) = HeaderValue::from_str(&etag) {
        if if_none_match.as_ref() == Some(&value) {
            parts.status = StatusCode::NOT_MODIFIED;
            parts.headers.insert(header::ETAG, value);
            parts.headers.remove(header::CONTENT_LENGTH);
            return Response::from_parts(parts, Body::empty());
        }
        parts.headers.insert(header::ETAG, value);
    }
    Response::from_parts(parts, Body::from(bytes))
}
