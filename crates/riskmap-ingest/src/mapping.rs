//! Header mapping: which file header is which contract column.
//!
//! Out of the box a header is accepted when it equals (after [`normalise_header`]) a column's
//! machine name, its kk/ru/en label or one of its aliases from `data/contract/v1.toml`. A
//! mapping file (TOML, one section per table) adds renames for suppliers whose exports use
//! other headers:
//!
//! ```toml
//! [school_quarter]
//! "Всего учеников" = "pupils_total"
//! "Код организации" = "nobd_org_id"
//! ```

use std::collections::{BTreeMap, HashMap};

use crate::contract::{Table, TableName};
use crate::{Code, Contract, Error, Result};

/// Caller-supplied header renames, per table. Values are contract column names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HeaderMapping {
    renames: HashMap<TableName, HashMap<String, String>>,
}

impl HeaderMapping {
    /// No renames: only names, labels and aliases of the contract are accepted.
    pub fn none() -> Self {
        Self::default()
    }

    /// Parses a mapping file and checks that every target column exists in contract v1.
    pub fn parse(text: &str) -> Result<Self> {
        let bad = |message: String| Error::Mapping { message };
        let raw: BTreeMap<String, BTreeMap<String, String>> =
            toml::from_str(text).map_err(|e| bad(e.to_string()))?;
        let mut mapping = Self::none();
        for (table, renames) in raw {
            let name =
                TableName::parse(&table).ok_or_else(|| bad(format!("unknown table {table:?}")))?;
            for (header, column) in renames {
                mapping = mapping.rename(name, &header, &column)?;
            }
        }
        Ok(mapping)
    }

    /// Adds one rename `header → column` for `table`.
    pub fn rename(mut self, table: TableName, header: &str, column: &str) -> Result<Self> {
        if Contract::v1().table(table).column(column).is_none() {
            return Err(Error::Mapping {
                message: format!(
                    "{} has no column {column:?} (header {header:?})",
                    table.as_str()
                ),
            });
        }
        self.renames
            .entry(table)
            .or_default()
            .insert(normalise_header(header), column.to_owned());
        Ok(self)
    }

    fn target(&self, table: TableName, normalised: &str) -> Option<&str> {
        self.renames
            .get(&table)?
            .get(normalised)
            .map(String::as_str)
    }
}

/// Header comparison key: trimmed, BOM and NBSP removed, lower-case, `ё` → `е`, runs of
/// whitespace collapsed, trailing `:` and `*` dropped.
pub fn normalise_header(header: &str) -> String {
    let lowered = header
        .replace('\u{feff}', "")
        .to_lowercase()
        .replace('ё', "е");
    let words: Vec<&str> = lowered
        .split(|c: char| c.is_whitespace() || c == '\u{a0}')
        .filter(|w| !w.is_empty())
        .collect();
    words
        .join(" ")
        .trim_end_matches([':', '*'])
        .trim()
        .to_owned()
}

/// The result of matching a header row against a table.
#[derive(Debug, Clone)]
pub(crate) struct Resolved {
    /// For each file column, the contract column it feeds.
    pub(crate) by_file: Vec<Option<usize>>,
    /// For each contract column, the file column that feeds it.
    pub(crate) by_contract: Vec<Option<usize>>,
}

/// A problem with the header row: code, contract column or header, message.
pub(crate) type HeaderProblem = (Code, Option<String>, String);

/// Matches `headers` to `table`; `hidden[i]` marks headers that must not be echoed (privacy).
pub(crate) fn resolve(
    table: &Table,
    mapping: &HeaderMapping,
    headers: &[String],
    hidden: &[bool],
) -> (Resolved, Vec<HeaderProblem>) {
    let mut accepted: HashMap<String, usize> = HashMap::new();
    for (idx, column) in table.columns.iter().enumerate() {
        let names = [
            &column.name,
            &column.label.kk,
            &column.label.ru,
            &column.label.en,
        ];
        for name in names.into_iter().chain(&column.aliases) {
            accepted.insert(normalise_header(name), idx);
        }
    }
    let mut resolved = Resolved {
        by_file: vec![None; headers.len()],
        by_contract: vec![None; table.columns.len()],
    };
    let mut problems = Vec::new();
    for (file_idx, header) in headers.iter().enumerate() {
        let key = normalise_header(header);
        let target = match mapping.target(table.name, &key) {
            Some(column) => table.index(column),
            None => accepted.get(&key).copied(),
        };
        let shown = if hidden.get(file_idx).copied().unwrap_or(false) {
            format!("#{}", file_idx + 1)
        } else {
            crate::finding::excerpt(header)
        };
        match target {
            None if key.is_empty() => {}
            None => problems.push((
                Code::UnknownColumn,
                Some(shown.clone()),
                format!(
                    "header {shown:?} (column {}) matches no contract column; ignored",
                    file_idx + 1
                ),
            )),
            Some(idx) if resolved.by_contract[idx].is_some() => {
                let name = &table.columns[idx].name;
                problems.push((
                    Code::DuplicateColumn,
                    Some(name.clone()),
                    format!(
                        "header {shown:?} (column {}) maps to {name}, already given",
                        file_idx + 1
                    ),
                ));
            }
            Some(idx) => {
                resolved.by_file[file_idx] = Some(idx);
                resolved.by_contract[idx] = Some(file_idx);
            }
        }
    }
    for (idx, column) in table.columns.iter().enumerate() {
        if column.required && resolved.by_contract[idx].is_none() {
            problems.push((
                Code::MissingColumn,
                Some(column.name.clone()),
                format!(
                    "required column {} ({} / {}) has no header in the file",
                    column.name, column.label.ru, column.label.kk
                ),
            ));
        }
    }
    (resolved, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    fn codes(problems: &[HeaderProblem]) -> Vec<(&str, Option<&str>)> {
        problems
            .iter()
            .map(|(c, col, _)| (c.as_str(), col.as_deref()))
            .collect()
    }

    #[test]
    fn accepts_russian_and_kazakh_labels_out_of_the_box() {
        let table = Contract::v1().table(TableName::SchoolQuarter);
        let file = headers(&[
            "Идентификатор организации НОБД",
            "ӘАОЖ коды",
            "Период",
            "Оқушылар саны",
        ]);
        let (resolved, _) = resolve(table, &HeaderMapping::none(), &file, &[]);
        let names: Vec<_> = resolved
            .by_file
            .iter()
            .map(|i| table.columns[i.unwrap()].name.as_str())
            .collect();
        assert_eq!(names, ["nobd_org_id", "kato", "period", "pupils_total"]);
    }

    #[test]
    fn mapping_file_renames_headers() {
        let mapping =
            HeaderMapping::parse("[school_quarter]\n\"Всего  учеников:\" = \"pupils_total\"\n")
                .unwrap();
        let table = Contract::v1().table(TableName::SchoolQuarter);
        let (resolved, _) = resolve(table, &mapping, &headers(&["всего учеников"]), &[]);
        assert_eq!(resolved.by_file[0], table.index("pupils_total"));
    }

    #[test]
    fn mapping_to_an_unknown_column_is_an_error() {
        let err = HeaderMapping::parse("[school_quarter]\n\"x\" = \"pupils_totl\"\n").unwrap_err();
        assert!(err.to_string().contains("pupils_totl"));
    }

    #[test]
    fn reports_unknown_duplicate_and_missing_columns() {
        let table = Contract::v1().table(TableName::SchoolContacts);
        let file = headers(&["nobd_org_id", "org_id", "colour", "role", "full_name"]);
        let (_, problems) = resolve(table, &HeaderMapping::none(), &file, &[]);
        assert_eq!(
            codes(&problems),
            [
                ("E_DUPLICATE_COLUMN", Some("nobd_org_id")),
                ("W_UNKNOWN_COLUMN", Some("colour")),
                ("E_MISSING_COLUMN", Some("valid_from")),
            ]
        );
    }
}
