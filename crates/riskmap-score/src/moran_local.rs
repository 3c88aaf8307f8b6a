//! Local Moran's I (LISA) with analytical moments, quadrants and conditional permutation.
//!
//! esda standardises first, z_i = (y_i − ȳ)/sd₀(y) (population SD, so Σz² = n), and with
//! lag_i = Σ_j w_ij z_j (use row-standardised weights, as esda's default `"r"`):
//!
//! ```text
//! I_i  = n · z_i · lag_i / Σz² = z_i · lag_i        Anselin (1995), spdep `Ii`
//! Is_i = (n − 1) · z_i · lag_i / Σz²                esda `Is` = GeoDa's value
//! ```
//!
//! This crate reports **I_i** (spdep scaling) and builds every z from it. Moments of I_i,
//! with w_i· = Σ_j w_ij, w_i(2) = Σ_j w_ij², m2 = Σz²/n and b2 = m4/m2² (Sokal, Oden &
//! Thomson 1998):
//!
//! ```text
//! total randomisation (A3/A4):
//!   E  = −w_i· / (n − 1)
//!   V  = w_i(2)(n − b2)/(n − 1) + (w_i·² − w_i(2))(2b2 − n)/((n − 1)(n − 2)) − E²
//! conditional randomisation (A7/A8), z_i fixed:
//!   E_c = −z_i² w_i· / ((n − 1) m2)
//!   V_c = (z_i/m2)² · n/(n − 2) · (w_i(2) − w_i·²/(n − 1)) · (m2 − z_i²/(n − 1))
//! ```
//!
//! esda reports these moments next to `Is`, which is on the other scale (an esda quirk);
//! here both sit on I_i, so z_total and z_cond equal spdep's `localmoran` Z.Ii.
//!
//! Quadrants follow the signs of z_i and lag_i, a value of exactly 0 counting as "low":
//! HH and LL are clusters, HL and LH spatial outliers (HL: a high unit among low ones).
//!
//! Islands have lag 0, I_i = 0 and zero variance: their z values are `None`, and so is
//! their permutation result.
//!
//! Reference: Anselin, L. (1995), Local indicators of spatial association — LISA,
//! *Geographical Analysis* 27:93–115; Sokal, R. R., Oden, N. L. & Thomson, B. A. (1998),
//! *Geographical Analysis* 30:331–354; esda `Moran_Local`.

use crate::conditional_randomisation::{LocalStatistic, conditional_randomisation};
use crate::error::{Error, Result};
use crate::permutation::{PermutationMatrix, PermutationSummary};
use crate::weights::{Weights, check_input};

/// LISA quadrant of a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Quadrant {
    /// High value, high neighbours (cluster).
    HighHigh,
    /// Low value, high neighbours (outlier).
    LowHigh,
    /// Low value, low neighbours (cluster).
    LowLow,
    /// High value, low neighbours (outlier: an isolated high unit).
    HighLow,
}

impl Quadrant {
    /// Quadrant of (z_i, lag_i); exactly 0 counts as low (esda).
    pub fn of(z: f64, lag: f64) -> Self {
        match (z > 0.0, lag > 0.0) {
            (true, true) => Quadrant::HighHigh,
            (false, true) => Quadrant::LowHigh,
            (false, false) => Quadrant::LowLow,
            (true, false) => Quadrant::HighLow,
        }
    }

    /// PySAL code: 1 HH, 2 LH, 3 LL, 4 HL.
    pub fn pysal_code(self) -> u8 {
        match self {
            Quadrant::HighHigh => 1,
            Quadrant::LowHigh => 2,
            Quadrant::LowLow => 3,
            Quadrant::HighLow => 4,
        }
    }

    /// GeoDa code: 1 HH, 2 LL, 3 LH, 4 HL.
    pub fn geoda_code(self) -> u8 {
        match self {
            Quadrant::HighHigh => 1,
            Quadrant::LowLow => 2,
            Quadrant::LowHigh => 3,
            Quadrant::HighLow => 4,
        }
    }

    /// Two-letter label: `HH`, `LH`, `LL` or `HL`.
    pub fn label(self) -> &'static str {
        match self {
            Quadrant::HighHigh => "HH",
            Quadrant::LowHigh => "LH",
            Quadrant::LowLow => "LL",
            Quadrant::HighLow => "HL",
        }
    }
}

/// Local Moran statistics of every unit.
#[derive(Debug, Clone, PartialEq)]
pub struct LocalMoran {
    /// z_i = (y_i − ȳ)/sd₀(y).
    pub z: Vec<f64>,
    /// lag_i = Σ_j w_ij z_j.
    pub lag: Vec<f64>,
    /// esda/GeoDa `Is` = (n − 1) z_i lag_i / Σz².
    pub is: Vec<f64>,
    /// spdep `Ii` = n z_i lag_i / Σz² (= Is · n/(n − 1)).
    pub ii: Vec<f64>,
    /// Quadrant of each unit.
    pub quadrant: Vec<Quadrant>,
    /// E\[I_i\] under total randomisation.
    pub ei_total: Vec<f64>,
    /// V\[I_i\] under total randomisation.
    pub vi_total: Vec<f64>,
    /// E\[I_i\] under conditional randomisation.
    pub ei_cond: Vec<f64>,
    /// V\[I_i\] under conditional randomisation.
    pub vi_cond: Vec<f64>,
    /// (I_i − E)/√V, total randomisation; `None` when V = 0 (islands).
    pub z_total: Vec<Option<f64>>,
    /// (I_i − E_c)/√V_c, conditional randomisation; `None` when V_c = 0.
    pub z_cond: Vec<Option<f64>>,
}

/// Local Moran's I of `y` with weights `w` (used as given; pass row-standardised weights
/// for the usual LISA).
///
/// Errors: length mismatch, n < 3, non-finite values or constant `y`.
///
/// # Examples
///
/// ```
/// use riskmap_score::moran_local::{Quadrant, moran_local};
/// use riskmap_score::weights::Weights;
///
/// // A path 0-1-2-3 with a high pair at one end.
/// let w = Weights::from_neighbour_lists(&[vec![1], vec![0, 2], vec![1, 3], vec![2]])
///     .expect("valid lists")
///     .row_standardised();
/// let lisa = moran_local(&[10.0, 9.0, 1.0, 0.0], &w).expect("valid input");
/// assert_eq!(lisa.quadrant[0], Quadrant::HighHigh);
/// assert_eq!(lisa.quadrant[3], Quadrant::LowLow);
/// assert!((lisa.ii[0] - lisa.z[0] * lisa.lag[0]).abs() < 1e-12);
/// ```
pub fn moran_local(y: &[f64], w: &Weights) -> Result<LocalMoran> {
    let n = y.len();
    check_input(y, w, "moran_local", 3)?;
    let nf = n as f64;
    let mean = y.iter().sum::<f64>() / nf;
    let centred: Vec<f64> = y.iter().map(|v| v - mean).collect();
    let sd = (centred.iter().map(|v| v * v).sum::<f64>() / nf).sqrt();
    if sd == 0.0 {
        return Err(Error::ConstantValues {
            what: "moran_local",
        });
    }
    let z: Vec<f64> = centred.iter().map(|v| v / sd).collect();
    let den: f64 = z.iter().map(|v| v * v).sum();
    let lag = w.lag(&z);
    let is: Vec<f64> = (0..n).map(|i| (nf - 1.0) * z[i] * lag[i] / den).collect();
    let ii: Vec<f64> = is.iter().map(|v| v * nf / (nf - 1.0)).collect();
    let quadrant = (0..n).map(|i| Quadrant::of(z[i], lag[i])).collect();

    let m2 = den / nf;
    let m4 = z.iter().map(|v| v.powi(4)).sum::<f64>() / nf;
    let b2 = m4 / (m2 * m2);
    let n1 = nf - 1.0;
    let mut ei_total = Vec::with_capacity(n);
    let mut vi_total = Vec::with_capacity(n);
    let mut ei_cond = Vec::with_capacity(n);
    let mut vi_cond = Vec::with_capacity(n);
    for (i, &zi) in z.iter().enumerate() {
        let wi = w.row_sum(i);
        let wi2 = w.row_sum_of_squares(i);
        let e = -wi / n1;
        ei_total.push(e);
        vi_total.push(
            wi2 * (nf - b2) / n1 + (wi * wi - wi2) * (2.0 * b2 - nf) / (n1 * (nf - 2.0)) - e * e,
        );
        let zi2 = zi * zi;
        ei_cond.push(-(zi2 * wi) / (n1 * m2));
        vi_cond
            .push((zi / m2).powi(2) * (nf / (nf - 2.0)) * (wi2 - wi * wi / n1) * (m2 - zi2 / n1));
    }
    let standardise = |value: f64, e: f64, v: f64| (v > 0.0).then(|| (value - e) / v.sqrt());
    let z_total = (0..n)
        .map(|i| standardise(ii[i], ei_total[i], vi_total[i]))
        .collect();
    let z_cond = (0..n)
        .map(|i| standardise(ii[i], ei_cond[i], vi_cond[i]))
        .collect();
    Ok(LocalMoran {
        z,
        lag,
        is,
        ii,
        quadrant,
        ei_total,
        vi_total,
        ei_cond,
        vi_cond,
        z_total,
        z_cond,
    })
}

impl LocalMoran {
    /// Conditional permutation test of every unit (`None` for islands).
    ///
    /// Simulated values are on esda's `Is` scale, so `mean`/`sd` compare with esda's
    /// `EI_sim`/`seI_sim`; p_sim and z_sim are scale-free. `w` must be the weights the
    /// statistic was computed with, and `matrix` must be drawn for n units with width ≥
    /// the largest cardinality.
    ///
    /// # Examples
    ///
    /// ```
    /// use riskmap_score::moran_local::moran_local;
    /// use riskmap_score::permutation::PermutationMatrix;
    /// use riskmap_score::weights::Weights;
    ///
    /// let lists: Vec<Vec<usize>> = (0..30)
    ///     .map(|i: usize| [i.checked_sub(1), (i + 1 < 30).then_some(i + 1)].into_iter().flatten().collect())
    ///     .collect();
    /// let w = Weights::from_neighbour_lists(&lists).expect("a path").row_standardised();
    /// let y: Vec<f64> = (0..30).map(|i| if i < 5 { 10.0 } else { f64::from(i % 3) }).collect();
    /// let lisa = moran_local(&y, &w).expect("valid input");
    /// let matrix = PermutationMatrix::draw(30, w.max_cardinality(), 999, 12345).expect("valid sizes");
    /// let tests = lisa.permutation_test(&w, &matrix).expect("matching sizes");
    /// assert!(tests[1].expect("not an island").p_sim < 0.05); // inside the high cluster
    /// ```
    pub fn permutation_test(
        &self,
        w: &Weights,
        matrix: &PermutationMatrix,
    ) -> Result<Vec<Option<PermutationSummary>>> {
        let n = self.z.len();
        if w.n() != n {
            return Err(Error::LengthMismatch {
                what: "weights",
                expected: n,
                found: w.n(),
            });
        }
        let den: f64 = self.z.iter().map(|v| v * v).sum();
        let scaling = (n as f64 - 1.0) / den;
        let (offset, post, divisor) = (vec![0.0; n], vec![scaling; n], vec![1.0; n]);
        conditional_randomisation(
            &LocalStatistic {
                values: &self.z,
                weights: w,
                observed: &self.is,
                pre: &self.z,
                offset: &offset,
                post: &post,
                divisor: &divisor,
            },
            matrix,
        )
    }
}
