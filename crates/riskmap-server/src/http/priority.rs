//! `GET /api/v1/priority?parent=KATO[&period=…][&format=json|csv|xlsx|geojson]`: the crisis
//! teams' priority list of schools (domain §5.4) with fired triggers, drivers and the list's
//! columns, built by `riskmap_score::priority`, and its exports. Every number passes the same
//! disclosure rules as the screen: S2 counts exact only where the role sees them exactly
//! (bands for akimats), contacts only for crisis teams and the ministry. Exports are
//! watermarked with the user and scope and recorded in the audit log.

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use riskmap_model::{Kato, Period};
use riskmap_store::AuditEvent;
use serde::Serialize;
use utoipa::ToSchema;

use super::periods::choose_period;
use super::priority_words::Lang;
use super::query::{RawQuery, parse_query, take};
use super::wire::WireCount;
use super::{Caller, Error, Result};
use crate::AppState;
use crate::view::priority::ShownRow;

/// The exports' columns, in order (headers in the export's language: `Lang::column`).
const COLUMNS: [&str; 18] = [
    "rank",
    "nobd_org_id",
    "name_ru",
    "name_kk",
    "district_kato",
    "district_name",
    "settlement",
    "pupils",
    "composite",
    "quintile_region",
    "p_exceed",
    "triggers",
    "drivers",
    "viol_total",
    "bullying",
    "s2_events",
    "psych_gap_fte",
    "data_quarter",
];

/// One row of the list as it goes on the wire.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct PriorityRow {
    rank: usize,
    nobd_org_id: String,
    name_ru: String,
    name_kk: String,
    district_kato: String,
    district_name_ru: String,
    district_name_kk: String,
    settlement: &'static str,
    pupils: WireCount,
    composite: Option<f64>,
    quintile_region: Option<u8>,
    p_exceed: Option<f64>,
    triggers: String,
    drivers: String,
    viol_total: WireCount,
    bullying: WireCount,
    s2_events: WireCount,
    s2_exact: bool,
    psych_gap_fte: Option<f64>,
    contacts_visible: bool,
    /// The school's work contacts in effect today; empty unless `contacts_visible`.
    contacts: Vec<PriorityContact>,
    data_quarter: String,
    model_version: String,
    #[serde(skip)]
    location: Option<(f64, f64)>,
}

/// One work contact of a school (crisis teams and the ministry only).
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct PriorityContact {
    /// `director`, `deputy_upbringing`, `psychologist`, `social_pedagogue` or
    /// `district_focal_point`.
    role: String,
    full_name: String,
    work_phone: Option<String>,
    work_email: Option<String>,
}

/// The list (JSON).
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct PriorityList {
    period: String,
    model_version: String,
    parent: String,
    rows: Vec<PriorityRow>,
    watermark: String,
    /// The notes in the language asked for (`lang`).
    footnotes: [&'static str; 3],
    role: &'static str,
}

// GET /api/v1/priority
#[utoipa::path(get, path = "/api/v1/priority", tag = "priority",
    security(("bearer" = [])),
    params(
        ("parent" = String, Query, description = "A region or district KATO code within the caller's scope", example = "750000000"),
        ("period" = Option<String>, Query, description = "Quarter; default the latest", example = "2024-Q4"),
        ("format" = Option<String>, Query, description = "json (default), csv, xlsx or geojson", example = "json"),
        ("lang" = Option<String>, Query, description = "Language of the notes, watermark, export headers and cell labels: kk, ru (default) or en", example = "kk"),
    ),
    responses((status = 200, description = "Priority list (JSON; CSV, XLSX or GeoJSON as attachments)", body = PriorityList),
        (status = 400, description = "Malformed request", body = super::openapi::ErrorBody),
        (status = 401, description = "A bearer token is required", body = super::openapi::ErrorBody),
        (status = 403, description = "The role may not see schools of this unit", body = super::openapi::ErrorBody),
        (status = 404, description = "Unknown unit or period", body = super::openapi::ErrorBody)))]
pub(crate) async fn get_priority(
    State(state): State<AppState>,
    caller: Caller,
    query: RawQuery,
) -> Result<Response> {
    caller.require_analytic()?;
    let (taken, rest) = take(query, &["format", "lang"])?;
    let lang = match taken.get("lang") {
        None => Lang::Ru,
        Some(text) => Lang::parse(text).ok_or_else(|| Error::BadRequest {
            code: "bad_lang",
            message: format!("lang must be kk, ru or en, got {text:?}"),
        })?,
    };
    let format = taken
        .get("format")
        .cloned()
        .unwrap_or_else(|| "json".to_owned());
    if !matches!(format.as_str(), "json" | "csv" | "xlsx" | "geojson") {
        return Err(Error::BadRequest {
            code: "bad_format",
            message: format!("format must be json, csv, xlsx or geojson, got {format:?}"),
        });
    }
    let params = parse_query(rest, &["parent", "period"])?;
    let parent = params.parent.ok_or_else(|| Error::BadRequest {
        code: "bad_query",
        message: "parent (a region or district KATO) is required".to_owned(),
    })?;
    let districts: Vec<Kato> = if let Some(d) = state.geography.district(&parent) {
        vec![d.kato]
    } else if state.geography.region(&parent).is_some() {
        state
            .geography
            .districts_of(&parent)
            .map(|d| d.kato)
            .collect()
    } else {
        return Err(Error::NotFound {
            code: "unknown_unit",
            message: format!("no region or district with KATO {parent}"),
        });
    };
    if !districts
        .iter()
        .any(|d| caller.audience.may_see_schools_of(d))
    {
        return Err(Error::Forbidden {
            code: "schools_not_visible",
            message: format!("your role may not see the schools of {parent}"),
        });
    }
    let period = choose_period(&state, params.period).await?.required()?;
    let view = crate::view::priority::priority(&state, &caller.audience, parent, period).await?;
    let rows: Vec<PriorityRow> = view
        .rows
        .iter()
        .map(|row| wire_row(row, &view.model_version))
        .collect();
    let footnotes = lang.footnotes();
    let scope = scope_codes(&caller.scope);
    let who = [lang.role(caller.role_name()), scope.as_str()]
        .into_iter()
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" · ");
    let watermark = format!(
        "{} — {who} · {}",
        footnotes[0],
        riskmap_model::period::kazakhstan_date(time::OffsetDateTime::now_utc())
    );
    let words = ExportWords {
        lang,
        catalogue: &state.catalogue,
        columns: export_columns(crate::view::priority::contacts_visible(&caller.audience)),
    };
    let event = AuditEvent {
        at: time::OffsetDateTime::now_utc(),
        token_id: caller.token_id,
        role: caller.role_name().to_owned(),
        action: if format == "json" {
            "priority_view".to_owned()
        } else {
            format!("export_{format}")
        },
        scope: caller.scope.clone(),
        filters: format!("parent={parent} period={period}"),
        row_count: i64::try_from(rows.len()).unwrap_or(i64::MAX),
    };
    state.store.record_audit(&event).await?;
    let file = format!("priority-{parent}-{period}");
    let mut response = match format.as_str() {
        "csv" => attachment(
            to_csv(&rows, &watermark, &words),
            "text/csv; charset=utf-8",
            &format!("{file}.csv"),
        ),
        "xlsx" => attachment(
            to_xlsx(&rows, &watermark, period, &words).map_err(|e| Error::Internal {
                message: format!("xlsx: {e}"),
            })?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            &format!("{file}.xlsx"),
        ),
        "geojson" => attachment(
            to_geojson(&rows, &watermark, period, &view.model_version, lang)?,
            "application/geo+json",
            &format!("{file}.geojson"),
        ),
        _ => axum::Json(PriorityList {
            period: period.to_string(),
            model_version: view.model_version.clone(),
            parent: parent.to_string(),
            rows,
            watermark,
            footnotes,
            role: caller.role_name(),
        })
        .into_response(),
    };
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    Ok(response)
}

fn wire_row(row: &ShownRow, model_version: &str) -> PriorityRow {
    PriorityRow {
        rank: row.rank,
        nobd_org_id: row.school.id.as_str().to_owned(),
        name_ru: row.school.name_ru.clone(),
        name_kk: row.school.name_kk.clone(),
        district_kato: row.school.district.to_string(),
        district_name_ru: row.district_name_ru.clone(),
        district_name_kk: row.district_name_kk.clone(),
        settlement: row.settlement.as_str(),
        pupils: row.pupils.into(),
        composite: row.composite,
        quintile_region: row.quintile_region,
        p_exceed: row.p_exceed,
        triggers: row
            .triggers
            .iter()
            .map(|t| snake(&format!("{t:?}")))
            .collect::<Vec<_>>()
            .join(", "),
        drivers: row.drivers.join(", "),
        viol_total: row.viol_total.into(),
        bullying: row.bullying.into(),
        s2_events: row.s2_events.into(),
        s2_exact: row.s2_exact,
        psych_gap_fte: row.psych_gap_fte.value(),
        contacts_visible: row.contacts_visible,
        contacts: row
            .contacts
            .iter()
            .map(|c| PriorityContact {
                role: c.role.clone(),
                full_name: c.full_name.clone(),
                work_phone: c.work_phone.clone(),
                work_email: c.work_email.clone(),
            })
            .collect(),
        data_quarter: row.data_quarter.to_string(),
        model_version: model_version.to_owned(),
        location: row.school.location,
    }
}

/// A GeoJSON export of the list.
#[derive(Debug, Serialize)]
struct PriorityGeoJson<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    features: Vec<PriorityFeature<'a>>,
    watermark: &'a str,
    footnotes: [&'static str; 3],
    period: String,
    model_version: &'a str,
}

#[derive(Debug, Serialize)]
struct PriorityFeature<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    geometry: Option<PointGeometry>,
    properties: &'a PriorityRow,
}

#[derive(Debug, Serialize)]
struct PointGeometry {
    #[serde(rename = "type")]
    kind: &'static str,
    coordinates: [f64; 2],
}

fn to_geojson(
    rows: &[PriorityRow],
    watermark: &str,
    period: Period,
    model_version: &str,
    lang: Lang,
) -> Result<Vec<u8>> {
    let body = PriorityGeoJson {
        kind: "FeatureCollection",
        features: rows
            .iter()
            .map(|r| PriorityFeature {
                kind: "Feature",
                geometry: r.location.map(|(lon, lat)| PointGeometry {
                    kind: "Point",
                    coordinates: [lon, lat],
                }),
                properties: r,
            })
            .collect(),
        watermark,
        footnotes: lang.footnotes(),
        period: period.to_string(),
        model_version,
    };
    serde_json::to_vec(&body).map_err(|e| Error::Internal {
        message: format!("geojson: {e}"),
    })
}

fn snake(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// The KATO codes of a grant's scope label (`akimat region=750000000`), for a watermark
/// that reads the same in every language.
pub(crate) fn scope_codes(scope: &str) -> String {
    scope
        .split_whitespace()
        .filter_map(|part| part.split_once('=').map(|(_, codes)| codes))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The language and catalogue an export's cells and headers are written with, and its columns.
struct ExportWords<'a> {
    lang: Lang,
    catalogue: &'a riskmap_model::Catalogue,
    /// [`COLUMNS`], and `contacts` for readers who may see them.
    columns: Vec<&'static str>,
}

/// The export columns of a reader: [`COLUMNS`], then `contacts` when the reader may see them.
fn export_columns(contacts_visible: bool) -> Vec<&'static str> {
    let mut columns = COLUMNS.to_vec();
    if contacts_visible {
        columns.push("contacts");
    }
    columns
}

/// One export cell: a number (XLSX keeps it numeric) or text.
pub(crate) enum Cell {
    Number(f64),
    Text(String),
}

impl Cell {
    /// The cell as CSV text: integers without a trailing `.0`.
    pub(crate) fn text(&self) -> String {
        match self {
            Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{n:.0}"),
            Cell::Number(n) => n.to_string(),
            Cell::Text(t) => t.clone(),
        }
    }
}

impl ExportWords<'_> {
    /// The cells of one row, in column order, with labels instead of codes.
    fn cells(&self, row: &PriorityRow) -> Vec<Cell> {
        let value = as_value(row);
        self.columns
            .iter()
            .map(|key| match *key {
                "district_name" => Cell::Text(if self.lang == Lang::Kk {
                    row.district_name_kk.clone()
                } else {
                    row.district_name_ru.clone()
                }),
                "settlement" => Cell::Text(self.lang.settlement(row.settlement).to_owned()),
                "triggers" => {
                    Cell::Text(self.list(&row.triggers, |code| self.lang.trigger(code).to_owned()))
                }
                "drivers" => Cell::Text(self.list(&row.drivers, |code| self.indicator(code))),
                "data_quarter" => Cell::Text(self.lang.quarter(&row.data_quarter)),
                "contacts" => Cell::Text(self.contacts(&row.contacts)),
                key => match &value[key] {
                    serde_json::Value::Number(n) => Cell::Number(n.as_f64().unwrap_or_default()),
                    serde_json::Value::Null => Cell::Text(String::new()),
                    serde_json::Value::String(s) => Cell::Text(s.clone()),
                    other => Cell::Text(other.to_string()),
                },
            })
            .collect()
    }

    /// Contacts as one cell: `психолог: Name, +7…, mail; директор: …`.
    fn contacts(&self, contacts: &[PriorityContact]) -> String {
        contacts
            .iter()
            .map(|c| {
                let reach = [
                    Some(&c.full_name),
                    c.work_phone.as_ref(),
                    c.work_email.as_ref(),
                ]
                .into_iter()
                .flatten()
                .map(String::as_str)
                .collect::<Vec<_>>()
                .join(", ");
                format!("{}: {reach}", self.lang.contact_role(&c.role))
            })
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// A comma-separated list of codes as words.
    fn list(&self, codes: &str, word: impl Fn(&str) -> String) -> String {
        codes
            .split(',')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(word)
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// An indicator code as its catalogue label.
    fn indicator(&self, code: &str) -> String {
        self.catalogue
            .indicators
            .iter()
            .find(|i| i.code == code)
            .map_or_else(|| code.to_owned(), |i| self.lang.label(&i.label))
    }
}

fn to_csv(rows: &[PriorityRow], watermark: &str, words: &ExportWords) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let _ = writer.write_record(words.columns.iter().map(|key| words.lang.column(key)));
    for row in rows {
        let _ = writer.write_record(words.cells(row).iter().map(Cell::text));
    }
    let _ = writer.write_record([format!("# {watermark}")]);
    for note in &words.lang.footnotes()[1..] {
        let _ = writer.write_record([format!("# {note}")]);
    }
    for key in &words.columns {
        let line = format!(
            "# {}: {}",
            words.lang.column(key),
            words.lang.column_note(key)
        );
        let _ = writer.write_record([line]);
    }
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(writer.into_inner().unwrap_or_default());
    bytes
}

/// A row as a JSON object, so that the table formats read cells by column name.
fn as_value(row: &PriorityRow) -> serde_json::Value {
    serde_json::to_value(row).unwrap_or_default()
}

fn to_xlsx(
    rows: &[PriorityRow],
    watermark: &str,
    period: Period,
    words: &ExportWords,
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("priority")?;
    let bold = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_background_color("#F2DCDB");
    let mark = Format::new().set_italic().set_font_color("#7A1F00");
    sheet.write_string_with_format(0, 0, watermark, &mark)?;
    sheet.write_string(1, 0, words.lang.period_line(&period.to_string()))?;
    for (col, key) in words.columns.iter().enumerate() {
        let col = u16::try_from(col).unwrap_or(u16::MAX);
        sheet.write_string_with_format(3, col, words.lang.column(key), &bold)?;
        sheet.set_column_width(col, 16)?;
    }
    for (idx, row) in rows.iter().enumerate() {
        let line = u32::try_from(idx + 4).unwrap_or(u32::MAX);
        for (col, cell) in words.cells(row).into_iter().enumerate() {
            let col = u16::try_from(col).unwrap_or(u16::MAX);
            match cell {
                Cell::Number(n) => sheet.write_number(line, col, n)?,
                Cell::Text(text) => sheet.write_string(line, col, text)?,
            };
        }
    }
    let after = u32::try_from(rows.len() + 5).unwrap_or(u32::MAX);
    for (i, note) in words.lang.footnotes().iter().enumerate() {
        sheet.write_string_with_format(after + u32::try_from(i).unwrap_or(0), 0, *note, &mark)?;
    }
    sheet.set_freeze_panes(4, 0)?;
    write_column_notes(workbook.add_worksheet(), words)?;
    workbook.save_to_buffer()
}

/// The second sheet: every column's header and what it means.
fn write_column_notes(
    sheet: &mut rust_xlsxwriter::Worksheet,
    words: &ExportWords,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    sheet.set_name(words.lang.notes_sheet())?;
    let bold = rust_xlsxwriter::Format::new().set_bold();
    sheet.set_column_width(0, 36)?;
    sheet.set_column_width(1, 100)?;
    for (index, key) in words.columns.iter().enumerate() {
        let line = u32::try_from(index).unwrap_or(u32::MAX);
        sheet.write_string_with_format(line, 0, words.lang.column(key), &bold)?;
        sheet.write_string(line, 1, words.lang.column_note(key))?;
    }
    Ok(())
}

pub(crate) fn attachment(bytes: Vec<u8>, content_type: &'static str, name: &str) -> Response {
    let mut response = bytes.into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        response
            .headers_mut()
            .insert(header::CONTENT_DISPOSITION, value);
    }
    response
}
