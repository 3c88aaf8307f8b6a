//! Fixed goalposts: INFORM-style min–max scaling of an indicator to the 0–10 risk scale, and
//! the linear percentiles used to calibrate the goalposts on a base period.
//!
//! **Scaling** (methods §1.2, §1.4). With goalposts lo < hi in the indicator's own unit and the
//! monotone treatment function f (identity, or the log of `treatment`):
//!
//! ```text
//! s = clip(10 · (f(x) − f(lo)) / (f(hi) − f(lo)), 0, 10)      higher is worse
//! s = 10 − that                                              lower is worse (coverage)
//! ```
//!
//! Values beyond the goalposts score 0 or 10, so the goalposts also cut off outliers, and
//! because they are fixed by policy scores stay comparable from one quarter to the next.
//!
//! **Calibration.** `calibrate` proposes goalposts as the p-th and q-th percentiles (5 and 95 by
//! default in the methodology note) of a base period's values, with numpy's default "linear"
//! percentile (R type 7, Excel `PERCENTILE.INC`), reproduced bit for bit: index
//! v = (n − 1)·q, j = ⌊v⌋, γ = v − j, and the interpolation a + (b − a)·γ, computed as
//! b − (b − a)·(1 − γ) when γ ≥ 0.5 (numpy `_lerp`).
//!
//! Reference: Marin-Ferrer, Vernaccini & Poljanšek (2017), *INFORM Concept and Methodology
//! Report — Version 2017*, EUR 28655 EN; Hyndman & Fan (1996), *The American Statistician*
//! 50(4):361–365 (type 7).

use riskmap_model::indicator::Direction;

use super::treatment::Applied;

/// The lower and upper goalposts of an indicator (lo < hi), in the indicator's unit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Goalposts {
    /// Value scored 0 (10 for lower-is-worse indicators).
    pub lo: f64,
    /// Value scored 10 (0 for lower-is-worse indicators).
    pub hi: f64,
}

impl Goalposts {
    /// 10·(x − lo)/(hi − lo), clipped to [0, 10].
    ///
    /// # Examples
    ///
    /// ```
    /// use riskmap_score::composite::goalposts::Goalposts;
    ///
    /// let g = Goalposts { lo: 0.0, hi: 50.0 };
    /// assert_eq!(g.scale(25.0), 5.0);
    /// assert_eq!(g.scale(80.0), 10.0);
    /// assert_eq!(g.scale(-3.0), 0.0);
    /// ```
    pub fn scale(&self, x: f64) -> f64 {
        clip10(10.0 * (x - self.lo) / (self.hi - self.lo))
    }
}

/// The 0–10 risk score of a treated value: f applied to the value and the goalposts, scaled,
/// and reversed for lower-is-worse indicators.
///
/// # Examples
///
/// ```
/// use riskmap_model::indicator::Direction;
/// use riskmap_score::composite::goalposts::{Goalposts, score};
/// use riskmap_score::composite::treatment::Applied;
///
/// let coverage = Goalposts { lo: 40.0, hi: 100.0 };
/// // 70 % of the psychologist norm filled: half-way, so a lack-of-capacity score of 5.
/// assert_eq!(score(70.0, coverage, &Applied::None, Direction::LowerIsWorse), 5.0);
/// ```
pub fn score(value: f64, goalposts: Goalposts, applied: &Applied, direction: Direction) -> f64 {
    let s = match applied {
        Applied::Log(f) => {
            let (lo, hi) = (f.apply(goalposts.lo), f.apply(goalposts.hi));
            clip10(10.0 * (f.apply(value) - lo) / (hi - lo))
        }
        Applied::None | Applied::Winsorised { .. } => goalposts.scale(value),
    };
    match direction {
        Direction::HigherIsWorse => s,
        Direction::LowerIsWorse => 10.0 - s,
    }
}

/// numpy's default (linear, type 7) quantile of **sorted** values at q ∈ [0, 1]; `None` when
/// empty.
///
/// # Examples
///
/// ```
/// use riskmap_score::composite::goalposts::quantile_sorted;
///
/// let x = [1.0, 2.0, 3.0, 4.0, 10.0];
/// assert_eq!(quantile_sorted(&x, 0.5), Some(3.0));
/// // numpy: np.percentile([1, 2, 3, 4, 10], 95) = 8.799999999999999 (10 − 6·0.2, bit for bit)
/// assert_eq!(quantile_sorted(&x, 0.95), Some(8.799_999_999_999_999));
/// ```
pub fn quantile_sorted(sorted: &[f64], q: f64) -> Option<f64> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    let virtual_index = (n - 1) as f64 * q;
    let below = virtual_index.floor();
    let gamma = virtual_index - below;
    let lower = (below.max(0.0) as usize).min(n - 1);
    let upper = (lower + 1).min(n - 1);
    let (a, b) = (sorted[lower], sorted[upper]);
    let diff = b - a;
    Some(if gamma >= 0.5 {
        b - diff * (1.0 - gamma)
    } else {
        a + diff * gamma
    })
}

/// numpy `percentile(values, p)` (p in percent) over the available values; `None` when none.
pub fn percentile(values: &[Option<f64>], p: f64) -> Option<f64> {
    let mut sorted: Vec<f64> = values.iter().flatten().copied().collect();
    sorted.sort_by(f64::total_cmp);
    quantile_sorted(&sorted, p / 100.0)
}

/// Goalposts at the `lo_percent` and `hi_percent` percentiles of a base period's values;
/// `None` when fewer than two distinct values make them coincide.
///
/// # Examples
///
/// ```
/// use riskmap_score::composite::goalposts::calibrate;
///
/// let base: Vec<Option<f64>> = (0..=100).map(|v| Some(f64::from(v))).collect();
/// let g = calibrate(&base, 5.0, 95.0).expect("spread");
/// assert_eq!((g.lo, g.hi), (5.0, 95.0));
/// ```
pub fn calibrate(values: &[Option<f64>], lo_percent: f64, hi_percent: f64) -> Option<Goalposts> {
    let lo = percentile(values, lo_percent)?;
    let hi = percentile(values, hi_percent)?;
    (lo < hi).then_some(Goalposts { lo, hi })
}

fn clip10(x: f64) -> f64 {
    x.clamp(0.0, 10.0)
}
