//! The own MVT writer against `fast-mvt`'s: every tile, decoded and written again with
//! `MvtTileBuilder`, must come out byte for byte the same (key and value tables, tags, ids,
//! geometry commands); and a reused `TileEncoder` must give `encode_tile`'s bytes.

use std::num::NonZeroU32;

use fast_mvt::{MvtReaderRef, MvtTileBuilder};
use geo::BoundingRect;
use geo_types::{MultiPoint, Point, Rect, coord};
use riskmap_tiles::{
    Feature, FeatureGeometry, FeatureId, LayerOptions, Properties, TileCoord, TileEncoder,
    TileLayer, encode_tile, tiles_covering,
};

use crate::support::{geography, kato_id};

/// Decodes `bytes` and writes the same layers, features and tags with fast-mvt's builder.
fn rewrite_with_fast_mvt(bytes: &[u8]) -> Vec<u8> {
    let reader = MvtReaderRef::new(bytes).unwrap();
    let mut tile = MvtTileBuilder::new();
    for layer in reader.layers() {
        let mut builder = tile.layer(layer.name()).unwrap();
        builder.extent(NonZeroU32::new(layer.extent()).unwrap());
        for f in layer.features() {
            let mut fb = builder.feature(&f.geometry().unwrap()).unwrap();
            fb.id(f.id());
            for (key, value) in f.properties_vec().unwrap() {
                fb.tag_ref(key, value).unwrap();
            }
            builder = fb.end();
        }
        tile = builder.end();
    }
    tile.encode()
}

/// Districts with many shared and distinct values of every kind the crate writes.
fn districts() -> TileLayer {
    let features = (geography().districts().iter().enumerate())
        .map(|(i, d)| Feature {
            id: Some(kato_id(&d.kato).into()),
            geometry: d.geometry.clone().into(),
            properties: Properties::new()
                .with("kato", d.kato.to_string())
                .with("name_ru", d.names.ru.as_str())
                .with("rate", (i % 13) as f64 / 4.0)
                .with("flag", if i % 3 == 0 { "c" } else { "u" })
                .with("count", i64::try_from(i).unwrap() - 100)
                .with("big", i64::try_from(i).unwrap() * 1_000_003)
                .with("zero", -0.0)
                .with("open", i % 2 == 0),
        })
        .collect();
    TileLayer::new("districts", features, LayerOptions::default()).unwrap()
}

/// Points with string ids (written as the `id` tag) and properties in varying order.
fn points() -> TileLayer {
    let features = (geography().districts().iter().enumerate())
        .filter_map(|(i, d)| {
            let c = d.geometry.bounding_rect()?.center();
            let mut p = Properties::new();
            if i % 2 == 0 {
                p.insert("kind", "school");
            }
            p.insert("n", i64::try_from(i % 7).unwrap());
            Some(Feature {
                id: Some(FeatureId::Str(format!("S{}", i % 50))),
                geometry: FeatureGeometry::Points(MultiPoint(vec![
                    Point::from(c),
                    Point::new(c.x + 0.01, c.y),
                ])),
                properties: p,
            })
        })
        .collect();
    TileLayer::new("schools", features, LayerOptions::default()).unwrap()
}

fn kazakhstan_tiles(z: u8) -> Vec<TileCoord> {
    let bbox = Rect::new(coord! { x: 46.0, y: 40.0 }, coord! { x: 88.0, y: 56.0 });
    tiles_covering(bbox, z).unwrap()
}

#[test]
fn tiles_are_byte_for_byte_what_fast_mvt_writes() {
    let (districts, points) = (districts(), points());
    let mut encoder = TileEncoder::new();
    let mut checked = 0;
    for z in 0..=7 {
        for t in kazakhstan_tiles(z) {
            for layers in [vec![&districts], vec![&points, &districts]] {
                let Some(bytes) = encode_tile(layers.iter().copied(), t).unwrap() else {
                    continue;
                };
                assert_eq!(rewrite_with_fast_mvt(&bytes), bytes, "tile {t}");
                let reused = encoder.encode(layers.iter().copied(), t).unwrap();
                assert_eq!(reused, Some(bytes.as_slice()), "tile {t}, reused encoder");
                checked += 1;
            }
        }
    }
    assert!(checked > 200, "{checked} tiles checked");
}
