//! The conditional-randomisation engine shared by LISA and local G (esda `crand`).
//!
//! For site i with k_i neighbours and replicate r, the neighbour values are the first k_i
//! indices of row r of the shared `PermutationMatrix`, index t standing for unit
//! t + [t ≥ i] (the values with i deleted). The simulated statistic is
//!
//! ```text
//! sim_{i,r} = ((pre_i · (Σ_t w_it v_{−i}[ids[r,t]] + offset_i)) · post_i) / divisor_i
//! ```
//!
//! (esda's `_moran_local_crand` and `_g_local[_star]_crand` in the same operation order).
//!
//! **Fast path** (every row whose weights are all equal: binary and row-standardised
//! weights). Then Σ_t w v = w · S_r(i) with S_r(i) = Σ_t v[t + [t ≥ i]]. Sorting the k
//! drawn indices s_1 < … < s_k of a row, S_r(i) takes only k + 1 values as i runs over the
//! units: S_r(i) = Σ_{m ≤ j} v[s_m] + Σ_{m > j} v[s_m + 1] with j = #{m : s_m < i}. So each
//! row costs O(k²) to tabulate plus O(1) per site, instead of k random reads per site: for
//! each block of replicates and each tile of sites (in index order) the loop runs four
//! replicates at a time over the tile, their tabulated values being constant over runs of
//! consecutive sites (the four replicates' run boundaries merged), so a site's accumulators
//! are loaded and stored once per four replicates. Per site it keeps #{sim ≥ obs}, the near-ties, and the sums of d = sim − obs and
//! d² (shifted sums keep the variance accurate). Blocks run in parallel and their partials
//! are added in block order, so results do not depend on the number of threads.
//!
//! **Direct path** (rows with unequal weights): per site, the k weighted reads per replicate.
//!
//! Results agree with esda's simulated values to rounding; replicates that tie with the
//! observed value in exact arithmetic may fall either side (see `n_near_ties`).

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::permutation::{PermutationMatrix, PermutationSummary, tie_width};
use crate::weights::Weights;

/// One local statistic to randomise (see the module documentation for the formula).
pub(crate) struct LocalStatistic<'a> {
    /// The permuted variable (z for LISA, y for G).
    pub values: &'a [f64],
    /// Weights w_it of the neighbours (no self links).
    pub weights: &'a Weights,
    /// Observed statistic per site.
    pub observed: &'a [f64],
    /// Multiplier applied first (z_i for LISA, 1 for G).
    pub pre: &'a [f64],
    /// Addend inside the bracket (the self term y_i for G*, else 0).
    pub offset: &'a [f64],
    /// Multiplier applied second ((n − 1)/Σz² for LISA, 1 for G).
    pub post: &'a [f64],
    /// Final divisor (Σy for G*, Σy − y_i for G, 1 for LISA).
    pub divisor: &'a [f64],
}

/// Replicates per parallel block of the fast path.
const BLOCK: usize = 512;

/// Runs conditional randomisation for every site; `None` for islands.
pub(crate) fn conditional_randomisation(
    stat: &LocalStatistic<'_>,
    matrix: &PermutationMatrix,
) -> Result<Vec<Option<PermutationSummary>>> {
    let n = stat.values.len();
    if matrix.n_units() != n {
        return Err(Error::BadPermutationMatrix {
            reason: format!("drawn for {} units, data have {n}", matrix.n_units()),
        });
    }
    let max_k = stat.weights.max_cardinality();
    if matrix.width() < max_k {
        return Err(Error::BadPermutationMatrix {
            reason: format!(
                "width {} below the largest cardinality {max_k}",
                matrix.width()
            ),
        });
    }
    if matrix.permutations() == 0 {
        return Err(Error::InvalidParameter {
            name: "permutations",
            reason: "must be at least 1".to_owned(),
        });
    }
    let mut results: Vec<Option<PermutationSummary>> = vec![None; n];
    // Sites by cardinality for the fast path; the rest go the direct way.
    let mut classes: Vec<Vec<usize>> = vec![Vec::new(); max_k + 1];
    let mut direct: Vec<usize> = Vec::new();
    for i in 0..n {
        let w = stat.weights.row_weights(i);
        match w.first() {
            None => {}
            Some(&w0) if w.iter().all(|&x| x == w0) => classes[w.len()].push(i),
            Some(_) => direct.push(i),
        }
    }
    let classes: Vec<Class> = classes
        .into_iter()
        .enumerate()
        .filter(|(_, sites)| !sites.is_empty())
        .map(|(k, sites)| Class::new(stat, k, sites))
        .collect();
    if !classes.is_empty() {
        for (class, acc) in classes.iter().zip(fast_path(stat, matrix, &classes)) {
            for (c, &i) in class.sites.iter().enumerate() {
                results[i] = Some(PermutationSummary::from_deviation_sums(
                    class.observed[c],
                    matrix.permutations(),
                    acc.ge[c],
                    acc.ties[c],
                    acc.sum[c],
                    acc.sum2[c],
                ));
            }
        }
    }
    let direct_results: Vec<(usize, PermutationSummary)> = direct
        .par_iter()
        .map_init(
            || vec![0.0_f64; matrix.permutations()],
            |sims, &i| (i, direct_site(stat, matrix, i, sims)),
        )
        .collect();
    for (i, summary) in direct_results {
        results[i] = Some(summary);
    }
    Ok(results)
}

/// Sites with k neighbours and equal weights. With w_i the common weight,
/// sim = a_i · S + b_i where a_i = pre_i · w_i · post_i / divisor_i and
/// b_i = pre_i · offset_i · post_i / divisor_i, so d = sim − obs = a_i · S + c_i with
/// c_i = b_i − obs_i. (The regrouping changes only the last bits, i.e. near-ties.)
struct Class {
    k: usize,
    sites: Vec<usize>,
    a: Vec<f64>,
    c: Vec<f64>,
    observed: Vec<f64>,
    tie_width: Vec<f64>,
}

impl Class {
    fn new(stat: &LocalStatistic<'_>, k: usize, sites: Vec<usize>) -> Self {
        let factor = |i: usize| stat.post[i] / stat.divisor[i];
        Class {
            k,
            a: sites
                .iter()
                .map(|&i| stat.pre[i] * stat.weights.row_weights(i)[0] * factor(i))
                .collect(),
            c: sites
                .iter()
                .map(|&i| stat.pre[i] * stat.offset[i] * factor(i) - stat.observed[i])
                .collect(),
            observed: sites.iter().map(|&i| stat.observed[i]).collect(),
            tie_width: sites.iter().map(|&i| tie_width(stat.observed[i])).collect(),
            sites,
        }
    }
}

/// Per-site accumulators of one class: counts packed as #{d ≥ 0} + #{near-tie} << 16
/// (a block has at most [`BLOCK`] < 2¹⁶ replicates), and Σd, Σd².
#[derive(Clone)]
struct Accumulator {
    counts: Vec<u32>,
    sum: Vec<f64>,
    sum2: Vec<f64>,
}

impl Accumulator {
    fn zeros(len: usize) -> Self {
        Accumulator {
            counts: vec![0; len],
            sum: vec![0.0; len],
            sum2: vec![0.0; len],
        }
    }
}

/// Totals of one class over all replicates.
struct Totals {
    ge: Vec<usize>,
    ties: Vec<usize>,
    sum: Vec<f64>,
    sum2: Vec<f64>,
}

/// Replicates merged into one pass over a tile's sites (`sweep`).
const SWEEP_REPLICATES: usize = 4;

/// Sites per tile: the tile's streams stay in L1/L2 while a block of replicates runs.
const TILE: usize = 1024;

/// Sorted first-k indices and the k + 1 tabulated neighbour sums of every replicate of a block.
struct BlockTables {
    sorted: Vec<u32>,
    tables: Vec<f64>,
}

/// Row-major sweep over blocks of replicates; returns one total per class.
fn fast_path(
    stat: &LocalStatistic<'_>,
    matrix: &PermutationMatrix,
    classes: &[Class],
) -> Vec<Totals> {
    let r_total = matrix.permutations();
    let n_blocks = r_total.div_ceil(BLOCK);
    let partials: Vec<Vec<Accumulator>> = (0..n_blocks)
        .into_par_iter()
        .map(|b| {
            let rows = b * BLOCK..((b + 1) * BLOCK).min(r_total);
            classes
                .iter()
                .map(|class| {
                    let tables = tabulate_block(stat.values, matrix, rows.clone(), class.k);
                    let mut acc = Accumulator::zeros(class.sites.len());
                    for start in (0..class.sites.len()).step_by(TILE) {
                        let end = (start + TILE).min(class.sites.len());
                        let mut r = 0;
                        while r + SWEEP_REPLICATES <= rows.len() {
                            sweep::<SWEEP_REPLICATES>(class, &tables, r, start..end, &mut acc);
                            r += SWEEP_REPLICATES;
                        }
                        for r in r..rows.len() {
                            sweep::<1>(class, &tables, r, start..end, &mut acc);
                        }
                    }
                    acc
                })
                .collect()
        })
        .collect();
    classes
        .iter()
        .enumerate()
        .map(|(k, class)| {
            let len = class.sites.len();
            let mut t = Totals {
                ge: vec![0; len],
                ties: vec![0; len],
                sum: vec![0.0; len],
                sum2: vec![0.0; len],
            };
            // Blocks are added in order, so the sums do not depend on the thread count.
            for block in &partials {
                let p = &block[k];
                for c in 0..len {
                    t.ge[c] += (p.counts[c] & 0xffff) as usize;
                    t.ties[c] += (p.counts[c] >> 16) as usize;
                    t.sum[c] += p.sum[c];
                    t.sum2[c] += p.sum2[c];
                }
            }
            t
        })
        .collect()
}

/// For every replicate r of `rows`: its first k indices sorted, and
/// table[j] = Σ_{m < j} v[s_m] + Σ_{m ≥ j} v[s_m + 1] for j = 0..=k — the neighbour sum
/// of every site i with exactly j drawn indices below i.
fn tabulate_block(
    values: &[f64],
    matrix: &PermutationMatrix,
    rows: std::ops::Range<usize>,
    k: usize,
) -> BlockTables {
    let mut sorted = Vec::with_capacity(rows.len() * k);
    let mut tables = Vec::with_capacity(rows.len() * (k + 1));
    for r in rows {
        let start = sorted.len();
        sorted.extend_from_slice(&matrix.row(r)[..k]);
        let s = &mut sorted[start..];
        s.sort_unstable();
        for j in 0..=k {
            let low: f64 = s[..j].iter().map(|&t| values[t as usize]).sum();
            let high: f64 = s[j..].iter().map(|&t| values[t as usize + 1]).sum();
            tables.push(low + high);
        }
    }
    BlockTables { sorted, tables }
}

/// Adds replicates `first..first + P` of the block to the sites `tile` of a class. Sites are
/// in index order; for each replicate, those with s_{j−1} < i ≤ s_j share table[j] (the
/// last run takes the rest). The P replicates' boundaries are merged, so each site's
/// accumulators are read and written once per P replicates.
fn sweep<const P: usize>(
    class: &Class,
    tables: &BlockTables,
    first: usize,
    tile: std::ops::Range<usize>,
    acc: &mut Accumulator,
) {
    let k = class.k;
    let sorted: [&[u32]; P] =
        std::array::from_fn(|p| &tables.sorted[(first + p) * k..(first + p + 1) * k]);
    let table: [&[f64]; P] =
        std::array::from_fn(|p| &tables.tables[(first + p) * (k + 1)..(first + p + 1) * (k + 1)]);
    let sites = &class.sites[tile.clone()];
    // Index into each replicate's table of the current run.
    let mut js = [0usize; P];
    let mut lo = 0;
    loop {
        // The next boundary: the smallest pending s_j over the replicates.
        let limit = (0..P).filter_map(|p| sorted[p].get(js[p]).copied()).min();
        let hi = match limit {
            // Most boundaries fall outside a tile: check the ends before searching.
            Some(limit) => match sites[lo..] {
                [] => lo,
                [first, ..] if (limit as usize) < first => lo,
                [.., last] if last <= limit as usize => sites.len(),
                _ => lo + sites[lo..].partition_point(|&i| i <= limit as usize),
            },
            None => sites.len(),
        };
        if hi > lo {
            let sums: [f64; P] = std::array::from_fn(|p| table[p][js[p]]);
            let range = tile.start + lo..tile.start + hi;
            let a = &class.a[range.clone()];
            let c = &class.c[range.clone()];
            let tw = &class.tie_width[range.clone()];
            let counts = &mut acc.counts[range.clone()];
            let s1 = &mut acc.sum[range.clone()];
            let s2 = &mut acc.sum2[range];
            for m in 0..a.len() {
                let d = sums.map(|sum| a[m] * sum + c[m]);
                let mut ge = 0;
                let mut ties = 0;
                for &dp in &d {
                    ge += u32::from(dp >= 0.0);
                    ties += u32::from(dp.abs() <= tw[m]);
                }
                counts[m] += ge + (ties << 16);
                s1[m] += d.iter().skip(1).fold(d[0], |t, &dp| t + dp);
                s2[m] += d.iter().skip(1).fold(d[0] * d[0], |t, &dp| t + dp * dp);
            }
        }
        lo = hi;
        match limit {
            Some(limit) => {
                for p in 0..P {
                    if sorted[p].get(js[p]) == Some(&limit) {
                        js[p] += 1;
                    }
                }
            }
            None => break,
        }
    }
}

/// One site with unequal weights: k weighted reads per replicate, then a two-pass summary.
fn direct_site(
    stat: &LocalStatistic<'_>,
    matrix: &PermutationMatrix,
    i: usize,
    sims: &mut [f64],
) -> PermutationSummary {
    let k = stat.weights.cardinality(i);
    let w = stat.weights.row_weights(i);
    let v = stat.values;
    let (pre, offset, post, divisor) = (stat.pre[i], stat.offset[i], stat.post[i], stat.divisor[i]);
    for (r, sim) in sims.iter_mut().enumerate() {
        let dot = matrix.row(r)[..k]
            .iter()
            .zip(w)
            .fold(0.0, |acc, (&t, &wt)| {
                let t = t as usize;
                acc + wt * v[t + usize::from(t >= i)]
            });
        *sim = (pre * (dot + offset)) * post / divisor;
    }
    PermutationSummary::from_simulations(stat.observed[i], sims)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast path equals the direct computation on every site.
    #[test]
    fn fast_path_matches_direct_sums() {
        let n = 40;
        let values: Vec<f64> = (0..n).map(|i| ((i * 7919) % 97) as f64 / 10.0).collect();
        let lists: Vec<Vec<usize>> = (0..n)
            .map(|i| (1..=(i % 5)).map(|d| (i + 3 * d) % n).collect())
            .collect();
        let w = Weights::from_neighbour_lists(&lists)
            .expect("valid")
            .row_standardised();
        let ones = vec![1.0; n];
        let zeros = vec![0.0; n];
        let observed: Vec<f64> = values.iter().map(|v| v / 4.0).collect();
        let stat = LocalStatistic {
            values: &values,
            weights: &w,
            observed: &observed,
            pre: &values,
            offset: &zeros,
            post: &ones,
            divisor: &ones,
        };
        let matrix = PermutationMatrix::draw(n, w.max_cardinality(), 700, 3).expect("valid");
        let fast = conditional_randomisation(&stat, &matrix).expect("valid");
        let mut sims = vec![0.0; 700];
        for (i, result) in fast.iter().enumerate() {
            match *result {
                None => assert_eq!(w.cardinality(i), 0),
                Some(f) => {
                    let d = direct_site(&stat, &matrix, i, &mut sims);
                    assert!(
                        f.n_greater_equal.abs_diff(d.n_greater_equal) <= d.n_near_ties,
                        "site {i}"
                    );
                    assert!(
                        (f.mean - d.mean).abs() <= 1e-12 * d.mean.abs().max(1.0),
                        "site {i} mean"
                    );
                    assert!(
                        (f.sd - d.sd).abs() <= 1e-9 * d.sd.max(1e-12),
                        "site {i} sd {} vs {}",
                        f.sd,
                        d.sd
                    );
                }
            }
        }
    }
}
