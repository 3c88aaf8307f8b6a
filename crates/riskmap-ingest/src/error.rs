//! The one error type of `riskmap-ingest`.
//!
//! Problems *in the submitted data* are not errors: they are [`crate::Finding`]s in an
//! [`crate::Outcome`], whose decision may be to refuse the file. An `Error` means the ingest
//! itself could not go on: the reader failed, the caller's sink failed, a caller-supplied
//! mapping or registry is malformed, or a writer could not produce its output.

/// What stopped an ingest, a parse of caller data or a write.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading the input failed (not a data problem: the byte source itself failed).
    #[error("reading {file}")]
    Read {
        /// The file name given by the caller.
        file: String,
        /// The underlying IO error.
        #[source]
        source: std::io::Error,
    },
    /// The caller's row sink returned an error; the ingest stopped at that row.
    #[error("row sink failed at {file} row {row}: {message}")]
    Sink {
        /// The file name given by the caller.
        file: String,
        /// The 1-based row (header = row 1) being delivered.
        row: u64,
        /// What the sink reported.
        message: String,
    },
    /// A header-mapping file does not parse or names an unknown table or column.
    #[error("header mapping: {message}")]
    Mapping {
        /// What is wrong.
        message: String,
    },
    /// The compiled-in contract or region-name table breaks one of its rules.
    #[error("contract data {what}: {message}")]
    ContractData {
        /// Which data file.
        what: &'static str,
        /// What is wrong.
        message: String,
    },
    /// A KATO registry file does not have the expected `id,parent_id,kato,name_ru` layout.
    #[error("KATO registry line {line}: {message}")]
    KatoRegistry {
        /// The 1-based line in the registry file.
        line: u64,
        /// What is wrong.
        message: String,
    },
    /// The file was refused; carries the rule codes and counts, never cell values.
    #[error("{file} refused: {summary}")]
    Refused {
        /// The file name given by the caller.
        file: String,
        /// `CODE×count` pairs of the error findings.
        summary: String,
    },
    /// Writing CSV failed.
    #[error("writing CSV")]
    WriteCsv(#[source] csv::Error),
    /// Writing XLSX failed.
    #[error("writing XLSX")]
    WriteXlsx(#[source] rust_xlsxwriter::XlsxError),
    /// Writing to the caller's writer failed.
    #[error("writing output")]
    Write(#[source] std::io::Error),
    /// A test-data generator or defect builder was given input it cannot use.
    #[error("fixture: {message}")]
    Fixture {
        /// What is wrong.
        message: String,
    },
}

/// Result with this crate's error.
pub type Result<T, E = Error> = std::result::Result<T, E>;
