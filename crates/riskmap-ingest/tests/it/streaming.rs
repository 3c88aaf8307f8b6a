//! Files longer than one chunk: records cut across chunk boundaries, every line ending, blank
//! lines, a bad byte far into the file, and the borrowing sink.

use riskmap_ingest::{
    Code, Decision, Mapped, Options, Policy, Row, RowEvent, RowRef, TableName, Value, ingest,
    ingest_borrowed, ingest_mapped, read_school_quarter, write_school_quarter_xlsx,
};

use crate::fixtures::{csv_of, lookup, rows};

/// `n` rows whose every seventh note is quoted text with a comma, a doubled quote and a line
/// break, so that chunk boundaries fall inside and next to quoted fields.
fn long_rows(n: usize) -> Vec<riskmap_ingest::Row> {
    let mut rows = rows(n, 41);
    for (idx, row) in rows.iter_mut().enumerate() {
        if idx % 7 == 0 {
            let note = format!("запись {idx}, \"важно\"\nвторая строка");
            row.set("notes", Value::Text(note.into()));
        }
    }
    rows
}

#[test]
fn every_record_of_a_long_file_is_read_whatever_its_line_endings() {
    let original = long_rows(3000);
    let lf = String::from_utf8(csv_of(&original)).unwrap();
    // Blank lines are not records: they do not count as rows.
    let blank_lines = lf.replacen('\n', "\n\n\n", 1);
    for (label, text) in [
        ("lf", lf.clone()),
        ("crlf", lf.replace('\n', "\r\n")),
        ("cr", lf.replace('\n', "\r")),
        ("blank", blank_lines),
    ] {
        let bytes = text.into_bytes();
        assert!(bytes.len() > 4 * 64 * 1024, "several chunks");
        let collected = read_school_quarter(
            label,
            &bytes[..],
            &Options::new(Policy::RefuseFile),
            &lookup(),
        )
        .unwrap();
        assert_eq!(collected.outcome.decision, Decision::Accepted, "{label}");
        assert_eq!(collected.rows.len(), original.len(), "{label}");
        for (read, written) in collected.rows.iter().zip(&original) {
            let notes = |r: &riskmap_ingest::Row| match r.get("notes") {
                // Line breaks inside a quoted cell come back as written in the file.
                Some(Value::Text(t)) => t.replace("\r\n", "\n").replace('\r', "\n"),
                _ => String::new(),
            };
            assert_eq!(notes(read), notes(written), "{label}");
            assert_eq!(read.get("pupils_total"), written.get("pupils_total"));
        }
        let rows: Vec<u64> = collected.rows.iter().map(|r| r.row).collect();
        assert_eq!(rows, (2..3002).collect::<Vec<u64>>(), "{label}");
    }
}

#[test]
fn a_bad_byte_far_into_the_file_names_its_row_and_column() {
    let mut original = long_rows(2500);
    original[2400].set("notes", Value::Text("MARKER".into()));
    let mut bytes = csv_of(&original);
    let at = bytes.windows(6).position(|w| w == b"MARKER").unwrap();
    bytes[at] = 0xFF;
    let outcome = read_school_quarter(
        "bad.csv",
        &bytes[..],
        &Options::new(Policy::AcceptPartial),
        &lookup(),
    )
    .unwrap()
    .outcome;
    let finding = outcome.findings_of(Code::Encoding).next().unwrap();
    assert_eq!(finding.row, Some(2402));
    assert_eq!(finding.column.as_deref(), Some("notes"));
    assert_eq!(outcome.rows_refused, 1);
}

#[test]
fn the_borrowing_sink_sees_what_the_owning_sink_gets() {
    let mut original = long_rows(2000);
    for idx in [5, 900, 1999] {
        let total = original[idx].int("pupils_total").unwrap();
        original[idx].set("pupils_total", Value::Int(total + 1));
    }
    original[700] = original[699].clone();
    let bytes = csv_of(&original);
    let options = Options::new(Policy::AcceptPartial);
    let table = TableName::SchoolQuarter;
    let mut owned = Vec::new();
    let outcome = ingest(table, "f.csv", &bytes[..], &options, &lookup(), |event| {
        owned.push(match event {
            RowEvent::Valid(row) => format!("{row:?}"),
            RowEvent::Refused(row) => format!("{row:?}"),
        });
        Ok(())
    })
    .unwrap();
    let mut borrowed = Vec::new();
    let again = ingest_borrowed(table, "f.csv", &bytes[..], &options, &lookup(), |event| {
        borrowed.push(match event {
            RowRef::Valid(row) => format!("{row:?}"),
            RowRef::Refused(row) => format!("{row:?}"),
        });
        Ok(())
    })
    .unwrap();
    assert_eq!(outcome, again);
    assert_eq!(owned, borrowed);
    assert_eq!(outcome.decision, Decision::AcceptedPartially);
    assert_eq!(outcome.rows_refused, 4, "{}", outcome.summary_text());
    assert!(outcome.has(Code::DuplicateKey));
}

/// What a test map keeps of a row: its id, quarter and pupils, and every value's text (so a
/// row mapped with another row's values would show).
fn summary(row: &Row) -> String {
    format!("{:?}", row.values)
}

#[test]
fn the_mapping_sink_sees_the_valid_rows_mapped_in_file_order_and_the_refused_ones() {
    let mut original = long_rows(2000);
    for idx in [5, 900, 1999] {
        let total = original[idx].int("pupils_total").unwrap();
        original[idx].set("pupils_total", Value::Int(total + 1));
    }
    // A repeated key: checked clean on its worker (and mapped there), refused at the tally.
    original[700] = original[699].clone();
    let csv = csv_of(&original);
    let xlsx = write_school_quarter_xlsx(&original).unwrap();
    let options = Options::new(Policy::AcceptPartial);
    let table = TableName::SchoolQuarter;
    for (name, bytes) in [("f.csv", csv), ("f.xlsx", xlsx)] {
        let mut borrowed = Vec::new();
        let outcome = ingest_borrowed(table, name, &bytes[..], &options, &lookup(), |event| {
            borrowed.push(match event {
                RowRef::Valid(row) => format!("valid {} {}", row.row, summary(row)),
                RowRef::Refused(row) => format!("refused {row:?}"),
            });
            Ok(())
        })
        .unwrap();
        let mut mapped = Vec::new();
        let again = ingest_mapped(
            table,
            name,
            &bytes[..],
            &options,
            &lookup(),
            &summary,
            |event| {
                mapped.push(match event {
                    Mapped::Valid { row, item } => format!("valid {row} {item}"),
                    Mapped::Refused(row) => format!("refused {row:?}"),
                });
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(outcome, again, "{name}");
        assert_eq!(borrowed.len(), 2000, "{name}: 1996 valid, 4 refused");
        // The repeated key is found in file order, after its row was checked clean; it still
        // goes to the quarantine with its cells (row 702: the header is row 1).
        let duplicate = mapped
            .iter()
            .find(|e| e.starts_with("refused") && e.contains("row: 702"))
            .unwrap_or_else(|| panic!("{name}: row 702 is quarantined"));
        assert!(
            duplicate.contains("E_DUPLICATE_KEY") || duplicate.contains("DuplicateKey"),
            "{duplicate}"
        );
        assert!(
            duplicate.contains(original[700].school_id().unwrap()),
            "{duplicate}"
        );
        assert_eq!(mapped, borrowed, "{name}");
        assert_eq!(
            outcome.rows_refused,
            4,
            "{name}: {}",
            outcome.summary_text()
        );
        assert!(outcome.has(Code::DuplicateKey), "{name}");
    }
}
