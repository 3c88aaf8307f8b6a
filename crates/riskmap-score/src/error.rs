//! The single error type of `riskmap-score`.
//!
//! Every fallible function in the crate returns `Result`.
//! Variants carry the context a caller needs to point at the bad input
//! (which unit, which field, which value), so that the CLI can add the file name and stop.

/// Everything that can go wrong while scoring.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Two inputs that must describe the same units have different lengths.
    #[error("{what}: expected {expected} values, found {found}")]
    LengthMismatch {
        /// Which input was checked.
        what: &'static str,
        /// Number of units expected.
        expected: usize,
        /// Number of values found.
        found: usize,
    },

    /// A numeric input is not acceptable (NaN, infinite, negative count, …).
    #[error("{what}: bad value {value} at unit {index}: {reason}")]
    BadValue {
        /// Which input was checked.
        what: &'static str,
        /// 0-based position of the unit.
        index: usize,
        /// The offending value.
        value: f64,
        /// Why the value is rejected.
        reason: &'static str,
    },

    /// A statistic needs more units (or more valid units) than it was given.
    #[error("{what}: needs at least {needed} units, got {found}")]
    TooFewUnits {
        /// Which statistic was asked for.
        what: &'static str,
        /// Minimum number of units.
        needed: usize,
        /// Number of units available.
        found: usize,
    },

    /// The variable has no variance, so standardised statistics are undefined.
    #[error("{what}: the values are constant, the statistic is undefined")]
    ConstantValues {
        /// Which statistic was asked for.
        what: &'static str,
    },

    /// A weights structure refers to a unit that does not exist or to itself.
    #[error("weights: unit {unit} has invalid neighbour {neighbour} (n = {n})")]
    InvalidNeighbour {
        /// The unit whose neighbour list is wrong.
        unit: usize,
        /// The offending neighbour index.
        neighbour: usize,
        /// Number of units.
        n: usize,
    },

    /// A weight is negative, NaN or infinite.
    #[error("weights: unit {unit} has invalid weight {weight} for neighbour {neighbour}")]
    InvalidWeight {
        /// The unit whose row is wrong.
        unit: usize,
        /// The neighbour of that link.
        neighbour: usize,
        /// The offending weight.
        weight: f64,
    },

    /// A geometry cannot be used for the requested weights.
    #[error("geometry of unit {unit}: {reason}")]
    BadGeometry {
        /// 0-based position of the unit.
        unit: usize,
        /// What is wrong with it.
        reason: String,
    },

    /// A parameter is outside its domain (k ≥ n, α ∉ (0, 1), …).
    #[error("parameter {name}: {reason}")]
    InvalidParameter {
        /// Parameter name.
        name: &'static str,
        /// Why it is rejected.
        reason: String,
    },

    /// A weights specification such as `knn:8` could not be parsed.
    #[error("unknown weights spec {spec:?}: expected rook, queen, knn:K or band:D")]
    UnknownWeightsSpec {
        /// The text that was given.
        spec: String,
    },

    /// A feature of a GeoJSON input lacks a field or has a non-numeric value.
    #[error("feature {feature}, field {field:?}: {reason}")]
    BadFeature {
        /// 0-based position of the feature in the input.
        feature: usize,
        /// The property (or `geometry`) that is wrong.
        field: String,
        /// What is wrong with it.
        reason: String,
    },

    /// An injected permutation matrix is inconsistent with the data.
    #[error("permutation matrix: {reason}")]
    BadPermutationMatrix {
        /// What is wrong with it.
        reason: String,
    },
}

/// Result type of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
