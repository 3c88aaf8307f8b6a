//! Encodings, delimiters, decimal comma, XLSX, round trips and the content hash.

use riskmap_ingest::{
    Code, Decision, Detected, EncodingChoice, HeaderMapping, NoContext, Options, Policy, TableName,
    read_school_quarter, read_table, write_school_quarter_xlsx, write_xlsx,
};

use crate::fixtures::{csv_of, lookup, rows};

fn accept(name: &str, bytes: &[u8], options: &Options) -> riskmap_ingest::Collected {
    let collected = read_school_quarter(name, bytes, options, &lookup()).unwrap();
    assert_eq!(
        collected.outcome.decision,
        Decision::Accepted,
        "{}",
        collected.outcome.summary_text()
    );
    collected
}

#[test]
fn csv_round_trip_gives_back_the_rows() {
    let original = rows(25, 11);
    let collected = accept(
        "sq.csv",
        &csv_of(&original),
        &Options::new(Policy::RefuseFile),
    );
    let values: Vec<_> = collected.rows.iter().map(|r| r.values.clone()).collect();
    let expected: Vec<_> = original.iter().map(|r| r.values.clone()).collect();
    assert_eq!(values, expected);
    assert_eq!(collected.rows[0].row, 2, "the first data row is row 2");
}

#[test]
fn xlsx_round_trip_gives_back_the_rows() {
    let original = rows(25, 12);
    let xlsx = write_school_quarter_xlsx(&original).unwrap();
    let collected = accept("sq.xlsx", &xlsx, &Options::new(Policy::RefuseFile));
    assert_eq!(collected.outcome.sheet.as_deref(), Some("school_quarter"));
    let values: Vec<_> = collected.rows.iter().map(|r| r.values.clone()).collect();
    let expected: Vec<_> = original.iter().map(|r| r.values.clone()).collect();
    assert_eq!(values, expected);
}

#[test]
fn xlsx_decimals_with_a_long_binary_tail_are_not_mistaken_for_an_iin() {
    let mut original = rows(3, 13);
    for row in &mut original {
        row.set(
            "psych_fte_norm",
            riskmap_ingest::Value::Decimal(0.123_456_789_012_345),
        );
    }
    let bytes = write_school_quarter_xlsx(&original).unwrap();
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet().set_name("school_quarter").unwrap();
    let collected = accept("sq.xlsx", &bytes, &Options::new(Policy::RefuseFile));
    assert_eq!(
        collected.rows[0].get("psych_fte_norm"),
        Some(&riskmap_ingest::Value::Decimal(0.123457))
    );
    // A workbook written by another tool keeps the full binary value; it is read to 9 decimals.
    sheet.write_string(0, 0, "psych_fte_norm").unwrap();
    sheet.write_number(1, 0, 76.923_456_789_012_34).unwrap();
    let outcome = read_table(
        TableName::SchoolQuarter,
        "other.xlsx",
        &workbook.save_to_buffer().unwrap()[..],
        &Options::new(Policy::RefuseFile),
        &NoContext,
    )
    .unwrap()
    .outcome;
    assert!(!outcome.has(Code::Privacy), "{}", outcome.summary_text());
}

#[test]
fn xlsx_without_the_table_sheet_is_e_sheet_missing() {
    let xlsx = write_xlsx(&[(TableName::SchoolReference, &[])]).unwrap();
    let outcome = read_school_quarter(
        "wb.xlsx",
        &xlsx[..],
        &Options::new(Policy::RefuseFile),
        &NoContext,
    )
    .unwrap()
    .outcome;
    assert!(outcome.has(Code::SheetMissing));
}

#[test]
fn reading_the_same_bytes_twice_gives_the_same_hash_and_outcome() {
    let bytes = csv_of(&rows(40, 13));
    let options = Options::new(Policy::RefuseFile);
    let first = read_school_quarter("a.csv", &bytes[..], &options, &lookup()).unwrap();
    let second = read_school_quarter("a.csv", &bytes[..], &options, &lookup()).unwrap();
    assert_eq!(first, second);
    assert_eq!(first.outcome.sha256.len(), 64);
    assert_eq!(first.outcome.bytes, bytes.len() as u64);
    let mut changed = bytes.clone();
    changed.push(b'\n');
    let third = read_school_quarter("a.csv", &changed[..], &options, &lookup()).unwrap();
    assert_ne!(third.outcome.sha256, first.outcome.sha256);
}

/// SHA-256 of `bytes` by the `sha2` crate on its own, lower-case hex.
fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn the_hash_is_the_files_sha256_and_a_known_hash_is_taken_as_given() {
    let (text, _) = russian_export();
    let (cp1251, _, _) = encoding_rs::WINDOWS_1251.encode(&text);
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(text.as_bytes());
    let files: [(&str, Vec<u8>); 4] = [
        ("plain.csv", csv_of(&rows(30, 21))),
        ("bom.csv", bom),
        ("cp1251.csv", cp1251.into_owned()),
        (
            "book.xlsx",
            write_school_quarter_xlsx(&rows(30, 22)).unwrap(),
        ),
    ];
    for (name, bytes) in files {
        let hashed = accept(name, &bytes, &Options::new(Policy::RefuseFile));
        assert_eq!(hashed.outcome.sha256, sha256_hex(&bytes), "{name}");
        assert_eq!(
            riskmap_ingest::content_sha256(&bytes[..]).unwrap(),
            hashed.outcome.sha256,
            "{name}: the hash a caller takes beforehand"
        );
        assert_eq!(hashed.outcome.bytes, bytes.len() as u64, "{name}");
        // A caller that hashed the file already (the loader) gets its hash back, unchecked,
        // and everything else as before.
        let known = Options {
            content_sha256: Some("ab".repeat(32)),
            ..Options::new(Policy::RefuseFile)
        };
        let mut given = accept(name, &bytes, &known);
        assert_eq!(given.outcome.sha256, "ab".repeat(32), "{name}");
        given.outcome.sha256.clone_from(&hashed.outcome.sha256);
        assert_eq!(given, hashed, "{name}");
    }
}

/// The same rows as a Russian-header, semicolon, decimal-comma export (UTF-8 text).
fn russian_export() -> (String, usize) {
    let original = rows(5, 14);
    let bytes = csv_of(&original);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&bytes[..]);
    let table = riskmap_ingest::Contract::v1().table(TableName::SchoolQuarter);
    let mut writer = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(Vec::new());
    let mut header: Vec<String> = Vec::new();
    for (idx, record) in reader.records().enumerate() {
        let record = record.unwrap();
        if idx == 0 {
            header = record.iter().map(str::to_owned).collect();
            let russian: Vec<String> = header
                .iter()
                .map(|h| table.column(h).unwrap().label.ru.clone())
                .collect();
            writer.write_record(&russian).unwrap();
            continue;
        }
        let fields: Vec<String> = record
            .iter()
            .zip(&header)
            .map(|(f, h)| {
                let decimal =
                    table.column(h).unwrap().ty == riskmap_ingest::contract::ColumnType::Decimal;
                if decimal {
                    f.replace('.', ",")
                } else {
                    f.to_owned()
                }
            })
            .collect();
        writer.write_record(&fields).unwrap();
    }
    (
        String::from_utf8(writer.into_inner().unwrap()).unwrap(),
        original.len(),
    )
}

#[test]
fn windows_1251_semicolon_decimal_comma_is_detected_and_read() {
    let (text, n) = russian_export();
    let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(&text);
    let collected = accept("export.csv", &bytes, &Options::new(Policy::RefuseFile));
    assert_eq!(collected.rows.len(), n);
    assert_eq!(collected.outcome.encoding, Some(Detected::Windows1251));
    assert_eq!(collected.outcome.delimiter, Some(';'));
    let mut forced = Options::new(Policy::RefuseFile);
    forced.encoding = EncodingChoice::Windows1251;
    assert_eq!(accept("export.csv", &bytes, &forced).rows.len(), n);
}

#[test]
fn utf8_with_bom_is_read() {
    let (text, n) = russian_export();
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(text.as_bytes());
    let collected = accept("bom.csv", &bytes, &Options::new(Policy::RefuseFile));
    assert_eq!(collected.rows.len(), n);
    assert_eq!(collected.outcome.encoding, Some(Detected::Utf8Bom));
}

#[test]
fn utf16_is_refused_with_e_encoding() {
    let mut bytes = vec![0xFF, 0xFE];
    for unit in "period,kato\n".encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    let outcome = read_school_quarter(
        "u16.csv",
        &bytes[..],
        &Options::new(Policy::RefuseFile),
        &NoContext,
    )
    .unwrap()
    .outcome;
    assert!(outcome.has(Code::Encoding));
    assert_eq!(outcome.decision, Decision::Refused);
}

#[test]
fn quoted_fields_with_delimiters_and_newlines_are_one_cell() {
    let mut original = rows(3, 15);
    original[1].set(
        "notes",
        riskmap_ingest::Value::Text("строка 1, \"цитата\"\nстрока 2".into()),
    );
    let collected = accept(
        "q.csv",
        &csv_of(&original),
        &Options::new(Policy::RefuseFile),
    );
    assert_eq!(collected.rows[1].get("notes"), original[1].get("notes"));
    assert_eq!(collected.rows[2].row, 4, "rows count records, not lines");
}

#[test]
fn a_mapping_file_renames_supplier_headers() {
    let text = String::from_utf8(csv_of(&rows(3, 16))).unwrap().replacen(
        "pupils_total",
        "Всего учеников",
        1,
    );
    let strict = read_school_quarter(
        "m.csv",
        text.as_bytes(),
        &Options::new(Policy::RefuseFile),
        &NoContext,
    )
    .unwrap();
    assert!(strict.outcome.has(Code::MissingColumn) && strict.outcome.has(Code::UnknownColumn));
    let missing = strict
        .outcome
        .findings_of(Code::MissingColumn)
        .next()
        .unwrap();
    assert_eq!(
        (missing.file.as_str(), missing.column.as_deref()),
        ("m.csv", Some("pupils_total"))
    );
    let mut options = Options::new(Policy::RefuseFile);
    options.mapping =
        HeaderMapping::parse("[school_quarter]\n\"Всего учеников\" = \"pupils_total\"\n").unwrap();
    accept("m.csv", text.as_bytes(), &options);
}

#[test]
fn reference_files_check_bin_and_grades() {
    let header = "nobd_org_id,bin,name_kk,name_ru,kato,kato_version,settlement_type,ownership,org_type,instruction_lang,grade_min,grade_max,valid_from,valid_to,status\n";
    let good = "ORG-1,123456789013,№1 мектеп,Школа №1,751710000,2022-10-17,urban,state,general,kk;ru,0,11,2020-09-01,2099-12-31,active\n";
    let bad = "ORG-2,123456789014,№2 мектеп,Школа №2,751710000,17.10.2022,urban,state,lyceum,ru,11,5,2020-09-01,2099-12-31,active\n";
    let text = format!("{header}{good}{bad}");
    let collected = read_table(
        TableName::SchoolReference,
        "ref.csv",
        text.as_bytes(),
        &Options::new(Policy::AcceptPartial),
        &lookup(),
    )
    .unwrap();
    assert_eq!(
        collected.outcome.decision,
        Decision::AcceptedPartially,
        "{}",
        collected.outcome.summary_text()
    );
    assert_eq!(collected.rows.len(), 1);
    let codes: Vec<_> = collected.refused[0]
        .findings
        .iter()
        .map(|f| (f.code, f.column.clone().unwrap()))
        .collect();
    assert_eq!(
        codes,
        [
            (Code::BinCheck, "bin".to_owned()),
            (Code::Range, "grade_min".to_owned())
        ]
    );
}
