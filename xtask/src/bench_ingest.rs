//! `cargo xtask bench-ingest`: the ingest benchmark in one run (not part of CI).
//!
//! Headline (`store_path.rs`): what the steward waits for — `riskmap ingest` of the demo's
//! `school_reference.csv` + `school_quarter.csv` into a fresh SQLite file and a fresh
//! PostgreSQL database, with every check, against DuckDB loading the same two files into a
//! persistent table and summing them by district × quarter; at 100k, 1M and 3M rows
//! (`--sizes`), wall time and peak RSS of each process.
//!
//! Components below it (`--no-components` skips them): the library's parse + validate +
//! aggregate of a 1,000,000-row file from the ingest crate's generator (`ingest_1m` bench,
//! with `run-owned` for reference and the SHA-256 of the file timed apart) against DuckDB's
//! parse + aggregate of that file (`bench/duckdb_peer.py`), best of `--runs`. DuckDB is
//! installed into a venv under /tmp when missing.
//!
//! Prints the table with the load average and appends the rows to `bench-results/ingest.csv`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};

mod store_path;

const ROWS: usize = 1_000_000;
/// The PostgreSQL server the file → store figures use (a fresh database of its own name).
const DEFAULT_POSTGRES: &str = "postgres://postgres@127.0.0.1:5432/postgres";
const VENV: &str = "/tmp/riskmap-duckdb-venv";

/// One measurement.
struct Timing {
    seconds: f64,
    peak_rss_kb: Option<u64>,
}

pub(crate) fn run(root: &Path, args: &[String]) -> anyhow::Result<()> {
    let options = Options::parse(args)?;
    cargo(root, &["build", "--release", "-q", "-p", "riskmap-cli"])?;
    let riskmap = target_dir(root).join("release/riskmap");
    let python = duckdb_python()?;
    let geography = root.join("../shared/data/kz");
    let peer = root.join("crates/riskmap-ingest/bench/duckdb_store_peer.py");
    let store_path = store_path::StorePath {
        riskmap: &riskmap,
        geography: &geography,
        python: &python,
        peer: &peer,
        postgres: options.postgres.as_deref(),
    };
    let load_before = load_average();
    let mut headline = Vec::new();
    for &rows in &options.sizes {
        progress(&format!(
            "file → store, about {rows} rows: generating and loading"
        ));
        headline.push(store_path.measure(rows)?);
    }
    let components = if options.components {
        Some(components(root, &python, options.runs)?)
    } else {
        None
    };
    let report = report(
        &headline,
        components.as_ref(),
        &load_before,
        &load_average(),
    )?;
    #[allow(clippy::print_stdout, reason = "the benchmark's report")]
    {
        print!("{report}");
    }
    append_results(root, &headline, components.as_ref())
}

/// The command line of `cargo xtask bench-ingest`.
struct Options {
    runs: usize,
    sizes: Vec<usize>,
    postgres: Option<String>,
    components: bool,
}

impl Options {
    fn parse(args: &[String]) -> anyhow::Result<Self> {
        let mut options = Self {
            runs: 3,
            sizes: vec![100_000, 1_000_000, 3_000_000],
            postgres: Some(DEFAULT_POSTGRES.to_owned()),
            components: true,
        };
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            let mut value = || args.next().with_context(|| format!("{arg} needs a value"));
            match arg.as_str() {
                "--runs" => options.runs = value()?.parse().context("--runs needs a number")?,
                "--sizes" => {
                    options.sizes = value()?
                        .split(',')
                        .map(store_path::parse_rows)
                        .collect::<anyhow::Result<_>>()?;
                }
                "--database" => {
                    let url = value()?;
                    options.postgres = (url != "none").then(|| url.clone());
                }
                "--no-components" => options.components = false,
                other => bail!(
                    "unknown option {other:?}; usage: cargo xtask bench-ingest [--sizes 100k,1M,3M] \
                     [--database postgres://USER@HOST:PORT/DB | none] [--runs N] [--no-components]"
                ),
            }
        }
        Ok(options)
    }
}

/// The component figures: parse + validate + aggregate in the library against DuckDB's parse
/// + aggregate of the same 1M-row file, without the store.
struct Components {
    runs: usize,
    rust: Timing,
    owned: Timing,
    hash: Timing,
    duck: Timing,
}

fn components(root: &Path, python: &Path, runs: usize) -> anyhow::Result<Components> {
    let csv = std::env::temp_dir().join("riskmap_bench_school_quarter_1m.csv");
    if !csv.exists() {
        let path = csv.display().to_string();
        let rows = ROWS.to_string();
        cargo(
            root,
            &[
                "bench",
                "-p",
                "riskmap-ingest",
                "--bench",
                "ingest_1m",
                "--",
                "generate",
                &path,
                &rows,
            ],
        )?;
    }
    cargo(
        root,
        &[
            "bench",
            "-p",
            "riskmap-ingest",
            "--bench",
            "ingest_1m",
            "--no-run",
        ],
    )?;
    let peer = root.join("crates/riskmap-ingest/bench/duckdb_peer.py");
    let (mut rust, mut owned, mut duck, mut hashes) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs {
        progress(
            "components: library parse + validate + aggregate against DuckDB parse + aggregate",
        );
        let out = capture(&mut ingest_bench(root, "run", &csv))?;
        rust.push(
            parse_timing(&out, "riskmap-ingest:")
                .context("no timing in the ingest bench output")?,
        );
        hashes.push(
            parse_timing(&out, "content hash")
                .context("no content-hash timing in the ingest bench output")?,
        );
        let out = capture(&mut ingest_bench(root, "run-owned", &csv))?;
        owned.push(
            parse_timing(&out, "riskmap-ingest (owned rows):")
                .context("no timing in the ingest bench's run-owned output")?,
        );
        let out = capture(Command::new(python).arg(&peer).arg(&csv))?;
        duck.push(parse_timing(&out, "duckdb").context("no timing in the DuckDB output")?);
    }
    Ok(Components {
        runs,
        rust: best(rust),
        owned: best(owned),
        hash: best(hashes),
        duck: best(duck),
    })
}

fn megabytes(kb: Option<u64>) -> String {
    kb.map_or_else(
        || "?".to_owned(),
        |k| format!("{:.0} MB", k as f64 / 1024.0),
    )
}

fn report(
    headline: &[store_path::SizeResult],
    components: Option<&Components>,
    load_before: &str,
    load_after: &str,
) -> anyhow::Result<String> {
    let mut out = String::new();
    writeln!(
        out,
        "file → store, as the steward runs it (riskmap ingest of school_reference + school_quarter,"
    )?;
    writeln!(
        out,
        "every check, the file hash and the commit) against DuckDB loading the same two CSVs into"
    )?;
    writeln!(
        out,
        "tables of a persistent file and summing six measures by district × quarter into a table:"
    )?;
    writeln!(
        out,
        "{:>9}  {:>18}  {:>18}  {:>18}  {:>8}  {:>8}",
        "rows", "riskmap → SQLite", "riskmap → Postgres", "DuckDB", "SQLite/D", "PG/D"
    )?;
    for size in headline {
        let cell = |run: &store_path::Run| {
            format!("{:.2} s {:>7}", run.seconds, megabytes(run.peak_rss_kb))
        };
        let pg = size
            .postgres
            .as_ref()
            .map_or_else(|| "(skipped)".to_owned(), cell);
        let pg_ratio = size.postgres.as_ref().map_or_else(String::new, |run| {
            format!("{:.2}", run.seconds / size.duckdb.seconds)
        });
        writeln!(
            out,
            "{:>9}  {:>18}  {:>18}  {:>18}  {:>8.2}  {:>8}",
            size.rows,
            cell(&size.sqlite),
            pg,
            cell(&size.duckdb),
            size.sqlite.seconds / size.duckdb.seconds,
            pg_ratio
        )?;
    }
    writeln!(
        out,
        "goals: SQLite/DuckDB ≤ 1.0, PostgreSQL/DuckDB ≤ 1.5, riskmap peak RSS ≤ 150 MB at every size"
    )?;
    writeln!(
        out,
        "load average: {load_before} at start, {load_after} at end"
    )?;
    if let Some(c) = components {
        writeln!(
            out,
            "\ncomponents (library only, no store), {ROWS} rows, best of {}:",
            c.runs
        )?;
        writeln!(
            out,
            "  parse+validate+aggregate {:>7.3} s  peak RSS {}",
            c.rust.seconds,
            megabytes(c.rust.peak_rss_kb)
        )?;
        writeln!(
            out,
            "  (owned rows)             {:>7.3} s  peak RSS {}",
            c.owned.seconds,
            megabytes(c.owned.peak_rss_kb)
        )?;
        writeln!(out, "  the file's SHA-256       {:>7.3} s", c.hash.seconds)?;
        writeln!(
            out,
            "  DuckDB parse+aggregate   {:>7.3} s  peak RSS {}",
            c.duck.seconds,
            megabytes(c.duck.peak_rss_kb)
        )?;
        writeln!(
            out,
            "  ratio library/DuckDB {:.2} (with the hash {:.2}); a component, not the user's number",
            c.rust.seconds / c.duck.seconds,
            (c.rust.seconds + c.hash.seconds) / c.duck.seconds
        )?;
    }
    Ok(out)
}

fn append_results(
    root: &Path,
    headline: &[store_path::SizeResult],
    components: Option<&Components>,
) -> anyhow::Result<()> {
    let results = root.join("bench-results");
    std::fs::create_dir_all(&results)?;
    let path = results.join("ingest.csv");
    let mut text = if path.exists() {
        std::fs::read_to_string(&path)?
    } else {
        "unix_time,measure,rows,seconds,peak_rss_kb,ratio_to_duckdb\n".to_owned()
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs();
    let kb = |k: Option<u64>| k.map(|k| k.to_string()).unwrap_or_default();
    for size in headline {
        let duck = size.duckdb.seconds;
        let mut line = |name: &str, run: &store_path::Run| {
            writeln!(
                text,
                "{now},{name},{},{:.3},{},{:.3}",
                size.rows,
                run.seconds,
                kb(run.peak_rss_kb),
                run.seconds / duck
            )
        };
        line("file_to_store_riskmap_sqlite", &size.sqlite)?;
        if let Some(pg) = &size.postgres {
            line("file_to_store_riskmap_postgres", pg)?;
        }
        line("file_to_store_duckdb", &size.duckdb)?;
    }
    if let Some(c) = components {
        let duck = c.duck.seconds;
        for (name, t) in [
            ("component_parse_validate_aggregate", &c.rust),
            ("component_parse_validate_aggregate_owned_rows", &c.owned),
            ("component_content_sha256", &c.hash),
            ("component_duckdb_parse_aggregate", &c.duck),
        ] {
            writeln!(
                text,
                "{now},{name},{ROWS},{:.3},{},{:.3}",
                t.seconds,
                kb(t.peak_rss_kb),
                t.seconds / duck
            )?;
        }
    }
    std::fs::write(&path, text)?;
    Ok(())
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".to_owned())
}

fn progress(line: &str) {
    #[allow(clippy::print_stderr, reason = "progress of a long benchmark")]
    {
        eprintln!("bench-ingest: {line}");
    }
}

/// Cargo's target directory: `CARGO_TARGET_DIR` when set (relative to the workspace root, as
/// cargo takes it), else `target/` in the workspace.
fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .filter(|dir| !dir.is_empty())
        .map_or_else(|| root.join("target"), |dir| root.join(dir))
}

/// A Python with DuckDB: the system one, or a venv under /tmp (created when missing).
fn duckdb_python() -> anyhow::Result<PathBuf> {
    let has_duckdb = |python: &Path| {
        Command::new(python)
            .args(["-c", "import duckdb"])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    for candidate in [
        PathBuf::from(format!("{VENV}/bin/python")),
        PathBuf::from("/tmp/duckdb-venv/bin/python"),
        PathBuf::from("python3"),
    ] {
        if has_duckdb(&candidate) {
            return Ok(candidate);
        }
    }
    run_checked(Command::new("python3").args(["-m", "venv", VENV]))?;
    run_checked(Command::new(format!("{VENV}/bin/pip")).args(["install", "--quiet", "duckdb"]))?;
    Ok(PathBuf::from(format!("{VENV}/bin/python")))
}

/// Reads `… in X s …; peak RSS K kB` from the line starting with `prefix`.
fn parse_timing(output: &str, prefix: &str) -> Option<Timing> {
    let line = output.lines().find(|l| l.starts_with(prefix))?;
    let seconds = line.split(" in ").nth(1)?.split(' ').next()?.parse().ok()?;
    let peak_rss_kb = line
        .split("peak RSS ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|k| k.parse().ok());
    Some(Timing {
        seconds,
        peak_rss_kb,
    })
}

fn best(timings: Vec<Timing>) -> Timing {
    timings
        .into_iter()
        .min_by(|a, b| a.seconds.total_cmp(&b.seconds))
        .expect("at least one run")
}

fn cargo(root: &Path, args: &[&str]) -> anyhow::Result<()> {
    run_checked(Command::new("cargo").current_dir(root).args(args))
}

fn run_checked(command: &mut Command) -> anyhow::Result<()> {
    let status = command
        .status()
        .with_context(|| format!("cannot run {command:?}"))?;
    if !status.success() {
        bail!("{command:?} failed with {status}");
    }
    Ok(())
}

/// `cargo bench -q -p riskmap-ingest --bench ingest_1m -- MODE CSV`.
fn ingest_bench(root: &Path, mode: &str, csv: &Path) -> Command {
    let mut command = Command::new("cargo");
    command
        .current_dir(root)
        .args([
            "bench",
            "-q",
            "-p",
            "riskmap-ingest",
            "--bench",
            "ingest_1m",
            "--",
        ])
        .arg(mode)
        .arg(csv);
    command
}

fn capture(command: &mut Command) -> anyhow::Result<String> {
    let output = command
        .output()
        .with_context(|| format!("cannot run {command:?}"))?;
    if !output.status.success() {
        bail!(
            "{command:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

#[cfg(test)]
mod tests {
    #[test]
    fn timings_are_read_from_both_reports() {
        let rust = super::parse_timing("riskmap-ingest: 1000000 rows (1000000 valid) in 2.345 s = 426439 rows/s; Accepted; 9 groups; peak RSS 51200 kB; sha256 ab", "riskmap-ingest:").unwrap();
        assert_eq!((rust.seconds, rust.peak_rss_kb), (2.345, Some(51_200)));
        let owned = super::parse_timing("riskmap-ingest: 9 rows (9 valid) in 1.5 s = 6 rows/s; peak RSS 1 kB\nriskmap-ingest (owned rows): 9 rows (9 valid) in 2.5 s = 4 rows/s; Accepted; 9 groups; peak RSS 7 kB", "riskmap-ingest (owned rows):").unwrap();
        assert_eq!((owned.seconds, owned.peak_rss_kb), (2.5, Some(7)));
        let duck = super::parse_timing(
            "duckdb 1.1.3: 5000 groups in 0.740 s; peak RSS 300000 kB",
            "duckdb",
        )
        .unwrap();
        assert_eq!((duck.seconds, duck.peak_rss_kb), (0.74, Some(300_000)));
    }
}
