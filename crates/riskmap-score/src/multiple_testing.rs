//! Multiple-testing control for local statistics: Benjamini–Hochberg FDR and Bonferroni.
//!
//! **FDR (esda `fdr`).** Sort the n p-values ascending as p_(1..n) and find the largest k
//! with p_(k) **<** k·α/n (strict, as esda). The cut-off is k·α/n, or α/n (Bonferroni)
//! when no k qualifies. A test is significant when p **<** cut-off. This is the
//! Benjamini–Hochberg step-up rule with strict inequalities; it differs from the textbook
//! "≤" only on ties, which are common with permutation p-values on the grid 1/(R + 1).
//!
//! **Bonferroni.** Significant when p ≤ α/n.
//!
//! BH controls the FDR under independence and under positive dependence (PRDS), which is
//! the usual situation for local spatial statistics (Castro & Singer 2006).
//!
//! References: Benjamini, Y. & Hochberg, Y. (1995), *JRSS B* 57:289–300; Castro, M. C. &
//! Singer, B. H. (2006), *Geographical Analysis* 38:180–208.

use crate::error::{Error, Result};

/// esda's FDR cut-off k·α/n (α/n when no p-value qualifies).
///
/// Errors when `p` is empty, a value is outside [0, 1] or NaN, or α ∉ (0, 1).
///
/// # Examples
///
/// ```
/// use riskmap_score::multiple_testing::fdr_cutoff;
///
/// let p = [0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216];
/// // p_(2) = 0.008 < 2·0.05/10 = 0.01, and no larger k qualifies.
/// assert!((fdr_cutoff(&p, 0.05).expect("valid p-values") - 0.01).abs() < 1e-18);
/// ```
pub fn fdr_cutoff(p: &[f64], alpha: f64) -> Result<f64> {
    check(p, alpha)?;
    let n = p.len() as f64;
    let mut sorted = p.to_vec();
    sorted.sort_by(f64::total_cmp);
    let k = sorted
        .iter()
        .enumerate()
        .rev()
        .find(|&(idx, &pk)| pk < (idx + 1) as f64 * alpha / n)
        .map_or(1, |(idx, _)| idx + 1);
    Ok(k as f64 * alpha / n)
}

/// Benjamini–Hochberg decisions: `true` where p < [`fdr_cutoff`].
///
/// # Examples
///
/// ```
/// use riskmap_score::multiple_testing::benjamini_hochberg;
///
/// let p = [0.001, 0.008, 0.039, 0.041, 0.5];
/// assert_eq!(benjamini_hochberg(&p, 0.05).expect("valid"), vec![true, true, false, false, false]);
/// ```
pub fn benjamini_hochberg(p: &[f64], alpha: f64) -> Result<Vec<bool>> {
    let cutoff = fdr_cutoff(p, alpha)?;
    Ok(p.iter().map(|&pi| pi < cutoff).collect())
}

/// Bonferroni decisions: `true` where p ≤ α/n.
///
/// # Examples
///
/// ```
/// use riskmap_score::multiple_testing::bonferroni;
///
/// assert_eq!(bonferroni(&[0.03, 0.002], 0.05).expect("valid"), vec![false, true]);
/// ```
pub fn bonferroni(p: &[f64], alpha: f64) -> Result<Vec<bool>> {
    check(p, alpha)?;
    let cutoff = alpha / p.len() as f64;
    Ok(p.iter().map(|&pi| pi <= cutoff).collect())
}

fn check(p: &[f64], alpha: f64) -> Result<()> {
    if !(alpha > 0.0 && alpha < 1.0) {
        return Err(Error::InvalidParameter {
            name: "alpha",
            reason: format!("must be in (0, 1), got {alpha}"),
        });
    }
    if p.is_empty() {
        return Err(Error::TooFewUnits {
            what: "multiple testing",
            needed: 1,
            found: 0,
        });
    }
    if let Some((index, &value)) = p
        .iter()
        .enumerate()
        .find(|(_, v)| !(0.0..=1.0).contains(*v))
    {
        return Err(Error::BadValue {
            what: "p",
            index,
            value,
            reason: "p-values must lie in [0, 1]",
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_qualifying_p_falls_back_to_bonferroni() {
        let p = [0.2, 0.3, 0.9];
        assert!((fdr_cutoff(&p, 0.05).expect("valid") - 0.05 / 3.0).abs() < 1e-18);
        assert_eq!(benjamini_hochberg(&p, 0.05).expect("valid"), vec![false; 3]);
    }

    #[test]
    fn strict_inequality_on_ties() {
        // p_(1) equals exactly 1·α/n: not significant under the strict rule.
        let p = [0.025, 0.5];
        assert_eq!(
            benjamini_hochberg(&p, 0.05).expect("valid"),
            vec![false, false]
        );
    }

    #[test]
    fn nan_is_rejected() {
        assert!(fdr_cutoff(&[f64::NAN], 0.05).is_err());
    }
}
