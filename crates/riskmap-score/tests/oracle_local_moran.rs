//! Local Moran (LISA) against esda `Moran_Local` (transformation "r"): columbus CRIME
//! (queen, rook, dband), stl HR8893 (rook) and the de Smith example.
//! Deterministic columns at 1e-9 relative / 1e-12 absolute, quadrants exactly; permutation
//! columns exactly by replaying esda's seeded index matrix, and statistically with this
//! crate's own generator.

mod common;

use common::{
    Csv, assert_all_close, assert_all_close_opt, close, correlation, esda_permutation_rows,
    json_f64s, oracle, p_sim_tolerance, read_json, weights_csv, weights_json,
};
use riskmap_score::getis_ord::{Variant, getis_ord_local};
use riskmap_score::moran_local::{LocalMoran, moran_local};
use riskmap_score::permutation::PermutationMatrix;
use riskmap_score::weights::Weights;

struct Case {
    what: &'static str,
    csv: Csv,
    w: Weights,
}

fn cases() -> Vec<Case> {
    [
        (
            "columbus CRIME queen",
            "columbus/local_moran_CRIME_queen.csv",
            "columbus/weights_queen.csv",
            49,
        ),
        (
            "columbus CRIME rook",
            "columbus/local_moran_CRIME_rook.csv",
            "columbus/weights_rook.csv",
            49,
        ),
        (
            "columbus CRIME dband",
            "columbus/local_moran_CRIME_dband.csv",
            "columbus/weights_dband.csv",
            49,
        ),
        (
            "stl HR8893 rook",
            "stl/local_moran_HR8893_rook.csv",
            "stl/weights_rook.csv",
            78,
        ),
    ]
    .into_iter()
    .map(|(what, csv, w, n)| Case {
        what,
        csv: Csv::read(&oracle(csv)),
        w: weights_csv(w, n).row_standardised(),
    })
    .collect()
}

fn lisa(case: &Case) -> LocalMoran {
    moran_local(&case.csv.f64s("y"), &case.w).expect("valid input")
}

#[test]
fn deterministic_columns_match_esda() {
    for case in cases() {
        let l = lisa(&case);
        let c = &case.csv;
        let w = case.what;
        assert_all_close(&format!("{w} z"), &c.f64s("z"), &l.z);
        assert_all_close(&format!("{w} lag_z"), &c.f64s("lag_z"), &l.lag);
        assert_all_close(&format!("{w} Is"), &c.f64s("Is"), &l.is);
        assert_all_close(&format!("{w} Ii_n_scaled"), &c.f64s("Ii_n_scaled"), &l.ii);
        assert_all_close(&format!("{w} EI_total"), &c.f64s("EI_total"), &l.ei_total);
        assert_all_close(&format!("{w} VI_total"), &c.f64s("VI_total"), &l.vi_total);
        assert_all_close(&format!("{w} EI_cond"), &c.f64s("EI_cond"), &l.ei_cond);
        assert_all_close(&format!("{w} VI_cond"), &c.f64s("VI_cond"), &l.vi_cond);
        assert_all_close_opt(&format!("{w} z_total"), &c.f64s("z_total"), &l.z_total);
        assert_all_close_opt(&format!("{w} z_cond"), &c.f64s("z_cond"), &l.z_cond);
        let pysal: Vec<u8> = l.quadrant.iter().map(|q| q.pysal_code()).collect();
        let geoda: Vec<u8> = l.quadrant.iter().map(|q| q.geoda_code()).collect();
        let expect = |k: &str| c.f64s(k).iter().map(|&v| v as u8).collect::<Vec<_>>();
        assert_eq!(pysal, expect("q_pysal"), "{w} q_pysal");
        assert_eq!(geoda, expect("q_geoda"), "{w} q_geoda");
    }
}

/// esda draws one (R × max_card) matrix with `np.random.seed(12345)` and
/// `np.random.choice(n − 1, max_card, replace=False)` per row; injecting it reproduces
/// every simulated value. p_sim is then exact up to replicates that tie with the observed
/// value in exact arithmetic (same neighbour values drawn): their "≥" depends on summation
/// order (esda sums with BLAS), so the README allows ± ties/(R + 1).
#[test]
fn permutation_columns_replay_esda_exactly() {
    for case in cases() {
        let l = lisa(&case);
        let n = case.w.n();
        let rows = esda_permutation_rows(n, case.w.max_cardinality(), 999, 12345);
        let matrix = PermutationMatrix::from_rows(n, &rows).expect("valid matrix");
        let tests = l
            .permutation_test(&case.w, &matrix)
            .expect("matching sizes");
        let c = &case.csv;
        let (p, ei, se, z, pz) = (
            c.f64s("p_sim"),
            c.f64s("EI_sim"),
            c.f64s("seI_sim"),
            c.f64s("z_sim"),
            c.f64s("p_z_sim"),
        );
        let labels = c.strings("cluster_label_p_sim_0.05");
        for i in 0..n {
            let s = tests[i].expect("no islands");
            let w = case.what;
            assert_p_sim_replayed(&format!("{w} p_sim[{i}]"), p[i], &s);
            assert!(
                close(ei[i], s.mean, 1e-9, 1e-12),
                "{w} EI_sim[{i}]: {} vs {}",
                ei[i],
                s.mean
            );
            assert!(close(se[i], s.sd, 1e-9, 1e-12), "{w} seI_sim[{i}]");
            assert!(
                close(z[i], s.z_sim.expect("sd > 0"), 1e-9, 1e-12),
                "{w} z_sim[{i}]"
            );
            assert!(
                close(pz[i], s.p_z_sim.expect("sd > 0"), 1e-8, 1e-15),
                "{w} p_z_sim[{i}]"
            );
            // esda's label: the quadrant when p_sim <= 0.05, else "Insignificant".
            let label = if p[i] <= 0.05 {
                quadrant_name(l.quadrant[i].label())
            } else {
                "Insignificant"
            };
            assert_eq!(label, labels[i], "{w} cluster label[{i}]");
        }
    }
}

/// p_sim equal to esda's, or off by no more than the near-ties allow.
fn assert_p_sim_replayed(
    what: &str,
    expected: f64,
    s: &riskmap_score::permutation::PermutationSummary,
) {
    let r = s.permutations as f64;
    let slack = s.n_near_ties as f64 / (r + 1.0) + 1e-12;
    assert!(
        (s.p_sim - expected).abs() <= slack,
        "{what}: {} vs esda {expected} ({} near-ties)",
        s.p_sim,
        s.n_near_ties
    );
    if s.n_near_ties == 0 {
        assert_eq!(s.p_sim, expected, "{what}: no ties, must be exact");
    }
}

fn quadrant_name(label: &str) -> &'static str {
    match label {
        "HH" => "High-High",
        "LH" => "Low-High",
        "LL" => "Low-Low",
        _ => "High-Low",
    }
}

/// With this crate's ChaCha8 draws (seed 12345): p_sim within the README's statistical
/// tolerance of esda's, and z_sim close to the analytical conditional z. The README saw
/// |z_sim − z_cond| ≤ 0.26 for esda's one draw at R = 999; over seeds 0–9 and 12345 our
/// maximum over the stl sites ranged from 0.10 to 0.42 (sites share one permutation
/// matrix, so the maximum is noisy), hence 0.5 at R = 999 and 0.2 at R = 9,999. Likewise the
/// correlation over sites (esda 0.999+; ours 0.9986–0.9999 over those seeds): > 0.995 at
/// R = 999 and > 0.999 at R = 9,999.
#[test]
fn own_generator_agrees_statistically() {
    for case in cases() {
        let l = lisa(&case);
        let n = case.w.n();
        let p_esda = case.csv.f64s("p_sim");
        let z_cond: Vec<f64> = l.z_cond.iter().map(|z| z.expect("no islands")).collect();
        for (r, z_tolerance, min_corr) in [(999, 0.5, 0.995), (9_999, 0.2, 0.999)] {
            let matrix = PermutationMatrix::draw(n, case.w.max_cardinality(), r, 12345)
                .expect("valid sizes");
            let tests = l
                .permutation_test(&case.w, &matrix)
                .expect("matching sizes");
            let z_sim: Vec<f64> = tests
                .iter()
                .map(|t| t.expect("no islands").z_sim.expect("sd > 0"))
                .collect();
            for i in 0..n {
                let p = tests[i].expect("no islands").p_sim;
                let tol = p_sim_tolerance(p_esda[i], p, 999, r);
                assert!(
                    (p - p_esda[i]).abs() <= tol,
                    "{} R={r} p_sim[{i}] {p} vs esda {} (tol {tol})",
                    case.what,
                    p_esda[i]
                );
                let dz = (z_sim[i] - z_cond[i]).abs();
                assert!(
                    dz <= z_tolerance,
                    "{} R={r} z_sim[{i}] {} vs z_cond {}",
                    case.what,
                    z_sim[i],
                    z_cond[i]
                );
            }
            let rho = correlation(&z_sim, &z_cond);
            assert!(
                rho > min_corr,
                "{} R={r} corr(z_sim, z_cond) = {rho}",
                case.what
            );
        }
    }
}

#[test]
fn conditional_z_equals_signed_gi_z_with_binary_weights() {
    // README identity: with binary Gi weights (no self), z_cond(LISA) = sign(z_i) · z(Gi).
    for case in cases() {
        let y = case.csv.f64s("y");
        let binary = case.w.binary();
        let l = moran_local(&y, &binary).expect("valid input");
        let gi = getis_ord_local(&y, &binary, Variant::NoSelf).expect("valid input");
        for i in 0..y.len() {
            let zc = l.z_cond[i].expect("no islands");
            let zg = gi.z[i].expect("no islands") * l.z[i].signum();
            assert!(
                close(zg, zc, 1e-9, 1e-12),
                "{} unit {i}: {zc} vs {zg}",
                case.what
            );
        }
    }
}

#[test]
fn de_smith_example_matches_esda_test_suite() {
    let d = read_json("micro/desmith_local_moran.json");
    let w = weights_json(&d["neighbours"]).row_standardised();
    let y = json_f64s(&d["y"]);
    let l = moran_local(&y, &w).expect("valid input");
    assert_all_close("desmith Is", &json_f64s(&d["Is"]), &l.is);
    assert_all_close("desmith EI_total", &json_f64s(&d["EI_total"]), &l.ei_total);
    assert_all_close("desmith VI_total", &json_f64s(&d["VI_total"]), &l.vi_total);
    assert_all_close("desmith EI_cond", &json_f64s(&d["EI_cond"]), &l.ei_cond);
    assert_all_close("desmith VI_cond", &json_f64s(&d["VI_cond"]), &l.vi_cond);
    let q: Vec<u64> = l
        .quadrant
        .iter()
        .map(|q| u64::from(q.pysal_code()))
        .collect();
    let expected_q: Vec<u64> = d["q_pysal"]
        .as_array()
        .expect("q")
        .iter()
        .map(|v| v.as_u64().expect("code"))
        .collect();
    assert_eq!(q, expected_q);
    // Seeded esda run with 99 permutations, replayed.
    let rows = esda_permutation_rows(y.len(), w.max_cardinality(), 99, 12345);
    let matrix = PermutationMatrix::from_rows(y.len(), &rows).expect("valid matrix");
    let tests = l.permutation_test(&w, &matrix).expect("matching sizes");
    let random = &d["random_seed_12345_99perms"];
    let (p, z, pz) = (
        json_f64s(&random["p_sim"]),
        json_f64s(&random["z_sim"]),
        json_f64s(&random["p_z_sim"]),
    );
    for i in 0..y.len() {
        let s = tests[i].expect("no islands");
        assert_p_sim_replayed(&format!("desmith p_sim[{i}]"), p[i], &s);
        assert!(
            close(z[i], s.z_sim.expect("sd > 0"), 1e-9, 1e-12),
            "desmith z_sim[{i}]"
        );
        assert!(
            close(pz[i], s.p_z_sim.expect("sd > 0"), 1e-8, 1e-15),
            "desmith p_z_sim[{i}]"
        );
    }
}
