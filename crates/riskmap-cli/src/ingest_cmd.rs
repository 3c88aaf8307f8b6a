//! `riskmap ingest`: check NOBD contract-v1 files and legal-statistics tables and store each
//! file as one batch, in the order given (so a reference file makes its schools known to the
//! quarter files after it).
//!
//! Exit status: 0 when every file was stored (or had been stored before), 1 when any file was
//! refused or could not be stored, 2 for a usage error (bad flags, a missing file, an
//! unreadable mapping, a file whose table cannot be told).

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context as _;
use indicatif::{ProgressBar, ProgressStyle};
use riskmap_ingest::{EncodingChoice, HeaderMapping, Options, Policy, TableName};
use riskmap_load::{FileReport, FileStatus, LoadError, Session};
use riskmap_model::Kato;
use riskmap_store::Store;

/// Files from this size get a progress bar (when standard error is a terminal).
const PROGRESS_FROM_BYTES: u64 = 8 << 20;

/// Options of `riskmap ingest`.
#[derive(Debug, clap::Args)]
pub(crate) struct IngestArgs {
    /// Database URL: sqlite://FILE (created on first use) or postgres://...
    #[arg(
        long,
        env = "RISKMAP_DATABASE_URL",
        default_value = "sqlite://riskmap.sqlite3"
    )]
    database: String,
    /// Folder with the reference geography and the KATO registry (kato-2022-10-17-full.csv).
    #[arg(long, env = "RISKMAP_GEOGRAPHY", default_value = riskmap_geo::DEFAULT_DIR, value_parser = crate::geography_arg::parse)]
    geography: PathBuf,
    /// KATO code of the submitting region (any code of the region): rows elsewhere are refused.
    #[arg(long, value_parser = parse_kato)]
    region: Option<Kato>,
    /// TOML file of extra header renames ([school_quarter] "Всего учеников" = "pupils_total").
    #[arg(long)]
    mapping: Option<PathBuf>,
    /// CSV encoding.
    #[arg(long, value_enum, default_value = "auto")]
    encoding: Encoding,
    /// The table every file holds; by default it is told from the file name, the workbook's
    /// sheets or the header row.
    #[arg(long, value_enum)]
    table: Option<Table>,
    /// Store the valid rows of a file with errors and keep the refused rows in quarantine
    /// (privacy and whole-file problems still refuse the file).
    #[arg(long)]
    accept_partial: bool,
    /// Write every file's report (JSON) here.
    #[arg(long)]
    report: Option<PathBuf>,
    /// Label the stored rows as synthetic (demo files from `riskmap demo generate`), so the API
    /// and the page say so.
    #[arg(long)]
    synthetic: bool,
    /// CSV or XLSX files, ingested in this order.
    #[arg(required = true)]
    files: Vec<PathBuf>,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Encoding {
    Auto,
    Utf8,
    Cp1251,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Table {
    SchoolReference,
    SchoolQuarter,
    SchoolContacts,
    #[value(alias = "legal")]
    LegalStats,
}

impl From<Table> for TableName {
    fn from(table: Table) -> Self {
        match table {
            Table::SchoolReference => TableName::SchoolReference,
            Table::SchoolQuarter => TableName::SchoolQuarter,
            Table::SchoolContacts => TableName::SchoolContacts,
            Table::LegalStats => TableName::LegalStats,
        }
    }
}

fn parse_kato(text: &str) -> Result<Kato, String> {
    Kato::parse(text).map_err(|e| e.to_string())
}

/// A problem with the command line rather than with the data (exit status 2).
#[derive(Debug)]
struct Usage(String);

impl std::fmt::Display for Usage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Usage {}

pub(crate) fn run(args: &IngestArgs) -> ExitCode {
    let result = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
        .and_then(|runtime| runtime.block_on(ingest_all(args)));
    match result {
        Ok(reports) if reports.iter().all(|r| r.status != FileStatus::Refused) => ExitCode::SUCCESS,
        Ok(_) => ExitCode::from(1),
        Err(error) => {
            crate::report(&error);
            if error.downcast_ref::<Usage>().is_some() {
                ExitCode::from(2)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

async fn ingest_all(args: &IngestArgs) -> anyhow::Result<Vec<FileReport>> {
    for file in &args.files {
        if !file.is_file() {
            return Err(Usage(format!("{} is not a readable file", file.display())).into());
        }
    }
    let mapping = match &args.mapping {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| Usage(format!("cannot read the mapping {}: {e}", path.display())))?;
            HeaderMapping::parse(&text)
                .map_err(|e| Usage(format!("mapping {}: {e}", path.display())))?
        }
        None => HeaderMapping::none(),
    };
    if !args.geography.is_dir() {
        return Err(Usage(format!(
            "the geography folder {} does not exist (use --geography)",
            args.geography.display()
        ))
        .into());
    }
    let mut options = Options::new(if args.accept_partial {
        Policy::AcceptPartial
    } else {
        Policy::RefuseFile
    });
    options.encoding = match args.encoding {
        Encoding::Auto => EncodingChoice::Auto,
        Encoding::Utf8 => EncodingChoice::Utf8,
        Encoding::Cp1251 => EncodingChoice::Windows1251,
    };
    options.mapping = mapping;
    options.submitting_region = args.region;
    let plans = args
        .files
        .iter()
        .map(|file| {
            riskmap_load::plan_tables(
                file,
                &file.display().to_string(),
                args.table.map(TableName::from),
                &options,
            )
            .map(|tables| (file.clone(), tables))
            .map_err(usage)
        })
        .collect::<anyhow::Result<Vec<_>>>()?;

    let registry = riskmap_load::load_registry(&args.geography).map_err(usage)?;
    let store = Store::connect(&args.database)
        .await
        .context("cannot open the store")?;
    // Only reference rows need the polygons (to place schools) and the units (which `school`
    // refers to); quarter, contact and legal files do without loading them.
    let geography = if plans
        .iter()
        .any(|(_, tables)| tables.contains(&TableName::SchoolReference))
    {
        let geography = riskmap_geo::load_dir(&args.geography).with_context(|| {
            format!(
                "cannot load the geography from {}",
                args.geography.display()
            )
        })?;
        store
            .upsert_admin_units(&riskmap_load::admin_units::admin_units(&geography))
            .await
            .context("cannot store the administrative units")?;
        Some(Arc::new(geography))
    } else {
        None
    };
    let session = Session::open(
        store.clone(),
        Arc::new(registry),
        geography,
        options,
        args.synthetic,
    )
    .await?;

    let mut reports = Vec::with_capacity(plans.len());
    for (file, tables) in plans {
        let name = file.display().to_string();
        let size = std::fs::metadata(&file).map_or(0, |m| m.len());
        let bar = progress_bar(size * tables.len() as u64, &name);
        let progress: Arc<dyn riskmap_load::Progress> = Arc::new(Bar(bar.clone()));
        let report = session.load(&file, &name, tables, Some(progress)).await;
        bar.finish_and_clear();
        reports.push(report?);
    }
    store.close().await;
    print_summary(&reports, args.report.as_deref());
    if let Some(path) = &args.report {
        let json = serde_json::to_string_pretty(&serde_json::json!({ "files": reports }))
            .context("cannot serialise the report")?;
        std::fs::write(path, json)
            .with_context(|| format!("cannot write the report {}", path.display()))?;
    }
    Ok(reports)
}

/// A load error that is the user's to fix exits 2.
fn usage(error: LoadError) -> anyhow::Error {
    match error {
        LoadError::Usage(message) => Usage(message).into(),
        other => other.into(),
    }
}

/// An indicatif bar as the load's progress.
struct Bar(ProgressBar);

impl riskmap_load::Progress for Bar {
    fn advance(&self, bytes: u64) {
        self.0.inc(bytes);
    }
}

fn progress_bar(total: u64, name: &str) -> ProgressBar {
    use std::io::IsTerminal;
    if total < PROGRESS_FROM_BYTES || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total);
    let style = ProgressStyle::with_template(
        "{msg} [{bar:40}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
    )
    .map(|s| s.progress_chars("=> "));
    if let Ok(style) = style {
        bar.set_style(style);
    }
    bar.set_message(name.to_owned());
    bar
}

/// One line per file and table: rows read, stored and refused, the decision and the findings
/// by code; then what the run changed.
fn print_summary(reports: &[FileReport], report_path: Option<&std::path::Path>) {
    let mut lines = vec![format!(
        "{:<36} {:<16} {:>9} {:>9} {:>9}  {:<18} findings",
        "file", "table", "read", "stored", "refused", "decision"
    )];
    for report in reports {
        let file = shorten(&report.file, 36);
        if report.outcomes.is_empty() {
            lines.push(format!(
                "{file:<36} {:<16} {:>9} {:>9} {:>9}  {:<18}",
                "-", "-", 0, "-", "already_stored"
            ));
        }
        for outcome in &report.outcomes {
            let stored = if report.status == FileStatus::Stored {
                outcome.rows_valid
            } else {
                0
            };
            let decision = match (report.status, outcome.decision) {
                (FileStatus::Refused, riskmap_ingest::Decision::Refused) => "refused",
                (FileStatus::Refused, _) => "not stored",
                (_, riskmap_ingest::Decision::Accepted) => "accepted",
                (_, riskmap_ingest::Decision::AcceptedPartially) => "accepted_partially",
                (_, riskmap_ingest::Decision::Refused) => "refused",
            };
            let findings: Vec<String> = outcome
                .counts
                .iter()
                .map(|(code, n)| format!("{}×{n}", code.as_str()))
                .collect();
            lines.push(format!(
                "{file:<36} {:<16} {:>9} {stored:>9} {:>9}  {decision:<18} {}",
                outcome.table.as_str(),
                outcome.rows_read,
                outcome.rows_refused,
                findings.join(" ")
            ));
        }
        if let Some(message) = &report.message {
            lines.push(format!("  {}: {message}", report.file));
        }
        if report.needs_attention() {
            lines.extend(finding_lines(report, report_path));
        }
    }
    let stored = reports
        .iter()
        .filter(|r| r.status == FileStatus::Stored)
        .count();
    let refused = reports
        .iter()
        .filter(|r| r.status == FileStatus::Refused)
        .count();
    let again = reports.len() - stored - refused;
    lines.push(format!(
        "{stored} file(s) stored, {again} already stored, {refused} refused."
    ));
    if stored > 0 {
        lines.push("Stored data are visible to a running riskmap server at once: it sees the new data version and sums the current revisions again.".to_owned());
    }
    #[allow(
        clippy::print_stdout,
        reason = "the summary table is the command's output"
    )]
    for line in lines {
        println!("{line}");
    }
}

/// Findings shown per refused or partly accepted file.
const FINDINGS_SHOWN: usize = 5;

/// The first findings of a file as `file:row:column: CODE message`, then how many more the
/// report holds.
fn finding_lines(report: &FileReport, report_path: Option<&std::path::Path>) -> Vec<String> {
    let (shown, more) = report.first_findings(FINDINGS_SHOWN);
    let mut lines: Vec<String> = shown.into_iter().map(|line| format!("  {line}")).collect();
    if more > 0 {
        let target = report_path.map_or_else(
            || "--report FILE".to_owned(),
            |path| format!("--report {}", path.display()),
        );
        lines.push(format!("  … {more} more in {target}"));
    }
    lines
}

fn shorten(text: &str, width: usize) -> String {
    let count = text.chars().count();
    if count <= width {
        return text.to_owned();
    }
    let tail: String = text.chars().skip(count - (width - 1)).collect();
    format!("…{tail}")
}
