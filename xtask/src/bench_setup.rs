//! What the benchmarks create and must remove (shared by `bench-api` and `bench-ingest`): a temporary folder, a fresh database (a
//! SQLite file in that folder, or a PostgreSQL database of its own name, created and dropped
//! here), the data files, and the bearer tokens issued with `riskmap token create`. A watchdog
//! shell outlives the harness: when the harness is gone (finished, Ctrl-C, killed), it stops
//! the server and removes the folder and the database, unless `--keep-server` asked to keep
//! them.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use anyhow::{Context as _, bail};

/// The store of one run.
#[derive(Debug)]
pub(crate) enum Database {
    Sqlite(PathBuf),
    /// `admin_url` is the URL given; `name` the fresh database; `url` the server's.
    Postgres {
        admin_url: String,
        name: String,
        url: String,
    },
}

impl Database {
    pub(crate) fn url(&self) -> String {
        match self {
            Self::Sqlite(path) => format!("sqlite://{}", path.display()),
            Self::Postgres { url, .. } => url.clone(),
        }
    }

    pub(crate) fn backend(&self) -> &'static str {
        match self {
            Self::Sqlite(_) => "sqlite",
            Self::Postgres { .. } => "postgres",
        }
    }
}

/// The temporary folder, the database and the watchdog that removes both.
pub(crate) struct Workspace {
    pub(crate) dir: PathBuf,
    pub(crate) database: Database,
    watchdog: Option<Child>,
    keep: bool,
}

impl Workspace {
    /// `database`: `sqlite` for a fresh file, or a `postgres://…` URL whose server gets a
    /// fresh database named after this process.
    pub(crate) fn create(database: &str) -> anyhow::Result<Self> {
        let unique = format!(
            "riskmap_bench_{}_{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)?
                .as_secs()
        );
        let dir = std::env::temp_dir().join(&unique);
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
        let database = if database == "sqlite" {
            Database::Sqlite(dir.join("bench.sqlite3"))
        } else if database.starts_with("postgres://") || database.starts_with("postgresql://") {
            Database::Postgres {
                admin_url: database.to_owned(),
                url: with_database_name(database, &unique)?,
                name: unique,
            }
        } else {
            bail!("--database takes `sqlite` or a postgres:// URL, got {database:?}");
        };
        let mut workspace = Self {
            dir,
            database,
            watchdog: None,
            keep: false,
        };
        workspace.watchdog = Some(workspace.start_watchdog()?);
        if let Database::Postgres {
            admin_url, name, ..
        } = &workspace.database
        {
            psql(admin_url, &format!("create database \"{name}\""))?;
        }
        Ok(workspace)
    }

    /// Where the server's pid is written (read by the watchdog).
    pub(crate) fn pid_file(&self) -> PathBuf {
        self.dir.join("server.pid")
    }

    /// Keep the folder, the database and the server when the harness ends.
    pub(crate) fn keep(&mut self) -> anyhow::Result<()> {
        self.keep = true;
        std::fs::write(self.dir.join("keep"), "")?;
        Ok(())
    }

    /// A shell that waits for this process to end, then stops the server (pid file) and removes
    /// the folder and the fresh database, unless the `keep` marker exists.
    fn start_watchdog(&self) -> anyhow::Result<Child> {
        let drop_database = match &self.database {
            Database::Sqlite(_) => String::new(),
            Database::Postgres {
                admin_url, name, ..
            } => format!(
                "psql '{admin_url}' -q -c 'drop database if exists \"{name}\" with (force)' >/dev/null 2>&1"
            ),
        };
        let dir = self.dir.display();
        let script = format!(
            "trap '' INT HUP TERM
while kill -0 {harness} 2>/dev/null; do sleep 0.5; done
[ -e '{dir}/keep' ] && exit 0
if [ -s '{dir}/server.pid' ]; then
  pid=$(cat '{dir}/server.pid')
  kill -INT \"$pid\" 2>/dev/null && sleep 3 && kill -KILL \"$pid\" 2>/dev/null
fi
rm -rf '{dir}'
{drop_database}
",
            harness = std::process::id()
        );
        Command::new("sh")
            .args(["-c", &script])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .context("cannot start the cleanup watchdog")
    }
}

impl Drop for Workspace {
    fn drop(&mut self) {
        if self.keep {
            return;
        }
        let _ = std::fs::remove_dir_all(&self.dir);
        if let Database::Postgres {
            admin_url, name, ..
        } = &self.database
        {
            let _ = psql(
                admin_url,
                &format!("drop database if exists \"{name}\" with (force)"),
            );
        }
        // The watchdog finds nothing left to do and ends when this process does.
        drop(self.watchdog.take());
    }
}

/// Runs one SQL statement with `psql` against `url`.
pub(crate) fn psql(url: &str, sql: &str) -> anyhow::Result<()> {
    let output = Command::new("psql")
        .args([url, "-v", "ON_ERROR_STOP=1", "-q", "-c", sql])
        .output()
        .context("cannot run psql (needed for a PostgreSQL benchmark database)")?;
    if !output.status.success() {
        bail!(
            "psql {sql:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(())
}

/// Writes out the page cache's dirty pages (`sync`) and, with a PostgreSQL server, has it
/// checkpoint (its dirty buffers and the write-ahead log of earlier runs), so that the next
/// timed run starts on a quiet disk (a server that refuses the checkpoint is warned about,
/// named as `harness`). Shared by `bench-ingest` (before each load) and `bench-api` (before the
/// server starts, so its first answers do not pay for the data files and the ingest just written).
pub(crate) fn settle(postgres: Option<&str>, harness: &str) -> anyhow::Result<()> {
    let status = Command::new("sync").status().context("cannot run sync")?;
    if !status.success() {
        bail!("sync failed with {status}");
    }
    if let Some(url) = postgres
        && let Err(error) = psql(url, "checkpoint")
    {
        // A role without the right to checkpoint still gets its figures, with a warning.
        eprintln!("{harness}: PostgreSQL did not checkpoint before the run: {error:#}");
    }
    Ok(())
}

/// `url` with its database name replaced by `name` (query parameters kept).
fn with_database_name(url: &str, name: &str) -> anyhow::Result<String> {
    let (scheme, rest) = url.split_once("://").context("a URL needs ://")?;
    let (rest, query) = rest
        .split_once('?')
        .map_or((rest, None), |(r, q)| (r, Some(q)));
    let authority = rest.split('/').next().unwrap_or(rest);
    let mut out = format!("{scheme}://{authority}/{name}");
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    Ok(out)
}

/// The `riskmap` binary and the folders it reads.
pub(crate) struct Riskmap {
    pub(crate) binary: PathBuf,
    pub(crate) geography: PathBuf,
}

impl Riskmap {
    fn run(&self, args: &[&str]) -> anyhow::Result<String> {
        let output = Command::new(&self.binary)
            .args(args)
            .output()
            .with_context(|| format!("cannot run {}", self.binary.display()))?;
        if !output.status.success() {
            bail!(
                "riskmap {} failed: {}{}",
                args.join(" "),
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
        }
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    }

    /// `args` under `/usr/bin/time -f %M`: wall seconds and peak RSS in kB of the command.
    pub(crate) fn run_timed(&self, args: &[String]) -> anyhow::Result<(f64, Option<u64>)> {
        let started = std::time::Instant::now();
        let output = Command::new("/usr/bin/time")
            .args(["-f", "%M"])
            .arg(&self.binary)
            .args(args)
            .output()
            .context("cannot run /usr/bin/time (Debian package `time`)")?;
        let seconds = started.elapsed().as_secs_f64();
        if !output.status.success() {
            bail!(
                "riskmap {} failed: {}",
                args.join(" "),
                String::from_utf8_lossy(&output.stderr)
            );
        }
        let peak = String::from_utf8_lossy(&output.stderr)
            .lines()
            .last()
            .and_then(|line| line.trim().parse().ok());
        Ok((seconds, peak))
    }

    /// `riskmap demo generate --schools N` (8 quarters, the demo's seed) into `out`.
    pub(crate) fn generate(&self, schools: u32, out: &Path) -> anyhow::Result<()> {
        self.run(&[
            "demo",
            "generate",
            "--schools",
            &schools.to_string(),
            "--quarters",
            "8",
            "--seed",
            "748",
            "--out",
            &out.display().to_string(),
            "--geography",
            &self.geography.display().to_string(),
        ])
        .map(drop)
    }

    /// `riskmap ingest --synthetic` of these files into `database`.
    pub(crate) fn ingest(&self, database: &str, files: &[PathBuf]) -> anyhow::Result<()> {
        let mut args = vec![
            "ingest".to_owned(),
            "--synthetic".to_owned(),
            "--database".to_owned(),
            database.to_owned(),
            "--geography".to_owned(),
            self.geography.display().to_string(),
        ];
        args.extend(files.iter().map(|f| f.display().to_string()));
        self.run(&args.iter().map(String::as_str).collect::<Vec<_>>())
            .map(drop)
    }

    /// `riskmap token create --role ROLE [--region KATO] --database URL`: the clear token.
    pub(crate) fn token(
        &self,
        database: &str,
        role: &str,
        region: Option<&str>,
    ) -> anyhow::Result<String> {
        let mut args = vec![
            "token",
            "create",
            "--role",
            role,
            "--label",
            "bench-api",
            "--database",
            database,
        ];
        if let Some(region) = region {
            args.extend(["--region", region]);
        }
        let out = self.run(&args)?;
        let token = out.trim();
        if token.is_empty() || token.contains(char::is_whitespace) {
            bail!("riskmap token create printed {out:?}, not one token");
        }
        Ok(token.to_owned())
    }
}

/// Writes to `out` the rows of the latest period of a `school_quarter` CSV with their revision
/// raised by one: a valid resubmission, so an ingest of it changes the data version.
pub(crate) fn resubmission(school_quarter: &Path, out: &Path) -> anyhow::Result<usize> {
    let text = std::fs::read_to_string(school_quarter)
        .with_context(|| format!("cannot read {}", school_quarter.display()))?;
    let mut lines = text.lines();
    let header = lines.next().context("empty school_quarter file")?;
    let columns: Vec<&str> = header.split(',').collect();
    let column = |name: &str| {
        columns
            .iter()
            .position(|c| c.trim_matches('"') == name)
            .with_context(|| format!("{} has no column {name}", school_quarter.display()))
    };
    let (period, revision) = (column("period")?, column("revision")?);
    let rows: Vec<Vec<&str>> = lines.map(|line| line.split(',').collect()).collect();
    if rows.iter().any(|r| r.len() != columns.len()) {
        bail!(
            "{} has quoted commas; cannot rewrite it",
            school_quarter.display()
        );
    }
    let latest = rows
        .iter()
        .filter_map(|r| r.get(period).copied())
        .max()
        .context("no rows")?;
    let mut written = String::from(header);
    written.push('\n');
    let mut count = 0;
    for row in rows.iter().filter(|r| r[period] == latest) {
        let raised: u32 = row[revision]
            .trim_matches('"')
            .parse::<u32>()
            .context("revision is not a number")?
            + 1;
        let mut cells: Vec<String> = row.iter().map(|c| (*c).to_owned()).collect();
        cells[revision] = raised.to_string();
        written.push_str(&cells.join(","));
        written.push('\n');
        count += 1;
    }
    std::fs::write(out, written)?;
    Ok(count)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_database_name_is_replaced() {
        assert_eq!(
            super::with_database_name("postgres://postgres@127.0.0.1:5432/test", "b1").unwrap(),
            "postgres://postgres@127.0.0.1:5432/b1"
        );
        assert_eq!(
            super::with_database_name("postgres://u@h/test?sslmode=disable", "b2").unwrap(),
            "postgres://u@h/b2?sslmode=disable"
        );
        assert_eq!(
            super::with_database_name("postgres://u@h", "b3").unwrap(),
            "postgres://u@h/b3"
        );
    }

    #[test]
    fn the_resubmission_raises_the_latest_period_revision() {
        let dir = std::env::temp_dir().join(format!("bench_api_resub_{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let input = dir.join("q.csv");
        std::fs::write(
            &input,
            "nobd_org_id,period,revision,x\n1,2024-Q3,1,5\n1,2024-Q4,1,6\n2,2024-Q4,2,7\n",
        )
        .unwrap();
        let out = dir.join("r.csv");
        assert_eq!(super::resubmission(&input, &out).unwrap(), 2);
        assert_eq!(
            std::fs::read_to_string(&out).unwrap(),
            "nobd_org_id,period,revision,x\n1,2024-Q4,2,6\n2,2024-Q4,3,7\n"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
