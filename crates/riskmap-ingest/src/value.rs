//! Typed cell values and the parsing of one cell according to its contract column.

use std::fmt;
use std::hash::Hasher;

use riskmap_model::{Kato, Period};
use serde::{Serialize, Serializer};
use time::format_description::well_known::Rfc3339;
use time::{Date, Month, OffsetDateTime};

use crate::contract::{Column, ColumnType};
use crate::identifiers::bin_check_digit_ok;
use crate::numbers::{plain_decimal, plain_int};

/// One typed cell. `Null` is an empty cell: "not reported", which differs from a reported zero.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Empty cell.
    Null,
    /// Text, an `enum` code or a school id.
    Text(Box<str>),
    /// Whole number.
    Int(i64),
    /// Decimal number.
    Decimal(f64),
    /// Boolean.
    Bool(bool),
    /// Calendar date.
    Date(Date),
    /// Date-time with its offset as submitted.
    Timestamp(OffsetDateTime),
    /// Quarter.
    Period(Period),
    /// Year, quarter or month (legal statistics).
    StatPeriod(StatPeriod),
    /// KATO code.
    Kato(Kato),
    /// BIN with a valid check digit.
    Bin(Box<str>),
    /// Several `enum` codes.
    Set(Vec<Box<str>>),
}

/// The period of a legal-statistics row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StatPeriod {
    /// Calendar year `YYYY`.
    Year(u16),
    /// Quarter `YYYY-Qn`.
    Quarter(Period),
    /// Month `YYYY-MM`.
    Month(u16, u8),
}

impl StatPeriod {
    /// Parses `YYYY`, `YYYY-Qn` or `YYYY-MM`.
    pub fn parse(text: &str) -> Option<Self> {
        let year = |s: &str| {
            s.parse::<u16>()
                .ok()
                .filter(|y| (1900..=2999).contains(y) && s.len() == 4)
        };
        match text.len() {
            4 => year(text).map(StatPeriod::Year),
            7 if text.as_bytes()[5] == b'Q' => Period::parse(text).ok().map(StatPeriod::Quarter),
            7 if text.as_bytes()[4] == b'-' => {
                let month = text[5..]
                    .parse::<u8>()
                    .ok()
                    .filter(|m| (1..=12).contains(m))?;
                Some(StatPeriod::Month(year(&text[..4])?, month))
            }
            _ => None,
        }
    }
}

impl fmt::Display for StatPeriod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StatPeriod::Year(y) => write!(f, "{y:04}"),
            StatPeriod::Quarter(p) => write!(f, "{p}"),
            StatPeriod::Month(y, m) => write!(f, "{y:04}-{m:02}"),
        }
    }
}

impl Serialize for StatPeriod {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl Value {
    /// The integer, if this is one.
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(v) => Some(*v),
            _ => None,
        }
    }

    /// The number (integer or decimal), if this is one.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Int(v) => Some(*v as f64),
            Value::Decimal(v) => Some(*v),
            _ => None,
        }
    }

    /// The text of a `Text` value.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Value::Text(t) => Some(t),
            _ => None,
        }
    }

    /// True for an empty cell.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// Feeds a canonical form of the value to a hasher (for duplicate-key detection).
    pub(crate) fn feed(&self, hasher: &mut impl Hasher) {
        match self {
            Value::Null => hasher.write_u8(0),
            Value::Text(t) | Value::Bin(t) => hasher.write(t.as_bytes()),
            Value::Int(v) => hasher.write_i64(*v),
            Value::Decimal(v) => hasher.write_u64(v.to_bits()),
            Value::Bool(v) => hasher.write_u8(u8::from(*v)),
            Value::Date(d) => hasher.write_i32(d.to_julian_day()),
            Value::Timestamp(t) => hasher.write_i128(t.unix_timestamp_nanos()),
            Value::Period(p) => hasher.write_u32(u32::from(p.year()) * 10 + u32::from(p.quarter())),
            Value::StatPeriod(p) => hasher.write(p.to_string().as_bytes()),
            Value::Kato(k) => hasher.write(k.as_str().as_bytes()),
            Value::Set(items) => items.iter().for_each(|i| hasher.write(i.as_bytes())),
        }
        hasher.write_u8(0xff);
    }
}

/// Why a cell was refused.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum CellError {
    /// Does not parse as the type (`E_TYPE`); the message may quote a short value.
    Type(String),
    /// Parses but is out of range (`E_RANGE`).
    Range(String),
    /// Not a `YYYY-Qn` period (`E_PERIOD`).
    Period(String),
    /// BIN check digit wrong (`E_BIN_CHECK`).
    BinCheck,
}

/// Parses one non-empty, trimmed cell for `column`.
pub(crate) fn parse_cell(column: &Column, text: &str) -> Result<Value, CellError> {
    let shown = || quote(text);
    let value = match column.ty {
        ColumnType::String => {
            if let Some(max) = column.max_len {
                let chars = text.chars().count();
                if chars > max {
                    return Err(CellError::Range(format!(
                        "text of {chars} characters exceeds {max}"
                    )));
                }
            }
            Value::Text(text.into())
        }
        ColumnType::Int => {
            let v = plain_int(text.as_bytes())
                .or_else(|| parse_int(text))
                .ok_or_else(|| CellError::Type(format!("{} is not a whole number", shown())))?;
            check_range(column, v as f64)?;
            Value::Int(v)
        }
        ColumnType::Decimal => {
            let v = plain_decimal(text.as_bytes())
                .or_else(|| parse_decimal(text))
                .ok_or_else(|| CellError::Type(format!("{} is not a number", shown())))?;
            check_range(column, v)?;
            Value::Decimal(v)
        }
        ColumnType::Bool => Value::Bool(parse_bool(text).ok_or_else(|| {
            CellError::Type(format!("{} is not a boolean (true/false)", shown()))
        })?),
        ColumnType::Date => Value::Date(
            parse_date(text)
                .ok_or_else(|| CellError::Type(format!("{} is not a date YYYY-MM-DD", shown())))?,
        ),
        ColumnType::Timestamp => Value::Timestamp(parse_timestamp(text).ok_or_else(|| {
            CellError::Type(format!(
                "{} is not an ISO 8601 date-time with offset",
                shown()
            ))
        })?),
        ColumnType::Enum => {
            // The code whose text is the cell's ASCII lower case, found without allocating.
            let lower = |code: &&String| {
                code.len() == text.len()
                    && code
                        .bytes()
                        .zip(text.bytes())
                        .all(|(c, t)| c == t.to_ascii_lowercase())
            };
            let Some(code) = column.values.iter().find(lower) else {
                return Err(CellError::Type(format!(
                    "{} is not one of {}",
                    shown(),
                    column.values.join("/")
                )));
            };
            Value::Text(code.as_str().into())
        }
        ColumnType::EnumSet => {
            let mut items = Vec::new();
            for item in text.split([';', ',', '|', ' ']).filter(|s| !s.is_empty()) {
                let code = item.to_ascii_lowercase();
                if !column.values.contains(&code) {
                    return Err(CellError::Type(format!(
                        "{} is not one of {}",
                        quote(item),
                        column.values.join("/")
                    )));
                }
                items.push(code.into());
            }
            Value::Set(items)
        }
        ColumnType::Period => Value::Period(
            Period::parse(text)
                .map_err(|_| CellError::Period(format!("{} is not a quarter YYYY-Qn", shown())))?,
        ),
        ColumnType::PeriodAny => Value::StatPeriod(StatPeriod::parse(text).ok_or_else(|| {
            CellError::Period(format!("{} is not YYYY, YYYY-Qn or YYYY-MM", shown()))
        })?),
        ColumnType::Kato => Value::Kato(
            Kato::parse(text)
                .map_err(|_| CellError::Type(format!("{} is not a 9-digit KATO code", shown())))?,
        ),
        ColumnType::Bin => {
            if text.len() != 12 || !text.bytes().all(|b| b.is_ascii_digit()) {
                return Err(CellError::Type(format!(
                    "{} is not a 12-digit BIN",
                    shown()
                )));
            }
            if !bin_check_digit_ok(text) {
                return Err(CellError::BinCheck);
            }
            Value::Bin(text.into())
        }
    };
    Ok(value)
}

/// Quotes a value for a message, cut to 40 characters.
fn quote(text: &str) -> String {
    format!("{:?}", crate::finding::excerpt(text))
}

fn check_range(column: &Column, v: f64) -> Result<(), CellError> {
    if let Some(min) = column.min.filter(|min| v < *min) {
        return Err(CellError::Range(format!("{v} is below the minimum {min}")));
    }
    if let Some(max) = column.max.filter(|max| v > *max) {
        return Err(CellError::Range(format!("{v} is above the maximum {max}")));
    }
    Ok(())
}

fn parse_int(text: &str) -> Option<i64> {
    if let Ok(v) = text.parse::<i64>() {
        return Some(v);
    }
    // Spreadsheets sometimes write whole numbers as `12.0` or `12,0`.
    let v = parse_decimal(text)?;
    (v.fract() == 0.0 && v.abs() < 9.0e15).then_some(v as i64)
}

/// Accepts `0.5` and the decimal comma `0,5`.
pub(crate) fn parse_decimal(text: &str) -> Option<f64> {
    let v = if text.contains(',') && !text.contains('.') {
        text.replacen(',', ".", 1).parse::<f64>().ok()?
    } else {
        text.parse::<f64>().ok()?
    };
    v.is_finite().then_some(v)
}

fn parse_bool(text: &str) -> Option<bool> {
    if text.is_ascii() {
        // The lower case of ASCII text is its ASCII lower case; no Cyrillic word can match.
        let words: [(&str, bool); 8] = [
            ("true", true),
            ("1", true),
            ("yes", true),
            ("y", true),
            ("false", false),
            ("0", false),
            ("no", false),
            ("n", false),
        ];
        return words
            .iter()
            .find(|(word, _)| word.eq_ignore_ascii_case(text))
            .map(|(_, value)| *value);
    }
    match text.to_lowercase().as_str() {
        "true" | "1" | "yes" | "y" | "да" | "иә" | "ия" => Some(true),
        "false" | "0" | "no" | "n" | "нет" | "жоқ" => Some(false),
        _ => None,
    }
}

/// `YYYY-MM-DD` or `DD.MM.YYYY`.
pub(crate) fn parse_date(text: &str) -> Option<Date> {
    let b = text.as_bytes();
    let num = |s: &str| match plain_int(s.as_bytes()) {
        Some(v) => u32::try_from(v).ok(),
        None => s.parse::<u32>().ok(),
    };
    let (y, m, d) = match b.len() {
        10 if b[4] == b'-' && b[7] == b'-' => {
            (num(&text[..4])?, num(&text[5..7])?, num(&text[8..])?)
        }
        10 if b[2] == b'.' && b[5] == b'.' => {
            (num(&text[6..])?, num(&text[3..5])?, num(&text[..2])?)
        }
        _ => return None,
    };
    let month = Month::try_from(u8::try_from(m).ok()?).ok()?;
    Date::from_calendar_date(i32::try_from(y).ok()?, month, u8::try_from(d).ok()?).ok()
}

fn parse_timestamp(text: &str) -> Option<OffsetDateTime> {
    if let Ok(t) = OffsetDateTime::parse(text, &Rfc3339) {
        return Some(t);
    }
    if text.len() > 10 && text.as_bytes()[10] == b' ' {
        let mut fixed = text.to_owned();
        fixed.replace_range(10..11, "T");
        return OffsetDateTime::parse(&fixed, &Rfc3339).ok();
    }
    None
}

/// Canonical text of a value, as writers emit it.
pub(crate) fn format_value(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::Text(t) | Value::Bin(t) => t.to_string(),
        Value::Int(v) => v.to_string(),
        Value::Decimal(v) => format_decimal(*v),
        Value::Bool(v) => v.to_string(),
        Value::Date(d) => format_date(*d),
        Value::Timestamp(t) => t
            .format(&Rfc3339)
            .expect("a parsed timestamp formats as RFC 3339"),
        Value::Period(p) => p.to_string(),
        Value::StatPeriod(p) => p.to_string(),
        Value::Kato(k) => k.to_string(),
        Value::Set(items) => items.join(";"),
    }
}

fn format_decimal(v: f64) -> String {
    let text = format!("{v:.6}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

pub(crate) fn format_date(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::{Contract, TableName};

    fn parse(column: &str, text: &str) -> Result<Value, CellError> {
        let table = Contract::v1().table(TableName::SchoolQuarter);
        parse_cell(table.column(column).unwrap(), text)
    }

    #[test]
    fn counts_are_whole_and_not_negative() {
        assert_eq!(parse("pupils_total", "350"), Ok(Value::Int(350)));
        assert_eq!(parse("pupils_total", "350.0"), Ok(Value::Int(350)));
        assert!(matches!(
            parse("pupils_total", "-1"),
            Err(CellError::Range(_))
        ));
        assert!(matches!(
            parse("pupils_total", "3.5"),
            Err(CellError::Type(_))
        ));
        assert!(matches!(
            parse("pupils_total", "много"),
            Err(CellError::Type(_))
        ));
    }

    #[test]
    fn decimals_accept_a_decimal_comma_and_cap_fte() {
        assert_eq!(parse("psych_fte_norm", "0,5"), Ok(Value::Decimal(0.5)));
        assert_eq!(parse("psych_fte_norm", "1.25"), Ok(Value::Decimal(1.25)));
        assert!(matches!(
            parse("psych_fte_norm", "21"),
            Err(CellError::Range(_))
        ));
    }

    #[test]
    fn timestamps_need_an_offset() {
        assert!(parse("submitted_at", "2024-04-05T10:00:00+05:00").is_ok());
        assert!(parse("submitted_at", "2024-04-05 10:00:00+05:00").is_ok());
        assert!(matches!(
            parse("submitted_at", "2024-04-05T10:00:00"),
            Err(CellError::Type(_))
        ));
    }

    #[test]
    fn periods_and_dates_parse_in_their_formats() {
        assert!(matches!(
            parse("period", "2024-Q5"),
            Err(CellError::Period(_))
        ));
        assert_eq!(
            format_value(&parse("period_end", "31.03.2024").unwrap()),
            "2024-03-31"
        );
        assert_eq!(
            StatPeriod::parse("2023-07"),
            Some(StatPeriod::Month(2023, 7))
        );
        assert_eq!(
            StatPeriod::parse("2023").map(|p| p.to_string()),
            Some("2023".to_owned())
        );
        assert_eq!(StatPeriod::parse("2023-13"), None);
    }

    #[test]
    fn long_notes_are_out_of_range() {
        assert!(matches!(
            parse("notes", &"a".repeat(501)),
            Err(CellError::Range(_))
        ));
    }
}
