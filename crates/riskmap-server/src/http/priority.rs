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
use super::query::{RawQuery, parse_query, take};
use super::wire::WireCount;
use super::{Caller, Error, Result};
use crate::AppState;
use crate::view::priority::ShownRow;

/// The footnotes printed under every export.
const FOOTNOTES: [&str; 3] = [
    "Служебное, не пересылать / Қызметтік, жібермеңіз / Internal, do not forward.",
    "c: suppressed; bands 0, 1-2, 3+ for S2 counts where the role may not see them exactly. Counts are rounded or suppressed per audience; totals may not add up.",
    "Detected counts mix incidence with detection effort; data silence is itself a risk signal.",
];

/// Column headers: machine name, Russian, Kazakh.
const COLUMNS: [(&str, &str, &str); 18] = [
    ("rank", "Ранг", "Орны"),
    ("nobd_org_id", "ID НОБД", "ҰБДҚ ID"),
    ("name_ru", "Школа", "Мектеп (орыс.)"),
    ("name_kk", "Школа (каз.)", "Мектеп"),
    ("district_kato", "КАТО района", "Аудан ҚАТО"),
    ("district_name_ru", "Район", "Аудан"),
    ("settlement", "Город/село", "Қала/ауыл"),
    ("pupils", "Учащихся", "Оқушылар"),
    ("composite", "Индекс риска (0–10)", "Тәуекел индексі (0–10)"),
    ("quintile_region", "Квинтиль в регионе", "Өңірдегі квинтиль"),
    ("p_exceed", "P(превышение)", "P(асып кету)"),
    ("triggers", "Сработавшие признаки", "Іске қосылған белгілер"),
    ("drivers", "Основные факторы", "Негізгі факторлар"),
    ("viol_total", "Случаи насилия", "Зорлық-зомбылық"),
    ("bullying", "Буллинг", "Буллинг"),
    (
        "s2_events",
        "Суицид/попытки/самоповр. (S2)",
        "Суицид/әрекет (S2)",
    ),
    (
        "psych_gap_fte",
        "Дефицит психологов (ставки)",
        "Психолог тапшылығы (штат)",
    ),
    ("data_quarter", "Квартал данных", "Деректер тоқсаны"),
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
    data_quarter: String,
    model_version: String,
    #[serde(skip)]
    location: Option<(f64, f64)>,
}

/// The list (JSON).
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct PriorityList {
    period: String,
    model_version: String,
    parent: String,
    rows: Vec<PriorityRow>,
    watermark: String,
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
    let (taken, rest) = take(query, &["format"])?;
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
    let watermark = format!(
        "{} — {} · {} · {}",
        FOOTNOTES[0],
        caller.role_name(),
        caller.scope,
        time::OffsetDateTime::now_utc().date()
    );
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
            to_csv(&rows, &watermark),
            "text/csv; charset=utf-8",
            &format!("{file}.csv"),
        ),
        "xlsx" => attachment(
            to_xlsx(&rows, &watermark, period).map_err(|e| Error::Internal {
                message: format!("xlsx: {e}"),
            })?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            &format!("{file}.xlsx"),
        ),
        "geojson" => attachment(
            to_geojson(&rows, &watermark, period, &view.model_version)?,
            "application/geo+json",
            &format!("{file}.geojson"),
        ),
        _ => axum::Json(PriorityList {
            period: period.to_string(),
            model_version: view.model_version.clone(),
            parent: parent.to_string(),
            rows,
            watermark,
            footnotes: FOOTNOTES,
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
        footnotes: FOOTNOTES,
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

fn cell_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn to_csv(rows: &[PriorityRow], watermark: &str) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let _ = writer.write_record(COLUMNS.iter().map(|(_, ru, kk)| format!("{ru} / {kk}")));
    for row in rows.iter().map(as_value) {
        let _ = writer.write_record(COLUMNS.iter().map(|(key, _, _)| cell_text(&row[*key])));
    }
    let _ = writer.write_record([format!("# {watermark}")]);
    for note in &FOOTNOTES[1..] {
        let _ = writer.write_record([format!("# {note}")]);
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
    sheet.write_string(1, 0, format!("Период данных / Деректер кезеңі: {period}"))?;
    for (col, (_, ru, kk)) in COLUMNS.iter().enumerate() {
        let col = u16::try_from(col).unwrap_or(u16::MAX);
        sheet.write_string_with_format(3, col, format!("{ru}\n{kk}"), &bold)?;
        sheet.set_column_width(col, 16)?;
    }
    for (idx, row) in rows.iter().map(as_value).enumerate() {
        let line = u32::try_from(idx + 4).unwrap_or(u32::MAX);
        for (col, (key, _, _)) in COLUMNS.iter().enumerate() {
            let col = u16::try_from(col).unwrap_or(u16::MAX);
            match &row[*key] {
                serde_json::Value::Number(n) => {
                    sheet.write_number(line, col, n.as_f64().unwrap_or_default())?
                }
                other => sheet.write_string(line, col, cell_text(other))?,
            };
        }
    }
    let after = u32::try_from(rows.len() + 5).unwrap_or(u32::MAX);
    for (i, note) in FOOTNOTES.iter().enumerate() {
        sheet.write_string_with_format(after + u32::try_from(i).unwrap_or(0), 0, *note, &mark)?;
    }
    sheet.set_freeze_panes(4, 0)?;
    workbook.save_to_buffer()
}

fn attachment(bytes: Vec<u8>, content_type: &'static str, name: &str) -> Response {
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
