//! The catalogue, merge patches (against RFC 7396's own examples), due dates, overdue actions,
//! the review's plan line and the half-year summary.

use riskmap_model::{Kato, Period, Role};
use riskmap_programme::merge_patch::{apply_to_fields, merge};
use riskmap_programme::progress::{self, Standing};
use riskmap_programme::summary::{half_of, parse_half, summarise};
use riskmap_programme::workflow::{Actor, Status};
use riskmap_programme::{
    Action, ActionFields, Catalogue, Error, Programme, ProgrammePeriod, ProgressReport,
    ProgressStatus,
};
use serde_json::json;
use time::macros::date;

fn kato(text: &str) -> Kato {
    Kato::parse(text).expect("test KATO")
}

#[test]
fn the_catalogue_is_exactly_the_issues_list() {
    let catalogue = Catalogue::builtin().expect("catalogue parses");
    let codes: Vec<&str> = catalogue.actions.iter().map(|a| a.code.as_str()).collect();
    assert_eq!(
        codes,
        [
            "staffing_psychologists",
            "anti_bullying_programme",
            "ppc_case_review",
            "family_support",
            "child_rights_training",
            "personal_safety_lessons",
            "leisure_coverage",
            "referral_111",
            "suicide_risk_algorithm",
            "interagency_suicide_review",
        ]
    );
    let serves = |code: &str| catalogue.get(code).expect(code).serves.clone();
    assert_eq!(serves("staffing_psychologists"), ["measure 14"]);
    assert_eq!(serves("ppc_case_review"), ["measure 22"]);
    assert_eq!(serves("child_rights_training"), ["expected result 6"]);
    assert_eq!(serves("personal_safety_lessons"), ["expected result 9"]);
    assert_eq!(serves("leisure_coverage"), ["expected result 8"]);
    assert_eq!(serves("referral_111"), ["measure 47"]);
    assert_eq!(
        serves("suicide_risk_algorithm"),
        ["measure 25", "measure 26"]
    );
    assert_eq!(serves("interagency_suicide_review"), ["measure 37"]);
}

#[test]
fn the_catalogue_names_real_indicators_and_kazakh_letters() {
    let indicators = riskmap_model::Catalogue::builtin();
    let text = include_str!("../../../data/actions.toml");
    let catalogue = Catalogue::parse(text, &|code| indicators.get(code).is_some())
        .expect("every `moves` is an indicator of data/indicators.toml");
    assert!(catalogue.actions.iter().all(|a| a.name.kk != a.name.ru));
    let kk: String = catalogue
        .actions
        .iter()
        .map(|a| a.name.kk.as_str())
        .collect();
    assert!(kk.contains('ә') && kk.contains('қ') && kk.contains('ғ'));
}

#[test]
fn a_bad_catalogue_names_the_entry() {
    let text = r#"version = "x"
[[action]]
code = "a"
serves = ["measure 1"]
answers = ["no_such_trigger"]
moves = "viol_rate"
name = { kk = "a", ru = "a", en = "a" }
"#;
    let error = Catalogue::parse(text, &|_| true).expect_err("unknown trigger");
    assert!(error.to_string().contains("#1 (\"a\")"), "{error}");
    assert!(error.to_string().contains("no_such_trigger"), "{error}");
}

/// RFC 7396 Appendix A, every example.
#[test]
fn merge_follows_rfc_7396_appendix_a() {
    let cases = [
        (json!({"a":"b"}), json!({"a":"c"}), json!({"a":"c"})),
        (json!({"a":"b"}), json!({"b":"c"}), json!({"a":"b","b":"c"})),
        (json!({"a":"b"}), json!({"a":null}), json!({})),
        (
            json!({"a":"b","b":"c"}),
            json!({"a":null}),
            json!({"b":"c"}),
        ),
        (json!({"a":["b"]}), json!({"a":"c"}), json!({"a":"c"})),
        (json!({"a":"c"}), json!({"a":["b"]}), json!({"a":["b"]})),
        (
            json!({"a":{"b":"c"}}),
            json!({"a":{"b":"d","c":null}}),
            json!({"a":{"b":"d"}}),
        ),
        (json!({"a":[{"b":"c"}]}), json!({"a":[1]}), json!({"a":[1]})),
        (json!(["a", "b"]), json!(["c", "d"]), json!(["c", "d"])),
        (json!({"a":"b"}), json!(["c"]), json!(["c"])),
        (json!({"a":"foo"}), json!(null), json!(null)),
        (json!({"a":"foo"}), json!("bar"), json!("bar")),
        (json!({"e":null}), json!({"a":1}), json!({"e":null,"a":1})),
        (json!([1, 2]), json!({"a":"b","c":null}), json!({"a":"b"})),
        (
            json!({}),
            json!({"a":{"bb":{"ccc":null}}}),
            json!({"a":{"bb":{}}}),
        ),
    ];
    for (target, patch, expected) in cases {
        let mut doc = target.clone();
        merge(&mut doc, &patch);
        assert_eq!(doc, expected, "{target} + {patch}");
    }
}

fn fields() -> ActionFields {
    ActionFields {
        action_type: "referral_111".to_owned(),
        problems: vec![1],
        organisation: "Облыстық білім басқармасы".to_owned(),
        responsible: "Әсел Нұрланқызы".to_owned(),
        contact: "+7 700 000 00 00".to_owned(),
        start: "2025-01-01".to_owned(),
        due: "2025-06-30".to_owned(),
        budget_tenge: 1_000_000,
        funding_source: "local budget".to_owned(),
        indicator: "viol_rate".to_owned(),
        expected_change_percent: -5.0,
    }
}

#[test]
fn patches_change_named_fields_and_refuse_the_rest() {
    let before = fields();
    let after =
        apply_to_fields(&before, &json!({"budget_tenge": 5, "due": "2025-09-30"})).expect("patch");
    assert_eq!((after.budget_tenge, after.due.as_str()), (5, "2025-09-30"));
    assert_eq!(after.organisation, before.organisation);
    for (patch, field) in [
        (json!({"id": 3}), "id"),
        (json!({"budget_tenge": null}), "budget_tenge"),
        (json!({"budget_tenge": -1}), "patch"),
        (json!({"budget_tenge": "1"}), "patch"),
        (json!([1]), "patch"),
    ] {
        match apply_to_fields(&before, &patch) {
            Err(Error::Invalid { field: got, .. }) => assert_eq!(got, field, "{patch}"),
            other => panic!("{patch}: {other:?}"),
        }
    }
}

fn programme(status: Status) -> Programme {
    Programme {
        id: 1,
        region: kato("750000000"),
        period: ProgrammePeriod::Half(2025, riskmap_programme::Half::H1),
        title: "Т".to_owned(),
        status,
        version: 1,
        data_version: 1,
        methodology_version: "m".to_owned(),
        amends: None,
        problems: vec![],
        actions: vec![Action {
            id: 7,
            fields: fields(),
        }],
        progress: vec![],
    }
}

fn report(quarter: &str, status: ProgressStatus, submitted: time::Date) -> ProgressReport {
    ProgressReport {
        id: 1,
        action_id: 7,
        quarter: Period::parse(quarter).expect("quarter"),
        status,
        percent: 50,
        comment: String::new(),
        submitted_on: submitted,
    }
}

#[test]
fn reports_are_due_on_the_tenth_of_the_month_after_the_quarter() {
    let due = |q: &str| progress::due_date(Period::parse(q).expect("quarter"));
    assert_eq!(due("2025-Q1"), date!(2025 - 04 - 10));
    assert_eq!(due("2025-Q2"), date!(2025 - 07 - 10));
    assert_eq!(due("2025-Q4"), date!(2026 - 01 - 10));
    assert!(!progress::is_late(&report(
        "2025-Q1",
        ProgressStatus::OnTrack,
        date!(2025 - 04 - 10)
    )));
    assert!(progress::is_late(&report(
        "2025-Q1",
        ProgressStatus::OnTrack,
        date!(2025 - 04 - 11)
    )));
}

#[test]
fn an_action_is_overdue_when_a_report_is_missing_or_its_due_date_passed() {
    let mut p = programme(Status::Approved);
    let action = p.actions[0].clone();
    assert_eq!(
        progress::standing(&p, &action, date!(2025 - 04 - 10)),
        Standing::NotStarted
    );
    assert_eq!(
        progress::standing(&p, &action, date!(2025 - 04 - 11)),
        Standing::Overdue
    );
    p.progress.push(report(
        "2025-Q1",
        ProgressStatus::Delayed,
        date!(2025 - 04 - 09),
    ));
    assert_eq!(
        progress::standing(&p, &action, date!(2025 - 04 - 11)),
        Standing::Delayed
    );
    assert_eq!(
        progress::standing(&p, &action, date!(2025 - 07 - 01)),
        Standing::Overdue
    );
    p.progress.push(report(
        "2025-Q2",
        ProgressStatus::Done,
        date!(2025 - 07 - 20),
    ));
    assert_eq!(
        progress::standing(&p, &action, date!(2025 - 08 - 01)),
        Standing::Done
    );
}

#[test]
fn the_summary_counts_each_region_once_and_skips_superseded_programmes() {
    let mut approved = programme(Status::Approved);
    approved.progress.push(report(
        "2025-Q1",
        ProgressStatus::OnTrack,
        date!(2025 - 04 - 20),
    ));
    let mut superseded = programme(Status::Superseded);
    superseded.id = 2;
    let mut other = programme(Status::Draft);
    other.region = kato("710000000");
    let regions = [kato("710000000"), kato("750000000"), kato("100000000")];
    let half = parse_half("2025-H1").expect("half");
    let summary = summarise(
        half,
        date!(2025 - 08 - 01),
        &regions,
        &[approved, superseded, other],
    );
    assert_eq!(summary.regions.len(), 3);
    let line = &summary.regions[&kato("750000000")];
    assert_eq!(line.by_status.get(&Status::Approved), Some(&1));
    assert_eq!(line.by_status.get(&Status::Superseded), None);
    assert_eq!(line.budget_tenge, 1_000_000);
    assert_eq!(line.late_reports, 1);
    assert_eq!(line.missing_reports, 1, "Q2 was due on 10 July");
    assert_eq!(line.actions.get(&Standing::Overdue), Some(&1));
    let draft = &summary.regions[&kato("710000000")];
    assert_eq!(draft.by_status.get(&Status::Draft), Some(&1));
    assert!(
        draft.actions.is_empty(),
        "a draft's actions are not yet in force"
    );
    assert!(summary.regions[&kato("100000000")].by_status.is_empty());
    assert!(parse_half("2025").is_err());
    assert_eq!(half_of(date!(2025 - 07 - 01)).to_string(), "2025-H2");
}

#[test]
fn the_review_draws_the_plans_line_from_the_snapshot() {
    use riskmap_programme::review::{ReviewInput, review};
    let row = review(&ReviewInput {
        code: "viol_rate".to_owned(),
        at_snapshot: Some(40.0),
        now: Some(37.0),
        years: 1.0,
        national_now: Some(30.0),
        regional_now: None,
    });
    assert!((row.plan_line_now.expect("line") - 38.0).abs() < 1e-9);
    assert_eq!(row.at_or_below_plan_line, Some(true));
    assert!((row.change_percent.expect("change") + 7.5).abs() < 1e-9);
    let hidden = review(&ReviewInput {
        at_snapshot: None,
        ..ReviewInput {
            code: "x".to_owned(),
            at_snapshot: None,
            now: Some(1.0),
            years: 1.0,
            national_now: None,
            regional_now: None,
        }
    });
    assert_eq!(
        (hidden.plan_line_now, hidden.at_or_below_plan_line),
        (None, None)
    );
}

#[test]
fn returning_needs_a_comment_and_illegal_moves_list_the_allowed_ones() {
    let ministry = Actor {
        role: Role::Ministry,
        region: None,
        districts: vec![],
    };
    let mut p = programme(Status::Approved);
    let error = riskmap_programme::workflow::transition(
        &mut p,
        &ministry,
        Status::Returned,
        " ",
        date!(2025 - 02 - 01),
    )
    .expect_err("no comment");
    assert!(matches!(error, Error::Invalid { .. }), "{error:?}");
    let error = riskmap_programme::workflow::transition(
        &mut p,
        &ministry,
        Status::Closed,
        "",
        date!(2025 - 02 - 01),
    )
    .expect_err("ministry does not close");
    match error {
        Error::IllegalTransition { allowed, .. } => {
            assert_eq!(allowed, [Status::Acknowledged, Status::Returned]);
        }
        other => panic!("{other:?}"),
    }
    let public = Actor {
        role: Role::Public,
        region: None,
        districts: vec![],
    };
    let error = riskmap_programme::workflow::transition(
        &mut p,
        &public,
        Status::Acknowledged,
        "",
        date!(2025 - 02 - 01),
    )
    .expect_err("public");
    assert!(matches!(error, Error::Forbidden { .. }), "{error:?}");
}
