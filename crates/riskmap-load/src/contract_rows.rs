//! The one place where model and store types meet contract-v1 rows: `School`,
//! `SchoolQuarterRecord` and `SchoolContact` → [`Row`] (for `riskmap demo generate`), and checked rows → store
//! items (for `riskmap ingest`). A record written by the first and read by the second comes
//! back equal, which the round-trip tests check.

use riskmap_geo::Geography;
use riskmap_ingest::{RefusedRow, Row, TableName, Value};
use riskmap_model::{
    Kato, Measure, MeasureKind, Period, School, SchoolId, SchoolQuarterRecord, Settlement,
};
use riskmap_store::{BatchItem, LegalStat, QuarantinedRow, SchoolContact, SchoolReference};
use time::Date;
use time::macros::date;

/// The KATO classifier version the demo's reference rows cite (`kato-2022-10-17-full.csv`).
pub const KATO_VERSION: Date = date!(2022 - 10 - 17);

/// The legal-statistics count columns, unpivoted into one stored count each.
const LEGAL_COUNTS: [&str; 3] = [
    "offences_by_minors",
    "offences_against_minors",
    "sexual_offences_against_minors",
];

/// A `school_quarter` row for `record` of a school whose KATO code is `kato`.
pub fn record_row(record: &SchoolQuarterRecord, kato: Kato) -> Row {
    let mut row = Row::empty(TableName::SchoolQuarter);
    let text = |t: &str| Value::Text(t.into());
    let set = |row: &mut Row, column: &str, value: Value| {
        let known = row.set(column, value);
        debug_assert!(known, "{column} is a contract column");
    };
    set(&mut row, "nobd_org_id", text(record.school.as_str()));
    set(&mut row, "kato", Value::Kato(kato));
    set(&mut row, "period", Value::Period(record.period));
    set(
        &mut row,
        "period_start",
        Value::Date(record.period.start_date()),
    );
    set(
        &mut row,
        "period_end",
        Value::Date(record.period.end_date()),
    );
    set(
        &mut row,
        "submitted_at",
        Value::Timestamp(record.submitted_at),
    );
    set(&mut row, "revision", Value::Int(i64::from(record.revision)));
    let optional = |v: Option<Value>| v.unwrap_or(Value::Null);
    set(
        &mut row,
        "schema_version",
        optional(record.schema_version.as_deref().map(text)),
    );
    set(
        &mut row,
        "nil_return",
        optional(record.nil_return.map(Value::Bool)),
    );
    set(
        &mut row,
        "antibullying_programme",
        optional(record.antibullying_programme.map(Value::Bool)),
    );
    set(
        &mut row,
        "notes",
        optional(record.notes.as_deref().map(text)),
    );
    for measure in Measure::ALL {
        let value = match (record.values.get(*measure), measure.kind()) {
            (None, _) => Value::Null,
            #[allow(clippy::cast_possible_truncation, reason = "counts are whole numbers")]
            (Some(v), MeasureKind::Count) => Value::Int(v.round() as i64),
            (Some(v), MeasureKind::Decimal) => Value::Decimal(v),
        };
        set(&mut row, measure.column(), value);
    }
    row
}

/// A `school_reference` row for a demo school with locality code `kato`, the
/// documented defaults for what the model does not hold (a state general school teaching in
/// Kazakh and Russian, grades 0–11, active), valid from `valid_from` with no end.
pub fn reference_row(school: &School, kato: Kato, valid_from: Date) -> Row {
    let mut row = Row::empty(TableName::SchoolReference);
    let text = |t: &str| Value::Text(t.into());
    let values = [
        ("nobd_org_id", text(school.id.as_str())),
        ("name_kk", text(&school.name_kk)),
        ("name_ru", text(&school.name_ru)),
        ("kato", Value::Kato(kato)),
        ("kato_version", Value::Date(KATO_VERSION)),
        (
            "lat",
            school.location.map_or(Value::Null, |l| Value::Decimal(l.1)),
        ),
        (
            "lon",
            school.location.map_or(Value::Null, |l| Value::Decimal(l.0)),
        ),
        ("settlement_type", text(school.settlement.as_str())),
        ("ownership", text("state")),
        ("org_type", text("general")),
        (
            "instruction_lang",
            Value::Set(vec!["kk".into(), "ru".into()]),
        ),
        ("grade_min", Value::Int(0)),
        ("grade_max", Value::Int(11)),
        ("valid_from", Value::Date(valid_from)),
        ("valid_to", Value::Date(date!(9999 - 12 - 31))),
        ("status", text("active")),
    ];
    for (column, value) in values {
        let known = row.set(column, value);
        debug_assert!(known, "{column} is a contract column");
    }
    row
}

/// A `school_contacts` row for `contact` (the demo's synthetic contacts are written with it).
pub fn contact_row(contact: &SchoolContact) -> Row {
    let mut row = Row::empty(TableName::SchoolContacts);
    let text = |t: &str| Value::Text(t.into());
    let optional = |t: &Option<String>| t.as_deref().map_or(Value::Null, text);
    let values = [
        ("nobd_org_id", text(contact.school.as_str())),
        ("role", text(&contact.role)),
        ("full_name", text(&contact.full_name)),
        ("work_phone", optional(&contact.work_phone)),
        ("work_email", optional(&contact.work_email)),
        ("fte", contact.fte.map_or(Value::Null, Value::Decimal)),
        ("valid_from", Value::Date(contact.valid_from)),
        (
            "valid_to",
            contact.valid_to.map_or(Value::Null, Value::Date),
        ),
    ];
    for (column, value) in values {
        let known = row.set(column, value);
        debug_assert!(known, "{column} is a contract column");
    }
    row
}

/// The store items of one checked row. `None` when the row lacks a value its checks
/// guarantee (cannot happen for a row the ingest passed).
pub fn batch_items(row: &Row, geography: Option<&Geography>) -> Option<Vec<BatchItem>> {
    match row.table {
        TableName::SchoolQuarter => {
            let record = record_of(row)?;
            Some(vec![BatchItem::Record {
                row: row.row,
                record: Box::new(record),
            }])
        }
        TableName::SchoolReference => {
            let school = reference_of(row, geography?)?;
            Some(vec![BatchItem::School(Box::new(school))])
        }
        TableName::SchoolContacts => Some(vec![BatchItem::Contact(Box::new(contact_of(row)?))]),
        TableName::LegalStats => {
            legal_of(row).map(|stats| stats.into_iter().map(BatchItem::LegalStat).collect())
        }
    }
}

/// A `school_quarter` row as a model record.
pub fn record_of(row: &Row) -> Option<SchoolQuarterRecord> {
    Some(SchoolQuarterRecord {
        school: SchoolId::parse(row.school_id()?).ok()?,
        period: row.period()?,
        revision: u32::try_from(row.int("revision")?).ok()?,
        submitted_at: match row.get("submitted_at")? {
            Value::Timestamp(at) => *at,
            _ => return None,
        },
        values: row.measure_values(),
        nil_return: bool_of(row, "nil_return"),
        antibullying_programme: bool_of(row, "antibullying_programme"),
        schema_version: text_of(row, "schema_version"),
        notes: text_of(row, "notes"),
    })
}

/// The district a school lies in: the polygon containing its (lon, lat), else the district
/// whose KATO code shares the first four digits of the school's (an exact `ABCD00000` match
/// first).
pub fn district_of<'g>(
    geography: &'g Geography,
    kato: &Kato,
    lon_lat: Option<(f64, f64)>,
) -> Option<&'g riskmap_geo::District> {
    if let Some((lon, lat)) = lon_lat
        && let Some(district) = geography.district_at(geo_types::Point::new(lon, lat))
    {
        return Some(district);
    }
    let prefix = &kato.as_str()[..4];
    let same_prefix = || {
        geography
            .districts()
            .iter()
            .filter(|d| &d.kato.as_str()[..4] == prefix)
    };
    same_prefix()
        .find(|d| &d.kato.as_str()[4..] == "00000")
        .or_else(|| same_prefix().next())
}

fn reference_of(row: &Row, geography: &Geography) -> Option<SchoolReference> {
    let kato = row.kato()?;
    let lon_lat = float_of(row, "lon").zip(float_of(row, "lat"));
    let district = district_of(geography, &kato, lon_lat)?;
    let school = School {
        id: SchoolId::parse(row.school_id()?).ok()?,
        name_kk: text_of(row, "name_kk")?,
        name_ru: text_of(row, "name_ru")?,
        district: district.kato,
        region: district.region,
        location: lon_lat,
        settlement: Settlement::parse(row.get("settlement_type")?.as_text()?).ok()?,
    };
    let instruction_lang = match row.get("instruction_lang")? {
        Value::Set(items) => items.join(";"),
        _ => return None,
    };
    Some(SchoolReference {
        school,
        bin: match row.get("bin") {
            Some(Value::Bin(bin)) => Some(bin.to_string()),
            _ => None,
        },
        locality_kato: kato,
        kato_version: date_of(row, "kato_version")?,
        address_kk: text_of(row, "address_kk"),
        address_ru: text_of(row, "address_ru"),
        ownership: text_of(row, "ownership")?,
        org_type: text_of(row, "org_type")?,
        instruction_lang,
        grade_min: row.int("grade_min")?,
        grade_max: row.int("grade_max")?,
        shifts: row.int("shifts"),
        valid_from: date_of(row, "valid_from")?,
        valid_to: date_of(row, "valid_to"),
        status: text_of(row, "status")?,
        successor_org_id: text_of(row, "successor_org_id"),
    })
}

fn contact_of(row: &Row) -> Option<SchoolContact> {
    Some(SchoolContact {
        school: SchoolId::parse(row.school_id()?).ok()?,
        role: text_of(row, "role")?,
        full_name: text_of(row, "full_name")?,
        work_phone: text_of(row, "work_phone"),
        work_email: text_of(row, "work_email"),
        fte: float_of(row, "fte"),
        valid_from: date_of(row, "valid_from")?,
        valid_to: date_of(row, "valid_to"),
    })
}

/// A legal-statistics row unpivoted: one count per reported count column.
fn legal_of(row: &Row) -> Option<Vec<LegalStat>> {
    let legal = riskmap_ingest::LegalRow::from_row(row)?;
    let period = legal.period.to_string();
    Some(
        LEGAL_COUNTS
            .iter()
            .filter_map(|column| {
                let value = row.int(column)?;
                Some(LegalStat {
                    unit: legal.kato,
                    period: period.clone(),
                    measure: (*column).to_owned(),
                    value,
                })
            })
            .collect(),
    )
}

/// A refused row for the quarantine table: its cells as `{header: cell}` and its findings.
pub fn quarantined(refused: &RefusedRow, table: TableName, sheet: Option<&str>) -> QuarantinedRow {
    let cells: serde_json::Map<String, serde_json::Value> = refused
        .headers
        .iter()
        .zip(&refused.cells)
        .map(|(header, cell)| (header.clone(), serde_json::Value::String(cell.clone())))
        .collect();
    QuarantinedRow {
        table: table.as_str().to_owned(),
        sheet: sheet.map(str::to_owned),
        row: refused.row,
        row_json: serde_json::Value::Object(cells).to_string(),
        findings_json: serde_json::to_string(&refused.findings).expect("findings serialise"),
    }
}

/// The first quarter of a run of `quarters` quarters ending with `last`.
pub fn first_of(last: Period, quarters: u32) -> Period {
    (1..quarters).fold(last, |p, _| p.previous())
}

fn text_of(row: &Row, column: &str) -> Option<String> {
    row.get(column).and_then(Value::as_text).map(str::to_owned)
}

fn float_of(row: &Row, column: &str) -> Option<f64> {
    row.get(column).and_then(Value::as_f64)
}

fn bool_of(row: &Row, column: &str) -> Option<bool> {
    match row.get(column) {
        Some(Value::Bool(b)) => Some(*b),
        _ => None,
    }
}

fn date_of(row: &Row, column: &str) -> Option<Date> {
    match row.get(column) {
        Some(Value::Date(d)) => Some(*d),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use riskmap_model::MeasureValues;

    fn record() -> SchoolQuarterRecord {
        let mut values = MeasureValues::empty();
        values.set(Measure::PupilsTotal, Some(420.0));
        values.set(Measure::PsychFteFilled, Some(1.25));
        SchoolQuarterRecord {
            school: SchoolId::parse("ORG-1").expect("valid id"),
            period: Period::parse("2024-Q2").expect("valid period"),
            revision: 2,
            submitted_at: time::macros::datetime!(2024-07-05 10:30 +05:00),
            values,
            nil_return: Some(false),
            antibullying_programme: None,
            schema_version: Some("1.0".to_owned()),
            notes: Some("checked".to_owned()),
        }
    }

    #[test]
    fn a_record_survives_the_trip_through_a_contract_row() {
        let kato = Kato::parse("751710000").expect("valid code");
        let row = record_row(&record(), kato);
        assert_eq!(row.kato(), Some(kato));
        assert_eq!(
            row.get("period_end"),
            Some(&Value::Date(date!(2024 - 06 - 30)))
        );
        assert_eq!(record_of(&row), Some(record()));
    }

    #[test]
    fn quarters_are_counted_back_from_the_last() {
        let last = Period::parse("2024-Q4").expect("valid period");
        assert_eq!(first_of(last, 8).to_string(), "2023-Q1");
        assert_eq!(first_of(last, 1), last);
    }
}
