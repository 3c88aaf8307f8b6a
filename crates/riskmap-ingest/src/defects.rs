//! One defective file per defect class, made from a valid `school_quarter` CSV: the fixtures
//! of the ingest tests and of the demo's "what a refusal looks like".
//!
//! Each defect says which code it must raise and where (row, 1-based with header = row 1, and
//! column), so a test can assert the location as well as the code.

use riskmap_model::Kato;

use crate::contract::TableName;
use crate::finding::Code;
use crate::write::write_texts_xlsx;
use crate::{Error, Result};

/// The defect classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DefectClass {
    /// A Windows-1251 cell inside an otherwise UTF-8 file.
    WrongEncoding,
    /// The required `pupils_total` column is dropped.
    MissingColumn,
    /// `pupils_total` holds a word.
    BadType,
    /// `pupils_male` is off by one, breaking female + male = total.
    BrokenSum,
    /// A KATO code that is not in the registry.
    UnknownKato,
    /// A real KATO code of another region.
    RegionMismatch,
    /// The first data row repeated at the end.
    DuplicateKey,
    /// An IIN-like number in `notes`.
    PersonalData,
    /// An XLSX workbook cut in half.
    TruncatedXlsx,
    /// No bytes at all.
    EmptyFile,
    /// The header row only.
    HeaderOnly,
    /// A 512 KiB `notes` cell: past the 64 KiB cell limit, within the 1 MiB record limit.
    HugeCell,
}

impl DefectClass {
    /// Every class.
    pub const ALL: [DefectClass; 12] = [
        DefectClass::WrongEncoding,
        DefectClass::MissingColumn,
        DefectClass::BadType,
        DefectClass::BrokenSum,
        DefectClass::UnknownKato,
        DefectClass::RegionMismatch,
        DefectClass::DuplicateKey,
        DefectClass::PersonalData,
        DefectClass::TruncatedXlsx,
        DefectClass::EmptyFile,
        DefectClass::HeaderOnly,
        DefectClass::HugeCell,
    ];
}

/// What the defects use that a valid file does not contain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DefectPlan {
    /// A code missing from the caller's KATO registry.
    pub unknown_kato: Kato,
    /// A code in the registry but in another region than the file's rows.
    pub foreign_kato: Kato,
}

/// A defective file and where its finding must point.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Defect {
    /// The class.
    pub class: DefectClass,
    /// A file name for messages (`.csv` or `.xlsx`).
    pub file_name: String,
    /// The bytes.
    pub bytes: Vec<u8>,
    /// The code the ingest must report.
    pub code: Code,
    /// The row it must name (`None` for file-level findings).
    pub row: Option<u64>,
    /// The column it must name.
    pub column: Option<String>,
    /// The value planted, if any: must never appear in a privacy report.
    pub planted: Option<String>,
}

/// The planted IIN-like number of [`DefectClass::PersonalData`].
pub const PLANTED_IIN: &str = "070315650123";

/// Builds one defective file per class from a valid UTF-8, comma-separated `school_quarter`
/// CSV with a machine-name header and at least two data rows (such as [`crate::write_csv`]
/// writes).
pub fn make_defects(valid_csv: &[u8], plan: &DefectPlan) -> Result<Vec<Defect>> {
    let (header, rows) = parse(valid_csv)?;
    DefectClass::ALL
        .iter()
        .map(|class| make(*class, &header, &rows, plan))
        .collect()
}

fn parse(bytes: &[u8]) -> Result<(Vec<String>, Vec<Vec<String>>)> {
    let bad = |message: String| Error::Fixture { message };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(bytes);
    let mut records = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| bad(format!("the valid file does not parse: {e}")))?;
        records.push(record.iter().map(str::to_owned).collect::<Vec<_>>());
    }
    if records.len() < 3 {
        return Err(bad(
            "the valid file needs a header and at least two data rows".to_owned(),
        ));
    }
    let header = records.remove(0);
    for needed in [
        "pupils_total",
        "pupils_male",
        "kato",
        "notes",
        "nobd_org_id",
    ] {
        if !header.iter().any(|h| h == needed) {
            return Err(bad(format!("the valid file needs a {needed} column")));
        }
    }
    Ok((header, records))
}

fn make(
    class: DefectClass,
    header: &[String],
    rows: &[Vec<String>],
    plan: &DefectPlan,
) -> Result<Defect> {
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .expect("parse checked the columns")
    };
    let mut rows = rows.to_vec();
    let mut header = header.to_vec();
    let at = |row: u64, column: &str| (Some(row), Some(column.to_owned()));
    let mut planted = None;
    let mut raw_bytes = None;
    let (code, (row, column)) = match class {
        DefectClass::WrongEncoding => {
            rows[0][col("notes")] = "Примечание: данные сверены с журналом учёта".to_owned();
            let marker = "@@CP1251@@";
            rows[1][col("notes")] = marker.to_owned();
            let mut bytes = to_csv(&header, &rows)?;
            let (cp1251, _, _) = encoding_rs::WINDOWS_1251.encode("Ескерту жок");
            let text_at = find(&bytes, marker.as_bytes()).expect("the marker was just written");
            bytes.splice(text_at..text_at + marker.len(), cp1251.iter().copied());
            raw_bytes = Some(bytes);
            (Code::Encoding, at(3, "notes"))
        }
        DefectClass::MissingColumn => {
            let idx = col("pupils_total");
            header.remove(idx);
            rows.iter_mut().for_each(|r| {
                r.remove(idx);
            });
            (Code::MissingColumn, at(1, "pupils_total"))
        }
        DefectClass::BadType => {
            rows[0][col("pupils_total")] = "много".to_owned();
            (Code::Type, at(2, "pupils_total"))
        }
        DefectClass::BrokenSum => {
            let male: i64 = rows[0][col("pupils_male")].parse().unwrap_or(0);
            rows[0][col("pupils_male")] = (male + 1).to_string();
            (Code::SumSex, at(2, "pupils_total"))
        }
        DefectClass::UnknownKato => {
            rows[0][col("kato")] = plan.unknown_kato.to_string();
            (Code::KatoUnknown, at(2, "kato"))
        }
        DefectClass::RegionMismatch => {
            rows[0][col("kato")] = plan.foreign_kato.to_string();
            (Code::KatoRegion, at(2, "kato"))
        }
        DefectClass::DuplicateKey => {
            rows.push(rows[0].clone());
            (Code::DuplicateKey, at(rows.len() as u64 + 1, "nobd_org_id"))
        }
        DefectClass::PersonalData => {
            rows[1][col("notes")] = format!("перевод ученика {PLANTED_IIN} согласован");
            planted = Some(PLANTED_IIN.to_owned());
            (Code::Privacy, at(3, "notes"))
        }
        DefectClass::TruncatedXlsx => {
            let xlsx = write_texts_xlsx(TableName::SchoolQuarter.as_str(), &header, &rows)?;
            raw_bytes = Some(xlsx[..xlsx.len() / 2].to_vec());
            (Code::XlsxCorrupt, (None, None))
        }
        DefectClass::EmptyFile => {
            raw_bytes = Some(Vec::new());
            (Code::EmptyFile, (None, None))
        }
        DefectClass::HeaderOnly => {
            rows.clear();
            (Code::HeaderOnly, (None, None))
        }
        DefectClass::HugeCell => {
            rows[0][col("notes")] = "a".repeat(512 * 1024);
            (Code::CellTooLarge, at(2, "notes"))
        }
    };
    let bytes = match raw_bytes {
        Some(bytes) => bytes,
        None => to_csv(&header, &rows)?,
    };
    let extension = if class == DefectClass::TruncatedXlsx {
        "xlsx"
    } else {
        "csv"
    };
    let file_name = format!("{}.{extension}", format!("{class:?}").to_lowercase());
    Ok(Defect {
        class,
        file_name,
        bytes,
        code,
        row,
        column,
        planted,
    })
}

fn to_csv(header: &[String], rows: &[Vec<String>]) -> Result<Vec<u8>> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(header).map_err(Error::WriteCsv)?;
    for row in rows {
        writer.write_record(row).map_err(Error::WriteCsv)?;
    }
    writer
        .into_inner()
        .map_err(|e| Error::Write(e.into_error()))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
