//! What can stop a load. Findings in the data are not errors: they end in a refused
//! [`crate::FileReport`]. These are the failures around the data.

use std::path::PathBuf;

/// A failure to load a file (the store is unchanged whenever one is returned).
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The request itself is wrong: an unreadable file, a table that cannot be told, a bad
    /// mapping. `riskmap ingest` exits 2 on these; the upload endpoint answers 400.
    #[error("{0}")]
    Usage(String),
    /// A file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The checks failed to run (not a finding: e.g. the sink stopped).
    #[error("cannot check {file}: {source}")]
    Check {
        /// The file's name.
        file: String,
        /// Why.
        source: riskmap_ingest::Error,
    },
    /// The store failed.
    #[error("cannot store {file}: {source}")]
    Store {
        /// The file's name.
        file: String,
        /// Why.
        source: riskmap_store::Error,
    },
    /// The checking thread died.
    #[error("the checking thread of {file} failed: {message}")]
    Worker {
        /// The file's name.
        file: String,
        /// Why.
        message: String,
    },
}
