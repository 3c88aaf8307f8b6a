//! Entry points: read a CSV (streaming) or XLSX file of one contract table, check it, and hand
//! the rows to the caller's sink.

use std::io::{self, Cursor, Read};

use sha2::{Digest, Sha256};

use crate::contract::{Contract, TableName};
use crate::decode::{
    Detected, HashingReader, SNIFF_BYTES, Windows1251Reader, detect, sniff_delimiter,
    with_hashing_tee,
};
use crate::engine::Examiner;
use crate::finding::{Code, Finding, excerpt};
use crate::outcome::{Decision, Format, Mapped, Options, Outcome, RefusedRow, RowEvent, RowRef};
use crate::pipeline::{self, Hashing};
use crate::records::{Fields, LONG};
use crate::row::Row;
use crate::tally::{Delivery, Tally};
use crate::xlsx::{SheetRow, Stop, Workbook};
use crate::{Context, Error, Result};

/// Reads one file of `table`, streaming rows to `sink` as they pass their checks.
///
/// XLSX is recognised by its ZIP signature (`PK\x03\x04`) and held in memory (a ZIP is read
/// from its end) up to [`crate::Limits::max_xlsx_bytes`]; its sheet is then streamed row by
/// row, every part within the limits; anything else is read as CSV row by row, so memory stays flat however
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
        let limit = options.limits.max_xlsx_bytes;
        let mut bytes = Vec::new();
        let mut input = input;
        input
            .by_ref()
            .take(limit.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(|source| read_error(name, source))?;
        if bytes.len() as u64 > limit {
            return too_large_workbook(table, name, bytes, input, options);
        }
        return ingest_xlsx(table, name, &bytes, options, ctx, sink);
    }
    ingest_csv(table, name, input, options, ctx, sink)
}

/// Refuses a workbook larger than the limit, hashing the rest of it without keeping it.
fn too_large_workbook(
    table: TableName,
    name: &str,
    first: Vec<u8>,
    rest: impl Read,
    options: &Options,
) -> Result<Outcome> {
    let mut hasher = Sha256::new();
    hasher.update(&first);
    let mut counted = Counting {
        inner: rest,
        bytes: first.len() as u64,
    };
    drop(first);
    io::copy(
        &mut HashingReader::new(&mut counted, Some(&mut hasher)),
        &mut io::sink(),
    )
    .map_err(|source| read_error(name, source))?;
    let message = format!(
        "the workbook has {} bytes; workbooks of at most {} bytes are read (save the sheet as CSV, which is streamed)",
        counted.bytes, options.limits.max_xlsx_bytes
    );
    Ok(file_level(
        table,
        name,
        Format::Xlsx,
        Code::FileTooLarge,
        message,
        digest(options, hasher),
        counted.bytes,
    ))
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
    let refuse = |code: Code, message: String| {
        file_level(
            table,
            name,
            Format::Xlsx,
            code,
            message,
            sha256.clone(),
            size,
        )
    };
    if size > options.limits.max_xlsx_bytes {
        let message = format!(
            "the workbook has {size} bytes; workbooks of at most {} bytes are read (save the sheet as CSV, which is streamed)",
            options.limits.max_xlsx_bytes
        );
        return Ok(refuse(Code::FileTooLarge, message));
    }
    let mut workbook = match Workbook::open(Cursor::new(bytes), options.limits) {
        Ok(workbook) => workbook,
        Err(breach) => return Ok(refuse(breach.code, breach.message)),
    };
    let sheet = table.as_str();
    let names = workbook.sheet_names();
    let Some(found) = names
        .iter()
        .find(|n| n.trim().eq_ignore_ascii_case(sheet))
        .cloned()
    else {
        let listed: Vec<String> = names.iter().take(20).map(|n| excerpt(n)).collect();
        let message = format!(
            "no sheet named {sheet}; the workbook has {}",
            listed.join(", ")
        );
        return Ok(refuse(Code::SheetMissing, message));
    };
    let contract = Contract::v1().table(table);
    let mut reading: Option<(Examiner<'_>, Tally, usize)> = None;
    let mut ranges = Vec::new();
    let mut longs = Vec::new();
    let mut spare = Vec::new();
    let cap = options.max_cell_bytes;
    let read = workbook.rows(&found, cap, |row: &SheetRow| -> Result<()> {
        let Some((examiner, tally, width)) = reading.as_mut() else {
            let headers = dense(row, row.width(), &mut ranges, &mut longs)
                .iter()
                .map(str::to_owned)
                .collect();
            let (examiner, tally) =
                Examiner::new(contract, name, Some(&found), options, ctx, headers);
            reading = Some((examiner, tally, row.width()));
            return Ok(());
        };
        let fields = dense(row, row.width().max(*width), &mut ranges, &mut longs);
        let examined = examiner.examine(row.number, fields, std::mem::take(&mut spare));
        let mut cells_of = || fields.iter().map(str::to_owned).collect();
        spare = tally
            .accept(examiner, examined, None, &mut cells_of, sink)?
            .unwrap_or_default();
        Ok(())
    });
    let breach = match read {
        Ok(()) => None,
        Err(Stop::Visitor(error)) => return Err(error),
        Err(Stop::Breach(breach)) => Some(breach),
    };
    let Some((examiner, tally, _)) = reading else {
        let (code, message) = breach.map_or_else(
            || (Code::EmptyFile, format!("sheet {found} is empty")),
            |b| (b.code, b.message),
        );
        let mut outcome = refuse(code, message);
        outcome.sheet = Some(found);
        return Ok(outcome);
    };
    let mut outcome = tally.finish(&examiner, Format::Xlsx, sha256.clone(), size);
    if let Some(breach) = breach {
        refuse_whole(&mut outcome, breach.code, Some(&found), breach.message);
    }
    Ok(outcome)
}

/// The cells of `row` as `width` fields (missing cells empty), lent from `ranges`.
fn dense<'r>(
    row: &'r SheetRow,
    width: usize,
    ranges: &'r mut Vec<(usize, usize)>,
    longs: &'r mut Vec<usize>,
) -> Fields<'r> {
    ranges.clear();
    longs.clear();
    let mut cells = row.cells.iter().peekable();
    for column in 0..width {
        let range = match cells.next_if(|c| c.0 == column) {
            Some(&(_, start, end)) => (start, end),
            None => (0, 0),
        };
        if range.1 - range.0 >= LONG {
            longs.push(ranges.len());
        }
        ranges.push(range);
    }
    Fields::new(&row.text, ranges, longs)
}

/// Refuses a file whose reading stopped at a limit after its header: the finding is added and
/// nothing of the file may be kept.
pub(crate) fn refuse_whole(
    outcome: &mut Outcome,
    code: Code,
    sheet: Option<&str>,
    message: String,
) {
    outcome.findings.push(Finding {
        code,
        severity: code.severity(),
        file: outcome.file.clone(),
        sheet: sheet.map(str::to_owned),
        row: None,
        column: None,
        message,
    });
    *outcome.counts.entry(code).or_insert(0) += 1;
    outcome.decision = Decision::Refused;
}
