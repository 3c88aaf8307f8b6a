//! Ingest of NOBD contract-v1 exports (domain §6) and legal-statistics tables (§2.3).
//!
//! This crate owns the contract (`data/contract/v1.toml`, compiled in), header mapping,
//! decoding (UTF-8, UTF-8 with BOM, Windows-1251; comma or semicolon), the CSV and XLSX
//! readers, the checks of §6.5 with stable codes, the privacy guard, writers for contract
//! files and the generators of test data (synthetic rows and one defective file per class).
//!
//! Invariants: pure — no filesystem, network, async or SQL; input is `impl Read` or bytes
//! plus a file name for messages, output is values. A CSV is processed row by row, keeping
//! only counts, capped findings, key hashes and bounded outlier samples. A suspected piece of
//! personal data refuses the whole file and is never echoed in any message.
//!
//! Entry types: [`ingest`] (streaming, with a row sink; [`ingest_borrowed`] lends the rows), [`read_school_quarter`] /
//! [`read_table`] (whole file), [`read_legal_stats`], [`Options`], [`Context`], [`Outcome`].
#![forbid(unsafe_code)]
#![warn(missing_docs)]

/// The text in blocks and chunks cut at record boundaries.
mod blocks;
/// Cells to values: the parse plan and the reused row buffer.
mod cells;
/// Per-row rules across cells and against the caller's context.
mod checks;
/// Caller-supplied lookups: KATO registry, schools, previous quarter.
pub mod context;
/// The contract v1 column list.
pub mod contract;
/// Encoding and delimiter detection, streaming decoding, hashing.
pub mod decode;
/// Defective variants of a valid file, one per defect class.
pub mod defects;
/// The row engine shared by CSV and XLSX.
mod engine;
/// The one error type of this crate.
pub mod error;
/// Findings and their stable codes.
pub mod finding;
/// The reader of one workbook part that stops at the limits.
mod guarded;
/// Small non-cryptographic hashers.
mod hash;
/// Hostile files for the regression tests of the readers' limits.
pub mod hostile;
/// BIN/IIN check digit.
pub mod identifiers;
/// Entry points for contract tables.
pub mod ingest;
/// Duplicate-key detection.
mod keys;
/// The legal-statistics reader.
pub mod legal;
/// Letter classes of ASCII and Cyrillic characters by table (the privacy guard's hot path).
mod letters;
/// Bounds on the work and memory of reading one file.
pub mod limits;
/// Header mapping (labels, aliases, mapping files).
pub mod mapping;
/// Fast paths for plain numbers.
mod numbers;
/// Options, outcome, row events.
pub mod outcome;
/// Plausibility outliers.
mod outlier;
/// The CSV pipeline: chunks, worker threads, the tally in file order.
mod pipeline;
/// The privacy guard.
mod privacy;
/// CSV records and fields; chunk boundaries.
mod records;
/// Region names in kk/ru.
pub mod regions;
/// Typed rows.
pub mod row;
/// Which table a file holds (name, sheets, header row).
pub mod sniff;
/// Deterministic synthetic `school_quarter` rows.
pub mod synth;
/// The stateful side of a file: counts, keys, findings, the sink.
mod tally;
/// Typed cell values.
pub mod value;
/// CSV and XLSX writers.
pub mod write;
/// The streaming XLSX reader.
mod xlsx;

pub use context::{Context, KatoRegistry, Lookup, NoContext};
pub use contract::{Contract, TableName};
pub use decode::{Detected, EncodingChoice};
pub use error::{Error, Result};
pub use finding::{Code, Finding, Severity};
pub use ingest::{
    Collected, content_sha256, ingest, ingest_borrowed, ingest_mapped, read_school_quarter,
    read_table,
};
pub use legal::{LegalRow, LegalStats, read_legal_stats};
pub use limits::Limits;
pub use mapping::HeaderMapping;
pub use outcome::{
    Decision, Format, Mapped, Options, Outcome, Policy, RateSpec, RefusedRow, RowEvent, RowRef,
};
pub use row::Row;
pub use value::{StatPeriod, Value};
pub use write::{
    write_csv, write_school_quarter_csv, write_school_quarter_xlsx, write_xlsx, write_xlsx_sheet,
};
