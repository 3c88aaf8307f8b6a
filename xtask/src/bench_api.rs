//! `cargo xtask bench-api`: the API under load (not part of CI).
//!
//! Builds the release binary, creates a fresh store (a SQLite file in a temporary folder, or a
//! PostgreSQL database of its own name on `--database postgres://…`), issues a ministry, an
//! akimat (Almaty city) and a public token with `riskmap token create`, starts
//! `riskmap serve --demo --public-access` on a free port (`--schools-scale F` ≠ 1: the demo
//! files for F × 7,687 schools are generated and ingested first, and the server runs without
//! `--demo`), and hands the rest to `measure::measure`: start-up times, every route's cold
//! and warm request and a `wrk` run per caller, RSS throughout, and the cold requests again
//! after an ingest (the latest quarter resubmitted); the machine is let settle (`setup::settle`)
//! before the server starts. Prints one table and appends the rows to
//! `target/bench-api/<date>-<git short hash>.csv`. Everything created is removed at the end,
//! also on Ctrl-C or an error (`setup::Workspace`'s watchdog), unless `--keep-server`.

mod http;
mod load;
pub(crate) mod measure;
mod report;
pub(crate) mod routes;
pub(crate) mod server;
use crate::bench_setup as setup;
mod system;

use std::ffi::OsString;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{Context as _, bail};

use load::LoadSettings;
use measure::{Caller, Plan};
use setup::{Riskmap, Workspace};

/// Schools of the standard demo data set (the real count, 2022/23).
const DEMO_SCHOOLS: u32 = 7687;
const USAGE: &str = "usage: cargo xtask bench-api [--duration 10s] [--connections 32] \
[--routes regions,districts,units,profile,compare,priority,priority-xlsx,hotspots,reporting,meta,tiles] \
[--callers ministry,akimat,public] [--database sqlite|postgres://USER@HOST:PORT/DB] \
[--schools-scale 1] [--tokens cli|demo] [--rss-limit-mb 8000] [--keep-server]";

/// The command line of `bench-api`.
#[derive(Debug)]
struct Options {
    duration: Duration,
    connections: u32,
    routes: Vec<String>,
    callers: Vec<String>,
    database: String,
    schools_scale: f64,
    demo_tokens: bool,
    rss_limit_mb: u64,
    keep_server: bool,
}

impl Options {
    fn parse(args: &[String]) -> anyhow::Result<Self> {
        let mut options = Self {
            duration: Duration::from_secs(10),
            connections: 32,
            routes: Vec::new(),
            callers: vec![
                "ministry".to_owned(),
                "akimat".to_owned(),
                "public".to_owned(),
            ],
            database: "sqlite".to_owned(),
            schools_scale: 1.0,
            demo_tokens: false,
            rss_limit_mb: 8000,
            keep_server: false,
        };
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            let (flag, inline) = match arg.split_once('=') {
                Some((flag, value)) => (flag, Some(value.to_owned())),
                None => (arg.as_str(), None),
            };
            if flag == "--keep-server" {
                options.keep_server = true;
                continue;
            }
            let value = match inline {
                Some(value) => value,
                None => args
                    .next()
                    .cloned()
                    .with_context(|| format!("{flag} needs a value\n{USAGE}"))?,
            };
            let list = |v: &str| {
                v.split(',')
                    .map(|s| s.trim().to_owned())
                    .filter(|s| !s.is_empty())
                    .collect()
            };
            match flag {
                "--duration" => options.duration = parse_seconds(&value)?,
                "--connections" => options.connections = value.parse().context("--connections")?,
                "--routes" => options.routes = list(&value),
                "--callers" => options.callers = list(&value),
                "--database" => options.database = value,
                "--schools-scale" => {
                    options.schools_scale = value.parse().context("--schools-scale")?
                }
                "--tokens" => {
                    options.demo_tokens = match value.as_str() {
                        "cli" => false,
                        "demo" => true,
                        other => bail!("--tokens takes cli or demo, got {other:?}"),
                    }
                }
                "--rss-limit-mb" => {
                    options.rss_limit_mb = value.parse().context("--rss-limit-mb")?
                }
                _ => bail!("unknown option {flag}\n{USAGE}"),
            }
        }
        if options.connections == 0
            || options.schools_scale.is_nan()
            || options.schools_scale <= 0.0
        {
            bail!("--connections and --schools-scale must be positive\n{USAGE}");
        }
        if let Some(unknown) = options
            .callers
            .iter()
            .find(|c| !["ministry", "akimat", "public"].contains(&c.as_str()))
        {
            bail!("unknown caller {unknown:?}: ministry, akimat or public");
        }
        if options.demo_tokens && (options.schools_scale - 1.0).abs() > f64::EPSILON {
            bail!("--tokens demo needs the demo server (--schools-scale 1)");
        }
        Ok(options)
    }

    fn schools(&self) -> u32 {
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "a positive scale of thousands of schools"
        )]
        let schools = (f64::from(DEMO_SCHOOLS) * self.schools_scale).round() as u32;
        schools.max(1)
    }

    fn is_demo(&self) -> bool {
        self.schools() == DEMO_SCHOOLS
    }
}

/// `10s`, `10` or `1m`.
fn parse_seconds(text: &str) -> anyhow::Result<Duration> {
    let (number, unit) = match text.strip_suffix('s') {
        Some(n) => (n, 1),
        None => text.strip_suffix('m').map_or((text, 1), |n| (n, 60)),
    };
    let seconds: u64 = number
        .parse()
        .with_context(|| format!("--duration {text:?}: whole seconds, e.g. 10s"))?;
    if seconds == 0 {
        bail!("--duration must be at least 1s");
    }
    Ok(Duration::from_secs(seconds * unit))
}

pub(crate) fn run(root: &Path, args: &[String]) -> anyhow::Result<()> {
    if args.iter().any(|a| a == "--help" || a == "-h") {
        progress(USAGE);
        return Ok(());
    }
    let options = Options::parse(args)?;
    let routes = routes::select(routes::default_routes(), &options.routes)?;
    load::ensure_wrk()?;
    progress("building the release binary (cargo build --release -p riskmap-cli)");
    let status = Command::new("cargo")
        .current_dir(root)
        .args(["build", "--release", "-q", "-p", "riskmap-cli"])
        .status()
        .context("cannot run cargo")?;
    if !status.success() {
        bail!("cargo build --release -p riskmap-cli failed");
    }
    let riskmap = Riskmap {
        binary: target_dir(root).join("release/riskmap"),
        geography: root.join("../shared/data/kz"),
    };
    let mut workspace = Workspace::create(&options.database)?;
    progress(&format!(
        "temporary folder {}, {} store",
        workspace.dir.display(),
        workspace.database.backend()
    ));
    let database = workspace.database.url();
    let data = workspace.dir.join("data");
    progress(&format!(
        "generating the demo files for {} schools",
        options.schools()
    ));
    let mut preparation = Vec::new();
    if options.is_demo() {
        riskmap.generate(options.schools(), &data)?;
    } else {
        preparation.push(timed_step(
            &riskmap,
            "riskmap demo generate",
            &generate_args(&riskmap, options.schools(), &data),
        )?);
    }
    let resubmitted = workspace.dir.join("resubmission.csv");
    let rows = setup::resubmission(&data.join("school_quarter.csv"), &resubmitted)?;
    if !options.is_demo() {
        progress("ingesting them (riskmap ingest --synthetic)");
        let mut args: Vec<String> = [
            "ingest",
            "--synthetic",
            "--database",
            &database,
            "--geography",
        ]
        .map(str::to_owned)
        .to_vec();
        args.push(riskmap.geography.display().to_string());
        for file in ["school_reference.csv", "school_quarter.csv"] {
            args.push(data.join(file).display().to_string());
        }
        preparation.push(timed_step(
            &riskmap,
            "riskmap ingest (file → store)",
            &args,
        )?);
    }
    let tokens = if options.demo_tokens {
        None
    } else {
        Some(cli_tokens(&riskmap, &database)?)
    };
    let server = server_command(&riskmap, &workspace, &options)?;
    let callers = |addr: SocketAddr| {
        let tokens = match &tokens {
            Some(tokens) => tokens.clone(),
            None => demo_route_tokens(addr)?,
        };
        resolve_callers(&tokens, &options.callers, !options.is_demo())
    };
    let ingest = || riskmap.ingest(&database, std::slice::from_ref(&resubmitted));
    let scratch = workspace.dir.join("wrk");
    std::fs::create_dir_all(&scratch)?;
    let plan = Plan {
        load: LoadSettings {
            duration: options.duration,
            connections: options.connections,
            rss_limit_kb: options.rss_limit_mb * 1024,
        },
        scratch: &scratch,
        callers: &callers,
        ingest: Some(&ingest),
        keep_server: options.keep_server,
        progress: &progress,
    };
    progress(&format!(
        "measuring {} routes x {} callers; after them an ingest of {rows} resubmitted rows",
        routes.len(),
        options.callers.len()
    ));
    // The data files and the store were just written: the server's first start and first
    // answers should not pay for their write-back.
    let postgres = (workspace.database.backend() == "postgres").then(|| database.clone());
    setup::settle(postgres.as_deref(), "bench-api")?;
    let (measurements, kept) = measure::measure(&server, &routes, &plan)?;
    let info = run_info(root, &workspace, &options)?;
    #[allow(clippy::print_stdout, reason = "the benchmark's report")]
    {
        print!("{}", report::table(&info, &measurements));
        for (step, seconds, peak) in &preparation {
            let peak = peak.map_or_else(
                || "?".to_owned(),
                |kb| format!("{:.0} MB", kb as f64 / 1024.0),
            );
            println!("set-up: {step}: {seconds:.1} s, peak RSS {peak}");
        }
    }
    let csv = target_dir(root)
        .join("bench-api")
        .join(format!("{}-{}.csv", info.date, info.git));
    append_csv(&csv, &report::csv(&info, &measurements, !csv.exists()))?;
    progress(&format!("rows appended to {}", csv.display()));
    keep_server_log(
        &server.log,
        &csv.with_extension(format!("{}.server.log", info.unix_time)),
    )?;
    if let Some((pid, addr)) = kept {
        workspace.keep()?;
        progress(&format!(
            "server kept: http://{addr}/ (pid {pid}); stop it with `kill -INT {pid}`, then remove {}",
            workspace.dir.display()
        ));
        for caller in &measurements.callers {
            if let Some(token) = &caller.token {
                progress(&format!("  {} token {token}", caller.name));
            }
        }
    }
    Ok(())
}

/// The arguments of `riskmap demo generate` as `Riskmap::generate` gives them.
fn generate_args(riskmap: &Riskmap, schools: u32, out: &Path) -> Vec<String> {
    let mut args: Vec<String> = ["demo", "generate", "--schools"]
        .map(str::to_owned)
        .to_vec();
    args.push(schools.to_string());
    args.extend(["--quarters", "8", "--seed", "748", "--out"].map(str::to_owned));
    args.push(out.display().to_string());
    args.push("--geography".to_owned());
    args.push(riskmap.geography.display().to_string());
    args
}

/// Runs a set-up step with its wall time and peak RSS, for the report.
fn timed_step(
    riskmap: &Riskmap,
    step: &str,
    args: &[String],
) -> anyhow::Result<(String, f64, Option<u64>)> {
    progress(&format!("{step} (timed)"));
    let (seconds, peak) = riskmap.run_timed(args)?;
    Ok((step.to_owned(), seconds, peak))
}

/// `riskmap serve` for this run (the harness adds `--addr`).
fn server_command(
    riskmap: &Riskmap,
    workspace: &Workspace,
    options: &Options,
) -> anyhow::Result<server::ServerCommand> {
    let mut args: Vec<OsString> = vec![
        "serve".into(),
        "--database".into(),
        workspace.database.url().into(),
        "--geography".into(),
        riskmap.geography.clone().into(),
        "--public-access".into(),
    ];
    if options.is_demo() {
        args.push("--demo".into());
    }
    Ok(server::ServerCommand {
        program: riskmap.binary.clone(),
        args,
        log: workspace.dir.join("server.log"),
        pid_file: workspace.pid_file(),
    })
}

/// Tokens by caller name, from `riskmap token create` against the run's store.
fn cli_tokens(riskmap: &Riskmap, database: &str) -> anyhow::Result<Vec<(String, String)>> {
    Ok(vec![
        (
            "ministry".to_owned(),
            riskmap.token(database, "ministry", None)?,
        ),
        (
            "akimat".to_owned(),
            riskmap.token(database, "akimat", Some(routes::REGION))?,
        ),
        (
            "public".to_owned(),
            riskmap.token(database, "public", None)?,
        ),
    ])
}

/// Tokens by role from `GET /api/v1/demo/tokens` (demo mode only).
fn demo_route_tokens(addr: SocketAddr) -> anyhow::Result<Vec<(String, String)>> {
    let answer = http::get(addr, "/api/v1/demo/tokens", &[], Duration::from_secs(30))?;
    if answer.status != 200 {
        bail!("GET /api/v1/demo/tokens answered {}", answer.status);
    }
    let text = answer.text();
    let tokens = text
        .split('{')
        .filter_map(|object| {
            Some((
                http::json_field(object, "role")?.to_owned(),
                http::json_field(object, "token")?.to_owned(),
            ))
        })
        .collect();
    Ok(tokens)
}

/// The callers asked for, in order. The public is anonymous when the server serves anonymous
/// requests as the public (`--public-access` without the demo's ministry view, i.e. not
/// `--demo`); under `--demo` it uses its token and is shown as `public-t`. No request is made
/// here: the roles are checked on `/api/v1/meta` at the end of the run.
fn resolve_callers(
    tokens: &[(String, String)],
    wanted: &[String],
    anonymous_public: bool,
) -> anyhow::Result<Vec<Caller>> {
    wanted
        .iter()
        .map(|role| {
            let token = tokens
                .iter()
                .find(|(name, _)| name == role)
                .map(|(_, token)| token.clone())
                .with_context(|| format!("no {role} token"));
            Ok(if role == "public" && anonymous_public {
                Caller::new(role, role, None)
            } else if role == "public" {
                Caller::new("public-t", role, Some(token?))
            } else {
                Caller::new(role, role, Some(token?))
            })
        })
        .collect()
}

fn run_info(
    root: &Path,
    workspace: &Workspace,
    options: &Options,
) -> anyhow::Result<report::RunInfo> {
    let output = |program: &str, args: &[&str]| -> String {
        Command::new(program)
            .current_dir(root)
            .args(args)
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
            .unwrap_or_default()
    };
    let git = output("git", &["rev-parse", "--short", "HEAD"]);
    Ok(report::RunInfo {
        unix_time: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)?
            .as_secs(),
        date: output("date", &["+%Y-%m-%d"]),
        git: if git.is_empty() {
            "nogit".to_owned()
        } else {
            git
        },
        backend: workspace.database.backend().to_owned(),
        schools: options.schools(),
        connections: options.connections,
        duration_s: options.duration.as_secs(),
    })
}

/// Copies the server's log next to the CSV and says how many errors it logged (answers outside
/// 2xx under load are explained there).
fn keep_server_log(log: &Path, kept: &Path) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let errors: Vec<&str> = text.lines().filter(|l| l.contains("ERROR")).collect();
    std::fs::write(kept, &text)?;
    progress(&format!(
        "server log kept in {}: {} error line(s){}",
        kept.display(),
        errors.len(),
        errors.first().map_or_else(String::new, |first| format!(
            ", the first: {}",
            strip_ansi(first)
        ))
    ));
    Ok(())
}

/// A log line without its terminal colour codes (`ESC [ … m`).
fn strip_ansi(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            chars.by_ref().find(|&c| c == 'm');
        } else {
            out.push(c);
        }
    }
    out
}

fn append_csv(path: &Path, text: &str) -> anyhow::Result<()> {
    use std::io::Write as _;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    file.write_all(text.as_bytes())?;
    Ok(())
}

/// Cargo's target directory: `CARGO_TARGET_DIR` when set (relative to the workspace root, as
/// cargo takes it), else `target/` in the workspace.
fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .filter(|dir| !dir.is_empty())
        .map_or_else(|| root.join("target"), |dir| root.join(dir))
}

fn progress(line: &str) {
    #[allow(clippy::print_stderr, reason = "progress of a long benchmark")]
    {
        eprintln!("bench-api: {line}");
    }
}

#[cfg(test)]
mod tests {
    fn parse(args: &[&str]) -> anyhow::Result<super::Options> {
        super::Options::parse(&args.iter().map(|a| (*a).to_owned()).collect::<Vec<_>>())
    }

    #[test]
    fn colour_codes_are_stripped_from_log_lines() {
        let line = "\u{1b}[2m2026-12-06T03:07:56Z\u{1b}[0m \u{1b}[31mERROR\u{1b}[0m store failure";
        assert_eq!(
            super::strip_ansi(line),
            "2026-12-06T03:07:56Z ERROR store failure"
        );
    }

    #[test]
    fn options_have_defaults_and_both_spellings() {
        let o = parse(&[]).unwrap();
        assert_eq!(
            (o.duration.as_secs(), o.connections, o.schools()),
            (10, 32, 7687)
        );
        assert!(o.is_demo() && !o.keep_server && o.routes.is_empty());
        let o = parse(&[
            "--duration=5s",
            "--connections",
            "8",
            "--routes",
            "regions,tiles",
            "--schools-scale",
            "10",
            "--keep-server",
        ])
        .unwrap();
        assert_eq!(
            (o.duration.as_secs(), o.connections, o.schools()),
            (5, 8, 76_870)
        );
        assert_eq!(o.routes, ["regions", "tiles"]);
        assert!(!o.is_demo() && o.keep_server);
        assert_eq!(parse(&["--duration", "1m"]).unwrap().duration.as_secs(), 60);
        assert!(parse(&["--duration", "0s"]).is_err());
        assert!(parse(&["--bogus"]).is_err());
        assert!(parse(&["--callers", "steward"]).is_err());
        assert!(parse(&["--connections"]).is_err());
        assert!(parse(&["--tokens", "demo", "--schools-scale", "10"]).is_err());
    }
}
