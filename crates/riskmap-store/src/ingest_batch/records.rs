//! `school_quarter` rows of a streamed batch, written in chunks that overlap with the checks:
//! while one chunk executes on the database (SQLite's worker thread, or the PostgreSQL server),
//! the next chunk is encoded on this task.
//!
//! SQLite: multi-row inserts whose statement text for a chunk size is built once and reused
//! (the driver's statement cache keys on it); a record whose (school, period, revision) is
//! already stored is not inserted (`on conflict do nothing`), and when a chunk inserts fewer
//! rows than it holds, the first such row is looked up.
//!
//! PostgreSQL: `COPY … FROM STDIN` in the text format, each chunk inside a savepoint; a unique
//! violation rolls the chunk back to its savepoint and the first stored key of the chunk is
//! looked up the same way. Either way the conflict becomes the batch's [`RevisionConflict`]
//! and the batch rolls back; both paths store the same values (`copy_text.rs` writes each
//! column exactly as the bound parameter would be stored).

use std::collections::HashSet;
use std::sync::Arc;

use riskmap_model::{Measure, MeasureKind, Period, SchoolId, SchoolQuarterRecord};
use sqlx::{Arguments, AssertSqlSafe, Database, PgConnection, Sqlite};

use super::{BatchWriter, RECORD_FIXED_COLUMNS, RECORDS_PER_COPY, RECORDS_PER_INSERT, Tx};
use crate::Result;
use crate::error::QueryContext;
use crate::ingest_items::RevisionConflict;

/// A chunk whose arguments are encoded and which waits for the previous one to finish.
pub(super) struct PendingRecords {
    arguments: ChunkArguments,
    /// (file row, school, period, revision) of each row, in order, to name a conflict.
    keys: Vec<(u64, SchoolId, Period, u32)>,
}

enum ChunkArguments {
    Sqlite(<Sqlite as Database>::Arguments),
    /// The chunk as `COPY` text rows.
    PostgresCopy(Vec<u8>),
}

/// SQLite statement texts by rows (full chunks all share one), and PostgreSQL's `COPY`.
pub(super) struct RecordStatements {
    texts: Vec<(usize, Arc<str>)>,
    copy: String,
}

impl Default for RecordStatements {
    fn default() -> Self {
        Self {
            texts: Vec::new(),
            copy: copy_sql(),
        }
    }
}

impl RecordStatements {
    fn get(&mut self, rows: usize) -> Arc<str> {
        if let Some((_, text)) = self.texts.iter().find(|(n, _)| *n == rows) {
            return text.clone();
        }
        let text: Arc<str> = insert_sql(rows).into();
        self.texts.push((rows, text.clone()));
        text
    }
}

fn insert_sql(rows: usize) -> String {
    let columns = RECORD_FIXED_COLUMNS + Measure::ALL.len();
    let mut sql = String::from(
        "insert into school_quarter (school_id, period, revision, submitted_at, synthetic, batch_id, nil_return, \
         antibullying_programme, schema_version, notes",
    );
    for measure in Measure::ALL {
        sql.push_str(", ");
        sql.push_str(measure.column());
    }
    sql.push_str(") values ");
    for row in 0..rows {
        sql.push_str(if row == 0 { "(" } else { ", (" });
        for column in 0..columns {
            if column > 0 {
                sql.push_str(", ");
            }
            sql.push('?');
        }
        sql.push(')');
    }
    sql.push_str(" on conflict (school_id, period, revision) do nothing");
    sql
}

/// `copy school_quarter (…) from stdin`: the columns in [`insert_sql`]'s order.
fn copy_sql() -> String {
    let mut sql = String::from(
        "copy school_quarter (school_id, period, revision, submitted_at, synthetic, batch_id, nil_return, \
         antibullying_programme, schema_version, notes",
    );
    for measure in Measure::ALL {
        sql.push_str(", ");
        sql.push_str(measure.column());
    }
    sql.push_str(") from stdin");
    sql
}

/// Adds one record's values in column order (see [`insert_sql`]).
macro_rules! add_record {
    ($args:expr, $record:expr, $period:expr, $batch_id:expr, $synthetic:expr) => {{
        let args = $args;
        let record: SchoolQuarterRecord = $record;
        args.add(record.school.as_str())?;
        args.add($period)?;
        args.add(i64::from(record.revision))?;
        args.add(record.submitted_at)?;
        args.add($synthetic)?;
        args.add($batch_id)?;
        args.add(record.nil_return)?;
        args.add(record.antibullying_programme)?;
        args.add(record.schema_version)?;
        args.add(record.notes)?;
        for measure in Measure::ALL {
            let value = record.values.get(*measure);
            match measure.kind() {
                #[allow(
                    clippy::cast_possible_truncation,
                    reason = "counts are validated whole numbers"
                )]
                MeasureKind::Count => args.add(value.map(|v| v.round() as i64))?,
                MeasureKind::Decimal => args.add(value)?,
            }
        }
        record.school
    }};
}

impl PendingRecords {
    /// Encodes a chunk's arguments for SQLite or PostgreSQL.
    fn encode(
        postgres: bool,
        records: Vec<(u64, SchoolQuarterRecord)>,
        batch_id: i64,
        synthetic: bool,
    ) -> std::result::Result<Self, sqlx::error::BoxDynError> {
        let mut keys = Vec::with_capacity(records.len());
        let mut period_text: Option<(Period, String)> = None;
        let mut period_of = |period: Period| -> String {
            match &period_text {
                Some((cached, text)) if *cached == period => text.clone(),
                _ => {
                    let text = period.to_string();
                    period_text = Some((period, text.clone()));
                    text
                }
            }
        };
        macro_rules! encode_rows {
            ($db:ty, $variant:ident) => {{
                let mut args = <$db as Database>::Arguments::default();
                let parameters = records.len() * (RECORD_FIXED_COLUMNS + Measure::ALL.len());
                args.reserve(parameters, parameters * 8);
                for (row, record) in records {
                    let (period, revision) = (record.period, record.revision);
                    let text = period_of(period);
                    let school = add_record!(&mut args, record, text, batch_id, synthetic);
                    keys.push((row, school, period, revision));
                }
                ChunkArguments::$variant(args)
            }};
        }
        let arguments = if postgres {
            let mut text = Vec::with_capacity(records.len() * 512);
            for (row, record) in records {
                super::copy_text::record_line(
                    &mut text,
                    &record,
                    &period_of(record.period),
                    batch_id,
                    synthetic,
                );
                keys.push((row, record.school, record.period, record.revision));
            }
            ChunkArguments::PostgresCopy(text)
        } else {
            encode_rows!(Sqlite, Sqlite)
        };
        Ok(Self { arguments, keys })
    }
}

impl BatchWriter {
    /// Sends the waiting records on their way: each chunk is encoded while the previous one
    /// executes, then left pending. With `finish`, what is pending is executed too.
    pub(super) async fn flush_records(&mut self, finish: bool) -> Result<()> {
        let postgres = matches!(self.tx, Tx::Postgres(_));
        let (batch_id, synthetic) = (self.batch_id, self.synthetic);
        while !self.records.is_empty() && self.conflict.is_none() {
            let take = self.records.len().min(self.records_per_chunk());
            let chunk: Vec<_> = if take == self.records.len() {
                std::mem::take(&mut self.records)
            } else {
                self.records.drain(..take).collect()
            };
            let encode =
                async move { PendingRecords::encode(postgres, chunk, batch_id, synthetic) };
            let next = match self.pending_records.take() {
                Some(previous) => {
                    let execute =
                        execute_chunk(&mut self.tx, &mut self.statements, batch_id, previous);
                    let (done, next) = tokio::join!(execute, encode);
                    self.account(done?);
                    next
                }
                None => encode.await,
            };
            let next = next
                .map_err(sqlx::Error::Encode)
                .context("encode school-quarter records")?;
            if self.conflict.is_none() {
                self.pending_records = Some(next);
            }
        }
        if finish
            && self.conflict.is_none()
            && let Some(pending) = self.pending_records.take()
        {
            let done = execute_chunk(&mut self.tx, &mut self.statements, batch_id, pending).await?;
            self.account(done);
        }
        if self.conflict.is_some() {
            self.records.clear();
            self.pending_records = None;
        }
        Ok(())
    }

    /// Rows per chunk: a multi-row insert's worth on SQLite, a `COPY`'s on PostgreSQL.
    pub(super) fn records_per_chunk(&self) -> usize {
        match self.tx {
            Tx::Sqlite(_) => RECORDS_PER_INSERT,
            Tx::Postgres(_) => RECORDS_PER_COPY,
        }
    }

    fn account(&mut self, done: ChunkDone) {
        match done {
            ChunkDone::Inserted(rows) => self.written += rows,
            ChunkDone::Conflict(conflict) => self.conflict = Some(conflict),
        }
    }
}

/// What one executed chunk did.
enum ChunkDone {
    Inserted(u64),
    Conflict(RevisionConflict),
}

async fn execute_chunk(
    tx: &mut Tx,
    statements: &mut RecordStatements,
    batch_id: i64,
    pending: PendingRecords,
) -> Result<ChunkDone> {
    let rows = pending.keys.len();
    let stored = match (&mut *tx, pending.arguments) {
        (Tx::Sqlite(tx), ChunkArguments::Sqlite(args)) => {
            sqlx::query_with(AssertSqlSafe(statements.get(rows)), args)
                .execute(&mut **tx)
                .await
                .map(|done| done.rows_affected())
                .context("insert school-quarter records")?
        }
        (Tx::Postgres(tx), ChunkArguments::PostgresCopy(text)) => {
            copy_chunk(tx, &statements.copy, &text).await?
        }
        _ => {
            return Err(sqlx::Error::Protocol(
                "school-quarter rows encoded for the other database".to_owned(),
            ))
            .context("insert school-quarter records");
        }
    };
    if stored as usize == rows {
        return Ok(ChunkDone::Inserted(stored));
    }
    first_conflict(tx, batch_id, &pending.keys).await
}

/// One `COPY` inside a savepoint: the rows copied, or 0 after a unique violation (the chunk is
/// rolled back to its savepoint so the transaction stays usable for the lookup).
async fn copy_chunk(conn: &mut PgConnection, copy: &str, text: &[u8]) -> Result<u64> {
    sqlx::query("savepoint school_quarter_chunk")
        .execute(&mut *conn)
        .await
        .context("open a savepoint for a COPY chunk")?;
    let copied = async {
        let mut sink = conn.copy_in_raw(copy).await?;
        sink.send(text).await?;
        sink.finish().await
    }
    .await;
    match copied {
        Ok(rows) => {
            sqlx::query("release savepoint school_quarter_chunk")
                .execute(&mut *conn)
                .await
                .context("release a COPY chunk's savepoint")?;
            Ok(rows)
        }
        Err(sqlx::Error::Database(error)) if error.is_unique_violation() => {
            sqlx::query("rollback to savepoint school_quarter_chunk")
                .execute(&mut *conn)
                .await
                .context("roll a COPY chunk back to its savepoint")?;
            Ok(0)
        }
        Err(error) => Err(error).context("copy school-quarter records"),
    }
}

/// The first row of a chunk that was not inserted: its key was stored by an earlier batch, or
/// repeats an earlier row of this batch.
async fn first_conflict(
    tx: &mut Tx,
    batch_id: i64,
    keys: &[(u64, SchoolId, Period, u32)],
) -> Result<ChunkDone> {
    let mut seen: HashSet<(&str, Period, u32)> = HashSet::with_capacity(keys.len());
    for (row, school, period, revision) in keys {
        let repeated = !seen.insert((school.as_str(), *period, *revision));
        let stored_before = repeated
            || with_tx!(tx, conn, DB => {
                sqlx::query_scalar::<DB, i64>(
                    "select count(*) from school_quarter \
                     where school_id = $1 and period = $2 and revision = $3 and batch_id <> $4",
                )
                .bind(school.as_str())
                .bind(period.to_string())
                .bind(i64::from(*revision))
                .bind(batch_id)
                .fetch_one(&mut *conn)
                .await
            })
            .context("look up a stored revision")?
                > 0;
        if stored_before {
            return Ok(ChunkDone::Conflict(RevisionConflict {
                row: *row,
                school: school.clone(),
                period: period.to_string(),
                revision: *revision,
            }));
        }
    }
    Err(sqlx::Error::Protocol(
        "a school-quarter chunk inserted fewer rows than it held, but none of them is stored"
            .to_owned(),
    ))
    .context("insert school-quarter records")
}
