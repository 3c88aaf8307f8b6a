//! Sensitivity classes of indicators and the audiences (access tiers) that read them
//! (domain §4.3).

use crate::{AdminLevel, Error, Kato, Result};

/// How harmful disclosure of an indicator would be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Sensitivity {
    /// Context: enrolment, staffing, prevention activity, timeliness.
    S0,
    /// Sensitive: violence (non-sexual), bullying, register cases, offences.
    S1,
    /// Highly sensitive: suicide deaths and attempts, self-harm, sexual violence.
    S2,
}

impl Sensitivity {
    /// Parses `S0`, `S1` or `S2`.
    pub fn parse(text: &str) -> Result<Self> {
        match text {
            "S0" => Ok(Sensitivity::S0),
            "S1" => Ok(Sensitivity::S1),
            "S2" => Ok(Sensitivity::S2),
            other => Err(Error::UnknownName { what: "sensitivity class", got: other.to_owned() }),
        }
    }

    /// `S0`, `S1` or `S2`.
    pub fn as_str(self) -> &'static str {
        match self {
            Sensitivity::S0 => "S0",
            Sensitivity::S1 => "S1",
            Sensitivity::S2 => "S2",
        }
    }
}

/// Who is reading: decides which suppression rules apply (domain §4.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Audience {
    /// Tier P: anonymous public. S1/S2 at region level only, small counts suppressed.
    Public,
    /// Tier A: an akimat official; exact within the own region, public rules elsewhere.
    Regional {
        /// The official's region (`AB0000000`).
        region: Kato,
    },
    /// Tier M: ministry analysts; exact counts everywhere.
    Ministry,
}

impl Audience {
    /// True when this audience may see exact values of `sensitivity` for a unit at `level`
    /// with code `unit`.
    pub fn sees_exact(&self, sensitivity: Sensitivity, level: AdminLevel, unit: &Kato) -> bool {
        match self {
            Audience::Ministry => true,
            Audience::Regional { region } => {
                unit.same_region(region) && (level != AdminLevel::School || sensitivity != Sensitivity::S2)
            }
            Audience::Public => sensitivity == Sensitivity::S0 && level <= AdminLevel::Region,
        }
    }

    /// True when this audience may see `sensitivity` at `level` at all (possibly suppressed).
    pub fn may_see_level(&self, sensitivity: Sensitivity, level: AdminLevel) -> bool {
        match self {
            Audience::Ministry | Audience::Regional { .. } => true,
            Audience::Public => match sensitivity {
                Sensitivity::S0 => level <= AdminLevel::District,
                Sensitivity::S1 | Sensitivity::S2 => level <= AdminLevel::Region,
            },
        }
    }
}
