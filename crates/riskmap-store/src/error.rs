//! The error type of `riskmap-store`.

/// A storage failure.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The database URL is neither `sqlite:` nor `postgres:`/`postgresql:`.
    #[error("unsupported database URL {url:?}: use sqlite://FILE or postgres://...")]
    UnsupportedUrl {
        /// The URL as given (credentials are not logged elsewhere).
        url: String,
    },
    /// Connecting failed.
    #[error("cannot connect to {backend} database")]
    Connect {
        /// `sqlite` or `postgres`.
        backend: &'static str,
        /// Why.
        #[source]
        source: sqlx::Error,
    },
    /// Running migrations failed.
    #[error("cannot migrate the {backend} database")]
    Migrate {
        /// `sqlite` or `postgres`.
        backend: &'static str,
        /// Why.
        #[source]
        source: sqlx::migrate::MigrateError,
    },
    /// A query failed.
    #[error("database query failed: {context}")]
    Query {
        /// What the store was doing.
        context: &'static str,
        /// Why.
        #[source]
        source: sqlx::Error,
    },
    /// A stored value does not satisfy the model's rules (the database was edited by hand).
    #[error("stored value is invalid: {message}")]
    Corrupt {
        /// What is wrong.
        message: String,
    },
    /// A programme changed since the caller read it (optimistic concurrency).
    #[error("the programme changed: it is at version {current}")]
    Stale {
        /// The stored version.
        current: i64,
    },
    /// No programme with this id.
    #[error("no programme {id}")]
    NotFound {
        /// The id asked for.
        id: i64,
    },
    /// A change conflicts with the stored state.
    #[error("conflict: {message}")]
    Conflict {
        /// What conflicts.
        message: String,
    },
    /// An idempotency key reused with a different request.
    #[error("the Idempotency-Key was used with a different request")]
    IdempotencyMismatch,
}

/// Result with this crate's error.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Attaches a description of the operation to a sqlx error.
pub(crate) trait QueryContext<T> {
    fn context(self, context: &'static str) -> Result<T>;
}

impl<T> QueryContext<T> for std::result::Result<T, sqlx::Error> {
    fn context(self, context: &'static str) -> Result<T> {
        self.map_err(|source| Error::Query { context, source })
    }
}
