//! Global Moran's I with normality and randomisation moments, and its permutation test.
//!
//! With z_i = y_i − ȳ, weights w_ij as given (transform them first, e.g.
//! `Weights::row_standardised` for esda's default `"r"`), S0, S1, S2 as in
//! `Weights::s0` and b2 = n Σz⁴ / (Σz²)²:
//!
//! ```text
//! I    = (n / S0) · Σ_ij w_ij z_i z_j / Σ_i z_i²
//! E\[I\] = −1 / (n − 1)
//! V_N  = (n² S1 − n S2 + 3 S0²) / ((n² − 1) S0²) − E\[I\]²                       normality
//! V_R  = [n((n² − 3n + 3) S1 − n S2 + 3 S0²) − b2((n² − n) S1 − 2n S2 + 6 S0²)]
//!        / ((n − 1)(n − 2)(n − 3) S0²) − E\[I\]²                                 randomisation
//! z    = (I − E\[I\]) / √V
//! ```
//!
//! p-values are two-sided, 2·P(Z > |z|) (esda `two_tailed=True`); the one-tailed value is
//! esda's directional one, half of it. The permutation test permutes y over all units
//! (total randomisation) and reports esda's directed pseudo p-value.
//!
//! Islands contribute nothing to the sums (row of zeros), so under row standardisation
//! S0 = n − #islands; packages differ here (spdep `zero.policy`).
//!
//! Reference: Cliff, A. D. & Ord, J. K. (1981), *Spatial Processes*, Pion; esda `Moran`.

use crate::distributions::{normal_directional_p, normal_two_sided_p};
use crate::error::{Error, Result};
use crate::permutation::PermutationSummary;
use crate::total_randomisation::{self, QuadraticForm};
use crate::weights::{Weights, check_input};

/// Global Moran's I and its analytical inference.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GlobalMoran {
    /// Number of units.
    pub n: usize,
    /// S0.
    pub s0: f64,
    /// S1.
    pub s1: f64,
    /// S2.
    pub s2: f64,
    /// Kurtosis b2 = n Σz⁴ / (Σz²)².
    pub kurtosis_b2: f64,
    /// Moran's I.
    pub i: f64,
    /// E\[I\] = −1/(n − 1).
    pub ei: f64,
    /// Variance under normality.
    pub vi_norm: f64,
    /// z under normality.
    pub z_norm: f64,
    /// Two-sided p under normality.
    pub p_norm: f64,
    /// Variance under randomisation.
    pub vi_rand: f64,
    /// z under randomisation.
    pub z_rand: f64,
    /// Two-sided p under randomisation.
    pub p_rand: f64,
}

impl GlobalMoran {
    /// esda's one-tailed p under normality: P(Z > z) if z > 0, else P(Z ≤ z).
    pub fn p_norm_one_tailed(&self) -> f64 {
        normal_directional_p(self.z_norm)
    }

    /// esda's one-tailed p under randomisation.
    pub fn p_rand_one_tailed(&self) -> f64 {
        normal_directional_p(self.z_rand)
    }
}

/// Moran's I of `y` with weights `w` (used as given).
///
/// Errors: length mismatch, n < 4, non-finite values, constant `y`, or S0 = 0.
///
/// # Examples
///
/// ```
/// use riskmap_score::moran_global::moran_global;
/// use riskmap_score::weights::Weights;
///
/// // esda's test_variance: 3×3 rook lattice, y = 1..9, binary weights.
/// let lists = vec![
///     vec![1, 3], vec![0, 2, 4], vec![1, 5], vec![0, 4, 6], vec![1, 3, 5, 7],
///     vec![2, 4, 8], vec![3, 7], vec![4, 6, 8], vec![5, 7],
/// ];
/// let w = Weights::from_neighbour_lists(&lists).expect("valid lists");
/// let y: Vec<f64> = (1..=9).map(f64::from).collect();
/// let m = moran_global(&y, &w).expect("valid input");
/// assert!((m.i - 0.5).abs() < 1e-15);
/// assert!((m.vi_norm - 0.053125).abs() < 1e-15);
/// assert!((m.vi_rand - 0.0596875).abs() < 1e-15);
/// ```
pub fn moran_global(y: &[f64], w: &Weights) -> Result<GlobalMoran> {
    let z = centred(y, w)?;
    let n = y.len();
    let nf = n as f64;
    let z2ss: f64 = z.iter().map(|v| v * v).sum();
    let (s0, s1, s2) = (w.s0(), w.s1(), w.s2());
    let i = statistic(&z, w, nf / s0, z2ss);
    let ei = -1.0 / (nf - 1.0);
    let n2 = nf * nf;
    let s02 = s0 * s0;
    let vi_norm = (n2 * s1 - nf * s2 + 3.0 * s02) / ((nf - 1.0) * (nf + 1.0) * s02) - ei * ei;
    let m4 = z.iter().map(|v| v.powi(4)).sum::<f64>() / nf;
    let m2 = z2ss / nf;
    let b2 = m4 / (m2 * m2);
    let a = nf * ((n2 - 3.0 * nf + 3.0) * s1 - nf * s2 + 3.0 * s02);
    let b = b2 * ((n2 - nf) * s1 - 2.0 * nf * s2 + 6.0 * s02);
    let vi_rand = (a - b) / ((nf - 1.0) * (nf - 2.0) * (nf - 3.0) * s02) - ei * ei;
    let z_norm = (i - ei) / vi_norm.sqrt();
    let z_rand = (i - ei) / vi_rand.sqrt();
    Ok(GlobalMoran {
        n,
        s0,
        s1,
        s2,
        kurtosis_b2: b2,
        i,
        ei,
        vi_norm,
        z_norm,
        p_norm: normal_two_sided_p(z_norm),
        vi_rand,
        z_rand,
        p_rand: normal_two_sided_p(z_rand),
    })
}

/// Permutation test of Moran's I with the crate's seeded generator.
///
/// Total randomisation: each replicate is an independent uniformly random permutation of
/// the centred values, and only the numerator Σ_ij w_ij z_π(i) z_π(j) is recomputed (Σz² is
/// invariant). The replicates come from the engine in `total_randomisation`: xoshiro256++
/// stream c of the seed for replicates c·[`CHUNK`]..(c + 1)·[`CHUNK`], computed in
/// parallel; the result depends on the seed only, not on the number of threads, and the
/// replicates of a shorter run are the first ones of a longer run.
///
/// Errors: as [`moran_global`], plus `permutations` = 0 or more units than fit in `u32`.
///
/// # Examples
///
/// ```
/// use riskmap_score::moran_global::moran_global_permutation;
/// use riskmap_score::weights::Weights;
///
/// let lists: Vec<Vec<usize>> = (0..20)
///     .map(|i: usize| [i.checked_sub(1), (i + 1 < 20).then_some(i + 1)].into_iter().flatten().collect())
///     .collect();
/// let w = Weights::from_neighbour_lists(&lists).expect("a path").row_standardised();
/// let y: Vec<f64> = (0..20).map(|i| f64::from(i)).collect(); // a perfect trend
/// let test = moran_global_permutation(&y, &w, 999, 12345).expect("valid input");
/// assert_eq!(test.p_sim, 0.001);
/// ```
pub fn moran_global_permutation(
    y: &[f64],
    w: &Weights,
    permutations: usize,
    seed: u64,
) -> Result<PermutationSummary> {
    let z = centred(y, w)?;
    check_permutations(permutations)?;
    if u32::try_from(z.len()).is_err() {
        return Err(Error::InvalidParameter {
            name: "n",
            reason: format!("{} units do not fit in u32", z.len()),
        });
    }
    let z2ss: f64 = z.iter().map(|v| v * v).sum();
    let scale = z.len() as f64 / w.s0();
    let observed = statistic(&z, w, scale, z2ss);
    let mut sims = QuadraticForm::new(w).permuted(&z, permutations, seed);
    for q in &mut sims {
        *q = scale * *q / z2ss;
    }
    Ok(PermutationSummary::from_simulations(observed, &sims))
}

/// Permutation test with caller-supplied permutations (e.g. to replay numpy's).
///
/// `permute` receives the identity 0..n each time and must permute it in place; replicate
/// r uses z\[perm\[t\]\] at position t.
pub fn moran_global_permutation_with(
    y: &[f64],
    w: &Weights,
    permutations: usize,
    mut permute: impl FnMut(&mut [usize]),
) -> Result<PermutationSummary> {
    let z = centred(y, w)?;
    check_permutations(permutations)?;
    let n = z.len();
    let z2ss: f64 = z.iter().map(|v| v * v).sum();
    let scale = n as f64 / w.s0();
    let observed = statistic(&z, w, scale, z2ss);
    let mut perm: Vec<usize> = Vec::with_capacity(n);
    let mut zp = vec![0.0; n];
    let mut sims = Vec::with_capacity(permutations);
    for _ in 0..permutations {
        perm.clear();
        perm.extend(0..n);
        permute(&mut perm);
        for (slot, &p) in zp.iter_mut().zip(&perm) {
            *slot = z[p];
        }
        sims.push(statistic(&zp, w, scale, z2ss));
    }
    Ok(PermutationSummary::from_simulations(observed, &sims))
}

/// Replicates per RNG stream in [`moran_global_permutation`].
pub const CHUNK: usize = total_randomisation::CHUNK;

/// (n/S0) · Σ_i z_i Σ_j w_ij z_j / Σz², in esda's operation order.
fn statistic(z: &[f64], w: &Weights, n_over_s0: f64, z2ss: f64) -> f64 {
    let mut inum = 0.0;
    for (i, &zi) in z.iter().enumerate() {
        let lag: f64 = w
            .neighbours(i)
            .iter()
            .zip(w.row_weights(i))
            .map(|(&j, &wij)| wij * z[j])
            .sum();
        inum += zi * lag;
    }
    n_over_s0 * inum / z2ss
}

/// Validates and centres y.
fn centred(y: &[f64], w: &Weights) -> Result<Vec<f64>> {
    let n = y.len();
    check_input(y, w, "moran_global", 4)?;
    if w.s0() <= 0.0 {
        return Err(Error::InvalidParameter {
            name: "weights",
            reason: "no links (S0 = 0)".to_owned(),
        });
    }
    let mean = y.iter().sum::<f64>() / n as f64;
    let z: Vec<f64> = y.iter().map(|v| v - mean).collect();
    if z.iter().all(|&v| v == 0.0) {
        return Err(Error::ConstantValues {
            what: "moran_global",
        });
    }
    Ok(z)
}

fn check_permutations(permutations: usize) -> Result<()> {
    if permutations == 0 {
        return Err(Error::InvalidParameter {
            name: "permutations",
            reason: "must be at least 1".to_owned(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::weights::knn;

    /// Under total randomisation the permutation distribution of I has mean E[I] and
    /// variance V_R exactly (Cliff & Ord): the engine's replicates must reproduce both.
    #[test]
    fn permutation_moments_match_randomisation_moments() {
        let mut state = 7_u64;
        let mut uniform = move || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 11) as f64 / (1_u64 << 53) as f64
        };
        let points: Vec<[f64; 2]> = (0..300).map(|_| [uniform(), uniform()]).collect();
        let y: Vec<f64> = points.iter().map(|p| p[0] + uniform()).collect();
        let w = knn(&points, 6).expect("distinct points").row_standardised();
        let m = moran_global(&y, &w).expect("valid input");
        let r = 9_999;
        let test = moran_global_permutation(&y, &w, r, 12345).expect("valid input");
        let se_mean = (m.vi_rand / r as f64).sqrt();
        assert!(
            (test.mean - m.ei).abs() < 4.0 * se_mean,
            "mean {} vs E[I] {}",
            test.mean,
            m.ei
        );
        let ratio = test.sd * test.sd / m.vi_rand;
        assert!((0.93..1.07).contains(&ratio), "variance ratio {ratio}");
    }
}
