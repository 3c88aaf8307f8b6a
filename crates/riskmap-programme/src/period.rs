//! The period a programme covers: a calendar year (`2025`) or a half-year (`2025-H1`).

use std::fmt;

use riskmap_model::Period;
use time::Date;

use crate::{Error, Result};

/// A half of a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Half {
    /// January to June.
    H1,
    /// July to December.
    H2,
}

/// A programme's period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ProgrammePeriod {
    /// A calendar year.
    Year(u16),
    /// A half-year.
    Half(u16, Half),
}

impl ProgrammePeriod {
    /// Parses `YYYY` or `YYYY-H1`/`YYYY-H2` (years 2000..=2999).
    ///
    /// # Examples
    /// ```
    /// use riskmap_programme::ProgrammePeriod;
    /// assert_eq!(ProgrammePeriod::parse("2025-H1").unwrap().to_string(), "2025-H1");
    /// assert!(ProgrammePeriod::parse("2025-H3").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<Self> {
        let bad = || Error::invalid("period", format!("expected 2025 or 2025-H1, got {text:?}"));
        let (year, half) = match text.split_once('-') {
            None => (text, None),
            Some((year, "H1")) => (year, Some(Half::H1)),
            Some((year, "H2")) => (year, Some(Half::H2)),
            Some(_) => return Err(bad()),
        };
        if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let year: u16 = year.parse().map_err(|_| bad())?;
        if !(2000..=2999).contains(&year) {
            return Err(bad());
        }
        Ok(half.map_or(ProgrammePeriod::Year(year), |h| {
            ProgrammePeriod::Half(year, h)
        }))
    }

    /// The quarters the period covers, in order.
    pub fn quarters(self) -> Vec<Period> {
        let (year, range) = match self {
            ProgrammePeriod::Year(y) => (y, 1..=4),
            ProgrammePeriod::Half(y, Half::H1) => (y, 1..=2),
            ProgrammePeriod::Half(y, Half::H2) => (y, 3..=4),
        };
        range.filter_map(|q| Period::new(year, q).ok()).collect()
    }

    /// The first day of the period.
    pub fn start(self) -> Date {
        self.quarters()
            .first()
            .map_or(Date::MIN, |q| q.start_date())
    }

    /// The last day of the period.
    pub fn end(self) -> Date {
        self.quarters().last().map_or(Date::MAX, |q| q.end_date())
    }

    /// True when the periods share a day (a half-year overlaps its year).
    pub fn overlaps(self, other: ProgrammePeriod) -> bool {
        self.start() <= other.end() && other.start() <= self.end()
    }
}

impl fmt::Display for ProgrammePeriod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProgrammePeriod::Year(y) => write!(f, "{y}"),
            ProgrammePeriod::Half(y, Half::H1) => write!(f, "{y}-H1"),
            ProgrammePeriod::Half(y, Half::H2) => write!(f, "{y}-H2"),
        }
    }
}
