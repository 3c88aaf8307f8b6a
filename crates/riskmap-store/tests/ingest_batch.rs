//! The streaming batch API of an ingest against real databases: one transaction per file,
//! commit or roll back as the producer says, revision conflicts name their row, the latest
//! school version wins, refused rows and legal statistics are kept.

#![allow(clippy::unwrap_used, reason = "tests")]

mod support;

use riskmap_model::{
    AdminLevel, Kato, Measure, MeasureValues, Period, School, SchoolId, SchoolQuarterRecord,
    Settlement,
};
use riskmap_store::{
    AdminUnitRow, BatchEnd, BatchItem, BatchMessage, LegalStat, NewBatch, QuarantinedRow,
    SchoolReference, Store,
};
use time::macros::{date, datetime};
use tokio::sync::mpsc;

fn kato(text: &str) -> Kato {
    Kato::parse(text).unwrap()
}

async fn units(store: &Store) {
    let unit = |code: &str, level, parent: Option<&str>| AdminUnitRow {
        kato: kato(code),
        level,
        parent: parent.map(kato),
        unit_type: "district".to_owned(),
        name_kk: code.to_owned(),
        name_ru: code.to_owned(),
        name_en: code.to_owned(),
        population: None,
    };
    store
        .upsert_admin_units(&[
            unit("750000000", AdminLevel::Region, None),
            unit("751110000", AdminLevel::District, Some("750000000")),
        ])
        .await
        .unwrap();
}

fn school(id: &str, name: &str, valid_from: time::Date) -> BatchItem {
    BatchItem::School(Box::new(SchoolReference {
        school: School {
            id: SchoolId::parse(id).unwrap(),
            name_kk: name.to_owned(),
            name_ru: name.to_owned(),
            district: kato("751110000"),
            region: kato("750000000"),
            location: Some((76.9, 43.25)),
            settlement: Settlement::Urban,
        },
        bin: None,
        locality_kato: kato("751110000"),
        kato_version: date!(2022 - 10 - 17),
        address_kk: None,
        address_ru: None,
        ownership: "state".to_owned(),
        org_type: "general".to_owned(),
        instruction_lang: "kk;ru".to_owned(),
        grade_min: 0,
        grade_max: 11,
        shifts: Some(2),
        valid_from,
        valid_to: None,
        status: "active".to_owned(),
        successor_org_id: None,
    }))
}

fn record(row: u64, id: &str, revision: u32, pupils: f64) -> BatchItem {
    let mut values = MeasureValues::empty();
    values.set(Measure::PupilsTotal, Some(pupils));
    let record = SchoolQuarterRecord {
        school: SchoolId::parse(id).unwrap(),
        period: Period::parse("2024-Q1").unwrap(),
        revision,
        submitted_at: datetime!(2024-04-08 10:30 +05:00),
        values,
        nil_return: Some(false),
        antibullying_programme: None,
        schema_version: Some("1.0".to_owned()),
        notes: None,
    };
    BatchItem::Record {
        row,
        record: Box::new(record),
    }
}

fn batch(hash: &str) -> NewBatch {
    NewBatch {
        source: format!("{hash}.csv"),
        kind: "school_quarter".to_owned(),
        content_sha256: hash.to_owned(),
        synthetic: false,
    }
}

/// Streams `items` then `end` through a small channel, as the command line does.
async fn stream(store: &Store, hash: &str, items: Vec<BatchItem>, end: BatchMessage) -> BatchEnd {
    let (sender, mut receiver) = mpsc::channel(4);
    let producer = tokio::task::spawn_blocking(move || {
        for item in items {
            sender.blocking_send(BatchMessage::Item(item)).unwrap();
        }
        let _ = sender.blocking_send(end);
    });
    let end = store
        .write_batch(&batch(hash), &mut receiver)
        .await
        .unwrap();
    drop(receiver);
    producer.await.unwrap();
    end
}

fn commit() -> BatchMessage {
    BatchMessage::Commit {
        report_json: "{\"ok\":true}".to_owned(),
    }
}

async fn streaming_semantics(store: &Store) {
    units(store).await;
    let first = vec![
        school("S-1", "old", date!(2020 - 01 - 01)),
        school("S-1", "new", date!(2023 - 09 - 01)),
        school("S-2", "two", date!(2021 - 01 - 01)),
    ]
    .into_iter()
    .chain((0..1000).map(|i| {
        record(
            i + 2,
            if i % 2 == 0 { "S-1" } else { "S-2" },
            u32::try_from(i / 2 + 1).unwrap(),
            100.0,
        )
    }))
    .collect();
    let BatchEnd::Committed { batch_id, rows } = stream(store, "a1", first, commit()).await else {
        panic!("the first batch commits")
    };
    assert_eq!(rows, 1002, "two schools (one per id) and 1,000 records");
    assert_eq!(
        store.batch_report(batch_id).await.unwrap().as_deref(),
        Some("{\"ok\":true}")
    );
    let names: Vec<String> = store
        .schools()
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.name_ru)
        .collect();
    assert_eq!(names, ["new", "two"], "the latest version of a school wins");
    let before = store.row_counts().await.unwrap();

    // A refused file: rows streamed, then a rollback; nothing remains, not even a batch row.
    let refused = (0..800)
        .map(|i| record(i + 2, "S-2", 1000 + u32::try_from(i).unwrap(), 1.0))
        .collect();
    assert_eq!(
        stream(store, "b2", refused, BatchMessage::Rollback).await,
        BatchEnd::RolledBack
    );
    assert_eq!(store.row_counts().await.unwrap(), before);

    // A stored (school, period, revision) in the second chunk: the row is named, nothing is stored.
    let mut conflicting: Vec<BatchItem> = (0..500)
        .map(|i| record(i + 2, "S-1", 2000 + u32::try_from(i).unwrap(), 1.0))
        .collect();
    conflicting.push(record(502, "S-2", 3, 1.0));
    let BatchEnd::Conflict(conflict) = stream(store, "c3", conflicting, commit()).await else {
        panic!("a stored revision conflicts")
    };
    assert_eq!(
        (conflict.row, conflict.school.as_str(), conflict.revision),
        (502, "S-2", 3)
    );
    assert!(conflict.to_string().contains("row 502"), "{conflict}");
    assert_eq!(store.row_counts().await.unwrap(), before);

    // An older school version does not overwrite a newer one; a higher revision keeps history.
    let later = vec![
        school("S-1", "older", date!(2019 - 01 - 01)),
        record(2, "S-1", 1001, 250.0),
    ];
    assert!(matches!(
        stream(store, "d4", later, commit()).await,
        BatchEnd::Committed { .. }
    ));
    assert_eq!(store.schools().await.unwrap()[0].name_ru, "new");
    let current = store
        .current_revisions(Period::parse("2024-Q1").unwrap())
        .await
        .unwrap();
    let s1 = current.iter().find(|c| c.school == "S-1").unwrap();
    assert_eq!(s1.revision, 1001);
    assert_eq!(
        store.row_counts().await.unwrap().records,
        before.records + 1
    );

    // The same content again is a no-op.
    assert!(matches!(
        stream(store, "d4", vec![], commit()).await,
        BatchEnd::AlreadyStored { .. }
    ));

    // Quarantined rows of two sheets may share a row number; legal counts name their source.
    let quarantine = |table: &str| {
        BatchItem::Quarantine(QuarantinedRow {
            table: table.to_owned(),
            sheet: Some(table.to_owned()),
            row: 5,
            row_json: "{}".to_owned(),
            findings_json: "[]".to_owned(),
        })
    };
    let legal = BatchItem::LegalStat(LegalStat {
        unit: kato("750000000"),
        period: "2023".to_owned(),
        measure: "offences_by_minors".to_owned(),
        value: 12,
    });
    let items = vec![
        quarantine("school_reference"),
        quarantine("school_quarter"),
        legal,
    ];
    assert!(matches!(
        stream(store, "e5", items, commit()).await,
        BatchEnd::Committed { rows: 3, .. }
    ));
    assert_eq!(store.quarantined().await.unwrap().len(), 2);
    let stats = store.legal_stats().await.unwrap();
    assert_eq!(stats.len(), 1);
    assert_eq!((stats[0].0.value, stats[0].1.as_str()), (12, "e5.csv"));
}

#[tokio::test]
async fn sqlite_batches_commit_roll_back_and_name_conflicts() {
    let (store, db) = support::sqlite_store().await;
    streaming_semantics(&store).await;
    db.finish(store).await;
}

#[tokio::test]
async fn postgres_batches_commit_roll_back_and_name_conflicts() {
    let Some((store, db)) = support::postgres_store().await else {
        return;
    };
    streaming_semantics(&store).await;
    db.finish(store).await;
}

/// More records than one `COPY` chunk, with every kind of value the text format must carry:
/// text with tabs, newlines, backslashes and Kazakh letters, NULLs, decimals that are not
/// short in decimal, timestamps with nanoseconds and a non-UTC offset.
fn awkward_records(count: u32) -> Vec<SchoolQuarterRecord> {
    (1..=count)
        .map(|revision| {
            let mut values = MeasureValues::empty();
            for (idx, measure) in Measure::ALL.iter().enumerate() {
                let value = match measure.kind() {
                    riskmap_model::MeasureKind::Count
                        if (idx + revision as usize).is_multiple_of(7) =>
                    {
                        None
                    }
                    riskmap_model::MeasureKind::Count => Some(f64::from(revision % 97)),
                    riskmap_model::MeasureKind::Decimal => {
                        Some(f64::from(revision) / 3.0 + 1e-9 * idx as f64)
                    }
                };
                values.set(*measure, value);
            }
            let notes = match revision % 4 {
                0 => None,
                1 => Some("tab\there\nnew line \\ backslash \\N not null".to_owned()),
                2 => Some("Әкімдік қаралды; ғ қ ң ө ұ ү һ і\r".to_owned()),
                _ => Some(String::new()),
            };
            SchoolQuarterRecord {
                school: SchoolId::parse("S-1").unwrap(),
                period: Period::parse("2024-Q1").unwrap(),
                revision,
                submitted_at: datetime!(2024-04-08 10:30:15.123456789 +05:00)
                    + time::Duration::seconds(i64::from(revision)),
                values,
                nil_return: (revision % 3 != 0).then_some(revision % 2 == 0),
                antibullying_programme: Some(revision % 5 == 0),
                schema_version: Some("1.0".to_owned()),
                notes,
            }
        })
        .collect()
}

/// Stores `records` in one batch and reads every record back.
async fn store_and_read(
    store: &Store,
    records: &[SchoolQuarterRecord],
) -> Vec<SchoolQuarterRecord> {
    units(store).await;
    let mut items = vec![school("S-1", "one", date!(2020 - 01 - 01))];
    items.extend(
        records
            .iter()
            .enumerate()
            .map(|(row, record)| BatchItem::Record {
                row: row as u64 + 2,
                record: Box::new(record.clone()),
            }),
    );
    let end = stream(store, "awkward", items, commit()).await;
    assert!(matches!(end, BatchEnd::Committed { .. }), "{end:?}");
    store.records().await.unwrap()
}

fn truncated_to_micros(mut record: SchoolQuarterRecord) -> SchoolQuarterRecord {
    let nanos = record.submitted_at.nanosecond();
    record.submitted_at -= time::Duration::nanoseconds(i64::from(nanos % 1_000));
    record
}

#[tokio::test]
async fn postgres_copy_stores_every_value_exactly() {
    let Some((store, db)) = support::postgres_store().await else {
        return;
    };
    let records = awkward_records(9_000);
    let stored = store_and_read(&store, &records).await;
    let expected: Vec<_> = records.into_iter().map(truncated_to_micros).collect();
    assert_eq!(stored.len(), expected.len());
    for (got, want) in stored.iter().zip(&expected) {
        assert_eq!(got, want, "revision {}", want.revision);
    }
    // A stored key in a later batch is a named conflict, after the COPY chunk rolled back.
    let again = vec![
        school("S-1", "one", date!(2020 - 01 - 01)),
        record(2, "S-1", 9_001, 5.0),
        record(3, "S-1", 4_500, 5.0),
    ];
    let end = stream(&store, "again", again, commit()).await;
    assert!(
        matches!(&end, BatchEnd::Conflict(c) if c.row == 3 && c.revision == 4_500),
        "{end:?}"
    );
    assert_eq!(store.records().await.unwrap().len(), expected.len());
    db.finish(store).await;
}

#[tokio::test]
async fn sqlite_stores_the_same_records_as_postgres() {
    let (store, db) = support::sqlite_store().await;
    let records = awkward_records(9_000);
    let stored = store_and_read(&store, &records).await;
    assert_eq!(stored, records);
    db.finish(store).await;
}

fn contact(
    id: &str,
    role: &str,
    name: &str,
    from: time::Date,
    to: Option<time::Date>,
) -> BatchItem {
    BatchItem::Contact(Box::new(riskmap_store::SchoolContact {
        school: SchoolId::parse(id).unwrap(),
        role: role.to_owned(),
        full_name: name.to_owned(),
        work_phone: Some("+7 727 000 00 00".to_owned()),
        work_email: Some(format!("{role}@example.invalid")),
        fte: (role == "psychologist").then_some(1.0),
        valid_from: from,
        valid_to: to,
    }))
}

/// Contacts are read by school and only while in effect: from `valid_from` through
/// `valid_to` (open when empty), never another school's.
async fn contacts_in_effect(store: &Store) {
    units(store).await;
    let items = vec![
        school("S-1", "first", date!(2020 - 01 - 01)),
        school("S-2", "second", date!(2020 - 01 - 01)),
        contact(
            "S-2",
            "director",
            "Абаев Ерлан",
            date!(2020 - 01 - 01),
            None,
        ),
        contact(
            "S-1",
            "director",
            "Ахметова Айгерим",
            date!(2024 - 01 - 01),
            None,
        ),
        contact(
            "S-1",
            "psychologist",
            "Бекова Сауле",
            date!(2020 - 01 - 01),
            Some(date!(2024 - 12 - 31)),
        ),
        contact(
            "S-1",
            "social_pedagogue",
            "Касымова Жанар",
            date!(2025 - 03 - 01),
            None,
        ),
        contact(
            "S-1",
            "psychologist",
            "Ё \"Quote\" \\ back\tslash Әүіңғқөһ 😀",
            date!(2019 - 01 - 01),
            Some(date!(2019 - 12 - 31)),
        ),
    ];
    let awkward = match &items[6] {
        BatchItem::Contact(contact) => (**contact).clone(),
        _ => unreachable!("the seventh item is a contact"),
    };
    assert!(matches!(
        stream(store, "c1", items, commit()).await,
        BatchEnd::Committed { .. }
    ));
    let names = |contacts: Vec<riskmap_store::SchoolContact>| {
        contacts
            .into_iter()
            .map(|c| c.full_name)
            .collect::<Vec<_>>()
    };
    let (first, second) = (
        SchoolId::parse("S-1").unwrap(),
        SchoolId::parse("S-2").unwrap(),
    );
    let (first, second) = (&first, &second);
    let on = |day| async move { names(store.contacts_of_schools(&[first], day).await.unwrap()) };
    assert_eq!(on(date!(2023 - 06 - 01)).await, ["Бекова Сауле"]);
    assert_eq!(
        on(date!(2024 - 12 - 31)).await,
        ["Ахметова Айгерим", "Бекова Сауле"]
    );
    assert_eq!(on(date!(2025 - 01 - 01)).await, ["Ахметова Айгерим"]);
    assert_eq!(
        on(date!(2025 - 03 - 01)).await,
        ["Ахметова Айгерим", "Касымова Жанар"]
    );
    let read = store
        .contacts_of_schools(&[first], date!(2025 - 01 - 01))
        .await
        .unwrap();
    assert_eq!(read[0].work_phone.as_deref(), Some("+7 727 000 00 00"));
    assert_eq!(read[0].valid_from, date!(2024 - 01 - 01));
    // Every field comes back as stored, quotes, backslashes, tabs and any letter included.
    assert_eq!(
        store
            .contacts_of_schools(&[first], date!(2019 - 06 - 01))
            .await
            .unwrap(),
        [awkward]
    );
    // Only the schools asked, in school order whatever the order asked; none, nothing.
    let both = |day| async move {
        names(
            store
                .contacts_of_schools(&[second, first], day)
                .await
                .unwrap(),
        )
    };
    assert_eq!(
        both(date!(2025 - 01 - 01)).await,
        ["Ахметова Айгерим", "Абаев Ерлан"]
    );
    assert_eq!(
        names(
            store
                .contacts_of_schools(&[second], date!(2025 - 01 - 01))
                .await
                .unwrap()
        ),
        ["Абаев Ерлан"]
    );
    let unknown = SchoolId::parse("S-404").unwrap();
    for asked in [&[][..], &[&unknown][..]] {
        let read = store
            .contacts_of_schools(asked, date!(2025 - 01 - 01))
            .await
            .unwrap();
        assert!(read.is_empty());
    }
}

#[tokio::test]
async fn sqlite_contacts_are_read_while_in_effect() {
    let (store, db) = support::sqlite_store().await;
    contacts_in_effect(&store).await;
    db.finish(store).await;
}

#[tokio::test]
async fn postgres_contacts_are_read_while_in_effect() {
    let Some((store, db)) = support::postgres_store().await else {
        return;
    };
    contacts_in_effect(&store).await;
    db.finish(store).await;
}

/// `awkward_records` spread over `schools` schools and as many quarters from 2000 as needed,
/// each at `revision`, timestamps to the microsecond (PostgreSQL keeps no more).
fn spread_records(count: u32, schools: u32, revision: u32, seed: u32) -> Vec<BatchItem> {
    awkward_records(count + seed)
        .into_iter()
        .skip(seed as usize)
        .enumerate()
        .map(|(idx, record)| {
            let idx = u32::try_from(idx).unwrap();
            let quarter = idx / schools;
            let period = format!("{}-Q{}", 2000 + quarter / 4, quarter % 4 + 1);
            let record = SchoolQuarterRecord {
                school: SchoolId::parse(&format!("S-{}", idx % schools + 1)).unwrap(),
                period: Period::parse(&period).unwrap(),
                revision,
                ..truncated_to_micros(record)
            };
            BatchItem::Record {
                row: u64::from(idx) + 2,
                record: Box::new(record),
            }
        })
        .collect()
}

/// A first submission across more than one `COPY` chunk, a re-submission at revision 2 with a
/// newer school version, a partly accepted file (quarantined rows, a contact, a legal count)
/// and a conflicting file that stores nothing.
async fn submissions(store: &Store) {
    units(store).await;
    let mut first: Vec<BatchItem> = (1..=40)
        .map(|s| school(&format!("S-{s}"), "first", date!(2020 - 01 - 01)))
        .collect();
    first.extend(spread_records(9_200, 40, 1, 0));
    let end = stream(store, "f1", first, commit()).await;
    assert!(
        matches!(end, BatchEnd::Committed { rows: 9_240, .. }),
        "{end:?}"
    );

    let mut second = vec![school("S-2", "renamed", date!(2024 - 09 - 01))];
    second.extend(spread_records(300, 40, 2, 7));
    let end = stream(store, "f2", second, commit()).await;
    assert!(
        matches!(end, BatchEnd::Committed { rows: 301, .. }),
        "{end:?}"
    );

    let quarantine = |row: u64| {
        BatchItem::Quarantine(QuarantinedRow {
            table: "school_quarter".to_owned(),
            sheet: None,
            row,
            row_json: format!("{{\"row\":{row},\"notes\":\"tab\\there\"}}"),
            findings_json: "[{\"code\":\"E_RANGE\"}]".to_owned(),
        })
    };
    let mut partial = vec![
        contact(
            "S-1",
            "psychologist",
            "Бекова Сауле",
            date!(2020 - 01 - 01),
            None,
        ),
        BatchItem::LegalStat(LegalStat {
            unit: kato("750000000"),
            period: "2024".to_owned(),
            measure: "offences_by_minors".to_owned(),
            value: 7,
        }),
        quarantine(3),
        quarantine(9),
    ];
    partial.extend(spread_records(500, 40, 3, 11));
    partial.push(quarantine(600));
    let end = stream(store, "p3", partial, commit()).await;
    assert!(
        matches!(end, BatchEnd::Committed { rows: 505, .. }),
        "{end:?}"
    );

    let conflicting = spread_records(10, 40, 2, 0);
    let end = stream(store, "c4", conflicting, commit()).await;
    assert!(matches!(end, BatchEnd::Conflict(_)), "{end:?}");
}

#[tokio::test]
async fn copy_and_row_paths_store_the_same_data() {
    let Some((postgres, pg_db)) = support::postgres_store().await else {
        return;
    };
    let (sqlite, sqlite_db) = support::sqlite_store().await;
    submissions(&sqlite).await;
    submissions(&postgres).await;
    let by_rows = support::fingerprint::fingerprint(&sqlite_db).await;
    let by_copy = support::fingerprint::fingerprint(&pg_db).await;
    let records = by_rows
        .iter()
        .filter(|l| l.starts_with("school_quarter|"))
        .count();
    assert_eq!(records, 9_200 + 300 + 500);
    let spelled = |part: &str| by_rows.iter().any(|l| l.contains(part));
    assert!(
        spelled("submitted_at=2024-04-08 5:30:16.123456|"),
        "UTC, microseconds"
    );
    assert!(spelled("notes=tab\there\nnew line"), "text as stored");
    assert!(spelled("revision=3|"), "the partly accepted file's records");
    assert_eq!(by_rows.len(), by_copy.len());
    for (row_path, copy_path) in by_rows.iter().zip(&by_copy) {
        assert_eq!(row_path, copy_path);
    }
    db_finish(sqlite, sqlite_db, postgres, pg_db).await;
}

async fn db_finish(
    sqlite: Store,
    sqlite_db: support::TestDb,
    postgres: Store,
    pg_db: support::TestDb,
) {
    sqlite_db.finish(sqlite).await;
    pg_db.finish(postgres).await;
}
