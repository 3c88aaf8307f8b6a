//! The stateful side of a file, run in file order on the caller's thread: counts, capped
//! findings, duplicate keys, outlier samples, the decision, and the hand-over of rows to the
//! caller's sink.
//!
//! It keeps only counts, capped findings, one 64-bit key hash plus a row number per distinct
//! key and bounded outlier samples, so memory does not grow with the cells of the file.

use crate::Result;
use crate::engine::{Examined, Examiner};
use crate::finding::{Code, Finding, Findings, Severity};
use crate::keys::SeenKeys;
use crate::outcome::{Decision, Format, Mapped, Outcome, Policy, RefusedRow, RowEvent, RowRef};
use crate::outlier::Outliers;
use crate::row::Row;
use crate::value::Value;

/// The caller's map of valid rows ([`crate::ingest_mapped`]), shared by the checking threads.
pub(crate) type RowMap<'s, T> = &'s (dyn Fn(&Row) -> T + Sync);

/// How rows reach the caller's sink.
pub(crate) enum Delivery<'s, T = ()> {
    /// The sink owns each row.
    Owned(&'s mut dyn FnMut(RowEvent) -> Result<()>),
    /// The sink borrows each row; its values come back for reuse.
    Borrowed(&'s mut dyn FnMut(RowRef<'_>) -> Result<()>),
    /// Each valid row is mapped where it was checked (a CSV worker) and only the map's result
    /// reaches the sink, so the row's values never leave that thread.
    Mapped {
        map: RowMap<'s, T>,
        sink: &'s mut dyn FnMut(Mapped<'_, T>) -> Result<()>,
    },
}

impl<'s, T> Delivery<'s, T> {
    /// The map of a mapped delivery.
    pub(crate) fn map(&self) -> Option<RowMap<'s, T>> {
        match self {
            Delivery::Mapped { map, .. } => Some(*map),
            _ => None,
        }
    }
}

/// The mutable side of a file: counts, findings, keys, outlier samples.
pub(crate) struct Tally {
    seen_keys: SeenKeys,
    pub(crate) findings: Findings,
    outliers: Outliers,
    rows_read: u64,
    rows_valid: u64,
    rows_refused: u64,
    /// A whole-file refusal is certain (header problem or privacy).
    whole_file_refused: bool,
    privacy: bool,
}

impl Tally {
    /// A tally that starts with the header's findings.
    pub(crate) fn new(
        findings: Findings,
        outliers: Outliers,
        whole_file_refused: bool,
        privacy: bool,
    ) -> Self {
        Self {
            seen_keys: SeenKeys::new(),
            findings,
            outliers,
            rows_read: 0,
            rows_valid: 0,
            rows_refused: 0,
            whole_file_refused,
            privacy,
        }
    }

    /// True once nothing more may reach the sink as valid.
    fn blocked(&self, policy: Policy) -> bool {
        self.whole_file_refused || (policy == Policy::RefuseFile && self.findings.errors() > 0)
    }

    /// Counts an examined row, checks its key, samples its rates and hands it to the sink;
    /// answers the row's values when the sink did not keep them. `item` is the row already
    /// mapped (mapped delivery; the map runs here when it is `None`); `cells_of` gives the
    /// row's cells for the quarantine when the row has none yet (refused only here).
    pub(crate) fn accept<T>(
        &mut self,
        ex: &Examiner<'_>,
        examined: Examined,
        item: Option<T>,
        cells_of: &mut dyn FnMut() -> Vec<String>,
        sink: &mut Delivery<'_, T>,
    ) -> Result<Option<Vec<Value>>> {
        let Examined {
            row,
            rates,
            group,
            blank,
            values,
            mut found,
            privacy_hit,
            cells,
            key,
        } = examined;
        if blank {
            return Ok(Some(values));
        }
        self.rows_read += 1;
        if privacy_hit {
            self.privacy = true;
            self.whole_file_refused = true;
        } else if self.privacy {
            // After a privacy refusal the report lists privacy findings only.
            found.clear();
        } else if let Some(hash) = key {
            self.check_key(ex, row, hash, &mut found);
        }
        let error = found.iter().any(|f| f.severity == Severity::Error);
        if error {
            self.rows_refused += 1;
        } else if !self.privacy {
            self.rows_valid += 1;
            self.outliers.add(row, group, &rates);
        }
        let policy = ex.options.policy;
        if !error && !self.blocked(policy) {
            self.store(found);
            let row = Row {
                table: ex.table.name,
                row,
                values,
            };
            return match sink {
                Delivery::Owned(sink) => sink(RowEvent::Valid(row)).map(|()| None),
                Delivery::Borrowed(sink) => sink(RowRef::Valid(&row)).map(|()| Some(row.values)),
                Delivery::Mapped { map, sink } => {
                    let item = match item {
                        Some(item) => item,
                        None => map(&row),
                    };
                    sink(Mapped::Valid { row: row.row, item }).map(|()| Some(row.values))
                }
            };
        }
        let quarantine =
            error && !self.whole_file_refused && ex.options.policy == Policy::AcceptPartial;
        let cells = quarantine.then(|| cells.unwrap_or_else(cells_of));
        let refused = cells.map(|cells| RefusedRow {
            row,
            headers: ex.headers.clone(),
            cells,
            findings: found.clone(),
        });
        self.store(found);
        match (refused, sink) {
            (None, _) => {}
            (Some(refused), Delivery::Owned(sink)) => sink(RowEvent::Refused(refused))?,
            (Some(refused), Delivery::Borrowed(sink)) => sink(RowRef::Refused(&refused))?,
            (Some(refused), Delivery::Mapped { sink, .. }) => sink(Mapped::Refused(&refused))?,
        }
        Ok(Some(values))
    }

    fn store(&mut self, found: Vec<Finding>) {
        if found.capacity() == 0 {
            // Nearly every row: nothing found and nothing allocated, so nothing to drop.
            std::mem::forget(found);
            return;
        }
        for finding in found {
            self.findings.push(finding);
        }
    }

    /// Looks up the keys of rows about to be tallied, so that their table slots are in cache
    /// when [`Tally::accept`] inserts them in order: independent lookups overlap their cache
    /// misses, the inserts in file order would wait for each in turn.
    pub(crate) fn warm(&self, rows: &[Examined]) {
        for examined in rows {
            if let Some(hash) = examined.key {
                self.seen_keys.warm(hash);
            }
        }
    }

    fn check_key(&mut self, ex: &Examiner<'_>, row: u64, hash: u64, found: &mut Vec<Finding>) {
        let key = &ex.cols.key;
        let row32 = u32::try_from(row).unwrap_or(u32::MAX);
        let Some(earlier) = self.seen_keys.first_row(hash, row32) else {
            return;
        };
        let names: Vec<&str> = key
            .iter()
            .map(|k| ex.table.columns[*k].name.as_str())
            .collect();
        let message = format!("the key ({}) repeats row {earlier}", names.join(", "));
        let column = ex.table.columns[key[0]].name.clone();
        found.push(ex.finding(Code::DuplicateKey, row, Some(&column), message));
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
