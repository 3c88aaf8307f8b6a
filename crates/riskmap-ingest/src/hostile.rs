//! Hostile files made from a valid `school_quarter` CSV: workbooks and CSV files that are small
//! on disk and try to make a reader allocate, loop or echo a lot (a far cell reference,
//! whitespace inside `sheetData`, a shared-string bomb, sparse rows, a 50 MB header line).
//! They are the regression corpus of the readers' limits, for the ingest, CLI and upload tests
//! and the fuzzing seeds; each says what the ingest must decide.

use std::io::{Cursor, Write};

use zip::ZipWriter;
use zip::write::SimpleFileOptions;

use crate::finding::Code;
use crate::{Error, Result};

/// What the ingest must make of a hostile file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// Read in bounded memory and accepted (the hostile part holds nothing).
    Accepted,
    /// Refused whole with this code.
    Refused(Code),
}

/// One hostile file.
#[derive(Debug, Clone)]
pub struct Hostile {
    /// File name, `school_quarter_<class>.<ext>`, so that the table is told from the name.
    pub file_name: String,
    /// The bytes.
    pub bytes: Vec<u8>,
    /// What the ingest must decide.
    pub expect: Expect,
}

/// Every hostile file made from `valid`, a valid `school_quarter` CSV with at least three
/// data rows.
pub fn hostile_files(valid: &[u8]) -> Result<Vec<Hostile>> {
    let (header, rows) = parse(valid)?;
    if rows.len() < 3 {
        return Err(Error::Fixture {
            message: "hostile files need a valid file with at least three rows".to_owned(),
        });
    }
    let numbered = |from: u64| -> Vec<(u64, &Vec<String>)> {
        rows.iter()
            .enumerate()
            .map(|(i, r)| (from + i as u64, r))
            .collect()
    };
    let plain = sheet_rows(&header, &numbered(2));
    let mut files = Vec::new();
    let mut add = |class: &str, ext: &str, bytes: Vec<u8>, expect: Expect| {
        files.push(Hostile {
            file_name: format!("school_quarter_{class}.{ext}"),
            bytes,
            expect,
        });
    };
    let far = "<row r=\"1048576\"><c r=\"XFD1048576\" t=\"inlineStr\"><is><t>x</t></is></c></row>";
    add(
        "far_cell",
        "xlsx",
        workbook(&sheet(&plain, far, "A1:XFD1048576"), None)?,
        Expect::Refused(Code::TooManyColumns),
    );
    let far_empty = "<row r=\"1048576\"><c r=\"XFD1048576\" s=\"0\"/></row>";
    add(
        "far_empty_cell",
        "xlsx",
        workbook(&sheet(&plain, far_empty, "A1:XFD1048576"), None)?,
        Expect::Accepted,
    );
    let blanks = " ".repeat(2 << 20);
    add(
        "whitespace",
        "xlsx",
        workbook(&sheet(&blanks, &plain, "A1:A1"), None)?,
        Expect::Accepted,
    );
    add(
        "shared_string_bomb",
        "xlsx",
        shared_string_bomb(&header, &plain)?,
        Expect::Refused(Code::XlsxPartTooLarge),
    );
    add(
        "shared_strings_many",
        "xlsx",
        many_shared_strings(&plain)?,
        Expect::Refused(Code::XlsxSharedStrings),
    );
    let sparse: Vec<(u64, &Vec<String>)> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| (2 + i as u64 * 199_998 / (rows.len() as u64 - 1).max(1), r))
        .collect();
    add(
        "sparse_rows",
        "xlsx",
        workbook(
            &sheet(&sheet_rows(&header, &sparse), "", "A1:A200000"),
            None,
        )?,
        Expect::Accepted,
    );
    add(
        "row_beyond_limit",
        "xlsx",
        workbook(
            &sheet(&plain, "<row r=\"2000000\"><c><v>1</v></c></row>", "A1"),
            None,
        )?,
        Expect::Refused(Code::TooManyRows),
    );
    let mut long_header = "a".repeat(50 << 20).into_bytes();
    long_header.extend_from_slice(&valid[valid.iter().position(|b| *b == b'\n').unwrap_or(0)..]);
    add(
        "long_header",
        "csv",
        long_header,
        Expect::Refused(Code::RecordTooLong),
    );
    let mut wide = (0..300)
        .map(|i| format!("extra_{i}"))
        .collect::<Vec<_>>()
        .join(",");
    wide.push('\n');
    add(
        "wide_header",
        "csv",
        wide.into_bytes(),
        Expect::Refused(Code::TooManyColumns),
    );
    Ok(files)
}

/// The header and rows of a CSV.
fn parse(valid: &[u8]) -> Result<(Vec<String>, Vec<Vec<String>>)> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(valid);
    let mut records = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| Error::Fixture {
            message: format!("the valid file does not parse: {e}"),
        })?;
        records.push(record.iter().map(str::to_owned).collect::<Vec<String>>());
    }
    if records.is_empty() {
        return Err(Error::Fixture {
            message: "the valid file is empty".to_owned(),
        });
    }
    let header = records.remove(0);
    Ok((header, records))
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// `<row>` elements: the header in row 1, then each row at its number, inline strings.
fn sheet_rows(header: &[String], rows: &[(u64, &Vec<String>)]) -> String {
    let mut xml = String::new();
    let mut row = |number: u64, cells: &[String]| {
        xml.push_str(&format!("<row r=\"{number}\">"));
        for (col, text) in cells.iter().enumerate() {
            if text.is_empty() {
                continue;
            }
            xml.push_str(&format!(
                "<c r=\"{}{number}\" t=\"inlineStr\"><is><t>{}</t></is></c>",
                crate::xlsx::column_name(col),
                escape(text)
            ));
        }
        xml.push_str("</row>");
    };
    row(1, header);
    for (number, cells) in rows {
        row(*number, cells);
    }
    xml
}

fn sheet(before: &str, after: &str, dimension: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
         <worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">\
         <dimension ref=\"{dimension}\"/><sheetData>{before}{after}</sheetData></worksheet>"
    )
}

const CONTENT_TYPES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
<Default Extension=\"xml\" ContentType=\"application/xml\"/>\
<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>\
<Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>\
</Types>";

const ROOT_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/>\
</Relationships>";

const WORKBOOK: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" \
xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">\
<sheets><sheet name=\"school_quarter\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";

const WORKBOOK_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>\
<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" Target=\"sharedStrings.xml\"/>\
</Relationships>";

fn zip_error(error: impl std::fmt::Display) -> Error {
    Error::Fixture {
        message: format!("cannot build the workbook: {error}"),
    }
}

/// Writes one part of a workbook.
type WritePart<'a> = dyn Fn(&mut dyn Write) -> std::io::Result<()> + 'a;

/// A one-sheet workbook (`school_quarter`) with `sheet_xml`; `shared` writes the shared
/// strings part from a writer callback (so that a bomb streams into the ZIP).
fn workbook(sheet_xml: &str, shared: Option<&WritePart<'_>>) -> Result<Vec<u8>> {
    workbook_bytes(sheet_xml.as_bytes(), shared)
}

/// A one-sheet workbook (`school_quarter`) of a sheet part and a shared-strings part given as
/// bytes, which need not be well-formed: the fuzzers' workbooks.
pub fn workbook_of_parts(sheet_xml: &[u8], shared_strings: &[u8]) -> Result<Vec<u8>> {
    workbook_bytes(
        sheet_xml,
        Some(&|out: &mut dyn Write| out.write_all(shared_strings)),
    )
}

fn workbook_bytes(sheet_xml: &[u8], shared: Option<&WritePart<'_>>) -> Result<Vec<u8>> {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    let parts = [
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
        ("_rels/.rels", ROOT_RELS.as_bytes()),
        ("xl/workbook.xml", WORKBOOK.as_bytes()),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.as_bytes()),
        ("xl/worksheets/sheet1.xml", sheet_xml),
    ];
    for (path, bytes) in parts {
        zip.start_file(path, options).map_err(zip_error)?;
        zip.write_all(bytes).map_err(zip_error)?;
    }
    if let Some(write) = shared {
        zip.start_file("xl/sharedStrings.xml", options)
            .map_err(zip_error)?;
        write(&mut zip).map_err(zip_error)?;
    }
    Ok(zip.finish().map_err(zip_error)?.into_inner())
}

const SST_OPEN: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"1\" uniqueCount=\"1\">";

/// A workbook whose one shared string is 1 GiB of one letter (about 1 MB zipped); a `notes`
/// cell of the first data row refers to it.
fn shared_string_bomb(header: &[String], plain: &str) -> Result<Vec<u8>> {
    let notes = header.iter().position(|h| h == "notes").unwrap_or(0);
    let reference = format!(
        "<c r=\"{}2\" t=\"s\"><v>0</v></c>",
        crate::xlsx::column_name(notes)
    );
    let rows = plain.replacen("<row r=\"2\">", &format!("<row r=\"2\">{reference}"), 1);
    let write = |out: &mut dyn Write| -> std::io::Result<()> {
        out.write_all(SST_OPEN.as_bytes())?;
        out.write_all(b"<si><t>")?;
        let block = vec![b'a'; 1 << 20];
        for _ in 0..1024 {
            out.write_all(&block)?;
        }
        out.write_all(b"</t></si></sst>")
    };
    workbook(&sheet(&rows, "", "A1"), Some(&write))
}

/// A workbook with 1 GiB of short shared strings (each under the text-run limit).
fn many_shared_strings(plain: &str) -> Result<Vec<u8>> {
    let write = |out: &mut dyn Write| -> std::io::Result<()> {
        out.write_all(SST_OPEN.as_bytes())?;
        let one = format!("<si><t>{}</t></si>", "b".repeat(1000));
        let block = one.repeat(1000);
        for _ in 0..1024 {
            out.write_all(block.as_bytes())?;
        }
        out.write_all(b"</sst>")
    };
    workbook(&sheet(plain, "", "A1"), Some(&write))
}
