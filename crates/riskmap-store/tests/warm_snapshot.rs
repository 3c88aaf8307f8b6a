//! The warm-snapshot table on both databases: a payload is read back only for its own build
//! and data version, a second save of the same pair replaces the first, and saving a newer data
//! version drops the older ones (of every build).

#![allow(clippy::unwrap_used, reason = "tests: a failure should stop the test")]

mod support;

use riskmap_store::Store;

async fn snapshots_are_kept_per_build_and_latest_version(store: &Store) {
    assert_eq!(store.warm_snapshot(3, "build-a").await.unwrap(), None);
    store.save_warm_snapshot(3, "build-a", b"a3").await.unwrap();
    store.save_warm_snapshot(3, "build-b", b"b3").await.unwrap();
    store
        .save_warm_snapshot(3, "build-a", b"again")
        .await
        .unwrap();
    assert_eq!(
        store.warm_snapshot(3, "build-a").await.unwrap().as_deref(),
        Some(&b"again"[..]),
        "a second save of the same build and version replaces the first"
    );
    assert_eq!(
        store.warm_snapshot(3, "build-b").await.unwrap().as_deref(),
        Some(&b"b3"[..])
    );
    assert_eq!(store.warm_snapshot(2, "build-a").await.unwrap(), None);
    assert_eq!(store.warm_snapshot(3, "build-c").await.unwrap(), None);
    let large: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
    store
        .save_warm_snapshot(4, "build-a", &large)
        .await
        .unwrap();
    assert_eq!(
        store.warm_snapshot(4, "build-a").await.unwrap().as_deref(),
        Some(&large[..]),
        "a payload of megabytes comes back byte for byte"
    );
    for build in ["build-a", "build-b"] {
        assert_eq!(
            store.warm_snapshot(3, build).await.unwrap(),
            None,
            "version 3 of {build} is dropped once version 4 is saved"
        );
    }
}

#[tokio::test]
async fn sqlite_keeps_snapshots_per_build_and_latest_version() {
    let (store, db) = support::sqlite_store().await;
    snapshots_are_kept_per_build_and_latest_version(&store).await;
    db.finish(store).await;
}

#[tokio::test]
async fn postgres_keeps_snapshots_per_build_and_latest_version() {
    let Some((store, db)) = support::postgres_store().await else {
        return;
    };
    snapshots_are_kept_per_build_and_latest_version(&store).await;
    db.finish(store).await;
}
