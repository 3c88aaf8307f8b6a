//! What an ingested file puts in the store, row by row: contract table A (`school`),
//! table B (`school_quarter`), table C (`school_contact`), legal statistics (`legal_stat`)
//! and refused rows (`quarantine`). The types hold values only; SQL lives in
//! `ingest_batch.rs`.

use riskmap_model::{Kato, School, SchoolId, SchoolQuarterRecord};
use time::Date;

/// One `school_reference` row (an organisation version), mapped to the `school` table.
#[derive(Debug, Clone, PartialEq)]
pub struct SchoolReference {
    /// Id, names, the district it lies in (resolved by the caller from the geography), region,
    /// location and settlement type.
    pub school: School,
    /// BIN (check digit validated at ingest).
    pub bin: Option<String>,
    /// KATO of the school's locality as submitted.
    pub locality_kato: Kato,
    /// Date of the KATO version used.
    pub kato_version: Date,
    /// Postal address in Kazakh.
    pub address_kk: Option<String>,
    /// Postal address in Russian.
    pub address_ru: Option<String>,
    /// `state` or `private`.
    pub ownership: String,
    /// `general`, `gymnasium`, … (contract enum code).
    pub org_type: String,
    /// Languages of instruction, `;`-separated codes.
    pub instruction_lang: String,
    /// Lowest grade.
    pub grade_min: i64,
    /// Highest grade.
    pub grade_max: i64,
    /// Number of shifts.
    pub shifts: Option<i64>,
    /// Start of this version's validity; the latest version of a school wins.
    pub valid_from: Date,
    /// End of this version's validity.
    pub valid_to: Option<Date>,
    /// `active`, `closed` or `reorganised`.
    pub status: String,
    /// The successor of a reorganised school.
    pub successor_org_id: Option<String>,
}

/// One `school_contacts` row (restricted: work contacts of staff only).
#[derive(Debug, Clone, PartialEq)]
pub struct SchoolContact {
    /// The school.
    pub school: SchoolId,
    /// Contract role code.
    pub role: String,
    /// Full name of the member of staff.
    pub full_name: String,
    /// Work phone.
    pub work_phone: Option<String>,
    /// Work e-mail.
    pub work_email: Option<String>,
    /// FTE.
    pub fte: Option<f64>,
    /// Start of validity.
    pub valid_from: Date,
    /// End of validity.
    pub valid_to: Option<Date>,
}

/// One count of a legal-statistics row (the table's count columns unpivoted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegalStat {
    /// Region or district.
    pub unit: Kato,
    /// `YYYY`, `YYYY-Qn` or `YYYY-MM`.
    pub period: String,
    /// The count column, e.g. `offences_by_minors`.
    pub measure: String,
    /// The count.
    pub value: i64,
}

/// A row refused under accept-partial, kept for the data steward.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuarantinedRow {
    /// The contract table the row was read as.
    pub table: String,
    /// XLSX sheet, if any.
    pub sheet: Option<String>,
    /// 1-based row in the file (header = row 1).
    pub row: u64,
    /// The raw cells as a JSON object `{header: cell}`.
    pub row_json: String,
    /// The row's findings as a JSON array.
    pub findings_json: String,
}

/// One item of a streamed batch.
#[derive(Debug, Clone, PartialEq)]
pub enum BatchItem {
    /// Insert or update a school (the version with the latest `valid_from` wins).
    School(Box<SchoolReference>),
    /// Insert a school × quarter record; `row` is its row in the file, for messages.
    Record {
        /// 1-based row in the file.
        row: u64,
        /// The record.
        record: Box<SchoolQuarterRecord>,
    },
    /// Insert or update a contact.
    Contact(Box<SchoolContact>),
    /// Insert or update one legal-statistics count.
    LegalStat(LegalStat),
    /// Keep a refused row.
    Quarantine(QuarantinedRow),
}

/// A record whose (school, period, revision) is already stored: the batch was rolled back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevisionConflict {
    /// 1-based row in the file.
    pub row: u64,
    /// The school.
    pub school: SchoolId,
    /// The quarter, `YYYY-Qn`.
    pub period: String,
    /// The revision submitted again.
    pub revision: u32,
}

impl std::fmt::Display for RevisionConflict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "row {}: revision {} of school {} for {} is already stored; resubmit with a higher revision",
            self.row, self.revision, self.school, self.period
        )
    }
}

/// How a streamed batch ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BatchEnd {
    /// Committed under this batch id.
    Committed {
        /// The new batch id.
        batch_id: i64,
        /// Items written (schools, records, contacts, counts, quarantined rows).
        rows: u64,
    },
    /// The producer asked for a rollback (the file was refused); nothing changed.
    RolledBack,
    /// A record repeated a stored (school, period, revision); nothing changed.
    Conflict(RevisionConflict),
    /// A batch with the same content hash is already stored; nothing changed.
    AlreadyStored {
        /// The earlier batch id.
        batch_id: i64,
    },
}

/// What the producer of a streamed batch sends: items, then how to end.
#[derive(Debug, Clone, PartialEq)]
pub enum BatchMessage {
    /// One more item.
    Item(BatchItem),
    /// Commit, storing the report (JSON) with the batch row.
    Commit {
        /// The ingest report for `ingest_batch.report_json`.
        report_json: String,
    },
    /// Roll back: the file was refused.
    Rollback,
}
