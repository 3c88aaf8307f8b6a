//! A store's fingerprint: every row of every table an ingest writes, each value in one
//! canonical spelling whichever database holds it (integers and booleans as integers, reals
//! by their bits, timestamps in UTC to the microsecond, NULL as `∅`), rows sorted. Two stores
//! that hold the same data have equal fingerprints; the batches' wall-clock `created_at` is
//! left out.

#![allow(
    clippy::unwrap_used,
    reason = "test support: a failure should stop the test"
)]

use sqlx::{Column, Connection, Row, TypeInfo, ValueRef};
use time::{OffsetDateTime, UtcOffset};

use super::TestDb;

/// The tables an ingest writes to, and the data version its commits raise.
const TABLES: &[&str] = &[
    "ingest_batch",
    "admin_unit",
    "school",
    "school_quarter",
    "school_contact",
    "legal_stat",
    "quarantine",
    "data_version",
];
/// Columns that hold a timestamp (text on SQLite, `timestamptz` on PostgreSQL).
const TIMESTAMPS: &[&str] = &["submitted_at"];
/// Columns whose value differs run to run.
const SKIPPED: &[&str] = &["created_at"];

/// One line per stored row, `table|column=value|…` (columns by name), sorted.
pub(crate) async fn fingerprint(db: &TestDb) -> Vec<String> {
    let url = db.url();
    let mut lines = Vec::new();
    macro_rules! dump {
        ($conn:ty) => {{
            let mut conn = <$conn>::connect(&url).await.unwrap();
            for table in TABLES {
                let rows = sqlx::query(sqlx::AssertSqlSafe(format!("select * from {table}")))
                    .fetch_all(&mut conn)
                    .await
                    .unwrap();
                lines.extend(rows.iter().map(|row| line(table, row)));
            }
        }};
    }
    if url.starts_with("sqlite:") {
        dump!(sqlx::SqliteConnection);
    } else {
        dump!(sqlx::PgConnection);
    }
    lines.sort();
    lines
}

/// `table|column=value|…`, columns by name.
fn line<R: Row>(table: &str, row: &R) -> String
where
    usize: sqlx::ColumnIndex<R>,
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> i32: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> f64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> bool: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> OffsetDateTime: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let mut fields: Vec<(&str, String)> = row
        .columns()
        .iter()
        .enumerate()
        .filter(|(_, column)| !SKIPPED.contains(&column.name()))
        .map(|(idx, column)| (column.name(), value(row, idx, column.name())))
        .collect();
    // By name: a table rebuilt by a migration may order its columns differently.
    fields.sort();
    let mut out = table.to_owned();
    for (name, value) in fields {
        out.push('|');
        out.push_str(name);
        out.push('=');
        out.push_str(&value);
    }
    out
}

fn value<R: Row>(row: &R, idx: usize, name: &str) -> String
where
    usize: sqlx::ColumnIndex<R>,
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> i32: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> f64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> bool: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> OffsetDateTime: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    if row.try_get_raw(idx).unwrap().is_null() {
        return "∅".to_owned();
    }
    if TIMESTAMPS.contains(&name) {
        let at: OffsetDateTime = row.try_get_unchecked(idx).unwrap();
        let at = at.to_offset(UtcOffset::UTC);
        return format!("{} {}", at.date(), at.time());
    }
    let kind = row.columns()[idx].type_info().name().to_ascii_uppercase();
    match kind.as_str() {
        "BOOL" | "BOOLEAN" => i64::from(row.try_get_unchecked::<bool, _>(idx).unwrap()).to_string(),
        "INT4" => row.try_get_unchecked::<i32, _>(idx).unwrap().to_string(),
        "INTEGER" | "INT8" | "BIGINT" => row.try_get_unchecked::<i64, _>(idx).unwrap().to_string(),
        "REAL" | "FLOAT8" | "DOUBLE PRECISION" => {
            let value: f64 = row.try_get_unchecked(idx).unwrap();
            format!("{value:?}#{:016x}", value.to_bits())
        }
        _ => row.try_get_unchecked::<String, _>(idx).unwrap(),
    }
}
