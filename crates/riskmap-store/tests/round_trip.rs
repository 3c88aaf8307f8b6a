//! Store round trips against real databases: a SQLite file and the PostgreSQL server.

#![allow(clippy::unwrap_used, reason = "tests: a failure should stop the test")]

mod support;

use riskmap_model::{
    AdminLevel, Kato, Measure, MeasureValues, Period, School, SchoolId, SchoolQuarterRecord,
    Settlement,
};
use riskmap_store::{AdminUnitRow, BatchOutcome, NewBatch, Store};
use time::macros::datetime;

fn kato(text: &str) -> Kato {
    Kato::parse(text).unwrap()
}

fn units() -> Vec<AdminUnitRow> {
    let unit = |code: &str, level, parent: Option<&str>| AdminUnitRow {
        kato: kato(code),
        level,
        parent: parent.map(kato),
        unit_type: "district".to_owned(),
        name_kk: format!("kk {code}"),
        name_ru: format!("ru {code}"),
        name_en: format!("en {code}"),
        population: Some(1000),
    };
    vec![
        unit("751110000", AdminLevel::District, Some("750000000")),
        unit("750000000", AdminLevel::Region, None),
        unit("751210000", AdminLevel::District, Some("750000000")),
    ]
}

fn school(id: &str, district: &str) -> School {
    School {
        id: SchoolId::parse(id).unwrap(),
        name_kk: format!("Мектеп {id}"),
        name_ru: format!("Школа {id}"),
        district: kato(district),
        region: kato("750000000"),
        location: Some((76.9, 43.25)),
        settlement: Settlement::Urban,
    }
}

fn record(id: &str, period: &str, revision: u32, violence: f64) -> SchoolQuarterRecord {
    let mut values = MeasureValues::empty();
    values.set(Measure::PupilsTotal, Some(500.0));
    values.set(Measure::ViolTotal, Some(violence));
    values.set(Measure::PsychFteFilled, Some(0.75));
    SchoolQuarterRecord {
        school: SchoolId::parse(id).unwrap(),
        period: Period::parse(period).unwrap(),
        revision,
        submitted_at: datetime!(2024-04-08 10:30 +05:00),
        values,
        nil_return: Some(false),
        antibullying_programme: None,
        schema_version: Some("1.0".to_owned()),
        notes: None,
    }
}

fn batch(hash: &str) -> NewBatch {
    NewBatch {
        source: "test".to_owned(),
        kind: "demo".to_owned(),
        content_sha256: hash.to_owned(),
        synthetic: true,
    }
}

async fn round_trip(store: &Store) {
    store.upsert_admin_units(&units()).await.unwrap();
    assert_eq!(
        store.count_admin_units(AdminLevel::District).await.unwrap(),
        2
    );
    assert!(store.is_empty().await.unwrap());
    let schools = vec![school("S-1", "751110000"), school("S-2", "751210000")];
    let records = vec![
        record("S-1", "2024-Q1", 1, 3.0),
        record("S-2", "2024-Q1", 1, 4.0),
        record("S-1", "2024-Q2", 1, 5.0),
    ];
    let outcome = store
        .import_batch(&batch("aaa"), &schools, &records)
        .await
        .unwrap();
    let BatchOutcome::Stored { batch_id } = outcome else {
        panic!("first import must store")
    };
    assert_eq!(
        store
            .import_batch(&batch("aaa"), &schools, &records)
            .await
            .unwrap(),
        BatchOutcome::AlreadyStored { batch_id }
    );
    assert_eq!(store.schools().await.unwrap(), schools);
    assert_eq!(
        store.records().await.unwrap(),
        vec![records[0].clone(), records[2].clone(), records[1].clone()]
    );
    assert!(store.has_synthetic_data().await.unwrap());
    assert_eq!(
        store.data_version().await.unwrap(),
        1,
        "one batch committed (the re-import changed nothing)"
    );
    assert_eq!(
        store.periods().await.unwrap(),
        vec![
            Period::parse("2024-Q1").unwrap(),
            Period::parse("2024-Q2").unwrap()
        ]
    );

    // A higher revision replaces the earlier one in the sums but keeps it in history.
    // Sent later than the first revision: readers of the first submission must not see it.
    let mut correction = record("S-1", "2024-Q1", 2, 10.0);
    correction.submitted_at = datetime!(2024-05-20 09:00 +05:00);
    let revised = vec![correction];
    store
        .import_batch(&batch("bbb"), &[], &revised)
        .await
        .unwrap();
    assert_eq!(store.records().await.unwrap().len(), 4);
    let q1 = [Period::parse("2024-Q1").unwrap()];
    let by_region = store
        .unit_period_sums(AdminLevel::Region, &q1)
        .await
        .unwrap();
    assert_eq!(by_region.len(), 1);
    assert_eq!(by_region[0].records, 2);
    assert_eq!(by_region[0].sums.get(Measure::ViolTotal), Some(14.0));
    assert_eq!(by_region[0].sums.get(Measure::PupilsTotal), Some(1000.0));
    assert_eq!(by_region[0].sums.get(Measure::SuicideDeaths), None);
    let by_district = store
        .unit_period_sums(AdminLevel::District, &q1)
        .await
        .unwrap();
    assert_eq!(
        by_district
            .iter()
            .map(|s| s.unit.as_str())
            .collect::<Vec<_>>(),
        ["751110000", "751210000"]
    );
    partition_adds_up_to_every_level(store).await;
    chosen_measures_are_the_full_reads(store).await;
    assert_eq!(
        store.schools_per_unit(AdminLevel::Region).await.unwrap(),
        vec![(kato("750000000"), 2)]
    );

    // Submissions: the first revision's time, every school of the scope, silent ones `None`.
    let first = |subs: Vec<riskmap_store::Submission>| {
        subs.into_iter()
            .map(|s| {
                (
                    s.school.to_string(),
                    s.first_submitted_at.map(|t| t.unix_timestamp()),
                )
            })
            .collect::<Vec<_>>()
    };
    let sent = Some(datetime!(2024-04-08 10:30 +05:00).unix_timestamp());
    let q2 = Period::parse("2024-Q2").unwrap();
    assert_eq!(
        first(
            store
                .submissions_in(Some(kato("750000000")), q1[0])
                .await
                .unwrap()
        ),
        [("S-1".to_owned(), sent), ("S-2".to_owned(), sent)]
    );
    assert_eq!(
        first(store.submissions(q2).await.unwrap()),
        [("S-1".to_owned(), sent), ("S-2".to_owned(), None)]
    );
    assert!(
        store
            .submissions_in(Some(kato("710000000")), q2)
            .await
            .unwrap()
            .is_empty(),
        "no school of another region"
    );
}

/// Records and sums (every measure, `None` where nobody reported) by unit and quarter.
type SumsByUnit = std::collections::BTreeMap<(String, Period), (u64, Vec<Option<f64>>)>;

/// The region × district × quarter partition (current revisions only), in that order, adds up
/// to each level's sums as the store sums them, measure by measure, `None` where nobody
/// reported.
async fn partition_adds_up_to_every_level(store: &Store) {
    let periods = store.periods().await.unwrap();
    let partition = store.partition_period_sums(&periods).await.unwrap();
    assert!(!partition.is_empty());
    let keys: Vec<_> = partition
        .iter()
        .map(|p| (p.region.as_str(), p.district.as_str(), p.period))
        .collect();
    assert!(
        keys.windows(2).all(|w| w[0] < w[1]),
        "ordered by region, district and quarter, each once"
    );
    for level in [AdminLevel::District, AdminLevel::Region] {
        let mut added: SumsByUnit = std::collections::BTreeMap::new();
        for part in &partition {
            let unit = match level {
                AdminLevel::District => part.district,
                _ => part.region,
            };
            let entry = added
                .entry((unit.as_str().to_owned(), part.period))
                .or_insert_with(|| (0, vec![None; Measure::ALL.len()]));
            entry.0 += part.records;
            for (slot, measure) in entry.1.iter_mut().zip(Measure::ALL) {
                if let Some(value) = part.sums.get(*measure) {
                    *slot = Some(slot.unwrap_or(0.0) + value);
                }
            }
        }
        let stored: SumsByUnit = store
            .unit_period_sums(level, &periods)
            .await
            .unwrap()
            .into_iter()
            .map(|row| {
                let sums = Measure::ALL.iter().map(|m| row.sums.get(*m)).collect();
                (
                    (row.unit.as_str().to_owned(), row.period),
                    (row.records, sums),
                )
            })
            .collect();
        assert_eq!(added, stored, "{level:?}");
    }
    let q1 = partition
        .iter()
        .find(|p| p.district == kato("751110000") && p.period.to_string() == "2024-Q1")
        .expect("the revised school's district");
    assert_eq!(q1.region, kato("750000000"));
}

async fn failed_batch_changes_nothing(store: &Store) {
    store.upsert_admin_units(&units()).await.unwrap();
    store
        .import_batch(
            &batch("first"),
            &[school("S-1", "751110000")],
            &[record("S-1", "2024-Q1", 1, 3.0)],
        )
        .await
        .unwrap();
    let before = (
        store.schools().await.unwrap(),
        store.records().await.unwrap(),
        store.data_version().await.unwrap(),
    );
    // The second record references an unknown school: the foreign key fails mid-batch.
    let bad = vec![
        record("S-1", "2024-Q2", 1, 1.0),
        record("NOPE", "2024-Q2", 1, 1.0),
    ];
    assert!(
        store
            .import_batch(&batch("second"), &[school("S-3", "751210000")], &bad)
            .await
            .is_err()
    );
    let after = (
        store.schools().await.unwrap(),
        store.records().await.unwrap(),
        store.data_version().await.unwrap(),
    );
    assert_eq!(before, after);
}

/// Runs `sql` on a connection of its own to the test database; true when it is refused.
async fn refused(url: &str, sql: &'static str) -> bool {
    use sqlx::Connection;
    if url.starts_with("sqlite:") {
        let mut conn = sqlx::SqliteConnection::connect(url).await.unwrap();
        sqlx::query(sql).execute(&mut conn).await.is_err()
    } else {
        let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
        sqlx::query(sql).execute(&mut conn).await.is_err()
    }
}

/// A record needs its school and its batch, on either database (PostgreSQL checks it once per
/// statement, SQLite by foreign key): a record naming a school or batch that is not stored is
/// refused, and a named school or batch cannot be deleted or re-keyed.
async fn records_keep_their_parents(store: &Store, url: &str) {
    store.upsert_admin_units(&units()).await.unwrap();
    store
        .import_batch(
            &batch("first"),
            &[school("S-1", "751110000"), school("S-2", "751110000")],
            &[record("S-1", "2024-Q1", 1, 3.0)],
        )
        .await
        .unwrap();
    let before = store.records().await.unwrap();
    for sql in [
        "update school_quarter set school_id = 'NOPE'",
        "update school_quarter set batch_id = batch_id + 1000",
        "insert into school_quarter (school_id, period, revision, submitted_at, synthetic, batch_id) \
         select 'NOPE', period, 2, submitted_at, synthetic, batch_id from school_quarter",
        "insert into school_quarter (school_id, period, revision, submitted_at, synthetic, batch_id) \
         select school_id, period, 2, submitted_at, synthetic, batch_id + 1000 from school_quarter",
        "delete from school where school_id = 'S-1'",
        "update school set school_id = 'S-9' where school_id = 'S-1'",
        "delete from ingest_batch",
        "update ingest_batch set batch_id = batch_id + 1000",
    ] {
        assert!(refused(url, sql).await, "{sql}");
    }
    assert_eq!(store.records().await.unwrap(), before);
    // A school no record names may go; a record naming stored parents may be added.
    assert!(!refused(url, "delete from school where school_id = 'S-2'").await);
    assert!(
        !refused(
            url,
            "insert into school_quarter (school_id, period, revision, submitted_at, synthetic, batch_id) \
             select school_id, period, 2, submitted_at, synthetic, batch_id from school_quarter"
        )
        .await
    );
}

/// Reading only some measures gives the full read's rows (current revisions, same schools and
/// quarters) with those measures kept and every other one unreported.
async fn chosen_measures_are_the_full_reads(store: &Store) {
    let periods = store.periods().await.unwrap();
    let region = kato("750000000");
    let chosen = [
        Measure::PupilsTotal,
        Measure::PsychFteFilled,
        Measure::ViolTotal,
        Measure::SuicideDeaths,
    ];
    let scope = || riskmap_store::SchoolScope::Region(&region);
    let mut expected: Vec<_> = store
        .school_period_values_in(scope(), &periods)
        .await
        .unwrap()
        .into_iter()
        .map(|mut row| {
            for measure in Measure::ALL.iter().filter(|m| !chosen.contains(m)) {
                row.values.set(*measure, None);
            }
            row
        })
        .collect();
    let read_with_times = store
        .school_period_measures_in(scope(), &periods, &chosen)
        .await
        .unwrap();
    // Each record's first submission time is the one the submissions report gives.
    for row in &read_with_times {
        let first = store
            .submissions_in(Some(region), row.record.period)
            .await
            .unwrap()
            .into_iter()
            .find(|s| s.school == row.record.school)
            .and_then(|s| s.first_submitted_at);
        assert_eq!(Some(row.first_submitted_at), first, "{:?}", row.record);
    }
    let corrected = read_with_times
        .iter()
        .find(|row| {
            row.record.school.as_str() == "S-1" && row.record.period.to_string() == "2024-Q1"
        })
        .expect("the corrected record is read");
    assert_eq!(corrected.record.values.get(Measure::ViolTotal), Some(10.0));
    assert_eq!(
        corrected.first_submitted_at,
        datetime!(2024-04-08 10:30 +05:00),
        "the corrected record keeps its first revision's time"
    );
    let mut read: Vec<_> = read_with_times.into_iter().map(|row| row.record).collect();
    let key = |row: &riskmap_store::SchoolPeriodValues| (row.school.to_string(), row.period);
    expected.sort_by_key(key);
    read.sort_by_key(key);
    assert!(!read.is_empty());
    assert_eq!(read, expected);
}

/// A record sent at 02:00 in Almaty on the day after the due date (still the due date in
/// UTC) is late, and one sent at 23:30 on the due date is on time, whichever database kept
/// the time (SQLite keeps the file's offset, PostgreSQL gives UTC back): lateness is judged on
/// Kazakhstan's date of the instant read back, by every reader of the first submission.
async fn lateness_reads_the_same_on_every_database(store: &Store) {
    store.upsert_admin_units(&units()).await.unwrap();
    let schools = vec![school("S-1", "751110000"), school("S-2", "751210000")];
    let mut late = record("S-1", "2024-Q1", 1, 3.0);
    late.submitted_at = datetime!(2024-04-11 02:00 +05:00);
    let mut on_time = record("S-2", "2024-Q1", 1, 4.0);
    on_time.submitted_at = datetime!(2024-04-10 23:30 +05:00);
    let stored = store
        .import_batch(&batch("late"), &schools, &[late.clone(), on_time.clone()])
        .await
        .unwrap();
    assert!(matches!(stored, BatchOutcome::Stored { .. }));
    let q1 = Period::parse("2024-Q1").unwrap();
    let region = kato("750000000");
    let read = store
        .school_period_measures_in(
            riskmap_store::SchoolScope::Region(&region),
            &[q1],
            &[Measure::ViolTotal],
        )
        .await
        .unwrap();
    let submissions = store.submissions_in(Some(region), q1).await.unwrap();
    for (sent, expected_on_time) in [(&late, false), (&on_time, true)] {
        let row = read
            .iter()
            .find(|r| r.record.school == sent.school)
            .unwrap();
        assert_eq!(row.first_submitted_at, sent.submitted_at, "same instant");
        assert_eq!(q1.is_on_time(row.first_submitted_at), expected_on_time);
        let first = submissions
            .iter()
            .find(|s| s.school == sent.school)
            .and_then(|s| s.first_submitted_at)
            .unwrap();
        assert_eq!(q1.is_on_time(first), expected_on_time);
        assert_eq!(sent.is_late(), !expected_on_time);
    }
}

#[tokio::test]
async fn sqlite_lateness_is_judged_on_kazakhstan_dates() {
    let (store, db) = support::sqlite_store().await;
    lateness_reads_the_same_on_every_database(&store).await;
    db.finish(store).await;
}

#[tokio::test]
async fn postgres_lateness_is_judged_on_kazakhstan_dates() {
    let Some((store, db)) = support::postgres_store().await else {
        return;
    };
    lateness_reads_the_same_on_every_database(&store).await;
    db.finish(store).await;
}

#[tokio::test]
async fn sqlite_round_trip() {
    let (store, db) = support::sqlite_store().await;
    round_trip(&store).await;
    db.finish(store).await;
}

#[tokio::test]
async fn sqlite_failed_batch_changes_nothing() {
    let (store, db) = support::sqlite_store().await;
    failed_batch_changes_nothing(&store).await;
    db.finish(store).await;
}

#[tokio::test]
async fn sqlite_file_is_created_and_reopened() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("new.sqlite3").display());
    let store = Store::connect(&url).await.unwrap();
    store.upsert_admin_units(&units()).await.unwrap();
    store.close().await;
    let reopened = Store::connect(&url).await.unwrap();
    assert_eq!(
        reopened
            .count_admin_units(AdminLevel::Region)
            .await
            .unwrap(),
        1
    );
}

#[tokio::test]
async fn postgres_round_trip() {
    let Some((store, db)) = support::postgres_store().await else {
        return;
    };
    round_trip(&store).await;
    db.finish(store).await;
}

#[tokio::test]
async fn postgres_failed_batch_changes_nothing() {
    let Some((store, db)) = support::postgres_store().await else {
        return;
    };
    failed_batch_changes_nothing(&store).await;
    db.finish(store).await;
}

#[tokio::test]
async fn sqlite_records_keep_their_parents() {
    let (store, db) = support::sqlite_store().await;
    records_keep_their_parents(&store, &db.url()).await;
    db.finish(store).await;
}

#[tokio::test]
async fn postgres_records_keep_their_parents() {
    let Some((store, db)) = support::postgres_store().await else {
        return;
    };
    records_keep_their_parents(&store, &db.url()).await;
    db.finish(store).await;
}

#[tokio::test]
async fn unsupported_url_is_refused() {
    let err = Store::connect("mysql://localhost/x")
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("unsupported database URL"), "{err}");
}
