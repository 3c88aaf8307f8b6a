//! Streaming one ingested file into the store as one batch in one transaction.
//!
//! [`Store::write_batch`] receives [`BatchMessage`]s from a bounded channel (the ingest runs on
//! a blocking thread and sends rows as they pass their checks), inserts them in chunks as they
//! arrive, so memory stays flat however long the file is, and ends as the producer says:
//! commit (storing the batch row with its report) or roll back (a refused file changes nothing,
//! not even a batch row). A killed process leaves the transaction uncommitted, so the store is
//! as before or as after, never in between.
//!
//! Records are inserted with `on conflict do nothing returning …`: a record whose
//! (school, period, revision) is already stored ends the batch as a [`RevisionConflict`]
//! naming the row, and nothing is stored. A higher revision is a new row, so history is kept
//! and the aggregates (which read the highest revision) change at once.

use riskmap_model::Measure;
use sqlx::{Postgres, QueryBuilder, Sqlite, Transaction};
use time::{Date, OffsetDateTime};
use tokio::sync::mpsc;

use crate::error::QueryContext;
use crate::ingest_items::{
    BatchEnd, BatchItem, BatchMessage, LegalStat, QuarantinedRow, RevisionConflict, SchoolContact,
    SchoolReference,
};
use crate::store::Pool;
use crate::{NewBatch, Result, Store};

/// Parameters per multi-row insert: below both SQLite's (32,766) and PostgreSQL's (65,535)
/// limits whatever the number of columns.
const MAX_PARAMETERS: usize = 30_000;
/// Columns of a `school_quarter` row besides the measures.
const RECORD_FIXED_COLUMNS: usize = 10;
const SCHOOL_COLUMNS: usize = 25;
const RECORDS_PER_INSERT: usize = MAX_PARAMETERS / (RECORD_FIXED_COLUMNS + Measure::ALL.len());
/// Records per `COPY` on PostgreSQL (a few MB of text; each chunk costs a few round trips).
const RECORDS_PER_COPY: usize = 8_192;

/// The most records a batch writes in one go, on either database. A producer that can run this
/// far ahead keeps the database busy: a chunk starts only once the next one is collected, so
/// rows that arrive only after a chunk ends leave the database idle.
pub const LARGEST_RECORD_CHUNK: usize = if RECORDS_PER_COPY > RECORDS_PER_INSERT {
    RECORDS_PER_COPY
} else {
    RECORDS_PER_INSERT
};

/// An open batch: a transaction with its `ingest_batch` row, and rows waiting for the next
/// multi-row insert.
pub struct BatchWriter {
    tx: Tx,
    /// The handle's data version, raised when the batch commits.
    version: std::sync::Arc<crate::data_version::DataVersion>,
    batch_id: i64,
    synthetic: bool,
    source: String,
    schools: Vec<SchoolReference>,
    records: Vec<(u64, riskmap_model::SchoolQuarterRecord)>,
    contacts: Vec<SchoolContact>,
    legal: Vec<LegalStat>,
    quarantine: Vec<QuarantinedRow>,
    written: u64,
    conflict: Option<RevisionConflict>,
    /// A chunk of records encoded and waiting for the previous one to finish.
    pending_records: Option<records::PendingRecords>,
    statements: records::RecordStatements,
}

/// The start of a batch.
pub enum BatchStart {
    /// A transaction is open.
    Open(Box<BatchWriter>),
    /// A batch with the same content hash is stored; nothing to do.
    AlreadyStored {
        /// The earlier batch id.
        batch_id: i64,
    },
}

enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// Runs `$body` with `$conn` bound to the transaction's connection and `$db` to its type.
macro_rules! with_tx {
    ($tx:expr, $conn:ident, $db:ident => $body:expr) => {
        match $tx {
            $crate::ingest_batch::Tx::Sqlite(tx) => {
                #[allow(dead_code, reason = "not every body names the database type")]
                type $db = sqlx::Sqlite;
                let $conn = &mut **tx;
                $body
            }
            $crate::ingest_batch::Tx::Postgres(tx) => {
                #[allow(dead_code, reason = "not every body names the database type")]
                type $db = sqlx::Postgres;
                let $conn = &mut **tx;
                $body
            }
        }
    };
}

/// `COPY` text rows of `school_quarter` records (PostgreSQL).
mod copy_text;
/// `school_quarter` rows, encoded while the previous chunk executes.
mod records;
/// Inserts into the side tables of a batch: contacts, legal statistics, quarantine.
mod side_tables;

impl Store {
    /// The batch stored with this content hash, if any (re-ingesting a file is a no-op).
    pub async fn find_batch(&self, content_sha256: &str) -> Result<Option<i64>> {
        crate::store::with_pool!(self, pool, DB => {
            sqlx::query_scalar("select batch_id from ingest_batch where content_sha256 = $1")
                .bind(content_sha256)
                .fetch_optional(pool)
                .await
        })
        .context("look up batch hash")
    }

    /// Opens a batch: begins a write transaction and inserts the `ingest_batch` row, unless a
    /// batch with the same content hash is already stored.
    pub async fn begin_batch(&self, batch: &NewBatch) -> Result<BatchStart> {
        let mut tx = match &self.pool {
            // IMMEDIATE takes the write lock now, so a concurrent writer waits (busy timeout)
            // instead of failing later when this transaction upgrades its read snapshot.
            Pool::Sqlite(pool) => Tx::Sqlite(
                pool.begin_with("BEGIN IMMEDIATE")
                    .await
                    .context("begin batch")?,
            ),
            Pool::Postgres(pool) => Tx::Postgres(pool.begin().await.context("begin batch")?),
        };
        let existing: Option<i64> = with_tx!(&mut tx, conn, DB => {
            sqlx::query_scalar("select batch_id from ingest_batch where content_sha256 = $1")
                .bind(&batch.content_sha256)
                .fetch_optional(&mut *conn)
                .await
        })
        .context("look up batch hash")?;
        if let Some(batch_id) = existing {
            return Ok(BatchStart::AlreadyStored { batch_id });
        }
        let batch_id: i64 = with_tx!(&mut tx, conn, DB => {
            sqlx::query_scalar(
                "insert into ingest_batch (source, kind, content_sha256, synthetic, row_count, created_at) \
                 values ($1, $2, $3, $4, 0, $5) returning batch_id",
            )
            .bind(&batch.source)
            .bind(&batch.kind)
            .bind(&batch.content_sha256)
            .bind(batch.synthetic)
            .bind(OffsetDateTime::now_utc())
            .fetch_one(&mut *conn)
            .await
        })
        .context("insert batch")?;
        Ok(BatchStart::Open(Box::new(BatchWriter {
            tx,
            version: self.version.clone(),
            batch_id,
            synthetic: batch.synthetic,
            source: batch.source.clone(),
            schools: Vec::new(),
            records: Vec::new(),
            contacts: Vec::new(),
            legal: Vec::new(),
            quarantine: Vec::new(),
            written: 0,
            conflict: None,
            pending_records: None,
            statements: records::RecordStatements::default(),
        })))
    }

    /// Writes one batch from a stream of messages, in one transaction (see the module docs).
    ///
    /// Returns when the producer sends `Commit` or `Rollback`; a channel closed without either
    /// (the producer failed) rolls back and returns [`BatchEnd::RolledBack`]. After a revision
    /// conflict the remaining messages are drained without writing, so the producer can finish
    /// its report.
    pub async fn write_batch(
        &self,
        batch: &NewBatch,
        messages: &mut mpsc::Receiver<BatchMessage>,
    ) -> Result<BatchEnd> {
        let mut writer = match self.begin_batch(batch).await? {
            BatchStart::Open(writer) => writer,
            BatchStart::AlreadyStored { batch_id } => {
                while messages.recv().await.is_some() {}
                return Ok(BatchEnd::AlreadyStored { batch_id });
            }
        };
        while let Some(message) = messages.recv().await {
            match message {
                BatchMessage::Item(item) => writer.push(item).await?,
                BatchMessage::Commit { report_json } => return writer.commit(&report_json).await,
                BatchMessage::Rollback => {
                    writer.rollback().await?;
                    return Ok(BatchEnd::RolledBack);
                }
            }
        }
        writer.rollback().await?;
        Ok(BatchEnd::RolledBack)
    }
}

impl BatchWriter {
    /// The id the batch will have if it commits.
    pub fn batch_id(&self) -> i64 {
        self.batch_id
    }

    /// Adds one item; writes a chunk when enough rows are waiting. After a revision conflict
    /// items are ignored (the batch can only roll back).
    pub async fn push(&mut self, item: BatchItem) -> Result<()> {
        if self.conflict.is_some() {
            return Ok(());
        }
        let full = match item {
            BatchItem::School(school) => {
                self.schools.push(*school);
                self.schools.len() >= MAX_PARAMETERS / SCHOOL_COLUMNS
            }
            BatchItem::Record { row, record } => {
                self.records.push((row, *record));
                if self.records.len() >= self.records_per_chunk() {
                    // Parents first: the records' schools, then the records (pipelined).
                    self.flush_schools().await?;
                    return self.flush_records(false).await;
                }
                false
            }
            BatchItem::Contact(contact) => {
                self.contacts.push(*contact);
                self.contacts.len() >= MAX_PARAMETERS / 9
            }
            BatchItem::LegalStat(stat) => {
                self.legal.push(stat);
                self.legal.len() >= MAX_PARAMETERS / 6
            }
            BatchItem::Quarantine(row) => {
                self.quarantine.push(row);
                self.quarantine.len() >= MAX_PARAMETERS / 7
            }
        };
        if full {
            self.flush().await?;
        }
        Ok(())
    }

    /// Writes what is waiting, stores the report with the batch row and commits; a revision
    /// conflict rolls back instead.
    pub async fn commit(mut self, report_json: &str) -> Result<BatchEnd> {
        self.flush().await?;
        if let Some(conflict) = self.conflict.take() {
            self.rollback().await?;
            return Ok(BatchEnd::Conflict(conflict));
        }
        let rows = i64::try_from(self.written).unwrap_or(i64::MAX);
        let batch_id = self.batch_id;
        with_tx!(&mut self.tx, conn, DB => {
            sqlx::query("update ingest_batch set row_count = $1, report_json = $2 where batch_id = $3")
                .bind(rows)
                .bind(report_json)
                .bind(batch_id)
                .execute(&mut *conn)
                .await
                .map(|done| done.rows_affected())
        })
        .context("store batch report")?;
        // Last before the commit: the counter's row stays locked until then.
        let version: i64 = with_tx!(&mut self.tx, conn, DB => {
            sqlx::query_scalar::<DB, i64>(crate::data_version::BUMP)
                .fetch_one(&mut *conn)
                .await
        })
        .context("raise data version")?;
        match self.tx {
            Tx::Sqlite(tx) => tx.commit().await,
            Tx::Postgres(mut tx) => {
                // Delivered to every listening store when (and only if) the batch commits.
                sqlx::query("select pg_notify($1, $2)")
                    .bind(crate::data_version::CHANNEL)
                    .bind(version.to_string())
                    .execute(&mut *tx)
                    .await
                    .context("notify data version")?;
                tx.commit().await
            }
        }
        .context("commit batch")?;
        self.version.raise(version);
        Ok(BatchEnd::Committed {
            batch_id,
            rows: self.written,
        })
    }

    /// Abandons the batch: nothing it wrote remains.
    pub async fn rollback(self) -> Result<()> {
        match self.tx {
            Tx::Sqlite(tx) => tx.rollback().await,
            Tx::Postgres(tx) => tx.rollback().await,
        }
        .context("roll back batch")
    }

    /// Inserts every waiting row, parents first (schools before the records that name them).
    async fn flush(&mut self) -> Result<()> {
        if self.conflict.is_some() {
            return Ok(());
        }
        self.flush_schools().await?;
        self.flush_contacts().await?;
        self.flush_records(true).await?;
        self.flush_legal().await?;
        self.flush_quarantine().await
    }

    async fn flush_schools(&mut self) -> Result<()> {
        if self.schools.is_empty() {
            return Ok(());
        }
        // One row per school per statement (PostgreSQL refuses to update a row twice in one
        // statement); the latest version wins, here and against the stored row.
        let mut schools = std::mem::take(&mut self.schools);
        schools.sort_by(|a, b| {
            (a.school.id.as_str(), a.valid_from).cmp(&(b.school.id.as_str(), b.valid_from))
        });
        let mut latest: Vec<SchoolReference> = Vec::with_capacity(schools.len());
        for school in schools {
            match latest.last_mut() {
                Some(last) if last.school.id == school.school.id => *last = school,
                _ => latest.push(school),
            }
        }
        let (batch_id, synthetic) = (self.batch_id, self.synthetic);
        for chunk in latest.chunks(MAX_PARAMETERS / SCHOOL_COLUMNS) {
            with_tx!(&mut self.tx, conn, DB => {
                let mut query = QueryBuilder::<DB>::new(
                    "insert into school (school_id, name_kk, name_ru, district_kato, region_kato, lon, lat, settlement_type, \
                     synthetic, batch_id, bin, locality_kato, kato_version, address_kk, address_ru, ownership, org_type, \
                     instruction_lang, grade_min, grade_max, shifts, valid_from, valid_to, status, successor_org_id) ",
                );
                query.push_values(chunk, |mut row, s| {
                    row.push_bind(s.school.id.as_str().to_owned())
                        .push_bind(s.school.name_kk.clone())
                        .push_bind(s.school.name_ru.clone())
                        .push_bind(s.school.district.as_str().to_owned())
                        .push_bind(s.school.region.as_str().to_owned())
                        .push_bind(s.school.location.map(|l| l.0))
                        .push_bind(s.school.location.map(|l| l.1))
                        .push_bind(s.school.settlement.as_str())
                        .push_bind(synthetic)
                        .push_bind(batch_id)
                        .push_bind(s.bin.clone())
                        .push_bind(s.locality_kato.as_str().to_owned())
                        .push_bind(date_text(s.kato_version))
                        .push_bind(s.address_kk.clone())
                        .push_bind(s.address_ru.clone())
                        .push_bind(s.ownership.clone())
                        .push_bind(s.org_type.clone())
                        .push_bind(s.instruction_lang.clone())
                        .push_bind(s.grade_min)
                        .push_bind(s.grade_max)
                        .push_bind(s.shifts)
                        .push_bind(date_text(s.valid_from))
                        .push_bind(s.valid_to.map(date_text))
                        .push_bind(s.status.clone())
                        .push_bind(s.successor_org_id.clone());
                });
                query.push(
                    " on conflict (school_id) do update set name_kk = excluded.name_kk, name_ru = excluded.name_ru, \
                     district_kato = excluded.district_kato, region_kato = excluded.region_kato, lon = excluded.lon, \
                     lat = excluded.lat, settlement_type = excluded.settlement_type, synthetic = excluded.synthetic, \
                     batch_id = excluded.batch_id, bin = excluded.bin, locality_kato = excluded.locality_kato, \
                     kato_version = excluded.kato_version, address_kk = excluded.address_kk, address_ru = excluded.address_ru, \
                     ownership = excluded.ownership, org_type = excluded.org_type, instruction_lang = excluded.instruction_lang, \
                     grade_min = excluded.grade_min, grade_max = excluded.grade_max, shifts = excluded.shifts, \
                     valid_from = excluded.valid_from, valid_to = excluded.valid_to, status = excluded.status, \
                     successor_org_id = excluded.successor_org_id \
                     where school.valid_from is null or school.valid_from <= excluded.valid_from",
                );
                query.build().execute(&mut *conn).await.map(|done| done.rows_affected())
            })
            .context("upsert schools")?;
            self.written += chunk.len() as u64;
        }
        Ok(())
    }
}

pub(crate) fn date_text(date: Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}
