//! The error type of `riskmap-programme`: what a request or a catalogue can get wrong.

use crate::workflow::Status;

/// A request that breaks a rule of programmes.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// The action catalogue does not parse or breaks one of its rules.
    #[error("action catalogue: {message}")]
    Catalogue {
        /// What is wrong.
        message: String,
    },
    /// A field has a bad value.
    #[error("{field}: {message}")]
    Invalid {
        /// The field (`period`, `budget_tenge`, …).
        field: String,
        /// What is wrong.
        message: String,
    },
    /// The caller may not do this to this programme.
    #[error("forbidden: {message}")]
    Forbidden {
        /// Why.
        message: String,
    },
    /// The transition is not allowed from the programme's status by this caller.
    #[error("cannot go from {from} to {to}; allowed: {}", list(allowed))]
    IllegalTransition {
        /// The current status.
        from: Status,
        /// The status asked for.
        to: Status,
        /// The statuses this caller may move the programme to now.
        allowed: Vec<Status>,
    },
    /// The programme is locked in its status (approved content changes only by amendment).
    #[error("the programme is {status}: {message}")]
    Locked {
        /// The current status.
        status: Status,
        /// What to do instead.
        message: String,
    },
    /// The programme cannot be approved yet: something is missing.
    #[error("cannot approve yet: {message}")]
    Incomplete {
        /// What is missing.
        message: String,
    },
    /// Something referred to does not exist in the programme.
    #[error("{what} {id} is not in this programme")]
    NotFound {
        /// What (`problem`, `action`).
        what: &'static str,
        /// Its id.
        id: i64,
    },
}

fn list(allowed: &[Status]) -> String {
    if allowed.is_empty() {
        return "none".to_owned();
    }
    allowed
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

impl Error {
    /// A bad value in `field`.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Error::Invalid {
            field: field.to_owned(),
            message: message.into(),
        }
    }
}

/// Result with this crate's error.
pub type Result<T, E = Error> = std::result::Result<T, E>;
