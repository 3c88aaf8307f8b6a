//! `GET /api/v1/programmes/summary?half=2025-H1&format=json|xlsx|pdf[&lang=kk|ru]`: the
//! Ministry's half-year report across the 20 regions (resolution clause 3) — programmes by
//! status, actions on track, delayed and overdue, budget, late and missing progress reports —
//! from `riskmap_programme::summary`. The ministry reads every region, an akimat or crisis team
//! only its own; the workbook and the PDF (typeset by `riskmap-document`, in Kazakh or Russian)
//! are watermarked with the user and scope, and every download is audited.

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use riskmap_model::Kato;
use riskmap_programme::progress::Standing;
use riskmap_programme::summary::{Summary, parse_half, summarise};
use riskmap_store::{AuditEvent, ProgrammeFilter};
use serde::Serialize;
use utoipa::ToSchema;

use riskmap_document::Lang;

use super::programme_document::{DocFormat, document_query, document_response, typeset, watermark};
use super::programme_wire::actor_of;
use super::programmes::{refuse_non_readers, rule_error, today};
use super::query::{RawQuery, parse_query, take};
use super::{Caller, Error, Result};
use crate::AppState;

/// One region's line.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SummaryLine {
    region: String,
    region_name_kk: String,
    region_name_ru: String,
    draft: u32,
    approved: u32,
    acknowledged: u32,
    returned: u32,
    closed: u32,
    actions_on_track: u32,
    actions_delayed: u32,
    actions_overdue: u32,
    actions_done: u32,
    budget_tenge: u64,
    late_reports: u32,
    missing_reports: u32,
}

/// The half-year summary.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct HalfYearSummary {
    half: String,
    as_of: String,
    regions: Vec<SummaryLine>,
    watermark: String,
}

fn lines(state: &AppState, summary: &Summary) -> Vec<SummaryLine> {
    use riskmap_programme::Status as S;
    summary
        .regions
        .iter()
        .map(|(kato, line)| {
            let status = |s: S| line.by_status.get(&s).copied().unwrap_or(0);
            let standing = |s: Standing| line.actions.get(&s).copied().unwrap_or(0);
            let region = state.geography.region(kato);
            SummaryLine {
                region: kato.to_string(),
                region_name_kk: region.map(|r| r.names.kk.clone()).unwrap_or_default(),
                region_name_ru: region.map(|r| r.names.ru.clone()).unwrap_or_default(),
                draft: status(S::Draft),
                approved: status(S::Approved),
                acknowledged: status(S::Acknowledged),
                returned: status(S::Returned),
                closed: status(S::Closed),
                actions_on_track: standing(Standing::OnTrack) + standing(Standing::NotStarted),
                actions_delayed: standing(Standing::Delayed),
                actions_overdue: standing(Standing::Overdue),
                actions_done: standing(Standing::Done),
                budget_tenge: line.budget_tenge,
                late_reports: line.late_reports,
                missing_reports: line.missing_reports,
            }
        })
        .collect()
}

// GET /api/v1/programmes/summary
#[utoipa::path(get, path = "/api/v1/programmes/summary", tag = "programmes",
    security(("bearer" = [])),
    params(
        ("half" = String, Query, description = "Half-year", example = "2025-H1"),
        ("format" = Option<String>, Query, description = "json (default), xlsx or pdf", example = "json"),
        ("lang" = Option<String>, Query, description = "Language of the PDF: kk or ru (default ru)", example = "kk"),
    ),
    responses((status = 200, description = "Programmes by status, actions on track / delayed / overdue, budget, late reports, per region the caller may read", body = HalfYearSummary,
            content((HalfYearSummary = "application/json"), ("application/pdf"), ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 400, description = "Malformed query", body = super::openapi::ErrorBody),
        (status = 403, description = "The role reads no programmes", body = super::openapi::ErrorBody)))]
pub(crate) async fn get_summary(
    State(state): State<AppState>,
    caller: Caller,
    query: RawQuery,
) -> Result<Response> {
    let actor = actor_of(&caller.audience);
    refuse_non_readers(&actor)?;
    let (format, lang, rest) = document_query(query, &["json", "xlsx", "pdf"])?;
    let (taken, rest) = take(rest, &["half"])?;
    parse_query(rest, &[])?;
    let half = parse_half(taken.get("half").map_or("", String::as_str)).map_err(rule_error)?;
    let format = format.unwrap_or_else(|| "json".to_owned());
    let regions: Vec<Kato> = state
        .geography
        .regions()
        .iter()
        .map(|r| r.kato)
        .filter(|r| actor.may_read(r))
        .collect();
    let programmes: Vec<_> = state
        .store
        .programmes(&ProgrammeFilter::default())
        .await?
        .into_iter()
        .filter(|p| actor.may_read(&p.programme.region))
        .map(|p| p.programme)
        .collect();
    let as_of = today();
    let summary = summarise(half, as_of, &regions, &programmes);
    let body = HalfYearSummary {
        half: half.to_string(),
        as_of: as_of.to_string(),
        regions: lines(&state, &summary),
        watermark: format!(
            "Служебное / Қызметтік / Internal — {} · {} · {as_of}",
            caller.role_name(),
            caller.scope
        ),
    };
    state
        .store
        .record_audit(&AuditEvent {
            at: time::OffsetDateTime::now_utc(),
            token_id: caller.token_id,
            role: caller.role_name().to_owned(),
            action: format!("programme_summary_{format}"),
            scope: caller.scope.clone(),
            filters: format!("half={half}"),
            row_count: i64::try_from(body.regions.len()).unwrap_or(i64::MAX),
        })
        .await?;
    let mut response = match format.as_str() {
        "xlsx" => {
            let bytes = to_xlsx(&body).map_err(|e| Error::Internal {
                message: format!("xlsx: {e}"),
            })?;
            document_response(
                bytes,
                DocFormat::Xlsx,
                &format!("programmes-summary-{half}"),
            )
        }
        "pdf" => {
            let doc = summary_document(lang, &body, watermark(&caller, lang, as_of));
            let bytes = typeset(move || riskmap_document::summary_pdf(&doc, &lang.words())).await?;
            document_response(
                bytes,
                DocFormat::Pdf,
                &format!("programmes-summary-{half}-{}", lang.code()),
            )
        }
        _ => axum::Json(body).into_response(),
    };
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    Ok(response)
}

/// The summary's numbers written for the PDF, one line per region and the totals.
fn summary_document(
    lang: Lang,
    body: &HalfYearSummary,
    watermark: String,
) -> riskmap_document::SummaryDocument {
    use riskmap_document::data::SummaryLine as Line;
    use riskmap_document::format::count;
    let line = |region: String, l: &[u64; 12]| Line {
        region,
        by_status: [
            count(l[0]),
            count(l[1]),
            count(l[2]),
            count(l[3]),
            count(l[4]),
        ],
        actions: [count(l[5]), count(l[6]), count(l[7]), count(l[8])],
        budget: count(l[9]),
        late_reports: count(l[10]),
        missing_reports: count(l[11]),
    };
    let mut total = [0_u64; 12];
    let regions = body
        .regions
        .iter()
        .map(|r| {
            let numbers = r.numbers();
            for (t, n) in total.iter_mut().zip(numbers) {
                *t += n;
            }
            let name = super::document_data::name_in(lang, &r.region_name_kk, &r.region_name_ru);
            line(name, &numbers)
        })
        .collect();
    riskmap_document::SummaryDocument {
        half: lang.period(&body.half),
        as_of: riskmap_document::format::date(&body.as_of),
        watermark,
        regions,
        total: line(lang.words().total.to_owned(), &total),
    }
}

impl SummaryLine {
    /// The line's numbers in the order of the document's columns.
    fn numbers(&self) -> [u64; 12] {
        let counts = [
            self.draft,
            self.approved,
            self.acknowledged,
            self.returned,
            self.closed,
            self.actions_on_track,
            self.actions_delayed,
            self.actions_overdue,
            self.actions_done,
        ]
        .map(u64::from);
        let mut out = [0; 12];
        out[..9].copy_from_slice(&counts);
        out[9] = self.budget_tenge;
        out[10] = u64::from(self.late_reports);
        out[11] = u64::from(self.missing_reports);
        out
    }
}

/// Column headers: Russian and Kazakh.
const HEADERS: [&str; 15] = [
    "КАТО",
    "Регион / Өңір",
    "Облыс (қаз.)",
    "Проект / Жоба",
    "Утверждена / Бекітілген",
    "Принята МП / Қабылданды",
    "Возвращена / Қайтарылды",
    "Закрыта / Жабылды",
    "В графике / Кестеде",
    "Задержка / Кешігу",
    "Просрочено / Мерзімі өткен",
    "Выполнено / Орындалды",
    "Бюджет, тг / Бюджет, теңге",
    "Отчёты с опозданием / Кешіккен есептер",
    "Нет отчёта / Есеп жоқ",
];

fn to_xlsx(body: &HalfYearSummary) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("summary")?;
    let mark = Format::new().set_italic().set_font_color("#7A1F00");
    let bold = Format::new().set_bold().set_text_wrap();
    sheet.write_string_with_format(0, 0, &body.watermark, &mark)?;
    sheet.write_string(
        1,
        0,
        format!("Полугодие / Жартыжылдық: {} ({})", body.half, body.as_of),
    )?;
    for (col, title) in HEADERS.iter().enumerate() {
        sheet.write_string_with_format(3, u16::try_from(col).unwrap_or(u16::MAX), *title, &bold)?;
    }
    for (i, line) in body.regions.iter().enumerate() {
        let row = u32::try_from(i + 4).unwrap_or(u32::MAX);
        sheet.write_string(row, 0, &line.region)?;
        sheet.write_string(row, 1, &line.region_name_ru)?;
        sheet.write_string(row, 2, &line.region_name_kk)?;
        let numbers = [
            line.draft,
            line.approved,
            line.acknowledged,
            line.returned,
            line.closed,
            line.actions_on_track,
            line.actions_delayed,
            line.actions_overdue,
            line.actions_done,
        ];
        for (j, n) in numbers.iter().enumerate() {
            sheet.write_number(row, u16::try_from(j + 3).unwrap_or(u16::MAX), f64::from(*n))?;
        }
        #[allow(
            clippy::cast_precision_loss,
            reason = "budgets are far below 2^52 tenge"
        )]
        sheet.write_number(row, 12, line.budget_tenge as f64)?;
        sheet.write_number(row, 13, f64::from(line.late_reports))?;
        sheet.write_number(row, 14, f64::from(line.missing_reports))?;
    }
    workbook.save_to_buffer()
}
