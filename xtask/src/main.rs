//! `cargo xtask`: project automation written in Rust (matklad's xtask pattern).
//!
//! `cargo xtask tidy` checks house rules that the compiler does not: every Rust file opens with
//! a `//!` comment, no debugging macros, placeholders or panic-expecting tests, and the pure
//! crates name no IO crate. `cargo xtask bench-ingest` times the ingest against DuckDB and a
//! full ingest into SQLite; `cargo xtask bench-api` drives the API's routes under load with
//! `wrk` (neither is run in CI). `cargo xtask backtest` back-tests the early-warning model on
//! a stored demo history (not run in CI either).

mod backtest;
mod bench_api;
mod bench_ingest;
mod bench_setup;
mod tidy;

fn main() -> anyhow::Result<()> {
    let task = std::env::args().nth(1).unwrap_or_default();
    match task.as_str() {
        "tidy" => tidy::run(&workspace_root()),
        "backtest" => backtest::run(
            &workspace_root(),
            &std::env::args().skip(2).collect::<Vec<_>>(),
        ),
        "bench-ingest" => bench_ingest::run(
            &workspace_root(),
            &std::env::args().skip(2).collect::<Vec<_>>(),
        ),
        "bench-api" => bench_api::run(
            &workspace_root(),
            &std::env::args().skip(2).collect::<Vec<_>>(),
        ),
        // The 10x-schools figures: bench-api on 76,870 generated and ingested schools (options
        // given after it override the scale and the rest).
        "bench-scale" => bench_api::run(
            &workspace_root(),
            &["--schools-scale".to_owned(), "10".to_owned()]
                .into_iter()
                .chain(std::env::args().skip(2))
                .collect::<Vec<_>>(),
        ),
        _ => {
            anyhow::bail!(
                "usage: cargo xtask tidy | backtest [--quarters Q] [--schools N] | bench-ingest [--sizes 100k,1M,3M] | bench-api [--help] | bench-scale [bench-api options]"
            )
        }
    }
}

/// The workspace root (the parent of this crate).
fn workspace_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the root")
        .to_path_buf()
}
