//! The row engine: header resolution, privacy guard, cell parsing and the per-row checks,
//! independent of where the records come from (CSV or XLSX).
//!
//! The work is split in two so that CSV files can be checked on several threads:
//! [`Examiner::examine`] is pure (one row in, its values, findings and key hash out) and runs
//! on worker threads; [`Tally`](crate::tally::Tally) is the stateful part and runs in file
//! order on the caller's thread.

use std::hash::Hasher;
use std::sync::Arc;

use crate::Context;
use crate::cells::{ColumnSet, Slot, put, put_plain, put_text, trim};
use crate::checks::{Cols, RowCtx};
use crate::contract::{ColumnType, Table};
use crate::finding::{Code, Finding, Findings, Severity};
use crate::hash::KeyHash;
use crate::mapping::resolve;
use crate::numbers::{plain_decimal, plain_int};
use crate::outcome::{Options, Policy};
use crate::outlier::{GroupKey, MAX_RATES, Outliers};
use crate::privacy::{CellKind, Hit, may_hold_iin, scan_cell, scan_header};
use crate::records::Fields;
use crate::tally::Tally;
use crate::value::{CellError, Value, parse_cell};

const NO_RATES: [f32; MAX_RATES] = [f32::NAN; MAX_RATES];

/// The immutable side of a file: its table, header resolution and the caller's settings.
pub(crate) struct Examiner<'a> {
    pub(crate) table: &'a Table,
    pub(crate) file: String,
    pub(crate) sheet: Option<String>,
    pub(crate) options: &'a Options,
    pub(crate) ctx: &'a dyn Context,
    pub(crate) headers: Arc<[String]>,
    /// Column label used in findings for each file column (never a value that hit privacy).
    shown: Vec<String>,
    kinds: Vec<CellKind>,
    /// File columns scanned as free text (phones and e-mails as well as IIN-like numbers).
    free_text: Vec<usize>,
    /// Required contract columns.
    required: Vec<usize>,
    /// How each file column is parsed.
    plan: Vec<Slot>,
    /// Contract columns without a file column.
    absent: Vec<usize>,
    /// Contract columns whose values own no memory (numbers, dates, codes, …).
    plain: ColumnSet,
    pub(crate) cols: Cols,
    /// Rate columns only (no samples): computes rates on worker threads.
    outliers: Outliers,
}

/// One examined row, ready to be tallied.
pub(crate) struct Examined {
    pub(crate) row: u64,
    pub(crate) rates: [f32; MAX_RATES],
    /// The outlier group (region and quarter) of a row without errors.
    pub(crate) group: Option<GroupKey>,
    pub(crate) blank: bool,
    pub(crate) values: Vec<Value>,
    pub(crate) found: Vec<Finding>,
    pub(crate) privacy_hit: bool,
    pub(crate) cells: Option<Vec<String>>,
    /// Hash of the key columns when the row has values and every key cell is filled.
    pub(crate) key: Option<u64>,
}

impl Examined {
    fn empty(row: u64) -> Self {
        Self {
            row,
            rates: NO_RATES,
            group: None,
            blank: false,
            values: Vec::new(),
            found: Vec::new(),
            privacy_hit: false,
            cells: None,
            key: None,
        }
    }

    /// Whether the row may reach the sink as valid: it holds data and nothing in it is an error
    /// (the tally may still refuse it: a repeated key, or a file refused whole).
    pub(crate) fn may_be_valid(&self) -> bool {
        !self.blank
            && !self.privacy_hit
            && !self.found.iter().any(|f| f.severity == Severity::Error)
    }

    /// Moves a row numbered within its chunk of the file by `offset` rows.
    pub(crate) fn shift(&mut self, offset: u64) {
        self.row += offset;
        for finding in &mut self.found {
            if let Some(row) = finding.row.as_mut() {
                *row += offset;
            }
        }
    }
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
                (None, false) => crate::finding::excerpt(header),
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
        let tally = Tally::new(
            findings,
            Outliers::new(table, options),
            whole_file_refused,
            privacy,
        );
        let required = (0..table.columns.len())
            .filter(|c| table.columns[*c].required)
            .collect();
        let plan = resolved
            .by_file
            .iter()
            .map(|c| c.map_or(Slot::Skip, |c| Slot::new(c, &table.columns[c])))
            .collect();
        let absent = (0..table.columns.len())
            .filter(|c| resolved.by_contract[*c].is_none())
            .collect();
        let mut plain = ColumnSet::default();
        for (col, column) in table.columns.iter().enumerate() {
            let heap = matches!(
                column.ty,
                ColumnType::String | ColumnType::Enum | ColumnType::EnumSet | ColumnType::Bin
            );
            if !heap {
                plain.insert(col);
            }
        }
        let examiner = Self {
            table,
            file,
            sheet,
            options,
            ctx,
            headers: headers.into(),
            shown,
            kinds,
            free_text,
            required,
            plan,
            absent,
            plain,
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
    pub(crate) fn bad_encoding(&self, row: u64, field: usize, values: Vec<Value>) -> Examined {
        let column = self
            .shown
            .get(field)
            .cloned()
            .unwrap_or_else(|| format!("#{}", field + 1));
        let message = "the cell is not valid UTF-8 (mixed encodings?); save the file as UTF-8 or Windows-1251".to_owned();
        let found = vec![self.finding(Code::Encoding, row, Some(&column), message)];
        Examined {
            found,
            values,
            ..Examined::empty(row)
        }
    }

    /// Checks one data record on its own (no state): privacy, cells, row rules. `values` is
    /// empty or the values of an earlier row of this examiner (every slot holds `Null` or a
    /// value of its column's type); they are overwritten (and dropped here, on the caller's
    /// thread), or left stale when the row is blank, badly encoded or refused for privacy.
    pub(crate) fn examine(&self, row: u64, fields: Fields<'_>, mut values: Vec<Value>) -> Examined {
        if fields.iter().all(|c| trim(c).is_empty()) {
            return Examined {
                blank: true,
                values,
                ..Examined::empty(row)
            };
        }
        let mut found: Vec<Finding> = Vec::new();
        let mut privacy_hit = false;
        // The privacy guard in bulk: the row's length and the digit runs of its cells of 12
        // bytes or more rule out an IIN-like run and an oversized cell for every typed cell;
        // free-text cells are always scanned one by one (phones, e-mails, grouped digits).
        let bytes = fields.raw().0;
        let whole_row = bytes.len() > self.options.max_cell_bytes
            || fields
                .long_ranges()
                .any(|(start, end)| may_hold_iin(&bytes[start..end]));
        if whole_row {
            for (idx, cell) in fields.iter().enumerate() {
                privacy_hit |= self.guard(row, idx, cell, &mut found);
            }
        } else {
            for &idx in &self.free_text {
                if let Some(cell) = fields.get(idx) {
                    privacy_hit |= self.guard(row, idx, cell, &mut found);
                }
            }
            for idx in self.kinds.len()..fields.len() {
                if let Some(cell) = fields.get(idx) {
                    privacy_hit |= self.guard(row, idx, cell, &mut found);
                }
            }
        }
        if privacy_hit {
            // Only the privacy findings are kept: no other message may quote the row.
            found.retain(|f| f.code == Code::Privacy);
            return Examined {
                found,
                privacy_hit,
                values,
                ..Examined::empty(row)
            };
        }
        if fields.len() != self.headers.len() {
            let message = format!(
                "{} fields, the header has {}",
                fields.len(),
                self.headers.len()
            );
            found.push(self.finding(Code::FieldCount, row, None, message));
        }
        if values.len() != self.table.columns.len() {
            values.clear();
            values.resize_with(self.table.columns.len(), || Value::Null);
        }
        self.parse(row, fields, &mut values, &mut found);
        RowCtx {
            engine: self,
            row,
            found: &mut found,
        }
        .check(&mut values);
        let error = found.iter().any(|f| f.severity == Severity::Error);
        let cells = (error && self.options.policy == Policy::AcceptPartial)
            .then(|| fields.iter().map(str::to_owned).collect());
        let (rates, group) = if error {
            (NO_RATES, None)
        } else {
            let group = self.outliers.group_of(&values, &self.cols);
            (self.outliers.rates_of(&values, self.options), group)
        };
        let key = self.key_hash(&values);
        Examined {
            row,
            rates,
            group,
            blank: false,
            values,
            found,
            privacy_hit,
            cells,
            key,
        }
    }

    /// The privacy guard of one cell; true when the cell holds personal data.
    fn guard(&self, row: u64, idx: usize, cell: &str, found: &mut Vec<Finding>) -> bool {
        let column = self.shown.get(idx).map_or("", String::as_str);
        if cell.len() > self.options.max_cell_bytes {
            let message = format!(
                "cell of {} bytes exceeds the limit of {} bytes",
                cell.len(),
                self.options.max_cell_bytes
            );
            found.push(self.finding(Code::CellTooLarge, row, Some(column), message));
            return false;
        }
        let kind = self.kinds.get(idx).copied().unwrap_or(CellKind::FreeText);
        let Some(hit) = scan_cell(cell, kind) else {
            return false;
        };
        let message = format!(
            "the cell holds {}; the file is refused (value not shown)",
            hit.describe()
        );
        found.push(self.finding(Code::Privacy, row, Some(column), message));
        true
    }

    /// The hash of the row's key, when the table has one and every key cell is filled.
    fn key_hash(&self, values: &[Value]) -> Option<u64> {
        let key = &self.cols.key;
        if key.is_empty() || key.iter().any(|k| values[*k].is_null()) {
            return None;
        }
        let mut hasher = KeyHash::default();
        for k in key {
            values[*k].feed(&mut hasher);
        }
        Some(hasher.finish())
    }

    /// Stores the value of column `col` (see [`put_plain`]).
    fn set(&self, values: &mut [Value], col: usize, value: Value) {
        if self.plain.contains(col) {
            put_plain(&mut values[col], value);
        } else {
            put(&mut values[col], value);
        }
    }

    fn parse(&self, row: u64, fields: Fields<'_>, values: &mut [Value], found: &mut Vec<Finding>) {
        // Every contract column gets exactly one value per row (a file column maps to at most
        // one contract column and no two file columns to the same one).
        let mut failed = ColumnSet::default();
        let (bytes, ranges) = fields.raw();
        // A plain number (digits, at most one separator, non-empty, no spaces) is never
        // oversized when the limit is at least 18 bytes, and trims to itself.
        let fast = self.options.max_cell_bytes >= 18;
        for (&(start, end), slot) in ranges.iter().zip(&self.plan) {
            // Plain numbers within range take the short way; everything else, and every
            // failure with its message, the general parser.
            let col = if let Slot::Int { col, low, span } = *slot {
                // `low <= v <= low + span` in one unsigned comparison.
                if fast
                    && let Some(v) = plain_int(&bytes[start..end])
                    && v.wrapping_sub(low) as u64 <= span
                {
                    put_plain(&mut values[col], Value::Int(v));
                    continue;
                }
                col
            } else if let Slot::Decimal { col, low, high } = *slot {
                if fast
                    && let Some(v) = plain_decimal(&bytes[start..end])
                    && (low..=high).contains(&v)
                {
                    put_plain(&mut values[col], Value::Decimal(v));
                    continue;
                }
                col
            } else if let Slot::Other(col) | Slot::Text(col) = *slot {
                col
            } else {
                continue;
            };
            if end - start > self.options.max_cell_bytes {
                failed.insert(col);
                self.set(values, col, Value::Null);
                continue;
            }
            let text = trim(fields.slice(start, end));
            if text.is_empty() {
                self.set(values, col, Value::Null);
                continue;
            }
            let column = &self.table.columns[col];
            // Text within its length (bytes bound characters) reuses the previous row's buffer.
            if let Slot::Text(_) = slot
                && column
                    .max_len
                    .is_none_or(|max| text.len() <= max || text.chars().count() <= max)
            {
                put_text(&mut values[col], text);
                continue;
            }
            match parse_cell(column, text) {
                Ok(value) => self.set(values, col, value),
                Err(error) => {
                    failed.insert(col);
                    self.set(values, col, Value::Null);
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
        // Columns without a cell in this row: file columns past its last field, and contract
        // columns the file does not have.
        let short = self.plan.get(ranges.len()..).unwrap_or_default();
        let missing = short.iter().filter_map(Slot::column);
        for col in missing.chain(self.absent.iter().copied()) {
            self.set(values, col, Value::Null);
        }
        for &col in &self.required {
            if values[col].is_null() && !failed.contains(col) {
                let column = &self.table.columns[col];
                let message = format!("required column {} is empty", column.name);
                found.push(self.finding(Code::Required, row, Some(&column.name), message));
            }
        }
    }
}
