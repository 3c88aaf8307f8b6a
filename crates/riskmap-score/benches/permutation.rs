//! Benchmarks of the scorer's heavy paths on deterministic synthetic data, to run side by
//! side with `bench/esda_peer.py` (PySAL esda on the very same points and values):
//!
//! * 7,687 points (the number of schools), kNN-8, 9,999 permutations: LISA, Gi*, global
//!   Moran; plus building the kNN weights;
//! * 224 points (the number of districts), kNN-5, 9,999 permutations: LISA.
//!
//! Run: `cargo bench -p riskmap-score --bench permutation` (rayon uses every core; set
//! `RAYON_NUM_THREADS=1` for a single-thread figure). The data generator (splitmix64) is
//! replicated bit for bit in the Python script.

use criterion::{Criterion, criterion_group, criterion_main};
use riskmap_score::getis_ord::{Variant, getis_ord_local};
use riskmap_score::moran_global::moran_global_permutation;
use riskmap_score::moran_local::moran_local;
use riskmap_score::permutation::PermutationMatrix;
use riskmap_score::weights::knn;

const PERMUTATIONS: usize = 9_999;
const SEED: u64 = 12345;

/// splitmix64 stream; `uniform` is (z >> 11)·2⁻⁵³ ∈ [0, 1), as in `esda_peer.py`.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn uniform(&mut self) -> f64 {
        (self.next() >> 11) as f64 * (1.0 / 9_007_199_254_740_992.0)
    }
}

/// n points in a 700 km × 500 km box (metres) and a value with a linear trend plus noise.
fn synthetic(n: usize, seed: u64) -> (Vec<[f64; 2]>, Vec<f64>) {
    let mut g = SplitMix64(seed);
    let mut points = Vec::with_capacity(n);
    let mut values = Vec::with_capacity(n);
    for _ in 0..n {
        let (ux, uy, noise) = (g.uniform(), g.uniform(), g.uniform());
        points.push([700_000.0 * ux, 500_000.0 * uy]);
        values.push(2.0 * ux + uy + noise);
    }
    (points, values)
}

fn schools(c: &mut Criterion) {
    let (points, y) = synthetic(7_687, 1);
    let w = knn(&points, 8).expect("distinct points");
    let w_row = w.row_standardised();
    let mut group = c.benchmark_group("7687 points knn8");
    group.sample_size(10);
    group.bench_function("knn8 weights", |b| {
        b.iter(|| knn(&points, 8).expect("distinct points"))
    });
    group.bench_function("lisa 9999 permutations", |b| {
        b.iter(|| {
            let lisa = moran_local(&y, &w_row).expect("valid input");
            let matrix =
                PermutationMatrix::draw(y.len(), w_row.max_cardinality(), PERMUTATIONS, SEED)
                    .expect("sizes");
            lisa.permutation_test(&w_row, &matrix).expect("sizes")
        });
    });
    group.bench_function("gistar 9999 permutations", |b| {
        b.iter(|| {
            let g = getis_ord_local(&y, &w, Variant::Star).expect("valid input");
            let matrix = PermutationMatrix::draw(y.len(), w.max_cardinality(), PERMUTATIONS, SEED)
                .expect("sizes");
            g.permutation_test(&y, &w, &matrix).expect("sizes")
        });
    });
    group.bench_function("moran global 9999 permutations", |b| {
        b.iter(|| moran_global_permutation(&y, &w_row, PERMUTATIONS, SEED).expect("valid input"));
    });
    group.finish();
}

fn districts(c: &mut Criterion) {
    let (points, y) = synthetic(224, 2);
    let w_row = knn(&points, 5).expect("distinct points").row_standardised();
    let mut group = c.benchmark_group("224 points knn5");
    group.sample_size(20);
    group.bench_function("lisa 9999 permutations", |b| {
        b.iter(|| {
            let lisa = moran_local(&y, &w_row).expect("valid input");
            let matrix =
                PermutationMatrix::draw(y.len(), w_row.max_cardinality(), PERMUTATIONS, SEED)
                    .expect("sizes");
            lisa.permutation_test(&w_row, &matrix).expect("sizes")
        });
    });
    group.finish();
}

criterion_group!(benches, schools, districts);
criterion_main!(benches);
