//! How the cells of a row become values: the parse plan of each file column, and the storing
//! of values into a row buffer reused from row to row.

use crate::contract::{Column, ColumnType};
use crate::value::Value;

/// How a file column is parsed: not at all, or into a contract column; whole numbers and
/// decimals carry the column's bounds for their fast path.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Slot {
    Skip,
    Int { col: usize, low: i64, span: u64 },
    Decimal { col: usize, low: f64, high: f64 },
    Text(usize),
    Other(usize),
}

impl Slot {
    /// The contract column filled from this file column.
    pub(crate) fn column(&self) -> Option<usize> {
        match *self {
            Slot::Skip => None,
            Slot::Int { col, .. }
            | Slot::Decimal { col, .. }
            | Slot::Text(col)
            | Slot::Other(col) => Some(col),
        }
    }

    pub(crate) fn new(col: usize, column: &Column) -> Self {
        let low = column.min.unwrap_or(f64::NEG_INFINITY);
        let high = column.max.unwrap_or(f64::INFINITY);
        match column.ty {
            // `v as f64` within `[low, high]` is `v` within `[low, high]` when the bounds are
            // whole numbers that an f64 holds exactly (rounding is monotone), or infinite.
            ColumnType::Int => match (whole(low, i64::MIN), whole(high, i64::MAX)) {
                (Some(low), Some(high)) if low <= high => Slot::Int {
                    col,
                    low,
                    span: high.wrapping_sub(low) as u64,
                },
                _ => Slot::Other(col),
            },
            ColumnType::Decimal => Slot::Decimal { col, low, high },
            ColumnType::String => Slot::Text(col),
            _ => Slot::Other(col),
        }
    }
}

/// A bound as a whole number (`infinite` for an infinite bound), if it is one below 2⁵³.
fn whole(bound: f64, infinite: i64) -> Option<i64> {
    if bound.is_infinite() {
        return Some(infinite);
    }
    (bound.fract() == 0.0 && bound.abs() < 9.0e15).then_some(bound as i64)
}

/// A set of contract columns (Contract::parse checks that a table has at most 128).
#[derive(Default, Clone, Copy)]
pub(crate) struct ColumnSet([u64; 2]);

impl ColumnSet {
    pub(crate) fn insert(&mut self, col: usize) {
        self.0[(col / 64) & 1] |= 1 << (col % 64);
    }

    pub(crate) fn contains(&self, col: usize) -> bool {
        self.0
            .get(col / 64)
            .is_some_and(|w| w & (1 << (col % 64)) != 0)
    }
}

/// Overwrites the value of a column whose type owns no memory: such a slot only ever holds
/// `Null` or a value of that type (see `Examiner::examine`), so nothing is dropped and the
/// old value is not even read.
pub(crate) fn put_plain(slot: &mut Value, value: Value) {
    debug_assert!(owns_nothing(slot));
    std::mem::forget(std::mem::replace(slot, value));
}

/// True for the variants without heap memory.
fn owns_nothing(value: &Value) -> bool {
    matches!(
        value,
        Value::Null
            | Value::Int(_)
            | Value::Decimal(_)
            | Value::Bool(_)
            | Value::Date(_)
            | Value::Timestamp(_)
            | Value::Period(_)
            | Value::StatPeriod(_)
            | Value::Kato(_)
    )
}

/// Stores `text` as a `Text` value, in the previous row's buffer when it has the same length
/// (identifiers and codes usually do), else in a new one.
pub(crate) fn put_text(slot: &mut Value, text: &str) {
    if let Value::Text(old) = slot
        && old.len() == text.len()
    {
        // A boxed str of the same length holds the text exactly: no reallocation either way.
        let mut reused = std::mem::take(old).into_string();
        reused.clear();
        reused.push_str(text);
        *old = reused.into_boxed_str();
        return;
    }
    put(slot, Value::Text(text.into()));
}

/// Overwrites a value of an earlier row (or an empty one) without calling the drop glue when
/// the old value owns no memory, which is nearly always.
pub(crate) fn put(slot: &mut Value, value: Value) {
    if owns_nothing(slot) {
        std::mem::forget(std::mem::replace(slot, value));
    } else {
        *slot = value;
    }
}

/// Trims whitespace, skipping the Unicode-aware scan when both ends are plain ASCII.
pub(crate) fn trim(cell: &str) -> &str {
    let bytes = cell.as_bytes();
    match (bytes.first(), bytes.last()) {
        (Some(first), Some(last)) if first.is_ascii_graphic() && last.is_ascii_graphic() => cell,
        _ => cell.trim(),
    }
}

#[cfg(test)]
mod tests {
    use super::ColumnSet;

    #[test]
    fn column_sets_hold_two_words() {
        let mut set = ColumnSet::default();
        for col in [0, 2, 63, 64, 127] {
            set.insert(col);
        }
        assert!(set.contains(63) && set.contains(64) && set.contains(127));
        assert!(!set.contains(1) && !set.contains(65) && !set.contains(128));
    }
}
