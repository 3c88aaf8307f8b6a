//! The error type of the endemic–epidemic forecaster: degenerate data and failed fits.

/// Why a forecast model cannot be built, fitted or used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ForecastError {
    /// Fewer units than the model needs (the neighbourhood component needs two).
    #[error(
        "{found} unit(s): the endemic–epidemic model needs at least 2 units (the neighbourhood component has nothing to act on)"
    )]
    TooFewUnits {
        /// Number of units given.
        found: usize,
    },
    /// Too few time points to condition on the first one and still fit.
    #[error(
        "{found} time point(s) to fit: need at least {needed} (the likelihood conditions on the first)"
    )]
    TooFewTimePoints {
        /// Number of time points available to the fit.
        found: usize,
        /// Minimum number needed.
        needed: usize,
    },
    /// A matrix or vector input has the wrong shape.
    #[error("{what}: expected {expected} values, found {found}")]
    Shape {
        /// Which input.
        what: &'static str,
        /// Expected length.
        expected: usize,
        /// Found length.
        found: usize,
    },
    /// A count that is not a finite non-negative integer.
    #[error("count of unit {unit} at time index {time}: {value} is not a non-negative integer")]
    BadCount {
        /// Unit name.
        unit: String,
        /// 0-based time index.
        time: usize,
        /// The value.
        value: f64,
    },
    /// An endemic offset (population fraction or pupils) that is not positive and finite.
    #[error(
        "population of unit {unit} is {value}: the endemic offset must be positive and finite (a unit with no population has no endemic rate)"
    )]
    BadOffset {
        /// Unit name.
        unit: String,
        /// The value.
        value: f64,
    },
    /// Every count in the fitting window is zero: nothing is identifiable.
    #[error(
        "every count in the fitting window is zero: the model's parameters are not identifiable"
    )]
    AllZero,
    /// Too few events in the fitting window for the service's outlook to mean anything.
    #[error(
        "{found} event(s) in the fitting window: the outlook needs at least {needed} (fewer let the seasonal terms fit the few events exactly)"
    )]
    TooFewEvents {
        /// Events in the periods the likelihood uses.
        found: u64,
        /// Minimum.
        needed: u64,
    },
    /// No pair of first-order neighbours: the neighbourhood parameter is not identifiable.
    #[error(
        "no unit has a first-order neighbour: the neighbourhood component (ne.1) is not identifiable"
    )]
    NoNeighbours,
    /// The neighbourhood counts are zero throughout the fitting window.
    #[error("no neighbour of any unit has a count in the fitting window: ne.1 is not identifiable")]
    NoNeighbourSignal,
    /// The frequency is not a positive finite number.
    #[error("frequency {0} must be a positive finite number")]
    BadFrequency(f64),
    /// The time values are not strictly increasing finite numbers.
    #[error("time values must be finite and strictly increasing (at index {0})")]
    BadTime(usize),
    /// The requested fit window or prediction range is outside the data.
    #[error("{0}")]
    BadWindow(String),
    /// The optimiser did not reach a maximum.
    #[error(
        "maximum likelihood did not converge after {iterations} iterations (log-likelihood {loglik}, largest score {max_score})"
    )]
    NoConvergence {
        /// Iterations done.
        iterations: usize,
        /// Last log-likelihood.
        loglik: f64,
        /// Largest absolute score component.
        max_score: f64,
    },
    /// The likelihood became non-finite (data the model cannot describe).
    #[error("the log-likelihood is not finite at the starting values: {0}")]
    NonFinite(String),
}
