//! Benchmark of the national back-cast: every period re-scored with the shipped methodology
//! (including the 100-draw Monte Carlo rank intervals) on deterministic synthetic panels of the
//! real sizes — 224 districts × 8 quarters and 7,687 schools × 8 quarters — plus the hotspot
//! list of the last quarter for all schools.
//!
//! Run: `cargo bench -p riskmap-score --bench rescore` (rayon uses every core). Target: the
//! whole national re-score well under 1 s in release.

use criterion::{Criterion, criterion_group, criterion_main};
use riskmap_model::Period;
use riskmap_score::composite::score_periods;
use riskmap_score::methodology::Methodology;
use riskmap_score::priority::priority_list;

#[path = "../tests/support/mod.rs"]
mod support;

const DISTRICTS: usize = 224;
const SCHOOLS: usize = 7_687;

fn quarters() -> Vec<Period> {
    Period::range_inclusive(support::q("2023-Q1"), support::q("2024-Q4"))
}

fn rescore(c: &mut Criterion) {
    let m = Methodology::builtin();
    let periods = quarters();
    let districts = support::panel(DISTRICTS, 20, &periods, false, 1);
    let schools = support::panel(SCHOOLS, 20, &periods, true, 2);
    let mut group = c.benchmark_group("rescore");
    group.sample_size(10);
    group.bench_function("districts_224x8", |b| {
        b.iter(|| score_periods(&m, &districts).expect("valid panel"))
    });
    group.bench_function("schools_7687x8", |b| {
        b.iter(|| score_periods(&m, &schools).expect("valid panel"))
    });
    let no_mc = support::methodology_with(&[("draws = 100", "draws = 0")]);
    group.bench_function("schools_7687x8_without_rank_intervals", |b| {
        b.iter(|| score_periods(&no_mc, &schools).expect("valid panel"))
    });
    group.bench_function("national_districts_and_schools", |b| {
        b.iter(|| {
            let d = score_periods(&m, &districts).expect("valid panel");
            let s = score_periods(&m, &schools).expect("valid panel");
            (d, s)
        })
    });
    let school_scores = score_periods(&m, &schools).expect("valid panel");
    let profiles: Vec<_> = (0..SCHOOLS)
        .map(|u| {
            let district = format!("{:02}{:02}00000", 10 + (u % 20), 1 + (u / 30) % 99);
            support::profile(
                &format!("u{u:05}"),
                &district,
                &format!("{:02}0000000", 10 + (u % 20)),
            )
        })
        .collect();
    let last = *periods.last().expect("eight quarters");
    group.bench_function("priority_list_7687", |b| {
        b.iter(|| {
            priority_list(&m, last, &profiles, &schools, &school_scores).expect("valid panel")
        })
    });
    group.finish();
}

criterion_group!(benches, rescore);
criterion_main!(benches);
