//! `GET /api/v1/priority?parent=KATO[&period=…][&format=json|csv|xlsx|geojson]`: the crisis
//! teams' priority list of schools (domain §5.4) with fired triggers, drivers and the list's
//! columns, built by `riskmap_score::priority`, and its exports. Every number passes the same
//! disclosure rules as the screen: S2 counts exact only where the role sees them exactly
//! (bands for akimats), contacts only for crisis teams and the ministry. Exports are
//! watermarked with the user and scope and recorded in the audit log.

use std::collections::HashMap;

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use riskmap_model::suppression::Cell;
use riskmap_model::{Access, AdminLevel, Audience, Period, School, Sensitivity};
use riskmap_score::composite::{Submission, UnitPeriodInput, score_periods};
use riskmap_score::methodology::Methodology;
use riskmap_score::priority::row::{Identity, Place};
use riskmap_score::priority::{HotspotRow, SchoolProfile, priority_list};
use riskmap_store::AuditEvent;

use super::periods::choose_period;
use super::units::{UnitQuery, parse_query};
use super::wire::WireCount;
use super::{Caller, Error, Result};
use crate::AppState;

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

// GET /api/v1/priority
#[utoipa::path(get, path = "/api/v1/priority", tag = "priority",
    security(("bearer" = [])),
    params(
        ("parent" = String, Query, description = "A region or district KATO code within the caller's scope", example = "750000000"),
        ("period" = Option<String>, Query, description = "Quarter; default the latest", example = "2024-Q4"),
        ("format" = Option<String>, Query, description = "json (default), csv, xlsx or geojson", example = "json"),
    ),
    responses((status = 200, description = "Priority list (JSON, CSV, XLSX or GeoJSON)", body = Object),
        (status = 400, description = "Malformed request", body = super::openapi::ErrorBody),
        (status = 401, description = "A bearer token is required", body = super::openapi::ErrorBody),
        (status = 403, description = "The role may not see schools of this unit", body = super::openapi::ErrorBody),
        (status = 404, description = "Unknown unit or period", body = super::openapi::ErrorBody)))]
pub(crate) async fn get_priority(
    State(state): State<AppState>,
    caller: Caller,
    query: UnitQuery,
) -> Result<Response> {
    caller.require_analytic()?;
    let Ok(axum::extract::Query(raw)) = &query else {
        return Err(Error::BadRequest {
            code: "bad_query",
            message: "malformed query".to_owned(),
        });
    };
    let format = raw
        .get("format")
        .cloned()
        .unwrap_or_else(|| "json".to_owned());
    if !matches!(format.as_str(), "json" | "csv" | "xlsx" | "geojson") {
        return Err(Error::BadRequest {
            code: "bad_format",
            message: format!("format must be json, csv, xlsx or geojson, got {format:?}"),
        });
    }
    let mut rest = raw.clone();
    rest.remove("format");
    let params = parse_query(Ok(axum::extract::Query(rest)), &["parent", "period"])?;
    let parent = params.parent.ok_or_else(|| Error::BadRequest {
        code: "bad_query",
        message: "parent (a region or district KATO) is required".to_owned(),
    })?;
    let is_district = state.geography.district(&parent).is_some();
    if !is_district && state.geography.region(&parent).is_none() {
        return Err(Error::NotFound {
            code: "unknown_unit",
            message: format!("no region or district with KATO {parent}"),
        });
    }
    let in_parent = |school: &School| {
        if is_district {
            school.district == parent
        } else {
            school.region == parent
        }
    };
    let period = choose_period(&state, params.period).await?.required()?;
    let schools: Vec<School> = state
        .store
        .schools()
        .await?
        .into_iter()
        .filter(|s| in_parent(s))
        .collect();
    if !schools
        .iter()
        .any(|s| caller.audience.may_see_schools_of(&s.district))
    {
        return Err(Error::Forbidden {
            code: "schools_not_visible",
            message: format!("your role may not see the schools of {parent}"),
        });
    }
    let schools: Vec<School> = schools
        .into_iter()
        .filter(|s| caller.audience.may_see_schools_of(&s.district))
        .collect();
    let list = build_list(&state, &schools, period).await?;
    let rows: Vec<serde_json::Value> = list
        .rows
        .iter()
        .map(|row| row_json(&state, &caller, row))
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
    let response = match format.as_str() {
        "csv" => attachment(to_csv(&rows, &watermark), "text/csv; charset=utf-8", &format!("{file}.csv")),
        "xlsx" => attachment(to_xlsx(&rows, &watermark, period).map_err(|e| Error::Internal { message: format!("xlsx: {e}") })?, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", &format!("{file}.xlsx")),
        "geojson" => {
            let located: HashMap<&str, (f64, f64)> = schools.iter().filter_map(|s| s.location.map(|l| (s.id.as_str(), l))).collect();
            let features: Vec<serde_json::Value> = rows
                .iter()
                .map(|r| {
                    let geometry = r["nobd_org_id"].as_str().and_then(|id| located.get(id)).map_or(serde_json::Value::Null, |(lon, lat)| serde_json::json!({ "type": "Point", "coordinates": [lon, lat] }));
                    serde_json::json!({ "type": "Feature", "geometry": geometry, "properties": r })
                })
                .collect();
            let body = serde_json::json!({ "type": "FeatureCollection", "features": features, "watermark": watermark, "footnotes": FOOTNOTES, "period": period.to_string(), "model_version": list.model_version });
            attachment(body.to_string().into_bytes(), "application/geo+json", &format!("{file}.geojson"))
        }
        _ => axum::Json(serde_json::json!({ "period": period.to_string(), "model_version": list.model_version, "parent": parent.as_str(), "rows": rows, "watermark": watermark, "footnotes": FOOTNOTES, "role": caller.role_name() })).into_response(),
    };
    let mut response = response;
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    Ok(response)
}

async fn build_list(
    state: &AppState,
    schools: &[School],
    period: Period,
) -> Result<riskmap_score::priority::PriorityList> {
    let quarters = period.trailing(8);
    let values = state.store.school_period_values(None, &quarters).await?;
    let mut submitted: HashMap<(String, Period), Submission> = HashMap::new();
    for quarter in &quarters {
        for s in state.store.submissions(*quarter).await? {
            if let Some(at) = s.first_submitted_at {
                let on_time = at.date() <= quarter.due_date();
                submitted.insert(
                    (s.school.as_str().to_owned(), *quarter),
                    if on_time {
                        Submission::OnTime
                    } else {
                        Submission::Late
                    },
                );
            }
        }
    }
    let wanted: HashMap<&str, &School> = schools.iter().map(|s| (s.id.as_str(), s)).collect();
    let records: Vec<UnitPeriodInput> = values
        .into_iter()
        .filter_map(|v| {
            let school = wanted.get(v.school.as_str())?;
            let submission = submitted
                .get(&(v.school.as_str().to_owned(), v.period))
                .copied()
                .unwrap_or(Submission::Late);
            Some(UnitPeriodInput {
                unit: v.school.as_str().to_owned(),
                region: school.region.to_string(),
                parent: Some(school.district.to_string()),
                period: v.period,
                submission,
                measures: v.values,
            })
        })
        .collect();
    let profiles: Vec<SchoolProfile> = schools.iter().map(|s| profile(state, s)).collect();
    let methodology = Methodology::builtin();
    tokio::task::spawn_blocking(move || {
        let scores = score_periods(&methodology, &records)?;
        priority_list(&methodology, period, &profiles, &records, &scores)
    })
    .await
    .map_err(|e| Error::Internal {
        message: e.to_string(),
    })?
    .map_err(|e| Error::Internal {
        message: format!("priority list: {e}"),
    })
}

fn profile(state: &AppState, school: &School) -> SchoolProfile {
    let region = state.geography.region(&school.region);
    let district = state.geography.district(&school.district);
    SchoolProfile {
        identity: Identity {
            nobd_org_id: school.id.clone(),
            name_kk: school.name_kk.clone(),
            name_ru: school.name_ru.clone(),
            bin: None,
            school_type: "general".to_owned(),
            small_class: false,
            languages: Vec::new(),
        },
        place: Place {
            region: school.region,
            region_name_kk: region.map(|r| r.names.kk.clone()).unwrap_or_default(),
            region_name_ru: region.map(|r| r.names.ru.clone()).unwrap_or_default(),
            district: school.district,
            district_name_kk: district.map(|d| d.names.kk.clone()).unwrap_or_default(),
            district_name_ru: district.map(|d| d.names.ru.clone()).unwrap_or_default(),
            kato: school.district,
            settlement: school.settlement,
            address_kk: None,
            address_ru: None,
            location: school.location,
            district_centre: district.map(|d| (d.label_point.x(), d.label_point.y())),
        },
        contacts: riskmap_score::priority::Restricted::new(Vec::new()),
        response: None,
    }
}

/// One row as the caller may see it.
fn row_json(state: &AppState, caller: &Caller, row: &HotspotRow) -> serde_json::Value {
    let district = row.place.place.district;
    let policy = &state.config.policy;
    let count = |value: Option<f64>, sensitivity: Sensitivity| -> WireCount {
        let cell = Cell {
            sensitivity,
            level: AdminLevel::School,
            unit: &district,
            audience: &caller.audience,
        };
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "whole non-negative counts"
        )]
        let disclosed = value.map_or_else(riskmap_model::Disclosed::not_available, |v| {
            policy.count(v.round().max(0.0) as u64, &cell)
        });
        WireCount(disclosed)
    };
    let s2 = row.harm.s2.reveal();
    let s2_total = [s2.suicide_deaths, s2.suicide_attempts, s2.selfharm_episodes]
        .iter()
        .flatten()
        .sum::<f64>();
    let exact_s2 = caller
        .audience
        .access(Sensitivity::S2, AdminLevel::School, &district)
        == Access::Exact;
    let contacts = matches!(
        caller.audience,
        Audience::Crisis { .. } | Audience::Ministry
    );
    serde_json::json!({
        "rank": row.rank,
        "nobd_org_id": row.identity.nobd_org_id.as_str(),
        "name_ru": row.identity.name_ru,
        "name_kk": row.identity.name_kk,
        "district_kato": district.as_str(),
        "district_name_ru": row.place.place.district_name_ru,
        "settlement": row.place.place.settlement.as_str(),
        "pupils": row.size.pupils,
        "composite": row.risk.composite.map(|v| (v * 100.0).round() / 100.0),
        "quintile_region": row.risk.quintile_region,
        "p_exceed": row.risk.p_exceed.map(|v| (v * 1000.0).round() / 1000.0),
        "triggers": row.why.triggers.iter().map(|t| snake(&format!("{:?}", t.trigger))).collect::<Vec<_>>().join(", "),
        "drivers": row.why.drivers.iter().map(|d| d.code.clone()).collect::<Vec<_>>().join(", "),
        "viol_total": count(row.harm.s1.viol_total, Sensitivity::S1),
        "bullying": count(row.harm.s1.bullying, Sensitivity::S1),
        "s2_events": count(Some(s2_total), Sensitivity::S2),
        "s2_exact": exact_s2,
        "psych_gap_fte": row.capacity.staffing.psych.as_ref().map(|g| g.gap_fte),
        "contacts_visible": contacts,
        "data_quarter": row.metadata.data_quarter.to_string(),
        "model_version": row.metadata.model_version,
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

fn to_csv(rows: &[serde_json::Value], watermark: &str) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let _ = writer.write_record(COLUMNS.iter().map(|(_, ru, kk)| format!("{ru} / {kk}")));
    for row in rows {
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

fn to_xlsx(
    rows: &[serde_json::Value],
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
    for (idx, row) in rows.iter().enumerate() {
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
