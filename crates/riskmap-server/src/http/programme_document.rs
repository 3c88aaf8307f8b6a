//! `GET /api/v1/programmes/{id}/document?format=pdf|xlsx&lang=kk|ru`: the "information to the
//! Ministry" on one programme — cover, map of the region with the programme's districts drawn
//! on the server from the boundaries, problems with their snapshot, actions, progress per
//! quarter and the review. Read like `GET /api/v1/programmes/{id}` (same scope rules, same
//! disclosed values: the document is built from the reader's `ProgrammeBody`), watermarked
//! with the reader's token, role and scope, and audited. The PDF is typeset by
//! `riskmap-document` on a blocking thread; the XLSX is written with `rust_xlsxwriter`.

use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::Response;
use riskmap_document::Lang;
use riskmap_store::AuditEvent;

use super::document_data::{programme_document, value_label, value_text, words_lang};
use super::priority::{Cell, attachment, scope_codes};
use super::programme_wire::{ProgrammeBody, Reader, actor_of, path_id};
use super::programmes::{catalogue, readable, refuse_non_readers, today};
use super::query::{RawQuery, parse_query, take};
use super::{Caller, Error, Result};
use crate::AppState;
use crate::view::programme_review::{Reviewed, programme_review};

/// A document's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DocFormat {
    Pdf,
    Xlsx,
}

/// `format` and `lang` of a document request (`pdf` and `ru` by default); 400 otherwise.
pub(crate) fn document_query(
    query: RawQuery,
    formats: &[&str],
) -> Result<(Option<String>, Lang, RawQuery)> {
    let (taken, rest) = take(query, &["format", "lang"])?;
    let lang = match taken.get("lang").map(String::as_str) {
        None => Lang::Ru,
        Some(text) => Lang::parse(text).ok_or_else(|| Error::BadRequest {
            code: "bad_lang",
            message: format!("lang must be kk or ru, got {text:?}"),
        })?,
    };
    let format = taken.get("format").cloned();
    if let Some(f) = &format
        && !formats.contains(&f.as_str())
    {
        return Err(Error::BadRequest {
            code: "bad_format",
            message: format!("format must be one of {}, got {f:?}", formats.join(", ")),
        });
    }
    Ok((format, lang, rest))
}

/// The reader's watermark in the document's language: distribution mark, role, token, scope
/// and date.
pub(crate) fn watermark(caller: &Caller, lang: Lang, on: time::Date) -> String {
    let words = words_lang(lang);
    let token = caller
        .token_id
        .map(|id| format!("{} {id}", lang.token()))
        .unwrap_or_default();
    let scope = scope_codes(&caller.scope);
    let who = [
        words.role(caller.role_name()),
        token.as_str(),
        scope.as_str(),
    ]
    .into_iter()
    .filter(|part| !part.is_empty())
    .collect::<Vec<_>>()
    .join(" · ");
    format!("{} — {who} · {}", words.footnotes()[0], format_day(on))
}

/// A day as `dd.mm.yyyy`.
pub(crate) fn format_day(on: time::Date) -> String {
    riskmap_document::format::date(&riskmap_programme::programme::format_date(on))
}

/// Writes the audit event of a document download.
pub(crate) async fn audit(
    state: &AppState,
    caller: &Caller,
    action: String,
    filters: String,
    rows: usize,
) -> Result<()> {
    state
        .store
        .record_audit(&AuditEvent {
            at: time::OffsetDateTime::now_utc(),
            token_id: caller.token_id,
            role: caller.role_name().to_owned(),
            action,
            scope: caller.scope.clone(),
            filters,
            row_count: i64::try_from(rows).unwrap_or(i64::MAX),
        })
        .await?;
    Ok(())
}

/// Runs the typesetting off the async threads.
pub(crate) async fn typeset(
    work: impl FnOnce() -> std::result::Result<Vec<u8>, riskmap_document::Error> + Send + 'static,
) -> Result<Vec<u8>> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| Error::Internal {
            message: format!("typesetting task: {e}"),
        })?
        .map_err(|e| Error::Internal {
            message: e.to_string(),
        })
}

/// The PDF or XLSX as an attachment, never stored by caches.
pub(crate) fn document_response(bytes: Vec<u8>, format: DocFormat, file: &str) -> Response {
    let (content_type, ext) = match format {
        DocFormat::Pdf => ("application/pdf", "pdf"),
        DocFormat::Xlsx => (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        ),
    };
    let mut response = attachment(bytes, content_type, &format!("{file}.{ext}"));
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    response
}

// GET /api/v1/programmes/{id}/document
#[utoipa::path(get, path = "/api/v1/programmes/{id}/document", tag = "programmes",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Programme id", example = 1),
        ("format" = Option<String>, Query, description = "pdf (default) or xlsx", example = "pdf"),
        ("lang" = Option<String>, Query, description = "kk or ru (default ru)", example = "kk"),
    ),
    responses((status = 200, description = "The information to the Ministry: cover, map of the region, problems with their snapshot, actions, progress and review, with the reader's values and watermark",
            content(("application/pdf"), ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 400, description = "Malformed query (format or lang)", body = super::openapi::ErrorBody),
        (status = 401, description = "A bearer token is required", body = super::openapi::ErrorBody),
        (status = 403, description = "Outside the caller's scope, or a role without programmes", body = super::openapi::ErrorBody),
        (status = 404, description = "No such programme", body = super::openapi::ErrorBody)))]
pub(crate) async fn get_document(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    query: RawQuery,
) -> Result<Response> {
    let id = path_id(&id)?;
    let (format, lang, rest) = document_query(query, &["pdf", "xlsx"])?;
    parse_query(rest, &[])?;
    let format = if format.as_deref() == Some("xlsx") {
        DocFormat::Xlsx
    } else {
        DocFormat::Pdf
    };
    let actor = actor_of(&caller.audience);
    refuse_non_readers(&actor)?;
    let stored = readable(&state, &actor, id).await?;
    let on = today();
    let body = Reader {
        state: &state,
        audience: &caller.audience,
        actor: &actor,
        catalogue: catalogue(&state)?,
        today: on,
    }
    .programme(&stored);
    let review = programme_review(&state, &caller.audience, &stored.programme).await?;
    let mark = watermark(&caller, lang, on);
    let ext = if format == DocFormat::Pdf {
        "pdf"
    } else {
        "xlsx"
    };
    audit(
        &state,
        &caller,
        format!("programme_document_{ext}"),
        format!("programme={id} lang={}", lang.code()),
        body.problems.len() + body.actions.len(),
    )
    .await?;
    let bytes = match format {
        DocFormat::Pdf => {
            let doc = programme_document(&state, lang, &body, &review, (mark, format_day(on)));
            typeset(move || riskmap_document::programme_pdf(&doc, &lang.words())).await?
        }
        DocFormat::Xlsx => {
            to_xlsx(&state, lang, &body, &review, &mark).map_err(|e| Error::Internal {
                message: format!("xlsx: {e}"),
            })?
        }
    };
    Ok(document_response(
        bytes,
        format,
        &format!("programme-{id}-v{}-{}", body.version, lang.code()),
    ))
}

type Sheet = rust_xlsxwriter::Worksheet;
type XlsxResult<T> = std::result::Result<T, rust_xlsxwriter::XlsxError>;

/// Writes a header row and the rows under it from `row`.
fn table(sheet: &mut Sheet, headers: &[&str], rows: &[Vec<Cell>]) -> XlsxResult<()> {
    use rust_xlsxwriter::Format;
    let bold = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_background_color("#F2DCDB");
    for (col, title) in headers.iter().enumerate() {
        let col = u16::try_from(col).unwrap_or(u16::MAX);
        sheet.write_string_with_format(2, col, *title, &bold)?;
        sheet.set_column_width(col, 18)?;
    }
    for (i, cells) in rows.iter().enumerate() {
        let row = u32::try_from(i + 3).unwrap_or(u32::MAX);
        for (col, cell) in cells.iter().enumerate() {
            let col = u16::try_from(col).unwrap_or(u16::MAX);
            match cell {
                Cell::Number(n) => sheet.write_number(row, col, *n)?,
                Cell::Text(t) => sheet.write_string(row, col, t)?,
            };
        }
    }
    sheet.set_freeze_panes(3, 0)?;
    Ok(())
}

fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

#[allow(
    clippy::cast_precision_loss,
    reason = "budgets are far below 2^52 tenge"
)]
fn tenge(n: u64) -> Cell {
    Cell::Number(n as f64)
}

/// A new sheet named `name` with the watermark in its first row.
fn sheet<'a>(
    workbook: &'a mut rust_xlsxwriter::Workbook,
    name: &str,
    mark: &str,
) -> XlsxResult<&'a mut Sheet> {
    let sheet = workbook.add_worksheet();
    sheet.set_name(name)?;
    let format = rust_xlsxwriter::Format::new()
        .set_italic()
        .set_font_color("#7A1F00");
    sheet.write_string_with_format(0, 0, mark, &format)?;
    Ok(sheet)
}

fn cover_rows(lang: Lang, body: &ProgrammeBody) -> Vec<Vec<Cell>> {
    let w = lang.words();
    let name = super::document_data::name_in(lang, &body.region_name_kk, &body.region_name_ru);
    let mut rows = vec![
        vec![text(w.region), text(format!("{name} ({})", body.region))],
        vec![text(w.period), text(lang.period(&body.period))],
        vec![text(w.title), text(body.title.clone())],
        vec![text(w.status), text(lang.status(&body.status))],
        vec![text(w.version), Cell::Number(body.version as f64)],
        vec![text(w.data_version), Cell::Number(body.data_version as f64)],
        vec![
            text(w.methodology_version),
            text(body.methodology_version.clone()),
        ],
        vec![text(w.budget_total), tenge(body.budget_tenge)],
    ];
    if body.synthetic {
        rows.push(vec![text(lang.synthetic()), text("")]);
    }
    rows
}

fn problem_rows(state: &AppState, lang: Lang, body: &ProgrammeBody) -> Vec<Vec<Cell>> {
    let words = words_lang(lang);
    let mut rows = Vec::new();
    for p in &body.problems {
        let name = super::document_data::name_in(lang, &p.name_kk, &p.name_ru);
        for v in &p.snapshot.values {
            let shown = match (&v.count, v.value) {
                (Some(super::wire::WireCount::Number(n)), _) => tenge(*n),
                (_, Some(value)) if value.flag().is_none() => {
                    value.number().map_or_else(|| text("—"), Cell::Number)
                }
                _ => text(value_text(v)),
            };
            rows.push(vec![
                text(name.clone()),
                text(p.district.clone()),
                p.snapshot
                    .rank
                    .map_or_else(|| text("—"), |r| Cell::Number(f64::from(r))),
                text(words.quarter(&p.snapshot.data_quarter)),
                text(value_label(state, lang, &v.code)),
                shown,
            ]);
        }
    }
    rows
}

fn action_rows(state: &AppState, lang: Lang, body: &ProgrammeBody) -> Vec<Vec<Cell>> {
    body.actions
        .iter()
        .enumerate()
        .map(|(i, a)| {
            vec![
                Cell::Number((i + 1) as f64),
                text(super::document_data::name_in(lang, &a.name_kk, &a.name_ru)),
                text(a.organisation.clone()),
                text(a.responsible.clone()),
                text(a.start.clone()),
                text(a.due.clone()),
                tenge(a.budget_tenge),
                text(a.funding_source.clone()),
                text(value_label(state, lang, &a.indicator)),
                Cell::Number(a.expected_change_percent),
                text(lang.standing(a.standing)),
            ]
        })
        .collect()
}

fn progress_rows(lang: Lang, body: &ProgrammeBody) -> Vec<Vec<Cell>> {
    body.progress
        .iter()
        .map(|r| {
            let number = body
                .actions
                .iter()
                .position(|a| a.id == r.action_id)
                .map_or(0.0, |i| (i + 1) as f64);
            vec![
                Cell::Number(number),
                text(words_lang(lang).quarter(&r.quarter)),
                text(lang.standing(r.status)),
                Cell::Number(f64::from(r.percent)),
                text(if r.late {
                    format!("{} ({})", r.submitted_on, lang.late())
                } else {
                    r.submitted_on.clone()
                }),
                text(r.comment.clone()),
            ]
        })
        .collect()
}

fn review_rows(
    state: &AppState,
    lang: Lang,
    body: &ProgrammeBody,
    review: &[Reviewed],
) -> Vec<Vec<Cell>> {
    let num = |v: Option<f64>| v.map_or_else(|| text("—"), Cell::Number);
    review
        .iter()
        .map(|r| {
            let unit = body
                .problems
                .iter()
                .find(|p| p.id == r.problem_id)
                .map(|p| super::document_data::name_in(lang, &p.name_kk, &p.name_ru))
                .unwrap_or_default();
            vec![
                text(unit),
                text(value_label(state, lang, &r.row.code)),
                num(r.row.at_snapshot),
                num(r.row.now),
                num(r.row.change_percent),
                num(r.row.plan_line_now),
                num(r.row.regional_now),
                num(r.row.national_now),
            ]
        })
        .collect()
}

#[allow(
    clippy::cast_precision_loss,
    reason = "versions and row numbers are small"
)]
fn to_xlsx(
    state: &AppState,
    lang: Lang,
    body: &ProgrammeBody,
    review: &[Reviewed],
    mark: &str,
) -> XlsxResult<Vec<u8>> {
    let w = lang.words();
    let [cover, problems, actions, progress, reviewed] = lang.sheets();
    let mut workbook = rust_xlsxwriter::Workbook::new();
    table(
        sheet(&mut workbook, cover, mark)?,
        &[w.heading, w.subheading],
        &cover_rows(lang, body),
    )?;
    table(
        sheet(&mut workbook, problems, mark)?,
        &[w.unit, w.district, w.rank, w.quarter, w.indicator, w.values],
        &problem_rows(state, lang, body),
    )?;
    table(
        sheet(&mut workbook, actions, mark)?,
        &[
            w.number,
            w.kind,
            w.organisation,
            w.responsible,
            w.start,
            w.due,
            w.budget,
            w.funding,
            w.indicator,
            w.change,
            w.standing,
        ],
        &action_rows(state, lang, body),
    )?;
    table(
        sheet(&mut workbook, progress, mark)?,
        &[
            w.number,
            w.quarter,
            w.standing,
            w.percent,
            w.submitted,
            w.comment,
        ],
        &progress_rows(lang, body),
    )?;
    let review_sheet = sheet(&mut workbook, reviewed, mark)?;
    table(
        review_sheet,
        &[
            w.unit,
            w.indicator,
            w.at_snapshot,
            w.now,
            w.change,
            w.plan_line,
            w.regional,
            w.national,
        ],
        &review_rows(state, lang, body, review),
    )?;
    review_sheet.write_string(1, 0, w.caveat)?;
    workbook.save_to_buffer()
}
