//! Tile generation on the real 224 districts, single thread, no HTTP (tiles.md §8, item 5).
//!
//! Two parts:
//! 1. A per-tile pass, printed as a table: startup (riskmap-geo load, then `TileLayer::new`:
//!    project + pre-simplify + index), then for every tile of z3–z6 over Kazakhstan and a
//!    deterministic sample of up to 2,000 z10 tiles, the cold time of encoding + gzip (no
//!    cache anywhere; one `TileEncoder` and one `Gzipper` reused, as the server does), repeated
//!    `RISKMAP_BENCH_PASSES` times (default 5): mean, p50, p99 and max per tile, and tile sizes.
//! 2. Criterion groups of the same work per zoom (time per tile via `Throughput::Elements`) and
//!    of `TileLayer::new`.
//!
//! Run: `cargo bench -p riskmap-tiles --bench tiles` (or `bench/run.sh`). With
//! `RISKMAP_BENCH_PATHS=<dir>` it also writes the tile lists as `paths_z{z}.txt` (`z/x/y` per
//! line), so the HTTP comparison with Martin requests exactly the same tiles.

#![allow(clippy::print_stdout, reason = "a bench reports on stdout")]

use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput};
use geo::BoundingRect;
use geo_types::{Rect, coord};
use riskmap_geo::{Geography, load_dir};
use riskmap_tiles::{
    Feature, Gzipper, LayerOptions, Properties, TileCoord, TileEncoder, TileLayer, tiles_covering,
};

const ZOOMS: [u8; 5] = [3, 4, 5, 6, 10];
const SAMPLE_CAP: usize = 2_000;

fn data_dir() -> PathBuf {
    riskmap_geo::dir_beside_repository(env!("CARGO_MANIFEST_DIR"))
}

/// The districts with the attributes the pilot used (id = KATO, `kato`, `name`, a risk value).
fn features(geo: &Geography) -> Vec<Feature> {
    (geo.districts().iter().enumerate())
        .map(|(i, d)| Feature {
            id: Some(
                d.kato
                    .to_string()
                    .parse::<u64>()
                    .expect("a KATO code is nine digits")
                    .into(),
            ),
            geometry: d.geometry.clone().into(),
            properties: Properties::new()
                .with("kato", d.kato.to_string())
                .with("name", d.names.ru.as_str())
                .with("risk", (i % 97) as f64 / 97.0),
        })
        .collect()
}

fn kazakhstan_bbox(geo: &Geography) -> Rect<f64> {
    let boxes: Vec<Rect<f64>> = geo
        .districts()
        .iter()
        .filter_map(|d| d.geometry.bounding_rect())
        .collect();
    let lo = coord! { x: boxes.iter().map(|b| b.min().x).fold(f64::MAX, f64::min), y: boxes.iter().map(|b| b.min().y).fold(f64::MAX, f64::min) };
    let hi = coord! { x: boxes.iter().map(|b| b.max().x).fold(f64::MIN, f64::max), y: boxes.iter().map(|b| b.max().y).fold(f64::MIN, f64::max) };
    Rect::new(lo, hi)
}

/// Tiles of zoom `z` that some district's bounding box reaches; above `SAMPLE_CAP`, an evenly
/// strided (deterministic) sample.
fn tile_list(layer: &TileLayer, bbox: Rect<f64>, z: u8) -> Vec<TileCoord> {
    let all: Vec<TileCoord> = (tiles_covering(bbox, z).expect("zoom in range").into_iter())
        .filter(|t| !layer.candidates(*t).is_empty())
        .collect();
    let stride = all.len().div_ceil(SAMPLE_CAP).max(1);
    all.into_iter().step_by(stride).collect()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

fn startup(geo: &Geography) -> TileLayer {
    let runs = 5;
    let mut times = Vec::with_capacity(runs);
    let mut layer = None;
    for _ in 0..runs {
        let input = features(geo);
        let t = Instant::now();
        layer = Some(
            TileLayer::new("districts", input, LayerOptions::default())
                .expect("the districts are valid"),
        );
        times.push(t.elapsed());
    }
    times.sort();
    let layer = layer.expect("runs > 0");
    let s = layer.stats();
    println!(
        "startup TileLayer::new (project + pre-simplify z0-z{} + R-tree), {} features, {} vertices: min {:.1} ms, median {:.1} ms over {runs} runs",
        s.vertices_by_zoom.len() - 1,
        s.features,
        s.vertices_full,
        ms(times[0]),
        ms(times[runs / 2]),
    );
    println!(
        "  vertices by zoom {:?}; rings kept unsimplified {}",
        s.vertices_by_zoom, s.rings_kept_unsimplified
    );
    layer
}

fn per_tile_pass(layer: &TileLayer, lists: &[(u8, Vec<TileCoord>)]) {
    let passes: usize = std::env::var("RISKMAP_BENCH_PASSES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    println!(
        "\ncold encode_tile + gzip, single thread, {passes} passes over each list (ms per tile; bytes)"
    );
    println!(
        "zoom  tiles  mean    p50     p99     max     | encode-only mean | raw mean/max KB | gz mean/max KB"
    );
    let mut gzipper = Gzipper::new();
    let mut encoder = TileEncoder::new();
    for (z, tiles) in lists {
        let mut total = Vec::with_capacity(tiles.len() * passes);
        let mut encode_only = Duration::ZERO;
        let (mut raw_sum, mut raw_max, mut gz_sum, mut gz_max, mut non_empty) = (0, 0, 0, 0, 0);
        for pass in 0..passes {
            for &t in tiles {
                let start = Instant::now();
                let raw = encoder.encode([layer], t).expect("encodes");
                let encoded = start.elapsed();
                let gz = raw.map(|r| gzipper.gzip(r).expect("gzips"));
                total.push(start.elapsed());
                encode_only += encoded;
                if pass == 0
                    && let (Some(raw), Some(gz)) = (raw, gz.as_ref())
                {
                    (raw_sum, raw_max, gz_sum, gz_max) = (
                        raw_sum + raw.len(),
                        raw_max.max(raw.len()),
                        gz_sum + gz.len(),
                        gz_max.max(gz.len()),
                    );
                    non_empty += 1;
                }
                black_box(gz);
            }
        }
        let mean = total.iter().sum::<Duration>() / total.len().max(1) as u32;
        total.sort();
        let kb = |b: usize| b as f64 / 1024.0;
        let per = |b: usize| kb(b) / f64::from(non_empty.max(1));
        println!(
            "z{z:<3} {:>5}  {:<7.3} {:<7.3} {:<7.3} {:<7.3} | {:<16.3} | {:>6.1} / {:<6.1} | {:>5.1} / {:<5.1}",
            tiles.len(),
            ms(mean),
            ms(percentile(&total, 0.5)),
            ms(percentile(&total, 0.99)),
            ms(percentile(&total, 1.0)),
            ms(encode_only / total.len().max(1) as u32),
            per(raw_sum),
            kb(raw_max),
            per(gz_sum),
            kb(gz_max),
        );
    }
}

fn write_paths(lists: &[(u8, Vec<TileCoord>)]) {
    let Some(dir) = std::env::var_os("RISKMAP_BENCH_PATHS").map(PathBuf::from) else {
        return;
    };
    std::fs::create_dir_all(&dir).expect("the paths folder can be created");
    for (z, tiles) in lists {
        let text: String = tiles.iter().map(|t| format!("{t}\n")).collect();
        std::fs::write(dir.join(format!("paths_z{z}.txt")), text)
            .expect("the paths file can be written");
    }
    println!("tile lists written to {}", dir.display());
}

fn criterion_groups(geo: &Geography, layer: &TileLayer, lists: &[(u8, Vec<TileCoord>)]) {
    let mut c = Criterion::default().configure_from_args();
    let mut group = c.benchmark_group("encode_tile+gzip per tile");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(6));
    for (z, tiles) in lists {
        group.throughput(Throughput::Elements(tiles.len() as u64));
        let mut gzipper = Gzipper::new();
        let mut encoder = TileEncoder::new();
        group.bench_function(format!("z{z} ({} tiles)", tiles.len()), |b| {
            b.iter(|| {
                for &t in tiles {
                    let raw = encoder.encode([layer], t).expect("encodes");
                    black_box(raw.map(|r| gzipper.gzip(r).expect("gzips")));
                }
            });
        });
    }
    group.finish();
    let mut group = c.benchmark_group("startup");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(5));
    group.bench_function("TileLayer::new districts", |b| {
        b.iter_batched(
            || features(geo),
            |f| TileLayer::new("districts", f, LayerOptions::default()).expect("valid"),
            criterion::BatchSize::LargeInput,
        );
    });
    group.finish();
    c.final_summary();
}

fn main() {
    let dir = data_dir();
    let t = Instant::now();
    let geo = load_dir(&dir)
        .unwrap_or_else(|e| panic!("the reference data must load from {}: {e}", dir.display()));
    println!(
        "riskmap_geo::load_dir (parse + validate all reference files): {:.1} ms",
        ms(t.elapsed())
    );
    let layer = startup(&geo);
    let bbox = kazakhstan_bbox(&geo);
    let lists: Vec<(u8, Vec<TileCoord>)> = ZOOMS
        .iter()
        .map(|&z| (z, tile_list(&layer, bbox, z)))
        .collect();
    write_paths(&lists);
    per_tile_pass(&layer, &lists);
    println!();
    criterion_groups(&geo, &layer, &lists);
}
