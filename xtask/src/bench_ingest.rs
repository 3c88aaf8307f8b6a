//! `cargo xtask bench-ingest`: the ingest benchmark in one run (not part of CI).
//!
//! 1. A 1,000,000-row `school_quarter` CSV from the ingest crate's seeded generator (the
//!    `ingest_1m` bench's `generate`; kept in the temp folder and reused).
//! 2. riskmap's parse + validate + aggregate of that file (`ingest_1m` bench's `run`, whose
//!    aggregate borrows the rows through `ingest_borrowed`) and DuckDB's parse + aggregate of
//!    the same file (`bench/duckdb_peer.py`; DuckDB is installed into a venv under /tmp when
//!    missing), best of `--runs` each, in the same run; for reference also the bench's
//!    `run-owned`, where the sink owns every row (`ingest`). As `riskmap-load` does, the bench
//!    takes the file's SHA-256 first and hands it to the ingest; that time is reported beside.
//! 3. The full `riskmap ingest` (check + store) of 100,000 rows into a new SQLite file, with
//!    the release binary (from `CARGO_TARGET_DIR` when set), after its schools' reference file.
//!
//! Prints the ratios and appends them to `bench-results/ingest.csv`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, bail};

const ROWS: usize = 1_000_000;
const STORE_ROWS: usize = 100_000;
const VENV: &str = "/tmp/riskmap-duckdb-venv";

/// One measurement.
struct Timing {
    seconds: f64,
    peak_rss_kb: Option<u64>,
}

pub(crate) fn run(root: &Path, args: &[String]) -> anyhow::Result<()> {
    let runs: usize = match args.iter().position(|a| a == "--runs") {
        Some(idx) => args
            .get(idx + 1)
            .context("--runs needs a number")?
            .parse()
            .context("--runs needs a number")?,
        None => 3,
    };
    let tmp = std::env::temp_dir();
    let csv = tmp.join("riskmap_bench_school_quarter_1m.csv");
    if !csv.exists() {
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
                &csv.display().to_string(),
                &ROWS.to_string(),
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
    let python = duckdb_python()?;
    let peer = root.join("crates/riskmap-ingest/bench/duckdb_peer.py");
    let (mut rust, mut owned, mut duck) = (Vec::new(), Vec::new(), Vec::new());
    let mut hashes = Vec::new();
    for _ in 0..runs {
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
        let out = capture(Command::new(&python).arg(&peer).arg(&csv))?;
        duck.push(parse_timing(&out, "duckdb").context("no timing in the DuckDB output")?);
    }
    let rust = best(rust);
    let hash = best(hashes);
    let owned = best(owned);
    let duck = best(duck);
    let store = full_ingest(root, &tmp)?;
    let ratio = rust.seconds / duck.seconds;
    let mut report = String::new();
    let rss = |t: &Timing| {
        t.peak_rss_kb.map_or_else(
            || "?".to_owned(),
            |k| format!("{:.0} MB", k as f64 / 1024.0),
        )
    };
    writeln!(
        report,
        "parse+validate+aggregate, {ROWS} rows (best of {runs}):"
    )?;
    writeln!(
        report,
        "  riskmap-ingest {:>7.3} s  peak RSS {}",
        rust.seconds,
        rss(&rust)
    )?;
    writeln!(
        report,
        "  (owned rows    {:>7.3} s  peak RSS {})",
        owned.seconds,
        rss(&owned)
    )?;
    writeln!(
        report,
        "  duckdb         {:>7.3} s  peak RSS {}",
        duck.seconds,
        rss(&duck)
    )?;
    writeln!(report, "  ratio riskmap/duckdb = {ratio:.2} (goal <= 1.0)")?;
    writeln!(
        report,
        "  the file's SHA-256, taken before the ingest for the re-ingest check: {:.3} s \
         (ratio with it {:.2})",
        hash.seconds,
        (rust.seconds + hash.seconds) / duck.seconds
    )?;
    writeln!(
        report,
        "full riskmap ingest into SQLite, {STORE_ROWS} rows: {:.3} s = {:.0} rows/s, peak RSS {}",
        store.seconds,
        STORE_ROWS as f64 / store.seconds,
        rss(&store)
    )?;
    #[allow(clippy::print_stdout, reason = "the benchmark's report")]
    {
        print!("{report}");
    }
    let results = root.join("bench-results");
    std::fs::create_dir_all(&results)?;
    let path = results.join("ingest.csv");
    let mut csv_text = if path.exists() {
        std::fs::read_to_string(&path)?
    } else {
        "unix_time,measure,rows,seconds,peak_rss_kb,ratio_to_duckdb\n".to_owned()
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs();
    let kb = |t: &Timing| t.peak_rss_kb.map(|k| k.to_string()).unwrap_or_default();
    writeln!(
        csv_text,
        "{now},riskmap_parse_validate_aggregate,{ROWS},{:.3},{},{ratio:.3}",
        rust.seconds,
        kb(&rust)
    )?;
    writeln!(
        csv_text,
        "{now},riskmap_content_sha256,{ROWS},{:.3},,{:.3}",
        hash.seconds,
        hash.seconds / duck.seconds
    )?;
    writeln!(
        csv_text,
        "{now},riskmap_parse_validate_aggregate_owned_rows,{ROWS},{:.3},{},{:.3}",
        owned.seconds,
        kb(&owned),
        owned.seconds / duck.seconds
    )?;
    writeln!(
        csv_text,
        "{now},duckdb_parse_aggregate,{ROWS},{:.3},{},1.000",
        duck.seconds,
        kb(&duck)
    )?;
    writeln!(
        csv_text,
        "{now},riskmap_ingest_sqlite,{STORE_ROWS},{:.3},{},",
        store.seconds,
        kb(&store)
    )?;
    std::fs::write(&path, csv_text)?;
    Ok(())
}

/// Generates demo files with the release binary, keeps the first 100,000 quarter rows, stores
/// the reference file, then times the ingest of the quarter rows.
fn full_ingest(root: &Path, tmp: &Path) -> anyhow::Result<Timing> {
    cargo(root, &["build", "--release", "-q", "-p", "riskmap-cli"])?;
    let riskmap = target_dir(root).join("release/riskmap");
    let dir = tmp.join("riskmap_bench_ingest");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    let geography = root.join("../shared/data/kz");
    let status = Command::new(&riskmap)
        .args([
            "demo",
            "generate",
            "--schools",
            "13000",
            "--quarters",
            "8",
            "--seed",
            "1",
            "--out",
        ])
        .arg(&dir)
        .arg("--geography")
        .arg(&geography)
        .status()?;
    if !status.success() {
        bail!("riskmap demo generate failed");
    }
    let quarter = dir.join("school_quarter.csv");
    let text = std::fs::read_to_string(&quarter)?;
    let kept: String = text.split_inclusive('\n').take(STORE_ROWS + 1).collect();
    if kept.lines().count() != STORE_ROWS + 1 {
        bail!("the demo produced fewer than {STORE_ROWS} rows");
    }
    let sample = dir.join("school_quarter_100k.csv");
    std::fs::write(&sample, kept)?;
    let database = format!("sqlite://{}", dir.join("bench.sqlite3").display());
    let ingest = |file: &Path| -> anyhow::Result<Timing> {
        let mut command = Command::new("/usr/bin/time");
        command
            .args(["-f", "%M"])
            .arg(&riskmap)
            .args(["ingest", "--database", &database, "--geography"])
            .arg(&geography)
            .arg(file);
        if !Path::new("/usr/bin/time").exists() {
            command = Command::new(&riskmap);
            command
                .args(["ingest", "--database", &database, "--geography"])
                .arg(&geography)
                .arg(file);
        }
        let started = Instant::now();
        let output = command.output()?;
        let seconds = started.elapsed().as_secs_f64();
        if !output.status.success() {
            bail!(
                "riskmap ingest {} failed: {}",
                file.display(),
                String::from_utf8_lossy(&output.stderr)
            );
        }
        let peak_rss_kb = String::from_utf8_lossy(&output.stderr)
            .lines()
            .last()
            .and_then(|l| l.trim().parse().ok());
        Ok(Timing {
            seconds,
            peak_rss_kb,
        })
    };
    ingest(&dir.join("school_reference.csv"))?;
    ingest(&sample)
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
