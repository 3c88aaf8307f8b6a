//! Typed rows: one value per contract column, in contract order.

use std::sync::OnceLock;

use riskmap_model::{Kato, Measure, MeasureValues, Period};
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use crate::contract::{Contract, Table, TableName};
use crate::value::{Value, format_value};

/// One accepted row of a table.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The table.
    pub table: TableName,
    /// 1-based row in the file (header = row 1); 0 for rows built in code.
    pub row: u64,
    /// One value per contract column, in contract order ([`Table::columns`]).
    pub values: Vec<Value>,
}

impl Row {
    /// A row of `table` with every cell empty.
    pub fn empty(table: TableName) -> Self {
        let n = Contract::v1().table(table).columns.len();
        Self {
            table,
            row: 0,
            values: vec![Value::Null; n],
        }
    }

    /// The contract description of this row's table.
    pub fn table_def(&self) -> &'static Table {
        Contract::v1().table(self.table)
    }

    /// The value of a column by machine name (`None` for a name not in the table).
    pub fn get(&self, column: &str) -> Option<&Value> {
        self.table_def()
            .index(column)
            .and_then(|i| self.values.get(i))
    }

    /// Sets a column by machine name; returns false for a name not in the table.
    pub fn set(&mut self, column: &str, value: Value) -> bool {
        match self.table_def().index(column) {
            Some(idx) => {
                self.values[idx] = value;
                true
            }
            None => false,
        }
    }

    /// An integer column.
    pub fn int(&self, column: &str) -> Option<i64> {
        self.get(column).and_then(Value::as_int)
    }

    /// `nobd_org_id`.
    pub fn school_id(&self) -> Option<&str> {
        self.get("nobd_org_id").and_then(Value::as_text)
    }

    /// `period` (quarter).
    pub fn period(&self) -> Option<Period> {
        match self.get("period") {
            Some(Value::Period(p)) => Some(*p),
            _ => None,
        }
    }

    /// `kato`.
    pub fn kato(&self) -> Option<Kato> {
        match self.get("kato") {
            Some(Value::Kato(k)) => Some(*k),
            _ => None,
        }
    }

    /// The measures the store keeps (`riskmap_model::Measure`), from a `school_quarter` row.
    pub fn measure_values(&self) -> MeasureValues {
        let mut values = MeasureValues::empty();
        if self.table == TableName::SchoolQuarter {
            // Every stored row comes this way: the columns are found once, not by name per row.
            for (measure, col) in Measure::ALL.iter().zip(quarter_measure_columns()) {
                let value = col.and_then(|col| self.values.get(col));
                values.set(*measure, value.and_then(Value::as_f64));
            }
            return values;
        }
        for measure in Measure::ALL {
            values.set(*measure, self.get(measure.column()).and_then(Value::as_f64));
        }
        values
    }

    /// The cells as canonical text, in contract order (what the CSV writer emits).
    pub fn to_texts(&self) -> Vec<String> {
        self.values.iter().map(format_value).collect()
    }
}

/// The `school_quarter` column of each measure of [`Measure::ALL`], in that order.
fn quarter_measure_columns() -> &'static [Option<usize>] {
    static COLUMNS: OnceLock<Vec<Option<usize>>> = OnceLock::new();
    COLUMNS.get_or_init(|| {
        let table = Contract::v1().table(TableName::SchoolQuarter);
        Measure::ALL
            .iter()
            .map(|m| table.index(m.column()))
            .collect()
    })
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Null => s.serialize_none(),
            Value::Int(v) => s.serialize_i64(*v),
            Value::Decimal(v) => s.serialize_f64(*v),
            Value::Bool(v) => s.serialize_bool(*v),
            Value::Set(items) => items.serialize(s),
            other => s.serialize_str(&format_value(other)),
        }
    }
}

impl Serialize for Row {
    /// A JSON object `{column: value}` in contract order.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let table = self.table_def();
        let mut map = s.serialize_map(Some(self.values.len()))?;
        for (column, value) in table.columns.iter().zip(&self.values) {
            map.serialize_entry(&column.name, value)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measure_values_follow_the_contract_columns() {
        let mut row = Row::empty(TableName::SchoolQuarter);
        assert!(row.set("pupils_total", Value::Int(420)));
        assert!(row.set("psych_fte_filled", Value::Decimal(1.5)));
        assert!(!row.set("no_such_column", Value::Int(1)));
        let measures = row.measure_values();
        assert_eq!(measures.get(Measure::PupilsTotal), Some(420.0));
        assert_eq!(measures.get(Measure::PsychFteFilled), Some(1.5));
        assert_eq!(measures.get(Measure::ViolTotal), None);
    }

    #[test]
    fn every_quarter_measure_is_read_from_its_own_column() {
        let mut row = Row::empty(TableName::SchoolQuarter);
        for (i, measure) in Measure::ALL.iter().enumerate() {
            assert!(row.set(measure.column(), Value::Int(i as i64 + 1)));
        }
        let measures = row.measure_values();
        for (i, measure) in Measure::ALL.iter().enumerate() {
            assert_eq!(measures.get(*measure), Some(i as f64 + 1.0), "{measure:?}");
        }
    }

    #[test]
    fn every_model_measure_is_a_contract_column() {
        let table = Contract::v1().table(TableName::SchoolQuarter);
        for measure in Measure::ALL {
            assert!(
                table.column(measure.column()).is_some(),
                "{} is not in contract v1",
                measure.column()
            );
        }
    }

    #[test]
    fn serialises_as_an_object_in_contract_order() {
        let mut row = Row::empty(TableName::SchoolContacts);
        row.set("role", Value::Text("psychologist".into()));
        let json = serde_json::to_string(&row).unwrap();
        assert!(
            json.starts_with("{\"nobd_org_id\":null,\"role\":\"psychologist\""),
            "{json}"
        );
    }
}
