//! Preconditions of programme writes: the `ETag` of a programme (its id and version),
//! `If-Match` (required on writes: 428 without it, 412 when stale) and `Idempotency-Key`
//! (creates: the same key and request give the same programme).

use axum::http::{HeaderMap, HeaderValue, header};

use super::{Caller, Error, Result};

/// The strong entity tag of version `version` of programme `id`.
pub(crate) fn etag(id: i64, version: i64) -> String {
    format!("\"p{id}v{version}\"")
}

/// The header value of [`etag`].
pub(crate) fn etag_header(id: i64, version: i64) -> Option<HeaderValue> {
    HeaderValue::from_str(&etag(id, version)).ok()
}

/// The version `If-Match` names for programme `id`: 428 without the header (or with `*`,
/// which names no version), 412 when no listed tag is a version of this programme.
pub(crate) fn if_match(headers: &HeaderMap, id: i64) -> Result<i64> {
    let Some(value) = headers.get(header::IF_MATCH) else {
        return Err(Error::PreconditionRequired {
            message: "writes need If-Match with the programme's ETag".to_owned(),
        });
    };
    let text = value.to_str().map_err(|_| Error::BadRequest {
        code: "bad_if_match",
        message: "If-Match is not ASCII".to_owned(),
    })?;
    if text.trim() == "*" {
        return Err(Error::PreconditionRequired {
            message: "If-Match must carry the programme's ETag, not *".to_owned(),
        });
    }
    let prefix = format!("\"p{id}v");
    text.split(',')
        .map(str::trim)
        .filter_map(|tag| {
            tag.strip_prefix(&prefix)?
                .strip_suffix('"')?
                .parse::<i64>()
                .ok()
        })
        .next()
        .ok_or_else(|| Error::PreconditionFailed {
            message: format!("If-Match {text} is not a version of programme {id}"),
        })
}

/// The idempotency key of a create, if given: 1 to 200 visible ASCII characters.
pub(crate) fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>> {
    let Some(value) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    let text = value.to_str().unwrap_or_default().trim();
    if text.is_empty() || text.len() > 200 || !text.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Error::BadRequest {
            code: "bad_idempotency_key",
            message: "Idempotency-Key must be 1 to 200 visible ASCII characters".to_owned(),
        });
    }
    Ok(Some(text.to_owned()))
}

/// Who an idempotency key belongs to: the token, or the anonymous scope.
pub(crate) fn key_owner(caller: &Caller) -> String {
    caller.token_id.map_or_else(
        || format!("anonymous:{}", caller.scope),
        |id| format!("token:{id}"),
    )
}

/// Hex SHA-256 of a request (method, path with query, body), to tell a replay from a reuse.
pub(crate) fn request_hash(method: &str, path: &str, body: &[u8]) -> String {
    use sha2::Digest;
    let mut hasher = sha2::Sha256::new();
    hasher.update(method.as_bytes());
    hasher.update([0]);
    hasher.update(path.as_bytes());
    hasher.update([0]);
    hasher.update(body);
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
