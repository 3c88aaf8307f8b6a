//! Early warning with the endemic–epidemic model of Held, Höhle and Hofmann (2005) and
//! Paul and Held (2011), as R's `surveillance::hhh4` fits it for area × period counts:
//! model and data (`model`), likelihood with analytic derivatives (`likelihood`), maximum
//! likelihood (`fit`), one-step-ahead predictive distributions (`predict`, `predictive`),
//! proper scores (`scores`), baselines (`baselines`), simulation and outbreak injection
//! (`simulate`) and the rolling back-test (`backtest`). Pure: no IO, seeded randomness.

/// Rolling one-step-ahead back-test with detection metrics.
pub mod backtest;
/// Naive seasonal and EARS C2 baselines.
pub mod baselines;
/// Degenerate data and failed fits.
pub mod error;
/// Maximum-likelihood fit and standard errors.
pub mod fit;
/// Log-likelihood, score and observed information.
pub mod likelihood;
/// Small dense symmetric linear algebra.
mod linalg;
/// The model, its data panel and parameter names.
pub mod model;
/// One-step-ahead predictions with the parameters fixed.
pub mod predict;
/// The NegBin / Poisson predictive distribution.
pub mod predictive;
/// Log score and ranked probability score.
pub mod scores;
/// Simulation from the model and outbreak injection.
pub mod simulate;
/// Γ-function differences, digamma, trigamma.
mod special;

pub use error::ForecastError;
pub use fit::{Fit, fit};
pub use model::{Family, ModelSpec, Panel};
