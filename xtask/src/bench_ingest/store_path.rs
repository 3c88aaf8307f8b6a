//! The headline of `cargo xtask bench-ingest`: what the steward waits for, file → store.
//!
//! For each size, `riskmap demo generate` writes `school_reference.csv` and
//! `school_quarter.csv` (8 quarters, rows ≈ schools × 8); then, in the same run:
//! * riskmap: one `riskmap ingest` of both files into a fresh SQLite file, and into a fresh
//!   PostgreSQL database of its own name — the command a steward runs, with the file hash,
//!   every contract check, the checks against stored data, and the commit;
//! * DuckDB: the same two CSVs loaded into tables of a persistent database file, and the six
//!   measures summed by district × quarter into a third table (`bench/duckdb_store_peer.py`),
//!   closed (checkpointed) before the clock stops.
//!
//! Each is timed by wall clock from process start to exit, with its peak RSS (`/usr/bin/time`).
//! Before each run the machine is let settle (`bench_setup::settle`): the page cache's dirty pages are
//! written out and PostgreSQL checkpoints, so no run pays for the writes of the one before
//! (the SQLite file just written, the PostgreSQL database of the size before).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context as _, bail};

use crate::bench_setup::{Workspace, settle};

/// One process run: wall time and peak resident memory.
pub(crate) struct Run {
    pub(crate) seconds: f64,
    pub(crate) peak_rss_kb: Option<u64>,
}

/// The figures of one size.
pub(crate) struct SizeResult {
    pub(crate) rows: usize,
    pub(crate) sqlite: Run,
    pub(crate) postgres: Option<Run>,
    pub(crate) duckdb: Run,
}

/// What the headline needs.
pub(crate) struct StorePath<'a> {
    pub(crate) riskmap: &'a Path,
    pub(crate) geography: &'a Path,
    pub(crate) python: &'a Path,
    pub(crate) peer: &'a Path,
    /// A `postgres://` URL whose server gets a fresh database per size, or `None`.
    pub(crate) postgres: Option<&'a str>,
}

impl StorePath<'_> {
    /// Generates the files for about `rows` quarter rows and times the three loads.
    pub(crate) fn measure(&self, rows: usize) -> anyhow::Result<SizeResult> {
        let files = Workspace::create("sqlite")?;
        let schools = rows.div_ceil(8);
        self.generate(schools, &files.dir)?;
        let reference = files.dir.join("school_reference.csv");
        let quarter = files.dir.join("school_quarter.csv");
        let rows = count_rows(&quarter)?;
        settle(self.postgres, "bench-ingest")?;
        let sqlite = self.ingest(&files.database.url(), &reference, &quarter)?;
        let postgres = match self.postgres {
            Some(url) => {
                let store = Workspace::create(url)?;
                settle(self.postgres, "bench-ingest")?;
                Some(self.ingest(&store.database.url(), &reference, &quarter)?)
            }
            None => None,
        };
        settle(self.postgres, "bench-ingest")?;
        let duckdb = self.duckdb(&reference, &quarter, &files.dir.join("peer.duckdb"))?;
        Ok(SizeResult {
            rows,
            sqlite,
            postgres,
            duckdb,
        })
    }

    fn generate(&self, schools: usize, out: &Path) -> anyhow::Result<()> {
        let status = Command::new(self.riskmap)
            .args(["demo", "generate", "--schools", &schools.to_string()])
            .args(["--quarters", "8", "--seed", "748", "--out"])
            .arg(out)
            .arg("--geography")
            .arg(self.geography)
            .status()
            .context("cannot run riskmap demo generate")?;
        if !status.success() {
            bail!("riskmap demo generate --schools {schools} failed with {status}");
        }
        Ok(())
    }

    fn ingest(&self, database: &str, reference: &Path, quarter: &Path) -> anyhow::Result<Run> {
        let mut command = Command::new(self.riskmap);
        command
            .args(["ingest", "--database", database, "--geography"])
            .arg(self.geography)
            .arg(reference)
            .arg(quarter);
        timed(command)
    }

    fn duckdb(&self, reference: &Path, quarter: &Path, file: &Path) -> anyhow::Result<Run> {
        let mut command = Command::new(self.python);
        command.arg(self.peer).arg(reference).arg(quarter).arg(file);
        timed(command)
    }
}

/// Runs `command` under `/usr/bin/time -f %M` (peak RSS in kB, the last line of stderr).
fn timed(command: Command) -> anyhow::Result<Run> {
    let mut wrapped = Command::new("/usr/bin/time");
    wrapped.args(["-f", "%M"]).arg(command.get_program());
    wrapped.args(command.get_args());
    let started = Instant::now();
    let output = wrapped
        .output()
        .with_context(|| format!("cannot run {command:?} (is /usr/bin/time installed?)"))?;
    let seconds = started.elapsed().as_secs_f64();
    if !output.status.success() {
        bail!(
            "{command:?} failed: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(Run {
        seconds,
        peak_rss_kb: peak_rss(&output.stderr),
    })
}

fn peak_rss(stderr: &[u8]) -> Option<u64> {
    String::from_utf8_lossy(stderr)
        .lines()
        .last()
        .and_then(|line| line.trim().parse().ok())
}

/// Data rows of a CSV file (lines after the header).
fn count_rows(path: &PathBuf) -> anyhow::Result<usize> {
    use std::io::BufRead as _;
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let lines = std::io::BufReader::new(file).lines().count();
    Ok(lines.saturating_sub(1))
}

/// `100k`, `1M`, `3M` or a plain number.
pub(crate) fn parse_rows(text: &str) -> anyhow::Result<usize> {
    let lower = text.trim().to_ascii_lowercase();
    let (digits, factor) = if let Some(d) = lower.strip_suffix('k') {
        (d, 1_000)
    } else if let Some(d) = lower.strip_suffix('m') {
        (d, 1_000_000)
    } else {
        (lower.as_str(), 1)
    };
    let value: usize = digits
        .parse()
        .with_context(|| format!("a row count like 100k, 1M or 250000, got {text:?}"))?;
    Ok(value * factor)
}

#[cfg(test)]
mod tests {
    #[test]
    fn row_counts_take_suffixes() {
        assert_eq!(super::parse_rows("100k").unwrap(), 100_000);
        assert_eq!(super::parse_rows("3M").unwrap(), 3_000_000);
        assert_eq!(super::parse_rows("2500").unwrap(), 2_500);
        assert!(super::parse_rows("lots").is_err());
    }

    #[test]
    fn peak_rss_is_the_last_stderr_line() {
        assert_eq!(super::peak_rss(b"warning\n123456\n"), Some(123_456));
        assert_eq!(super::peak_rss(b"no number"), None);
    }
}
