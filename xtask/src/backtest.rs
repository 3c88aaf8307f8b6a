//! `cargo xtask backtest [--quarters Q] [--schools N]`: the early-warning back-test on a
//! stored demo history. Builds `riskmap` (debug), generates the demo data (seed 748, Q quarters
//! ending 2024-Q4), ingests them into a SQLite store in a temporary folder, writes the district
//! counts of each S1 event measure with `riskmap panel`, and runs `riskmap forecast --backtest`
//! (NegBin1, one harmonic, frequency 4: the service's model) on each; prints the reports
//! (log score and RPS of hhh4, the naive seasonal forecast and EARS C2; sensitivity,
//! specificity and false-alarm rate of the alarms on injected outbreaks, and of the service's
//! forecast trigger at P > 0.8). Not run in CI.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};

/// S1 event measures of the forecast trigger (large, medium and small counts).
const MEASURES: [&str; 3] = ["viol_total", "bullying_cases", "offences_against_pupils"];

pub(crate) fn run(root: &Path, args: &[String]) -> anyhow::Result<()> {
    let quarters = option(args, "--quarters", "24")?;
    let schools = option(args, "--schools", "7687")?;
    checked(
        Command::new("cargo")
            .current_dir(root)
            .args(["build", "-q", "-p", "riskmap-cli"]),
    )?;
    let binary = target_dir(root).join("debug/riskmap");
    let geography = root.join("../shared/data/kz").display().to_string();
    let dir = std::env::temp_dir().join(format!("riskmap-backtest-{}", std::process::id()));
    let result = back_test(&binary, &geography, &dir, &quarters, &schools);
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn back_test(
    binary: &Path,
    geography: &str,
    dir: &Path,
    quarters: &str,
    schools: &str,
) -> anyhow::Result<()> {
    let files = dir.join("files");
    let out = files.display().to_string();
    riskmap(
        binary,
        &[
            "demo",
            "generate",
            "--schools",
            schools,
            "--quarters",
            quarters,
        ],
    )
    .args(["--seed", "748", "--out", &out, "--geography", geography])
    .status()
    .context("demo generate")
    .and_then(ok)?;
    let database = format!("sqlite://{}", dir.join("store.sqlite3").display());
    let mut ingest = riskmap(binary, &["ingest", "--synthetic", "--database", &database]);
    ingest.args(["--geography", geography]);
    for name in ["school_reference.csv", "school_quarter.csv"] {
        ingest.arg(files.join(name));
    }
    checked(&mut ingest)?;
    for measure in MEASURES {
        let panel = dir.join(measure);
        let panel_dir = panel.display().to_string();
        checked(
            riskmap(
                binary,
                &["panel", "--database", &database, "--measure", measure],
            )
            .args(["--geography", geography, "--out", &panel_dir]),
        )?;
        let file = |name: &str| panel.join(name).display().to_string();
        let report = Command::new(binary)
            .args(["forecast", "--counts", &file("counts.csv")])
            .args(["--population", &file("population.csv")])
            .args(["--neighbours", &file("neighbours.csv")])
            .args(["--frequency", "4", "--seasons", "1", "--family", "negbin1"])
            .args(["--backtest", "--trigger-probability", "0.8"])
            .output()
            .context("forecast --backtest")?;
        #[allow(clippy::print_stdout, reason = "the task's report")]
        if report.status.success() {
            println!("== {measure}\n{}", String::from_utf8_lossy(&report.stdout));
        } else {
            let error = String::from_utf8_lossy(&report.stderr);
            let message: Vec<&str> = error
                .lines()
                .take_while(|l| !l.trim_start().starts_with("0:") && !l.contains("backtrace"))
                .collect();
            println!("== {measure}\nno back-test: {}\n", message.join(" "));
        }
    }
    Ok(())
}

fn riskmap(binary: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(binary);
    command.args(args);
    command
}

fn checked(command: &mut Command) -> anyhow::Result<()> {
    let status = command
        .status()
        .with_context(|| format!("cannot run {command:?}"))?;
    ok(status).with_context(|| format!("{command:?}"))
}

fn ok(status: std::process::ExitStatus) -> anyhow::Result<()> {
    if status.success() {
        Ok(())
    } else {
        bail!("failed with {status}")
    }
}

fn option(args: &[String], name: &str, default: &str) -> anyhow::Result<String> {
    match args.iter().position(|a| a == name) {
        None => Ok(default.to_owned()),
        Some(i) => args
            .get(i + 1)
            .cloned()
            .with_context(|| format!("{name} needs a value")),
    }
}

fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .filter(|dir| !dir.is_empty())
        .map_or_else(|| root.join("target"), |dir| root.join(dir))
}
