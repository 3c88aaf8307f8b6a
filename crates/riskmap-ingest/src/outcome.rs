//! What an ingest returns: options in, outcome out, and the events a row sink receives.

use std::collections::BTreeMap;
use std::sync::Arc;

use riskmap_model::{Catalogue, Kato, Sensitivity};
use serde::{Deserialize, Serialize};

use crate::contract::TableName;
use crate::decode::{Detected, EncodingChoice};
use crate::finding::{Code, Finding, Severity};
use crate::limits::Limits;
use crate::mapping::HeaderMapping;
use crate::row::Row;
use crate::{Error, Result};

/// What to do with a file in which some rows have errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Policy {
    /// Refuse the whole file if any row has an error (the default of the service).
    RefuseFile,
    /// Keep the valid rows; refused rows are handed to the sink for a quarantine table.
    /// File-level problems (privacy, missing columns, encoding of the whole file) still
    /// refuse the whole file.
    AcceptPartial,
}

/// A plausibility rate checked for outliers: `numerator / denominator × per`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RateSpec {
    /// Indicator code, for messages.
    pub code: String,
    /// Numerator column of `school_quarter`.
    pub numerator: String,
    /// Denominator column of `school_quarter`.
    pub denominator: String,
    /// Scale (per 10,000 pupils, …).
    pub per: f64,
}

impl RateSpec {
    /// The S1 indicators of a catalogue (domain §6.5: "any S1 rate").
    pub fn s1_rates(catalogue: &Catalogue) -> Vec<RateSpec> {
        catalogue
            .indicators
            .iter()
            .filter(|i| i.sensitivity == Sensitivity::S1)
            .map(|i| RateSpec {
                code: i.code.clone(),
                numerator: i.numerator.column().to_owned(),
                denominator: i.denominator.column().to_owned(),
                per: i.per,
            })
            .collect()
    }
}

/// How to read and judge one file.
#[derive(Debug, Clone)]
pub struct Options {
    /// Whole-file or partial acceptance.
    pub policy: Policy,
    /// CSV encoding: detected, or forced.
    pub encoding: EncodingChoice,
    /// Extra header renames.
    pub mapping: HeaderMapping,
    /// The region of the submitting body; rows elsewhere get `E_KATO_REGION`.
    pub submitting_region: Option<Kato>,
    /// Findings stored per code (all are counted).
    pub max_findings_per_rule: usize,
    /// Longest accepted cell in bytes (`E_CELL_TOO_LARGE`).
    pub max_cell_bytes: usize,
    /// Rates checked for outliers (`W_OUTLIER`).
    pub outlier_rates: Vec<RateSpec>,
    /// Robust z-score beyond which a rate is an outlier.
    pub outlier_z: f64,
    /// Smallest group (region × quarter) in which outliers are looked for.
    pub outlier_min_group: usize,
    /// Fewest events in the numerator for a rate to be reported as a high outlier.
    pub outlier_min_events: f64,
    /// Smallest denominator (pupils) for a school to take part in the outlier check.
    pub outlier_min_denominator: f64,
    /// The SHA-256 (lower-case hex) of the file's bytes when the caller has computed it
    /// already, as `riskmap-load` does to find a stored batch before reading a file: the
    /// ingest reports it as [`Outcome::sha256`] instead of hashing the bytes a second time.
    /// `None` (the default): the ingest hashes the bytes as it reads them.
    pub content_sha256: Option<String>,
    /// Bounds on the work and memory of reading the file (sizes, counts, lengths).
    pub limits: Limits,
}

impl Options {
    /// Options with an explicit policy; everything else as documented in
    /// `data/contract/README.md`: auto-detected encoding, no renames, no submitting region,
    /// 100 stored findings per code, 64 KiB cells, the catalogue's S1 rates at |z| > 4 in
    /// groups of at least 10 schools, high outliers only with at least 3 events,
    /// schools of at least 100 pupils.
    pub fn new(policy: Policy) -> Self {
        Self {
            policy,
            encoding: EncodingChoice::Auto,
            mapping: HeaderMapping::none(),
            submitting_region: None,
            max_findings_per_rule: 100,
            max_cell_bytes: 64 * 1024,
            outlier_rates: RateSpec::s1_rates(&Catalogue::builtin()),
            outlier_z: 4.0,
            outlier_min_group: 10,
            outlier_min_events: 3.0,
            outlier_min_denominator: 100.0,
            content_sha256: None,
            limits: Limits::default(),
        }
    }
}

/// The file's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// Comma-, semicolon- or tab-separated text.
    Csv,
    /// Office Open XML workbook.
    Xlsx,
}

/// The policy decision about the whole file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// No errors: every row is valid.
    Accepted,
    /// `AcceptPartial`: the valid rows are kept, the refused rows go to quarantine.
    AcceptedPartially,
    /// Nothing may be kept; roll back any rows the sink received.
    Refused,
}

/// A row with errors, for a quarantine table. Never produced for a privacy refusal.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RefusedRow {
    /// 1-based row (header = row 1).
    pub row: u64,
    /// The file's headers, shared by all refused rows of the file.
    #[serde(serialize_with = "serialize_headers")]
    pub headers: Arc<[String]>,
    /// The raw cells as read (after decoding).
    pub cells: Vec<String>,
    /// The row's findings.
    pub findings: Vec<Finding>,
}

fn serialize_headers<S: serde::Serializer>(
    headers: &Arc<[String]>,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    headers.as_ref().serialize(s)
}

/// What the sink receives, row by row, as the file streams.
///
/// Rows are provisional until the [`Outcome`] arrives: insert them in a transaction or a
/// staging table and commit only if the decision is not [`Decision::Refused`]. Under
/// [`Policy::RefuseFile`] no further rows are sent once the file is bound to be refused.
#[derive(Debug, Clone, PartialEq)]
pub enum RowEvent {
    /// A row that passed every check.
    Valid(Row),
    /// A row with errors (only under [`Policy::AcceptPartial`]).
    Refused(RefusedRow),
}

/// What a borrowing sink sees of one row ([`crate::ingest_borrowed`]): the same events as
/// [`RowEvent`], lent for the duration of the call, so the row's buffers are reused.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RowRef<'r> {
    /// A row that passed every check.
    Valid(&'r Row),
    /// A row with errors (only under [`Policy::AcceptPartial`]).
    Refused(&'r RefusedRow),
}

/// What a mapping sink sees of one row ([`crate::ingest_mapped`]): a valid row as the caller's
/// map made it (on the thread that checked the row), or a refused row, lent for the call.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Mapped<'r, T> {
    /// A row that passed every check: its file row and what the map made of it.
    Valid {
        /// The row's number in the file (the header is row 1).
        row: u64,
        /// The map's result for the row.
        item: T,
    },
    /// A row with errors (only under [`Policy::AcceptPartial`]).
    Refused(&'r RefusedRow),
}

/// The report of one ingest: counts, findings, hash and decision. Serialises to the JSON report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    /// File name given by the caller.
    pub file: String,
    /// The table read.
    pub table: TableName,
    /// CSV or XLSX.
    pub format: Format,
    /// XLSX sheet read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    /// CSV encoding used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding: Option<Detected>,
    /// CSV delimiter used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delimiter: Option<char>,
    /// SHA-256 of the raw bytes, lower-case hex.
    pub sha256: String,
    /// Size of the raw bytes.
    pub bytes: u64,
    /// Data rows read (blank rows are skipped).
    pub rows_read: u64,
    /// Rows without errors.
    pub rows_valid: u64,
    /// Rows with errors.
    pub rows_refused: u64,
    /// Every finding counted by code, including those not stored.
    pub counts: BTreeMap<Code, u64>,
    /// Stored findings (at most `max_findings_per_rule` per code), in file order, outliers last.
    pub findings: Vec<Finding>,
    /// What may be kept.
    pub decision: Decision,
}

impl Outcome {
    /// True unless the file is refused.
    pub fn is_accepted(&self) -> bool {
        self.decision != Decision::Refused
    }

    /// Whether any finding has this code.
    pub fn has(&self, code: Code) -> bool {
        self.counts.contains_key(&code)
    }

    /// Stored findings of one code.
    pub fn findings_of(&self, code: Code) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(move |f| f.code == code)
    }

    /// `Err(Error::Refused)` with the error codes when the file is refused.
    pub fn ensure_accepted(self) -> Result<Self> {
        if self.is_accepted() {
            return Ok(self);
        }
        Err(Error::Refused {
            file: self.file.clone(),
            summary: self.error_summary(),
        })
    }

    /// The JSON report.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("an Outcome holds only serialisable values")
    }

    /// A readable summary: decision, counts by code, then the stored findings.
    pub fn summary_text(&self) -> String {
        let mut text = format!(
            "{} ({}, table {}): {:?}; {} rows read, {} valid, {} refused; sha256 {}\n",
            self.file,
            match self.format {
                Format::Csv => "CSV",
                Format::Xlsx => "XLSX",
            },
            self.table.as_str(),
            self.decision,
            self.rows_read,
            self.rows_valid,
            self.rows_refused,
            self.sha256
        );
        for (code, count) in &self.counts {
            text.push_str(&format!(
                "  {:<20} {count:>9}  {}\n",
                code.as_str(),
                code.description()
            ));
        }
        for finding in &self.findings {
            text.push_str(&format!("  - {}\n", finding.to_line()));
        }
        text
    }

    fn error_summary(&self) -> String {
        let parts: Vec<String> = self
            .counts
            .iter()
            .filter(|(c, _)| c.severity() == Severity::Error)
            .map(|(c, n)| format!("{}×{n}", c.as_str()))
            .collect();
        parts.join(", ")
    }
}
