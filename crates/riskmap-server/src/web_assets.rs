//! The web page and MapLibre GL JS embedded in the binary at build time (see `build.rs`),
//! served when no web folder is given (`--web-dir` overrides them for development).

use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};

include!(concat!(env!("OUT_DIR"), "/embedded_web.rs"));

/// The embedded bytes of URL path `path` (`/` is `/index.html`).
pub fn embedded(path: &str) -> Option<&'static [u8]> {
    let path = if path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.to_owned()
    };
    EMBEDDED
        .binary_search_by(|(url, _)| (*url).cmp(path.as_str()))
        .ok()
        .and_then(|at| EMBEDDED.get(at))
        .map(|(_, bytes)| *bytes)
}

/// Number of embedded files (for the start-up log).
pub fn embedded_count() -> usize {
    EMBEDDED.len()
}

/// The content type of a file by its extension.
fn content_type(path: &str) -> &'static str {
    let extension = path.rsplit('.').next().unwrap_or_default();
    match extension {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "svg" => "image/svg+xml",
        "json" => "application/json",
        "png" => "image/png",
        _ => "application/octet-stream",
    }
}

/// Serves an embedded file, or the embedded 404 page.
pub async fn serve_embedded(uri: Uri) -> Response {
    let path = uri.path();
    match embedded(path) {
        Some(bytes) => {
            let name = if path.ends_with('/') {
                "index.html"
            } else {
                path
            };
            (
                [
                    (header::CONTENT_TYPE, content_type(name)),
                    (header::CACHE_CONTROL, "no-cache"),
                ],
                bytes,
            )
                .into_response()
        }
        None => (
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            embedded("/404.html").unwrap_or_default(),
        )
            .into_response(),
    }
}
