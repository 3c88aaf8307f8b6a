//! The `riskmap` command line: glue between clap, the geography, the store and the server.

mod allocator;
mod demo_cmd;
mod demo_contacts;
mod forecast_cmd;
mod forecast_files;
mod geography_arg;
mod ingest_cmd;
mod panel_cmd;
mod score_cmd;
mod serve_cmd;
mod token_cmd;

use std::process::ExitCode;

use clap::Parser;

/// riskmap: interactive regional risk map for child protection in Kazakhstan.
#[derive(Debug, Parser)]
#[command(name = "riskmap", version, about)]
enum Command {
    /// Run the web service (API and map).
    Serve(serve_cmd::ServeArgs),
    /// Score any polygon or point GeoJSON: smoothed rates, empirical Bayes, LISA, Gi*.
    Score(score_cmd::ScoreArgs),
    /// Issue or revoke API tokens.
    #[command(subcommand)]
    Token(token_cmd::TokenCommand),
    /// Check NOBD contract-v1 files and store each as one batch (exit 0 stored, 1 refused, 2 usage).
    Ingest(ingest_cmd::IngestArgs),
    /// Fit the endemic–epidemic (hhh4) early-warning model; predict; back-test.
    Forecast(forecast_cmd::ForecastArgs),
    /// Write the stored counts of one measure as the forecaster's input files.
    Panel(panel_cmd::PanelArgs),
    /// Synthetic data as contract-v1 files.
    #[command(subcommand)]
    Demo(demo_cmd::DemoCommand),
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("RISKMAP_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    allocator::purge_in_background();
    let result = match Command::parse() {
        Command::Serve(args) => serve_cmd::run(&args),
        Command::Score(args) => score_cmd::run(&args),
        Command::Token(command) => token_cmd::run(&command),
        Command::Ingest(args) => return ingest_cmd::run(&args),
        Command::Demo(command) => demo_cmd::run(&command),
        Command::Forecast(args) => forecast_cmd::run(&args),
        Command::Panel(args) => panel_cmd::run(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            report(&error);
            ExitCode::FAILURE
        }
    }
}

/// Prints an error and its causes on standard error.
fn report(error: &anyhow::Error) {
    #[allow(
        clippy::print_stderr,
        reason = "the command line reports its own failure"
    )]
    {
        eprintln!("error: {error}");
        for cause in error.chain().skip(1) {
            eprintln!("  caused by: {cause}");
        }
    }
}
