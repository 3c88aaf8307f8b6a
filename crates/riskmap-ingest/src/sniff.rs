//! Which contract table a file holds, for callers that are handed a file without being told:
//! from the file name, from the sheets of a workbook, or from the header row of a CSV.

use std::io::{Read, Seek};

use crate::contract::{Contract, TableName};
use crate::decode::{Detected, EncodingChoice, SNIFF_BYTES, detect, sniff_delimiter};
use crate::limits::Limits;
use crate::mapping::{HeaderMapping, resolve};
use crate::xlsx::Workbook;

/// Bytes a caller should read from the start of a CSV for [`table_from_header`].
pub const HEADER_SNIFF_BYTES: usize = SNIFF_BYTES;

/// True when the bytes start like an XLSX workbook (a ZIP archive).
pub fn is_xlsx(head: &[u8]) -> bool {
    head.starts_with(b"PK\x03\x04")
}

/// The table named by a file name such as `school_quarter_2024Q1.csv`,
/// `legal_stats.xlsx` or `2024_school_contacts.csv`; `None` when no table or several match.
pub fn table_from_name(name: &str) -> Option<TableName> {
    let stem = name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(name)
        .to_lowercase()
        .replace(['-', ' '], "_");
    let patterns: [(TableName, &[&str]); 4] = [
        (
            TableName::SchoolReference,
            &["school_reference", "reference"],
        ),
        (TableName::SchoolQuarter, &["school_quarter", "quarter"]),
        (TableName::SchoolContacts, &["school_contacts", "contacts"]),
        (TableName::LegalStats, &["legal_stats", "legal"]),
    ];
    let mut found = patterns
        .iter()
        .filter(|(_, words)| words.iter().any(|w| stem.contains(w)))
        .map(|(table, _)| *table);
    let first = found.next()?;
    found.next().is_none().then_some(first)
}

/// The contract tables a workbook has sheets for, in processing order (reference first, so
/// that a workbook's quarter rows may name the schools its reference sheet adds). `None` when
/// the input cannot be opened as a workbook within the default [`Limits`]. Only the ZIP
/// directory and the sheet list are read.
pub fn xlsx_tables(input: impl Read + Seek) -> Option<Vec<TableName>> {
    let workbook = Workbook::open(input, Limits::default()).ok()?;
    let names: Vec<String> = workbook
        .sheet_names()
        .iter()
        .map(|n| n.trim().to_ascii_lowercase())
        .collect();
    Some(
        TableName::ALL
            .into_iter()
            .filter(|t| names.iter().any(|n| n == t.as_str()))
            .collect(),
    )
}

/// Fewest headers a file must share with a table to be read as that table when some of the
/// table's required columns are missing (the ingest then names each missing column).
pub const MIN_MATCHED_HEADERS: usize = 3;

/// The table whose columns the header row of a CSV matches best. Every contract table is
/// scored by the headers it matches; the best score wins (ties: the table with every
/// required column, then the one with the fewest columns unmatched). A table missing
/// required columns is still chosen when it matches at least [`MIN_MATCHED_HEADERS`]
/// headers, so that the ingest reports it as that table with `E_MISSING_COLUMN` for each
/// missing column instead of guessing another. `head` is the start of the file (at least its
/// first line); `None` when no table matches enough.
pub fn table_from_header(
    head: &[u8],
    encoding: EncodingChoice,
    mapping: &HeaderMapping,
) -> Option<TableName> {
    let headers = first_record(head, encoding)?;
    let hidden = vec![false; headers.len()];
    TableName::ALL
        .into_iter()
        .filter_map(|name| {
            let table = Contract::v1().table(name);
            let (resolved, _) = resolve(table, mapping, &headers, &hidden);
            let complete = table
                .columns
                .iter()
                .zip(&resolved.by_contract)
                .all(|(column, found)| !column.required || found.is_some());
            let matched = resolved.by_contract.iter().flatten().count();
            let unmatched = table.columns.len() - matched;
            let enough = complete || matched >= MIN_MATCHED_HEADERS;
            (enough && matched > 0).then_some((
                matched,
                complete,
                std::cmp::Reverse(unmatched),
                name,
            ))
        })
        .max_by_key(|(matched, complete, unmatched, _)| (*matched, *complete, *unmatched))
        .map(|(_, _, _, name)| name)
}

/// The fields of the first record of a CSV start, decoded; `None` when there is none.
fn first_record(head: &[u8], encoding: EncodingChoice) -> Option<Vec<String>> {
    let detected = detect(head, head.len() < HEADER_SNIFF_BYTES, encoding).ok()?;
    let text = match detected {
        Detected::Utf8Bom => String::from_utf8_lossy(&head[3..]).into_owned(),
        Detected::Utf8 => String::from_utf8_lossy(head).into_owned(),
        Detected::Windows1251 => encoding_rs::WINDOWS_1251.decode(head).0.into_owned(),
    };
    let delimiter = sniff_delimiter(text.as_bytes());
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let record = reader.records().next()?.ok()?;
    Some(record.iter().map(str::to_owned).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synth::{SynthConfig, synthetic_school_quarter};
    use crate::write::{write_csv, write_xlsx};
    use crate::{Row, write_school_quarter_csv};
    use riskmap_model::{Kato, Period};

    fn quarter_rows(n: usize) -> Vec<Row> {
        let config = SynthConfig {
            seed: 1,
            schools: n,
            first_period: Period::parse("2024-Q1").unwrap(),
            katos: vec![Kato::parse("751710000").unwrap()],
        };
        synthetic_school_quarter(&config).unwrap().take(n).collect()
    }

    #[test]
    fn file_names_name_their_table_unless_ambiguous() {
        assert_eq!(
            table_from_name("exports/School_Quarter-2024Q1.csv"),
            Some(TableName::SchoolQuarter)
        );
        assert_eq!(
            table_from_name("school_reference.csv"),
            Some(TableName::SchoolReference)
        );
        assert_eq!(
            table_from_name("kpsisu_legal_2023.xlsx"),
            Some(TableName::LegalStats)
        );
        assert_eq!(table_from_name("nobd_export.xlsx"), None);
        assert_eq!(table_from_name("quarter_and_contacts.csv"), None);
    }

    #[test]
    fn header_rows_are_matched_to_the_table_they_complete() {
        let mut csv = Vec::new();
        write_school_quarter_csv(quarter_rows(2), &mut csv).unwrap();
        let none = HeaderMapping::none();
        assert_eq!(
            table_from_header(&csv, EncodingChoice::Auto, &none),
            Some(TableName::SchoolQuarter)
        );
        let mut contacts = Vec::new();
        write_csv(TableName::SchoolContacts, Vec::<Row>::new(), &mut contacts).unwrap();
        assert_eq!(
            table_from_header(&contacts, EncodingChoice::Auto, &none),
            Some(TableName::SchoolContacts)
        );
        assert_eq!(
            table_from_header(b"foo,bar\n1,2\n", EncodingChoice::Auto, &none),
            None
        );
    }

    #[test]
    fn a_quarter_file_missing_a_required_column_is_still_a_quarter_file() {
        let mut csv = Vec::new();
        write_school_quarter_csv(quarter_rows(2), &mut csv).unwrap();
        let text = String::from_utf8(csv).unwrap();
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(text.as_bytes());
        let mut out = csv::Writer::from_writer(Vec::new());
        let records: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
        let drop = records[0].iter().position(|h| h == "pupils_total").unwrap();
        for record in &records {
            let kept: Vec<&str> = record
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != drop)
                .map(|(_, v)| v)
                .collect();
            out.write_record(kept).unwrap();
        }
        let without = out.into_inner().unwrap();
        assert_eq!(
            table_from_header(&without, EncodingChoice::Auto, &HeaderMapping::none()),
            Some(TableName::SchoolQuarter)
        );
    }

    #[test]
    fn workbooks_list_their_contract_sheets_reference_first() {
        let rows = quarter_rows(1);
        let bytes = write_xlsx(&[
            (TableName::SchoolQuarter, &rows),
            (TableName::SchoolReference, &[]),
        ])
        .unwrap();
        assert!(is_xlsx(&bytes));
        assert_eq!(
            xlsx_tables(std::io::Cursor::new(&bytes)),
            Some(vec![TableName::SchoolReference, TableName::SchoolQuarter])
        );
        assert_eq!(
            xlsx_tables(std::io::Cursor::new(&bytes[..bytes.len() / 2])),
            None
        );
    }
}
