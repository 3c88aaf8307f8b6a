//! Entry points: read a CSV (streaming) or XLSX file of one contract table, check it, and hand
//! the rows to the caller's sink.

use std::io::{self, Cursor, Read};

use calamine::{Data, Reader, Xlsx};
use sha2::{Digest, Sha256};

use crate::contract::{Contract, TableName};
use crate::decode::{
    Detected, HashingReader, SNIFF_BYTES, Windows1251Reader, detect, sniff_delimiter,
    with_hashing_tee,
};
use crate::engine::Examiner;
use crate::finding::{Code, Finding};
use crate::outcome::{Decision, Format, Mapped, Options, Outcome, RefusedRow, RowEvent, RowRef};
use crate::pipeline::{self, Hashing};
use crate::records::{Fields, LONG};
use crate::row::Row;
use crate::tally::Delivery;
use crate::{Context, Error, Result};

/// Reads one file of `table`, streaming rows to `sink` as they pass their checks.
///
/// XLSX is recognised by its ZIP signature (`PK\x03\x04`) and read whole (a workbook cannot be
/// parsed as a stream); anything else is read as CSV row by row, so memory stays flat however
/// long the file is. `name` is used only in messages. Rows given to the sink are provisional
/// until the returned [`Outcome`] says the file is not refused (see [`RowEvent`]).
pub fn ingest(
    table: TableName,
    name: &str,
    input: impl Read,
    options: &Options,
    ctx: &dyn Context,
    mut sink: impl FnMut(RowEvent) -> Result<()>,
) -> Result<Outcome> {
    read_file(
        table,
        name,
        input,
        options,
        ctx,
        &mut Delivery::<()>::Owned(&mut sink),
    )
}

/// Like [`ingest`], but the sink borrows each row for the duration of the call instead of
/// owning it, so the rows' buffers are reused and no memory is allocated per valid row. Use it
/// when the sink only reads the rows (aggregates or converts them).
pub fn ingest_borrowed(
    table: TableName,
    name: &str,
    input: impl Read,
    options: &Options,
    ctx: &dyn Context,
    mut sink: impl FnMut(RowRef<'_>) -> Result<()>,
) -> Result<Outcome> {
    read_file(
        table,
        name,
        input,
        options,
        ctx,
        &mut Delivery::<()>::Borrowed(&mut sink),
    )
}

/// Like [`ingest_borrowed`], but each valid row is first given to `map`, on the thread that
/// checked it (CSV files are checked on several threads), and only the map's result reaches
/// `sink`, in file order with the row's number. The row's values never leave the checking
/// thread, so this is the fastest way to a sink that needs a few values or a conversion of
/// each row. `map` may see a row that is refused afterwards (a repeated key, or a file
/// refused whole); its result is then dropped. The row it sees has `row` 0 (the file row is
/// known only in file order: the sink gets it).
pub fn ingest_mapped<T: Send>(
    table: TableName,
    name: &str,
    input: impl Read,
    options: &Options,
    ctx: &dyn Context,
    map: &(dyn Fn(&Row) -> T + Sync),
    mut sink: impl FnMut(Mapped<'_, T>) -> Result<()>,
) -> Result<Outcome> {
    read_file(
        table,
        name,
        input,
        options,
        ctx,
        &mut Delivery::Mapped {
            map,
            sink: &mut sink,
        },
    )
}

fn read_file<T: Send>(
    table: TableName,
    name: &str,
    mut input: impl Read,
    options: &Options,
    ctx: &dyn Context,
    sink: &mut Delivery<'_, T>,
) -> Result<Outcome> {
    let mut head = [0u8; 4];
    let mut filled = 0;
    while filled < 4 {
        let n = input
            .read(&mut head[filled..])
            .map_err(|source| read_error(name, source))?;
        if n == 0 {
            break;
        }
        filled += n;
    }
    let input = Cursor::new(head[..filled].to_vec()).chain(input);
    if head[..filled] == *b"PK\x03\x04" {
        let mut bytes = Vec::new();
        let mut input = input;
        input
            .read_to_end(&mut bytes)
            .map_err(|source| read_error(name, source))?;
        return ingest_xlsx(table, name, &bytes, options, ctx, sink);
    }
    ingest_csv(table, name, input, options, ctx, sink)
}

/// The rows and the report of a file read whole (convenient for small files and tests).
#[derive(Debug, Clone, PartialEq)]
pub struct Collected {
    /// The report.
    pub outcome: Outcome,
    /// Valid rows (empty when the file is refused).
    pub rows: Vec<Row>,
    /// Refused rows for quarantine (`AcceptPartial` only).
    pub refused: Vec<RefusedRow>,
}

/// Reads a whole file of `table` into memory; rows are dropped when the file is refused.
pub fn read_table(
    table: TableName,
    name: &str,
    input: impl Read,
    options: &Options,
    ctx: &dyn Context,
) -> Result<Collected> {
    let mut rows = Vec::new();
    let mut refused = Vec::new();
    let outcome = ingest(table, name, input, options, ctx, |event| {
        match event {
            RowEvent::Valid(row) => rows.push(row),
            RowEvent::Refused(row) => refused.push(row),
        }
        Ok(())
    })?;
    if outcome.decision == Decision::Refused {
        rows.clear();
    }
    Ok(Collected {
        outcome,
        rows,
        refused,
    })
}

/// Reads a whole `school_quarter` file (see [`read_table`]; use [`ingest`] for large files).
pub fn read_school_quarter(
    name: &str,
    input: impl Read,
    options: &Options,
    ctx: &dyn Context,
) -> Result<Collected> {
    read_table(TableName::SchoolQuarter, name, input, options, ctx)
}

fn read_error(file: &str, source: io::Error) -> Error {
    Error::Read {
        file: file.to_owned(),
        source,
    }
}

pub(crate) fn file_level(
    table: TableName,
    name: &str,
    format: Format,
    code: Code,
    message: String,
    sha256: String,
    bytes: u64,
) -> Outcome {
    let finding = Finding {
        code,
        severity: code.severity(),
        file: name.to_owned(),
        sheet: None,
        row: None,
        column: None,
        message,
    };
    Outcome {
        file: name.to_owned(),
        table,
        format,
        sheet: None,
        encoding: None,
        delimiter: None,
        sha256,
        bytes,
        rows_read: 0,
        rows_valid: 0,
        rows_refused: 0,
        counts: [(code, 1)].into_iter().collect(),
        findings: vec![finding],
        decision: Decision::Refused,
    }
}

/// The file's SHA-256: the caller's, when it gave one, else the digest of the bytes read.
fn digest(options: &Options, hasher: Sha256) -> String {
    match &options.content_sha256 {
        Some(known) => known.clone(),
        None => hex(hasher),
    }
}

fn hex(hasher: Sha256) -> String {
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The SHA-256 of everything `input` yields, lower-case hex, read 1 MiB at a time: the hash
/// [`Outcome::sha256`] reports, for a caller that takes it before the ingest and hands it over
/// in [`Options::content_sha256`].
pub fn content_sha256(mut input: impl Read) -> io::Result<String> {
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 20];
    loop {
        let n = match input.read(&mut buffer) {
            Ok(0) => return Ok(hex(hasher)),
            Ok(n) => n,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(error),
        };
        hasher.update(&buffer[..n]);
    }
}

struct Counting<R> {
    inner: R,
    bytes: u64,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }
}

fn ingest_csv<T: Send>(
    table: TableName,
    name: &str,
    input: impl Read,
    options: &Options,
    ctx: &dyn Context,
    sink: &mut Delivery<'_, T>,
) -> Result<Outcome> {
    // The bytes are hashed as they are read, unless the caller knows their hash already.
    let hash = options.content_sha256.is_none();
    let mut hasher = Sha256::new();
    let mut counted = Counting {
        inner: input,
        bytes: 0,
    };
    let mut reader = HashingReader::new(&mut counted, hash.then_some(&mut hasher));
    let (prefix, at_eof) = reader
        .read_prefix(SNIFF_BYTES)
        .map_err(|source| read_error(name, source))?;
    let detected = detect(&prefix, at_eof, options.encoding);
    let blank = prefix
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(&prefix)
        .iter()
        .all(u8::is_ascii_whitespace);
    let refusal = match detected {
        _ if blank => Some((Code::EmptyFile, "the file is empty".to_owned())),
        Err(reason) => Some((Code::Encoding, reason.to_owned())),
        Ok(_) => None,
    };
    if let Some((code, message)) = refusal {
        io::copy(&mut reader, &mut io::sink()).map_err(|source| read_error(name, source))?;
        return Ok(file_level(
            table,
            name,
            Format::Csv,
            code,
            message,
            digest(options, hasher),
            counted.bytes,
        ));
    }
    let detected = detected.expect("refusals returned above");
    let body = if detected == Detected::Utf8Bom {
        &prefix[3..]
    } else {
        &prefix[..]
    };
    let delimiter = sniff_delimiter(body);
    // The rest of the file is hashed on a helper thread while this one reads it: UTF-8 text
    // is the file's bytes, hashed as read; Windows-1251 is hashed before it is decoded.
    let mut outcome = match detected {
        Detected::Utf8 | Detected::Utf8Bom => {
            let text = Cursor::new(body).chain(&mut counted);
            let hashing = hash.then_some(Hashing {
                hasher: &mut hasher,
                skip: body.len(),
            });
            pipeline::run(table, name, text, delimiter, options, ctx, sink, hashing)?
        }
        Detected::Windows1251 if hash => with_hashing_tee(&mut hasher, &mut counted, |raw| {
            let text = Windows1251Reader::new(Cursor::new(body).chain(&mut *raw));
            pipeline::run(table, name, text, delimiter, options, ctx, sink, None)
        })?,
        Detected::Windows1251 => {
            let text = Windows1251Reader::new(Cursor::new(body).chain(&mut counted));
            pipeline::run(table, name, text, delimiter, options, ctx, sink, None)?
        }
    };
    // Whatever the reading left (nothing, as it reads to the end) still counts in the hash.
    io::copy(
        &mut HashingReader::new(&mut counted, hash.then_some(&mut hasher)),
        &mut io::sink(),
    )
    .map_err(|source| read_error(name, source))?;
    outcome.sha256 = digest(options, hasher);
    outcome.bytes = counted.bytes;
    outcome.encoding = Some(detected);
    outcome.delimiter = Some(char::from(delimiter));
    Ok(outcome)
}

fn ingest_xlsx<T>(
    table: TableName,
    name: &str,
    bytes: &[u8],
    options: &Options,
    ctx: &dyn Context,
    sink: &mut Delivery<'_, T>,
) -> Result<Outcome> {
    let mut hasher = Sha256::new();
    if options.content_sha256.is_none() {
        hasher.update(bytes);
    }
    let sha256 = digest(options, hasher);
    let size = bytes.len() as u64;
    let sheet = table.as_str();
    let mut workbook = match Xlsx::new(Cursor::new(bytes)) {
        Ok(workbook) => workbook,
        Err(e) => {
            let message = format!("the workbook cannot be opened (truncated or corrupt?): {e}");
            return Ok(file_level(
                table,
                name,
                Format::Xlsx,
                Code::XlsxCorrupt,
                message,
                sha256,
                size,
            ));
        }
    };
    let names = workbook.sheet_names();
    let Some(found) = names
        .iter()
        .find(|n| n.trim().eq_ignore_ascii_case(sheet))
        .cloned()
    else {
        let message = format!(
            "no sheet named {sheet}; the workbook has {}",
            names.join(", ")
        );
        return Ok(file_level(
            table,
            name,
            Format::Xlsx,
            Code::SheetMissing,
            message,
            sha256,
            size,
        ));
    };
    let range = match workbook.worksheet_range(&found) {
        Ok(range) => range,
        Err(e) => {
            let message = format!("sheet {found} cannot be read (truncated or corrupt?): {e}");
            return Ok(file_level(
                table,
                name,
                Format::Xlsx,
                Code::XlsxCorrupt,
                message,
                sha256,
                size,
            ));
        }
    };
    let first_row = range.start().map_or(0, |(r, _)| u64::from(r));
    let mut rows = range.rows();
    let Some(header) = rows.next() else {
        let mut outcome = file_level(
            table,
            name,
            Format::Xlsx,
            Code::EmptyFile,
            format!("sheet {found} is empty"),
            sha256,
            size,
        );
        outcome.sheet = Some(found);
        return Ok(outcome);
    };
    let headers: Vec<String> = header.iter().map(cell_text).collect();
    let contract = Contract::v1().table(table);
    let (examiner, mut tally) = Examiner::new(contract, name, Some(&found), options, ctx, headers);
    let mut text = String::new();
    let mut ranges = Vec::new();
    let mut longs = Vec::new();
    let mut spare = Vec::new();
    for (idx, cells) in rows.enumerate() {
        text.clear();
        ranges.clear();
        longs.clear();
        for cell in cells {
            let start = text.len();
            text.push_str(&cell_text(cell));
            if text.len() - start >= LONG {
                longs.push(ranges.len());
            }
            ranges.push((start, text.len()));
        }
        let fields = Fields::new(&text, &ranges, &longs);
        let examined = examiner.examine(first_row + idx as u64 + 2, fields, spare);
        let mut cells_of = || fields.iter().map(str::to_owned).collect();
        spare = tally
            .accept(&examiner, examined, None, &mut cells_of, sink)?
            .unwrap_or_default();
    }
    Ok(tally.finish(&examiner, Format::Xlsx, sha256, size))
}

/// The text of a workbook cell as a CSV would hold it.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(v) => v.to_string(),
        Data::Float(v) => float_text(*v),
        Data::Bool(v) => v.to_string(),
        Data::DateTime(dt) => excel_date_text(dt.as_f64()),
        Data::Error(e) => format!("#{e:?}"),
    }
}

fn float_text(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        let whole = v as i64;
        // Excel drops the leading zero of an IIN born in the 2000s typed as a number; put it
        // back so the privacy guard still sees 12 digits.
        if (10_000_000_000..100_000_000_000).contains(&whole) {
            return format!("0{whole}");
        }
        return whole.to_string();
    }
    // Nine decimals are more than any contract decimal needs (FTE, coordinates, percentages),
    // and a computed coordinate's binary tail (76.92345678901234) must not look like an IIN.
    let text = format!("{v:.9}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

fn excel_date_text(serial: f64) -> String {
    let epoch =
        time::Date::from_calendar_date(1899, time::Month::December, 30).expect("valid date");
    let days = serial.floor() as i64;
    let Some(date) = epoch.checked_add(time::Duration::days(days)) else {
        return serial.to_string();
    };
    let date_text = crate::value::format_date(date);
    let seconds = ((serial - serial.floor()) * 86_400.0).round() as i64;
    if seconds == 0 {
        return date_text;
    }
    format!(
        "{date_text}T{:02}:{:02}:{:02}",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60
    )
}
