//! `riskmap demo generate`: write the synthetic demo data set as contract-v1 files
//! (`school_reference.csv` + `school_quarter.csv` + `school_contacts.csv`, or one
//! `nobd_export.xlsx` with the three sheets), so that `riskmap ingest` of those files stores exactly the generated data; or, with
//! `--defects`, one defective `school_quarter` file per defect class for tests.

use std::collections::HashMap;
use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use riskmap_demo::{DemoConfig, DemoStream};
use riskmap_geo::Geography;
use riskmap_ingest::defects::{DefectClass, DefectPlan, make_defects};
use riskmap_ingest::{KatoRegistry, Row, TableName, write_csv, write_xlsx_sheet};
use riskmap_model::{Kato, Period, School, SchoolId, SchoolQuarterRecord};

use riskmap_load::contract_rows::{contact_row, first_of, record_row, reference_row};

/// `riskmap demo …`.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum DemoCommand {
    /// Write synthetic contract-v1 files.
    Generate(GenerateArgs),
}

/// Options of `riskmap demo generate`.
#[derive(Debug, clap::Args)]
pub(crate) struct GenerateArgs {
    /// About this many schools (the real 7,687 are scaled, at least one per region).
    #[arg(long, default_value_t = 7687)]
    schools: u32,
    /// Quarters, ending with 2024-Q4.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..=40))]
    quarters: u32,
    /// Seed of the generator (the same seed gives the same files).
    #[arg(long, default_value_t = 748)]
    seed: u64,
    /// File format.
    #[arg(long, value_enum, default_value = "csv")]
    format: Format,
    /// Output folder (created if missing).
    #[arg(long)]
    out: PathBuf,
    /// Write one defective school_quarter file per class instead (snake_case class name, e.g.
    /// broken_sum, or `all`), with a valid school_reference.csv of the same schools.
    #[arg(long)]
    defects: Option<String>,
    /// Folder with the reference geography.
    #[arg(long, env = "RISKMAP_GEOGRAPHY", default_value = riskmap_geo::DEFAULT_DIR, value_parser = crate::geography_arg::parse)]
    geography: PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Csv,
    Xlsx,
}

pub(crate) fn run(command: &DemoCommand) -> anyhow::Result<()> {
    let DemoCommand::Generate(args) = command;
    let classes = args.defects.as_deref().map(defect_classes).transpose()?;
    let geography = riskmap_geo::load_dir(&args.geography).with_context(|| {
        format!(
            "cannot load the geography from {}",
            args.geography.display()
        )
    })?;
    let registry = riskmap_load::load_registry(&args.geography)?;
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    let stream = DemoStream::new(&geography, &config(&geography, args));
    let localities = localities(&geography, &registry);
    let written = match classes {
        Some(classes) => write_defects(&geography, &registry, stream, &localities, &classes, args)?,
        None => write_data(stream, &localities, args)?,
    };
    #[allow(
        clippy::print_stdout,
        reason = "the files written are the command's output"
    )]
    for path in written {
        println!("{}", path.display());
    }
    Ok(())
}

/// The demo configuration scaled to about `args.schools` schools over `args.quarters` quarters.
fn config(geography: &Geography, args: &GenerateArgs) -> DemoConfig {
    let real: u32 = geography.regions().iter().map(|r| r.schools).sum();
    DemoConfig::scaled(args.schools, real, args.quarters, args.seed)
}

/// Each district's locality code in the 2022 classifier, which its schools' rows carry: the
/// district's code, or for a district created after October 2022 (absent from the registry)
/// a code with the same first four digits, else its region's code. The map placement comes
/// from lat/lon either way.
fn localities(geography: &Geography, registry: &KatoRegistry) -> HashMap<Kato, Kato> {
    let codes = registry.codes();
    geography
        .districts()
        .iter()
        .map(|d| {
            let prefix = &d.kato.as_str()[..4];
            let code = if registry.contains(&d.kato) {
                d.kato
            } else if let Some(code) = codes.iter().find(|k| &k.as_str()[..4] == prefix) {
                *code
            } else {
                d.region
            };
            (d.kato, code)
        })
        .collect()
}

/// The first day of the demo's first quarter: reference rows and contacts are valid from it.
fn valid_from(quarters: u32) -> time::Date {
    first_of(
        Period::new(2024, 4).expect("valid literal period"),
        quarters,
    )
    .start_date()
}

/// The schools' synthetic work contacts as `school_contacts` rows, drawn as they are written.
fn contact_rows(
    schools: impl IntoIterator<Item = SchoolId>,
    args: &GenerateArgs,
) -> impl Iterator<Item = Row> {
    crate::demo_contacts::demo_contacts(schools, args.seed, valid_from(args.quarters))
        .map(|c| contact_row(&c))
}

/// The schools' `school_reference` rows, built as they are written.
fn reference_rows<'a>(
    schools: impl IntoIterator<Item = School> + 'a,
    localities: &'a HashMap<Kato, Kato>,
    quarters: u32,
) -> impl Iterator<Item = Row> + 'a {
    let valid_from = valid_from(quarters);
    schools
        .into_iter()
        .map(move |s| reference_row(&s, localities[&s.district], valid_from))
}

/// The records drawn one at a time, each with its school's district.
fn drawn_records(stream: DemoStream<'_>) -> impl Iterator<Item = (SchoolQuarterRecord, Kato)> {
    let mut records = stream.into_records();
    std::iter::from_fn(move || records.next_with_district())
}

/// The records as rows, each with its school's locality code as its KATO.
fn quarter_rows<'a>(
    records: impl IntoIterator<Item = (SchoolQuarterRecord, Kato)> + 'a,
    localities: &'a HashMap<Kato, Kato>,
) -> impl Iterator<Item = Row> + 'a {
    records
        .into_iter()
        .map(move |(r, district)| record_row(&r, localities[&district]))
}

/// Writes the reference and contact files, then the quarter rows as they are drawn (CSV: each
/// row is written as it is made; memory holds the schools' compact parameters, never their
/// text nor the records; XLSX: each sheet's rows go to a temporary file as they are drawn).
fn write_data(
    stream: DemoStream<'_>,
    localities: &HashMap<Kato, Kato>,
    args: &GenerateArgs,
) -> anyhow::Result<Vec<PathBuf>> {
    match args.format {
        Format::Csv => {
            let reference = args.out.join("school_reference.csv");
            write_csv(
                TableName::SchoolReference,
                reference_rows(stream.schools(), localities, args.quarters),
                create(&reference)?,
            )
            .with_context(|| format!("cannot write {}", reference.display()))?;
            let contact = args.out.join("school_contacts.csv");
            write_csv(
                TableName::SchoolContacts,
                contact_rows(stream.school_ids(), args),
                create(&contact)?,
            )
            .with_context(|| format!("cannot write {}", contact.display()))?;
            let quarter = args.out.join("school_quarter.csv");
            let rows = quarter_rows(drawn_records(stream), localities);
            write_csv(TableName::SchoolQuarter, rows, create(&quarter)?)
                .with_context(|| format!("cannot write {}", quarter.display()))?;
            Ok(vec![reference, quarter, contact])
        }
        Format::Xlsx => {
            let path = args.out.join("nobd_export.xlsx");
            write_workbook(stream, localities, args, &path)
                .with_context(|| format!("cannot write {}", path.display()))?;
            Ok(vec![path])
        }
    }
}

/// Writes the workbook sheet by sheet in constant-memory mode (each sheet's rows go to a
/// temporary file in the output folder as they are drawn, so memory does not grow with
/// the rows), saved under a temporary name and renamed into place when complete. A sheet
/// holds at most 1,048,575 rows: a larger data set is refused by the workbook writer.
fn write_workbook(
    stream: DemoStream<'_>,
    localities: &HashMap<Kato, Kato>,
    args: &GenerateArgs,
    path: &Path,
) -> anyhow::Result<()> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    workbook.set_tempdir(&args.out)?;
    let tables = [
        TableName::SchoolReference,
        TableName::SchoolQuarter,
        TableName::SchoolContacts,
    ];
    for _ in tables {
        workbook.add_worksheet_with_constant_memory()?;
    }
    // The sheets stay in contract order; the quarter rows, which consume the stream, last.
    write_xlsx_sheet(
        workbook.worksheet_from_index(0)?,
        tables[0],
        reference_rows(stream.schools(), localities, args.quarters),
    )?;
    write_xlsx_sheet(
        workbook.worksheet_from_index(2)?,
        tables[2],
        contact_rows(stream.school_ids(), args),
    )?;
    write_xlsx_sheet(
        workbook.worksheet_from_index(1)?,
        tables[1],
        quarter_rows(drawn_records(stream), localities),
    )?;
    let partial = path.with_extension("xlsx.part");
    workbook.save(&partial)?;
    std::fs::rename(&partial, path)?;
    Ok(())
}

/// One region's schools (the first school's region), a valid reference file for them, and the
/// defective quarter files built from their first quarter (drawn until the quarter ends; only
/// the region's schools and records are held).
fn write_defects(
    geography: &Geography,
    registry: &KatoRegistry,
    stream: DemoStream<'_>,
    localities: &HashMap<Kato, Kato>,
    classes: &[DefectClass],
    args: &GenerateArgs,
) -> anyhow::Result<Vec<PathBuf>> {
    let region = stream
        .schools()
        .next()
        .context("the demo has no schools")?
        .region;
    let schools: Vec<School> = stream.schools().filter(|s| s.region == region).collect();
    let ids: std::collections::HashSet<&str> = schools.iter().map(|s| s.id.as_str()).collect();
    let mut drawn = drawn_records(stream).peekable();
    let first = drawn
        .peek()
        .map(|(r, _)| r.period)
        .context("the demo has no records")?;
    let records: Vec<_> = drawn
        .take_while(|(r, _)| r.period == first)
        .filter(|(r, _)| ids.contains(r.school.as_str()))
        .collect();
    let reference = args.out.join("school_reference.csv");
    write_csv(
        TableName::SchoolReference,
        reference_rows(schools.iter().cloned(), localities, args.quarters),
        create(&reference)?,
    )
    .with_context(|| format!("cannot write {}", reference.display()))?;
    let mut valid = Vec::new();
    write_csv(
        TableName::SchoolQuarter,
        quarter_rows(records, localities),
        &mut valid,
    )
    .context("cannot write the valid quarter file")?;
    let plan = defect_plan(geography, registry, region)?;
    let mut written = vec![reference];
    for defect in make_defects(&valid, &plan).context("cannot build the defective files")? {
        if !classes.contains(&defect.class) {
            continue;
        }
        let path = args
            .out
            .join(format!("school_quarter.{}", defect.file_name));
        std::fs::write(&path, &defect.bytes)
            .with_context(|| format!("cannot write {}", path.display()))?;
        written.push(path);
    }
    Ok(written)
}

/// A code missing from the KATO registry and a real district code of another region.
fn defect_plan(
    geography: &Geography,
    registry: &KatoRegistry,
    region: Kato,
) -> anyhow::Result<DefectPlan> {
    let unknown_kato = (0..10_000u32)
        .filter_map(|n| {
            Kato::parse(&format!("{}{:07}", region.region_prefix(), 9_999_999 - n)).ok()
        })
        .find(|k| !registry.contains(k))
        .context("every code of the region is in the registry")?;
    let foreign_kato = geography
        .districts()
        .iter()
        .map(|d| d.kato)
        .find(|k| !k.same_region(&region) && registry.contains(k))
        .context("no district outside the region")?;
    Ok(DefectPlan {
        unknown_kato,
        foreign_kato,
    })
}

/// The KATO classifier extract of the geography folder.
/// Parses `all` or one class name in snake_case (`broken_sum`, `truncated_xlsx`, …).
fn defect_classes(text: &str) -> anyhow::Result<Vec<DefectClass>> {
    if text == "all" {
        return Ok(DefectClass::ALL.to_vec());
    }
    let wanted = text.replace(['_', '-'], "").to_lowercase();
    DefectClass::ALL
        .iter()
        .find(|c| format!("{c:?}").to_lowercase() == wanted)
        .map(|c| vec![*c])
        .with_context(|| {
            format!(
                "unknown defect class {text:?}: use all or one of {}",
                DefectClass::ALL
                    .iter()
                    .map(|c| snake(&format!("{c:?}")))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })
}

fn snake(camel: &str) -> String {
    let mut out = String::new();
    for (idx, c) in camel.chars().enumerate() {
        if c.is_uppercase() && idx > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

fn create(path: &Path) -> anyhow::Result<BufWriter<File>> {
    Ok(BufWriter::with_capacity(
        1 << 20,
        File::create(path).with_context(|| format!("cannot create {}", path.display()))?,
    ))
}
