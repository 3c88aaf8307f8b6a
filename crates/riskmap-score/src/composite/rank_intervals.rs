//! Rank intervals: a seeded Monte Carlo over the modelling choices of the composite, reporting
//! each unit's 5th–95th percentile rank instead of a single "#3" (JRC uncertainty analysis,
//! methods §1.1; Saisana, Saltelli & Tarantola 2005).
//!
//! **One draw** (all choices independent):
//! * *weights*: inside each dimension, indicator weights ~ Dirichlet(κ · w_k / Σw) around the
//!   configured weights w (κ = `weight_concentration`; the mean is w/Σw and larger κ means
//!   smaller perturbations); the dimension weights likewise;
//! * *normalisation*, uniformly among the configured ones: the fixed goalposts (the published
//!   method), sample min–max of the treated values, or the z-score of the treated values
//!   mapped to 10·Φ(z); lower-is-worse indicators are reversed (10 − s) in every case;
//! * *aggregation across dimensions*, uniformly among geometric on [1, 10] (published) and
//!   arithmetic; inside dimensions the mean is always arithmetic.
//!
//! The availability rule is the same in every draw, so a unit with a composite gets one in
//! every draw. Units are ranked by descending composite (1 = highest risk), ties at the
//! smallest rank. Reported: the `percentiles` (e.g. 5 and 95) and the median of each unit's
//! ranks over the draws, with numpy's linear quantile.
//!
//! **Randomness**: draw r of a period uses ChaCha8 stream `(period_key << 32) | r` of `seed`
//! (`crate::permutation::rng`), so results do not depend on the thread count, and re-scoring a
//! period gives the same intervals whatever other periods are scored with it. Gamma variates
//! (Marsaglia–Tsang 2000) and normals (Box–Muller) use `libm`, so the drawn weights are the same
//! on every platform; the per-unit logarithms use the platform's `ln` for speed (7,687 schools ×
//! 3 dimensions × 100 draws × 8 quarters).
//!
//! Reference: Saisana, M., Saltelli, A., Tarantola, S. (2005), Uncertainty and sensitivity
//! analysis techniques as tools for the quality assessment of composite indicators, *JRSS A*
//! 168(2):307–323; OECD/JRC (2008) Handbook §6.

use rand::RngCore;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use riskmap_model::indicator::Direction;

use super::goalposts::score;
use super::treatment::Applied;
use crate::distributions::normal_cdf;
use crate::methodology::{Aggregation, Methodology, Normalisation};
use crate::permutation::{bounded, rng};

/// A unit's rank interval over the Monte Carlo draws (1 = highest composite).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RankInterval {
    /// Lower percentile of the rank (e.g. the 5th: the best rank the unit plausibly has).
    pub low: f64,
    /// Median rank.
    pub median: f64,
    /// Upper percentile of the rank (e.g. the 95th).
    pub high: f64,
}

/// What the Monte Carlo needs from one scored period.
#[derive(Debug, Clone, Copy)]
pub struct McInput<'a> {
    /// The methodology (weights, goalposts, settings).
    pub methodology: &'a Methodology,
    /// Treated indicator values, `treated[k][i]` for indicator k and unit i.
    pub treated: &'a [Vec<Option<f64>>],
    /// The treatment applied to each indicator.
    pub applied: &'a [Applied],
    /// Units that have a composite in the published method.
    pub eligible: &'a [bool],
    /// Key of the period (distinct per period; e.g. year·4 + quarter).
    pub period_key: u64,
}

/// Rank intervals of every unit (`None` for units without a composite, and for all units when
/// `draws` is 0).
pub fn rank_intervals(input: &McInput<'_>) -> Vec<Option<RankInterval>> {
    let settings = &input.methodology.rank_intervals;
    let n = input.eligible.len();
    let units: Vec<usize> = (0..n).filter(|&i| input.eligible[i]).collect();
    if settings.draws == 0 || units.is_empty() {
        return vec![None; n];
    }
    let prepared = Prepared::new(input, &units);
    let draws: Vec<Vec<u32>> = (0..settings.draws)
        .into_par_iter()
        .map(|r| one_draw(input, &prepared, r as u64))
        .collect();
    let [p_lo, p_hi] = settings.percentiles;
    let mut out = vec![None; n];
    let mut ranks = Vec::with_capacity(draws.len());
    for (pos, &unit) in units.iter().enumerate() {
        ranks.clear();
        ranks.extend(draws.iter().map(|d| d[pos]));
        out[unit] = Some(RankInterval {
            low: quantile_select(&mut ranks, p_lo / 100.0),
            median: quantile_select(&mut ranks, 0.5),
            high: quantile_select(&mut ranks, p_hi / 100.0),
        });
    }
    out
}

/// numpy's linear quantile of (unsorted) ranks by selection instead of a full sort: the
/// order statistics at ⌊v⌋ and ⌊v⌋ + 1, v = (R − 1)·q, interpolated as in
/// `goalposts::quantile_sorted`.
fn quantile_select(ranks: &mut [u32], q: f64) -> f64 {
    let r = ranks.len();
    let virtual_index = (r - 1) as f64 * q;
    let below = virtual_index.floor();
    let gamma = virtual_index - below;
    let j = (below.max(0.0) as usize).min(r - 1);
    let (_, &mut a, rest) = ranks.select_nth_unstable(j);
    let b = rest.iter().copied().min().unwrap_or(a);
    let (a, b) = (f64::from(a), f64::from(b));
    let diff = b - a;
    if gamma >= 0.5 {
        b - diff * (1.0 - gamma)
    } else {
        a + diff * gamma
    }
}

/// The draw-independent part of the Monte Carlo, laid out for a branch-free inner loop: the
/// indicators reordered so that each dimension is a contiguous range, scores with 0 for
/// missing values, a 0/1 availability mask, and the dimensions each unit has (availability
/// does not change between draws).
struct Prepared {
    /// Indicators per unit.
    k: usize,
    /// Methodology indicator index at each position.
    order: Vec<usize>,
    /// Position range of each dimension.
    ranges: [(usize, usize); 3],
    /// One `[unit · k + position]` score matrix per configured normalisation.
    matrices: Vec<Vec<f64>>,
    /// `[unit · k + position]`: 1 when available, else 0.
    mask: Vec<f64>,
    /// Dimensions passing the availability rule, per unit.
    dim_ok: Vec<[bool; 3]>,
}

impl Prepared {
    fn new(input: &McInput<'_>, units: &[usize]) -> Self {
        let m = input.methodology;
        let dims = m.indicator_dimensions();
        let k = dims.len();
        let mut order: Vec<usize> = (0..k).collect();
        order.sort_by_key(|&j| dims[j]);
        let mut ranges = [(0, 0); 3];
        for (d, range) in ranges.iter_mut().enumerate() {
            let start = order.iter().position(|&j| dims[j] == d).unwrap_or(k);
            let count = order.iter().filter(|&&j| dims[j] == d).count();
            *range = (start, start + count);
        }
        let matrices = m
            .rank_intervals
            .normalisations
            .iter()
            .map(|&norm| score_matrix(input, units, norm, &order))
            .collect();
        let mut mask = vec![0.0; units.len() * k];
        let mut dim_ok = vec![[false; 3]; units.len()];
        for (pos, &unit) in units.iter().enumerate() {
            for (p, &j) in order.iter().enumerate() {
                if input.treated[j][unit].is_some() {
                    mask[pos * k + p] = 1.0;
                }
            }
            for d in 0..3 {
                let (a, b) = ranges[d];
                let available = (a..b).filter(|&p| mask[pos * k + p] > 0.0).count();
                dim_ok[pos][d] = m.composite.min_available.admits(available, b - a);
            }
        }
        Self {
            k,
            order,
            ranges,
            matrices,
            mask,
            dim_ok,
        }
    }
}

/// Scores `[unit_pos · k + position]` under one normalisation (positions in `order`); 0 where
/// the value is missing (the mask excludes it).
fn score_matrix(
    input: &McInput<'_>,
    units: &[usize],
    norm: Normalisation,
    order: &[usize],
) -> Vec<f64> {
    let specs = &input.methodology.indicators;
    let k = specs.len();
    let mut out = vec![0.0; units.len() * k];
    for (p, &j) in order.iter().enumerate() {
        let spec = &specs[j];
        let applied = &input.applied[j];
        let f = |x: f64| match applied {
            Applied::Log(t) => t.apply(x),
            Applied::None | Applied::Winsorised { .. } => x,
        };
        let values: Vec<Option<f64>> = units.iter().map(|&i| input.treated[j][i]).collect();
        let transformed: Vec<f64> = values.iter().flatten().map(|&x| f(x)).collect();
        let m = transformed.len().max(1) as f64;
        let (lo, hi) = transformed
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| {
                (a.min(x), b.max(x))
            });
        let mean = transformed.iter().sum::<f64>() / m;
        let sd = (transformed.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / m).sqrt();
        for (pos, v) in values.iter().enumerate() {
            let Some(x) = *v else { continue };
            let raw = match norm {
                Normalisation::Goalposts => {
                    out[pos * k + p] = score(x, spec.goalposts, applied, spec.direction);
                    continue;
                }
                Normalisation::MinMax if hi > lo => 10.0 * (f(x) - lo) / (hi - lo),
                Normalisation::ZScore if sd > 0.0 => 10.0 * normal_cdf((f(x) - mean) / sd),
                // A constant indicator carries no risk signal in this draw.
                Normalisation::MinMax | Normalisation::ZScore => continue,
            };
            out[pos * k + p] = match spec.direction {
                Direction::HigherIsWorse => raw,
                Direction::LowerIsWorse => 10.0 - raw,
            };
        }
    }
    out
}

/// Ranks (1 = highest) of the eligible units in draw `r`.
fn one_draw(input: &McInput<'_>, prep: &Prepared, r: u64) -> Vec<u32> {
    let m = input.methodology;
    let settings = &m.rank_intervals;
    let mut g = rng(settings.seed, (input.period_key << 32) | r);
    let norm = bounded(&mut g, settings.normalisations.len() as u32) as usize;
    let aggregation =
        settings.aggregations[bounded(&mut g, settings.aggregations.len() as u32) as usize];
    let kappa = settings.weight_concentration;
    let mut weights = vec![0.0; prep.k];
    for &(a, b) in &prep.ranges {
        let base: Vec<f64> = prep.order[a..b]
            .iter()
            .map(|&j| m.indicators[j].weight)
            .collect();
        weights[a..b].copy_from_slice(&dirichlet(&mut g, &base, kappa));
    }
    let dim_weights = dirichlet(&mut g, &m.composite.dimension_weights, kappa);
    let (matrix, mask, k) = (&prep.matrices[norm], &prep.mask, prep.k);
    let keys: Vec<f64> = prep
        .dim_ok
        .iter()
        .enumerate()
        .map(|(pos, ok)| {
            let row = &matrix[pos * k..(pos + 1) * k];
            let present = &mask[pos * k..(pos + 1) * k];
            let (mut acc, mut wsum) = (0.0, 0.0);
            for d in 0..3 {
                let (a, b) = prep.ranges[d];
                if !ok[d] {
                    continue;
                }
                let (mut sum, mut total) = (0.0, 0.0);
                for p in a..b {
                    sum += weights[p] * row[p];
                    total += weights[p] * present[p];
                }
                if total > 0.0 {
                    let score = sum / total;
                    acc += dim_weights[d]
                        * match aggregation {
                            Aggregation::Geometric => (1.0 + 0.9 * score).ln(),
                            Aggregation::Arithmetic => score,
                        };
                    wsum += dim_weights[d];
                }
            }
            if wsum <= 0.0 {
                return f64::NEG_INFINITY;
            }
            // The weighted mean of ln(1 + 0.9·D) orders units exactly as the composite
            // (exp and the map back to [0, 10] are increasing), so no exp is needed to rank;
            // it lies in [0, ln 10], rescaled to [0, 10] for the rank key.
            match aggregation {
                Aggregation::Geometric => acc / wsum * (10.0 / std::f64::consts::LN_10),
                Aggregation::Arithmetic => acc / wsum,
            }
        })
        .collect();
    descending_min_ranks(&keys)
}

/// 1-based ranks by descending value, ties at the smallest rank.
///
/// Sorting one `u64` per unit is several times faster than sorting indices by an `f64`
/// comparator: the key is the composite's distance below 10, quantised to 2^(63 − b) steps
/// (≈ 10⁻¹³ for 10⁴ units), with the unit index in the low b bits. Composites closer than one
/// step count as tied; values outside [0, 10] (none occur) are clamped.
fn descending_min_ranks(values: &[f64]) -> Vec<u32> {
    let n = values.len();
    let index_bits = usize::BITS - n.saturating_sub(1).leading_zeros();
    let steps = ((1u64 << (63 - index_bits)) - 1) as f64;
    let mask = (1u64 << index_bits) - 1;
    let mut keys: Vec<u64> = values
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let below = if c.is_finite() {
                (10.0 - c.clamp(0.0, 10.0)) / 10.0
            } else {
                1.0
            };
            ((below * steps) as u64) << index_bits | i as u64
        })
        .collect();
    keys.sort_unstable();
    let mut ranks = vec![0u32; n];
    let mut rank = 1u32;
    for (pos, &key) in keys.iter().enumerate() {
        if pos > 0 && key >> index_bits != keys[pos - 1] >> index_bits {
            rank = pos as u32 + 1;
        }
        ranks[(key & mask) as usize] = rank;
    }
    ranks
}

/// A Dirichlet(κ·w/Σw) draw (the configured weights when there is a single component).
fn dirichlet(g: &mut ChaCha8Rng, base: &[f64], kappa: f64) -> Vec<f64> {
    let total: f64 = base.iter().sum();
    if base.len() <= 1 || total <= 0.0 {
        return base.to_vec();
    }
    let draws: Vec<f64> = base.iter().map(|w| gamma(g, kappa * w / total)).collect();
    let sum: f64 = draws.iter().sum();
    if sum > 0.0 {
        draws.iter().map(|x| x / sum).collect()
    } else {
        base.iter().map(|w| w / total).collect()
    }
}

/// Uniform on (0, 1].
fn uniform(g: &mut ChaCha8Rng) -> f64 {
    ((g.next_u64() >> 11) + 1) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// Standard normal (Box–Muller, one of the pair).
fn normal(g: &mut ChaCha8Rng) -> f64 {
    let (u1, u2) = (uniform(g), uniform(g));
    libm::sqrt(-2.0 * libm::log(u1)) * libm::cos(std::f64::consts::TAU * u2)
}

/// Gamma(shape, 1) by Marsaglia & Tsang (2000), with the U^(1/a) boost for shape < 1.
fn gamma(g: &mut ChaCha8Rng, shape: f64) -> f64 {
    if shape < 1.0 {
        let boost = libm::pow(uniform(g), 1.0 / shape);
        return gamma(g, shape + 1.0) * boost;
    }
    let d = shape - 1.0 / 3.0;
    let c = 1.0 / libm::sqrt(9.0 * d);
    loop {
        let x = normal(g);
        let v = 1.0 + c * x;
        if v <= 0.0 {
            continue;
        }
        let v = v * v * v;
        let u = uniform(g);
        if u < 1.0 - 0.0331 * x.powi(4) || libm::log(u) < 0.5 * x * x + d * (1.0 - v + libm::log(v))
        {
            return d * v;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selected_quantiles_equal_the_sorted_ones() {
        let mut ranks: Vec<u32> = (0..200u32).map(|i| (i * 7919) % 97 + 1).collect();
        let mut sorted: Vec<f64> = ranks.iter().map(|&r| f64::from(r)).collect();
        sorted.sort_by(f64::total_cmp);
        for q in [0.0, 0.05, 0.5, 0.95, 1.0] {
            let expected =
                crate::composite::goalposts::quantile_sorted(&sorted, q).expect("non-empty");
            assert_eq!(quantile_select(&mut ranks, q), expected, "q = {q}");
        }
    }

    #[test]
    fn ranks_descend_with_ties_at_the_smallest_rank() {
        assert_eq!(
            descending_min_ranks(&[1.0, 5.0, 3.0, 5.0]),
            vec![4, 1, 3, 1]
        );
    }

    #[test]
    fn dirichlet_draws_sum_to_one_and_centre_on_the_weights() {
        let mut g = rng(7, 0);
        let mut mean = [0.0; 3];
        for _ in 0..4000 {
            let w = dirichlet(&mut g, &[1.0, 1.0, 2.0], 20.0);
            assert!((w.iter().sum::<f64>() - 1.0).abs() < 1e-12);
            for (m, x) in mean.iter_mut().zip(&w) {
                *m += x / 4000.0;
            }
        }
        assert!((mean[2] - 0.5).abs() < 0.01, "{mean:?}");
        assert!((mean[0] - 0.25).abs() < 0.01, "{mean:?}");
    }
}
