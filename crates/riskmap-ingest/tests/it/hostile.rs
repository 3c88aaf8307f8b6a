//! Hostile files: every file of `riskmap_ingest::hostile` is read within its limits and gets
//! the decision it must (refused with its limit's code, or accepted), and a refusal echoes
//! nothing of the file.

use riskmap_ingest::hostile::{Expect, hostile_files};
use riskmap_ingest::{Code, Decision, NoContext, Options, Policy, TableName, read_table};

use crate::fixtures::{csv_of, rows};

#[test]
fn every_hostile_file_gets_its_decision() {
    let valid = csv_of(&rows(6, 11));
    for file in hostile_files(&valid).unwrap() {
        let collected = read_table(
            TableName::SchoolQuarter,
            &file.file_name,
            &file.bytes[..],
            &Options::new(Policy::RefuseFile),
            &NoContext,
        )
        .unwrap();
        let outcome = &collected.outcome;
        match file.expect {
            Expect::Accepted => {
                assert_eq!(
                    outcome.decision,
                    Decision::Accepted,
                    "{}: {}",
                    file.file_name,
                    outcome.summary_text()
                );
                assert_eq!(collected.rows.len(), 6, "{}", file.file_name);
            }
            Expect::Refused(code) => {
                assert_eq!(outcome.decision, Decision::Refused, "{}", file.file_name);
                assert!(
                    outcome.has(code),
                    "{}: expected {}, got {}",
                    file.file_name,
                    code.as_str(),
                    outcome.summary_text()
                );
                assert!(collected.rows.is_empty());
            }
        }
        let json = outcome.to_json();
        assert!(
            json.len() < 64 * 1024,
            "{}: a report of {} bytes",
            file.file_name,
            json.len()
        );
        assert!(!json.contains("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
    }
}

#[test]
fn sparse_rows_keep_their_sheet_row_numbers() {
    let valid = csv_of(&rows(3, 12));
    let sparse = hostile_files(&valid)
        .unwrap()
        .into_iter()
        .find(|f| f.file_name.contains("sparse_rows"))
        .unwrap();
    let collected = read_table(
        TableName::SchoolQuarter,
        &sparse.file_name,
        &sparse.bytes[..],
        &Options::new(Policy::RefuseFile),
        &NoContext,
    )
    .unwrap();
    let numbers: Vec<u64> = collected.rows.iter().map(|r| r.row).collect();
    assert_eq!(numbers, vec![2, 100_001, 200_000]);
}

#[test]
fn a_long_header_is_refused_with_a_short_report() {
    let mut text = "x".repeat(3 << 20).into_bytes();
    text.extend_from_slice(b"\n1,2\n");
    let collected = read_table(
        TableName::SchoolQuarter,
        "long.csv",
        &text[..],
        &Options::new(Policy::RefuseFile),
        &NoContext,
    )
    .unwrap();
    assert!(collected.outcome.has(Code::RecordTooLong));
    assert!(collected.outcome.to_json().len() < 4096);
}

#[test]
fn an_unknown_header_is_echoed_only_as_a_short_printable_excerpt() {
    let mut text = String::from_utf8(csv_of(&rows(2, 13))).unwrap();
    let long = format!("Примечание\u{7}{}", "я".repeat(5000));
    text = text.replacen('\n', &format!(",{long}\n"), 1);
    let lines: Vec<String> = text
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                l.to_owned()
            } else {
                format!("{l},")
            }
        })
        .collect();
    let text = lines.join("\n") + "\n";
    let collected = read_table(
        TableName::SchoolQuarter,
        "quarter.csv",
        text.as_bytes(),
        &Options::new(Policy::RefuseFile),
        &NoContext,
    )
    .unwrap();
    let finding = collected
        .outcome
        .findings_of(Code::UnknownColumn)
        .next()
        .unwrap();
    for text in [finding.message.as_str(), finding.column.as_deref().unwrap()] {
        assert!(text.chars().count() < 120, "{text}");
        assert!(!text.contains('\u{7}'));
    }
}
