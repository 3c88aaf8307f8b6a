//! One fuzz input read the way the service reads an upload (the table told from the workbook's
//! sheets or the CSV header, then every table read with the row checks), and the properties
//! every read must keep whatever the bytes: no panic (a panic is the fuzzer's crash), heap
//! below [`HEAP_BUDGET`], stored findings bounded per rule, no finding that echoes more than a
//! short excerpt of the file.

use std::io::Cursor;

use riskmap_ingest::{
    KatoRegistry, Lookup, Options, Outcome, Policy, RowRef, TableName, ingest_borrowed, sniff,
};
use riskmap_model::Kato;
use time::macros::date;

use crate::heap::within_budget;
use crate::workbook::{split_parts, workbook_of};

/// Most heap bytes one read may hold at once. The readers' default limits keep any file under
/// a few hundred megabytes (the largest being a 64 MiB shared-strings table and a workbook held
/// whole); a fuzz input is at most a few megabytes.
pub const HEAP_BUDGET: usize = 384 << 20;

/// Longest message or column name a finding may carry: fixed text plus an excerpt of at most
/// 40 characters (4 bytes each) of the file.
pub const MAX_FINDING_TEXT: usize = 1024;

/// What reading one input came to (for the replay test's tally).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Read {
    /// Tables read.
    pub tables: usize,
    /// Tables accepted (whole or partly).
    pub accepted: usize,
    /// Rows that passed every check.
    pub valid_rows: u64,
    /// Reads that ended in an error rather than an outcome (I/O of a truncated stream).
    pub errors: usize,
}

/// Reads `bytes` as an uploaded file named `upload` and checks every property; panics (the
/// fuzzer's crash) on a broken one.
pub fn read_file(bytes: &[u8]) -> Read {
    within_budget(HEAP_BUDGET, || {
        let mut read = Read::default();
        for table in tables_of(bytes) {
            read_table(table, bytes, &mut read);
        }
        read
    })
}

/// Reads `input` as a `school_quarter` workbook made of its sheet XML and shared strings (see
/// [`crate::workbook`]) and checks every property.
pub fn read_sheet_parts(input: &[u8]) -> Read {
    let (sheet, shared_strings) = split_parts(input);
    let Ok(workbook) = workbook_of(sheet, shared_strings) else {
        return Read::default();
    };
    within_budget(HEAP_BUDGET, || {
        let mut read = Read::default();
        read_table(TableName::SchoolQuarter, &workbook, &mut read);
        read
    })
}

/// The tables the service would read from `bytes`: the workbook's contract sheets, else the
/// table the CSV header matches, else `school_quarter` (what a steward would force).
fn tables_of(bytes: &[u8]) -> Vec<TableName> {
    let head = &bytes[..bytes.len().min(sniff::HEADER_SNIFF_BYTES)];
    let options = Options::new(Policy::RefuseFile);
    let found = if sniff::is_xlsx(head) {
        sniff::xlsx_tables(Cursor::new(bytes))
    } else {
        sniff::table_from_header(head, options.encoding, &options.mapping).map(|t| vec![t])
    };
    match found {
        Some(tables) if !tables.is_empty() => tables,
        _ => vec![TableName::SchoolQuarter],
    }
}

/// The registry the rows are checked against: the seeds' Almaty districts, Almaty, and
/// Astana with one of its districts (a real code of another region).
fn lookup() -> Lookup {
    let codes = [
        "751110000",
        "751210000",
        "751310000",
        "751410000",
        "750000000",
        "711210000",
        "710000000",
    ];
    let codes = codes.iter().filter_map(|c| Kato::parse(c).ok());
    Lookup {
        katos: vec![KatoRegistry::from_codes(date!(2022 - 10 - 17), codes)],
        ..Lookup::default()
    }
}

/// Reads one table of `bytes` as submitted by Almaty city, keeping refused rows (the policy
/// that runs every row check).
fn read_table(table: TableName, bytes: &[u8], read: &mut Read) {
    let mut options = Options::new(Policy::AcceptPartial);
    options.submitting_region = Kato::parse("750000000").ok();
    let lookup = lookup();
    let mut valid_rows = 0;
    let outcome = ingest_borrowed(table, "upload", bytes, &options, &lookup, |row| {
        if let RowRef::Valid(_) = row {
            valid_rows += 1;
        }
        Ok(())
    });
    read.tables += 1;
    match outcome {
        Ok(outcome) => {
            check_findings(&outcome, &options);
            read.accepted += usize::from(outcome.is_accepted());
            read.valid_rows += if outcome.is_accepted() { valid_rows } else { 0 };
        }
        Err(_) => read.errors += 1,
    }
}

/// Findings are bounded per rule and never echo more than a short excerpt of the file.
fn check_findings(outcome: &Outcome, options: &Options) {
    let rules = outcome.counts.len().max(1);
    assert!(
        outcome.findings.len() <= rules * options.max_findings_per_rule,
        "{} findings stored for {rules} rules",
        outcome.findings.len()
    );
    for finding in &outcome.findings {
        let column = finding.column.as_deref().unwrap_or("");
        assert!(
            finding.message.len() <= MAX_FINDING_TEXT && column.len() <= MAX_FINDING_TEXT,
            "{} echoes {} + {} bytes: {:?}",
            finding.code.as_str(),
            finding.message.len(),
            column.len(),
            finding.message.chars().take(160).collect::<String>()
        );
    }
}
