//! Tile addressing and Web Mercator maths.

use geo_types::{Rect, coord};
use riskmap_tiles::{Error, HALF_WORLD_M, TileCoord, project, tiles_covering};

#[test]
fn refuses_out_of_range_addresses() {
    for (z, x, y) in [
        (23, 0, 0),
        (255, 0, 0),
        (u32::MAX, 0, 0),
        (0, 1, 0),
        (0, 0, 1),
        (5, 32, 0),
        (5, 0, 32),
        (22, 1 << 22, 0),
    ] {
        let err = TileCoord::new(z, x, y).unwrap_err();
        assert!(
            matches!(err, Error::TileOutOfRange { .. }),
            "{z}/{x}/{y}: {err}"
        );
    }
    for (z, x, y) in [(0, 0, 0), (5, 31, 31), (22, (1 << 22) - 1, 0)] {
        let t = TileCoord::new(z, x, y).unwrap();
        assert_eq!((u32::from(t.z()), t.x(), t.y()), (z, x, y));
    }
}

#[test]
fn honours_a_configured_maximum_zoom() {
    assert!(TileCoord::new_with_max_zoom(14, 0, 0, 14).is_ok());
    assert!(matches!(
        TileCoord::new_with_max_zoom(15, 0, 0, 14),
        Err(Error::TileOutOfRange { max_zoom: 14, .. })
    ));
    assert!(TileCoord::new_with_max_zoom(30, (1 << 30) - 1, 0, 30).is_ok());
    assert!(matches!(
        TileCoord::new_with_max_zoom(0, 0, 0, 31),
        Err(Error::MaxZoomUnsupported { max_zoom: 31, .. })
    ));
}

#[test]
fn tile_bounds_partition_the_world() {
    let world = TileCoord::new(0, 0, 0).unwrap().bounds();
    assert_eq!(
        (world.min().x, world.min().y, world.max().x, world.max().y),
        (-HALF_WORLD_M, -HALF_WORLD_M, HALF_WORLD_M, HALF_WORLD_M)
    );
    let nw = TileCoord::new(1, 0, 0).unwrap().bounds();
    assert_eq!(
        (nw.min().x, nw.min().y, nw.max().x, nw.max().y),
        (-HALF_WORLD_M, 0.0, 0.0, HALF_WORLD_M)
    );
    let t = TileCoord::new(6, 44, 22).unwrap();
    let b = t.buffered_bounds(64, 4096);
    let grow = t.size_m() / 64.0;
    assert!((b.min().x - (t.bounds().min().x - grow)).abs() < 1e-6);
    assert_eq!(t.to_string(), "6/44/22");
}

#[test]
fn projects_like_epsg_3857() {
    let origin = project(coord! { x: 0.0, y: 0.0 });
    assert!(origin.x.abs() < 1e-9 && origin.y.abs() < 1e-9);
    // Astana; reference values computed with the EPSG:3857 formulas in Python.
    let astana = project(coord! { x: 71.4306, y: 51.1282 });
    assert!((astana.x - 7_951_618.019).abs() < 1e-3, "{astana:?}");
    assert!((astana.y - 6_644_002.225).abs() < 1e-3, "{astana:?}");
    // Latitudes past the Mercator limit are clamped to the square's edge.
    for lat in [85.06, 89.9, 90.0] {
        assert!((project(coord! { x: 0.0, y: lat }).y - HALF_WORLD_M).abs() < 1e-3);
        assert!((project(coord! { x: 0.0, y: -lat }).y + HALF_WORLD_M).abs() < 1e-3);
    }
}

#[test]
fn lists_the_tiles_covering_kazakhstan() {
    let kz = Rect::new(coord! { x: 46.49, y: 40.57 }, coord! { x: 87.32, y: 55.44 });
    let z0: Vec<String> = tiles_covering(kz, 0)
        .unwrap()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(z0, ["0/0/0"]);
    let z3: Vec<String> = tiles_covering(kz, 3)
        .unwrap()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(z3, ["3/5/2", "3/5/3"]);
    assert_eq!(tiles_covering(kz, 6).unwrap().len(), 40);
}
