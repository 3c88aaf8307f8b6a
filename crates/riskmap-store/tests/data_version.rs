//! The in-memory data version: raised at once by this handle's commits (both write paths),
//! and within the refresh bound by another handle's (standing in for another process).

#![allow(clippy::unwrap_used, reason = "tests: a failure should stop the test")]

mod support;

use std::time::{Duration, Instant};

use riskmap_store::{BatchEnd, BatchStart, NewBatch, Store};

fn batch(hash: &str) -> NewBatch {
    NewBatch {
        source: "test".to_owned(),
        kind: "demo".to_owned(),
        content_sha256: hash.to_owned(),
        synthetic: true,
    }
}

/// Waits until `store`'s cached version reaches `want`; the time it took.
async fn seen_within(store: &Store, want: i64, limit: Duration) -> Duration {
    let start = Instant::now();
    while store.cached_data_version() < want {
        assert!(
            start.elapsed() < limit,
            "version {want} not seen within {limit:?} (still {})",
            store.cached_data_version()
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    start.elapsed()
}

async fn own_commits_count_at_once(store: &Store) {
    assert_eq!(store.cached_data_version(), 0);
    let riskmap_store::BatchOutcome::Stored { .. } =
        store.import_batch(&batch("a"), &[], &[]).await.unwrap()
    else {
        panic!("a new hash is stored");
    };
    assert_eq!(store.cached_data_version(), 1, "import_batch");
    let BatchStart::Open(writer) = store.begin_batch(&batch("b")).await.unwrap() else {
        panic!("a new hash opens a batch");
    };
    let BatchEnd::Committed { .. } = writer.commit("{}").await.unwrap() else {
        panic!("an empty batch commits");
    };
    assert_eq!(store.cached_data_version(), 2, "BatchWriter::commit");
    // A rolled-back batch leaves the version alone.
    let BatchStart::Open(writer) = store.begin_batch(&batch("c")).await.unwrap() else {
        panic!("a new hash opens a batch");
    };
    writer.rollback().await.unwrap();
    assert_eq!(store.cached_data_version(), 2);
    assert_eq!(store.data_version().await.unwrap(), 2);
}

async fn other_handles_commits_count_within(store: &Store, url: &str, limit: Duration) {
    let other = Store::connect(url).await.unwrap();
    let before = store.cached_data_version();
    let riskmap_store::BatchOutcome::Stored { .. } =
        other.import_batch(&batch("other"), &[], &[]).await.unwrap()
    else {
        panic!("a new hash is stored");
    };
    let took = seen_within(store, before + 1, limit).await;
    eprintln!("another handle's commit seen after {took:?}");
    other.close().await;
}

#[tokio::test]
async fn sqlite_own_commits_count_at_once() {
    let (store, db) = support::sqlite_store().await;
    own_commits_count_at_once(&store).await;
    db.finish(store).await;
}

#[tokio::test]
async fn sqlite_other_handles_commits_count_within_the_poll() {
    let (store, db) = support::sqlite_store().await;
    // The poll interval, one query, and slack for a loaded machine.
    let limit = riskmap_store::data_version::SQLITE_POLL + Duration::from_secs(2);
    other_handles_commits_count_within(&store, &db.url(), limit).await;
    db.finish(store).await;
}

#[tokio::test]
async fn postgres_own_commits_count_at_once() {
    let Some((store, db)) = support::postgres_store().await else {
        return;
    };
    own_commits_count_at_once(&store).await;
    db.finish(store).await;
}

#[tokio::test]
async fn postgres_other_handles_commits_count_on_notify() {
    let Some((store, db)) = support::postgres_store().await else {
        return;
    };
    // NOTIFY arrives in milliseconds; the limit stays below the fallback poll so that the test
    // fails if only the poll saw the commit.
    let limit = riskmap_store::data_version::PG_FALLBACK_POLL - Duration::from_millis(500);
    other_handles_commits_count_within(&store, &db.url(), limit).await;
    db.finish(store).await;
}

/// Two batches open at once on PostgreSQL, committed in the opposite order to their start:
/// each commit raises the version (the later one too, although its batch id is the lower), in
/// this handle and in another that only hears the notifications.
#[tokio::test]
async fn postgres_commits_raise_the_version_in_commit_order() {
    let Some((store, db)) = support::postgres_store().await else {
        return;
    };
    let listener = Store::connect(&db.url()).await.unwrap();
    let BatchStart::Open(first) = store.begin_batch(&batch("first")).await.unwrap() else {
        panic!("a new hash opens a batch");
    };
    let BatchStart::Open(second) = store.begin_batch(&batch("second")).await.unwrap() else {
        panic!("a new hash opens a batch");
    };
    let BatchEnd::Committed {
        batch_id: second_id,
        ..
    } = second.commit("{}").await.unwrap()
    else {
        panic!("an empty batch commits");
    };
    let after_second = store.cached_data_version();
    assert_eq!(after_second, 1);
    let BatchEnd::Committed {
        batch_id: first_id, ..
    } = first.commit("{}").await.unwrap()
    else {
        panic!("an empty batch commits");
    };
    assert!(
        first_id < second_id,
        "the batch begun first has the lower id"
    );
    assert_eq!(store.cached_data_version(), 2, "the later commit counts");
    assert_eq!(store.data_version().await.unwrap(), 2);
    let limit = riskmap_store::data_version::PG_FALLBACK_POLL - Duration::from_millis(500);
    seen_within(&listener, 2, limit).await;
    listener.close().await;
    db.finish(store).await;
}
