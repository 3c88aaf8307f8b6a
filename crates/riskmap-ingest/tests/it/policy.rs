//! Refuse-file versus accept-partial, the streaming sink, and the checks that need context.

use riskmap_ingest::{
    Code, Decision, Lookup, Options, Policy, RowEvent, TableName, Value, ingest,
    read_school_quarter,
};
use riskmap_model::Period;

use crate::fixtures::{almaty_options, csv_of, lookup, registry, rows};

fn broken_row_3() -> Vec<u8> {
    let mut rows = rows(6, 21);
    let total = rows[1].int("viol_total").unwrap();
    rows[1].set("viol_total", Value::Int(total + 1));
    csv_of(&rows)
}

#[test]
fn default_policy_refuses_the_whole_file_for_one_bad_row() {
    let collected = read_school_quarter(
        "f.csv",
        &broken_row_3()[..],
        &Options::new(Policy::RefuseFile),
        &lookup(),
    )
    .unwrap();
    assert_eq!(collected.outcome.decision, Decision::Refused);
    assert!(collected.rows.is_empty());
    assert_eq!(collected.outcome.rows_refused, 1);
    let err = collected.outcome.ensure_accepted().unwrap_err().to_string();
    assert!(err.contains("E_SUM_VIOL_TYPE"), "{err}");
}

#[test]
fn accept_partial_keeps_valid_rows_and_quarantines_the_rest() {
    let collected = read_school_quarter(
        "f.csv",
        &broken_row_3()[..],
        &Options::new(Policy::AcceptPartial),
        &lookup(),
    )
    .unwrap();
    assert_eq!(collected.outcome.decision, Decision::AcceptedPartially);
    assert_eq!(collected.rows.len(), 5);
    assert_eq!(collected.refused.len(), 1);
    let refused = &collected.refused[0];
    assert_eq!(refused.row, 3);
    assert_eq!(refused.cells.len(), refused.headers.len());
    let codes: Vec<_> = refused.findings.iter().map(|f| f.code).collect();
    assert!(
        codes.contains(&Code::SumViolType) && codes.contains(&Code::SumViolSetting),
        "{codes:?}"
    );
}

#[test]
fn the_sink_stops_receiving_rows_once_refusal_is_certain() {
    let mut valid_rows = Vec::new();
    let outcome = ingest(
        TableName::SchoolQuarter,
        "f.csv",
        &broken_row_3()[..],
        &Options::new(Policy::RefuseFile),
        &lookup(),
        |event| {
            if let RowEvent::Valid(row) = event {
                valid_rows.push(row.row);
            }
            Ok(())
        },
    )
    .unwrap();
    assert_eq!(
        valid_rows,
        [2],
        "row 2 arrives before the error, provisionally"
    );
    assert_eq!(outcome.decision, Decision::Refused);
    assert_eq!(outcome.rows_valid, 5, "every row is still checked");
}

#[test]
fn a_sink_error_stops_the_ingest() {
    let result = ingest(
        TableName::SchoolQuarter,
        "f.csv",
        &csv_of(&rows(3, 2))[..],
        &Options::new(Policy::RefuseFile),
        &lookup(),
        |_| {
            Err(riskmap_ingest::Error::Sink {
                file: "f.csv".to_owned(),
                row: 2,
                message: "db down".to_owned(),
            })
        },
    );
    assert!(matches!(
        result,
        Err(riskmap_ingest::Error::Sink { row: 2, .. })
    ));
}

#[test]
fn register_stock_and_flow_is_an_error_and_continuity_a_warning() {
    let mut rows = rows(3, 22);
    let end = rows[0].int("isu_open_end").unwrap();
    rows[0].set("isu_open_end", Value::Int(end + 2));
    rows[0].set("isu_open_over_90d", Value::Int(0));
    let school = rows[1].school_id().unwrap().to_owned();
    let start = rows[1].int("isu_open_start").unwrap();
    let mut context = Lookup {
        katos: vec![registry()],
        ..Lookup::default()
    };
    context
        .open_end
        .insert((school, Period::parse("2023-Q4").unwrap()), start + 1);
    let collected = read_school_quarter(
        "f.csv",
        &csv_of(&rows)[..],
        &Options::new(Policy::AcceptPartial),
        &context,
    )
    .unwrap();
    let flow = collected.outcome.findings_of(Code::IsuFlow).next().unwrap();
    assert_eq!(
        (flow.row, flow.column.as_deref()),
        (Some(2), Some("isu_open_end"))
    );
    let continuity = collected
        .outcome
        .findings_of(Code::IsuContinuity)
        .next()
        .unwrap();
    assert_eq!(
        (continuity.row, continuity.column.as_deref()),
        (Some(3), Some("isu_open_start"))
    );
    assert_eq!(
        collected.rows.len(),
        2,
        "a continuity warning does not refuse the row"
    );
}

#[test]
fn late_submission_is_information_only() {
    let mut rows = rows(2, 23);
    let late = time::macros::datetime!(2024-04-11 09:00 +05:00);
    rows[0].set("submitted_at", Value::Timestamp(late));
    let collected = read_school_quarter(
        "f.csv",
        &csv_of(&rows)[..],
        &almaty_options(Policy::RefuseFile),
        &lookup(),
    )
    .unwrap();
    assert_eq!(collected.outcome.decision, Decision::Accepted);
    let finding = collected.outcome.findings_of(Code::Late).next().unwrap();
    assert_eq!(
        (finding.row, finding.column.as_deref()),
        (Some(2), Some("submitted_at"))
    );
}

#[test]
fn unknown_school_is_reported_when_the_caller_knows_the_schools() {
    let rows = rows(2, 24);
    let mut context = Lookup {
        katos: vec![registry()],
        ..Lookup::default()
    };
    context.schools = Some(
        [rows[0].school_id().unwrap().to_owned()]
            .into_iter()
            .collect(),
    );
    let outcome = read_school_quarter(
        "f.csv",
        &csv_of(&rows)[..],
        &Options::new(Policy::RefuseFile),
        &context,
    )
    .unwrap()
    .outcome;
    let finding = outcome.findings_of(Code::SchoolUnknown).next().unwrap();
    assert_eq!(finding.row, Some(3));
}

#[test]
fn an_implausible_rate_is_an_outlier_warning() {
    let mut rows = rows(30, 25);
    let pupils = rows[4].int("pupils_total").unwrap();
    rows[4].set("bullying_cases", Value::Int(pupils / 2));
    let collected = read_school_quarter(
        "f.csv",
        &csv_of(&rows)[..],
        &Options::new(Policy::RefuseFile),
        &lookup(),
    )
    .unwrap();
    assert_eq!(collected.outcome.decision, Decision::Accepted);
    let outlier = collected
        .outcome
        .findings_of(Code::Outlier)
        .find(|f| f.column.as_deref() == Some("bullying_cases"));
    assert_eq!(
        outlier.map(|f| f.row),
        Some(Some(6)),
        "{}",
        collected.outcome.summary_text()
    );
}

#[test]
fn the_json_report_and_text_summary_carry_codes_and_locations() {
    let outcome = read_school_quarter(
        "f.csv",
        &broken_row_3()[..],
        &Options::new(Policy::RefuseFile),
        &lookup(),
    )
    .unwrap()
    .outcome;
    let json: serde_json::Value = serde_json::from_str(&outcome.to_json()).unwrap();
    assert_eq!(json["decision"], "refused");
    assert_eq!(json["counts"]["E_SUM_VIOL_TYPE"], 1);
    let first = &json["findings"][0];
    assert_eq!(
        (first["row"].as_u64(), first["file"].as_str()),
        (Some(3), Some("f.csv"))
    );
    assert!(
        outcome
            .summary_text()
            .contains("f.csv row 3 column viol_total: E_SUM_VIOL_TYPE")
    );
}

#[test]
fn a_revision_the_store_already_holds_is_refused_and_names_its_row() {
    let rows = rows(3, 26);
    let mut context = lookup();
    let (school, period) = (
        rows[1].school_id().unwrap().to_owned(),
        rows[1].period().unwrap(),
    );
    context.revisions.insert((school, period), 1);
    let outcome = read_school_quarter(
        "f.csv",
        &csv_of(&rows)[..],
        &Options::new(Policy::RefuseFile),
        &context,
    )
    .unwrap()
    .outcome;
    assert_eq!(outcome.decision, Decision::Refused);
    let finding = outcome.findings_of(Code::RevisionStored).next().unwrap();
    assert_eq!(
        (finding.row, finding.column.as_deref()),
        (Some(3), Some("revision"))
    );
    assert!(
        finding.message.contains("resubmit with revision 2"),
        "{}",
        finding.message
    );
}

#[test]
fn an_organisation_id_the_store_cannot_key_is_a_type_error() {
    let mut rows = rows(2, 27);
    rows[0].set("nobd_org_id", Value::Text("ORG 1/Б".into()));
    let outcome = read_school_quarter(
        "f.csv",
        &csv_of(&rows)[..],
        &Options::new(Policy::RefuseFile),
        &lookup(),
    )
    .unwrap()
    .outcome;
    let finding = outcome.findings_of(Code::Type).next().unwrap();
    assert_eq!(
        (finding.row, finding.column.as_deref()),
        (Some(2), Some("nobd_org_id"))
    );
}

#[test]
fn a_school_that_cannot_be_placed_in_a_district_is_refused() {
    struct NoDistrict;
    impl riskmap_ingest::Context for NoDistrict {
        fn district_found(
            &self,
            _kato: &riskmap_model::Kato,
            lon_lat: Option<(f64, f64)>,
        ) -> Option<bool> {
            Some(lon_lat.is_none())
        }
    }
    let csv = "nobd_org_id,name_kk,name_ru,kato,kato_version,lat,lon,settlement_type,ownership,org_type,instruction_lang,grade_min,grade_max,valid_from,valid_to,status\n\
               S-1,Мектеп,Школа,751710000,2022-10-17,43.2,76.9,urban,state,general,kk;ru,0,11,2024-01-01,9999-12-31,active\n\
               S-2,Мектеп,Школа,751710000,2022-10-17,,,urban,state,general,kk,0,11,2024-01-01,9999-12-31,active\n";
    let collected = riskmap_ingest::read_table(
        TableName::SchoolReference,
        "ref.csv",
        csv.as_bytes(),
        &Options::new(Policy::AcceptPartial),
        &NoDistrict,
    )
    .unwrap();
    assert_eq!(
        collected.outcome.decision,
        Decision::AcceptedPartially,
        "{}",
        collected.outcome.summary_text()
    );
    let finding = collected
        .outcome
        .findings_of(Code::DistrictUnknown)
        .next()
        .unwrap();
    assert_eq!(
        (finding.row, finding.column.as_deref()),
        (Some(2), Some("kato"))
    );
    assert_eq!(collected.rows.len(), 1);
}
