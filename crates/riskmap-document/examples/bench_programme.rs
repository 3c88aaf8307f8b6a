//! Benchmark (not run by CI): the time to typeset the PDF of a programme with 300 problems and
//! 1,000 actions (and 1,000 progress reports, 300 review rows, a 300-district map). Run with
//! `cargo run --release -p riskmap-document --example bench_programme [runs]`.

use std::time::Instant;

fn main() {
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(5);
    let doc = riskmap_document::sample::programme(300, 1000);
    let words = riskmap_document::Lang::Kk.words();
    let mut times = Vec::new();
    for run in 0..=runs {
        let start = Instant::now();
        let pdf = match riskmap_document::programme_pdf(&doc, &words) {
            Ok(pdf) => pdf,
            Err(e) => {
                eprintln!("typesetting failed: {e}");
                std::process::exit(1);
            }
        };
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        eprintln!(
            "run {run}{}: {ms:.0} ms, {} KiB",
            if run == 0 {
                " (first: fonts loaded)"
            } else {
                ""
            },
            pdf.len() / 1024
        );
        if run > 0 {
            times.push(ms);
        }
    }
    times.sort_by(f64::total_cmp);
    if let Some(median) = times.get(times.len() / 2) {
        eprintln!("median of {runs}: {median:.0} ms (300 problems, 1,000 actions)");
    }
}
