//! Early warning with the endemic–epidemic model of Held, Höhle and Hofmann (2005) and
//! Paul and Held (2011), as R's `surveillance::hhh4` fits it for area × period counts:
//! model and data (`model`), likelihood with analytic derivatives (`likelihood`), maximum
//! likelihood (`fit`), one-step-ahead predictive distributions (`predict`, `predictive`),
//! the service's next-period outlook (`outlook`),
//! proper scores (`scores`), baselines (`baselines`), simulation and outbreak injection
//! (`simulate`), the rolling back-test (`backtest`) and the back-test of the service's
//! forecast-exceedance trigger (`trigger_backtest`). Pure: no IO, seeded randomness.

/// Newton steps on the arrow-structured information (Schur complement).
mod arrow;
/// Rolling one-step-ahead back-test with detection metrics.
pub mod backtest;
/// Naive seasonal and EARS C2 baselines.
pub mod baselines;
/// Sums of the Γ-function differences over a table of counts.
mod count_table;
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
/// Fisher scoring, then damped Newton–Raphson.
mod optimise;
/// The service's next-period outlook: mean, 90 % interval, exceedance probabilities.
pub mod outlook;
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
/// Back-test of the forecast-exceedance trigger against marked outbreaks.
pub mod trigger_backtest;
/// The fit window laid out once per fit.
mod window;

pub use error::ForecastError;
pub use fit::{Fit, fit};
pub use model::{Family, ModelSpec, Panel};
