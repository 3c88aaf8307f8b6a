//! Refused files change nothing: every defect class of `riskmap_ingest::defects` exits with 1
//! and reports its code; accept-partial stores the valid rows and quarantines the rest; usage
//! errors exit with 2.

use std::path::Path;

use riskmap_ingest::defects::{DefectPlan, make_defects};
use riskmap_ingest::synth::{SynthConfig, synthetic_school_quarter};
use riskmap_ingest::{Code, write_school_quarter_csv};
use riskmap_model::{Kato, Period};
use riskmap_store::Store;

use crate::support::{
    TestDb, column, demo_files, ingest, postgres_db, read_report, report_codes, rewrite_csv,
    snapshot, sqlite_db,
};

/// The file-name stem and expected code of every defect class, as `make_defects` names them.
fn expected_codes() -> Vec<(String, Code)> {
    let kato = |c: &str| Kato::parse(c).unwrap();
    let config = SynthConfig {
        seed: 1,
        schools: 3,
        first_period: Period::parse("2024-Q1").unwrap(),
        katos: vec![kato("751710000")],
    };
    let mut valid = Vec::new();
    write_school_quarter_csv(
        synthetic_school_quarter(&config).unwrap().take(3),
        &mut valid,
    )
    .unwrap();
    let plan = DefectPlan {
        unknown_kato: kato("759999999"),
        foreign_kato: kato("711210000"),
    };
    make_defects(&valid, &plan)
        .unwrap()
        .into_iter()
        .map(|d| (d.file_name, d.code))
        .collect()
}

/// The submitting region of the defect corpus: the region of its reference file's first school.
fn corpus_region(reference: &Path) -> String {
    let mut reader = csv::Reader::from_path(reference).unwrap();
    let kato_idx = column(&reader.headers().unwrap().clone(), "kato");
    let first = reader.records().next().unwrap().unwrap();
    format!("{}0000000", &first[kato_idx][..2])
}

async fn defects_are_refused(db: &TestDb, only: Option<&str>) {
    let out = db.dir.path().join("defects");
    let files = demo_files(&out, 400, 1, 5, &["--defects", only.unwrap_or("all")]);
    let reference = files[0].display().to_string();
    assert!(reference.ends_with("school_reference.csv"));
    let (code, output) = ingest(&db.url, &[&reference]);
    assert_eq!(code, 0, "{output}");
    let region = corpus_region(&files[0]);
    let before = snapshot(&db.url).await;
    let expected = expected_codes();
    assert_eq!(
        files.len() - 1,
        if only.is_some() { 1 } else { expected.len() }
    );
    for file in &files[1..] {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let (_, code_expected) = expected
            .iter()
            .find(|(stem, _)| name.ends_with(stem.as_str()))
            .unwrap();
        let report = db.dir.path().join(format!("{name}.json"));
        let (code, output) = ingest(
            &db.url,
            &[
                "--region",
                &region,
                "--report",
                &report.display().to_string(),
                &file.display().to_string(),
            ],
        );
        assert_eq!(code, 1, "{name} must be refused: {output}");
        let codes = report_codes(&read_report(&report));
        assert!(
            codes.iter().any(|c| c == code_expected.as_str()),
            "{name}: expected {} in {codes:?}",
            code_expected.as_str()
        );
        assert_eq!(snapshot(&db.url).await, before, "{name} changed the store");
    }
}

#[tokio::test]
async fn every_defect_class_is_refused_and_leaves_sqlite_unchanged() {
    let db = sqlite_db();
    defects_are_refused(&db, None).await;
    db.finish().await;
}

#[tokio::test]
async fn a_refused_file_leaves_postgres_unchanged() {
    let Some(db) = postgres_db().await else {
        return;
    };
    defects_are_refused(&db, Some("broken_sum")).await;
    db.finish().await;
}

#[tokio::test]
async fn accept_partial_stores_valid_rows_and_quarantines_the_rest() {
    let db = sqlite_db();
    let files = demo_files(&db.dir.path().join("csv"), 150, 1, 3, &[]);
    let (reference, quarter) = (files[0].display().to_string(), &files[1]);
    let broken = db.dir.path().join("school_quarter_broken.csv");
    let mut total = 0;
    rewrite_csv(quarter, &broken, |idx, header, cells| {
        total += 1;
        if idx < 3 {
            let male = column(header, "pupils_male");
            cells[male] = (cells[male].parse::<i64>().unwrap() + 1).to_string();
        }
        true
    });
    let broken = broken.display().to_string();
    let (code, output) = ingest(&db.url, &[&reference, &broken]);
    assert_eq!(code, 1, "refused without --accept-partial: {output}");
    assert_eq!(snapshot(&db.url).await.counts.records, 0);
    let (code, output) = ingest(&db.url, &["--accept-partial", &broken]);
    assert_eq!(code, 0, "{output}");
    assert!(output.contains("accepted_partially"), "{output}");
    let store = Store::connect(&db.url).await.unwrap();
    assert_eq!(store.records().await.unwrap().len(), total - 3);
    let quarantined = store.quarantined().await.unwrap();
    assert_eq!(
        quarantined.iter().map(|q| q.row).collect::<Vec<_>>(),
        [2, 3, 4]
    );
    assert!(quarantined.iter().all(|q| q.table == "school_quarter"
        && q.findings_json.contains("E_SUM_SEX")
        && q.row_json.contains("pupils_male")));
    store.close().await;
    db.finish().await;
}

#[test]
fn usage_errors_exit_with_status_two() {
    let db = sqlite_db();
    let missing = db.dir.path().join("missing.csv").display().to_string();
    assert_eq!(ingest(&db.url, &[&missing]).0, 2, "a missing file");
    let file = db.dir.path().join("school_quarter.csv");
    std::fs::write(&file, "nobd_org_id\n").unwrap();
    let file = file.display().to_string();
    let mapping = db.dir.path().join("mapping.toml").display().to_string();
    assert_eq!(
        ingest(&db.url, &["--mapping", &mapping, &file]).0,
        2,
        "an unreadable mapping"
    );
    assert_eq!(
        ingest(&db.url, &["--no-such-flag", &file]).0,
        2,
        "an unknown flag"
    );
    let anonymous = db.dir.path().join("export.csv");
    std::fs::write(&anonymous, "foo,bar\n1,2\n").unwrap();
    assert_eq!(
        ingest(&db.url, &[&anonymous.display().to_string()]).0,
        2,
        "a file whose table cannot be told"
    );
}
