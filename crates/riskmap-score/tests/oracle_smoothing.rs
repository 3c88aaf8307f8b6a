//! Rates and smoothing against esda `smoothing` / the oracle's Gamma–Poisson columns:
//! stl HC7984/PO7984 and HC8893/PO8893 with rook and queen, and the micro case whose
//! method-of-moments prior variance is negative (esda's untruncated quirk).
//! Every column at 1e-9 relative / 1e-12 absolute.

mod common;

use common::{
    Csv, assert_all_close, assert_all_close_opt, assert_close, json_f64s, oracle, read_json,
    weights_csv, weights_json,
};
use riskmap_score::rates::{
    RateData, assuncao_reis, eb_posteriors, excess_risk, global_eb, raw_rates, spatial_eb,
    spatial_rate,
};

fn opt(v: Vec<Option<f64>>) -> Vec<f64> {
    v.into_iter().map(|x| x.expect("valid unit")).collect()
}

#[test]
fn stl_smoothing_columns_match_oracle() {
    let meta = read_json("stl/meta.json");
    for (e_name, b_name) in [("HC7984", "PO7984"), ("HC8893", "PO8893")] {
        let c = Csv::read(&oracle(&format!("stl/smoothing_{e_name}_{b_name}.csv")));
        let what = format!("stl {e_name}/{b_name}");
        let data = RateData::new(&c.f64s("e"), &c.f64s("b")).expect("valid counts");
        assert_all_close_opt(
            &format!("{what} raw_rate"),
            &c.f64s("raw_rate"),
            &raw_rates(&data),
        );
        let er = excess_risk(&data).expect("valid units");
        assert_all_close_opt(
            &format!("{what} excess_risk"),
            &c.f64s("excess_risk"),
            &er.ratio,
        );
        assert_all_close_opt(
            &format!("{what} expected_count"),
            &c.f64s("expected_count"),
            &er.expected,
        );

        let eb = global_eb(&data).expect("valid units");
        let p = &meta["global_eb_parameters"][format!("{e_name}/{b_name}")];
        let f = |k: &str| p[k].as_f64().unwrap_or_else(|| panic!("meta {k}"));
        assert_close(
            &format!("{what} theta1"),
            f("global_mean_rate_theta1"),
            eb.prior_mean,
        );
        assert_close(
            &format!("{what} s2"),
            f("s2_weighted"),
            eb.weighted_variance,
        );
        assert_close(
            &format!("{what} A raw"),
            f("prior_variance_A_raw"),
            eb.prior_variance_raw,
        );
        assert_close(
            &format!("{what} A truncated"),
            f("prior_variance_A_truncated"),
            eb.prior_variance,
        );
        assert_close(
            &format!("{what} mean population"),
            f("mean_population"),
            eb.mean_population,
        );
        assert_all_close_opt(
            &format!("{what} eb_global_truncated"),
            &c.f64s("eb_global_truncated"),
            &eb.estimates,
        );
        // A > 0 here, so esda's untruncated estimator and weights agree with ours.
        assert_all_close_opt(
            &format!("{what} eb_global_esda"),
            &c.f64s("eb_global_esda"),
            &eb.untruncated_estimates(&data),
        );
        assert_all_close_opt(
            &format!("{what} shrink weight"),
            &c.f64s("eb_global_shrink_weight_esda"),
            &eb.shrinkage,
        );
        assert_all_close_opt(
            &format!("{what} assuncao_reis"),
            &c.f64s("eb_standardised_assuncao_reis"),
            &assuncao_reis(&data).expect("valid units"),
        );

        let posts = opt(eb_posteriors(&eb, &data)
            .into_iter()
            .map(|p| p.map(|p| p.shape))
            .collect());
        assert_all_close(
            &format!("{what} post shape"),
            &c.f64s("eb_gamma_post_shape"),
            &posts,
        );
        let posteriors: Vec<_> = eb_posteriors(&eb, &data)
            .into_iter()
            .map(|p| p.expect("A > 0"))
            .collect();
        let rates: Vec<f64> = posteriors.iter().map(|p| p.rate).collect();
        assert_all_close(
            &format!("{what} post rate"),
            &c.f64s("eb_gamma_post_rate"),
            &rates,
        );
        let means: Vec<f64> = posteriors.iter().map(|p| p.mean()).collect();
        assert_all_close(
            &format!("{what} posterior mean = EB"),
            &opt(eb.estimates.clone()),
            &means,
        );
        let exceed: Vec<f64> = posteriors
            .iter()
            .map(|p| p.prob_exceeds(eb.prior_mean))
            .collect();
        assert_all_close(
            &format!("{what} p_exceed"),
            &c.f64s("eb_p_exceed_global_mean"),
            &exceed,
        );
        let (low, high): (Vec<f64>, Vec<f64>) =
            posteriors.iter().map(|p| p.credible_interval(0.95)).unzip();
        assert_all_close(&format!("{what} cri95 low"), &c.f64s("eb_cri95_low"), &low);
        assert_all_close(
            &format!("{what} cri95 high"),
            &c.f64s("eb_cri95_high"),
            &high,
        );

        for name in ["rook", "queen"] {
            let w = weights_csv(&format!("stl/weights_{name}.csv"), 78);
            let seb = spatial_eb(&data, &w).expect("same n");
            assert_all_close_opt(
                &format!("{what} spatial_rate_{name}"),
                &c.f64s(&format!("spatial_rate_{name}")),
                &spatial_rate(&data, &w).expect("same n"),
            );
            assert_all_close_opt(
                &format!("{what} spatial_eb_{name}"),
                &c.f64s(&format!("spatial_eb_{name}")),
                &seb.estimates,
            );
            assert_all_close_opt(
                &format!("{what} local mean {name}"),
                &c.f64s(&format!("spatial_eb_local_mean_{name}")),
                &seb.local_mean,
            );
            assert_all_close_opt(
                &format!("{what} local var raw {name}"),
                &c.f64s(&format!("spatial_eb_local_var_raw_{name}")),
                &seb.local_variance_raw,
            );
            // Row-standardising does not change the binary neighbour sets spatial EB uses.
            assert_eq!(
                seb,
                spatial_eb(&data, &w.row_standardised()).expect("same n")
            );
        }
    }
}

/// esda does not truncate the prior variance: with A < 0 its estimates overshoot the mean
/// (0.0112 for areas at 0.005, −0.025 for one area). We truncate (GeoDa, spdep): every
/// estimate is θ₁, and there is no Gamma posterior.
#[test]
fn negative_prior_variance_is_truncated_unlike_esda() {
    let d = read_json("micro/eb_negative_variance.json");
    let t = &d["table"];
    let data = RateData::new(&json_f64s(&t["e"]), &json_f64s(&t["b"])).expect("valid counts");
    let eb = global_eb(&data).expect("valid units");
    let p = &d["params"];
    assert_close(
        "theta1",
        p["global_mean_rate_theta1"].as_f64().expect("theta"),
        eb.prior_mean,
    );
    assert_close(
        "A raw",
        p["prior_variance_A_raw"].as_f64().expect("A"),
        eb.prior_variance_raw,
    );
    assert_eq!(eb.prior_variance, 0.0);
    assert_all_close_opt(
        "eb_global_truncated",
        &json_f64s(&t["eb_global_truncated"]),
        &eb.estimates,
    );
    assert_all_close_opt(
        "eb_global_esda (quirk reproduced)",
        &json_f64s(&t["eb_global_esda"]),
        &eb.untruncated_estimates(&data),
    );
    assert!(
        eb_posteriors(&eb, &data).iter().all(Option::is_none),
        "no Gamma posterior for a point-mass prior"
    );
    assert_all_close_opt("raw_rate", &json_f64s(&t["raw_rate"]), &raw_rates(&data));
    let er = excess_risk(&data).expect("valid units");
    assert_all_close_opt("excess_risk", &json_f64s(&t["excess_risk"]), &er.ratio);
    assert_all_close_opt(
        "assuncao_reis",
        &json_f64s(&t["eb_standardised_assuncao_reis"]),
        &assuncao_reis(&data).expect("valid"),
    );
    let w = weights_json(&d["neighbours"]);
    let seb = spatial_eb(&data, &w).expect("same n");
    assert_all_close_opt(
        "spatial_rate_path",
        &json_f64s(&t["spatial_rate_path"]),
        &seb.local_mean,
    );
    assert_all_close_opt(
        "spatial_eb_path",
        &json_f64s(&t["spatial_eb_path"]),
        &seb.estimates,
    );
    assert_all_close_opt(
        "local var raw",
        &json_f64s(&t["spatial_eb_local_var_raw_path"]),
        &seb.local_variance_raw,
    );
}

#[test]
fn non_positive_population_is_excluded_not_divided_by() {
    let c = Csv::read(&oracle("stl/smoothing_HC8893_PO8893.csv"));
    let mut e = c.f64s("e");
    let mut b = c.f64s("b");
    // Append two broken units: zero and negative population.
    e.extend([3.0, 0.0]);
    b.extend([0.0, -10.0]);
    let data = RateData::new(&e, &b).expect("valid counts");
    assert_eq!(data.excluded(), vec![78, 79]);
    let eb = global_eb(&data).expect("valid units");
    assert_eq!(eb.estimates[78], None);
    assert_eq!(eb.estimates[79], None);
    // The other units are exactly as without the broken ones.
    assert_all_close_opt(
        "eb unaffected",
        &c.f64s("eb_global_truncated"),
        &eb.estimates[..78],
    );
    assert!(raw_rates(&data)[78].is_none());
}
