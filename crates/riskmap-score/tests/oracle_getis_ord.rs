//! Local Getis–Ord against esda `G_Local` with binary weights ("B"), star and no-star,
//! and against the hand-computed Ord & Getis (1995) z: columbus CRIME (queen, rook, dband),
//! stl HR8893 (rook) and the 6-point example of esda's test-suite. Deterministic columns at
//! 1e-9 relative / 1e-12 absolute; permutation columns by exact replay and statistically.
//! esda's row-standardised ("R") z is not the Ord–Getis z and is deliberately not matched.

mod common;

use common::{
    Csv, assert_all_close, assert_all_close_opt, close, esda_permutation_rows, json_f64s, oracle,
    p_sim_tolerance, read_json, weights_csv, weights_json,
};
use riskmap_score::getis_ord::{GetisOrd, Variant, getis_ord_local};
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
            "columbus/g_local_CRIME_queen.csv",
            "columbus/weights_queen.csv",
            49,
        ),
        (
            "columbus CRIME rook",
            "columbus/g_local_CRIME_rook.csv",
            "columbus/weights_rook.csv",
            49,
        ),
        (
            "columbus CRIME dband",
            "columbus/g_local_CRIME_dband.csv",
            "columbus/weights_dband.csv",
            49,
        ),
        (
            "stl HR8893 rook",
            "stl/g_local_HR8893_rook.csv",
            "stl/weights_rook.csv",
            78,
        ),
    ]
    .into_iter()
    .map(|(what, csv, w, n)| Case {
        what,
        csv: Csv::read(&oracle(csv)),
        w: weights_csv(w, n),
    })
    .collect()
}

fn check_columns(what: &str, prefix: &str, c: &Csv, g: &GetisOrd) {
    let col = |k: &str| c.f64s(&format!("{prefix}_{k}"));
    assert_all_close(&format!("{what} {prefix}_G"), &col("G"), &g.g);
    assert_all_close(&format!("{what} {prefix}_EG"), &col("EG"), &g.expected);
    assert_all_close(&format!("{what} {prefix}_VG"), &col("VG"), &g.variance);
    assert_all_close_opt(&format!("{what} {prefix}_Z"), &col("Z"), &g.z);
    let one_sided: Vec<Option<f64>> = g.p_two_sided.iter().map(|p| p.map(|p| p / 2.0)).collect();
    assert_all_close_opt(
        &format!("{what} {prefix}_p_norm_one_sided"),
        &col("p_norm_one_sided"),
        &one_sided,
    );
}

#[test]
fn binary_gi_star_and_gi_match_esda_and_ord_getis() {
    for case in cases() {
        let y = case.csv.f64s("y");
        let star = getis_ord_local(&y, &case.w, Variant::Star).expect("valid input");
        check_columns(case.what, "gstar_B", &case.csv, &star);
        assert_all_close_opt(
            &format!("{} ord-getis z", case.what),
            &case.csv.f64s("gstar_ordgetis1995_Z"),
            &star.z,
        );
        assert_all_close_opt(
            &format!("{} ord-getis p", case.what),
            &case.csv.f64s("gstar_ordgetis1995_p_two_sided"),
            &star.p_two_sided,
        );
        let gi = getis_ord_local(&y, &case.w, Variant::NoSelf).expect("valid input");
        check_columns(case.what, "g_B", &case.csv, &gi);
    }
}

#[test]
fn z_is_invariant_to_row_standardisation() {
    // Ord–Getis z does not change when a row is rescaled (spdep localG style "W" = "B").
    for case in cases() {
        let y = case.csv.f64s("y");
        let binary = getis_ord_local(&y, &case.w, Variant::NoSelf).expect("valid input");
        let row =
            getis_ord_local(&y, &case.w.row_standardised(), Variant::NoSelf).expect("valid input");
        for i in 0..y.len() {
            let (a, b) = (binary.z[i].expect("z"), row.z[i].expect("z"));
            assert!(
                close(a, b, 1e-9, 1e-12),
                "{} unit {i}: {a} vs {b}",
                case.what
            );
        }
    }
}

/// Replaying esda's index matrix reproduces G_Local's simulations; `p_sim` is stored by
/// esda as float32, so it is compared in f32 (up to near-ties).
#[test]
fn permutation_columns_replay_esda() {
    for case in cases() {
        let y = case.csv.f64s("y");
        let n = y.len();
        let rows = esda_permutation_rows(n, case.w.max_cardinality(), 999, 12345);
        let matrix = PermutationMatrix::from_rows(n, &rows).expect("valid matrix");
        for (variant, prefix) in [(Variant::Star, "gstar_B"), (Variant::NoSelf, "g_B")] {
            let g = getis_ord_local(&y, &case.w, variant).expect("valid input");
            let tests = g
                .permutation_test(&y, &case.w, &matrix)
                .expect("matching sizes");
            let p = case.csv.f64s(&format!("{prefix}_p_sim"));
            let z = case.csv.f64s(&format!("{prefix}_z_sim"));
            for i in 0..n {
                let s = tests[i].expect("no islands");
                let slack = s.n_near_ties as f64 / 1000.0 + 1e-6;
                assert!(
                    (f64::from(s.p_sim as f32) - p[i]).abs() <= slack,
                    "{} {prefix} p_sim[{i}]: {} vs esda {} ({} near-ties)",
                    case.what,
                    s.p_sim,
                    p[i],
                    s.n_near_ties
                );
                if s.n_near_ties == 0 {
                    assert_eq!(
                        s.p_sim as f32, p[i] as f32,
                        "{} {prefix} p_sim[{i}] without ties",
                        case.what
                    );
                }
                assert!(
                    close(z[i], s.z_sim.expect("sd > 0"), 1e-9, 1e-12),
                    "{} {prefix} z_sim[{i}]",
                    case.what
                );
            }
        }
    }
}

#[test]
fn own_generator_agrees_statistically() {
    for case in cases() {
        let y = case.csv.f64s("y");
        let n = y.len();
        let matrix =
            PermutationMatrix::draw(n, case.w.max_cardinality(), 999, 12345).expect("valid sizes");
        let g = getis_ord_local(&y, &case.w, Variant::Star).expect("valid input");
        let tests = g
            .permutation_test(&y, &case.w, &matrix)
            .expect("matching sizes");
        let p_esda = case.csv.f64s("gstar_B_p_sim");
        for i in 0..n {
            let p = tests[i].expect("no islands").p_sim;
            let tol = p_sim_tolerance(p_esda[i], p, 999, 999);
            assert!(
                (p - p_esda[i]).abs() <= tol,
                "{} p_sim[{i}] {p} vs esda {} (tol {tol})",
                case.what,
                p_esda[i]
            );
        }
    }
}

#[test]
fn six_point_example_matches_esda_test_suite() {
    let d = read_json("micro/getisord_6points.json");
    let w = weights_json(&d["neighbours"]);
    let y = json_f64s(&d["y"]);
    for (variant, key) in [(Variant::Star, "gstar_B"), (Variant::NoSelf, "g_B")] {
        let g = getis_ord_local(&y, &w, variant).expect("valid input");
        let e = &d[key];
        assert_all_close(&format!("{key} G"), &json_f64s(&e["G"]), &g.g);
        assert_all_close(&format!("{key} EG"), &json_f64s(&e["EG"]), &g.expected);
        assert_all_close(&format!("{key} VG"), &json_f64s(&e["VG"]), &g.variance);
        assert_all_close_opt(&format!("{key} Z"), &json_f64s(&e["Z"]), &g.z);
        // esda seed 10, 999 permutations, replayed.
        let rows = esda_permutation_rows(y.len(), w.max_cardinality(), 999, 10);
        let matrix = PermutationMatrix::from_rows(y.len(), &rows).expect("valid matrix");
        let tests = g.permutation_test(&y, &w, &matrix).expect("matching sizes");
        let random = &e["random_seed10_999perms"];
        let (p, pz) = (json_f64s(&random["p_sim"]), json_f64s(&random["p_z_sim"]));
        for i in 0..y.len() {
            let s = tests[i].expect("no islands");
            let slack = s.n_near_ties as f64 / 1000.0 + 1e-6;
            assert!(
                (s.p_sim - p[i]).abs() <= slack,
                "{key} p_sim[{i}]: {} vs {}",
                s.p_sim,
                p[i]
            );
            assert!(
                close(pz[i], s.p_z_sim.expect("sd > 0"), 1e-8, 1e-15),
                "{key} p_z_sim[{i}]"
            );
        }
    }
}
