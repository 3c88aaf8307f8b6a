//! KATO codes (Классификатор административно-территориальных объектов).
//!
//! A code has nine digits `AB CD EF GHI`: `AB` is the region (oblast or city of republican
//! significance), `CD` the district or city administration, `EF` and `GHI` lower levels.
//! Codes are strings: leading zeros matter (`000000000` is the country).

use std::fmt;

use crate::{AdminLevel, Error, Result};

/// A syntactically valid nine-digit KATO code.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Kato([u8; 9]);

impl Kato {
    /// Parses a code; surrounding whitespace is not accepted.
    ///
    /// # Examples
    /// ```
    /// let astana = riskmap_model::Kato::parse("710000000").unwrap();
    /// assert_eq!(astana.region_prefix(), "71");
    /// assert!(riskmap_model::Kato::parse("71000000").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<Self> {
        let bytes = text.as_bytes();
        let Ok(digits) = <[u8; 9]>::try_from(bytes) else {
            return Err(Error::KatoFormat {
                got: text.to_owned(),
            });
        };
        if !digits.iter().all(u8::is_ascii_digit) {
            return Err(Error::KatoFormat {
                got: text.to_owned(),
            });
        }
        Ok(Self(digits))
    }

    /// The code as a 9-character string slice.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("a Kato holds only ASCII digits")
    }

    /// The two-digit region prefix `AB`.
    pub fn region_prefix(&self) -> &str {
        &self.as_str()[..2]
    }

    /// The code of the region this code belongs to (`AB0000000`).
    pub fn region(&self) -> Kato {
        let mut digits = [b'0'; 9];
        digits[..2].copy_from_slice(&self.0[..2]);
        Kato(digits)
    }

    /// True when both codes lie in the same region.
    pub fn same_region(&self, other: &Kato) -> bool {
        self.0[..2] == other.0[..2]
    }

    /// The level implied by the code's structure alone: all zeros is the country, `AB0000000`
    /// a region, `ABCD00000` a district, anything deeper a settlement-level unit.
    ///
    /// The geography may still use a deeper-looking code for a district polygon (geokz does
    /// for units created after the 2022 classifier, e.g. `711510000`), so the level of a unit on
    /// the map comes from the geography, not from this function.
    pub fn structural_level(&self) -> StructuralLevel {
        let zeros_from = |start: usize| self.0[start..].iter().all(|d| *d == b'0');
        if zeros_from(0) {
            StructuralLevel::Admin(AdminLevel::Country)
        } else if zeros_from(2) {
            StructuralLevel::Admin(AdminLevel::Region)
        } else if zeros_from(4) {
            StructuralLevel::Admin(AdminLevel::District)
        } else {
            StructuralLevel::Settlement
        }
    }

    /// True for the three cities of republican significance (Astana 71, Almaty 75, Shymkent 79).
    pub fn is_city_of_republican_significance(&self) -> bool {
        matches!(self.region_prefix(), "71" | "75" | "79")
    }
}

/// The level a KATO code denotes by its digit pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StructuralLevel {
    /// Country, region or district.
    Admin(AdminLevel),
    /// Rural okrug, settlement or a city's sub-unit (positions 5–9 not all zero).
    Settlement,
}

impl fmt::Display for Kato {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Kato {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Kato({})", self.as_str())
    }
}

impl std::str::FromStr for Kato {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Self::parse(s)
    }
}

impl serde::Serialize for Kato {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Kato {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Kato::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_nine_digits_only() {
        assert!(Kato::parse("100000000").is_ok());
        for bad in [
            "",
            "10000000",
            "1000000000",
            "10000000a",
            " 10000000",
            "１00000000",
        ] {
            assert!(Kato::parse(bad).is_err(), "{bad:?} must be refused");
        }
    }

    #[test]
    fn level_follows_the_digit_pattern() {
        let level = |s: &str| Kato::parse(s).unwrap().structural_level();
        assert_eq!(
            level("000000000"),
            StructuralLevel::Admin(AdminLevel::Country)
        );
        assert_eq!(
            level("750000000"),
            StructuralLevel::Admin(AdminLevel::Region)
        );
        assert_eq!(
            level("101800000"),
            StructuralLevel::Admin(AdminLevel::District)
        );
        assert_eq!(level("711510000"), StructuralLevel::Settlement);
    }

    #[test]
    fn region_is_the_two_digit_prefix() {
        let kato = Kato::parse("196230000").unwrap();
        assert_eq!(kato.region().as_str(), "190000000");
        assert!(kato.same_region(&Kato::parse("190000000").unwrap()));
        assert!(!kato.same_region(&Kato::parse("100000000").unwrap()));
    }
}
