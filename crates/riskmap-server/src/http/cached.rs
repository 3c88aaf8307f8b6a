//! Answers serialised and gzipped once per data version: a JSON body is kept with its gzip
//! and an ETag (a hash of the body) under (reader, request), so a repeated request costs a
//! lookup and a copy of `Bytes`, never a second serialisation or compression. Conditional
//! requests (`If-None-Match`) get 304.

use std::hash::{Hash, Hasher};
use std::io::Write;

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use riskmap_model::Audience;
use serde::Serialize;

use super::{Error, Result};
use crate::AppState;

/// Cache key: the reader and the request (route and normalised query).
pub(crate) type BodyKey = (Audience, String);

/// One serialised answer.
#[derive(Debug)]
pub(crate) struct CachedBody {
    json: Bytes,
    gzip: Bytes,
    etag: String,
    content_type: &'static str,
}

/// `application/json` or `application/geo+json`.
#[derive(Debug, Clone, Copy)]
pub(crate) enum JsonKind {
    /// Plain JSON.
    Json,
    /// RFC 7946 GeoJSON.
    GeoJson,
}

/// The answer of `request` for `audience`, from the cache or built by `build` and kept.
pub(crate) async fn cached_json<T, F, Fut>(
    state: &AppState,
    audience: &Audience,
    request: String,
    kind: JsonKind,
    headers: &HeaderMap,
    build: F,
) -> Result<Response>
where
    T: Serialize + Send + 'static,
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<T>>,
{
    let (version, _) = state.periods().await?;
    let body = state
        .bodies
        .get_or_build(version, (audience.clone(), request), || async {
            let value = build().await?;
            let content_type = match kind {
                JsonKind::Json => "application/json",
                JsonKind::GeoJson => "application/geo+json",
            };
            tokio::task::spawn_blocking(move || serialise(&value, version, content_type))
                .await
                .map_err(|e| Error::Internal {
                    message: format!("serialisation task failed: {e}"),
                })?
        })
        .await?;
    Ok(respond(&body, headers))
}

fn serialise<T: Serialize>(
    value: &T,
    version: i64,
    content_type: &'static str,
) -> Result<CachedBody> {
    let json = serde_json::to_vec(value).map_err(|e| Error::Internal {
        message: format!("serialise: {e}"),
    })?;
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    json.hash(&mut hasher);
    let etag = format!("\"v{version}-{:016x}\"", hasher.finish());
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(json.len() / 3),
        flate2::Compression::new(6),
    );
    encoder
        .write_all(&json)
        .and_then(|()| encoder.try_finish())
        .map_err(|e| Error::Internal {
            message: format!("gzip: {e}"),
        })?;
    let gzip = encoder.finish().map_err(|e| Error::Internal {
        message: format!("gzip: {e}"),
    })?;
    Ok(CachedBody {
        json: Bytes::from(json),
        gzip: Bytes::from(gzip),
        etag,
        content_type,
    })
}

fn respond(body: &CachedBody, headers: &HeaderMap) -> Response {
    let etag = HeaderValue::from_str(&body.etag).ok();
    let not_modified = headers
        .get(header::IF_NONE_MATCH)
        .zip(etag.as_ref())
        .is_some_and(|(given, ours)| given == ours);
    let mut response = if not_modified {
        StatusCode::NOT_MODIFIED.into_response()
    } else if accepts_gzip(headers) {
        let mut response = body.gzip.clone().into_response();
        response
            .headers_mut()
            .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        response
    } else {
        body.json.clone().into_response()
    };
    let out = response.headers_mut();
    out.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(body.content_type),
    );
    if let Some(etag) = etag {
        out.insert(header::ETAG, etag);
    }
    out.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    response
}

/// Whether the client takes gzip.
pub(crate) fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .any(|part| part.trim().split(';').next() == Some("gzip"))
        })
}
