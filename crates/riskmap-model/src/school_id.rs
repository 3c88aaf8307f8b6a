//! NOBD organisation ids (`nobd_org_id`), the primary key of a school.

use std::fmt;

use crate::{Error, Result};

/// A school's NOBD organisation id: 1–32 characters of `[A-Za-z0-9_.-]`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SchoolId(String);

impl SchoolId {
    /// Longest accepted id (contract v1, `string(≤32)`).
    pub const MAX_LEN: usize = 32;

    /// Parses an id.
    ///
    /// # Examples
    /// ```
    /// assert!(riskmap_model::SchoolId::parse("ORG-0001").is_ok());
    /// assert!(riskmap_model::SchoolId::parse("").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<Self> {
        let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-');
        if text.is_empty() || text.len() > Self::MAX_LEN || !text.chars().all(allowed) {
            return Err(Error::SchoolIdFormat {
                got: text.to_owned(),
            });
        }
        Ok(Self(text.to_owned()))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SchoolId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for SchoolId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SchoolId({})", self.0)
    }
}
