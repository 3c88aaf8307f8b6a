//! Programmes on SQLite and PostgreSQL: round trip of snapshots, optimistic concurrency
//! (a stale version changes nothing; of two concurrent writers one wins), idempotent creates,
//! supersession by an approved amendment and the event history.

#![allow(clippy::unwrap_used, reason = "tests: a failure should stop the test")]

mod support;

use riskmap_model::suppression::Cell;
use riskmap_model::{AdminLevel, Audience, Frozen, Kato, Sensitivity, SuppressionPolicy};
use riskmap_programme::programme::FrozenNumber;
use riskmap_programme::{
    Action, ActionFields, Problem, ProblemUnit, ProgrammePeriod, Snapshot, SnapshotValue, Status,
};
use riskmap_store::{
    Change, Created, Error, EventMeta, IdempotencyKey, NewProgramme, ProgrammeFilter, Store,
};
use time::OffsetDateTime;

fn kato(text: &str) -> Kato {
    Kato::parse(text).unwrap()
}

fn meta(role: &str) -> EventMeta {
    EventMeta {
        at: OffsetDateTime::now_utc().replace_nanosecond(0).unwrap(),
        token_id: None,
        role: role.to_owned(),
        comment: String::new(),
    }
}

fn problem(id: i64) -> Problem {
    let district = kato("751210000");
    let akimat = Audience::Regional {
        region: district.region(),
        district: None,
    };
    let cell = Cell {
        sensitivity: Sensitivity::S1,
        level: AdminLevel::District,
        unit: &district,
        audience: &akimat,
    };
    let policy = SuppressionPolicy::recommended();
    Problem {
        id,
        unit: ProblemUnit {
            district,
            school: Some("SCH-1".to_owned()),
            name_kk: "Әуезов ауданы".to_owned(),
            name_ru: "Ауэзовский район".to_owned(),
        },
        snapshot: Snapshot {
            taken_at: "2025-05-01T10:00:00Z".to_owned(),
            data_version: 3,
            data_quarter: "2025-Q1".to_owned(),
            methodology_version: "2026.1".to_owned(),
            rank: Some(4),
            triggers: vec!["s2_event".to_owned()],
            drivers: vec!["viol_rate".to_owned()],
            values: vec![
                SnapshotValue {
                    code: "viol_total".to_owned(),
                    sensitivity: "S1".to_owned(),
                    number: FrozenNumber::Count {
                        frozen: Frozen::freeze(policy.count(7, &cell), &cell),
                    },
                },
                SnapshotValue {
                    code: "viol_rate".to_owned(),
                    sensitivity: "S1".to_owned(),
                    number: FrozenNumber::Rate {
                        frozen: Frozen::freeze(policy.rate(7, 1000.0, 10000.0, &cell), &cell),
                    },
                },
            ],
        },
    }
}

fn action(id: i64, budget: u64) -> Action {
    Action {
        id,
        fields: ActionFields {
            action_type: "referral_111".to_owned(),
            problems: vec![1],
            organisation: "Білім басқармасы".to_owned(),
            responsible: "Нұрлан".to_owned(),
            contact: "office@example.kz".to_owned(),
            start: "2025-01-01".to_owned(),
            due: "2025-12-31".to_owned(),
            budget_tenge: budget,
            funding_source: "local".to_owned(),
            indicator: "viol_rate".to_owned(),
            expected_change_percent: -5.0,
        },
    }
}

fn new_programme() -> NewProgramme {
    NewProgramme {
        region: kato("750000000"),
        period: ProgrammePeriod::Year(2025),
        title: "Қалалық бағдарлама".to_owned(),
        status: Status::Draft,
        data_version: 3,
        methodology_version: "2026.1".to_owned(),
        amends: None,
        synthetic: false,
        problems: vec![problem(1)],
        actions: vec![],
        progress: vec![],
    }
}

async fn round_trip(store: &Store) {
    let id = store
        .create_programme(&new_programme(), None, &meta("akimat"))
        .await
        .unwrap()
        .id();
    let stored = store.programme(id).await.unwrap().unwrap();
    assert_eq!(stored.programme.version, 1);
    assert_eq!(stored.programme.status, Status::Draft);
    assert_eq!(
        stored.programme.problems,
        vec![problem(1)],
        "snapshot round trip"
    );
    assert!(store.programme(id + 1000).await.unwrap().is_none());

    let first = action(2, 100);
    let version = store
        .change_programme(id, 1, &Change::AddAction(&first), &meta("akimat"))
        .await
        .unwrap();
    assert_eq!(version, 2);
    let stale = store
        .change_programme(id, 1, &Change::AddAction(&action(3, 5)), &meta("akimat"))
        .await;
    assert!(
        matches!(stale, Err(Error::Stale { current: 2 })),
        "{stale:?}"
    );
    let stored = store.programme(id).await.unwrap().unwrap();
    assert_eq!(
        stored.programme.actions,
        vec![first.clone()],
        "a stale write changes nothing"
    );

    let after = action(2, 900);
    store
        .change_programme(
            id,
            2,
            &Change::UpdateAction {
                before: &first,
                after: &after,
            },
            &meta("akimat"),
        )
        .await
        .unwrap();
    store
        .change_programme(
            id,
            3,
            &Change::Transition {
                from: Status::Draft,
                to: Status::Approved,
                supersedes: None,
            },
            &meta("akimat"),
        )
        .await
        .unwrap();
    let stored = store.programme(id).await.unwrap().unwrap();
    assert_eq!(
        (stored.programme.status, stored.programme.version),
        (Status::Approved, 4)
    );
    assert_eq!(stored.programme.actions[0].fields.budget_tenge, 900);

    let events = store.programme_events(id).await.unwrap();
    let kinds: Vec<&str> = events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(
        kinds,
        ["created", "action_added", "action_changed", "transition"]
    );
    assert_eq!(
        events.iter().map(|e| e.version).collect::<Vec<_>>(),
        [1, 2, 3, 4]
    );
    assert!(events[2].before.as_deref().unwrap().contains("100"));
    assert!(events[2].after.as_deref().unwrap().contains("900"));

    let amendment = NewProgramme {
        amends: Some(id),
        actions: vec![after.clone()],
        ..new_programme()
    };
    let amendment_id = store
        .create_programme(&amendment, None, &meta("akimat"))
        .await
        .unwrap()
        .id();
    let second = store
        .create_programme(&amendment, None, &meta("akimat"))
        .await;
    assert!(
        matches!(second, Err(Error::Conflict { .. })),
        "one open amendment at a time"
    );
    store
        .change_programme(
            amendment_id,
            1,
            &Change::Transition {
                from: Status::Draft,
                to: Status::Approved,
                supersedes: Some(id),
            },
            &meta("akimat"),
        )
        .await
        .unwrap();
    let original = store.programme(id).await.unwrap().unwrap();
    assert_eq!(
        (original.programme.status, original.programme.version),
        (Status::Superseded, 5)
    );
    let listed = store
        .programmes(&ProgrammeFilter {
            region: Some(kato("750000000")),
            status: Some(Status::Approved),
        })
        .await
        .unwrap();
    assert_eq!(
        listed.iter().map(|p| p.programme.id).collect::<Vec<_>>(),
        [amendment_id]
    );
    assert!(
        store
            .programmes(&ProgrammeFilter {
                region: Some(kato("710000000")),
                status: None
            })
            .await
            .unwrap()
            .is_empty()
    );
}

async fn idempotent_create(store: &Store) {
    let key = IdempotencyKey {
        actor: "token:1".to_owned(),
        key: "abc".to_owned(),
        request_sha256: "h1".to_owned(),
    };
    let first = store
        .create_programme(&new_programme(), Some(&key), &meta("akimat"))
        .await
        .unwrap();
    let again = store
        .create_programme(&new_programme(), Some(&key), &meta("akimat"))
        .await
        .unwrap();
    assert!(matches!(first, Created::New(_)));
    assert_eq!(again, Created::Replayed(first.id()));
    let other = IdempotencyKey {
        request_sha256: "h2".to_owned(),
        ..key.clone()
    };
    assert!(matches!(
        store
            .create_programme(&new_programme(), Some(&other), &meta("akimat"))
            .await,
        Err(Error::IdempotencyMismatch)
    ));
    let other_actor = IdempotencyKey {
        actor: "token:2".to_owned(),
        ..key
    };
    assert!(matches!(
        store
            .create_programme(&new_programme(), Some(&other_actor), &meta("akimat"))
            .await
            .unwrap(),
        Created::New(_)
    ));
    let all = store.programmes(&ProgrammeFilter::default()).await.unwrap();
    assert_eq!(all.len(), 2, "a replay creates nothing");
}

async fn concurrent_writers(store: &Store) {
    let id = store
        .create_programme(&new_programme(), None, &meta("akimat"))
        .await
        .unwrap()
        .id();
    let (a, b) = (action(2, 1), action(3, 2));
    let (change_a, change_b) = (Change::AddAction(&a), Change::AddAction(&b));
    let (meta_a, meta_b) = (meta("akimat"), meta("crisis"));
    let (left, right) = tokio::join!(
        store.change_programme(id, 1, &change_a, &meta_a),
        store.change_programme(id, 1, &change_b, &meta_b),
    );
    assert_eq!(
        usize::from(left.is_ok()) + usize::from(right.is_ok()),
        1,
        "{left:?} {right:?}"
    );
    let loser = if left.is_ok() { right } else { left };
    assert!(
        matches!(loser, Err(Error::Stale { current: 2 })),
        "{loser:?}"
    );
    let stored = store.programme(id).await.unwrap().unwrap();
    assert_eq!(stored.programme.actions.len(), 1);
    assert_eq!(store.programme_events(id).await.unwrap().len(), 2);
}

/// A deterministic mix of changes written alternately by two handles on one database (two
/// processes); after each, both handles read the programme and must agree: the writer's kept
/// contents (changed in place) equal the other's fresh read, in both directions.
async fn kept_contents_match_fresh_reads(store: &Store, url: &str) {
    let other = Store::connect(url).await.unwrap();
    let id = store
        .create_programme(&new_programme(), None, &meta("akimat"))
        .await
        .unwrap()
        .id();
    let mut seed: u64 = 0x2545_f491;
    let mut version = 1;
    let mut next_id = 2;
    for step in 0..48_u64 {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let writer = if step % 2 == 0 { store } else { &other };
        let current = writer.programme(id).await.unwrap().unwrap().programme;
        assert_eq!(current.version, version);
        let choice = (seed >> 33) % 5;
        let (problem_new, action_new, updated, report);
        let change = match (choice, current.actions.first()) {
            (0, _) => {
                problem_new = problem(next_id);
                Change::AddProblem(&problem_new)
            }
            (2, Some(first)) => {
                let mut changed = first.clone();
                changed.fields.budget_tenge = seed % 1_000_000;
                updated = (first.clone(), changed);
                Change::UpdateAction {
                    before: &updated.0,
                    after: &updated.1,
                }
            }
            (3, Some(first)) => {
                report = riskmap_programme::ProgressReport {
                    id: next_id,
                    action_id: first.id,
                    quarter: riskmap_model::Period::new(2025, u8::try_from(seed % 4).unwrap() + 1)
                        .unwrap(),
                    status: riskmap_programme::ProgressStatus::OnTrack,
                    percent: u8::try_from(seed % 101).unwrap(),
                    comment: format!("шаг {step}"),
                    submitted_on: time::Date::from_calendar_date(2025, time::Month::June, 30)
                        .unwrap(),
                };
                Change::Progress {
                    before: None,
                    after: &report,
                }
            }
            (4, _) => Change::Transition {
                from: current.status,
                to: if current.status == Status::Draft {
                    Status::Returned
                } else {
                    Status::Draft
                },
                supersedes: None,
            },
            _ => {
                action_new = action(next_id, seed % 10_000);
                Change::AddAction(&action_new)
            }
        };
        next_id += 1;
        version = writer
            .change_programme(id, version, &change, &meta("akimat"))
            .await
            .unwrap();
        let mine = store.programme(id).await.unwrap().unwrap();
        let theirs = other.programme(id).await.unwrap().unwrap();
        assert_eq!(mine, theirs, "step {step}: change {choice}");
        assert_eq!(mine.programme.version, version);
    }
    let stale = store
        .change_programme(
            id,
            version - 1,
            &Change::AddAction(&action(next_id, 1)),
            &meta("akimat"),
        )
        .await;
    assert!(matches!(stale, Err(Error::Stale { .. })), "{stale:?}");
    assert_eq!(
        store.programme(id).await.unwrap().unwrap(),
        other.programme(id).await.unwrap().unwrap()
    );
    other.close().await;
}

#[tokio::test]
async fn programmes_on_sqlite() {
    let (store, db) = support::sqlite_store().await;
    round_trip(&store).await;
    db.finish(store).await;
    let (store, db) = support::sqlite_store().await;
    idempotent_create(&store).await;
    concurrent_writers(&store).await;
    kept_contents_match_fresh_reads(&store, &db.url()).await;
    db.finish(store).await;
}

#[tokio::test]
async fn programmes_on_postgres() {
    let Some((store, db)) = support::postgres_store().await else {
        return;
    };
    round_trip(&store).await;
    db.finish(store).await;
    let Some((store, db)) = support::postgres_store().await else {
        return;
    };
    idempotent_create(&store).await;
    concurrent_writers(&store).await;
    kept_contents_match_fresh_reads(&store, &db.url()).await;
    db.finish(store).await;
}
