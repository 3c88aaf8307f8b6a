//! Inputs the crate refuses or counts: degenerate rings, bad options, repeated keys.

use geo_types::{LineString, MultiPolygon, Polygon};
use riskmap_tiles::{Error, LayerOptions, Properties, PropertyValue, TileLayer};

use crate::support::{feature, layer, rect_deg};

#[test]
fn degenerate_input_rings_are_counted_or_refused() {
    let flat = Polygon::new(
        LineString::from(vec![(70.0, 50.0), (71.0, 50.0), (72.0, 50.0), (70.0, 50.0)]),
        vec![],
    );
    let good = Polygon::new(rect_deg(70.0, 50.0, 71.0, 51.0), vec![]);
    let l = layer(
        "districts",
        vec![feature(
            1,
            MultiPolygon(vec![flat.clone(), good]),
            Properties::new(),
        )],
    );
    assert_eq!(l.stats().degenerate_input_rings, 1);
    assert!(matches!(
        TileLayer::new(
            "d",
            vec![feature(1, flat, Properties::new())],
            LayerOptions::default()
        ),
        Err(Error::BadFeature { .. })
    ));
    let nan = Polygon::new(
        LineString::from(vec![(f64::NAN, 50.0), (71.0, 50.0), (71.0, 51.0)]),
        vec![],
    );
    assert!(matches!(
        TileLayer::new(
            "d",
            vec![feature(1, nan, Properties::new())],
            LayerOptions::default()
        ),
        Err(Error::BadFeature { .. })
    ));
}

#[test]
fn bad_layer_options_are_refused() {
    for options in [
        LayerOptions {
            extent: 0,
            ..LayerOptions::default()
        },
        LayerOptions {
            min_zoom: 9,
            max_zoom: 8,
            ..LayerOptions::default()
        },
        LayerOptions {
            max_zoom: 31,
            ..LayerOptions::default()
        },
        LayerOptions {
            tolerance: f64::NAN,
            ..LayerOptions::default()
        },
    ] {
        assert!(matches!(
            TileLayer::new("d", Vec::new(), options),
            Err(Error::BadLayerOptions { .. })
        ));
    }
    assert!(matches!(
        TileLayer::new("", Vec::new(), LayerOptions::default()),
        Err(Error::BadLayerOptions { .. })
    ));
}

#[test]
fn duplicate_property_keys_are_refused_or_replaced() {
    let pairs = vec![
        ("a".to_owned(), PropertyValue::I64(1)),
        ("a".to_owned(), PropertyValue::I64(2)),
    ];
    assert!(matches!(
        Properties::try_from_pairs(pairs),
        Err(Error::DuplicateProperty { .. })
    ));
    let p = Properties::new().with("a", 1).with("a", "two");
    assert_eq!(
        (p.len(), p.get("a")),
        (1, Some(&PropertyValue::String("two".to_owned())))
    );
}
