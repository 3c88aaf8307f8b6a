//! Instruction-count harness for cold tiles: encode + gzip every district tile of one zoom.
//!
//! The districts carry properties shaped like the server's (`kato`, three names, thirteen
//! indicator values rounded to 0.001, some `_flag` strings, `composite`, `composite_band`).
//! `TILE_COST_ZOOM` (default 6) picks the zoom, `TILE_COST_PASSES` (default 20) the passes;
//! z10 uses an evenly strided sample of at most 2,000 tiles, as the tiles bench does. Count
//! only the tile work with
//! `valgrind --tool=callgrind --collect-atstart=no --toggle-collect='*tile_cost*run_passes*'`
//! and divide the instructions by the tiles × passes the example prints. `TILE_COST_DUMP=<file>`
//! also writes the raw tiles, length-prefixed, to compare two encoders byte for byte.

#![allow(clippy::print_stdout, reason = "an example reports on stdout")]

use std::hint::black_box;

use geo::BoundingRect;
use geo_types::{Rect, coord};
use riskmap_tiles::{
    Feature, Gzipper, LayerOptions, Properties, TileCoord, TileEncoder, TileLayer, encode_tile,
    tiles_covering,
};

const INDICATORS: [&str; 13] = [
    "viol_rate",
    "bullying_rate",
    "cyberbullying_rate",
    "sexual_violence_rate",
    "suicide_rate",
    "suicide_attempt_rate",
    "selfharm_rate",
    "offences_against_rate",
    "offences_by_rate",
    "isu_opened_rate",
    "isu_backlog_share",
    "psych_coverage",
    "socped_coverage",
];

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn properties(i: usize, kato: &str, names: &riskmap_geo::Names) -> Properties {
    let mut p = Properties::new()
        .with("kato", kato)
        .with("name_kk", names.kk.as_str())
        .with("name_ru", names.ru.as_str())
        .with("name_en", names.en.as_str());
    for (k, code) in INDICATORS.iter().enumerate() {
        let h = (i * 7919 + k * 104_729) % 100_003;
        if h.is_multiple_of(11) {
            p.insert(
                format!("{code}_flag"),
                if h.is_multiple_of(2) { "c" } else { "u" },
            );
        } else {
            p.insert(*code, (h as f64 / 97.0 * 1000.0).round() / 1000.0);
            if h.is_multiple_of(7) {
                p.insert(format!("{code}_flag"), "u");
            }
        }
    }
    p.insert(
        "composite",
        ((i * 37 % 1000) as f64 / 100.0 * 1000.0).round() / 1000.0,
    );
    p.insert("composite_band", (i % 5 + 1) as f64);
    p
}

#[inline(never)]
fn run_passes(layer: &TileLayer, tiles: &[TileCoord], passes: usize) -> usize {
    let mut gzipper = Gzipper::new();
    let mut encoder = TileEncoder::new();
    let mut bytes = 0;
    for _ in 0..passes {
        for &t in tiles {
            let raw = encoder.encode([layer], t).expect("encodes");
            let gz = raw.map(|r| gzipper.gzip(r).expect("gzips"));
            bytes += gz.as_ref().map_or(0, Vec::len);
            black_box(gz);
        }
    }
    bytes
}

fn main() {
    let dir = riskmap_geo::dir_beside_repository(env!("CARGO_MANIFEST_DIR"));
    let geo = riskmap_geo::load_dir(&dir).expect("the reference data loads");
    let features: Vec<Feature> = (geo.districts().iter().enumerate())
        .map(|(i, d)| Feature {
            id: d.kato.as_str().parse::<u64>().ok().map(Into::into),
            geometry: d.geometry.clone().into(),
            properties: properties(i, d.kato.as_str(), &d.names),
        })
        .collect();
    let boxes: Vec<Rect<f64>> = features
        .iter()
        .filter_map(|f| match &f.geometry {
            riskmap_tiles::FeatureGeometry::Polygons(mp) => mp.bounding_rect(),
            riskmap_tiles::FeatureGeometry::Points(_) => None,
        })
        .collect();
    let bbox = Rect::new(
        coord! { x: boxes.iter().map(|b| b.min().x).fold(f64::MAX, f64::min), y: boxes.iter().map(|b| b.min().y).fold(f64::MAX, f64::min) },
        coord! { x: boxes.iter().map(|b| b.max().x).fold(f64::MIN, f64::max), y: boxes.iter().map(|b| b.max().y).fold(f64::MIN, f64::max) },
    );
    let layer = TileLayer::new(
        "districts",
        features,
        LayerOptions {
            max_zoom: 16,
            ..LayerOptions::default()
        },
    )
    .expect("the districts are valid");
    let z: u8 = env_or("TILE_COST_ZOOM", 6);
    let passes: usize = env_or("TILE_COST_PASSES", 20);
    let all: Vec<TileCoord> = (tiles_covering(bbox, z).expect("zoom in range").into_iter())
        .filter(|t| !layer.candidates(*t).is_empty())
        .collect();
    let stride = all.len().div_ceil(2_000).max(1);
    let tiles: Vec<TileCoord> = all.into_iter().step_by(stride).collect();
    if let Some(path) = std::env::var_os("TILE_COST_DUMP") {
        // Every raw tile, length-prefixed, to compare encoders byte for byte.
        let mut out = Vec::new();
        for &t in &tiles {
            let raw = encode_tile([&layer], t)
                .expect("encodes")
                .unwrap_or_default();
            out.extend_from_slice(&(raw.len() as u64).to_le_bytes());
            out.extend_from_slice(&raw);
        }
        std::fs::write(path, out).expect("the dump can be written");
    }
    let bytes = run_passes(&layer, &tiles, passes);
    println!(
        "z{z}: {} tiles x {passes} passes = {} tile encodings, {} gzip bytes per pass",
        tiles.len(),
        tiles.len() * passes,
        bytes / passes.max(1)
    );
}
