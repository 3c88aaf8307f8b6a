//! The row engine: header resolution, privacy guard, cell parsing and the per-row checks,
//! independent of where the records come from (CSV or XLSX).
//!
//! The work is split in two so that CSV files can be checked on several threads:
//! [`Examiner::examine`] is pure (one row in, its values and findings out) and runs on worker
//! threads; [`Tally::accept`] is the stateful part (duplicate keys, outlier samples, counts,
//! capped findings, the sink) and runs in file order on the caller's thread.
//!
//! The tally keeps only counts, capped findings, one 64-bit key hash plus a row number per
//! distinct key and bounded outlier samples, so memory does not grow with the cells of the file.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

use csv::StringRecord;

use crate::checks::{Cols, RowCtx};
use crate::contract::{ColumnType, Table};
use crate::finding::{Code, Finding, Findings, Severity};
use crate::mapping::resolve;
use crate::outcome::{Decision, Format, Options, Outcome, Policy, RefusedRow, RowEvent};
use crate::outlier::{MAX_RATES, Outliers};

const NO_RATES: [f32; MAX_RATES] = [f32::NAN; MAX_RATES];
use crate::privacy::{CellKind, Hit, may_hold_iin, scan_cell, scan_header};
use crate::row::Row;
use crate::value::{CellError, Value, parse_cell};
use crate::{Context, Result};

/// The caller's row sink.
pub(crate) type Sink<'s> = dyn FnMut(RowEvent) -> Result<()> + 's;

/// The immutable side of a file: its table, header resolution and the caller's settings.
pub(crate) struct Examiner<'a> {
    pub(crate) table: &'a Table,
    pub(crate) file: String,
    pub(crate) sheet: Option<String>,
    pub(crate) options: &'a Options,
    pub(crate) ctx: &'a dyn Context,
    headers: Arc<[String]>,
    /// Column label used in findings for each file column (never a value that hit privacy).
    shown: Vec<String>,
    by_file: Vec<Option<usize>>,
    kinds: Vec<CellKind>,
    /// File columns scanned as free text (phones and e-mails as well as IIN-like numbers).
    free_text: Vec<usize>,
    pub(crate) cols: Cols,
    /// Rate columns only (no samples): computes rates on worker threads.
    outliers: Outliers,
}

/// One examined row, ready to be tallied.
pub(crate) struct Examined {
    row: u64,
    rates: [f32; MAX_RATES],
    blank: bool,
    values: Vec<Value>,
    found: Vec<Finding>,
    privacy_hit: bool,
    cells: Option<Vec<String>>,
}

/// The mutable side of a file: counts, findings, keys, outlier samples.
pub(crate) struct Tally {
    seen_keys: HashMap<u64, u32, BuildHasherDefault<PassThrough>>,
    pub(crate) findings: Findings,
    outliers: Outliers,
    rows_read: u64,
    rows_valid: u64,
    rows_refused: u64,
    /// A whole-file refusal is certain (header problem or privacy).
    whole_file_refused: bool,
    privacy: bool,
}

impl<'a> Examiner<'a> {
    /// Resolves the header row; header findings go into the returned tally.
    pub(crate) fn new(
        table: &'a Table,
        file: &str,
        sheet: Option<&str>,
        options: &'a Options,
        ctx: &'a dyn Context,
        headers: Vec<String>,
    ) -> (Self, Tally) {
        let mut findings = Findings::new(options.max_findings_per_rule);
        let file = file.to_owned();
        let sheet = sheet.map(str::to_owned);
        let finding = |code: Code, column: Option<String>, message: String| Finding {
            code,
            severity: code.severity(),
            file: file.clone(),
            sheet: sheet.clone(),
            row: Some(1),
            column,
            message,
        };
        // Privacy first, so that a header holding personal data is never echoed later.
        let hits: Vec<Option<Hit>> = headers
            .iter()
            .map(|h| scan_cell(h, CellKind::FreeText))
            .collect();
        let hidden: Vec<bool> = hits.iter().map(Option::is_some).collect();
        let (resolved, problems) = resolve(table, &options.mapping, &headers, &hidden);
        let mut privacy = false;
        let mut shown = Vec::with_capacity(headers.len());
        for (idx, header) in headers.iter().enumerate() {
            let contract = resolved.by_file[idx].map(|c| &table.columns[c]);
            let label = match (contract, hidden[idx]) {
                (Some(column), _) => column.name.clone(),
                (None, true) => format!("#{}", idx + 1),
                (None, false) => header.clone(),
            };
            let allowed = contract.is_some_and(|c| c.personal);
            if let Some(hit) = hits[idx].or_else(|| scan_header(header, allowed)) {
                privacy = true;
                findings.push(finding(
                    Code::Privacy,
                    Some(label.clone()),
                    format!(
                        "header of column {} names {}; the file is refused",
                        idx + 1,
                        hit.describe()
                    ),
                ));
            }
            shown.push(label);
        }
        let mut whole_file_refused = privacy;
        for (code, column, message) in problems {
            whole_file_refused |= code.severity() == Severity::Error;
            findings.push(finding(code, column, message));
        }
        let kinds: Vec<CellKind> = resolved
            .by_file
            .iter()
            .map(|c| match c.map(|c| &table.columns[c]) {
                Some(c) if c.ty == ColumnType::Bin => CellKind::Bin,
                Some(c) if c.personal => CellKind::Personal,
                Some(c) if c.ty == ColumnType::String => CellKind::FreeText,
                Some(_) => CellKind::Typed,
                None => CellKind::FreeText,
            })
            .collect();
        let free_text = (0..headers.len())
            .filter(|i| kinds[*i] == CellKind::FreeText)
            .collect();
        let tally = Tally {
            seen_keys: HashMap::with_capacity_and_hasher(1 << 16, Default::default()),
            findings,
            outliers: Outliers::new(table, options),
            rows_read: 0,
            rows_valid: 0,
            rows_refused: 0,
            whole_file_refused,
            privacy,
        };
        let examiner = Self {
            table,
            file,
            sheet,
            options,
            ctx,
            headers: headers.into(),
            shown,
            by_file: resolved.by_file,
            kinds,
            free_text,
            cols: Cols::new(table),
            outliers: Outliers::new(table, options),
        };
        (examiner, tally)
    }

    pub(crate) fn finding(
        &self,
        code: Code,
        row: u64,
        column: Option<&str>,
        message: String,
    ) -> Finding {
        Finding {
            code,
            severity: code.severity(),
            file: self.file.clone(),
            sheet: self.sheet.clone(),
            row: Some(row),
            column: column.map(str::to_owned),
            message,
        }
    }

    /// A record whose field `field` is not valid in the file's encoding.
    pub(crate) fn bad_encoding(&self, row: u64, field: usize) -> Examined {
        let column = self
            .shown
            .get(field)
            .cloned()
            .unwrap_or_else(|| format!("#{}", field + 1));
        let message = "the cell is not valid UTF-8 (mixed encodings?); save the file as UTF-8 or Windows-1251".to_owned();
        let found = vec![self.finding(Code::Encoding, row, Some(&column), message)];
        Examined {
            row,
            rates: NO_RATES,
            blank: false,
            values: Vec::new(),
            found,
            privacy_hit: false,
            cells: None,
        }
    }

    /// Checks one data record on its own (no state): privacy, cells, row rules.
    pub(crate) fn examine(&self, row: u64, record: &StringRecord) -> Examined {
        if record.iter().all(|c| trim(c).is_empty()) {
            return Examined {
                row,
                rates: NO_RATES,
                blank: true,
                values: Vec::new(),
                found: Vec::new(),
                privacy_hit: false,
                cells: None,
            };
        }
        let mut found: Vec<Finding> = Vec::new();
        let mut privacy_hit = false;
        // The privacy guard in bulk: one pass over the row's bytes (fields are contiguous in a
        // record) rules out an IIN-like run and an oversized cell for every typed cell; free-text
        // cells are always scanned one by one (phones, e-mails, grouped digits).
        let bytes = record.as_byte_record().as_slice();
        let whole_row = bytes.len() > self.options.max_cell_bytes || may_hold_iin(bytes);
        let cells: Box<dyn Iterator<Item = (usize, &str)>> = if whole_row {
            Box::new(record.iter().enumerate())
        } else {
            let extra =
                (self.kinds.len()..record.len()).filter_map(|i| record.get(i).map(|c| (i, c)));
            Box::new(
                self.free_text
                    .iter()
                    .filter_map(|&i| record.get(i).map(|c| (i, c)))
                    .chain(extra),
            )
        };
        for (idx, cell) in cells {
            let column = self.shown.get(idx).map_or("", String::as_str);
            if cell.len() > self.options.max_cell_bytes {
                let message = format!(
                    "cell of {} bytes exceeds the limit of {} bytes",
                    cell.len(),
                    self.options.max_cell_bytes
                );
                found.push(self.finding(Code::CellTooLarge, row, Some(column), message));
                continue;
            }
            let kind = self.kinds.get(idx).copied().unwrap_or(CellKind::FreeText);
            if let Some(hit) = scan_cell(cell, kind) {
                privacy_hit = true;
                let message = format!(
                    "the cell holds {}; the file is refused (value not shown)",
                    hit.describe()
                );
                found.push(self.finding(Code::Privacy, row, Some(column), message));
            }
        }
        if privacy_hit {
            // Only the privacy findings are kept: no other message may quote the row.
            found.retain(|f| f.code == Code::Privacy);
            return Examined {
                row,
                rates: NO_RATES,
                blank: false,
                values: Vec::new(),
                found,
                privacy_hit,
                cells: None,
            };
        }
        if record.len() != self.headers.len() {
            let message = format!(
                "{} fields, the header has {}",
                record.len(),
                self.headers.len()
            );
            found.push(self.finding(Code::FieldCount, row, None, message));
        }
        let mut values = vec![Value::Null; self.table.columns.len()];
        self.parse(row, record, &mut values, &mut found);
        RowCtx {
            engine: self,
            row,
            found: &mut found,
        }
        .check(&mut values);
        let error = found.iter().any(|f| f.severity == Severity::Error);
        let cells = (error && self.options.policy == Policy::AcceptPartial)
            .then(|| record.iter().map(str::to_owned).collect());
        let rates = if error {
            NO_RATES
        } else {
            self.outliers.rates_of(&values, self.options)
        };
        Examined {
            row,
            rates,
            blank: false,
            values,
            found,
            privacy_hit,
            cells,
        }
    }

    fn parse(
        &self,
        row: u64,
        record: &StringRecord,
        values: &mut [Value],
        found: &mut Vec<Finding>,
    ) {
        // One bit per contract column (Contract::parse checks that a table has at most 128).
        let mut failed: u128 = 0;
        for (idx, cell) in record.iter().enumerate() {
            let Some(Some(col)) = self.by_file.get(idx).copied() else {
                continue;
            };
            if cell.len() > self.options.max_cell_bytes {
                failed |= 1 << col;
                continue;
            }
            let text = trim(cell);
            if text.is_empty() {
                continue;
            }
            let column = &self.table.columns[col];
            match parse_cell(column, text) {
                Ok(value) => values[col] = value,
                Err(error) => {
                    failed |= 1 << col;
                    let (code, message) = match error {
                        CellError::Type(m) => (Code::Type, m),
                        CellError::Range(m) => (Code::Range, m),
                        CellError::Period(m) => (Code::Period, m),
                        CellError::BinCheck => {
                            (Code::BinCheck, "the BIN check digit is wrong".to_owned())
                        }
                    };
                    found.push(self.finding(code, row, Some(&column.name), message));
                }
            }
        }
        for (col, column) in self.table.columns.iter().enumerate() {
            if column.required && values[col].is_null() && failed & (1 << col) == 0 {
                let message = format!("required column {} is empty", column.name);
                found.push(self.finding(Code::Required, row, Some(&column.name), message));
            }
        }
    }
}

impl Tally {
    /// True once nothing more may reach the sink as valid.
    fn blocked(&self, policy: Policy) -> bool {
        self.whole_file_refused || (policy == Policy::RefuseFile && self.findings.errors() > 0)
    }

    /// Counts an examined row, checks its key, samples its rates and hands it to the sink.
    pub(crate) fn accept(
        &mut self,
        ex: &Examiner<'_>,
        examined: Examined,
        sink: &mut Sink<'_>,
    ) -> Result<()> {
        let Examined {
            row,
            rates,
            blank,
            values,
            mut found,
            privacy_hit,
            cells,
        } = examined;
        if blank {
            return Ok(());
        }
        self.rows_read += 1;
        if privacy_hit {
            self.privacy = true;
            self.whole_file_refused = true;
        } else if self.privacy {
            // After a privacy refusal the report lists privacy findings only.
            found.clear();
        } else if !values.is_empty() {
            self.check_key(ex, row, &values, &mut found);
        }
        let error = found.iter().any(|f| f.severity == Severity::Error);
        if error {
            self.rows_refused += 1;
        } else if !self.privacy {
            self.rows_valid += 1;
            self.outliers.add(row, &values, &ex.cols, &rates);
        }
        let policy = ex.options.policy;
        let event = if !error && !self.blocked(policy) {
            Some(RowEvent::Valid(Row {
                table: ex.table.name,
                row,
                values,
            }))
        } else {
            let quarantine = error && !self.whole_file_refused;
            cells.filter(|_| quarantine).map(|cells| {
                RowEvent::Refused(RefusedRow {
                    row,
                    headers: ex.headers.clone(),
                    cells,
                    findings: found.clone(),
                })
            })
        };
        for finding in found {
            self.findings.push(finding);
        }
        match event {
            Some(event) => sink(event),
            None => Ok(()),
        }
    }

    fn check_key(
        &mut self,
        ex: &Examiner<'_>,
        row: u64,
        values: &[Value],
        found: &mut Vec<Finding>,
    ) {
        let key = &ex.cols.key;
        if key.is_empty() || key.iter().any(|k| values[*k].is_null()) {
            return;
        }
        let mut hasher = Fnv64::default();
        for k in key {
            values[*k].feed(&mut hasher);
        }
        let hash = hasher.finish();
        let row32 = u32::try_from(row).unwrap_or(u32::MAX);
        if let Some(earlier) = self.seen_keys.insert(hash, row32) {
            self.seen_keys.insert(hash, earlier);
            let names: Vec<&str> = key
                .iter()
                .map(|k| ex.table.columns[*k].name.as_str())
                .collect();
            let message = format!("the key ({}) repeats row {earlier}", names.join(", "));
            let column = ex.table.columns[key[0]].name.clone();
            found.push(ex.finding(Code::DuplicateKey, row, Some(&column), message));
        }
    }

    /// Ends the file: outliers, decision, report.
    pub(crate) fn finish(
        mut self,
        ex: &Examiner<'_>,
        format: Format,
        sha256: String,
        bytes: u64,
    ) -> Outcome {
        if self.rows_read == 0 && !self.whole_file_refused {
            let finding = Finding {
                code: Code::HeaderOnly,
                severity: Severity::Error,
                file: ex.file.clone(),
                sheet: ex.sheet.clone(),
                row: None,
                column: None,
                message: "the file has a header and no data rows".to_owned(),
            };
            self.findings.push(finding);
            self.whole_file_refused = true;
        }
        if !self.privacy {
            self.outliers.finish(
                &ex.file,
                ex.sheet.as_deref(),
                ex.options,
                &mut self.findings,
            );
        }
        let errors = self.findings.errors();
        let decision = if self.whole_file_refused {
            Decision::Refused
        } else if errors == 0 {
            Decision::Accepted
        } else if ex.options.policy == Policy::AcceptPartial && self.rows_valid > 0 {
            Decision::AcceptedPartially
        } else {
            Decision::Refused
        };
        Outcome {
            file: ex.file.clone(),
            table: ex.table.name,
            format,
            sheet: ex.sheet.clone(),
            encoding: None,
            delimiter: None,
            sha256,
            bytes,
            rows_read: self.rows_read,
            rows_valid: self.rows_valid,
            rows_refused: self.rows_refused,
            counts: self.findings.counts,
            findings: self.findings.stored,
            decision,
        }
    }
}

/// Trims whitespace, skipping the Unicode-aware scan when both ends are plain ASCII.
fn trim(cell: &str) -> &str {
    let bytes = cell.as_bytes();
    match (bytes.first(), bytes.last()) {
        (Some(first), Some(last)) if first.is_ascii_graphic() && last.is_ascii_graphic() => cell,
        _ => cell.trim(),
    }
}

/// FNV-1a, 64 bits, with a final avalanche (SplitMix64 finaliser): the key hash of duplicate
/// detection. Two different keys share a hash with probability about n²/2⁶⁵ per file
/// (3·10⁻⁸ for a million rows), which would report a false duplicate.
struct Fnv64(u64);

impl Default for Fnv64 {
    fn default() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv64 {
    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 ^= u64::from(*byte);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    fn finish(&self) -> u64 {
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

/// A hasher for keys that are already hashes.
#[derive(Default)]
pub(crate) struct PassThrough(u64);

impl Hasher for PassThrough {
    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*byte);
        }
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = value;
    }

    fn write_u32(&mut self, value: u32) {
        self.0 = u64::from(value).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}
