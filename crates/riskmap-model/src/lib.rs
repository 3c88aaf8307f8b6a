//! The domain vocabulary of riskmap, shared by every other crate.
//!
//! This crate owns the validated newtypes (KATO codes, administrative levels, reporting
//! periods, school ids), the indicator catalogue (`data/indicators.toml`, compiled in) and the
//! disclosure-control types through which every count and rate must pass before it may leave
//! the server.
//!
//! Invariants: no IO, no async, no SQL, no HTTP. Values are validated when they are built
//! ("parse, don't validate"), so a `Kato` or a `Period` in hand is always well-formed.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

/// Administrative levels: country, region, district, school.
pub mod admin_level;
/// The one error type of this crate.
pub mod error;
/// Frozen disclosed values (programme snapshots) and their re-disclosure.
pub mod frozen;
/// The indicator catalogue: codes, labels, units, directions, sensitivity classes.
pub mod indicator;
/// KATO codes: 9-digit classifier of administrative-territorial objects.
pub mod kato;
/// The measured columns of a school × quarter record.
pub mod measure;
/// Quarterly reporting periods `YYYY-Qn` and their due dates.
pub mod period;
/// Joint secondary suppression of a published margin, safe against insiders.
pub mod protection;
/// Roles of bearer tokens and their grants.
pub mod role;
/// Schools and their quarterly records.
pub mod school;
/// NOBD organisation ids of schools.
pub mod school_id;
/// Sensitivity classes S0/S1/S2 and the audiences (tiers) that read them.
pub mod sensitivity;
/// Statistical disclosure control: the only way a count or rate reaches an output.
pub mod suppression;

pub use admin_level::AdminLevel;
pub use error::{Error, Result};
pub use frozen::{Frozen, FrozenAccess, FrozenShown};
pub use indicator::{Catalogue, Indicator};
pub use kato::Kato;
pub use measure::{Measure, MeasureKind, MeasureValues};
pub use period::Period;
pub use role::{Grant, Role};
pub use school::{School, SchoolQuarterRecord, Settlement};
pub use school_id::SchoolId;
pub use sensitivity::{Access, Audience, Sensitivity};
pub use suppression::{Disclosed, Shown, SuppressionPolicy};
