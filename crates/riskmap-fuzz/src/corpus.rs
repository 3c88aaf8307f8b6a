//! The seed corpus: valid `school_quarter` files (CSV and XLSX), one defective file per defect
//! class of `riskmap_ingest::defects` and every hostile file of `riskmap_ingest::hostile`, as
//! whole files for `fuzz_file` and as sheet + shared-strings parts for `fuzz_sheet`.

use std::io::{Cursor, Read as _};

use riskmap_ingest::defects::{DefectPlan, make_defects};
use riskmap_ingest::hostile::hostile_files;
use riskmap_ingest::synth::{SynthConfig, synthetic_school_quarter};
use riskmap_ingest::{Row, write_school_quarter_csv, write_school_quarter_xlsx};
use riskmap_model::{Kato, Period};

use crate::workbook::join_parts;

/// One seed.
#[derive(Debug, Clone)]
pub struct Seed {
    /// A file name that says where it came from.
    pub name: String,
    /// The input.
    pub bytes: Vec<u8>,
}

/// Districts of Almaty city the valid rows are spread over.
const ALMATY_DISTRICTS: &[&str] = &["751110000", "751210000", "751310000", "751410000"];

fn kato(code: &str) -> Kato {
    Kato::parse(code).expect("a valid KATO code")
}

/// `n` valid rows of Almaty schools from 2024-Q1.
fn valid_rows(n: usize) -> Vec<Row> {
    let config = SynthConfig {
        seed: 7,
        schools: n,
        first_period: Period::parse("2024-Q1").expect("a valid period"),
        katos: ALMATY_DISTRICTS.iter().map(|c| kato(c)).collect(),
    };
    synthetic_school_quarter(&config)
        .expect("a valid generator configuration")
        .take(n)
        .collect()
}

/// Whole files: a valid CSV and workbook, every defect and every hostile file.
pub fn file_seeds() -> Vec<Seed> {
    let rows = valid_rows(6);
    let mut csv = Vec::new();
    write_school_quarter_csv(&rows, &mut csv).expect("writing to a Vec cannot fail");
    let xlsx = write_school_quarter_xlsx(&rows).expect("a valid workbook");
    let mut seeds = vec![
        Seed {
            name: "valid.csv".into(),
            bytes: csv.clone(),
        },
        Seed {
            name: "valid.xlsx".into(),
            bytes: xlsx,
        },
    ];
    let plan = DefectPlan {
        unknown_kato: kato("759999999"),
        foreign_kato: kato("711210000"),
    };
    for defect in make_defects(&csv, &plan).expect("defects of a valid CSV") {
        seeds.push(Seed {
            name: format!("defect-{}", defect.file_name),
            bytes: defect.bytes,
        });
    }
    for hostile in hostile_files(&csv).expect("hostile files of a valid CSV") {
        seeds.push(Seed {
            name: format!("hostile-{}", hostile.file_name),
            bytes: hostile.bytes,
        });
    }
    seeds
}

/// Sheet + shared-strings inputs of every workbook among the file seeds (parts that unzip to
/// at most `max_part` bytes).
pub fn sheet_seeds(max_part: u64) -> Vec<Seed> {
    file_seeds()
        .into_iter()
        .filter_map(|seed| {
            let sheet = part(&seed.bytes, "xl/worksheets/sheet1.xml", max_part)?;
            let shared = part(&seed.bytes, "xl/sharedStrings.xml", max_part).unwrap_or_default();
            Some(Seed {
                name: format!("{}.parts", seed.name),
                bytes: join_parts(&sheet, &shared),
            })
        })
        .collect()
}

/// The unzipped bytes of `path` in `workbook`, if it is there and at most `max` bytes.
fn part(workbook: &[u8], path: &str, max: u64) -> Option<Vec<u8>> {
    let mut archive = zip::ZipArchive::new(Cursor::new(workbook)).ok()?;
    let entry = archive.by_name(path).ok()?;
    if entry.size() > max {
        return None;
    }
    let mut bytes = Vec::new();
    entry.take(max).read_to_end(&mut bytes).ok()?;
    Some(bytes)
}
