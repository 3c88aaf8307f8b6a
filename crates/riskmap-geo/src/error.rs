//! The error type of `riskmap-geo`: what can be wrong with a reference file.

use std::path::PathBuf;

/// A reference file that cannot be read or breaks a rule; always names the file.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file could not be read.
    #[error("cannot read {}", path.display())]
    Read {
        /// Where.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The file is not valid GeoJSON.
    #[error("{file}: not valid GeoJSON: {message}")]
    GeoJson {
        /// File name.
        file: String,
        /// Parser message.
        message: String,
    },
    /// One feature breaks a rule.
    #[error("{file}: feature {index} ({kato}): {message}")]
    Feature {
        /// File name.
        file: String,
        /// 0-based feature index.
        index: usize,
        /// The feature's `kato` property, or `?` when missing.
        kato: String,
        /// What is wrong.
        message: String,
    },
    /// A table row breaks a rule.
    #[error("{file}: row {row}: {message}")]
    Row {
        /// File name.
        file: String,
        /// 1-based row number, counting the header as row 1.
        row: usize,
        /// What is wrong.
        message: String,
    },
    /// The file as a whole breaks a rule (e.g. wrong number of regions).
    #[error("{file}: {message}")]
    File {
        /// File name.
        file: String,
        /// What is wrong.
        message: String,
    },
}

/// Result with this crate's error.
pub type Result<T, E = Error> = std::result::Result<T, E>;
