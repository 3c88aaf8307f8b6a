//! Schools and their quarterly records, as the demo generator, the ingest and the store share
//! them (a subset of contract tables A and B, domain §6.2–§6.3).

use time::OffsetDateTime;

use crate::{Kato, MeasureValues, Period, SchoolId};

/// Urban or rural locality (contract `settlement_type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settlement {
    /// Town or city.
    Urban,
    /// Village.
    Rural,
}

impl Settlement {
    /// `urban` or `rural`.
    pub fn as_str(self) -> &'static str {
        match self {
            Settlement::Urban => "urban",
            Settlement::Rural => "rural",
        }
    }

    /// Parses `urban` or `rural`.
    pub fn parse(text: &str) -> crate::Result<Self> {
        match text {
            "urban" => Ok(Settlement::Urban),
            "rural" => Ok(Settlement::Rural),
            other => Err(crate::Error::UnknownName {
                what: "settlement type",
                got: other.to_owned(),
            }),
        }
    }
}

/// One school (an organisation version of contract table A).
#[derive(Debug, Clone, PartialEq)]
pub struct School {
    /// `nobd_org_id`.
    pub id: SchoolId,
    /// Official Kazakh name.
    pub name_kk: String,
    /// Official Russian name.
    pub name_ru: String,
    /// The district polygon the school lies in.
    pub district: Kato,
    /// The region.
    pub region: Kato,
    /// WGS84 longitude and latitude of the main building, when known.
    pub location: Option<(f64, f64)>,
    /// Urban or rural.
    pub settlement: Settlement,
}

/// One school × quarter record (contract table B).
#[derive(Debug, Clone, PartialEq)]
pub struct SchoolQuarterRecord {
    /// The school.
    pub school: SchoolId,
    /// The reporting quarter.
    pub period: Period,
    /// Resubmission counter, from 1.
    pub revision: u32,
    /// When the record was submitted (late after `period.due_date()`).
    pub submitted_at: OffsetDateTime,
    /// Measured values.
    pub values: MeasureValues,
    /// True when the school reports no events at all this quarter (contract `nil_return`).
    pub nil_return: Option<bool>,
    /// Whether the anti-bullying programme is implemented (contract `antibullying_programme`).
    pub antibullying_programme: Option<bool>,
    /// Contract schema version of the submission, e.g. `1.0`.
    pub schema_version: Option<String>,
    /// Free-text notes (≤ 500 characters, scanned for personal data at ingest).
    pub notes: Option<String>,
}

impl SchoolQuarterRecord {
    /// True when submitted after the 10th of the month following the quarter (Kazakhstan's
    /// date of the submission, `Period::is_on_time`).
    pub fn is_late(&self) -> bool {
        !self.period.is_on_time(self.submitted_at)
    }
}
