//! `school_quarter` records in PostgreSQL's binary `COPY` format (`PGCOPY`), in the column
//! order of the row path's insert, each value in the binary form of its column's type, so the
//! server stores exactly what the bound parameter would store and parses nothing:
//! text as its UTF-8 bytes, `bigint` as 8 big-endian bytes, `double precision` as the IEEE 754
//! bits big-endian, `boolean` as one byte, `timestamptz` as microseconds since 2000-01-01 UTC
//! (truncated toward zero, as the driver encodes a bound `OffsetDateTime`), NULL as length −1.
//!
//! A chunk is one `COPY`: [`header`], one [`record_tuple`] per record, then [`trailer`].

use riskmap_model::{Measure, MeasureKind, SchoolQuarterRecord};
use time::OffsetDateTime;
use time::macros::datetime;

use super::RECORD_FIXED_COLUMNS;

/// Fields per tuple: every column of the copy (far below `i16::MAX`).
#[allow(
    clippy::cast_possible_truncation,
    reason = "checked at compile time below"
)]
const FIELDS: i16 = (RECORD_FIXED_COLUMNS + Measure::ALL.len()) as i16;
const _: () = assert!(RECORD_FIXED_COLUMNS + Measure::ALL.len() <= i16::MAX as usize);

/// PostgreSQL's timestamp epoch.
const PG_EPOCH: OffsetDateTime = datetime!(2000-01-01 0:00 UTC);

/// The signature, the flags (no OIDs) and an empty header extension.
pub(super) fn header(out: &mut Vec<u8>) {
    out.extend_from_slice(b"PGCOPY\n\xff\r\n\0");
    out.extend_from_slice(&0_i32.to_be_bytes());
    out.extend_from_slice(&0_i32.to_be_bytes());
}

/// The end of the data: a field count of −1.
pub(super) fn trailer(out: &mut Vec<u8>) {
    out.extend_from_slice(&(-1_i16).to_be_bytes());
}

/// Appends `record` as one tuple.
pub(super) fn record_tuple(
    out: &mut Vec<u8>,
    record: &SchoolQuarterRecord,
    period: &str,
    batch_id: i64,
    synthetic: bool,
) {
    out.extend_from_slice(&FIELDS.to_be_bytes());
    text(out, record.school.as_str());
    text(out, period);
    bigint(out, i64::from(record.revision));
    timestamptz(out, record.submitted_at);
    boolean(out, synthetic);
    bigint(out, batch_id);
    optional(out, record.nil_return, boolean);
    optional(out, record.antibullying_programme, boolean);
    optional(out, record.schema_version.as_deref(), text);
    optional(out, record.notes.as_deref(), text);
    for measure in Measure::ALL {
        let value = record.values.get(*measure);
        match measure.kind() {
            #[allow(
                clippy::cast_possible_truncation,
                reason = "counts are validated whole numbers"
            )]
            MeasureKind::Count => optional(out, value.map(|v| v.round() as i64), bigint),
            MeasureKind::Decimal => optional(out, value, double),
        }
    }
}

fn optional<T>(out: &mut Vec<u8>, value: Option<T>, write: fn(&mut Vec<u8>, T)) {
    match value {
        Some(value) => write(out, value),
        None => out.extend_from_slice(&(-1_i32).to_be_bytes()),
    }
}

fn field(out: &mut Vec<u8>, bytes: &[u8]) {
    let length = i32::try_from(bytes.len()).unwrap_or(i32::MAX);
    out.extend_from_slice(&length.to_be_bytes());
    out.extend_from_slice(bytes);
}

fn text(out: &mut Vec<u8>, value: &str) {
    field(out, value.as_bytes());
}

fn boolean(out: &mut Vec<u8>, value: bool) {
    field(out, &[u8::from(value)]);
}

fn bigint(out: &mut Vec<u8>, value: i64) {
    field(out, &value.to_be_bytes());
}

fn double(out: &mut Vec<u8>, value: f64) {
    field(out, &value.to_bits().to_be_bytes());
}

fn timestamptz(out: &mut Vec<u8>, value: OffsetDateTime) {
    let micros = i64::try_from((value - PG_EPOCH).whole_microseconds()).unwrap_or(i64::MAX);
    bigint(out, micros);
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    #[test]
    fn fields_carry_their_length_and_null_is_minus_one() {
        let mut out = Vec::new();
        super::text(&mut out, "Әк\t\\");
        assert_eq!(
            out,
            [&6_i32.to_be_bytes()[..], "Әк\t\\".as_bytes()].concat()
        );
        out.clear();
        super::optional::<&str>(&mut out, None, super::text);
        assert_eq!(out, (-1_i32).to_be_bytes());
        out.clear();
        super::boolean(&mut out, true);
        assert_eq!(out, [0, 0, 0, 1, 1]);
    }

    #[test]
    fn timestamps_are_microseconds_since_2000_in_utc() {
        let mut out = Vec::new();
        super::timestamptz(&mut out, datetime!(2000-01-01 05:00:00.000001999 +05:00));
        assert_eq!(
            out,
            [&8_i32.to_be_bytes()[..], &1_i64.to_be_bytes()].concat()
        );
        out.clear();
        super::timestamptz(&mut out, datetime!(1999-12-31 23:59:59 UTC));
        assert_eq!(
            out,
            [&8_i32.to_be_bytes()[..], &(-1_000_000_i64).to_be_bytes()].concat()
        );
    }

    #[test]
    fn header_and_trailer_frame_the_tuples() {
        let mut out = Vec::new();
        super::header(&mut out);
        assert_eq!(out.len(), 19);
        assert!(out.starts_with(b"PGCOPY\n\xff\r\n\0"));
        out.clear();
        super::trailer(&mut out);
        assert_eq!(out, [0xff, 0xff]);
    }
}
