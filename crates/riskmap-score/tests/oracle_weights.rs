//! Spatial weights against libpysal: contiguity from the oracle GeoJSON, kNN and distance
//! band from the oracle centroids, weights summaries (meta.json) and S0/S1/S2.

mod common;

use common::{Csv, assert_close, features, oracle, read_json, weights_csv, weights_json};
use geo_types::{Geometry, MultiPolygon};
use riskmap_score::weights::{self, Transform, Weights};

fn polygons(rel: &str) -> Vec<MultiPolygon<f64>> {
    features(rel)
        .iter()
        .map(|f| {
            let g = Geometry::<f64>::try_from(&f.geometry.as_ref().expect("geometry").value)
                .expect("geometry");
            match g {
                Geometry::Polygon(p) => MultiPolygon::from(p),
                Geometry::MultiPolygon(mp) => mp,
                other => panic!("unexpected geometry {other:?}"),
            }
        })
        .collect()
}

fn centroids(rel: &str) -> Vec<[f64; 2]> {
    let csv = Csv::read(&oracle(rel));
    csv.f64s("x")
        .into_iter()
        .zip(csv.f64s("y"))
        .map(|(x, y)| [x, y])
        .collect()
}

fn assert_same(what: &str, expected: &Weights, got: &Weights) {
    assert_eq!(expected.n(), got.n(), "{what}: n");
    for i in 0..expected.n() {
        assert_eq!(
            expected.neighbours(i),
            got.neighbours(i),
            "{what}: neighbours of unit {i}"
        );
    }
}

/// meta.json summary of one weights set.
fn check_meta(what: &str, meta: &serde_json::Value, w: &Weights) {
    assert_eq!(meta["n"].as_u64(), Some(w.n() as u64), "{what} n");
    assert_eq!(
        meta["n_links"].as_u64(),
        Some(w.n_links() as u64),
        "{what} n_links"
    );
    let cards: Vec<usize> = (0..w.n()).map(|i| w.cardinality(i)).collect();
    assert_eq!(
        meta["min_card"].as_u64(),
        cards.iter().min().map(|&c| c as u64),
        "{what} min_card"
    );
    assert_eq!(
        meta["max_card"].as_u64(),
        Some(w.max_cardinality() as u64),
        "{what} max_card"
    );
    assert_eq!(
        meta["symmetric"].as_bool(),
        Some(w.is_symmetric()),
        "{what} symmetric"
    );
    let islands: Vec<usize> = meta["islands"]
        .as_array()
        .expect("islands")
        .iter()
        .map(|v| v.as_u64().expect("idx") as usize)
        .collect();
    assert_eq!(islands, w.islands(), "{what} islands");
}

#[test]
fn contiguity_from_geojson_matches_libpysal_on_columbus_and_stl() {
    for (ds, n) in [("columbus", 49), ("stl", 78)] {
        let units = polygons(&format!("{ds}/{ds}.geojson"));
        assert_eq!(units.len(), n);
        let meta = read_json(&format!("{ds}/meta.json"));
        for (name, built) in [
            ("queen", weights::queen(&units)),
            ("rook", weights::rook(&units)),
        ] {
            let built = built.expect("valid polygons");
            let expected = weights_csv(&format!("{ds}/weights_{name}.csv"), n);
            assert_same(&format!("{ds} {name}"), &expected, &built);
            check_meta(&format!("{ds} {name}"), &meta["weights"][name], &built);
        }
    }
}

#[test]
fn row_standardised_column_is_one_over_cardinality() {
    let csv = Csv::read(&oracle("stl/weights_rook.csv"));
    let w = weights_csv("stl/weights_rook.csv", 78).row_standardised();
    let (i, j, wr) = (csv.f64s("i"), csv.f64s("j"), csv.f64s("w_row_standardised"));
    for k in 0..i.len() {
        assert_close(
            "w_row_standardised",
            wr[k],
            w.weight(i[k] as usize, j[k] as usize),
        );
    }
}

#[test]
fn knn4_on_columbus_centroids_matches_libpysal() {
    let points = centroids("columbus/centroids.csv");
    let w = weights::knn(&points, 4).expect("valid points");
    assert_same(
        "columbus knn4",
        &weights_csv("columbus/weights_knn4.csv", 49),
        &w,
    );
    check_meta(
        "columbus knn4",
        &read_json("columbus/meta.json")["weights"]["knn4"],
        &w,
    );
}

#[test]
fn distance_band_at_min_threshold_matches_libpysal() {
    let points = centroids("columbus/centroids.csv");
    let meta = read_json("columbus/meta.json");
    let threshold = meta["weights"]["dband"]["threshold"]
        .as_f64()
        .expect("threshold");
    let ours = weights::min_threshold_distance(&points).expect("enough points");
    assert_eq!(
        ours, threshold,
        "min_threshold_distance is computed exactly as scipy's KD-tree"
    );
    let w = weights::distance_band(&points, threshold).expect("valid points");
    assert_same(
        "columbus dband",
        &weights_csv("columbus/weights_dband.csv", 49),
        &w,
    );
    check_meta("columbus dband", &meta["weights"]["dband"], &w);
}

#[test]
fn getis_ord_six_points_band_matches_esda_fixture() {
    let micro = read_json("micro/getisord_6points.json");
    let points: Vec<[f64; 2]> = micro["points"]
        .as_array()
        .expect("points")
        .iter()
        .map(|p| [p[0].as_f64().expect("x"), p[1].as_f64().expect("y")])
        .collect();
    let threshold = micro["threshold"].as_f64().expect("threshold");
    let w = weights::distance_band(&points, threshold).expect("valid points");
    assert_same("6 points", &weights_json(&micro["neighbours"]), &w);
}

#[test]
fn s0_s1_s2_match_esda_for_every_weights_and_transform() {
    for (ds, n, sets) in [
        ("columbus", 49, vec!["queen", "rook", "knn4", "dband"]),
        ("stl", 78, vec!["rook", "queen"]),
    ] {
        let results = read_json(&format!("{ds}/global_moran.json"));
        for r in results["results"].as_array().expect("results") {
            let name = r["weights"].as_str().expect("weights");
            assert!(sets.contains(&name));
            let transform = match r["transformation"].as_str().expect("transformation") {
                "r" => Transform::RowStandardised,
                "b" => Transform::Binary,
                other => panic!("unknown transformation {other}"),
            };
            let w = weights_csv(&format!("{ds}/weights_{name}.csv"), n).transformed(transform);
            let what = format!("{ds} {name} {transform:?}");
            assert_close(&format!("{what} s0"), r["s0"].as_f64().expect("s0"), w.s0());
            assert_close(&format!("{what} s1"), r["s1"].as_f64().expect("s1"), w.s1());
            assert_close(&format!("{what} s2"), r["s2"].as_f64().expect("s2"), w.s2());
        }
    }
    let lattice = read_json("micro/lattice3x3_moran_binary.json");
    let w = weights_json(&lattice["neighbours"]);
    assert_eq!((w.s0(), w.s1(), w.s2()), (24.0, 48.0, 272.0));
}
