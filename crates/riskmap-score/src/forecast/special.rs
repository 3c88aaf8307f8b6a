//! Special functions of the negative binomial likelihood: log Γ, digamma and trigamma,
//! and the differences Γ(y + r)/Γ(r) that keep full precision when the size r is huge.

use statrs::function::gamma::ln_gamma;

/// Counts at or below this use exact finite sums for the Γ-differences.
pub(crate) const SUM_LIMIT: f64 = 256.0;

/// ψ(x), the digamma function, for x > 0 (recurrence to x ≥ 10, then the asymptotic series).
pub(crate) fn digamma(mut x: f64) -> f64 {
    let mut shift = 0.0;
    while x < 10.0 {
        shift -= 1.0 / x;
        x += 1.0;
    }
    let inv2 = 1.0 / (x * x);
    let series = inv2
        * (1.0 / 12.0
            - inv2 * (1.0 / 120.0 - inv2 * (1.0 / 252.0 - inv2 * (1.0 / 240.0 - inv2 / 132.0))));
    shift + x.ln() - 0.5 / x - series
}

/// ψ'(x), the trigamma function, for x > 0.
pub(crate) fn trigamma(mut x: f64) -> f64 {
    let mut shift = 0.0;
    while x < 10.0 {
        shift += 1.0 / (x * x);
        x += 1.0;
    }
    let inv = 1.0 / x;
    let inv2 = inv * inv;
    let series = inv
        + inv2 / 2.0
        + inv
            * inv2
            * (1.0 / 6.0
                - inv2
                    * (1.0 / 30.0 - inv2 * (1.0 / 42.0 - inv2 * (1.0 / 30.0 - inv2 * 5.0 / 66.0))));
    shift + series
}

/// log Γ(y + r) − log Γ(r) for a count y ≥ 0 and size r > 0.
pub(crate) fn ln_gamma_ratio(y: f64, r: f64) -> f64 {
    if y <= SUM_LIMIT {
        (0..y as usize).map(|k| (r + k as f64).ln()).sum()
    } else {
        ln_gamma(y + r) - ln_gamma(r)
    }
}

/// ψ(y + r) − ψ(r).
pub(crate) fn digamma_diff(y: f64, r: f64) -> f64 {
    if y <= SUM_LIMIT {
        (0..y as usize).map(|k| 1.0 / (r + k as f64)).sum()
    } else {
        digamma(y + r) - digamma(r)
    }
}

/// ψ'(y + r) − ψ'(r).
pub(crate) fn trigamma_diff(y: f64, r: f64) -> f64 {
    if y <= SUM_LIMIT {
        -(0..y as usize)
            .map(|k| 1.0 / ((r + k as f64) * (r + k as f64)))
            .sum::<f64>()
    } else {
        trigamma(y + r) - trigamma(r)
    }
}

/// log y! for a count y.
pub(crate) fn ln_factorial(y: f64) -> f64 {
    ln_gamma(y + 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digamma_matches_known_values() {
        // ψ(1) = −γ, ψ(0.5) = −γ − 2 ln 2 (exact constants).
        let euler = 0.577_215_664_901_532_9;
        assert!(
            (digamma(1.0) + euler).abs() < 1e-13,
            "{}",
            digamma(1.0) + euler
        );
        assert!(
            (digamma(0.5) + euler + 2.0 * 2f64.ln()).abs() < 1e-13,
            "{}",
            digamma(0.5) + euler + 2.0 * 2f64.ln()
        );
    }

    #[test]
    fn trigamma_matches_known_values() {
        // ψ'(1) = π²/6, ψ'(0.5) = π²/2.
        let pi2 = std::f64::consts::PI * std::f64::consts::PI;
        assert!((trigamma(1.0) - pi2 / 6.0).abs() < 1e-13);
        assert!((trigamma(0.5) - pi2 / 2.0).abs() < 1e-13);
    }

    #[test]
    fn differences_agree_between_sum_and_function() {
        for &r in &[0.3, 2.0, 57.0] {
            let y = 300.0;
            let by_sum: f64 = (0..300).map(|k| 1.0 / (r + f64::from(k))).sum();
            assert!((digamma_diff(y, r) - by_sum).abs() < 1e-11 * by_sum);
            let lg: f64 = (0..300).map(|k| (r + f64::from(k)).ln()).sum();
            assert!((ln_gamma_ratio(y, r) - lg).abs() < 1e-10 * lg.abs());
            let tg: f64 = -(0..300).map(|k| (r + f64::from(k)).powi(-2)).sum::<f64>();
            assert!((trigamma_diff(y, r) - tg).abs() < 1e-10 * tg.abs());
        }
    }
}
