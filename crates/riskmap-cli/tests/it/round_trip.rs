//! `riskmap demo generate` then `riskmap ingest` stores exactly the generated records.

use crate::support::{
    TestDb, demo_data, demo_files, ingest, postgres_db, snapshot, sorted, sqlite_db,
};
use riskmap_store::Store;

async fn round_trip(db: &TestDb, format: &str) {
    let (schools, quarters, seed) = (150, 3, 11);
    let out = db.dir.path().join(format);
    let files = demo_files(&out, schools, quarters, seed, &["--format", format]);
    let mut left: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    left.sort();
    let mut listed = files.clone();
    listed.sort();
    assert_eq!(
        left, listed,
        "the folder holds the files listed, nothing half-written"
    );
    let paths: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
    let mut args: Vec<&str> = paths.iter().map(String::as_str).collect();
    let report = db.dir.path().join("report.json");
    let report_text = report.display().to_string();
    args.extend(["--report", &report_text]);
    let (code, output) = ingest(&db.url, &args);
    assert_eq!(code, 0, "{output}");
    let expected = demo_data(schools, quarters, seed);
    let store = Store::connect(&db.url).await.unwrap();
    let stored = store.records().await.unwrap();
    assert_eq!(stored.len(), expected.records.len());
    assert!(
        stored == sorted(expected.records.clone()),
        "stored records differ from the generated ones"
    );
    let stored_schools = store.schools().await.unwrap();
    assert_eq!(stored_schools.len(), expected.schools.len());
    let placed_alike = stored_schools
        .iter()
        .zip(&expected.schools)
        .filter(|(a, b)| a.district == b.district)
        .count();
    assert!(
        placed_alike * 100 >= expected.schools.len() * 99,
        "schools are placed in their districts from lat/lon"
    );
    store.close().await;
    assert!(crate::support::read_report(&report)["files"][0]["outcomes"][0]["sha256"].is_string());
    // Ingesting the same files again is a no-op.
    let before = snapshot(&db.url).await;
    let (code, output) = ingest(&db.url, &args);
    assert_eq!(code, 0, "{output}");
    assert!(output.contains("already stored"), "{output}");
    assert_eq!(snapshot(&db.url).await, before);
}

#[tokio::test]
async fn csv_round_trip_stores_exactly_the_generated_records_in_sqlite() {
    let db = sqlite_db();
    round_trip(&db, "csv").await;
    db.finish().await;
}

#[tokio::test]
async fn xlsx_round_trip_stores_exactly_the_generated_records_in_sqlite() {
    let db = sqlite_db();
    round_trip(&db, "xlsx").await;
    db.finish().await;
}

#[tokio::test]
async fn csv_round_trip_stores_exactly_the_generated_records_in_postgres() {
    let Some(db) = postgres_db().await else {
        return;
    };
    round_trip(&db, "csv").await;
    db.finish().await;
}
