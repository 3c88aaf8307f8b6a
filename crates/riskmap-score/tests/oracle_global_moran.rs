//! Global Moran's I against esda `Moran`: every variable × weights × transformation of
//! columbus and stl, and the 3×3 lattice. Deterministic quantities at 1e-9 relative /
//! 1e-12 absolute; permutation results exactly (replaying numpy's draws) and statistically
//! (with this crate's own generator).

mod common;

use common::{
    NumpyRandomState, assert_close, close, p_sim_tolerance, read_json, weights_csv, weights_json,
};
use riskmap_score::moran_global::{
    moran_global, moran_global_permutation, moran_global_permutation_with,
};
use riskmap_score::weights::{Transform, Weights};

struct Case {
    what: String,
    y: Vec<f64>,
    w: Weights,
    expected: serde_json::Value,
}

fn cases() -> Vec<Case> {
    let mut out = Vec::new();
    for (ds, n) in [("columbus", 49), ("stl", 78)] {
        let features = common::features(&format!("{ds}/{ds}.geojson"));
        let results = read_json(&format!("{ds}/global_moran.json"));
        for r in results["results"].as_array().expect("results") {
            let var = r["variable"].as_str().expect("variable");
            let name = r["weights"].as_str().expect("weights");
            let transform = if r["transformation"] == "r" {
                Transform::RowStandardised
            } else {
                Transform::Binary
            };
            let y: Vec<f64> = features
                .iter()
                .map(|f| {
                    f.property(var)
                        .and_then(|v| v.as_f64())
                        .expect("numeric variable")
                })
                .collect();
            out.push(Case {
                what: format!("{ds} {var} {name} {transform:?}"),
                y,
                w: weights_csv(&format!("{ds}/weights_{name}.csv"), n).transformed(transform),
                expected: r.clone(),
            });
        }
    }
    let lattice = read_json("micro/lattice3x3_moran_binary.json");
    out.push(Case {
        what: "lattice 3x3 binary".to_owned(),
        y: (1..=9).map(f64::from).collect(),
        w: weights_json(&lattice["neighbours"]),
        expected: lattice,
    });
    out
}

#[test]
fn analytical_moments_match_esda() {
    for case in cases() {
        let m = moran_global(&case.y, &case.w).expect("valid input");
        let e = &case.expected;
        let f = |k: &str| {
            e[k].as_f64()
                .unwrap_or_else(|| panic!("{}: field {k}", case.what))
        };
        let what = &case.what;
        assert_eq!(m.n as u64, e["n"].as_u64().expect("n"));
        assert_close(&format!("{what} kurtosis"), f("kurtosis_b2"), m.kurtosis_b2);
        assert_close(&format!("{what} I"), f("I"), m.i);
        assert_close(&format!("{what} EI"), f("EI"), m.ei);
        assert_close(&format!("{what} VI_norm"), f("VI_norm"), m.vi_norm);
        assert_close(&format!("{what} seI_norm"), f("seI_norm"), m.vi_norm.sqrt());
        assert_close(&format!("{what} z_norm"), f("z_norm"), m.z_norm);
        assert_close(
            &format!("{what} p_norm 2-tailed"),
            f("p_norm_two_tailed"),
            m.p_norm,
        );
        assert_close(
            &format!("{what} p_norm 1-tailed"),
            f("p_norm_one_tailed"),
            m.p_norm_one_tailed(),
        );
        assert_close(&format!("{what} VI_rand"), f("VI_rand"), m.vi_rand);
        assert_close(&format!("{what} seI_rand"), f("seI_rand"), m.vi_rand.sqrt());
        assert_close(&format!("{what} z_rand"), f("z_rand"), m.z_rand);
        assert_close(
            &format!("{what} p_rand 2-tailed"),
            f("p_rand_two_tailed"),
            m.p_rand,
        );
        assert_close(
            &format!("{what} p_rand 1-tailed"),
            f("p_rand_one_tailed"),
            m.p_rand_one_tailed(),
        );
    }
}

/// esda seeds numpy's global RNG with 12345 and calls `np.random.permutation(z)` 999 times;
/// replaying that stream reproduces every random field.
#[test]
fn permutation_test_replays_numpy_exactly() {
    for case in cases() {
        let random = &case.expected["random"];
        let r = random["permutations"].as_u64().expect("permutations") as usize;
        let mut rs = NumpyRandomState::seed(12345);
        let s = moran_global_permutation_with(&case.y, &case.w, r, |perm| rs.shuffle(perm))
            .expect("valid input");
        let what = &case.what;
        let f = |k: &str| {
            random[k]
                .as_f64()
                .unwrap_or_else(|| panic!("{what}: random.{k}"))
        };
        assert_eq!(s.p_sim, f("p_sim"), "{what} p_sim");
        assert!(
            close(f("EI_sim"), s.mean, 1e-9, 1e-12),
            "{what} EI_sim {} vs {}",
            f("EI_sim"),
            s.mean
        );
        assert!(close(f("seI_sim"), s.sd, 1e-9, 1e-12), "{what} seI_sim");
        assert!(
            close(f("z_sim"), s.z_sim.expect("sd > 0"), 1e-9, 1e-12),
            "{what} z_sim"
        );
        assert!(
            close(f("p_z_sim"), s.p_z_sim.expect("sd > 0"), 1e-8, 1e-15),
            "{what} p_z_sim"
        );
    }
}

#[test]
fn own_generator_agrees_statistically() {
    for case in cases() {
        let random = &case.expected["random"];
        let p_esda = random["p_sim"].as_f64().expect("p_sim");
        let s = moran_global_permutation(&case.y, &case.w, 999, 12345).expect("valid input");
        let tol = p_sim_tolerance(p_esda, s.p_sim, 999, 999);
        assert!(
            (s.p_sim - p_esda).abs() <= tol,
            "{}: p_sim {} vs esda {p_esda} (tol {tol})",
            case.what,
            s.p_sim
        );
        // Same seed, same answer, whatever the thread count.
        let again = moran_global_permutation(&case.y, &case.w, 999, 12345).expect("valid input");
        assert_eq!(s, again);
    }
}
