//! Benchmarks of the scorer's permutation inference on the two workloads of the scorer
//! issue, to run side by side with `bench/esda_peer.py` (PySAL esda on the very same data
//! doing the very same work):
//!
//! * (a) 224 districts: a 16 × 14 lattice of unit squares, queen contiguity (as libpysal's
//!   `lat2W(16, 14, rook=False)`);
//! * (b) 7,687 schools: points in a 700 km × 500 km box, kNN-8.
//!
//! For each: global EB on synthetic counts; global Moran (moments + 9,999 permutations);
//! LISA (row-standardised, moments + 9,999 conditional permutations); Gi* (binary + self,
//! moments + 9,999 conditional permutations), and Gi* analytic alone (moments and normal
//! p-values, no permutations: what the server's hotspot overlay runs). Weights are built once, outside the timed
//! code, on both sides; building the kNN-8 weights is timed on its own.
//!
//! Run: `cargo bench -p riskmap-score --bench permutation` (rayon uses every core; set
//! `RAYON_NUM_THREADS=1` for a single-thread figure), then
//! `python crates/riskmap-score/bench/esda_peer.py --compare` for esda's times and the
//! ratios. The data generator (splitmix64) is replicated bit for bit in the Python script.
//!
//! On a shared machine wall-clock times swing with other load. `BENCH_CPU_TIME=1` measures
//! the process's CPU time (all threads, from `/proc`, tick resolution) instead, under group
//! names ending in " cpu"; compare with `esda_peer.py --cpu --n-jobs 1` (esda's worker
//! processes would escape its CPU clock).

use criterion::Criterion;
use criterion::measurement::{Measurement, ValueFormatter, WallTime};
use geo_types::{LineString, MultiPolygon, Polygon};
use riskmap_score::getis_ord::{Variant, getis_ord_local};
use riskmap_score::moran_global::{moran_global, moran_global_permutation};
use riskmap_score::moran_local::moran_local;
use riskmap_score::permutation::PermutationMatrix;
use riskmap_score::rates::{RateData, global_eb};
use riskmap_score::weights::{Weights, knn, queen};

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
fn synthetic_points(n: usize, seed: u64) -> (Vec<[f64; 2]>, Vec<f64>) {
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

/// The unit squares of a rows × cols lattice (unit r·cols + c at column c, row r) and a
/// value with a trend plus noise.
fn synthetic_lattice(rows: usize, cols: usize, seed: u64) -> (Vec<MultiPolygon<f64>>, Vec<f64>) {
    let mut g = SplitMix64(seed);
    let mut cells = Vec::with_capacity(rows * cols);
    let mut values = Vec::with_capacity(rows * cols);
    for r in 0..rows {
        for c in 0..cols {
            let (x, y) = (c as f64, r as f64);
            let ring = vec![
                (x, y),
                (x + 1.0, y),
                (x + 1.0, y + 1.0),
                (x, y + 1.0),
                (x, y),
            ];
            cells.push(MultiPolygon(vec![Polygon::new(
                LineString::from(ring),
                vec![],
            )]));
            let noise = g.uniform();
            values.push(2.0 * ((x + 0.5) / cols as f64) + (y + 0.5) / rows as f64 + noise);
        }
    }
    (cells, values)
}

/// Events and populations: b = 200 + ⌊1800 u⌋, e = ⌊0.02 b u'⌋.
fn synthetic_counts(n: usize, seed: u64) -> (Vec<f64>, Vec<f64>) {
    let mut g = SplitMix64(seed);
    let mut events = Vec::with_capacity(n);
    let mut population = Vec::with_capacity(n);
    for _ in 0..n {
        let b = 200.0 + (1_800.0 * g.uniform()).floor();
        events.push((0.02 * b * g.uniform()).floor());
        population.push(b);
    }
    (events, population)
}

/// CPU time of this process, all threads, in nanoseconds (Linux `/proc`; 0 elsewhere).
struct ProcessCpuTime;

fn process_cpu_ns() -> u64 {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return 0;
    };
    tasks
        .filter_map(|task| std::fs::read_to_string(task.ok()?.path().join("schedstat")).ok())
        .filter_map(|stat| stat.split_whitespace().next()?.parse::<u64>().ok())
        .sum()
}

static WALL_TIME: WallTime = WallTime;

impl Measurement for ProcessCpuTime {
    type Intermediate = u64;
    type Value = std::time::Duration;

    fn start(&self) -> u64 {
        process_cpu_ns()
    }
    fn end(&self, start: u64) -> Self::Value {
        std::time::Duration::from_nanos(process_cpu_ns().saturating_sub(start))
    }
    fn add(&self, a: &Self::Value, b: &Self::Value) -> Self::Value {
        *a + *b
    }
    fn zero(&self) -> Self::Value {
        std::time::Duration::ZERO
    }
    fn to_f64(&self, value: &Self::Value) -> f64 {
        value.as_nanos() as f64
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        WALL_TIME.formatter()
    }
}

/// The four timed statistics of one workload.
fn workload<M: Measurement>(
    c: &mut Criterion<M>,
    group: &str,
    y: &[f64],
    w: &Weights,
    counts: &(Vec<f64>, Vec<f64>),
) {
    let w_row = w.row_standardised();
    let w_bin = w.binary();
    let mut group = c.benchmark_group(group);
    group.sample_size(10);
    group.bench_function("eb", |b| {
        b.iter(|| global_eb(&RateData::new(&counts.0, &counts.1).expect("counts")).expect("units"))
    });
    group.bench_function("moran global", |b| {
        b.iter(|| {
            let m = moran_global(y, &w_row).expect("valid input");
            let test =
                moran_global_permutation(y, &w_row, PERMUTATIONS, SEED).expect("valid input");
            (m, test)
        });
    });
    group.bench_function("lisa", |b| {
        b.iter(|| {
            let lisa = moran_local(y, &w_row).expect("valid input");
            let matrix =
                PermutationMatrix::draw(y.len(), w_row.max_cardinality(), PERMUTATIONS, SEED)
                    .expect("sizes");
            lisa.permutation_test(&w_row, &matrix).expect("sizes")
        });
    });
    group.bench_function("gistar analytic", |b| {
        b.iter(|| getis_ord_local(y, &w_bin, Variant::Star).expect("valid input"));
    });
    group.bench_function("gistar", |b| {
        b.iter(|| {
            let g = getis_ord_local(y, &w_bin, Variant::Star).expect("valid input");
            let matrix =
                PermutationMatrix::draw(y.len(), w_bin.max_cardinality(), PERMUTATIONS, SEED)
                    .expect("sizes");
            g.permutation_test(y, &w_bin, &matrix).expect("sizes")
        });
    });
    group.finish();
}

fn districts<M: Measurement>(c: &mut Criterion<M>, suffix: &str) {
    let (cells, y) = synthetic_lattice(16, 14, 2);
    let w = queen(&cells).expect("valid cells");
    let group = format!("a 224 cells queen{suffix}");
    workload(c, &group, &y, &w, &synthetic_counts(y.len(), 102));
}

fn schools<M: Measurement>(c: &mut Criterion<M>, suffix: &str) {
    let (points, y) = synthetic_points(7_687, 1);
    let w = knn(&points, 8).expect("distinct points");
    let group = format!("b 7687 points knn8{suffix}");
    {
        let mut group = c.benchmark_group(&group);
        group.sample_size(10);
        group.bench_function("knn8 weights", |b| {
            b.iter(|| knn(&points, 8).expect("distinct points"))
        });
        group.finish();
    }
    workload(c, &group, &y, &w, &synthetic_counts(y.len(), 101));
}

fn main() {
    if std::env::var_os("BENCH_CPU_TIME").is_some() {
        let mut c = Criterion::default()
            .with_measurement(ProcessCpuTime)
            .configure_from_args();
        districts(&mut c, " cpu");
        schools(&mut c, " cpu");
        c.final_summary();
    } else {
        let mut c = Criterion::default().configure_from_args();
        districts(&mut c, "");
        schools(&mut c, "");
        c.final_summary();
    }
}
