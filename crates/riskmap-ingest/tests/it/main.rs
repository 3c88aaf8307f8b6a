//! The one integration-test binary of riskmap-ingest: end-to-end reads of whole files.
//!
//! - `defects`: one test per defect class, asserting the code and its row and column.
//! - `formats`: encodings, delimiters, decimal comma, XLSX and CSV round trips, hashing.
//! - `privacy`: whole-file refusal that never echoes the value.
//! - `policy`: refuse-file versus accept-partial, streaming sink, context checks.
//! - `hostile`: files that try to exhaust memory or echo themselves, read within the limits.
//! - `generated`: property test that generated valid rows always pass.
//! - `streaming`: files of many chunks, line endings, the borrowing and the mapping sink.
#![allow(
    clippy::unwrap_used,
    reason = "test helpers outside #[test] functions unwrap like the tests do"
)]

mod defects;
mod fixtures;
mod formats;
mod generated;
mod hostile;
mod policy;
mod privacy;
mod streaming;
