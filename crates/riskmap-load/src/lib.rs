//! Loading files into the store: each file is checked by `riskmap-ingest` on a blocking thread
//! while its rows stream through a bounded channel into one store batch (one transaction),
//! which commits only when no table of the file is refused. `riskmap ingest` and the steward's
//! `POST /api/v1/ingest` both call [`Session::load`], so a file is treated the same whichever
//! way it arrives.
//!
//! Invariants: a refused file changes nothing; a file whose content hash is stored is not read
//! again; memory stays flat as files grow (rows are never collected).

/// The geography's administrative units as store rows.
pub mod admin_units;
mod context;
/// Model and store types ↔ contract-v1 rows.
pub mod contract_rows;
mod error;
mod file;
mod plan;

pub use error::LoadError;
pub use file::{FileReport, FileStatus, Progress, Session, file_sha256};
pub use plan::{load_registry, plan_tables};
