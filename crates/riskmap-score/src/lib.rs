//! `riskmap-score`: the spatial statistics and rate smoothing of riskmap.
//!
//! **Owns:** spatial weights (contiguity, kNN, distance band), small-area rate smoothing
//! (excess risk, global / spatial / hierarchical empirical Bayes and their Gamma–Poisson
//! posteriors), global and local Moran's I, Getis–Ord Gi*, seeded permutation inference,
//! multiple-testing control, ranks, and the per-unit scoring table behind `riskmap score`.
//!
//! **Invariants:** pure functions only — no file, network or clock access, no global
//! state; every random draw comes from an explicitly seeded generator (ChaCha8 for the
//! conditional-permutation matrix and the rank intervals, xoshiro256++ jump streams for the
//! global Moran permutations), so equal inputs and seeds give equal outputs on every
//! platform and thread count. All numbers
//! are `f64`. Units with a non-positive population are excluded and flagged, never
//! divided by.
//!
//! **Reference behaviour:** formulas follow PySAL esda 2.9 / libpysal 4.14 (cross-checked
//! with R spdep and GeoDa) and are tested against the oracle in `shared/oracle`, with the
//! documented departures: EB truncates the prior variance at 0 (GeoDa/spdep), LISA reports
//! spdep's I_i scaling, and Gi* uses the Ord–Getis (1995) z with binary weights plus self.
//!
//! **Entry points:** `weights::Weights`, `rates::global_eb`,
//! `moran_global::moran_global`, `moran_local::moran_local`,
//! `getis_ord::getis_ord_local`, `table::score_units`.
#![warn(missing_docs)]
#![forbid(unsafe_code)]

/// The composite risk index: treatment, goalposts, aggregation, SVI flags, drivers, bands,
/// rank intervals, and the back-cast `score_periods`.
pub mod composite;
/// The conditional-randomisation engine behind LISA and local G permutation tests.
mod conditional_randomisation;
/// Normal and Gamma distribution functions (tails, quantiles).
pub mod distributions;
/// The crate's error type.
pub mod error;
/// Early warning: the endemic–epidemic (hhh4) forecaster, its scores, baselines and back-test.
pub mod forecast;
/// Local Getis–Ord G_i and G_i* with the Ord–Getis z.
pub mod getis_ord;
/// The map's hotspot overlay: Gi* classes with BH-FDR, LISA quadrants, global Moran's I.
pub mod hotspot_overlay;
/// The scoring methodology (`data/methodology.toml`): weights, goalposts, triggers, targets.
pub mod methodology;
/// Global Moran's I: moments under normality and randomisation, permutation test.
pub mod moran_global;
/// Local Moran's I (LISA): I_i, moments, quadrants, conditional permutation.
pub mod moran_local;
/// Benjamini–Hochberg FDR and Bonferroni.
pub mod multiple_testing;
/// Seeded RNG, the esda-style conditional permutation matrix, pseudo p-values.
pub mod permutation;
/// Progress against the plan's −5 %/year targets with exact Poisson intervals.
pub mod plan_tracking;
/// The crisis-team hotspot list: triggers of domain §5.4, ranking, typed rows.
pub mod priority;
/// Minimum ranks, SVI percentile ranks, descending order.
pub mod ranks;
/// Raw rates, excess risk and empirical Bayes smoothing.
pub mod rates;
/// Smoothed values, bands, ranks and flags of one indicator across visible sibling units.
pub mod sibling_stats;
/// Psychologist and social-pedagogue staffing gaps against the norm.
pub mod staffing;
/// Statistical neighbours by standardised context variables.
pub mod statistical_neighbours;
/// The per-unit scoring table behind `riskmap score`.
pub mod table;
/// The total-randomisation engine behind the global Moran permutation test.
mod total_randomisation;
/// Spatial weights: CSR structure, contiguity, kNN, distance band, transforms.
pub mod weights;
/// xoshiro256++ with jump streams and batched bounded draws (global permutation engine).
mod xoshiro;

pub use error::{Error, Result};
