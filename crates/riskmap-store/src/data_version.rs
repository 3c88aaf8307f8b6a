//! The data version kept in memory: bumped by this handle's own commits, refreshed in the
//! background for commits made elsewhere, so that readers never query the database for it.
//!
//! The version is the `data_version` counter, which every batch commit raises by one inside
//! its transaction ([`BUMP`]; the row lock orders concurrent commits, so the counter grows in
//! commit order, which batch ids taken at a batch's start do not). A [`crate::Store`] reads it
//! once when it connects and then keeps it in an atomic shared by every clone of the handle:
//!
//! - **This handle's commits** (`BatchWriter::commit`, `Store::import_batch`) raise it before
//!   they return, so the very next read sees the new data.
//! - **PostgreSQL, other handles and processes**: every batch commit runs
//!   `pg_notify('riskmap_data_version', version)` in its own transaction; PostgreSQL delivers
//!   the notification when the transaction commits, and a `LISTEN`ing task of each handle raises
//!   the version as it arrives (milliseconds). After the listener's connection is lost and
//!   re-established, and every [`PG_FALLBACK_POLL`] anyway, the task re-reads the version.
//! - **SQLite, other handles and processes**: a task re-reads the version every
//!   [`SQLITE_POLL`] (SQLite has no notifications across processes).
//!
//! The version only grows (`fetch_max`). The task ends when the last clone of the handle is
//! dropped or the store is closed.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use sqlx::postgres::{PgListener, PgPool};
use sqlx::sqlite::SqlitePool;
use tokio::sync::watch;

use crate::Result;
use crate::error::QueryContext;

/// The PostgreSQL channel batch commits notify.
pub(crate) const CHANNEL: &str = "riskmap_data_version";

/// How often a SQLite store re-reads the version for commits of other handles and processes.
pub const SQLITE_POLL: Duration = Duration::from_millis(200);

/// How often a PostgreSQL store re-reads the version besides the notifications (a safety net
/// for a listener that cannot connect).
pub const PG_FALLBACK_POLL: Duration = Duration::from_secs(2);

/// The shared in-memory version of one store handle (and its clones).
#[derive(Debug)]
pub(crate) struct DataVersion {
    value: AtomicI64,
    /// Dropped with the last handle (or set by `close`), which ends the refresh task.
    stop: watch::Sender<bool>,
}

impl DataVersion {
    pub(crate) fn new(initial: i64) -> Arc<Self> {
        let (stop, _) = watch::channel(false);
        Arc::new(Self {
            value: AtomicI64::new(initial),
            stop,
        })
    }

    pub(crate) fn get(&self) -> i64 {
        self.value.load(Ordering::Acquire)
    }

    /// Raises the version to `seen` (never lowers it).
    pub(crate) fn raise(&self, seen: i64) {
        self.value.fetch_max(seen, Ordering::AcqRel);
    }

    /// Ends the refresh task.
    pub(crate) fn stop(&self) {
        self.stop.send_replace(true);
    }

    fn stopped(&self) -> watch::Receiver<bool> {
        self.stop.subscribe()
    }
}

/// Raises the counter by one in the committing transaction and gives the new version (run
/// last before the commit: the row stays locked until then).
pub(crate) const BUMP: &str =
    "update data_version set version = version + 1 where singleton = 1 returning version";

const READ: &str = "select version from data_version where singleton = 1";

/// The committed version on a SQLite pool.
pub(crate) async fn read_sqlite(pool: &SqlitePool) -> Result<i64> {
    let version: Option<i64> = sqlx::query_scalar(READ)
        .fetch_optional(pool)
        .await
        .context("read data version")?;
    Ok(version.unwrap_or(0))
}

/// The committed version on a PostgreSQL pool.
pub(crate) async fn read_postgres(pool: &PgPool) -> Result<i64> {
    let version: Option<i64> = sqlx::query_scalar(READ)
        .fetch_optional(pool)
        .await
        .context("read data version")?;
    Ok(version.unwrap_or(0))
}

/// Starts the task that polls a SQLite store. Holds the version weakly, so dropping the
/// handles ends it even between polls.
pub(crate) fn watch_sqlite(pool: SqlitePool, version: &Arc<DataVersion>) {
    let mut stopped = version.stopped();
    let version = Arc::downgrade(version);
    tokio::spawn(async move {
        loop {
            tokio::select! {
                () = tokio::time::sleep(SQLITE_POLL) => {}
                _ = stopped.changed() => return,
            }
            if pool.is_closed() {
                return;
            }
            let Some(version) = version.upgrade() else {
                return;
            };
            match read_sqlite(&pool).await {
                Ok(seen) => version.raise(seen),
                Err(e) => tracing::warn!(error = %e, "cannot refresh the data version"),
            }
        }
    });
}

/// Starts the task that listens for batch commits on a PostgreSQL store.
pub(crate) fn watch_postgres(pool: PgPool, version: &Arc<DataVersion>) {
    let mut stopped = version.stopped();
    let version = Arc::downgrade(version);
    tokio::spawn(async move {
        let mut listener: Option<PgListener> = None;
        loop {
            if pool.is_closed() {
                return;
            }
            if listener.is_none() {
                listener = listen(&pool).await;
                // Commits made before LISTEN took effect sent no notification to us.
                if let Some(version) = version.upgrade()
                    && let Ok(seen) = read_postgres(&pool).await
                {
                    version.raise(seen);
                }
            }
            let event = match listener.as_mut() {
                Some(l) => tokio::select! {
                    received = l.try_recv() => Some(received),
                    () = tokio::time::sleep(PG_FALLBACK_POLL) => None,
                    _ = stopped.changed() => return,
                },
                None => tokio::select! {
                    () = tokio::time::sleep(PG_FALLBACK_POLL) => None,
                    _ = stopped.changed() => return,
                },
            };
            let Some(version) = version.upgrade() else {
                return;
            };
            let notified = match event {
                Some(Ok(Some(n))) => n.payload().parse::<i64>().ok(),
                // The connection was lost (and re-established): notifications may be lost.
                Some(Ok(None)) => None,
                Some(Err(e)) => {
                    if pool.is_closed() {
                        return;
                    }
                    tracing::warn!(error = %e, "data version listener failed; reconnecting");
                    listener = None;
                    None
                }
                None => None,
            };
            match notified {
                Some(seen) => version.raise(seen),
                None => match read_postgres(&pool).await {
                    Ok(seen) => version.raise(seen),
                    Err(e) => tracing::warn!(error = %e, "cannot refresh the data version"),
                },
            }
        }
    });
}

async fn listen(pool: &PgPool) -> Option<PgListener> {
    let mut listener = match PgListener::connect_with(pool).await {
        Ok(l) => l,
        Err(e) => {
            tracing::warn!(error = %e, "cannot listen for data version changes");
            return None;
        }
    };
    match listener.listen(CHANNEL).await {
        Ok(()) => Some(listener),
        Err(e) => {
            tracing::warn!(error = %e, "cannot listen for data version changes");
            None
        }
    }
}
