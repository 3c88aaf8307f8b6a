//! Crisis-management programmes (Resolution No. 748, measure 2): the objects, their workflow
//! and the arithmetic of progress, review and the Ministry's half-year summary.
//!
//! A programme belongs to one region and a period (a year or a half-year); its problems are
//! units with a frozen snapshot of what the map showed; its actions come from the catalogue
//! `data/actions.toml` (compiled in); progress is reported per action per quarter, due on the
//! 10th of the month after the quarter.
//!
//! Invariants: no IO, no async, no SQL, no HTTP. Every state change goes through
//! [`workflow`], which knows who may do what; approved content changes only through an
//! approved amendment.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

/// The action catalogue (`data/actions.toml`).
pub mod catalogue;
/// The one error type of this crate.
pub mod error;
/// JSON merge patches (RFC 7396) of an action's fields.
pub mod merge_patch;
/// Programme periods: a year or a half-year.
pub mod period;
/// Programmes, problems, actions and progress reports.
pub mod programme;
/// Progress reports: due dates, lateness, overdue actions.
pub mod progress;
/// The review: snapshot, now and the plan's −5 %/year line (descriptive).
pub mod review;
/// The Ministry's half-year summary across regions.
pub mod summary;
/// The workflow: states, roles, transitions, edits.
pub mod workflow;

pub use catalogue::{ActionType, Catalogue};
pub use error::{Error, Result};
pub use period::{Half, ProgrammePeriod};
pub use programme::{
    Action, ActionFields, Problem, ProblemUnit, Programme, ProgressReport, ProgressStatus,
    Snapshot, SnapshotValue,
};
pub use workflow::{Actor, Edit, Status};
