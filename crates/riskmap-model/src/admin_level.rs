//! Administrative levels of the map hierarchy: country → region → district → school.

use std::fmt;

use crate::{Error, Result};

/// One level of the administrative hierarchy the map can show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AdminLevel {
    /// The Republic of Kazakhstan.
    Country,
    /// One of the 20 oblasts and cities of republican significance (ADM1).
    Region,
    /// A district, city administration or city district (ADM2).
    District,
    /// A general-education school.
    School,
}

impl AdminLevel {
    /// The stable lowercase name used in URLs, files and the store.
    pub fn as_str(self) -> &'static str {
        match self {
            AdminLevel::Country => "country",
            AdminLevel::Region => "region",
            AdminLevel::District => "district",
            AdminLevel::School => "school",
        }
    }

    /// Parses the lowercase name.
    pub fn parse(text: &str) -> Result<Self> {
        match text {
            "country" => Ok(AdminLevel::Country),
            "region" => Ok(AdminLevel::Region),
            "district" => Ok(AdminLevel::District),
            "school" => Ok(AdminLevel::School),
            other => Err(Error::UnknownName {
                what: "admin level",
                got: other.to_owned(),
            }),
        }
    }
}

impl fmt::Display for AdminLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
