//! Local Getis–Ord G_i and G_i* with the Ord & Getis (1995) z-score.
//!
//! G_i* (self included, the hot-spot statistic) with weights w_ij plus a self weight
//! w_ii = 1 (the binary convention), over all n units with x̄ = mean(y),
//! S = √(Σy²/n − x̄²), W_i = Σ_j w_ij (self included) and S1_i = Σ_j w_ij²:
//!
//! ```text
//! G_i*    = Σ_j w_ij y_j / Σ_j y_j
//! E\[G_i*\] = W_i / n
//! V\[G_i*\] = S² (n S1_i − W_i²) / ((n − 1) n² x̄²)
//! Z(G_i*) = (Σ_j w_ij y_j − x̄ W_i) / (S √[(n S1_i − W_i²)/(n − 1)])
//! ```
//!
//! For G_i (self excluded) replace n by N = n − 1 and take x̄ and S over j ≠ i.
//! With binary weights these are exactly esda's `G_Local(transform="B")` `Gs, EGs, VGs,
//! Zs` (esda's variance W_i(N − W_i)/(N − 1)/N² · s²/x̄² is the binary case of the one
//! above), spdep `localG`, and ArcGIS Hot Spot Analysis. The z is computed in the
//! Ord–Getis form, which stays defined when Σy = 0. esda's `transform="R"` z plugs W_i = 1
//! into the binary variance and is **not** this z; it is not reproduced here.
//!
//! Inference: p = 2·P(Z > |z|) (two-sided; esda's `p_norm` is the one-sided half), and the
//! conditional permutation test of `GetisOrd::permutation_test`.
//!
//! Islands (no neighbours) get no z and no permutation result: a "hot spot" of one unit
//! alone would only restate its own value.
//!
//! References: Getis, A. & Ord, J. K. (1992), *Geographical Analysis* 24:189–206;
//! Ord, J. K. & Getis, A. (1995), *Geographical Analysis* 27:286–306.

use crate::conditional_randomisation::{LocalStatistic, conditional_randomisation};
use crate::distributions::normal_two_sided_p;
use crate::error::{Error, Result};
use crate::permutation::{PermutationMatrix, PermutationSummary};
use crate::weights::{Weights, check_input};

/// Which local G.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    /// G_i*: the unit itself is included with self weight 1.
    Star,
    /// G_i: the unit itself is excluded.
    NoSelf,
}

/// Local G statistics of every unit.
#[derive(Debug, Clone, PartialEq)]
pub struct GetisOrd {
    /// Which statistic.
    pub variant: Variant,
    /// G_i (or G_i*); non-finite when the denominator Σy is 0.
    pub g: Vec<f64>,
    /// E\[G_i\] = W_i / N.
    pub expected: Vec<f64>,
    /// V\[G_i\]; non-finite when x̄ = 0.
    pub variance: Vec<f64>,
    /// Ord–Getis z; `None` for islands.
    pub z: Vec<Option<f64>>,
    /// Two-sided normal p of z; `None` for islands.
    pub p_two_sided: Vec<Option<f64>>,
}

/// Local Getis–Ord statistics of `y` with weights `w` (pass binary weights for the
/// standard hot-spot analysis; the self weight of G_i* is 1).
///
/// Errors: length mismatch, n < 3, non-finite values or constant `y`.
///
/// # Examples
///
/// ```
/// use riskmap_score::getis_ord::{Variant, getis_ord_local};
/// use riskmap_score::weights::{distance_band, Weights};
///
/// // esda's test_getisord 6-point example, distance band 15, binary weights.
/// let points = [[10.0, 10.0], [20.0, 10.0], [40.0, 10.0], [15.0, 20.0], [30.0, 20.0], [30.0, 30.0]];
/// let w = distance_band(&points, 15.0).expect("valid points");
/// let y = [2.0, 3.0, 3.2, 5.0, 8.0, 7.0];
/// let gstar = getis_ord_local(&y, &w, Variant::Star).expect("valid input");
/// assert!((gstar.z[0].expect("has neighbours") - -1.39727626).abs() < 1e-8);
/// let gi = getis_ord_local(&y, &w, Variant::NoSelf).expect("valid input");
/// assert!((gi.z[0].expect("has neighbours") - -1.0136729).abs() < 1e-7);
/// ```
pub fn getis_ord_local(y: &[f64], w: &Weights, variant: Variant) -> Result<GetisOrd> {
    let n = y.len();
    check_input(y, w, "getis_ord_local", 3)?;
    if y.iter().all(|&v| v == y[0]) {
        return Err(Error::ConstantValues {
            what: "getis_ord_local",
        });
    }
    let sum_y: f64 = y.iter().sum();
    let sum_y2: f64 = y.iter().map(|v| v * v).sum();
    let star = variant == Variant::Star;
    let mut out = GetisOrd {
        variant,
        g: Vec::with_capacity(n),
        expected: Vec::with_capacity(n),
        variance: Vec::with_capacity(n),
        z: Vec::with_capacity(n),
        p_two_sided: Vec::with_capacity(n),
    };
    for i in 0..n {
        // Moments over the reference set: all units (G*) or all but i (G).
        let (big_n, total, total2) = if star {
            (n as f64, sum_y, sum_y2)
        } else {
            ((n - 1) as f64, sum_y - y[i], sum_y2 - y[i] * y[i])
        };
        let mean = total / big_n;
        let var = total2 / big_n - mean * mean;
        let self_weight = if star { 1.0 } else { 0.0 };
        let weighted = row_dot_with_self(w, i, self_weight, y);
        let wi = w.row_sum(i) + self_weight;
        let s1 = w.row_sum_of_squares(i) + self_weight * self_weight;
        let spread = (big_n * s1 - wi * wi) / (big_n - 1.0);
        out.g.push(weighted / total);
        out.expected.push(wi / big_n);
        out.variance
            .push(var * spread / (big_n * big_n * mean * mean));
        let z = (w.cardinality(i) > 0 && var > 0.0 && spread > 0.0)
            .then(|| (weighted - mean * wi) / (var.sqrt() * spread.sqrt()));
        out.p_two_sided.push(z.map(normal_two_sided_p));
        out.z.push(z);
    }
    Ok(out)
}

impl GetisOrd {
    /// Conditional permutation test of every unit (`None` for islands).
    ///
    /// Simulated values are G values: G_i* = (Σ_t w_it y_{−i}\[t\] + y_i)/Σy and
    /// G_i = Σ_t w_it y_{−i}\[t\]/(Σy − y_i), as esda's `_g_local_star_crand` / `_g_local_crand`.
    /// Needs Σy ≠ 0 (G as a ratio; use non-negative y).
    pub fn permutation_test(
        &self,
        y: &[f64],
        w: &Weights,
        matrix: &PermutationMatrix,
    ) -> Result<Vec<Option<PermutationSummary>>> {
        let n = y.len();
        if w.n() != n || self.g.len() != n {
            return Err(Error::LengthMismatch {
                what: "weights",
                expected: n,
                found: w.n(),
            });
        }
        let sum_y: f64 = y.iter().sum();
        let (offset, divisor): (Vec<f64>, Vec<f64>) = match self.variant {
            Variant::Star => (y.to_vec(), vec![sum_y; n]),
            Variant::NoSelf => (vec![0.0; n], y.iter().map(|yi| sum_y - yi).collect()),
        };
        if divisor.iter().any(|&d| d == 0.0 || !d.is_finite()) {
            return Err(Error::InvalidParameter {
                name: "y",
                reason: "G is a ratio to Σy, which is 0 here; use non-negative values".to_owned(),
            });
        }
        let ones = vec![1.0; n];
        conditional_randomisation(
            &LocalStatistic {
                values: y,
                weights: w,
                observed: &self.g,
                pre: &ones,
                offset: &offset,
                post: &ones,
                divisor: &divisor,
            },
            matrix,
        )
    }
}

/// Σ_j w_ij y_j with the self weight at column i, summed in column order (as scipy's CSR
/// product in esda), so ties with simulated values round as in esda.
fn row_dot_with_self(w: &Weights, i: usize, self_weight: f64, y: &[f64]) -> f64 {
    let mut acc = 0.0;
    let mut self_done = self_weight == 0.0;
    for (&j, &wij) in w.neighbours(i).iter().zip(w.row_weights(i)) {
        if !self_done && j > i {
            acc += self_weight * y[i];
            self_done = true;
        }
        acc += wij * y[j];
    }
    if !self_done {
        acc += self_weight * y[i];
    }
    acc
}
