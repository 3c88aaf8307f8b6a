//! Findings: what a check found in a file, with a stable code and an exact location.
//!
//! A finding names the file, the sheet (XLSX), the 1-based row (header = row 1), the column and
//! the rule code, with a message. Messages never contain cell values that could be personal
//! data; for `E_PRIVACY` they contain no cell value at all.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

macro_rules! codes {
    ($($variant:ident => $code:literal, $doc:literal;)+) => {
        /// A stable rule code. The first letter gives the severity: `E` error, `W` warning,
        /// `I` information. Every code is documented in `data/contract/README.md`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum Code {
            $(#[doc = $doc] #[serde(rename = $code)] $variant,)+
        }

        impl Code {
            /// Every code, in documentation order.
            pub const ALL: &'static [Code] = &[$(Code::$variant),+];

            /// The code as written in reports, e.g. `E_SUM_SEX`.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $code),+ }
            }

            /// One-line description of the rule.
            pub fn description(self) -> &'static str {
                match self { $(Code::$variant => $doc),+ }
            }
        }
    };
}

codes! {
    EmptyFile => "E_EMPTY_FILE", "The file has no bytes (or an XLSX sheet has no rows).";
    HeaderOnly => "E_HEADER_ONLY", "The file has a header row and no data rows.";
    Encoding => "E_ENCODING", "The bytes are not valid in the detected or forced encoding (UTF-8, UTF-8 with BOM, Windows-1251); UTF-16 is refused.";
    XlsxCorrupt => "E_XLSX_CORRUPT", "The XLSX file cannot be opened (truncated, corrupt or not a workbook).";
    SheetMissing => "E_SHEET_MISSING", "The XLSX workbook has no sheet named after the table.";
    FileTooLarge => "E_FILE_TOO_LARGE", "An XLSX file is larger than the limit for workbooks (128 MiB by default; a workbook is read in memory, a CSV file is streamed).";
    XlsxTooManyParts => "E_XLSX_TOO_MANY_PARTS", "The workbook's ZIP directory lists more parts, or its workbook more sheets or relationships, than the limit (10,000).";
    XlsxPartTooLarge => "E_XLSX_PART_TOO_LARGE", "A part of the workbook (a sheet, the shared strings, …) decompresses to more than the limit (1 GiB), or holds more than 1 MiB of text between two tags.";
    XlsxRatio => "E_XLSX_RATIO", "A part of the workbook expands more than 200 times its compressed size (checked past 8 MiB): a ZIP bomb.";
    XlsxSharedStrings => "E_XLSX_SHARED_STRINGS", "The workbook's shared strings exceed the limit (64 MiB in total or 2,000,000 strings).";
    TooManyCells => "E_TOO_MANY_CELLS", "A sheet has more non-empty cells than the limit (100,000,000).";
    TooManyColumns => "E_TOO_MANY_COLUMNS", "A non-empty XLSX cell lies beyond column 256 (IV), or a CSV header has more than 256 fields (the contract's widest table has fewer than 200).";
    TooManyRows => "E_TOO_MANY_ROWS", "A sheet has a row numbered beyond 1,048,576, the XLSX format's own limit.";
    RecordTooLong => "E_RECORD_TOO_LONG", "A CSV record (one row, quotes included) is longer than the limit (1 MiB); the file is refused and the record never echoed.";
    MissingColumn => "E_MISSING_COLUMN", "A required contract column has no header in the file.";
    DuplicateColumn => "E_DUPLICATE_COLUMN", "Two file headers map to the same contract column.";
    UnknownColumn => "W_UNKNOWN_COLUMN", "A file header matches no contract column, label, alias or mapping entry; the column is ignored.";
    FieldCount => "E_FIELD_COUNT", "A row has more or fewer fields than the header.";
    CellTooLarge => "E_CELL_TOO_LARGE", "A cell is longer than the configured limit (64 KiB by default).";
    Privacy => "E_PRIVACY", "Personal data suspected (IIN-like 12-digit number outside bin, person-name header, phone or e-mail in free text); the whole file is refused and the value is never echoed.";
    Required => "E_REQUIRED", "A required column has an empty cell.";
    Type => "E_TYPE", "A cell does not parse as the column type (integer, decimal, bool, date, timestamp with offset, enum, KATO, BIN, text).";
    Range => "E_RANGE", "A value is outside its allowed range (counts < 0, FTE > 20, text too long, grade_min > grade_max, valid_from > valid_to).";
    Period => "E_PERIOD", "A period is not YYYY-Qn, or period_start/period_end do not match the period.";
    SumSex => "E_SUM_SEX", "pupils_female + pupils_male ≠ pupils_total.";
    SumGrade => "E_SUM_GRADE", "pupils_g1_4 + pupils_g5_9 + pupils_g10_12 ≠ pupils_total.";
    SumViolType => "E_SUM_VIOL_TYPE", "The five violence types do not sum to viol_total.";
    SumViolSetting => "E_SUM_VIOL_SETTING", "The four violence settings do not sum to viol_total.";
    SumViolPerp => "E_SUM_VIOL_PERP", "The five perpetrator groups do not sum to viol_total.";
    SumIsuReason => "E_SUM_ISU_REASON", "The seven isu_reason_* columns do not sum to isu_opened.";
    Subset => "E_SUBSET", "An \"of which\" column exceeds its whole (e.g. isu_open_over_90d > isu_open_end).";
    IsuFlow => "E_ISU_FLOW", "isu_open_end ≠ isu_open_start + isu_opened − isu_closed_resolved − isu_closed_other.";
    IsuContinuity => "W_ISU_CONTINUITY", "isu_open_start differs from the previous quarter's isu_open_end supplied by the caller.";
    KatoUnknown => "E_KATO_UNKNOWN", "The KATO code is not in the caller's KATO registry for the period.";
    KatoRegion => "E_KATO_REGION", "The KATO region prefix differs from the submitting region.";
    BinCheck => "E_BIN_CHECK", "The BIN check digit is wrong (weights 1..11 mod 11, retry with 3..11,1,2).";
    SchoolUnknown => "E_SCHOOL_UNKNOWN", "nobd_org_id is not in school_reference for the period (caller's registry).";
    RevisionStored => "E_REVISION_STORED", "The store already holds this or a higher revision of the (nobd_org_id, period); a resubmission needs a higher revision (caller's store).";
    DistrictUnknown => "E_DISTRICT_UNKNOWN", "The school's lat/lon lies in no district polygon and no district shares the first four digits of its kato (caller's geography).";
    DuplicateKey => "E_DUPLICATE_KEY", "A row repeats the key of an earlier row in the same file.";
    RegionUnknown => "E_REGION_UNKNOWN", "A legal-statistics row names no known region (neither KATO nor a kk/ru region name).";
    RegionAmbiguous => "E_REGION_AMBIGUOUS", "A region name matches two regions (e.g. bare «Алматы»); write the long form.";
    Late => "I_LATE", "submitted_at is after the due date (the 10th of the month after the quarter); recorded, not refused.";
    Outlier => "W_OUTLIER", "An S1 rate is more than 4 robust z-scores from its region's median in this file.";
}

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Informational, never refuses.
    Info,
    /// Worth a look, never refuses.
    Warning,
    /// Refuses the row (and, by default, the file).
    Error,
}

impl Code {
    /// Looks a code up by its text.
    pub fn parse(text: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|c| c.as_str() == text)
    }

    /// The severity, from the code's first letter.
    pub fn severity(self) -> Severity {
        match self.as_str().as_bytes()[0] {
            b'E' => Severity::Error,
            b'W' => Severity::Warning,
            _ => Severity::Info,
        }
    }
}

/// One thing a check found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// The rule.
    pub code: Code,
    /// Derived from the code.
    pub severity: Severity,
    /// File name given by the caller.
    pub file: String,
    /// XLSX sheet, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    /// 1-based row, header = row 1; `None` for file-level findings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<u64>,
    /// Contract column (or the file header when it maps to none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// Human-readable explanation.
    pub message: String,
}

impl Finding {
    /// `file[:sheet]:row:column CODE message`, one line.
    pub fn to_line(&self) -> String {
        let mut place = self.file.clone();
        if let Some(sheet) = &self.sheet {
            place.push_str(&format!("[{sheet}]"));
        }
        if let Some(row) = self.row {
            place.push_str(&format!(" row {row}"));
        }
        if let Some(column) = &self.column {
            place.push_str(&format!(" column {column}"));
        }
        format!("{place}: {} {}", self.code.as_str(), self.message)
    }

    /// `file:row:column: CODE message`, the console form (`file[sheet]` for a workbook, `-`
    /// for a row or column a file-level finding lacks). Messages never hold a value of a
    /// privacy finding, and quote at most a short excerpt of any other.
    pub fn to_console_line(&self) -> String {
        let file = match &self.sheet {
            Some(sheet) => format!("{}[{sheet}]", self.file),
            None => self.file.clone(),
        };
        let row = self.row.map_or_else(|| "-".to_owned(), |r| r.to_string());
        let column = self.column.as_deref().unwrap_or("-");
        format!(
            "{file}:{row}:{column}: {} {}",
            self.code.as_str(),
            self.message
        )
    }
}

/// The longest excerpt of a header, sheet name or cell a message may quote, in characters.
pub const EXCERPT_CHARS: usize = 40;

/// A short, printable excerpt of a header, sheet name or cell for a message: at most
/// [`EXCERPT_CHARS`] characters, control characters dropped, `…` when cut. Privacy findings
/// quote nothing at all.
pub(crate) fn excerpt(text: &str) -> String {
    let mut short = String::new();
    for (kept, c) in text.chars().filter(|c| !c.is_control()).enumerate() {
        if kept == EXCERPT_CHARS {
            short.push('…');
            break;
        }
        short.push(c);
    }
    short
}

/// Where findings of one file are kept: every finding is counted, at most `cap` per code are
/// stored, so memory stays bounded however many rows fail.
#[derive(Debug, Clone)]
pub(crate) struct Findings {
    cap: usize,
    pub(crate) counts: BTreeMap<Code, u64>,
    pub(crate) stored: Vec<Finding>,
}

impl Findings {
    pub(crate) fn new(cap: usize) -> Self {
        Self {
            cap,
            counts: BTreeMap::new(),
            stored: Vec::new(),
        }
    }

    pub(crate) fn push(&mut self, finding: Finding) {
        let count = self.counts.entry(finding.code).or_insert(0);
        *count += 1;
        if *count <= self.cap as u64 {
            self.stored.push(finding);
        }
    }

    /// True while findings of `code` are still stored.
    pub(crate) fn has_room(&self, code: Code) -> bool {
        self.counts.get(&code).is_none_or(|n| *n < self.cap as u64)
    }

    /// Counts a finding without storing it.
    pub(crate) fn count(&mut self, code: Code) {
        *self.counts.entry(code).or_insert(0) += 1;
    }

    pub(crate) fn errors(&self) -> u64 {
        self.counts
            .iter()
            .filter(|(c, _)| c.severity() == Severity::Error)
            .map(|(_, n)| n)
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_round_trip() {
        let mut seen = std::collections::HashSet::new();
        for code in Code::ALL {
            assert!(seen.insert(code.as_str()), "{code:?} repeated");
            assert_eq!(Code::parse(code.as_str()), Some(*code));
            let json = serde_json::to_string(code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
        }
    }

    #[test]
    fn every_code_is_documented_in_the_contract_readme() {
        let readme = include_str!("../../../data/contract/README.md");
        for code in Code::ALL {
            assert!(
                readme.contains(&format!("`{}`", code.as_str())),
                "{} missing from README",
                code.as_str()
            );
        }
    }

    #[test]
    fn excerpts_are_short_and_printable() {
        assert_eq!(excerpt("pupils\u{0}_total\n"), "pupils_total");
        let long = "я".repeat(10_000);
        let cut = excerpt(&long);
        assert_eq!(cut.chars().count(), EXCERPT_CHARS + 1);
        assert!(cut.ends_with('…'));
    }

    #[test]
    fn counts_everything_but_stores_at_most_cap_per_code() {
        let mut findings = Findings::new(2);
        for row in 0..5 {
            findings.push(Finding {
                code: Code::Type,
                severity: Severity::Error,
                file: "f.csv".to_owned(),
                sheet: None,
                row: Some(row),
                column: None,
                message: String::new(),
            });
        }
        assert_eq!(findings.counts[&Code::Type], 5);
        assert_eq!(findings.stored.len(), 2);
        assert_eq!(findings.errors(), 5);
    }
}
