//! Revisions and re-ingests: the same file twice equals once; a higher revision replaces the
//! current values (and the sums the API reads) while the table keeps every revision; a stored
//! revision submitted again is refused and names its row; the next quarter is checked against
//! the stored one (register stock carried over, schools known); legal statistics are stored.

use riskmap_model::{AdminLevel, Measure, Period};
use riskmap_store::Store;

use crate::support::{column, demo_files, ingest, read_report, rewrite_csv, snapshot, sqlite_db};

#[tokio::test]
async fn ingesting_twice_equals_ingesting_once() {
    let db = sqlite_db();
    let files = demo_files(&db.dir.path().join("csv"), 120, 2, 21, &[]);
    let args: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    assert_eq!(ingest(&db.url, &args).0, 0);
    let once = snapshot(&db.url).await;
    let (code, output) = ingest(&db.url, &args);
    assert_eq!(code, 0, "{output}");
    // Reference, quarters and contacts: three files, three batches.
    assert_eq!(files.len(), 3, "{files:?}");
    assert_eq!(
        output.matches("already stored as batch").count(),
        3,
        "{output}"
    );
    assert_eq!(snapshot(&db.url).await, once);
    assert_eq!(once.counts.batches, 3);
    assert_eq!(once.counts.contacts, 4 * once.counts.schools);
    db.finish().await;
}

#[tokio::test]
async fn a_higher_revision_replaces_the_sums_and_keeps_history() {
    let db = sqlite_db();
    let files = demo_files(&db.dir.path().join("csv"), 120, 1, 22, &[]);
    let (reference, quarter) = (files[0].display().to_string(), &files[1]);
    assert_eq!(
        ingest(&db.url, &[&reference, &quarter.display().to_string()]).0,
        0
    );
    let store = Store::connect(&db.url).await.unwrap();
    let period = Period::new(2024, 4).unwrap();
    let national = |sums: Vec<riskmap_store::UnitPeriodSums>| {
        sums.iter()
            .map(|s| s.sums.get(Measure::PupilsTotal).unwrap())
            .sum::<f64>()
    };
    let before = national(
        store
            .unit_period_sums(AdminLevel::Region, &[period])
            .await
            .unwrap(),
    );
    let records_before = store.records().await.unwrap().len();

    // Revision 2 of the first ten rows: ten more pupils each, sums kept consistent.
    let revised = db.dir.path().join("school_quarter_rev2.csv");
    rewrite_csv(quarter, &revised, |idx, header, cells| {
        for name in ["pupils_total", "pupils_female", "pupils_g1_4"] {
            let c = column(header, name);
            cells[c] = (cells[c].parse::<i64>().unwrap() + 10).to_string();
        }
        cells[column(header, "revision")] = "2".to_owned();
        idx < 10
    });
    let (code, output) = ingest(&db.url, &[&revised.display().to_string()]);
    assert_eq!(code, 0, "{output}");
    let after = national(
        store
            .unit_period_sums(AdminLevel::Region, &[period])
            .await
            .unwrap(),
    );
    assert_eq!(
        after,
        before + 100.0,
        "the API sums read the highest revision at once"
    );
    let records = store.records().await.unwrap();
    assert_eq!(
        records.len(),
        records_before + 10,
        "both revisions are kept"
    );
    assert_eq!(records.iter().filter(|r| r.revision == 2).count(), 10);

    // Revision 1 again, with other content: refused, naming the row, nothing stored.
    let resubmitted = db.dir.path().join("school_quarter_again.csv");
    rewrite_csv(quarter, &resubmitted, |idx, header, cells| {
        cells[column(header, "notes")] = "corrected".to_owned();
        idx < 5
    });
    let unchanged = snapshot(&db.url).await;
    let report = db.dir.path().join("again.json");
    let (code, output) = ingest(
        &db.url,
        &[
            "--report",
            &report.display().to_string(),
            &resubmitted.display().to_string(),
        ],
    );
    assert_eq!(code, 1, "{output}");
    let report = read_report(&report);
    let finding = &report["files"][0]["outcomes"][0]["findings"][0];
    assert_eq!(finding["code"], "E_REVISION_STORED");
    assert_eq!(finding["row"], 2);
    assert_eq!(snapshot(&db.url).await, unchanged);
    store.close().await;
    db.finish().await;
}

/// The findings of a report as (code, row) pairs.
fn coded_rows(report: &serde_json::Value) -> Vec<(String, i64)> {
    report["files"][0]["outcomes"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_owned(),
                f["row"].as_i64().unwrap(),
            )
        })
        .collect()
}

#[tokio::test]
async fn the_next_quarter_is_checked_against_the_stored_one() {
    let db = sqlite_db();
    let files = demo_files(&db.dir.path().join("csv"), 60, 2, 23, &[]);
    let (reference, quarters) = (files[0].display().to_string(), &files[1]);
    let mut periods = Vec::new();
    rewrite_csv(
        quarters,
        &db.dir.path().join("unused.csv"),
        |_, header, cells| {
            periods.push(cells[column(header, "period")].clone());
            false
        },
    );
    periods.sort();
    periods.dedup();
    let [first, second] = periods.as_slice() else {
        panic!("two quarters expected: {periods:?}");
    };
    let first_file = db.dir.path().join("first.csv");
    rewrite_csv(quarters, &first_file, |_, header, cells| {
        cells[column(header, "period")] == *first
    });
    let (code, output) = ingest(&db.url, &[&reference, &first_file.display().to_string()]);
    assert_eq!(code, 0, "{output}");

    // The second quarter: one row's register stock does not continue the stored first quarter
    // (start and end both one higher, so the row itself stays consistent), and one row names a
    // school that is not stored; every other row continues the stored quarter.
    let second_file = db.dir.path().join("second.csv");
    let mut kept = 0;
    rewrite_csv(quarters, &second_file, |_, header, cells| {
        if cells[column(header, "period")] != *second {
            return false;
        }
        kept += 1;
        if kept == 3 {
            for name in ["isu_open_start", "isu_open_end"] {
                let c = column(header, name);
                cells[c] = (cells[c].parse::<i64>().unwrap() + 1).to_string();
            }
        }
        if kept == 5 {
            cells[column(header, "nobd_org_id")] = "NOT-STORED-1".to_owned();
        }
        true
    });
    let report = db.dir.path().join("second.json");
    let (code, output) = ingest(
        &db.url,
        &[
            "--accept-partial",
            "--report",
            &report.display().to_string(),
            &second_file.display().to_string(),
        ],
    );
    assert_eq!(code, 0, "{output}");
    let found: Vec<(String, i64)> = coded_rows(&read_report(&report))
        .into_iter()
        .filter(|(code, _)| code != "I_LATE" && code != "W_OUTLIER")
        .collect();
    // Data rows start at 2: the third kept row is row 4, the fifth row 6.
    assert_eq!(
        found,
        [
            ("W_ISU_CONTINUITY".to_owned(), 4),
            ("E_SCHOOL_UNKNOWN".to_owned(), 6)
        ],
        "{output}"
    );
    db.finish().await;
}

#[tokio::test]
async fn legal_statistics_are_stored_one_count_per_measure_with_their_source() {
    let db = sqlite_db();
    let file = db.dir.path().join("kpsisu_legal_2023.csv");
    std::fs::write(&file, "Период;Регион;kato;offences_by_minors;offences_against_minors\n2023;Алматинская область;;120;340\n2023-Q2;;751710000;4;\n").unwrap();
    let (code, output) = ingest(&db.url, &[&file.display().to_string()]);
    assert_eq!(code, 0, "{output}");
    let store = Store::connect(&db.url).await.unwrap();
    let stats = store.legal_stats().await.unwrap();
    let rows: Vec<(String, String, String, i64, String)> = stats
        .into_iter()
        .map(|(s, source)| (s.unit.to_string(), s.period, s.measure, s.value, source))
        .collect();
    let source = "kpsisu_legal_2023.csv".to_owned();
    assert_eq!(
        rows,
        [
            (
                "190000000".to_owned(),
                "2023".to_owned(),
                "offences_against_minors".to_owned(),
                340,
                source.clone()
            ),
            (
                "190000000".to_owned(),
                "2023".to_owned(),
                "offences_by_minors".to_owned(),
                120,
                source.clone()
            ),
            (
                "751710000".to_owned(),
                "2023-Q2".to_owned(),
                "offences_by_minors".to_owned(),
                4,
                source
            ),
        ]
    );
    store.close().await;
    db.finish().await;
}
