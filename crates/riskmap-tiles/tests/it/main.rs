//! The integration tests of `riskmap-tiles`, as one binary (one module per concern).
//!
//! - `coord`: tile addressing and Web Mercator maths.
//! - `encoding`: small hand-made layers (properties, ids, points, holes, specks, empty tiles).
//! - `errors`: inputs refused or counted (degenerate rings, bad options, repeated keys).
//! - `real_districts`: every tile of zooms 0–6 over Kazakhstan and a z10 sample, cut from the
//!   real 224 districts and checked against geo's boolean intersection.
//! - `writer`: the own MVT writer against fast-mvt's, byte for byte.

#![allow(clippy::unwrap_used, reason = "tests")]

mod coord;
mod encoding;
mod errors;
mod real_districts;
mod support;
mod writer;
