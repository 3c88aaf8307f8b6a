//! FDR and Bonferroni against esda `fdr` (columbus `multiple_testing.json`): cut-offs and
//! counts on the deterministic two-sided Gi* p-values (ours, from our z) and on esda's
//! seeded LISA p_sim (read from the oracle, so the comparison is deterministic).

mod common;

use common::{Csv, oracle, read_json, weights_csv};
use riskmap_score::getis_ord::{Variant, getis_ord_local};
use riskmap_score::multiple_testing::{benjamini_hochberg, bonferroni, fdr_cutoff};

fn check(label: &str, expected: &serde_json::Value, p: &[f64]) {
    let alpha = expected["alpha"].as_f64().expect("alpha");
    assert_eq!(
        expected["n_tests"].as_u64(),
        Some(p.len() as u64),
        "{label}: n_tests"
    );
    let cutoff = fdr_cutoff(p, alpha).expect("valid p-values");
    let want = expected["fdr_cutoff_esda"].as_f64().expect("cutoff");
    assert!(
        (cutoff - want).abs() <= 1e-15 * want,
        "{label}: cut-off {cutoff} vs esda {want}"
    );
    let count = |v: Vec<bool>| v.into_iter().filter(|&b| b).count() as u64;
    assert_eq!(
        Some(count(benjamini_hochberg(p, alpha).expect("valid"))),
        expected["n_sig_fdr_p_lt_cutoff"].as_u64(),
        "{label}: FDR count"
    );
    assert_eq!(
        Some(count(bonferroni(p, alpha).expect("valid"))),
        expected["n_sig_bonferroni"].as_u64(),
        "{label}: Bonferroni"
    );
    let unadjusted = p.iter().filter(|&&x| x <= alpha).count() as u64;
    assert_eq!(
        Some(unadjusted),
        expected["n_sig_unadjusted"].as_u64(),
        "{label}: unadjusted"
    );
    let bonf = expected["bonferroni_cutoff"]
        .as_f64()
        .expect("bonferroni cut-off");
    assert_eq!(bonf, alpha / p.len() as f64, "{label}: Bonferroni cut-off");
}

#[test]
fn columbus_cutoffs_and_counts_match_esda() {
    let doc = read_json("columbus/multiple_testing.json");
    for entry in doc["results"].as_array().expect("results") {
        let label = entry["p_values"].as_str().expect("label");
        let name = ["queen", "rook", "dband"]
            .into_iter()
            .find(|w| label.contains(&format!(" {w} ")))
            .expect("weights");
        if label.starts_with("g_local") {
            let g = Csv::read(&oracle(&format!("columbus/g_local_CRIME_{name}.csv")));
            let w = weights_csv(&format!("columbus/weights_{name}.csv"), 49);
            let star = getis_ord_local(&g.f64s("y"), &w, Variant::Star).expect("valid input");
            let p: Vec<f64> = star
                .p_two_sided
                .iter()
                .map(|p| p.expect("no islands"))
                .collect();
            check(label, entry, &p);
        } else {
            let l = Csv::read(&oracle(&format!("columbus/local_moran_CRIME_{name}.csv")));
            check(label, entry, &l.f64s("p_sim"));
        }
    }
}
