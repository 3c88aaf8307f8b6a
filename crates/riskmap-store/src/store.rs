//! Connection to SQLite or PostgreSQL, migrations, and the dispatch macro that runs the same
//! query text on either backend.

use std::str::FromStr;
use std::sync::Arc;

use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use crate::data_version::{self, DataVersion};
use crate::error::QueryContext;
use crate::{Error, Result};

/// Rows the SQLite driver's worker thread may read ahead of the reader (sqlx's default is 50).
/// A warm-up reads hundreds of thousands of rows; with a short channel the worker and the
/// reader hand the CPU to each other every few dozen rows.
const SQLITE_ROWS_IN_FLIGHT: usize = 1024;

static SQLITE_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// Which database engine a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite file (WAL journal).
    Sqlite,
    /// PostgreSQL server.
    Postgres,
}

impl Backend {
    /// `sqlite` or `postgres`.
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// A connected, migrated store. Cheap to clone (a pool handle and the shared data version).
#[derive(Debug, Clone)]
pub struct Store {
    pub(crate) pool: Pool,
    pub(crate) version: Arc<DataVersion>,
    /// Recently read programme contents by id and version.
    pub(crate) programme_bodies: Arc<crate::programme_bodies::ProgrammeBodies>,
}

/// Runs `$body` with `$pool` bound to the backend's pool and `$db` to its sqlx database type.
macro_rules! with_pool {
    ($store:expr, $pool:ident, $db:ident => $body:expr) => {
        match &$store.pool {
            $crate::store::Pool::Sqlite($pool) => {
                #[allow(dead_code, reason = "not every body names the database type")]
                type $db = sqlx::Sqlite;
                $body
            }
            $crate::store::Pool::Postgres($pool) => {
                #[allow(dead_code, reason = "not every body names the database type")]
                type $db = sqlx::Postgres;
                $body
            }
        }
    };
}
pub(crate) use with_pool;

impl Store {
    /// Connects to `url` and runs pending migrations.
    ///
    /// `sqlite://PATH` (or `sqlite:PATH`) opens or creates a file with a WAL journal, so a
    /// killed process leaves the database as it was before or after the last transaction.
    /// `postgres://…` connects to a server.
    ///
    /// Must be called inside a Tokio runtime: it starts the task that keeps
    /// [`Store::cached_data_version`] fresh (see the `data_version` module).
    pub async fn connect(url: &str) -> Result<Self> {
        if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)
                .map_err(|source| Error::Connect {
                    backend: "sqlite",
                    source,
                })?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(std::time::Duration::from_secs(10))
                .row_buffer_size(SQLITE_ROWS_IN_FLIGHT);
            let pool = SqlitePoolOptions::new()
                .max_connections(4)
                .connect_with(options)
                .await
                .map_err(|source| Error::Connect {
                    backend: "sqlite",
                    source,
                })?;
            SQLITE_MIGRATOR
                .run(&pool)
                .await
                .map_err(|source| Error::Migrate {
                    backend: "sqlite",
                    source,
                })?;
            let version = DataVersion::new(data_version::read_sqlite(&pool).await?);
            data_version::watch_sqlite(pool.clone(), &version);
            Ok(Self {
                pool: Pool::Sqlite(pool),
                version,
                programme_bodies: Arc::default(),
            })
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let pool = PgPoolOptions::new()
                .max_connections(8)
                .connect(url)
                .await
                .map_err(|source| Error::Connect {
                    backend: "postgres",
                    source,
                })?;
            POSTGRES_MIGRATOR
                .run(&pool)
                .await
                .map_err(|source| Error::Migrate {
                    backend: "postgres",
                    source,
                })?;
            let version = DataVersion::new(data_version::read_postgres(&pool).await?);
            data_version::watch_postgres(pool.clone(), &version);
            Ok(Self {
                pool: Pool::Postgres(pool),
                version,
                programme_bodies: Arc::default(),
            })
        } else {
            Err(Error::UnsupportedUrl {
                url: url.to_owned(),
            })
        }
    }

    /// The engine behind this store.
    pub fn backend(&self) -> Backend {
        match self.pool {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    /// True when no school × quarter record is stored yet.
    pub async fn is_empty(&self) -> Result<bool> {
        let count: i64 = with_pool!(self, pool, DB => {
            sqlx::query_scalar("select count(*) from school_quarter").fetch_one(pool).await
        })
        .context("count records")?;
        Ok(count == 0)
    }

    /// True when any stored record is synthetic (demo data).
    pub async fn has_synthetic_data(&self) -> Result<bool> {
        let found: Option<i64> = with_pool!(self, pool, DB => {
            sqlx::query_scalar("select cast(1 as bigint) from school_quarter where synthetic = $1 limit 1").bind(true).fetch_optional(pool).await
        })
        .context("look for synthetic records")?;
        Ok(found.is_some())
    }

    /// True when any stored record is real (not synthetic).
    pub async fn has_real_data(&self) -> Result<bool> {
        let found: Option<i64> = with_pool!(self, pool, DB => {
            sqlx::query_scalar("select cast(1 as bigint) from school_quarter where synthetic = $1 limit 1").bind(false).fetch_optional(pool).await
        })
        .context("look for real records")?;
        Ok(found.is_some())
    }

    /// A number that grows whenever stored data change (by one per committed batch, in commit
    /// order), read from the database now. It also refreshes [`Store::cached_data_version`].
    pub async fn data_version(&self) -> Result<i64> {
        let version = match &self.pool {
            Pool::Sqlite(pool) => data_version::read_sqlite(pool).await?,
            Pool::Postgres(pool) => data_version::read_postgres(pool).await?,
        };
        self.version.raise(version);
        Ok(version)
    }

    /// The data version without a query: what caches key on, so that a new ingest is visible
    /// at once.
    ///
    /// Guarantee: a batch committed through this handle or any clone of it is reflected before
    /// the commit returns. A batch committed by another handle or process is reflected on
    /// PostgreSQL as soon as its `NOTIFY` arrives (milliseconds after the commit; at most
    /// [`data_version::PG_FALLBACK_POLL`] if the listener is down), on SQLite within
    /// [`data_version::SQLITE_POLL`] plus one query.
    pub fn cached_data_version(&self) -> i64 {
        self.version.get()
    }

    /// Closes the pool (waits for connections to finish) and ends the data version refresh.
    pub async fn close(&self) {
        self.version.stop();
        with_pool!(self, pool, DB => pool.close().await);
    }
}
