//! The error type of `riskmap-model`: what can be wrong with a value from the outside world.

/// A value that does not satisfy the vocabulary's rules.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// A KATO code that is not exactly nine ASCII digits.
    #[error("KATO code must be 9 digits, got {got:?}")]
    KatoFormat {
        /// The offending text.
        got: String,
    },
    /// A period that is not `YYYY-Qn` with n in 1..=4.
    #[error("period must look like 2024-Q3, got {got:?}")]
    PeriodFormat {
        /// The offending text.
        got: String,
    },
    /// A school id that is empty, too long or has characters outside `[A-Za-z0-9_.-]`.
    #[error("school id must be 1 to 32 characters of A-Z, a-z, 0-9, '_', '.', '-', got {got:?}")]
    SchoolIdFormat {
        /// The offending text.
        got: String,
    },
    /// A name that is not one of the known enumeration values.
    #[error("unknown {what} {got:?}")]
    UnknownName {
        /// Which enumeration.
        what: &'static str,
        /// The offending text.
        got: String,
    },
    /// A token's scope does not fit its role.
    #[error("token scope: {message}")]
    Scope {
        /// What is wrong.
        message: String,
    },
    /// The indicator catalogue does not parse or breaks one of its rules.
    #[error("indicator catalogue: {message}")]
    Catalogue {
        /// What is wrong.
        message: String,
    },
}

/// Result with this crate's error.
pub type Result<T, E = Error> = std::result::Result<T, E>;
