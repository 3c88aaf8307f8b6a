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
            other => Err(Error::UnknownName {
                what: "sensitivity class",
                got: other.to_owned(),
            }),
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

/// Who is reading: decides which disclosure rules apply (domain §4.3).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Audience {
    /// Tier P: anonymous public. S1/S2 at region level only, small counts suppressed.
    Public,
    /// Tier A: an akimat official, exact within the own region (or, for a district education
    /// department, the own district); public rules elsewhere.
    Regional {
        /// The official's region (`AB0000000`).
        region: Kato,
        /// For district officials: their district.
        district: Option<Kato>,
    },
    /// Role C: a crisis team, exact (including S2) in its assigned districts only.
    Crisis {
        /// Assigned districts.
        districts: Vec<Kato>,
    },
    /// Tier M: ministry analysts; exact counts everywhere.
    Ministry,
    /// Data steward: manages ingestion and tokens, no analytic access (separation of duties).
    Steward,
}

/// How an audience may see one cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// The exact value.
    Exact,
    /// Only a band (`0`, `1–2`, `≥3`): S2 counts at school level for akimats.
    Banded,
    /// The public rules: `c` for 1–9, `u` for rates from small numerators, S2 rounded to 5.
    PublicRules,
    /// Nothing (`c`).
    Hidden,
}

impl Audience {
    /// True when `unit` at `level` is inside this audience's own scope, where it reads exact
    /// (internal) values: everything for the ministry, the own region (or district) for an
    /// akimat, the assigned districts for a crisis team, nothing for the public and the
    /// steward. Out of scope, every audience reads exactly what the public reads (the
    /// published release of `docs/disclosure.md`). For school cells `unit` is the school's
    /// district.
    pub fn in_scope(&self, level: AdminLevel, unit: &Kato) -> bool {
        match self {
            Audience::Ministry => true,
            Audience::Public | Audience::Steward => false,
            Audience::Regional {
                region,
                district: None,
            } => level >= AdminLevel::Region && unit.same_region(region),
            Audience::Regional {
                district: Some(own),
                ..
            } => level >= AdminLevel::District && unit == own,
            Audience::Crisis { districts } => {
                level >= AdminLevel::District && districts.contains(unit)
            }
        }
    }

    /// How this audience may see a cell of `sensitivity` about `unit` at `level`. For school
    /// cells `unit` is the school's district.
    pub fn access(&self, sensitivity: Sensitivity, level: AdminLevel, unit: &Kato) -> Access {
        if *self == Audience::Steward {
            return Access::Hidden;
        }
        if !self.in_scope(level, unit) {
            return public_access(sensitivity, level);
        }
        let akimat = matches!(self, Audience::Regional { .. });
        if akimat && level == AdminLevel::School && sensitivity == Sensitivity::S2 {
            Access::Banded
        } else {
            Access::Exact
        }
    }

    /// True when this audience may see exact values of `sensitivity` for `unit` at `level`.
    pub fn sees_exact(&self, sensitivity: Sensitivity, level: AdminLevel, unit: &Kato) -> bool {
        self.access(sensitivity, level, unit) == Access::Exact
    }

    /// True when this audience may see individual schools of `district` (point features,
    /// school rows): akimats in scope, crisis teams in their districts, the ministry.
    pub fn may_see_schools_of(&self, district: &Kato) -> bool {
        match self {
            Audience::Ministry => true,
            Audience::Public | Audience::Steward => false,
            Audience::Regional {
                region,
                district: own,
            } => own
                .as_ref()
                .map_or_else(|| district.same_region(region), |own| own == district),
            Audience::Crisis { districts } => districts.contains(district),
        }
    }
}

/// Tier P (domain §4.3): S0 down to districts, S1 and S2 at regions only, no schools.
fn public_access(sensitivity: Sensitivity, level: AdminLevel) -> Access {
    let deepest = match sensitivity {
        Sensitivity::S0 => AdminLevel::District,
        Sensitivity::S1 | Sensitivity::S2 => AdminLevel::Region,
    };
    if level <= deepest {
        Access::PublicRules
    } else {
        Access::Hidden
    }
}
