//! The total-randomisation engine behind the global Moran permutation test: the quadratic
//! form q(π) = Σ_ij w_ij z_π(i) z_π(j) over seeded uniformly random permutations π.
//!
//! **Pairs.** There are no self links, so q = Σ_{i<j} s_ij z_i z_j with s_ij = w_ij + w_ji:
//! every unordered linked pair is read once (kNN-8: about 35,600 pairs for 61,500 links).
//! Units are relabelled in Cuthill–McKee order (a uniformly permuted vector stays uniformly
//! permuted under a fixed relabelling, so the null distribution is unchanged) and the
//! pairs are stored as `[u32; 2]`, sorted by pair weight and then by label. When the
//! weights take few distinct values (binary weights; row-standardised kNN: 1/k and 2/k)
//! each value is factored out of its run of pairs, q = Σ_s s · Σ_{pairs of weight s} z_i z_j,
//! so a pair costs two reads and a multiply-add; otherwise every pair carries its weight.
//!
//! **Replicates.** [`LANES`] permutations run side by side: the values live as
//! `[f64; LANES]` per unit, each lane an independent Fisher–Yates shuffle (from the last
//! position down) of the previous replicate of that lane (Fisher–Yates gives a uniform
//! permutation whatever the starting order, so replicates are independent). One 64-bit
//! random word gives the four lanes' swap indices of a position (`below_batch`). Each pair
//! is then read once for all lanes, with four independent accumulators to keep the
//! floating-point adders busy.
//!
//! **Parallelism and determinism.** Replicates are cut into chunks of [`CHUNK`]; chunk c
//! starts from the unpermuted values and draws from xoshiro256++ stream c of the seed.
//! Chunks run in parallel and are concatenated in order, so the replicates depend on the
//! seed only (not on the thread count), and the first R of a longer run are the R of a
//! shorter run with the same seed.

use rayon::prelude::*;

use crate::weights::Weights;
use crate::weights::cuthill_mckee::cuthill_mckee;
use crate::xoshiro::Xoshiro256pp;

/// Replicates computed side by side.
pub(crate) const LANES: usize = 4;

/// Replicates per RNG stream (a multiple of [`LANES`]).
pub(crate) const CHUNK: usize = 256;

/// At most this many distinct pair weights are factored out (else weights go per pair).
const MAX_WEIGHT_GROUPS: usize = 64;

/// The quadratic form of a weights matrix, ready for permutation.
pub(crate) struct QuadraticForm {
    /// `order[new] = old` unit.
    order: Vec<usize>,
    /// Unordered linked pairs (new labels), sorted by weight, then labels.
    pairs: Vec<[u32; 2]>,
    weights: PairWeights,
}

enum PairWeights {
    /// (s, end): pairs[previous end..end] all have weight s.
    Grouped(Vec<(f64, usize)>),
    /// One weight per pair.
    PerPair(Vec<f64>),
}

impl QuadraticForm {
    /// Pairs of `w` (n must fit in `u32`, as the caller checks).
    pub(crate) fn new(w: &Weights) -> Self {
        let n = w.n();
        let order = cuthill_mckee(w);
        let mut label = vec![0u32; n];
        for (new, &old) in order.iter().enumerate() {
            label[old] = new as u32;
        }
        // Each directed link i → j adds w_ij to the pair {i, j}; merge the two directions.
        let mut links: Vec<([u32; 2], f64)> = Vec::with_capacity(w.n_links());
        for i in 0..n {
            for (&j, &wij) in w.neighbours(i).iter().zip(w.row_weights(i)) {
                let (a, b) = (label[i], label[j]);
                links.push(([a.min(b), a.max(b)], wij));
            }
        }
        links.sort_by_key(|&(pair, _)| pair);
        let mut merged: Vec<([u32; 2], f64)> = Vec::with_capacity(links.len());
        for (pair, wij) in links {
            match merged.last_mut() {
                Some((last, s)) if *last == pair => *s += wij,
                _ => merged.push((pair, wij)),
            }
        }
        merged.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        let pairs: Vec<[u32; 2]> = merged.iter().map(|&(pair, _)| pair).collect();
        let mut groups: Vec<(f64, usize)> = Vec::new();
        for (end, &(_, s)) in merged.iter().enumerate() {
            match groups.last_mut() {
                Some((last, e)) if *last == s => *e = end + 1,
                _ => groups.push((s, end + 1)),
            }
        }
        let weights = if groups.len() <= MAX_WEIGHT_GROUPS {
            PairWeights::Grouped(groups)
        } else {
            PairWeights::PerPair(merged.iter().map(|&(_, s)| s).collect())
        };
        Self {
            order,
            pairs,
            weights,
        }
    }

    /// q(π_r) for `permutations` seeded random permutations of `z` (one value per unit of
    /// the weights), in replicate order.
    pub(crate) fn permuted(&self, z: &[f64], permutations: usize, seed: u64) -> Vec<f64> {
        let relabelled: Vec<[f64; LANES]> = self.order.iter().map(|&u| [z[u]; LANES]).collect();
        let n_chunks = permutations.div_ceil(CHUNK);
        let chunks: Vec<Vec<f64>> = Xoshiro256pp::streams(seed, n_chunks)
            .into_par_iter()
            .enumerate()
            .map_init(
                || relabelled.clone(),
                |values, (c, mut rng)| {
                    values.copy_from_slice(&relabelled);
                    let len = CHUNK.min(permutations - c * CHUNK);
                    let mut out = Vec::with_capacity(len);
                    while out.len() < len {
                        shuffle_lanes(&mut rng, values);
                        let q = self.evaluate(values);
                        out.extend_from_slice(&q[..LANES.min(len - out.len())]);
                    }
                    out
                },
            )
            .collect();
        chunks.concat()
    }

    /// q for each lane of `values` (new labels).
    fn evaluate(&self, values: &[[f64; LANES]]) -> [f64; LANES] {
        match &self.weights {
            PairWeights::Grouped(groups) => {
                let mut q = [0.0; LANES];
                let mut start = 0;
                for &(s, end) in groups {
                    let part = pair_sum(&self.pairs[start..end], values);
                    for (ql, pl) in q.iter_mut().zip(part) {
                        *ql += s * pl;
                    }
                    start = end;
                }
                q
            }
            PairWeights::PerPair(weights) => weighted_pair_sum(&self.pairs, weights, values),
        }
    }
}

/// One Fisher–Yates pass per lane, lanes sharing one random word per position.
fn shuffle_lanes(rng: &mut Xoshiro256pp, values: &mut [[f64; LANES]]) {
    let n = values.len() as u64;
    // Caps for `below_batch`: the largest range^K over the positions that use K.
    let cap4 = n.min(BATCH4_BELOW - 1).pow(4);
    let cap2 = n.pow(2);
    for i in (1..values.len()).rev() {
        let range = (i + 1) as u64;
        let js = if range < BATCH4_BELOW {
            rng.below_batch::<LANES>(range, cap4)
        } else {
            // range < 2³² (n fits in u32): two words of two draws each.
            let [a, b] = rng.below_batch::<2>(range, cap2);
            let [c, d] = rng.below_batch::<2>(range, cap2);
            [a, b, c, d]
        };
        for (lane, &j) in js.iter().enumerate() {
            let j = j as usize;
            let t = values[i][lane];
            values[i][lane] = values[j][lane];
            values[j][lane] = t;
        }
    }
}

/// Ranges below this take four draws from one word (range⁴ < 2⁶⁴).
const BATCH4_BELOW: u64 = 1 << 16;

/// Σ_pairs z_i z_j per lane.
fn pair_sum(pairs: &[[u32; 2]], values: &[[f64; LANES]]) -> [f64; LANES] {
    let mut acc = [[0.0; LANES]; 4];
    let mut quads = pairs.chunks_exact(4);
    for quad in &mut quads {
        for (a, &[i, j]) in acc.iter_mut().zip(quad) {
            let (x, y) = (&values[i as usize], &values[j as usize]);
            for l in 0..LANES {
                a[l] += x[l] * y[l];
            }
        }
    }
    for &[i, j] in quads.remainder() {
        let (x, y) = (&values[i as usize], &values[j as usize]);
        for l in 0..LANES {
            acc[0][l] += x[l] * y[l];
        }
    }
    combine(&acc)
}

/// Σ_pairs s_ij z_i z_j per lane.
fn weighted_pair_sum(pairs: &[[u32; 2]], weights: &[f64], values: &[[f64; LANES]]) -> [f64; LANES] {
    let mut acc = [[0.0; LANES]; 4];
    let mut quads = pairs.chunks_exact(4).zip(weights.chunks_exact(4));
    for (quad, ws) in &mut quads {
        for ((a, &[i, j]), &s) in acc.iter_mut().zip(quad).zip(ws) {
            let (x, y) = (&values[i as usize], &values[j as usize]);
            for l in 0..LANES {
                a[l] += s * x[l] * y[l];
            }
        }
    }
    let tail = pairs.len() / 4 * 4;
    for (&[i, j], &s) in pairs[tail..].iter().zip(&weights[tail..]) {
        let (x, y) = (&values[i as usize], &values[j as usize]);
        for l in 0..LANES {
            acc[0][l] += s * x[l] * y[l];
        }
    }
    combine(&acc)
}

fn combine(acc: &[[f64; LANES]; 4]) -> [f64; LANES] {
    std::array::from_fn(|l| (acc[0][l] + acc[1][l]) + (acc[2][l] + acc[3][l]))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Σ_ij w_ij z_i z_j the plain way.
    fn direct(w: &Weights, z: &[f64]) -> f64 {
        (0..w.n())
            .map(|i| {
                let lag: f64 = w
                    .neighbours(i)
                    .iter()
                    .zip(w.row_weights(i))
                    .map(|(&j, &wij)| wij * z[j])
                    .sum();
                z[i] * lag
            })
            .sum()
    }

    fn ring(n: usize, k: usize) -> Vec<Vec<usize>> {
        (0..n)
            .map(|i| {
                (1..=k)
                    .map(|d| (i + d * d) % n)
                    .filter(|&j| j != i)
                    .collect()
            })
            .collect()
    }

    #[test]
    fn pairs_reproduce_the_quadratic_form() {
        let n = 30;
        let z: Vec<f64> = (0..n).map(|i| ((i * 37) % 11) as f64 - 5.0).collect();
        let binary = Weights::from_neighbour_lists(&ring(n, 4)).expect("valid");
        let rows: Vec<Vec<(usize, f64)>> = ring(n, 3)
            .iter()
            .enumerate()
            .map(|(i, l)| {
                l.iter()
                    .map(|&j| (j, 1.0 + ((i + 2 * j) % 97) as f64))
                    .collect()
            })
            .collect();
        let general = Weights::from_rows(rows).expect("valid");
        // Binary weights: one pair weight (1, the ring's links are one-way), factored out;
        // symmetric binary weights have the single pair weight 2.
        assert!(matches!(
            QuadraticForm::new(&binary).weights,
            PairWeights::Grouped(ref groups) if groups == &[(1.0, 120)]
        ));
        let lists: Vec<Vec<usize>> = (0..n).map(|i| vec![(i + 1) % n, (i + n - 1) % n]).collect();
        assert!(matches!(
            QuadraticForm::new(&Weights::from_neighbour_lists(&lists).expect("valid")).weights,
            PairWeights::Grouped(ref groups) if groups == &[(2.0, 30)]
        ));
        for w in [binary.clone(), binary.row_standardised(), general] {
            let form = QuadraticForm::new(&w);
            let relabelled: Vec<[f64; LANES]> = form.order.iter().map(|&u| [z[u]; LANES]).collect();
            let q = form.evaluate(&relabelled);
            let expected = direct(&w, &z);
            for ql in q {
                assert!((ql - expected).abs() <= 1e-12 * expected.abs().max(1.0));
            }
        }
    }

    #[test]
    fn many_distinct_weights_go_per_pair() {
        let n = 200;
        let rows: Vec<Vec<(usize, f64)>> = (0..n)
            .map(|i| vec![((i + 1) % n, 1.0 + i as f64 / 7.0)])
            .collect();
        let w = Weights::from_rows(rows).expect("valid");
        let form = QuadraticForm::new(&w);
        assert!(matches!(form.weights, PairWeights::PerPair(_)));
        let z: Vec<f64> = (0..n).map(|i| (i as f64).sin()).collect();
        let relabelled: Vec<[f64; LANES]> = form.order.iter().map(|&u| [z[u]; LANES]).collect();
        let expected = direct(&w, &z);
        assert!((form.evaluate(&relabelled)[0] - expected).abs() <= 1e-12 * expected.abs());
    }

    #[test]
    fn replicates_are_permutations_and_seeded() {
        // q of a permutation of z on the complete graph is (Σz)² − Σz², whatever π is.
        let n = 9;
        let lists: Vec<Vec<usize>> = (0..n)
            .map(|i| (0..n).filter(|&j| j != i).collect())
            .collect();
        let w = Weights::from_neighbour_lists(&lists).expect("valid");
        let z: Vec<f64> = (0..n).map(|i| i as f64 * 0.5 - 1.0).collect();
        let total: f64 = z.iter().sum();
        let squares: f64 = z.iter().map(|v| v * v).sum();
        let form = QuadraticForm::new(&w);
        let sims = form.permuted(&z, 1_000, 3);
        assert_eq!(sims.len(), 1_000);
        for q in &sims {
            assert!((q - (total * total - squares)).abs() < 1e-12);
        }
        // A prefix of a longer run with the same seed.
        let path: Vec<Vec<usize>> = (0..40)
            .map(|i: usize| {
                [i.checked_sub(1), (i + 1 < 40).then_some(i + 1)]
                    .into_iter()
                    .flatten()
                    .collect()
            })
            .collect();
        let form = QuadraticForm::new(&Weights::from_neighbour_lists(&path).expect("valid"));
        let z: Vec<f64> = (0..40).map(|i| f64::from(i).sqrt()).collect();
        let long = form.permuted(&z, 700, 5);
        let short = form.permuted(&z, 301, 5);
        assert_eq!(&long[..301], &short[..]);
        assert_ne!(form.permuted(&z, 301, 6), short);
    }

    /// Each lane's swaps make a uniform permutation: the unit at label 0 ends up anywhere.
    #[test]
    fn shuffled_positions_are_uniform() {
        let n = 6;
        let mut rng = Xoshiro256pp::seed(11);
        let mut counts = [[0usize; 6]; LANES];
        let reps = 60_000;
        for _ in 0..reps {
            let mut v: Vec<[f64; LANES]> = (0..n).map(|i| [i as f64; LANES]).collect();
            shuffle_lanes(&mut rng, &mut v);
            for (pos, row) in v.iter().enumerate() {
                for (lane, &x) in row.iter().enumerate() {
                    if x == 0.0 {
                        counts[lane][pos] += 1;
                    }
                }
            }
        }
        for lane in counts {
            assert!(
                lane.iter().all(|&c| (9_400..10_600).contains(&c)),
                "{lane:?}"
            );
        }
    }
}
