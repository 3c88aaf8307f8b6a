//! Seeded permutation inference: the random number generator, the esda-style
//! conditional-randomisation engine and the pseudo p-value.
//!
//! **RNG.** The conditional matrix (and the composite's rank intervals) draw from
//! `rand_chacha::ChaCha8Rng` seeded with `seed_from_u64(seed)`. ChaCha is portable (same
//! stream on every platform and word size), and bounded integers are drawn with Lemire's
//! multiply-and-reject method on 32-bit outputs, implemented here, so results depend only
//! on the seed and this crate. Independent streams for different purposes use
//! `set_stream` (see `rng`). The global Moran permutation test has its own engine, built
//! for throughput (`moran_global::moran_global_permutation`: xoshiro256++ jump streams).
//!
//! **Conditional randomisation** (Anselin 1995; esda `crand`). For site i with k_i
//! neighbours, hold y_i fixed, draw k_i values without replacement from the other n − 1
//! units and recompute the local statistic; repeat R times. As esda does, one matrix of
//! R × max_k indices into 0..n−1 is drawn **once** (`PermutationMatrix::draw`) and
//! reused for every site: for site i, index t refers to the t-th unit after deleting i
//! (t < i → unit t, t ≥ i → unit t + 1); replicate r takes the first k_i indices of row r.
//! Sites therefore share draws (their simulated values are correlated across sites), but
//! each site's null distribution is exactly the conditional one. The matrix can also be
//! injected (`PermutationMatrix::from_rows`) to replay esda's draws exactly.
//!
//! **Pseudo p-value** (esda's "directed" alternative):
//! p_sim = (min(#{sim ≥ obs}, R − #{sim ≥ obs}) + 1) / (R + 1). Its floor is 1/(R + 1),
//! so use R = 9,999 before FDR over hundreds of units (methods §7). One deliberate
//! departure from esda: when every simulated value equals the observed one (a degenerate
//! null, e.g. z_i = 0 in LISA) esda reports the smallest possible p; this crate reports
//! p_sim = 1 and no z_sim.

use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::distributions::normal_sf;
use crate::error::{Error, Result};

/// Default number of permutations (esda's default; use 9,999 before FDR on many units).
pub const DEFAULT_PERMUTATIONS: usize = 999;

/// Default seed of the riskmap scorer (the seed the oracle used for esda).
pub const DEFAULT_SEED: u64 = 12345;

/// A ChaCha8 generator for `seed`, on stream `stream` (0 for the conditional matrix).
pub fn rng(seed: u64, stream: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    rng
}

/// A uniform integer in `0..range` (Lemire 2019, unbiased). `range` must be ≥ 1.
pub fn bounded(rng: &mut ChaCha8Rng, range: u32) -> u32 {
    debug_assert!(range > 0, "bounded: empty range");
    let mut m = u64::from(rng.next_u32()) * u64::from(range);
    let mut low = m as u32;
    if low < range {
        let threshold = range.wrapping_neg() % range;
        while low < threshold {
            m = u64::from(rng.next_u32()) * u64::from(range);
            low = m as u32;
        }
    }
    (m >> 32) as u32
}

/// Fisher–Yates shuffle in place (from the last position down, like numpy's legacy
/// `shuffle`, but with this crate's generator).
pub fn shuffle<T>(rng: &mut ChaCha8Rng, items: &mut [T]) {
    for i in (1..items.len()).rev() {
        let j = bounded(rng, (i + 1) as u32) as usize;
        items.swap(i, j);
    }
}

/// R rows of `width` distinct indices into 0..n−1, shared by all sites (esda's `ids`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PermutationMatrix {
    n_units: usize,
    permutations: usize,
    width: usize,
    ids: Vec<u32>,
}

impl PermutationMatrix {
    /// Draws `permutations` rows of `width` distinct indices from 0..n_units−1 with the
    /// crate's seeded generator (stream 0).
    ///
    /// Errors when `width > n_units − 1` or `n_units` does not fit in `u32`.
    ///
    /// # Examples
    ///
    /// ```
    /// use riskmap_score::permutation::PermutationMatrix;
    ///
    /// let m = PermutationMatrix::draw(10, 3, 99, 12345).expect("valid sizes");
    /// assert_eq!(m.permutations(), 99);
    /// let row = m.row(0);
    /// assert!(row.iter().all(|&t| t < 9) && row[0] != row[1] && row[1] != row[2]);
    /// assert_eq!(m, PermutationMatrix::draw(10, 3, 99, 12345).expect("same seed"));
    /// ```
    pub fn draw(n_units: usize, width: usize, permutations: usize, seed: u64) -> Result<Self> {
        check_sizes(n_units, width)?;
        let pool_len = n_units.saturating_sub(1);
        let mut pool: Vec<u32> = (0..pool_len as u32).collect();
        let mut swaps: Vec<usize> = Vec::with_capacity(width);
        let mut ids = Vec::with_capacity(permutations * width);
        let mut rng = rng(seed, 0);
        for _ in 0..permutations {
            // Partial Fisher–Yates: `width` swaps, copy the prefix, undo the swaps.
            swaps.clear();
            for t in 0..width {
                let j = t + bounded(&mut rng, (pool_len - t) as u32) as usize;
                pool.swap(t, j);
                swaps.push(j);
            }
            ids.extend_from_slice(&pool[..width]);
            for (t, &j) in swaps.iter().enumerate().rev() {
                pool.swap(t, j);
            }
        }
        Ok(Self {
            n_units,
            permutations,
            width,
            ids,
        })
    }

    /// An injected matrix (e.g. esda's, to replay its draws exactly).
    ///
    /// Every row must have the same length and hold distinct indices < n_units − 1.
    pub fn from_rows(n_units: usize, rows: &[Vec<usize>]) -> Result<Self> {
        let width = rows.first().map_or(0, Vec::len);
        check_sizes(n_units, width)?;
        let mut ids = Vec::with_capacity(rows.len() * width);
        for (r, row) in rows.iter().enumerate() {
            if row.len() != width {
                return Err(Error::BadPermutationMatrix {
                    reason: format!("row {r} has {} entries, row 0 has {width}", row.len()),
                });
            }
            for (t, &id) in row.iter().enumerate() {
                if id + 1 >= n_units || row[..t].contains(&id) {
                    return Err(Error::BadPermutationMatrix {
                        reason: format!(
                            "row {r}: index {id} repeated or not below n − 1 = {}",
                            n_units - 1
                        ),
                    });
                }
                ids.push(id as u32);
            }
        }
        Ok(Self {
            n_units,
            permutations: rows.len(),
            width,
            ids,
        })
    }

    /// Number of units n the indices refer to (indices are < n − 1).
    pub fn n_units(&self) -> usize {
        self.n_units
    }

    /// Number of replicates R.
    pub fn permutations(&self) -> usize {
        self.permutations
    }

    /// Indices per replicate (the largest cardinality it can serve).
    pub fn width(&self) -> usize {
        self.width
    }

    /// Replicate `r`.
    ///
    /// # Panics
    ///
    /// If `r >= permutations`.
    pub fn row(&self, r: usize) -> &[u32] {
        &self.ids[r * self.width..(r + 1) * self.width]
    }
}

fn check_sizes(n_units: usize, width: usize) -> Result<()> {
    if u32::try_from(n_units).is_err() {
        return Err(Error::InvalidParameter {
            name: "n",
            reason: format!("{n_units} units do not fit in u32"),
        });
    }
    if width + 1 > n_units.max(1) {
        return Err(Error::InvalidParameter {
            name: "width",
            reason: format!(
                "cannot draw {width} distinct units out of n − 1 = {}",
                n_units.saturating_sub(1)
            ),
        });
    }
    Ok(())
}

/// Summary of one site's (or one global statistic's) permutation distribution.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PermutationSummary {
    /// Number of replicates R.
    pub permutations: usize,
    /// #{sim ≥ observed}.
    pub n_greater_equal: usize,
    /// #{|sim − observed| ≤ 1e-12·|observed|}: replicates that tie with the observed value
    /// up to rounding. Whether they count as "≥" depends on the last bits of the
    /// arithmetic, so p_sim is only defined up to ± n_near_ties/(R + 1) (esda with and
    /// without numba differ in exactly this way).
    pub n_near_ties: usize,
    /// Directed pseudo p-value (min of the two tails + 1)/(R + 1); 1 for a degenerate null.
    pub p_sim: f64,
    /// Mean of the simulated values (esda `EI_sim`).
    pub mean: f64,
    /// Population standard deviation of the simulated values (esda `seI_sim`).
    pub sd: f64,
    /// (observed − mean)/sd; `None` when sd = 0.
    pub z_sim: Option<f64>,
    /// One-sided normal p of |z_sim| (esda `p_z_sim`); `None` when sd = 0.
    pub p_z_sim: Option<f64>,
}

impl PermutationSummary {
    /// Summarises simulated values `sims` against `observed`.
    ///
    /// # Examples
    ///
    /// ```
    /// use riskmap_score::permutation::PermutationSummary;
    ///
    /// let sims = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];
    /// let s = PermutationSummary::from_simulations(0.85, &sims);
    /// assert_eq!(s.n_greater_equal, 1);
    /// assert_eq!(s.p_sim, 0.2); // (1 + 1) / (9 + 1)
    /// ```
    pub fn from_simulations(observed: f64, sims: &[f64]) -> Self {
        let tie_width = tie_width(observed);
        let r = sims.len();
        let n_ge = sims.iter().filter(|&&s| s >= observed).count();
        let n_near_ties = sims
            .iter()
            .filter(|&&s| (s - observed).abs() <= tie_width)
            .count();
        let mean = sims.iter().sum::<f64>() / r as f64;
        let var = sims.iter().map(|&s| (s - mean) * (s - mean)).sum::<f64>() / r as f64;
        Self::assemble(observed, r, n_ge, n_near_ties, mean, var.sqrt(), var == 0.0)
    }

    /// Summary from streamed moments of d = sim − observed: Σd and Σd² over R replicates.
    pub(crate) fn from_deviation_sums(
        observed: f64,
        r: usize,
        n_ge: usize,
        n_near_ties: usize,
        sum_d: f64,
        sum_d2: f64,
    ) -> Self {
        let rf = r as f64;
        let mean_d = sum_d / rf;
        let mean_d2 = sum_d2 / rf;
        let var = (mean_d2 - mean_d * mean_d).max(0.0);
        // All replicates equal (to rounding): the shifted sums leave only cancellation noise.
        let degenerate = var <= 1e-13 * mean_d2;
        Self::assemble(
            observed,
            r,
            n_ge,
            n_near_ties,
            observed + mean_d,
            var.sqrt(),
            degenerate,
        )
    }

    fn assemble(
        observed: f64,
        r: usize,
        n_ge: usize,
        n_near_ties: usize,
        mean: f64,
        sd: f64,
        degenerate: bool,
    ) -> Self {
        let degenerate = degenerate || sd == 0.0 || !sd.is_finite();
        let larger = n_ge.min(r - n_ge);
        let p_sim = if degenerate {
            1.0
        } else {
            (larger as f64 + 1.0) / (r as f64 + 1.0)
        };
        let z_sim = (!degenerate).then(|| (observed - mean) / sd);
        Self {
            permutations: r,
            n_greater_equal: n_ge,
            n_near_ties,
            p_sim,
            mean,
            sd,
            z_sim,
            p_z_sim: z_sim.map(|z| normal_sf(z.abs())),
        }
    }
}

/// Half-width within which a replicate counts as a near-tie of the observed value.
pub(crate) fn tie_width(observed: f64) -> f64 {
    1e-12 * observed.abs() + f64::MIN_POSITIVE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_is_uniform_enough() {
        let mut g = rng(7, 0);
        let mut counts = [0usize; 7];
        for _ in 0..70_000 {
            counts[bounded(&mut g, 7) as usize] += 1;
        }
        assert!(
            counts.iter().all(|&c| (9_400..10_600).contains(&c)),
            "{counts:?}"
        );
    }

    #[test]
    fn matrix_rows_are_distinct_and_in_range() {
        let m = PermutationMatrix::draw(50, 10, 500, 1).expect("valid");
        for r in 0..500 {
            let mut row = m.row(r).to_vec();
            assert!(row.iter().all(|&t| t < 49));
            row.sort_unstable();
            row.dedup();
            assert_eq!(row.len(), 10);
        }
    }

    #[test]
    fn injected_matrix_rejects_out_of_range_index() {
        assert!(PermutationMatrix::from_rows(5, &[vec![0, 4]]).is_err());
        assert!(PermutationMatrix::from_rows(5, &[vec![1, 1]]).is_err());
        assert!(PermutationMatrix::from_rows(5, &[vec![0, 3]]).is_ok());
    }

    #[test]
    fn degenerate_null_gets_p_one() {
        let s = PermutationSummary::from_simulations(0.0, &[0.0; 99]);
        assert_eq!(s.p_sim, 1.0);
        assert_eq!(s.z_sim, None);
    }
}
