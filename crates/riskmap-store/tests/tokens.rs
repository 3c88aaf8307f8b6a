//! Tokens and the audit log on SQLite and PostgreSQL.

#![allow(clippy::unwrap_used, reason = "tests: a failure should stop the test")]

mod support;

use riskmap_model::{Grant, Kato, Role};
use riskmap_store::{AuditEvent, Store};
use time::OffsetDateTime;

async fn tokens_round_trip(store: &Store) {
    let grant = Grant {
        role: Role::Crisis,
        region: None,
        districts: vec![
            Kato::parse("751110000").unwrap(),
            Kato::parse("751210000").unwrap(),
        ],
        expires_at: Some(time::macros::datetime!(2030-01-01 0:00 UTC)),
    };
    let id = store
        .create_token("hash-1", &grant, "team A")
        .await
        .unwrap();
    let found = store.find_token("hash-1").await.unwrap().unwrap();
    assert_eq!(found.token_id, id);
    assert_eq!(found.grant, grant);
    assert_eq!(found.label, "team A");
    assert!(found.revoked_at.is_none());
    assert!(store.find_token("other").await.unwrap().is_none());
    assert!(
        store
            .create_token("hash-1", &grant, "duplicate")
            .await
            .is_err(),
        "hashes are unique"
    );
    assert!(store.revoke_token(id).await.unwrap());
    assert!(
        !store.revoke_token(id).await.unwrap(),
        "revoking twice does nothing"
    );
    assert!(
        store
            .find_token("hash-1")
            .await
            .unwrap()
            .unwrap()
            .revoked_at
            .is_some()
    );
    store
        .record_audit(&AuditEvent {
            at: OffsetDateTime::now_utc(),
            token_id: Some(id),
            role: "crisis".to_owned(),
            action: "export".to_owned(),
            scope: "751110000".to_owned(),
            filters: "format=csv".to_owned(),
            row_count: 12,
        })
        .await
        .unwrap();
    let events = store.audit_events(10).await.unwrap();
    let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["export", "token_revoke", "token_create"]);
    assert_eq!(events[0].row_count, 12);
}

#[tokio::test]
async fn sqlite_tokens_and_audit() {
    let (store, db) = support::sqlite_store().await;
    tokens_round_trip(&store).await;
    db.finish(store).await;
}

#[tokio::test]
async fn postgres_tokens_and_audit() {
    let Some((store, db)) = support::postgres_store().await else {
        return;
    };
    tokens_round_trip(&store).await;
    db.finish(store).await;
}
