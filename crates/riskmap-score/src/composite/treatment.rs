//! Outlier treatment of one indicator across units: the JRC/COINr skewness–kurtosis rule.
//!
//! **Rule** (methods §1.1; OECD/JRC Handbook 2008; COINr `Treat()` defaults
//! `skew_thresh = 2`, `kurt_thresh = 3.5`, `winmax = 5`):
//!
//! 1. An indicator is *outlying* when |skewness| > 2 **and** kurtosis > 3.5.
//! 2. If it is, winsorise: while it is outlying and fewer than 5 points have been changed,
//!    replace the highest value(s) by the next highest (when skewness ≥ 0) or the lowest
//!    value(s) by the next lowest (skewness < 0). Tied extremes move together; a step that
//!    would change more than 5 points in total is not taken.
//! 3. If it is still outlying, discard the winsorisation and log-transform the *original*
//!    values instead: ln(x) when every value (and goalpost) is positive, else
//!    ln(x − m + a) with m the minimum, M the maximum and a = 0.01·(M − m), taken over the
//!    values *and the goalposts*, so that the same monotone function can be applied to the
//!    fixed goalposts afterwards (see `goalposts`).
//!
//! **Definitions.** Skewness and kurtosis are COINr's `skew()` and `kurt()`, i.e. e1071
//! type 2 (Excel `SKEW`/`KURT`), the bias-adjusted sample coefficients; kurtosis is
//! *excess* kurtosis (0 for a normal distribution). With centred values d_i and n units:
//!
//! ```text
//! g1 = √n Σd³ / (Σd²)^{3/2}          G1 = g1 · √(n(n−1)) / (n−2)          (n ≥ 3)
//! r  = n Σd⁴ / (Σd²)²                G2 = ((n+1)(r−3) + 6)(n−1) / ((n−2)(n−3))   (n ≥ 4)
//! ```
//!
//! Both are undefined (`None`) for constant values; an indicator whose statistics are
//! undefined is not outlying. Missing values (`None`) are left out and stay missing.
//!
//! One deliberate difference from COINr 1.x: COINr's `winsorise()` resets its point counter
//! on every step (it counts only the last step's points), so its `winmax` rarely binds; this
//! module counts all changed points, which is what "winsorise up to 5 points" means.
//!
//! Reference: COINr `R/treat.R` (bluefoxr/COINr) and vignette `treat.Rmd`; Nardo et al.
//! (2008), *Handbook on Constructing Composite Indicators*, OECD/JRC, doi:10.1787/9789264043466-en.

use super::goalposts::Goalposts;

/// Thresholds of the treatment rule (from the methodology file).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TreatmentSettings {
    /// Absolute skewness above which (with kurtosis) an indicator is outlying.
    pub skew_max: f64,
    /// Excess kurtosis above which (with skewness) an indicator is outlying.
    pub kurtosis_max: f64,
    /// Maximum number of winsorised points.
    pub winsor_max_points: usize,
    /// a = share · (max − min) in the shifted log.
    pub log_offset_share: f64,
}

/// Which treatment an indicator is subject to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TreatmentMode {
    /// The JRC rule above.
    Auto,
    /// Never treated.
    None,
    /// Always log-transformed.
    Log,
}

/// The monotone log transform f(x) = ln(x + shift).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LogTransform {
    /// 0 for plain ln(x); a − m for the shifted log.
    pub shift: f64,
}

impl LogTransform {
    /// f(x) = ln(x + shift).
    pub fn apply(&self, x: f64) -> f64 {
        (x + self.shift).ln()
    }
}

/// What was done to an indicator.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Applied {
    /// Nothing.
    None,
    /// Winsorised; the number of points changed.
    Winsorised {
        /// Points changed.
        points: usize,
    },
    /// Log-transformed.
    Log(LogTransform),
}

/// The treated indicator.
#[derive(Debug, Clone, PartialEq)]
pub struct Treated {
    /// Values after winsorisation (log values are *not* stored here: apply `applied` to them
    /// and to the goalposts together, see `goalposts::score`).
    pub values: Vec<Option<f64>>,
    /// The treatment applied.
    pub applied: Applied,
    /// Skewness G1 of the original available values.
    pub skewness: Option<f64>,
    /// Excess kurtosis G2 of the original available values.
    pub kurtosis: Option<f64>,
    /// Whether the treated indicator passes the rule (always true when untreated and not
    /// outlying; may be false after a log transform).
    pub passes: bool,
}

/// Sample skewness G1 (e1071 type 2, Excel `SKEW`); `None` for n < 3 or constant values.
///
/// # Examples
///
/// ```
/// use riskmap_score::composite::treatment::skewness;
///
/// // Excel: SKEW(1, 2, 3, 10) = 1.763632614803888
/// let g1 = skewness(&[1.0, 2.0, 3.0, 10.0]).expect("defined");
/// assert!((g1 - 1.763632614803888).abs() < 1e-12);
/// ```
pub fn skewness(x: &[f64]) -> Option<f64> {
    let n = x.len() as f64;
    if x.len() < 3 {
        return None;
    }
    let mean = x.iter().sum::<f64>() / n;
    let (s2, s3) = x.iter().fold((0.0, 0.0), |(s2, s3), v| {
        let d = v - mean;
        (s2 + d * d, s3 + d * d * d)
    });
    if s2 <= 0.0 {
        return None;
    }
    let g1 = n.sqrt() * s3 / s2.powf(1.5);
    Some(g1 * (n * (n - 1.0)).sqrt() / (n - 2.0))
}

/// Sample excess kurtosis G2 (e1071 type 2, Excel `KURT`); `None` for n < 4 or constant values.
///
/// # Examples
///
/// ```
/// use riskmap_score::composite::treatment::kurtosis;
///
/// // Excel: KURT(1, 2, 3, 10) = 3.228
/// let g2 = kurtosis(&[1.0, 2.0, 3.0, 10.0]).expect("defined");
/// assert!((g2 - 3.228).abs() < 1e-12);
/// ```
pub fn kurtosis(x: &[f64]) -> Option<f64> {
    let n = x.len() as f64;
    if x.len() < 4 {
        return None;
    }
    let mean = x.iter().sum::<f64>() / n;
    let (s2, s4) = x.iter().fold((0.0, 0.0), |(s2, s4), v| {
        let d = v - mean;
        let d2 = d * d;
        (s2 + d2, s4 + d2 * d2)
    });
    if s2 <= 0.0 {
        return None;
    }
    let r = n * s4 / (s2 * s2);
    Some(((n + 1.0) * (r - 3.0) + 6.0) * (n - 1.0) / ((n - 2.0) * (n - 3.0)))
}

/// True when |G1| > `skew_max` and G2 > `kurtosis_max` (false when either is undefined).
pub fn is_outlying(x: &[f64], settings: &TreatmentSettings) -> bool {
    match (skewness(x), kurtosis(x)) {
        (Some(s), Some(k)) => s.abs() > settings.skew_max && k > settings.kurtosis_max,
        _ => false,
    }
}

/// Winsorises `x` in place by the rule above; returns the number of points changed.
///
/// # Examples
///
/// ```
/// use riskmap_score::composite::treatment::{TreatmentSettings, winsorise};
///
/// let settings = TreatmentSettings { skew_max: 2.0, kurtosis_max: 3.5, winsor_max_points: 5, log_offset_share: 0.01 };
/// let mut x: Vec<f64> = (1..=10).map(f64::from).chain([30.0, 100.0]).collect();
/// let points = winsorise(&mut x, &settings);
/// assert_eq!(points, 1);
/// assert_eq!(&x[10..], &[30.0, 30.0]); // 100 → 30: skewness 1.71, back under 2
/// ```
pub fn winsorise(x: &mut [f64], settings: &TreatmentSettings) -> usize {
    let mut points = 0;
    while is_outlying(x, settings) {
        let high = skewness(x).is_some_and(|s| s >= 0.0);
        let extreme = if high {
            x.iter().copied().fold(f64::NEG_INFINITY, f64::max)
        } else {
            x.iter().copied().fold(f64::INFINITY, f64::min)
        };
        let rest = x.iter().copied().filter(|v| *v != extreme);
        let replacement = if high {
            rest.fold(f64::NEG_INFINITY, f64::max)
        } else {
            rest.fold(f64::INFINITY, f64::min)
        };
        let tied = x.iter().filter(|v| **v == extreme).count();
        if !replacement.is_finite() || points + tied > settings.winsor_max_points {
            break;
        }
        for v in x.iter_mut().filter(|v| **v == extreme) {
            *v = replacement;
        }
        points += tied;
    }
    points
}

/// The log transform of methods §1.1 for `values`, extended over `goalposts` when given.
///
/// # Examples
///
/// ```
/// use riskmap_score::composite::goalposts::Goalposts;
/// use riskmap_score::composite::treatment::log_transform;
///
/// assert_eq!(log_transform(&[1.0, 5.0], None, 0.01).shift, 0.0); // all positive: ln(x)
/// // A zero (here the goalpost): ln(x − 0 + 0.01·(20 − 0)).
/// let f = log_transform(&[1.0, 5.0], Some(Goalposts { lo: 0.0, hi: 20.0 }), 0.01);
/// assert!((f.shift - 0.2).abs() < 1e-15);
/// ```
pub fn log_transform(values: &[f64], goalposts: Option<Goalposts>, share: f64) -> LogTransform {
    let extra = goalposts.map(|g| [g.lo, g.hi]);
    let all = values.iter().chain(extra.iter().flatten()).copied();
    let (min, max) = all.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    if min > 0.0 {
        return LogTransform { shift: 0.0 };
    }
    let a = share * (max - min);
    // Constant values at or below 0: shift them to 1 so that ln stays finite.
    let shift = if a > 0.0 { a - min } else { 1.0 - min };
    LogTransform { shift }
}

/// Applies the treatment rule (or the forced `mode`) to one indicator across units.
///
/// # Examples
///
/// ```
/// use riskmap_score::composite::treatment::{Applied, TreatmentMode, TreatmentSettings, treat};
///
/// let settings = TreatmentSettings { skew_max: 2.0, kurtosis_max: 3.5, winsor_max_points: 5, log_offset_share: 0.01 };
/// let mut x: Vec<Option<f64>> = (1..=20).map(|v| Some(f64::from(v))).collect();
/// x.push(Some(500.0));
/// x.push(None);
/// let t = treat(&x, &settings, TreatmentMode::Auto, None);
/// assert_eq!(t.applied, Applied::Winsorised { points: 1 });
/// assert_eq!(t.values[20], Some(20.0));
/// assert_eq!(t.values[21], None);
/// ```
pub fn treat(
    values: &[Option<f64>],
    settings: &TreatmentSettings,
    mode: TreatmentMode,
    goalposts: Option<Goalposts>,
) -> Treated {
    let available: Vec<f64> = values.iter().flatten().copied().collect();
    let skew = skewness(&available);
    let kurt = kurtosis(&available);
    let untreated = |passes| Treated {
        values: values.to_vec(),
        applied: Applied::None,
        skewness: skew,
        kurtosis: kurt,
        passes,
    };
    let logged = |available: &[f64]| {
        let f = log_transform(available, goalposts, settings.log_offset_share);
        let transformed: Vec<f64> = available.iter().map(|&v| f.apply(v)).collect();
        Treated {
            values: values.to_vec(),
            applied: Applied::Log(f),
            skewness: skew,
            kurtosis: kurt,
            passes: !is_outlying(&transformed, settings),
        }
    };
    match mode {
        TreatmentMode::None => untreated(!is_outlying(&available, settings)),
        TreatmentMode::Log => logged(&available),
        TreatmentMode::Auto => {
            if !is_outlying(&available, settings) {
                return untreated(true);
            }
            let mut winsorised = available.clone();
            let points = winsorise(&mut winsorised, settings);
            if is_outlying(&winsorised, settings) {
                return logged(&available);
            }
            let mut next = winsorised.into_iter();
            let values = values.iter().map(|v| v.and_then(|_| next.next())).collect();
            Treated {
                values,
                applied: Applied::Winsorised { points },
                skewness: skew,
                kurtosis: kurt,
                passes: true,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> TreatmentSettings {
        TreatmentSettings {
            skew_max: 2.0,
            kurtosis_max: 3.5,
            winsor_max_points: 5,
            log_offset_share: 0.01,
        }
    }

    #[test]
    fn statistics_match_excel_on_a_textbook_sample() {
        // Excel SKEW / KURT of 2, 4, 4, 4, 5, 5, 7, 9.
        let x = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0];
        assert!((skewness(&x).expect("defined") - 0.818_487_553_356_799_7).abs() < 1e-12);
        assert!((kurtosis(&x).expect("defined") - 0.940_625).abs() < 1e-12);
        assert_eq!(skewness(&[3.0, 3.0, 3.0]), None);
        assert_eq!(kurtosis(&[1.0, 2.0, 3.0]), None);
    }

    #[test]
    fn heavy_tail_beyond_five_points_is_log_transformed() {
        // Ten large outliers cannot be winsorised within five points.
        let mut x: Vec<Option<f64>> = (0..100).map(|i| Some(f64::from(i % 5))).collect();
        for v in x.iter_mut().take(10) {
            *v = Some(1000.0);
        }
        x[0] = Some(5000.0);
        let t = treat(&x, &settings(), TreatmentMode::Auto, None);
        assert!(matches!(t.applied, Applied::Log(_)), "{:?}", t.applied);
        assert_eq!(t.values, x, "log values are applied at scoring, not stored");
    }

    #[test]
    fn untreated_when_not_outlying_or_too_few_values() {
        let x: Vec<Option<f64>> = [1.0, 2.0, 3.0, 4.0, 5.0].iter().map(|v| Some(*v)).collect();
        assert_eq!(
            treat(&x, &settings(), TreatmentMode::Auto, None).applied,
            Applied::None
        );
        let few = [Some(1.0), Some(1000.0), None];
        assert_eq!(
            treat(&few, &settings(), TreatmentMode::Auto, None).applied,
            Applied::None
        );
    }
}
