//! Test support: a fresh SQLite file or a fresh PostgreSQL database per test.

#![allow(
    clippy::unwrap_used,
    reason = "test support: a failure should stop the test"
)]

use riskmap_store::Store;
use sqlx::Connection;

/// Every stored row in one canonical spelling, to compare stores across databases.
#[allow(dead_code, reason = "not every test binary compares stores")]
pub(crate) mod fingerprint;

/// A throw-away database; dropped (PostgreSQL) or deleted (SQLite) by `finish`.
pub(crate) enum TestDb {
    Sqlite(
        #[allow(dead_code, reason = "held so the directory outlives the store")] tempfile::TempDir,
    ),
    Postgres {
        admin_url: String,
        name: String,
    },
}

pub(crate) async fn sqlite_store() -> (Store, TestDb) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("riskmap.sqlite3").display());
    (Store::connect(&url).await.unwrap(), TestDb::Sqlite(dir))
}

/// The server the PostgreSQL tests use; CI provides one on 127.0.0.1:5432.
pub(crate) fn postgres_admin_url() -> String {
    std::env::var("RISKMAP_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

/// A store on a new PostgreSQL database, or `None` (with the reason printed) when no server is
/// reachable outside CI. Under CI (`CI` set) an unreachable server fails the test.
pub(crate) async fn postgres_store() -> Option<(Store, TestDb)> {
    let admin_url = postgres_admin_url();
    let mut admin = match sqlx::PgConnection::connect(&admin_url).await {
        Ok(conn) => conn,
        Err(e) if std::env::var_os("CI").is_none() => {
            eprintln!("SKIPPED: no PostgreSQL server reachable at {admin_url}: {e}");
            return None;
        }
        Err(e) => panic!("CI must run the PostgreSQL tests, but {admin_url} is unreachable: {e}"),
    };
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let name = format!("riskmap_test_{}_{nanos}", std::process::id());
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("create database {name}")))
        .execute(&mut admin)
        .await
        .unwrap();
    let url = with_database(&admin_url, &name);
    Some((
        Store::connect(&url).await.unwrap(),
        TestDb::Postgres { admin_url, name },
    ))
}

fn with_database(url: &str, name: &str) -> String {
    match url.rfind('/') {
        Some(idx) if idx > "postgres://".len() => format!("{}/{name}", &url[..idx]),
        _ => format!("{url}/{name}"),
    }
}

impl TestDb {
    /// The URL another handle (standing in for another process) connects to.
    #[allow(dead_code, reason = "not every test binary opens a second handle")]
    pub(crate) fn url(&self) -> String {
        match self {
            TestDb::Sqlite(dir) => {
                format!("sqlite://{}", dir.path().join("riskmap.sqlite3").display())
            }
            TestDb::Postgres { admin_url, name } => with_database(admin_url, name),
        }
    }

    pub(crate) async fn finish(self, store: Store) {
        store.close().await;
        if let TestDb::Postgres { admin_url, name } = self {
            let mut admin = sqlx::PgConnection::connect(&admin_url).await.unwrap();
            sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                "drop database if exists {name} with (force)"
            )))
            .execute(&mut admin)
            .await
            .unwrap();
        }
    }
}
