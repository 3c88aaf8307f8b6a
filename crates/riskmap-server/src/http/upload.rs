//! `POST /api/v1/ingest` (multipart): the steward uploads NOBD contract-v1 files or
//! legal-statistics tables; each is spooled to a private temporary file, then loaded exactly as
//! `riskmap ingest` loads it ([`riskmap_load::Session`]): one file, one batch, nothing stored
//! when it is refused. The answer is the load's report. Uploads run one at a time, so the
//! checks that read the store (revisions, continuity) see every earlier upload.
//!
//! Fields: `file` (one or more, in order), and optionally `table`
//! (`school_reference|school_quarter|school_contacts|legal_stats`), `accept_partial`
//! (`true`), `region` (the submitting region's KATO), `encoding` (`auto|utf8|cp1251`),
//! `mapping` (a header-mapping TOML text).

use axum::Json;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use riskmap_ingest::{EncodingChoice, HeaderMapping, Options, Policy, TableName};
use riskmap_load::{FileReport, FileStatus, LoadError, Session};
use riskmap_model::{Audience, Kato};
use riskmap_store::AuditEvent;
use tokio::io::AsyncWriteExt;

#[allow(unused_imports, reason = "named in the OpenAPI annotations")]
use super::openapi;
use super::{Caller, Error, Result};
use crate::AppState;

/// A file received, waiting in the spool folder.
struct Spooled {
    name: String,
    path: std::path::PathBuf,
}

/// The form's settings.
#[derive(Default)]
struct Form {
    table: Option<TableName>,
    accept_partial: bool,
    region: Option<Kato>,
    encoding: Option<EncodingChoice>,
    mapping: Option<HeaderMapping>,
}

// POST /api/v1/ingest
#[utoipa::path(post, path = "/api/v1/ingest", tag = "ingest",
    security(("bearer" = [])),
    request_body(content_type = "multipart/form-data", description = "Fields: file (one or more), table, accept_partial, region, encoding, mapping"),
    responses((status = 200, description = "Every file stored (or stored before): the load report", body = IngestReport),
        (status = 400, description = "Malformed upload (no file, unknown field or table, bad mapping)", body = openapi::ErrorBody),
        (status = 409, description = "The server runs the synthetic demo: real data cannot be uploaded", body = openapi::ErrorBody),
        (status = 401, description = "A bearer token is required", body = openapi::ErrorBody),
        (status = 403, description = "Only the steward uploads", body = openapi::ErrorBody),
        (status = 413, description = "The upload exceeds the size limit", body = openapi::ErrorBody),
        (status = 422, description = "A file was refused by its checks; nothing of it was stored: the load report", body = IngestReport)))]
pub(crate) async fn post_ingest(
    State(state): State<AppState>,
    caller: Caller,
    multipart: std::result::Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<(StatusCode, Json<IngestReport>)> {
    if caller.audience != Audience::Steward {
        return Err(Error::Forbidden {
            code: "steward_only",
            message: "only the data steward uploads files".to_owned(),
        });
    }
    if state.demo_active().await? {
        return Err(Error::Conflict {
            code: "demo_mode",
            message: "this server runs the synthetic demo (serve --demo): real data cannot be \
                      uploaded to it; serve a store of its own without --demo"
                .to_owned(),
        });
    }
    let Some(registry) = state.config.kato_registry.clone() else {
        return Err(Error::Internal {
            message: "uploads need the KATO registry, which was not loaded".to_owned(),
        });
    };
    let mut multipart = multipart.map_err(|e| Error::BadRequest {
        code: "bad_upload",
        message: e.body_text(),
    })?;
    // The upload's private folder goes when this handler returns, whatever the outcome.
    let spool = crate::spool::upload_dir(&state.config.spool_dir).map_err(|e| Error::Internal {
        message: format!("spool folder: {e}"),
    })?;
    let (files, form) = receive(&mut multipart, spool.path()).await?;
    if files.is_empty() {
        return Err(bad("no file: send one or more `file` fields"));
    }
    let mut options = Options::new(if form.accept_partial {
        Policy::AcceptPartial
    } else {
        Policy::RefuseFile
    });
    options.encoding = form.encoding.unwrap_or(EncodingChoice::Auto);
    options.mapping = form.mapping.unwrap_or_else(HeaderMapping::none);
    options.submitting_region = form.region;
    let plans = files
        .iter()
        .map(|file| riskmap_load::plan_tables(&file.path, &file.name, form.table, &options))
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(load_error)?;

    let _one_at_a_time = state.upload_lock.lock().await;
    let session = Session::open(
        state.store.clone(),
        registry,
        Some(state.geography.clone()),
        options,
        false,
    )
    .await
    .map_err(load_error)?;
    let mut reports: Vec<FileReport> = Vec::with_capacity(files.len());
    for (file, tables) in files.iter().zip(plans) {
        let report = session
            .load(&file.path, &file.name, tables, None)
            .await
            .map_err(load_error)?;
        if report.status == FileStatus::Stored {
            state
                .metrics
                .ingest_batches
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        reports.push(report);
    }
    let stored_rows: u64 = reports.iter().map(|r| r.stored_rows).sum();
    state
        .store
        .record_audit(&AuditEvent {
            at: time::OffsetDateTime::now_utc(),
            token_id: caller.token_id,
            role: caller.role_name().to_owned(),
            action: "ingest".to_owned(),
            scope: caller.scope.clone(),
            filters: reports
                .iter()
                .map(|r| format!("{}={:?}", r.file, r.status))
                .collect::<Vec<_>>()
                .join(" "),
            row_count: i64::try_from(stored_rows).unwrap_or(i64::MAX),
        })
        .await?;
    let refused = reports.iter().any(|r| r.status == FileStatus::Refused);
    let status = if refused {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let findings = reports
        .iter()
        .filter(|r| r.needs_attention())
        .map(FileFindings::of)
        .collect();
    Ok((
        status,
        Json(IngestReport {
            files: reports,
            findings,
        }),
    ))
}

/// Findings shown per refused or partly accepted file, as `riskmap ingest` prints them.
const FINDINGS_SHOWN: usize = 5;

/// The answer of `POST /api/v1/ingest`.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub(crate) struct IngestReport {
    /// One load report per file, in the order sent: status, batch, rows stored, and per table
    /// its counts and findings (the JSON report of `riskmap ingest --report`).
    #[schema(value_type = Vec<Object>)]
    files: Vec<FileReport>,
    /// For each refused or partly accepted file, its first findings as the console shows them.
    findings: Vec<FileFindings>,
}

/// The first findings of one file, as `riskmap ingest` prints them.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub(crate) struct FileFindings {
    /// The file's name.
    file: String,
    /// `file:row:column: CODE message` lines, errors first (values are never shown for
    /// privacy findings, and at most a short excerpt for others).
    lines: Vec<String>,
    /// Findings not among `lines` (all are counted in `files[].outcomes[].counts`).
    more: u64,
}

impl FileFindings {
    fn of(report: &FileReport) -> Self {
        let (lines, more) = report.first_findings(FINDINGS_SHOWN);
        Self {
            file: report.file.clone(),
            lines,
            more,
        }
    }
}

/// Reads the form: files are streamed to the spool folder chunk by chunk.
async fn receive(
    multipart: &mut Multipart,
    spool: &std::path::Path,
) -> Result<(Vec<Spooled>, Form)> {
    let mut files = Vec::new();
    let mut form = Form::default();
    while let Some(mut field) = multipart.next_field().await.map_err(multipart_error)? {
        let field_name = field.name().unwrap_or_default().to_owned();
        match field_name.as_str() {
            "file" => {
                let name = field
                    .file_name()
                    .map(|n| n.rsplit(['/', '\\']).next().unwrap_or(n).to_owned())
                    .filter(|n| !n.is_empty())
                    .unwrap_or_else(|| format!("upload-{}", files.len() + 1));
                let path = spool.join(format!("{}-{}", files.len(), sanitise(&name)));
                let mut out = crate::spool::create_private_file(&path)
                    .await
                    .map_err(|e| Error::Internal {
                        message: format!("spool file: {e}"),
                    })?;
                while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
                    out.write_all(&chunk).await.map_err(|e| Error::Internal {
                        message: format!("spool file: {e}"),
                    })?;
                }
                out.flush().await.map_err(|e| Error::Internal {
                    message: format!("spool file: {e}"),
                })?;
                files.push(Spooled { name, path });
            }
            "table" | "accept_partial" | "region" | "encoding" | "mapping" => {
                let text = field.text().await.map_err(multipart_error)?;
                set(&mut form, &field_name, text.trim())?;
            }
            other => {
                return Err(bad(&format!(
                    "unknown field {other:?}; use file, table, accept_partial, region, encoding, mapping"
                )));
            }
        }
    }
    Ok((files, form))
}

fn set(form: &mut Form, field: &str, text: &str) -> Result<()> {
    match field {
        "table" => {
            form.table = Some(match text {
                "school_reference" => TableName::SchoolReference,
                "school_quarter" => TableName::SchoolQuarter,
                "school_contacts" => TableName::SchoolContacts,
                "legal_stats" | "legal" => TableName::LegalStats,
                other => return Err(bad(&format!("unknown table {other:?}"))),
            });
        }
        "accept_partial" => {
            form.accept_partial = match text {
                "true" | "1" | "on" => true,
                "false" | "0" | "off" | "" => false,
                other => {
                    return Err(bad(&format!(
                        "accept_partial must be true or false, got {other:?}"
                    )));
                }
            };
        }
        "region" => {
            form.region = Some(Kato::parse(text).map_err(|e| Error::BadRequest {
                code: "bad_kato",
                message: e.to_string(),
            })?);
        }
        "encoding" => {
            form.encoding = Some(match text {
                "auto" => EncodingChoice::Auto,
                "utf8" | "utf-8" => EncodingChoice::Utf8,
                "cp1251" | "windows-1251" => EncodingChoice::Windows1251,
                other => {
                    return Err(bad(&format!(
                        "unknown encoding {other:?}; use auto, utf8 or cp1251"
                    )));
                }
            });
        }
        _ => {
            form.mapping =
                Some(HeaderMapping::parse(text).map_err(|e| bad(&format!("mapping: {e}")))?);
        }
    }
    Ok(())
}

/// A file name safe to join to the spool folder (at most 100 characters).
fn sanitise(name: &str) -> String {
    name.chars()
        .take(100)
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

fn bad(message: &str) -> Error {
    Error::BadRequest {
        code: "bad_upload",
        message: message.to_owned(),
    }
}

fn multipart_error(error: axum::extract::multipart::MultipartError) -> Error {
    if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return Error::TooLarge {
            message: error.body_text(),
        };
    }
    bad(&error.body_text())
}

fn load_error(error: LoadError) -> Error {
    match error {
        LoadError::Usage(message) => bad(&message),
        other => Error::Internal {
            message: other.to_string(),
        },
    }
}
