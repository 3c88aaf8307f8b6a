//! One `school_quarter` record as a line of PostgreSQL's `COPY` text format, in the column
//! order of the row path's insert, with each value written so that the server stores exactly
//! what the bound parameter would store: text escaped (backslash, tab, newline, carriage
//! return), `\N` for NULL, booleans `t`/`f`, timestamps to the microsecond with their offset
//! (the driver truncates to microseconds too), counts as integers, decimals in Rust's shortest
//! round-trip form (read back to the same `double precision`).
//!
//! Text rather than the binary format: for this table of some seventy small counts the binary
//! format carries each value in 8 bytes behind a 4-byte length (the text format in 2–4), so a
//! chunk is about 3.6 times larger, and the server's time per row was measured no lower
//! (its foreign-key checks and index inserts, not parsing, take most of it).

use std::io::Write as _;

use riskmap_model::{Measure, MeasureKind, SchoolQuarterRecord};
use time::OffsetDateTime;

/// Appends `record` as one line (ending in `\n`).
pub(super) fn record_line(
    out: &mut Vec<u8>,
    record: &SchoolQuarterRecord,
    period: &str,
    batch_id: i64,
    synthetic: bool,
) {
    text(out, record.school.as_str());
    tab(out);
    text(out, period);
    tab(out);
    integer(out, i64::from(record.revision));
    tab(out);
    timestamp(out, record.submitted_at);
    tab(out);
    boolean(out, synthetic);
    tab(out);
    integer(out, batch_id);
    tab(out);
    optional(out, record.nil_return, boolean);
    tab(out);
    optional(out, record.antibullying_programme, boolean);
    tab(out);
    optional(out, record.schema_version.as_deref(), text);
    tab(out);
    optional(out, record.notes.as_deref(), text);
    for measure in Measure::ALL {
        tab(out);
        let value = record.values.get(*measure);
        match measure.kind() {
            #[allow(
                clippy::cast_possible_truncation,
                reason = "counts are validated whole numbers"
            )]
            MeasureKind::Count => optional(out, value.map(|v| v.round() as i64), integer),
            MeasureKind::Decimal => optional(out, value, decimal),
        }
    }
    out.push(b'\n');
}

fn tab(out: &mut Vec<u8>) {
    out.push(b'\t');
}

fn optional<T>(out: &mut Vec<u8>, value: Option<T>, write: fn(&mut Vec<u8>, T)) {
    match value {
        Some(value) => write(out, value),
        None => out.extend_from_slice(b"\\N"),
    }
}

fn text(out: &mut Vec<u8>, value: &str) {
    for byte in value.bytes() {
        match byte {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            other => out.push(other),
        }
    }
}

fn boolean(out: &mut Vec<u8>, value: bool) {
    out.push(if value { b't' } else { b'f' });
}

fn integer(out: &mut Vec<u8>, value: i64) {
    let _ = write!(out, "{value}");
}

fn decimal(out: &mut Vec<u8>, value: f64) {
    let _ = write!(out, "{value}");
}

/// `YYYY-MM-DD HH:MM:SS.ffffff+HH:MM[:SS]`, truncated to the microsecond.
fn timestamp(out: &mut Vec<u8>, value: OffsetDateTime) {
    let micros = value.microsecond();
    let offset = value.offset();
    let (oh, om, os) = offset.as_hms();
    let sign = if offset.is_negative() { '-' } else { '+' };
    let _ = write!(
        out,
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{micros:06}{sign}{:02}:{:02}",
        value.year(),
        u8::from(value.month()),
        value.day(),
        value.hour(),
        value.minute(),
        value.second(),
        oh.unsigned_abs(),
        om.unsigned_abs(),
    );
    if os != 0 {
        let _ = write!(out, ":{:02}", os.unsigned_abs());
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    #[test]
    fn text_is_escaped_and_null_is_marked() {
        let mut out = Vec::new();
        super::text(&mut out, "a\tb\\c\nd\re");
        assert_eq!(out, b"a\\tb\\\\c\\nd\\re");
        out.clear();
        super::optional::<&str>(&mut out, None, super::text);
        assert_eq!(out, b"\\N");
    }

    #[test]
    fn timestamps_keep_microseconds_and_offset() {
        let mut out = Vec::new();
        super::timestamp(&mut out, datetime!(2024-01-10 09:05:07.123456789 +05:00));
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "2024-01-10 09:05:07.123456+05:00"
        );
        let mut out = Vec::new();
        super::timestamp(&mut out, datetime!(1999-12-31 23:59:59 -03:30));
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "1999-12-31 23:59:59.000000-03:30"
        );
    }

    #[test]
    fn decimals_round_trip() {
        for value in [0.1, 1.0 / 3.0, 2.5e-7, 12_345.678_901_234_5, 0.0] {
            let mut out = Vec::new();
            super::decimal(&mut out, value);
            let back: f64 = String::from_utf8(out).unwrap().parse().unwrap();
            assert_eq!(back.to_bits(), value.to_bits());
        }
    }
}
