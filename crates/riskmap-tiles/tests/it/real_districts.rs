//! Tiles cut from the real 224 districts, decoded and checked against geo's exact intersection.

use std::collections::BTreeSet;

use geo::BoundingRect;
use geo_types::{Rect, coord};
use riskmap_tiles::{TileCoord, encode_tile, tiles_covering};

use crate::support::{
    area_in_square, checked_area, decode, districts_layer, geography, kato_id, mercator,
    to_tile_units,
};

const EXTENT: f64 = 4096.0;
const BUFFER: f64 = 64.0;

/// The WGS84 bounding box of all districts.
fn kazakhstan_bbox() -> Rect<f64> {
    let boxes: Vec<Rect<f64>> = geography()
        .districts()
        .iter()
        .map(|d| d.geometry.bounding_rect().unwrap())
        .collect();
    let lo = coord! { x: boxes.iter().map(|b| b.min().x).fold(f64::MAX, f64::min), y: boxes.iter().map(|b| b.min().y).fold(f64::MAX, f64::min) };
    let hi = coord! { x: boxes.iter().map(|b| b.max().x).fold(f64::MIN, f64::max), y: boxes.iter().map(|b| b.max().y).fold(f64::MIN, f64::max) };
    Rect::new(lo, hi)
}

/// What one tile showed.
#[derive(Debug, Default)]
struct TileReport {
    /// Area of the full-resolution districts inside the buffered tile, by boolean intersection.
    true_area: f64,
    /// Area of the decoded polygons (all lie inside the buffered tile).
    tile_area: f64,
    features: usize,
    holes: usize,
    specks: usize,
}

/// Cuts, decodes and checks one tile; returns the areas for the caller's statistics.
fn check_tile(tile: TileCoord) -> TileReport {
    let what = tile.to_string();
    let bytes = encode_tile([districts_layer()], tile).unwrap();
    let decoded = bytes.as_deref().map(decode).unwrap_or_default();
    assert!(decoded.len() <= 1, "{what}: one layer expected");
    let mut ids = BTreeSet::new();
    let mut report = TileReport::default();
    for (name, extent, features) in &decoded {
        assert_eq!((name.as_str(), *extent), ("districts", 4096), "{what}");
        assert!(!features.is_empty(), "{what}: an empty layer was written");
        for f in features {
            let id =
                f.id.unwrap_or_else(|| panic!("{what}: a feature has no id"));
            assert!(ids.insert(id), "{what}: id {id} appears twice");
            assert!(
                !f.polygons.is_empty(),
                "{what}: feature {id} has no polygon"
            );
            let area: f64 = f
                .polygons
                .iter()
                .map(|p| checked_area(p, &format!("{what} #{id}")))
                .sum();
            report.tile_area += area;
            report.features += 1;
            report.holes += f
                .polygons
                .iter()
                .map(|p| p.interiors().len())
                .sum::<usize>();
            report.specks += usize::from(area == 1.0);
        }
    }
    let buffered = tile.buffered_bounds(64, 4096);
    for d in geography().districts() {
        let id = kato_id(&d.kato);
        let b = d.geometry.bounding_rect().unwrap();
        let (lo, hi) = (mercator(b.min()), mercator(b.max()));
        let bbox_meets = lo.x <= buffered.max().x
            && hi.x >= buffered.min().x
            && lo.y <= buffered.max().y
            && hi.y >= buffered.min().y;
        if !bbox_meets {
            assert!(
                !ids.contains(&id),
                "{what}: {id} is in the tile but its bbox is not"
            );
            continue;
        }
        let units = to_tile_units(&d.geometry, tile, EXTENT);
        report.true_area += area_in_square(&units, -BUFFER, EXTENT + BUFFER);
        if area_in_square(&units, 0.0, EXTENT) > 0.0 {
            assert!(
                ids.contains(&id),
                "{what}: {id} ({}) overlaps the tile but is missing",
                d.names.en
            );
        }
    }
    assert_eq!(
        bytes.is_none(),
        report.true_area == 0.0,
        "{what}: None exactly when no district reaches the tile"
    );
    // 1 % of the true area; for sliver tiles (under 0.1 % of the tile covered) 1 % of that 0.1 %,
    // i.e. 168 square units, about 1.6 x 1.6 pixels of a 512 px tile.
    let allowed = 0.01 * report.true_area.max(0.001 * EXTENT * EXTENT);
    let err = (report.tile_area - report.true_area).abs();
    assert!(
        err <= allowed,
        "{what}: area {:.1} vs true {:.1} (error {err:.1} > {allowed:.1})",
        report.tile_area,
        report.true_area
    );
    report
}

/// Checks every `stride`-th tile of zoom `z` over Kazakhstan's bounding box.
fn check_zoom(z: u8, stride: usize) -> TileReport {
    let mut total = TileReport::default();
    let (mut tiles, mut worst) = (0, 0.0_f64);
    for tile in tiles_covering(kazakhstan_bbox(), z)
        .unwrap()
        .into_iter()
        .step_by(stride)
    {
        let r = check_tile(tile);
        if r.true_area > 0.0 {
            worst = worst.max((r.tile_area - r.true_area).abs() / r.true_area);
        }
        total.true_area += r.true_area;
        total.tile_area += r.tile_area;
        total.features += r.features;
        total.holes += r.holes;
        total.specks += r.specks;
        tiles += 1;
    }
    eprintln!(
        "z{z}: {tiles} tiles, {} features, {} holes, {} specks, worst relative area error {worst:.5}",
        total.features, total.holes, total.specks
    );
    total
}

#[test]
fn zooms_0_to_6_cover_every_district_with_the_right_area_and_winding() {
    let mut holes = 0;
    for z in 0..=6 {
        let r = check_zoom(z, 1);
        assert!(r.features > 0, "z{z} has no feature at all");
        holes += r.holes;
    }
    // Some districts enclose a city, so hole winding is exercised too.
    assert!(
        holes > 0,
        "no hole was encoded, the hole winding check did not run"
    );
}

#[test]
fn a_sample_of_zoom_10_tiles_is_right() {
    let r = check_zoom(10, 37);
    assert!(
        r.features > 50,
        "the z10 sample hit only {} features",
        r.features
    );
}

#[test]
fn preparation_dropped_nothing_silently() {
    let stats = districts_layer().stats();
    eprintln!("{stats:?}");
    assert_eq!(stats.features, 224);
    assert_eq!(stats.degenerate_input_rings, 0);
    assert_eq!(stats.vertices_by_zoom.len(), 13);
    // Simplification helps at low zoom and never adds vertices.
    assert!(
        stats.vertices_by_zoom[0] * 5 < stats.vertices_full,
        "{stats:?}"
    );
    assert!(
        stats.vertices_by_zoom.windows(2).all(|w| w[0] <= w[1]),
        "{stats:?}"
    );
    assert!(stats.vertices_by_zoom[12] <= stats.vertices_full);
}
