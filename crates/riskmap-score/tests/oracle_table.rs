//! The `riskmap score` core (`table::score_units`) run on the oracle GeoJSON files and
//! compared with the oracle CSV/JSON: columbus CRIME (queen, rook; dband on the X/Y
//! points), stl HC8893/PO8893 with HR8893 (rook). Deterministic columns at 1e-9 relative /
//! 1e-12 absolute, permutation p-values statistically. Also the error messages.

mod common;

use common::{Csv, assert_close, close, features, oracle, p_sim_tolerance, read_json};
use geo_types::{Geometry, Point};
use riskmap_score::Error;
use riskmap_score::moran_local::moran_local;
use riskmap_score::multiple_testing::fdr_cutoff;
use riskmap_score::table::{
    CSV_COLUMNS, FieldNames, ScoreInput, ScoreOptions, ScoreTable, WeightsSpec, format_f64,
    score_units,
};

fn fields(
    id: &str,
    events: Option<&str>,
    population: Option<&str>,
    value: Option<&str>,
) -> FieldNames {
    FieldNames {
        id: id.to_owned(),
        events: events.map(str::to_owned),
        population: population.map(str::to_owned),
        value: value.map(str::to_owned),
    }
}

fn options(weights: WeightsSpec) -> ScoreOptions {
    ScoreOptions {
        weights,
        permutations: 999,
        seed: 12345,
    }
}

fn col(
    table: &ScoreTable,
    get: impl Fn(&riskmap_score::table::ScoreRow) -> Option<f64>,
) -> Vec<f64> {
    table
        .rows
        .iter()
        .map(|r| get(r).expect("value present"))
        .collect()
}

fn assert_cols(what: &str, expected: &[f64], got: &[f64]) {
    assert_eq!(expected.len(), got.len(), "{what}: length");
    for (i, (&e, &g)) in expected.iter().zip(got).enumerate() {
        assert!(
            close(e, g, 1e-9, 1e-12),
            "{what}[{i}]: expected {e:e}, got {g:e}"
        );
    }
}

/// LISA, Gi* and the Moran summary of a table against the oracle files of one weights set.
fn check_spatial(
    what: &str,
    table: &ScoreTable,
    local: &str,
    g_local: &str,
    moran: &serde_json::Value,
) {
    let l = Csv::read(&oracle(local));
    assert_cols(
        &format!("{what} lisa_i"),
        &l.f64s("Ii_n_scaled"),
        &col(table, |r| r.lisa_i),
    );
    assert_cols(
        &format!("{what} lisa_z_total"),
        &l.f64s("z_total"),
        &col(table, |r| r.lisa_z_total),
    );
    assert_cols(
        &format!("{what} lisa_z_cond"),
        &l.f64s("z_cond"),
        &col(table, |r| r.lisa_z_cond),
    );
    let q: Vec<f64> = table
        .rows
        .iter()
        .map(|r| f64::from(r.lisa_quadrant.expect("quadrant").pysal_code()))
        .collect();
    assert_eq!(q, l.f64s("q_pysal"), "{what} quadrants");
    for (i, (&p_esda, row)) in l.f64s("p_sim").iter().zip(&table.rows).enumerate() {
        let p = row.lisa_p_sim.expect("p_sim");
        let tol = p_sim_tolerance(p_esda, p, 999, 999);
        assert!(
            (p - p_esda).abs() <= tol,
            "{what} lisa_p_sim[{i}] {p} vs esda {p_esda}"
        );
    }

    let g = Csv::read(&oracle(g_local));
    let z = g.f64s("gstar_B_Z");
    let p = g.f64s("gstar_ordgetis1995_p_two_sided");
    assert_cols(&format!("{what} gistar_z"), &z, &col(table, |r| r.gistar_z));
    assert_cols(&format!("{what} gistar_p"), &p, &col(table, |r| r.gistar_p));
    let cutoff = fdr_cutoff(&p, 0.05).expect("valid p");
    let hot: Vec<bool> = (0..p.len()).map(|i| p[i] < cutoff && z[i] > 0.0).collect();
    let got: Vec<bool> = table
        .rows
        .iter()
        .map(|r| r.gistar_hot_fdr.expect("flag"))
        .collect();
    assert_eq!(got, hot, "{what} gistar_hot_fdr");

    let s = &table.summary;
    let f = |k: &str| moran[k].as_f64().unwrap_or_else(|| panic!("{k}"));
    assert_close(&format!("{what} moran_i"), f("I"), s.moran_i.expect("I"));
    assert_close(
        &format!("{what} moran_ei"),
        f("EI"),
        s.moran_ei.expect("EI"),
    );
    assert_close(
        &format!("{what} moran_vi_norm"),
        f("VI_norm"),
        s.moran_vi_norm.expect("VI"),
    );
    assert_close(
        &format!("{what} moran_z_norm"),
        f("z_norm"),
        s.moran_z_norm.expect("z"),
    );
    assert_close(
        &format!("{what} moran_p_norm"),
        f("p_norm_two_tailed"),
        s.moran_p_norm.expect("p"),
    );
    assert_close(
        &format!("{what} moran_vi_rand"),
        f("VI_rand"),
        s.moran_vi_rand.expect("VI"),
    );
    assert_close(
        &format!("{what} moran_z_rand"),
        f("z_rand"),
        s.moran_z_rand.expect("z"),
    );
    assert_close(
        &format!("{what} moran_p_rand"),
        f("p_rand_two_tailed"),
        s.moran_p_rand.expect("p"),
    );
    let p_esda = moran["random"]["p_sim"].as_f64().expect("p_sim");
    let p_ours = s.moran_p_sim.expect("p_sim");
    assert!(
        (p_ours - p_esda).abs() <= p_sim_tolerance(p_esda, p_ours, 999, 999),
        "{what} moran_p_sim"
    );
}

fn moran_entry(ds: &str, var: &str, weights: &str) -> serde_json::Value {
    let doc = read_json(&format!("{ds}/global_moran.json"));
    doc["results"]
        .as_array()
        .expect("results")
        .iter()
        .find(|r| r["variable"] == var && r["weights"] == weights && r["transformation"] == "r")
        .expect("entry")
        .clone()
}

#[test]
fn columbus_crime_contiguity_matches_oracle() {
    let feats = features("columbus/columbus.geojson");
    let input = ScoreInput::from_features(&feats, &fields("POLYID", None, None, Some("CRIME")))
        .expect("valid input");
    for (spec, name) in [(WeightsSpec::Queen, "queen"), (WeightsSpec::Rook, "rook")] {
        let table = score_units(&input, &options(spec)).expect("scored");
        assert_eq!(table.rows.len(), 49);
        assert_eq!(table.rows[0].id, "1");
        assert!(
            table
                .rows
                .iter()
                .all(|r| r.raw_rate.is_none() && r.eb_global.is_none()),
            "no rate columns"
        );
        check_spatial(
            &format!("columbus {name}"),
            &table,
            &format!("columbus/local_moran_CRIME_{name}.csv"),
            &format!("columbus/g_local_CRIME_{name}.csv"),
            &moran_entry("columbus", "CRIME", name),
        );
    }
}

#[test]
fn columbus_distance_band_on_points_matches_oracle() {
    // The oracle's dband uses the data set's own X, Y columns: feed them as points.
    let feats = features("columbus/columbus.geojson");
    let mut input = ScoreInput::from_features(&feats, &fields("POLYID", None, None, Some("CRIME")))
        .expect("valid input");
    input.geometries = feats
        .iter()
        .map(|f| {
            let get = |k: &str| f.property(k).and_then(|v| v.as_f64()).expect("coordinate");
            Geometry::Point(Point::new(get("X"), get("Y")))
        })
        .collect();
    let threshold = read_json("columbus/meta.json")["weights"]["dband"]["threshold"]
        .as_f64()
        .expect("threshold");
    let table = score_units(&input, &options(WeightsSpec::Band(threshold))).expect("scored");
    check_spatial(
        "columbus dband",
        &table,
        "columbus/local_moran_CRIME_dband.csv",
        "columbus/g_local_CRIME_dband.csv",
        &moran_entry("columbus", "CRIME", "dband"),
    );
}

#[test]
fn stl_rates_and_statistics_match_oracle() {
    let feats = features("stl/stl.geojson");
    let f = fields("FIPS", Some("HC8893"), Some("PO8893"), Some("HR8893"));
    let input = ScoreInput::from_features(&feats, &f).expect("valid input");
    let table = score_units(&input, &options(WeightsSpec::Rook)).expect("scored");
    assert_eq!(table.rows[0].id, "17107");
    let s = Csv::read(&oracle("stl/smoothing_HC8893_PO8893.csv"));
    assert_cols(
        "raw_rate",
        &s.f64s("raw_rate"),
        &col(&table, |r| r.raw_rate),
    );
    assert_cols(
        "excess_risk",
        &s.f64s("excess_risk"),
        &col(&table, |r| r.excess_risk),
    );
    assert_cols(
        "eb_global",
        &s.f64s("eb_global_truncated"),
        &col(&table, |r| r.eb_global),
    );
    assert_cols(
        "eb_post_shape",
        &s.f64s("eb_gamma_post_shape"),
        &col(&table, |r| r.eb_post_shape),
    );
    assert_cols(
        "eb_post_rate",
        &s.f64s("eb_gamma_post_rate"),
        &col(&table, |r| r.eb_post_rate),
    );
    assert_cols(
        "eb_p_exceed",
        &s.f64s("eb_p_exceed_global_mean"),
        &col(&table, |r| r.eb_p_exceed),
    );
    assert_cols(
        "eb_cri95_low",
        &s.f64s("eb_cri95_low"),
        &col(&table, |r| r.eb_cri95_low),
    );
    assert_cols(
        "eb_cri95_high",
        &s.f64s("eb_cri95_high"),
        &col(&table, |r| r.eb_cri95_high),
    );
    assert_cols(
        "spatial_rate",
        &s.f64s("spatial_rate_rook"),
        &col(&table, |r| r.spatial_rate),
    );
    assert_cols(
        "spatial_eb",
        &s.f64s("spatial_eb_rook"),
        &col(&table, |r| r.spatial_eb),
    );
    check_spatial(
        "stl rook",
        &table,
        "stl/local_moran_HR8893_rook.csv",
        "stl/g_local_HR8893_rook.csv",
        &moran_entry("stl", "HR8893", "rook"),
    );
    // Without --value the local statistics run on the EB rates.
    let f = fields("FIPS", Some("HC8893"), Some("PO8893"), None);
    let on_eb = score_units(
        &ScoreInput::from_features(&feats, &f).expect("valid"),
        &options(WeightsSpec::Rook),
    )
    .expect("scored");
    let eb = col(&on_eb, |r| r.eb_global);
    let w =
        riskmap_score::table::build_weights(&input.geometries, WeightsSpec::Rook).expect("weights");
    let direct = moran_local(&eb, &w.row_standardised()).expect("valid");
    assert_cols("lisa on eb", &direct.ii, &col(&on_eb, |r| r.lisa_i));
}

#[test]
fn same_seed_same_table_and_csv_round_trips() {
    let feats = features("stl/stl.geojson");
    let input = ScoreInput::from_features(
        &feats,
        &fields("FIPS", Some("HC7984"), Some("PO7984"), None),
    )
    .expect("valid");
    let a = score_units(&input, &options(WeightsSpec::Queen)).expect("scored");
    let b = score_units(&input, &options(WeightsSpec::Queen)).expect("scored");
    assert_eq!(a, b);
    assert_eq!(CSV_COLUMNS.len(), 19);
    for row in &a.rows {
        let record = row.csv_record();
        assert_eq!(record.len(), CSV_COLUMNS.len());
        let back = |k: usize| record[k].parse::<f64>().expect("float");
        assert_eq!(
            back(3),
            row.eb_global.expect("eb"),
            "eb_global round-trips exactly"
        );
        assert_eq!(
            back(6),
            row.eb_p_exceed.expect("p"),
            "eb_p_exceed round-trips exactly"
        );
        assert!(["HH", "LH", "LL", "HL"].contains(&record[14].as_str()));
        assert!(["true", "false"].contains(&record[18].as_str()));
    }
    for v in [
        0.0,
        1.5e-9,
        -2.1154283477975747e-05,
        0.1 + 0.2,
        1e300,
        12345.678,
    ] {
        assert_eq!(format_f64(v).parse::<f64>().expect("float"), v);
    }
}

#[test]
fn bad_input_errors_name_the_feature_and_field() {
    let mut feats = features("columbus/columbus.geojson");
    let err = ScoreInput::from_features(&feats, &fields("POLYID", None, None, Some("NOPE")))
        .expect_err("missing field");
    assert!(
        matches!(&err, Error::BadFeature { feature: 0, field, .. } if field == "NOPE"),
        "{err}"
    );
    feats[7].set_property("CRIME", "lots");
    let err = ScoreInput::from_features(&feats, &fields("POLYID", None, None, Some("CRIME")))
        .expect_err("non-numeric");
    assert!(
        err.to_string().contains("feature 7") && err.to_string().contains("CRIME"),
        "{err}"
    );
    feats[7].set_property("CRIME", "12.5");
    let input = ScoreInput::from_features(&feats, &fields("POLYID", None, None, Some("CRIME")))
        .expect("numeric string");
    assert_eq!(input.value.as_ref().expect("value")[7], 12.5);
    assert!(matches!(
        "hex:3".parse::<WeightsSpec>(),
        Err(Error::UnknownWeightsSpec { .. })
    ));
    assert!("knn:0".parse::<WeightsSpec>().is_err());
    // Contiguity on points is rejected with the unit named.
    let points = ScoreInput {
        ids: vec!["a".into(), "b".into(), "c".into(), "d".into()],
        geometries: (0..4)
            .map(|i| Geometry::Point(Point::new(f64::from(i), 0.0)))
            .collect(),
        events: None,
        population: None,
        value: Some(vec![1.0, 2.0, 3.0, 4.0]),
    };
    let err =
        score_units(&points, &options(WeightsSpec::Queen)).expect_err("points are not polygons");
    assert!(
        matches!(&err, Error::BadFeature { feature: 0, field, .. } if field == "geometry"),
        "{err}"
    );
}

#[test]
fn excluded_units_and_islands_leave_cells_empty() {
    // A band of 1 leaves unit 5 an island; unit 0 has a zero population.
    let coords = [
        [0.0, 0.0],
        [1.0, 0.0],
        [2.0, 0.0],
        [0.0, 1.0],
        [1.0, 1.0],
        [9.0, 9.0],
    ];
    let input = ScoreInput {
        ids: (0..6).map(|i| format!("u{i}")).collect(),
        geometries: coords
            .iter()
            .map(|c| Geometry::Point(Point::new(c[0], c[1])))
            .collect(),
        events: Some(vec![1.0, 2.0, 8.0, 1.0, 3.0, 2.0]),
        population: Some(vec![0.0, 500.0, 400.0, 450.0, 600.0, 300.0]),
        value: None,
    };
    let table = score_units(&input, &options(WeightsSpec::Band(1.0))).expect("scored");
    assert_eq!(table.diagnostics.excluded_population, vec![0]);
    assert_eq!(table.rows[0].raw_rate, None);
    assert_eq!(table.rows[0].lisa_i, None);
    assert!(table.diagnostics.islands.contains(&5));
    assert_eq!(table.rows[5].lisa_i, None);
    assert_eq!(table.rows[5].gistar_z, None);
    assert!(table.rows[5].eb_global.is_some());
}
