//! Quarterly reporting periods `YYYY-Qn`.
//!
//! Resolution 748 (clauses 2–3) makes every body report quarterly, no later than the 10th day
//! of the month after the quarter; the NOBD contract (domain §6.1) uses the same rhythm.

use std::fmt;

use time::macros::offset;
use time::{Date, Month, OffsetDateTime};

use crate::{Error, Result};

/// The calendar date in Kazakhstan (the contract's Asia/Almaty time) of the instant `at`,
/// whatever offset `at` carries: UTC+6 until 1 March 2024 00:00 local time, UTC+5 since, when
/// the country moved to one time zone (earlier rules are not modelled: NOBD data start later).
///
/// # Examples
///
/// ```
/// use riskmap_model::period::kazakhstan_date;
/// use time::macros::{date, datetime};
///
/// // 02:00 in Almaty on 11 April is still 10 April in UTC: the local date counts.
/// assert_eq!(kazakhstan_date(datetime!(2024-04-10 21:00 UTC)), date!(2024-04-11));
/// assert_eq!(kazakhstan_date(datetime!(2024-04-11 02:00 +05:00)), date!(2024-04-11));
/// // Before March 2024 Almaty was six hours ahead.
/// assert_eq!(kazakhstan_date(datetime!(2023-10-09 18:30 UTC)), date!(2023-10-10));
/// ```
pub fn kazakhstan_date(at: OffsetDateTime) -> Date {
    // 2024-03-01 00:00 at UTC+6 = 2024-02-29 18:00 UTC.
    const SINGLE_ZONE_FROM_UNIX: i64 = 1_709_229_600;
    let offset = if at.unix_timestamp() < SINGLE_ZONE_FROM_UNIX {
        offset!(+6)
    } else {
        offset!(+5)
    };
    at.to_offset(offset).date()
}

/// A calendar quarter, ordered in time.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Period {
    year: u16,
    quarter: u8,
}

impl Period {
    /// Builds a period from a year (1900..=2999) and a quarter (1..=4).
    pub fn new(year: u16, quarter: u8) -> Result<Self> {
        if !(1900..=2999).contains(&year) || !(1..=4).contains(&quarter) {
            return Err(Error::PeriodFormat {
                got: format!("{year}-Q{quarter}"),
            });
        }
        Ok(Self { year, quarter })
    }

    /// Parses `YYYY-Qn`.
    ///
    /// # Examples
    /// ```
    /// let p = riskmap_model::Period::parse("2024-Q1").unwrap();
    /// assert_eq!(p.due_date().to_string(), "2024-04-10");
    /// assert!(riskmap_model::Period::parse("2024-Q5").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<Self> {
        let bad = || Error::PeriodFormat {
            got: text.to_owned(),
        };
        let bytes = text.as_bytes();
        if bytes.len() != 7 || bytes[4] != b'-' || bytes[5] != b'Q' {
            return Err(bad());
        }
        if !bytes[..4].iter().all(u8::is_ascii_digit) || !bytes[6].is_ascii_digit() {
            return Err(bad());
        }
        let year: u16 = text[..4].parse().map_err(|_| bad())?;
        let quarter = bytes[6] - b'0';
        Self::new(year, quarter).map_err(|_| bad())
    }

    /// The calendar year.
    pub fn year(self) -> u16 {
        self.year
    }

    /// The quarter, 1 to 4.
    pub fn quarter(self) -> u8 {
        self.quarter
    }

    /// The first day of the quarter.
    pub fn start_date(self) -> Date {
        let month =
            Month::try_from(3 * self.quarter - 2).expect("quarter 1..=4 gives month 1..=10");
        Date::from_calendar_date(i32::from(self.year), month, 1).expect("first of a month exists")
    }

    /// The last day of the quarter (the day stock measures are taken).
    pub fn end_date(self) -> Date {
        self.next()
            .start_date()
            .previous_day()
            .expect("a quarter start after 1900 has a previous day")
    }

    /// The due date: the 10th of the month after the quarter ends.
    pub fn due_date(self) -> Date {
        let next = self.next();
        next.start_date()
            .replace_day(10)
            .expect("the 10th exists in every month")
    }

    /// Whether a record submitted at `submitted_at` arrived by the due date: its date in
    /// Kazakhstan ([`kazakhstan_date`]) is on or before [`Period::due_date`]. The same
    /// instant gives the same answer whatever offset it carries (a file's `+05:00`, a
    /// database's UTC).
    pub fn is_on_time(self, submitted_at: OffsetDateTime) -> bool {
        kazakhstan_date(submitted_at) <= self.due_date()
    }

    /// The following quarter.
    pub fn next(self) -> Period {
        if self.quarter == 4 {
            Period {
                year: self.year + 1,
                quarter: 1,
            }
        } else {
            Period {
                year: self.year,
                quarter: self.quarter + 1,
            }
        }
    }

    /// The preceding quarter.
    pub fn previous(self) -> Period {
        if self.quarter == 1 {
            Period {
                year: self.year - 1,
                quarter: 4,
            }
        } else {
            Period {
                year: self.year,
                quarter: self.quarter - 1,
            }
        }
    }

    /// `count` consecutive quarters ending with (and including) `self`, oldest first.
    pub fn trailing(self, count: usize) -> Vec<Period> {
        let mut periods = Vec::with_capacity(count);
        let mut current = self;
        for _ in 0..count {
            periods.push(current);
            current = current.previous();
        }
        periods.reverse();
        periods
    }

    /// All quarters from `first` to `last`, inclusive, in order (empty when `last < first`).
    pub fn range_inclusive(first: Period, last: Period) -> Vec<Period> {
        let mut periods = Vec::new();
        let mut current = first;
        while current <= last {
            periods.push(current);
            current = current.next();
        }
        periods
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-Q{}", self.year, self.quarter)
    }
}

impl fmt::Debug for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Period({self})")
    }
}

impl std::str::FromStr for Period {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Self::parse(s)
    }
}

impl serde::Serialize for Period {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Period {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Period::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> Period {
        Period::parse(text).unwrap()
    }

    #[test]
    fn on_time_is_judged_on_the_date_in_kazakhstan_whatever_the_offset() {
        use time::macros::datetime;
        let q1 = p("2024-Q1"); // due 2024-04-10
        for (at, on_time) in [
            (datetime!(2024-04-10 23:59:59 +05:00), true),
            (datetime!(2024-04-10 18:59:59 UTC), true),
            (datetime!(2024-04-11 00:00 +05:00), false),
            (datetime!(2024-04-10 19:00 UTC), false),
            (datetime!(2024-04-11 00:30 +06:00), true), // 23:30 at +05:00
        ] {
            assert_eq!(q1.is_on_time(at), on_time, "{at}");
        }
        let q3 = p("2023-Q3"); // due 2023-10-10, when Almaty was UTC+6
        assert!(q3.is_on_time(datetime!(2023-10-10 17:59 UTC)));
        assert!(!q3.is_on_time(datetime!(2023-10-10 18:00 UTC)));
        // The change: 2024-03-01 00:00 at UTC+6 is the first instant at UTC+5.
        assert_eq!(
            kazakhstan_date(datetime!(2024-02-29 17:59 UTC)),
            time::macros::date!(2024 - 02 - 29)
        );
        assert_eq!(
            kazakhstan_date(datetime!(2024-02-29 18:00 UTC)),
            time::macros::date!(2024 - 02 - 29)
        );
        assert_eq!(
            kazakhstan_date(datetime!(2024-02-29 19:00 UTC)),
            time::macros::date!(2024 - 03 - 01)
        );
    }

    #[test]
    fn due_date_is_tenth_of_following_month() {
        assert_eq!(p("2023-Q1").due_date().to_string(), "2023-04-10");
        assert_eq!(p("2023-Q3").due_date().to_string(), "2023-10-10");
        assert_eq!(p("2023-Q4").due_date().to_string(), "2024-01-10");
    }

    #[test]
    fn quarter_bounds() {
        assert_eq!(p("2024-Q1").start_date().to_string(), "2024-01-01");
        assert_eq!(p("2024-Q1").end_date().to_string(), "2024-03-31");
        assert_eq!(p("2024-Q4").end_date().to_string(), "2024-12-31");
    }

    #[test]
    fn refuses_malformed_periods() {
        for bad in [
            "2024Q1", "2024-Q0", "2024-Q5", "24-Q1", "2024-q1", "2024-Q1 ", "abcd-Q1", "",
        ] {
            assert!(Period::parse(bad).is_err(), "{bad:?} must be refused");
        }
    }

    #[test]
    fn trailing_and_range_agree() {
        let last = p("2024-Q2");
        let four = last.trailing(4);
        assert_eq!(four, Period::range_inclusive(p("2023-Q3"), last));
        assert_eq!(four.len(), 4);
        assert_eq!(p("2024-Q1").previous(), p("2023-Q4"));
    }
}
