//! Small hand-made layers: properties, ids, points, holes, clipping, specks, empty tiles.

use std::io::Read as _;

use geo_types::{LineString, Point, Polygon, coord};
use riskmap_tiles::{Error, Feature, LayerOptions, Properties, TileLayer, encode_tile, gzip};

use crate::support::{Value, checked_area, decode, feature, layer, rect_deg, tile, tile_units};

#[test]
fn properties_and_ids_round_trip() {
    let props = Properties::new()
        .with("name", "Есильский район")
        .with("risk", 0.625)
        .with("n_schools", 91)
        .with("delta", -7_i64)
        .with("suppressed", true);
    let l = layer(
        "districts",
        vec![feature(
            711_210_000,
            Polygon::new(rect_deg(71.0, 51.0, 71.5, 51.3), vec![]),
            props,
        )],
    );
    let decoded = decode(&encode_tile([&l], tile(6, 44, 21)).unwrap().unwrap());
    let (name, extent, features) = &decoded[0];
    assert_eq!(
        (name.as_str(), *extent, features.len()),
        ("districts", 4096, 1)
    );
    assert_eq!(features[0].id, Some(711_210_000));
    let expected = [
        ("name", Value::String("Есильский район".to_owned())),
        ("risk", Value::F64(0.625)),
        ("n_schools", Value::I64(91)),
        ("delta", Value::I64(-7)),
        ("suppressed", Value::Bool(true)),
    ];
    let got: Vec<(&str, &Value)> = features[0]
        .properties
        .iter()
        .map(|(k, v)| (k.as_str(), v))
        .collect();
    assert_eq!(
        got,
        expected.iter().map(|(k, v)| (*k, v)).collect::<Vec<_>>()
    );
}

#[test]
fn string_ids_become_an_id_property() {
    let f = Feature {
        id: Some("school-17".into()),
        geometry: Point::new(71.4, 51.1).into(),
        properties: Properties::new().with("students", 900),
    };
    let decoded = decode(
        &encode_tile([&layer("schools", vec![f])], tile(0, 0, 0))
            .unwrap()
            .unwrap(),
    );
    let feature = &decoded[0].2[0];
    assert_eq!(feature.id, None);
    assert_eq!(
        feature.properties[0],
        ("id".to_owned(), Value::String("school-17".to_owned()))
    );
    let clash = Feature {
        id: Some("x".into()),
        geometry: Point::new(0.0, 0.0).into(),
        properties: Properties::new().with("id", 1),
    };
    assert!(matches!(
        TileLayer::new("schools", vec![clash], LayerOptions::default()),
        Err(Error::BadFeature { index: 0, .. })
    ));
}

#[test]
fn empty_tiles_and_zooms_outside_the_layer_give_none() {
    let l = layer(
        "districts",
        vec![feature(
            1,
            Polygon::new(rect_deg(71.0, 51.0, 71.5, 51.3), vec![]),
            Properties::new(),
        )],
    );
    assert!(encode_tile([&l], tile(6, 0, 0)).unwrap().is_none());
    assert!(encode_tile([&l], tile(3, 5, 2)).unwrap().is_some());
    assert!(
        encode_tile(std::iter::empty(), tile(0, 0, 0))
            .unwrap()
            .is_none()
    );
    let options = LayerOptions {
        min_zoom: 4,
        max_zoom: 8,
        ..LayerOptions::default()
    };
    let ranged = TileLayer::new(
        "districts",
        vec![feature(
            1,
            Polygon::new(rect_deg(71.0, 51.0, 71.5, 51.3), vec![]),
            Properties::new(),
        )],
        options,
    )
    .unwrap();
    assert!(encode_tile([&ranged], tile(3, 5, 2)).unwrap().is_none());
    assert!(encode_tile([&ranged], tile(4, 11, 5)).unwrap().is_some());
}

#[test]
fn points_are_placed_exactly_and_kept_within_the_buffer() {
    let t = tile(8, 178, 85);
    let b = t.bounds();
    let inside = (71.43, 51.13);
    let schools = vec![
        feature(
            1,
            Point::new(inside.0, inside.1),
            Properties::new().with("name", "School 1"),
        ),
        feature(2, Point::new(10.0, 10.0), Properties::new()),
    ];
    let ms = layer("schools", schools);
    let expected = tile_units(t, inside.0, inside.1);
    assert!(
        (0.0..4096.0).contains(&expected.x) && (0.0..4096.0).contains(&expected.y),
        "{expected:?} {b:?}"
    );
    let decoded = decode(&encode_tile([&ms], t).unwrap().unwrap());
    let features = &decoded[0].2;
    assert_eq!(features.len(), 1);
    assert_eq!(
        features[0].points,
        vec![coord! { x: expected.x.round() as i32, y: expected.y.round() as i32 }]
    );
    // A point just outside the tile but inside the 64-unit buffer is kept; farther out, not.
    let edge = |units: f64| {
        let lon = -180.0 + 360.0 * (f64::from(t.x()) + 1.0 + units / 4096.0) / 256.0;
        layer(
            "schools",
            vec![feature(3, Point::new(lon, inside.1), Properties::new())],
        )
    };
    assert!(encode_tile([&edge(40.0)], t).unwrap().is_some());
    assert!(encode_tile([&edge(80.0)], t).unwrap().is_none());
}

#[test]
fn layers_come_out_in_order_and_names_must_differ() {
    let districts = layer(
        "districts",
        vec![feature(
            1,
            Polygon::new(rect_deg(71.0, 51.0, 71.5, 51.3), vec![]),
            Properties::new(),
        )],
    );
    let schools = layer(
        "schools",
        vec![feature(2, Point::new(71.2, 51.1), Properties::new())],
    );
    let decoded = decode(
        &encode_tile([&districts, &schools], tile(5, 22, 10))
            .unwrap()
            .unwrap(),
    );
    let names: Vec<&str> = decoded.iter().map(|(n, _, _)| n.as_str()).collect();
    assert_eq!(names, ["districts", "schools"]);
    assert!(matches!(
        encode_tile([&districts, &districts], tile(5, 22, 10)),
        Err(Error::BadLayerOptions { .. })
    ));
}

#[test]
fn winding_follows_the_spec_whatever_the_input_orientation() {
    let outer = rect_deg(70.0, 50.0, 74.0, 53.0);
    let hole = rect_deg(71.0, 51.0, 72.0, 52.0);
    let reversed = |l: &LineString<f64>| LineString(l.0.iter().rev().copied().collect());
    for (ext, int) in [
        (outer.clone(), hole.clone()),
        (reversed(&outer), reversed(&hole)),
        (outer.clone(), reversed(&hole)),
    ] {
        let l = layer(
            "districts",
            vec![feature(1, Polygon::new(ext, vec![int]), Properties::new())],
        );
        let decoded = decode(&encode_tile([&l], tile(5, 22, 10)).unwrap().unwrap());
        let polygons = &decoded[0].2[0].polygons;
        assert_eq!(polygons.len(), 1);
        assert_eq!(polygons[0].interiors().len(), 1);
        assert!(checked_area(&polygons[0], "square with hole") > 0.0);
    }
}

#[test]
fn a_polygon_larger_than_the_tile_is_cut_to_the_buffered_square() {
    let l = layer(
        "districts",
        vec![feature(
            1,
            Polygon::new(rect_deg(40.0, 40.0, 100.0, 60.0), vec![]),
            Properties::new(),
        )],
    );
    let decoded = decode(&encode_tile([&l], tile(6, 44, 21)).unwrap().unwrap());
    let polygon = &decoded[0].2[0].polygons[0];
    assert_eq!(checked_area(polygon, "cut square"), 4224.0 * 4224.0);
    assert!(
        polygon
            .exterior()
            .0
            .iter()
            .all(|c| (-64..=4160).contains(&c.x) && (-64..=4160).contains(&c.y))
    );
}

#[test]
fn a_district_too_small_for_the_zoom_stays_as_a_speck() {
    let tiny = Polygon::new(rect_deg(71.40, 51.10, 71.41, 51.11), vec![]);
    let l = layer("districts", vec![feature(7, tiny, Properties::new())]);
    let decoded = decode(&encode_tile([&l], tile(0, 0, 0)).unwrap().unwrap());
    let f = &decoded[0].2[0];
    assert_eq!(f.id, Some(7));
    assert_eq!(checked_area(&f.polygons[0], "speck"), 1.0);
    let c = tile_units(tile(0, 0, 0), 71.405, 51.105);
    assert_eq!(
        f.polygons[0].exterior().0[0],
        coord! { x: c.x.floor() as i32, y: c.y.floor() as i32 }
    );
}

#[test]
fn gzip_round_trips() {
    let l = layer(
        "districts",
        vec![feature(
            1,
            Polygon::new(rect_deg(71.0, 51.0, 71.5, 51.3), vec![]),
            Properties::new(),
        )],
    );
    let raw = encode_tile([&l], tile(6, 44, 21)).unwrap().unwrap();
    let gz = gzip(&raw).unwrap();
    let mut back = Vec::new();
    flate2::read::GzDecoder::new(gz.as_slice())
        .read_to_end(&mut back)
        .unwrap();
    assert_eq!(back, raw);
}

#[test]
fn new_properties_share_the_prepared_geometry() {
    let square = |id| {
        feature(
            id,
            Polygon::new(rect_deg(71.0, 51.0, 71.5, 51.3), vec![]),
            Properties::new().with("risk", 0.1),
        )
    };
    let base = layer("districts", vec![square(1), square(2)]);
    let public = base
        .with_properties(vec![
            Properties::new(),
            Properties::new().with("band", "high"),
        ])
        .unwrap();
    assert_eq!(
        (public.len(), public.name(), public.stats()),
        (2, "districts", base.stats())
    );
    let decoded = decode(&encode_tile([&public], tile(6, 44, 21)).unwrap().unwrap());
    let features = &decoded[0].2;
    assert_eq!(
        features.iter().map(|f| f.id).collect::<Vec<_>>(),
        [Some(1), Some(2)]
    );
    assert!(features[0].properties.is_empty());
    assert_eq!(
        features[1].properties,
        [("band".to_owned(), Value::String("high".to_owned()))]
    );
    assert!(matches!(
        base.with_properties(vec![Properties::new()]),
        Err(Error::PropertiesMismatch {
            features: 2,
            given: 1,
            ..
        })
    ));
}
