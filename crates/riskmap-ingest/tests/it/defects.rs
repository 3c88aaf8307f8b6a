//! One test per defect class: the ingest reports the class's code at its row and column.

use riskmap_ingest::defects::{Defect, DefectClass, DefectPlan, make_defects};
use riskmap_ingest::{Decision, Policy, read_school_quarter};

use crate::fixtures::{ASTANA_ESIL, almaty_options, csv_of, kato, lookup, rows};

fn defect(class: DefectClass) -> Defect {
    let valid = csv_of(&rows(6, 7));
    let plan = DefectPlan {
        unknown_kato: kato("751799999"),
        foreign_kato: kato(ASTANA_ESIL),
    };
    make_defects(&valid, &plan)
        .unwrap()
        .into_iter()
        .find(|d| d.class == class)
        .unwrap()
}

/// Reads the defective file and asserts the code, its location and the refusal.
fn check(class: DefectClass) {
    let defect = defect(class);
    let options = almaty_options(Policy::RefuseFile);
    let collected =
        read_school_quarter(&defect.file_name, &defect.bytes[..], &options, &lookup()).unwrap();
    let outcome = &collected.outcome;
    assert_eq!(
        outcome.decision,
        Decision::Refused,
        "{class:?}: {}",
        outcome.summary_text()
    );
    assert!(collected.rows.is_empty());
    let finding = outcome.findings_of(defect.code).next().unwrap_or_else(|| {
        panic!(
            "{class:?}: no {} in\n{}",
            defect.code.as_str(),
            outcome.summary_text()
        )
    });
    assert_eq!(finding.row, defect.row, "{class:?}: {}", finding.to_line());
    assert_eq!(
        finding.column,
        defect.column,
        "{class:?}: {}",
        finding.to_line()
    );
    assert_eq!(finding.file, defect.file_name);
}

#[test]
fn the_valid_source_file_is_accepted() {
    let valid = csv_of(&rows(6, 7));
    let collected = read_school_quarter(
        "valid.csv",
        &valid[..],
        &almaty_options(Policy::RefuseFile),
        &lookup(),
    )
    .unwrap();
    assert_eq!(
        collected.outcome.decision,
        Decision::Accepted,
        "{}",
        collected.outcome.summary_text()
    );
    assert_eq!(collected.rows.len(), 6);
}

#[test]
fn wrong_encoding_cell_is_e_encoding_at_its_row_and_column() {
    check(DefectClass::WrongEncoding);
}

#[test]
fn missing_column_is_e_missing_column_naming_the_column() {
    check(DefectClass::MissingColumn);
}

#[test]
fn bad_type_is_e_type() {
    check(DefectClass::BadType);
}

#[test]
fn broken_sum_is_e_sum_sex_on_the_total() {
    check(DefectClass::BrokenSum);
}

#[test]
fn unknown_kato_is_e_kato_unknown() {
    check(DefectClass::UnknownKato);
}

#[test]
fn region_mismatch_is_e_kato_region() {
    check(DefectClass::RegionMismatch);
}

#[test]
fn duplicate_key_is_e_duplicate_key_on_the_repeat() {
    check(DefectClass::DuplicateKey);
}

#[test]
fn personal_data_is_e_privacy() {
    check(DefectClass::PersonalData);
}

#[test]
fn truncated_xlsx_is_e_xlsx_corrupt() {
    check(DefectClass::TruncatedXlsx);
}

#[test]
fn empty_file_is_e_empty_file() {
    check(DefectClass::EmptyFile);
}

#[test]
fn header_only_is_e_header_only() {
    check(DefectClass::HeaderOnly);
}

#[test]
fn ten_megabyte_cell_is_e_cell_too_large() {
    check(DefectClass::HugeCell);
}
