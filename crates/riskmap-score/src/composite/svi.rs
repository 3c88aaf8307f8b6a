//! CDC/ATSDR SVI-style percentile ranks, 4-decimal rounding, top-10 % flags and theme sums,
//! published next to the composite so that one extreme driver is never hidden by the average.
//!
//! **Definitions** (methods §1.3; CDC/ATSDR SVI documentation 2000–2022):
//!
//! ```text
//! PR      = (rank_min − 1)/(N − 1)       ascending, ties take the smallest rank; 0 when N = 1
//! PR_rev  = 1 − PR(x)                    for "good" indicators (coverage); ≠ PR(−x) with ties
//! PR_4    = round(PR, 4)                 as CDC publishes it
//! F       = 1 when PR_4 ≥ 0.90           the "top 10 %" flag
//! SPL     = round(Σ PR_4, 4)             over a theme's indicators (all must be present)
//! RPL     = round(PR(SPL), 4)            the theme's percentile rank
//! ```
//!
//! Units whose value is missing are left out of the ranking (SVI sets them to −999) and get
//! no PR. Rounding reproduces numpy's `np.round` exactly: multiply by 10⁴, round half to even,
//! divide by 10⁴ (CDC rounds half up in Excel; the two differ only on exact .00005 ties).
//!
//! The ranks equal `crate::ranks::percent_rank` on the available values (a property test checks
//! it); this module sorts once with an unstable sort, which matters for 7,687 schools × 13
//! indicators × 8 quarters.
//!
//! Reference: CDC/ATSDR SVI 2000 documentation; cymonegates/SVI_R_Script.

use riskmap_model::indicator::Direction;

use crate::error::{Error, Result};

/// The flag threshold on the rounded percentile rank.
pub const FLAG_THRESHOLD: f64 = 0.90;

/// SVI percentile ranks of the available values, reversed (1 − PR) for lower-is-worse.
///
/// # Examples
///
/// ```
/// use riskmap_model::indicator::Direction;
/// use riskmap_score::composite::svi::percent_ranks;
///
/// let x = [Some(10.0), None, Some(30.0), Some(20.0), Some(30.0), Some(0.0)];
/// let pr = percent_ranks(&x, Direction::HigherIsWorse).expect("finite");
/// assert_eq!(pr, vec![Some(0.25), None, Some(0.75), Some(0.5), Some(0.75), Some(0.0)]);
/// let rev = percent_ranks(&x, Direction::LowerIsWorse).expect("finite");
/// assert_eq!(rev[2], Some(0.25)); // 1 − 0.75, not PR(−x) = 0 for the tied pair
/// ```
pub fn percent_ranks(values: &[Option<f64>], direction: Direction) -> Result<Vec<Option<f64>>> {
    let mut available = Vec::with_capacity(values.len());
    for (index, v) in values.iter().enumerate() {
        if let Some(x) = *v {
            if !x.is_finite() {
                return Err(Error::BadValue {
                    what: "values",
                    index,
                    value: x,
                    reason: "ranks need finite values",
                });
            }
            available.push((x, index));
        }
    }
    // Equal values are contiguous in the total order (−0.0 sorts before every +0.0), so each
    // run of equal values shares the position of its first member: the minimum rank.
    available.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
    let denominator = available.len().saturating_sub(1) as f64;
    let mut out = vec![None; values.len()];
    let mut start = 0;
    for pos in 0..available.len() {
        if available[pos].0 != available[start].0 {
            start = pos;
        }
        let pr = if denominator > 0.0 {
            start as f64 / denominator
        } else {
            0.0
        };
        out[available[pos].1] = Some(match direction {
            Direction::HigherIsWorse => pr,
            Direction::LowerIsWorse => 1.0 - pr,
        });
    }
    Ok(out)
}

/// Percentile ranks computed separately inside each group (`groups[i]` is unit i's group).
///
/// # Examples
///
/// ```
/// use riskmap_model::indicator::Direction;
/// use riskmap_score::composite::svi::percent_ranks_by_group;
///
/// let x = [Some(1.0), Some(5.0), Some(2.0), Some(3.0)];
/// let pr = percent_ranks_by_group(&x, &[0, 1, 0, 1], Direction::HigherIsWorse).expect("finite");
/// assert_eq!(pr, vec![Some(0.0), Some(1.0), Some(1.0), Some(0.0)]);
/// ```
pub fn percent_ranks_by_group(
    values: &[Option<f64>],
    groups: &[usize],
    direction: Direction,
) -> Result<Vec<Option<f64>>> {
    let n_groups = groups.iter().max().map_or(0, |g| g + 1);
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); n_groups];
    for (i, &g) in groups.iter().enumerate() {
        members[g].push(i);
    }
    let mut out = vec![None; values.len()];
    for list in members {
        let sub: Vec<Option<f64>> = list.iter().map(|&i| values[i]).collect();
        for (&i, pr) in list.iter().zip(percent_ranks(&sub, direction)?) {
            out[i] = pr;
        }
    }
    Ok(out)
}

/// numpy `np.round(x, decimals)`: x·10^d rounded half to even, divided by 10^d.
///
/// # Examples
///
/// ```
/// use riskmap_score::composite::svi::round_to;
///
/// assert_eq!(round_to(0.123_456, 4), 0.1235);
/// assert_eq!(round_to(0.000_05, 4), 0.0); // half to even
/// ```
pub fn round_to(x: f64, decimals: i32) -> f64 {
    let factor = 10f64.powi(decimals);
    (x * factor).round_ties_even() / factor
}

/// The SVI flag: rounded percentile rank ≥ 0.90.
pub fn flag(pr_rounded: f64) -> bool {
    pr_rounded >= FLAG_THRESHOLD
}

/// A theme's SPL (sum of rounded PRs, rounded) and RPL (its rounded percentile rank).
#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    /// SPL per unit; `None` when any of the theme's PRs is missing.
    pub spl: Vec<Option<f64>>,
    /// RPL per unit, ranked over the units with an SPL.
    pub rpl: Vec<Option<f64>>,
}

/// SPL and RPL of a theme from its indicators' rounded PRs (`rounded[k][i]`: indicator k,
/// unit i). Sums run over indicators in the given order.
///
/// # Examples
///
/// ```
/// use riskmap_score::composite::svi::theme;
///
/// let a = vec![Some(0.0), Some(0.5), Some(1.0)];
/// let b = vec![Some(1.0), Some(0.5), None];
/// let t = theme(&[a, b]).expect("finite");
/// assert_eq!(t.spl, vec![Some(1.0), Some(1.0), None]);
/// assert_eq!(t.rpl, vec![Some(0.0), Some(0.0), None]);
/// ```
pub fn theme(rounded: &[Vec<Option<f64>>]) -> Result<Theme> {
    let n = rounded.first().map_or(0, Vec::len);
    let spl: Vec<Option<f64>> = (0..n)
        .map(|i| {
            let mut sum = 0.0;
            for column in rounded {
                sum += column.get(i).copied().flatten()?;
            }
            Some(round_to(sum, 4))
        })
        .collect();
    let rpl = percent_ranks(&spl, Direction::HigherIsWorse)?
        .into_iter()
        .map(|pr| pr.map(|p| round_to(p, 4)))
        .collect();
    Ok(Theme { spl, rpl })
}
