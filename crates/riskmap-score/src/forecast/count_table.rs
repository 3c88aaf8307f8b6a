//! Sums of the negative binomial Γ-function differences over all the counts that share one
//! size r (an overdispersion group), in O(largest count) per evaluation instead of O(Σ y):
//! Σ_cells Σ_{k<y} f(r + k) = Σ_k #{cells with y > k}·f(r + k) for the counts the exact sums
//! cover (y ≤ `SUM_LIMIT`); larger counts go through log Γ, digamma and trigamma as in
//! `special`, once per distinct value.

use super::special::{SUM_LIMIT, digamma_diff, ln_gamma_ratio, trigamma_diff};

/// The counts of one overdispersion group, tabulated once per fit.
#[derive(Debug, Clone, Default)]
pub(crate) struct CountTable {
    /// tail[k] = number of counts y ≤ `SUM_LIMIT` with y > k.
    tail: Vec<f64>,
    /// (count, multiplicity) of the counts above `SUM_LIMIT`.
    large: Vec<(f64, f64)>,
}

/// Σ log Γ(y+r)/Γ(r), Σ ψ(y+r) − ψ(r) and Σ ψ'(y+r) − ψ'(r) over a table.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct GammaSums {
    pub ln_ratio: f64,
    pub digamma: f64,
    pub trigamma: f64,
}

impl CountTable {
    /// Tabulates non-negative whole counts.
    pub(crate) fn new(counts: impl IntoIterator<Item = f64>) -> Self {
        let mut table = Self::default();
        let mut large = Vec::new();
        for y in counts {
            if y > SUM_LIMIT {
                large.push(y);
            } else {
                table.add_small(y);
            }
        }
        large.sort_by(f64::total_cmp);
        for y in large {
            match table.large.last_mut() {
                Some((v, m)) if *v == y => *m += 1.0,
                _ => table.large.push((y, 1.0)),
            }
        }
        table
    }

    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "a whole count 0 ≤ y ≤ SUM_LIMIT"
    )]
    fn add_small(&mut self, y: f64) {
        let y = y as usize;
        if self.tail.len() < y {
            self.tail.resize(y, 0.0);
        }
        self.tail[..y].iter_mut().for_each(|c| *c += 1.0);
    }

    /// All three sums at size r.
    pub(crate) fn sums(&self, r: f64) -> GammaSums {
        let mut out = GammaSums::default();
        for (k, &count) in self.tail.iter().enumerate() {
            let v = r + k as f64;
            let inverse = 1.0 / v;
            out.ln_ratio += count * v.ln();
            out.digamma += count * inverse;
            out.trigamma -= count * inverse * inverse;
        }
        for &(y, m) in &self.large {
            out.ln_ratio += m * ln_gamma_ratio(y, r);
            out.digamma += m * digamma_diff(y, r);
            out.trigamma += m * trigamma_diff(y, r);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tabulated sums equal the per-count differences, small and large counts alike.
    #[test]
    fn sums_match_per_count_differences() {
        let counts = [0.0, 3.0, 1.0, 3.0, 12.0, 300.0, 0.0, 300.0, 257.0];
        let table = CountTable::new(counts);
        for r in [1e-9, 0.4, 7.0, 1e9] {
            let sums = table.sums(r);
            let ln: f64 = counts.iter().map(|&y| ln_gamma_ratio(y, r)).sum();
            let di: f64 = counts.iter().map(|&y| digamma_diff(y, r)).sum();
            let tri: f64 = counts.iter().map(|&y| trigamma_diff(y, r)).sum();
            for (ours, theirs) in [
                (sums.ln_ratio, ln),
                (sums.digamma, di),
                (sums.trigamma, tri),
            ] {
                assert!(
                    (ours - theirs).abs() <= 1e-12 * theirs.abs().max(1.0),
                    "r = {r}: {ours} vs {theirs}"
                );
            }
        }
    }
}
