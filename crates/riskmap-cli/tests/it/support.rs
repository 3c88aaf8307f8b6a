//! Test support: running the built `riskmap` binary, demo files, and fresh databases (a SQLite
//! file, or a new PostgreSQL database per test like `riskmap-store`'s tests).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use riskmap_demo::{DemoConfig, DemoData};
use riskmap_model::SchoolQuarterRecord;
use riskmap_store::{RowCounts, Store};
use sha2::{Digest, Sha256};
use sqlx::Connection;

/// The geography of the repository's neighbour `shared/`.
pub(crate) fn geography_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/kz")
}

/// Runs `riskmap ARGS…` and returns its output.
pub(crate) fn riskmap(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_riskmap"))
        .args(args)
        .env("RISKMAP_LOG", "warn")
        .output()
        .unwrap()
}

/// `riskmap ingest --database URL --geography … EXTRA…`, with its exit code and stdout.
pub(crate) fn ingest(url: &str, extra: &[&str]) -> (i32, String) {
    let geography = geography_dir().display().to_string();
    let mut args = vec!["ingest", "--database", url, "--geography", &geography];
    args.extend_from_slice(extra);
    let output = riskmap(&args);
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    (
        output.status.code().unwrap_or(-1),
        format!("{stdout}{stderr}"),
    )
}

/// `riskmap demo generate` into `out`; returns the files written.
pub(crate) fn demo_files(
    out: &Path,
    schools: u32,
    quarters: u32,
    seed: u64,
    extra: &[&str],
) -> Vec<PathBuf> {
    let (schools, quarters, seed) = (schools.to_string(), quarters.to_string(), seed.to_string());
    let (out_text, geography) = (
        out.display().to_string(),
        geography_dir().display().to_string(),
    );
    let mut args = vec![
        "demo",
        "generate",
        "--schools",
        &schools,
        "--quarters",
        &quarters,
        "--seed",
        &seed,
        "--out",
        &out_text,
        "--geography",
        &geography,
    ];
    args.extend_from_slice(extra);
    let output = riskmap(&args);
    assert!(
        output.status.success(),
        "demo generate failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(PathBuf::from)
        .collect()
}

/// The data `riskmap demo generate --schools N --quarters Q --seed S` writes, generated here the
/// same way (the scaling of `demo_cmd.rs`: schools and pupils by N / 7,687, quarters ending
/// 2024-Q4).
pub(crate) fn demo_data(schools: u32, quarters: u32, seed: u64) -> DemoData {
    let geography = riskmap_geo::load_dir(&geography_dir()).unwrap();
    let real: u32 = geography.regions().iter().map(|r| r.schools).sum();
    riskmap_demo::generate(
        &geography,
        &DemoConfig::scaled(schools, real, quarters, seed),
    )
}

/// Records sorted as `Store::records` returns them.
pub(crate) fn sorted(mut records: Vec<SchoolQuarterRecord>) -> Vec<SchoolQuarterRecord> {
    records.sort_by(|a, b| {
        (a.school.as_str(), a.period, a.revision).cmp(&(b.school.as_str(), b.period, b.revision))
    });
    records
}

/// Row counts and a SHA-256 of every stored record: equal snapshots mean an unchanged store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Snapshot {
    pub(crate) counts: RowCounts,
    pub(crate) records_sha256: String,
}

pub(crate) async fn snapshot(url: &str) -> Snapshot {
    let store = Store::connect(url).await.unwrap();
    let counts = store.row_counts().await.unwrap();
    let records = store.records().await.unwrap();
    store.close().await;
    let digest = Sha256::digest(format!("{records:?}").as_bytes());
    Snapshot {
        counts,
        records_sha256: digest.iter().map(|b| format!("{b:02x}")).collect(),
    }
}

/// A throw-away database: a SQLite file in a temporary folder, or a new PostgreSQL database.
pub(crate) struct TestDb {
    pub(crate) url: String,
    pub(crate) dir: tempfile::TempDir,
    postgres: Option<(String, String)>,
}

pub(crate) fn sqlite_db() -> TestDb {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("riskmap.sqlite3").display());
    TestDb {
        url,
        dir,
        postgres: None,
    }
}

/// A new database on the PostgreSQL test server, or `None` (with the reason printed) when no
/// server is reachable outside CI. Under CI (`CI` set) an unreachable server fails the test.
pub(crate) async fn postgres_db() -> Option<TestDb> {
    let admin_url = std::env::var("RISKMAP_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned());
    let mut admin = match sqlx::PgConnection::connect(&admin_url).await {
        Ok(conn) => conn,
        Err(e) if std::env::var_os("CI").is_none() => {
            eprintln!("SKIPPED: no PostgreSQL server reachable at {admin_url}: {e}");
            return None;
        }
        Err(e) => panic!("CI must run the PostgreSQL tests, but {admin_url} is unreachable: {e}"),
    };
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let name = format!("riskmap_cli_test_{}_{nanos}", std::process::id());
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("create database {name}")))
        .execute(&mut admin)
        .await
        .unwrap();
    let url = match admin_url.rfind('/') {
        Some(idx) if idx > "postgres://".len() => format!("{}/{name}", &admin_url[..idx]),
        _ => format!("{admin_url}/{name}"),
    };
    Some(TestDb {
        url,
        dir: tempfile::tempdir().unwrap(),
        postgres: Some((admin_url, name)),
    })
}

impl TestDb {
    pub(crate) async fn finish(self) {
        if let Some((admin_url, name)) = self.postgres {
            let mut admin = sqlx::PgConnection::connect(&admin_url).await.unwrap();
            sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                "drop database if exists {name} with (force)"
            )))
            .execute(&mut admin)
            .await
            .unwrap();
        }
    }
}

/// Rewrites a CSV: `edit(row_index, header, cells)` may change cells or return false to drop
/// the row.
pub(crate) fn rewrite_csv(
    from: &Path,
    to: &Path,
    mut edit: impl FnMut(usize, &csv::StringRecord, &mut Vec<String>) -> bool,
) {
    let mut reader = csv::Reader::from_path(from).unwrap();
    let header = reader.headers().unwrap().clone();
    let mut writer = csv::Writer::from_path(to).unwrap();
    writer.write_record(&header).unwrap();
    for (idx, record) in reader.records().enumerate() {
        let mut cells: Vec<String> = record.unwrap().iter().map(str::to_owned).collect();
        if edit(idx, &header, &mut cells) {
            writer.write_record(&cells).unwrap();
        }
    }
    writer.flush().unwrap();
}

/// The position of a column in a header.
pub(crate) fn column(header: &csv::StringRecord, name: &str) -> usize {
    header.iter().position(|h| h == name).unwrap()
}

/// The report written by `--report`.
pub(crate) fn read_report(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Every finding code in a report.
pub(crate) fn report_codes(report: &serde_json::Value) -> Vec<String> {
    report["files"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["outcomes"].as_array().unwrap().iter())
        .flat_map(|o| {
            o["counts"]
                .as_object()
                .unwrap()
                .keys()
                .cloned()
                .collect::<Vec<_>>()
        })
        .collect()
}

/// A `riskmap serve` child, killed when the test ends whatever happens.
pub(crate) struct Server(pub(crate) std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `riskmap serve` on a free port of 127.0.0.1 with the store at `url`, its spool
/// under `spool` and `extra` options; returns it with the address its first line prints.
pub(crate) fn serve(url: &str, spool: &Path, extra: &[&str]) -> (Server, std::net::SocketAddr) {
    use std::io::BufRead as _;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_riskmap"))
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--database",
            url,
            "--geography",
        ])
        .arg(geography_dir())
        .arg("--spool-dir")
        .arg(spool)
        .args(extra)
        .env("RISKMAP_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let server = Server(child);
    let mut first = String::new();
    std::io::BufReader::new(stdout)
        .read_line(&mut first)
        .unwrap();
    let addr = first
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_else(|| panic!("no address in {first:?}"))
        .parse()
        .unwrap();
    (server, addr)
}

/// The highest resident memory (`VmHWM`) of a running process, in kB (`None` once it has
/// exited).
pub(crate) fn high_water_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
