//! riskmap's storage, and the only crate that knows SQL.
//!
//! [`Store`] talks to SQLite (the embedded default: one file, created and migrated on first
//! start) or PostgreSQL (when given a `postgres://` URL), through sqlx. Both backends run the
//! same query text (SQLite accepts `$n` placeholders) against parallel migrations in
//! `migrations/sqlite` and `migrations/postgres`.
//!
//! Invariants: the store holds aggregates only (counts per school and quarter), never
//! person-level data; a batch is written in one transaction, so a failure leaves the store as
//! it was; column names reach SQL only from `riskmap_model::Measure`, never from input.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

/// Aggregation of school × quarter facts to districts and regions.
mod aggregates;
/// Writing batches of schools and records.
mod batches;
/// Reads of the restricted contacts table.
mod contacts;
/// Which stored record is a school's current revision of a quarter.
mod current_revision;
/// The data version kept in memory and its refresh.
pub mod data_version;
/// The one error type of this crate.
pub mod error;
/// Streaming an ingested file into the store (one batch, one transaction).
mod ingest_batch;
/// The rows an ingested file stores.
mod ingest_items;
/// Reads for the ingest context and for reports.
mod ingest_reads;
/// Recently read programme contents, by id and version.
mod programme_bodies;
/// Crisis-management programmes: rows, versions, events, idempotency keys.
pub mod programmes;
/// Submission status per school and quarter.
mod reporting;
/// A few measures of many schools, packed for a fast read.
mod school_measures;
/// Connection, backend dispatch and migrations.
mod store;
/// Bearer tokens and the audit log.
mod tokens;
/// Administrative units.
mod units;
/// Saved warm-ups, per build and data version.
mod warm_snapshots;

pub use aggregates::{PartitionPeriodSums, SchoolPeriodValues, SchoolScope, UnitPeriodSums};
pub use batches::{BatchOutcome, NewBatch};
pub use error::{Error, Result};
pub use ingest_batch::{BatchStart, BatchWriter, LARGEST_RECORD_CHUNK};
pub use ingest_items::{
    BatchEnd, BatchItem, BatchMessage, LegalStat, QuarantinedRow, RevisionConflict, SchoolContact,
    SchoolReference,
};
pub use ingest_reads::{CurrentRevision, RowCounts};
pub use programmes::{
    Change, Created, EventMeta, IdempotencyKey, NewProgramme, ProgrammeEvent, ProgrammeFilter,
    StoredProgramme,
};
pub use reporting::Submission;
pub use school_measures::SchoolPeriodMeasures;
pub use store::{Backend, Store};
pub use tokens::{AuditEvent, TokenRecord, token_hash};
pub use units::AdminUnitRow;
