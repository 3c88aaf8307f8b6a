//! Writers of contract-v1 files: CSV (UTF-8, comma, machine-name header) and XLSX (one sheet
//! per table, header on row 1), for test data, the demo and round trips.

use std::borrow::Borrow;
use std::io::Write;

use rust_xlsxwriter::{Workbook, Worksheet};

use crate::contract::{Contract, TableName};
use crate::row::Row;
use crate::value::{Value, format_value};
use crate::{Error, Result};

/// Writes `rows` of `table` as a contract CSV with every column in contract order.
pub fn write_csv<R: Borrow<Row>>(
    table: TableName,
    rows: impl IntoIterator<Item = R>,
    out: impl Write,
) -> Result<()> {
    let columns = &Contract::v1().table(table).columns;
    let mut writer = csv::WriterBuilder::new()
        .buffer_capacity(256 * 1024)
        .from_writer(out);
    writer
        .write_record(columns.iter().map(|c| c.name.as_str()))
        .map_err(Error::WriteCsv)?;
    let mut texts: Vec<String> = Vec::with_capacity(columns.len());
    for row in rows {
        texts.clear();
        texts.extend(row.borrow().values.iter().map(format_value));
        writer.write_record(&texts).map_err(Error::WriteCsv)?;
    }
    writer.flush().map_err(Error::Write)
}

/// Writes `school_quarter` rows as a contract CSV.
pub fn write_school_quarter_csv<R: Borrow<Row>>(
    rows: impl IntoIterator<Item = R>,
    out: impl Write,
) -> Result<()> {
    write_csv(TableName::SchoolQuarter, rows, out)
}

/// Writes one sheet per table (named after the table) and returns the workbook bytes.
/// Numbers and booleans are typed cells; dates, timestamps and codes are text, so that
/// offsets and leading zeros survive.
pub fn write_xlsx(sheets: &[(TableName, &[Row])]) -> Result<Vec<u8>> {
    let mut workbook = Workbook::new();
    for (table, rows) in sheets {
        write_xlsx_sheet(workbook.add_worksheet(), *table, rows.iter())?;
    }
    workbook.save_to_buffer().map_err(Error::WriteXlsx)
}

/// Names `sheet` after `table` and writes the table's header on row 1, then `rows` in
/// order, typed as in [`write_xlsx`]. The sheet may be in constant-memory mode (the caller's
/// workbook keeps it in a temporary file): rows are written strictly in order and none is
/// held after it is written.
pub fn write_xlsx_sheet<R: Borrow<Row>>(
    sheet: &mut Worksheet,
    table: TableName,
    rows: impl IntoIterator<Item = R>,
) -> Result<()> {
    let columns = &Contract::v1().table(table).columns;
    sheet.set_name(table.as_str()).map_err(Error::WriteXlsx)?;
    for (col, column) in columns.iter().enumerate() {
        sheet
            .write_string(0, col as u16, &column.name)
            .map_err(Error::WriteXlsx)?;
    }
    for (idx, row) in rows.into_iter().enumerate() {
        let r = u32::try_from(idx + 1).unwrap_or(u32::MAX);
        for (col, value) in row.borrow().values.iter().enumerate() {
            let c = col as u16;
            let written = match value {
                Value::Null => continue,
                Value::Int(v) => sheet.write_number(r, c, *v as f64).map(|_| ()),
                // The same precision as the CSV writer (six decimals).
                Value::Decimal(v) => sheet
                    .write_number(r, c, format_value(value).parse::<f64>().unwrap_or(*v))
                    .map(|_| ()),
                Value::Bool(v) => sheet.write_boolean(r, c, *v).map(|_| ()),
                other => sheet.write_string(r, c, format_value(other)).map(|_| ()),
            };
            written.map_err(Error::WriteXlsx)?;
        }
    }
    Ok(())
}

/// Writes `school_quarter` rows as a one-sheet workbook.
pub fn write_school_quarter_xlsx(rows: &[Row]) -> Result<Vec<u8>> {
    write_xlsx(&[(TableName::SchoolQuarter, rows)])
}

/// Writes raw text cells to a one-sheet workbook (defect fixtures).
pub(crate) fn write_texts_xlsx(
    sheet_name: &str,
    header: &[String],
    rows: &[Vec<String>],
) -> Result<Vec<u8>> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(sheet_name).map_err(Error::WriteXlsx)?;
    for (r, cells) in std::iter::once(header)
        .chain(rows.iter().map(Vec::as_slice))
        .enumerate()
    {
        for (c, text) in cells.iter().enumerate() {
            sheet
                .write_string(r as u32, c as u16, text)
                .map_err(Error::WriteXlsx)?;
        }
    }
    workbook.save_to_buffer().map_err(Error::WriteXlsx)
}
