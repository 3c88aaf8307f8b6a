//! The one integration-test binary of the `riskmap` command line: it runs the built binary on
//! generated contract files and reads the store back.
//!
//! - `round_trip`: `demo generate` then `ingest` stores exactly the generated records (CSV and
//!   XLSX; SQLite and PostgreSQL).
//! - `refusals`: every defect class is refused with exit status 1 and its code, the store
//!   unchanged; accept-partial fills the quarantine; usage errors exit with 2.
//! - `revisions`: ingesting twice equals ingesting once; a higher revision replaces the sums
//!   and keeps history; a stored revision is refused; legal statistics are stored.
//! - `hostile`: hostile files in bounded memory (peak RSS measured), names refused, console
//!   findings and table detection.
//! - `forecast`: `riskmap forecast` against R's hhh4 oracle; bad files refused.
//! - `serve_metrics`: `/metrics` on `--metrics-addr` without a token.
//! - `tokens`: token scopes checked against the geography.
//! - `kill`: SIGKILL at random moments leaves the store as before or as after.
#![allow(clippy::unwrap_used, reason = "tests")]

mod forecast;
mod hostile;
mod kill;
mod refusals;
mod revisions;
mod round_trip;
mod serve_hostile;
mod serve_metrics;
mod support;
mod tokens;
