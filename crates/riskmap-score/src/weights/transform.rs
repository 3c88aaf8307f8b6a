//! Weight transformations (libpysal `W.transform`): binary `B` and row-standardised `R`,
//! plus restriction of a weights structure to a subset of units.
//!
//! Row standardisation: w*_ij = w_ij / Σ_j w_ij. Under it the spatial lag is the
//! neighbour average and S0 = n − (number of islands). An island's row stays all zero,
//! as in libpysal and GeoDa.

use super::Weights;

/// How weights are transformed before a statistic uses them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transform {
    /// `B`: every link has weight 1.
    Binary,
    /// `R`: every row sums to 1 (islands stay 0).
    RowStandardised,
}

impl Weights {
    /// The weights after `transform`.
    ///
    /// # Examples
    ///
    /// ```
    /// use riskmap_score::weights::{Transform, Weights};
    ///
    /// let w = Weights::from_neighbour_lists(&[vec![1, 2], vec![0], vec![0], vec![]])
    ///     .expect("valid lists");
    /// let r = w.transformed(Transform::RowStandardised);
    /// assert_eq!(r.row_weights(0), &[0.5, 0.5]);
    /// assert_eq!(r.s0(), 3.0); // n minus one island
    /// ```
    pub fn transformed(&self, transform: Transform) -> Weights {
        match transform {
            Transform::Binary => self.binary(),
            Transform::RowStandardised => self.row_standardised(),
        }
    }

    /// Binary copy: every stored link gets weight 1.
    pub fn binary(&self) -> Weights {
        Weights {
            offsets: self.offsets.clone(),
            neighbours: self.neighbours.clone(),
            weights: vec![1.0; self.neighbours.len()],
        }
    }

    /// Row-standardised copy: w_ij / w_i·. Island rows stay empty.
    pub fn row_standardised(&self) -> Weights {
        let mut weights = self.weights.clone();
        for i in 0..self.n() {
            let range = self.offsets[i]..self.offsets[i + 1];
            let total: f64 = weights[range.clone()].iter().sum();
            if total > 0.0 {
                for w in &mut weights[range] {
                    *w /= total;
                }
            }
        }
        Weights {
            offsets: self.offsets.clone(),
            neighbours: self.neighbours.clone(),
            weights,
        }
    }

    /// Restriction to the units with `keep[i] == true`, renumbered in order.
    ///
    /// Links to dropped units disappear, so a kept unit whose neighbours were all dropped
    /// becomes an island. Returns the new weights and, for each new index, the old index.
    ///
    /// # Panics
    ///
    /// If `keep.len() != n`.
    pub fn subset(&self, keep: &[bool]) -> (Weights, Vec<usize>) {
        assert_eq!(keep.len(), self.n(), "subset: one flag per unit");
        let old_of_new: Vec<usize> = (0..self.n()).filter(|&i| keep[i]).collect();
        let mut new_of_old = vec![usize::MAX; self.n()];
        for (new, &old) in old_of_new.iter().enumerate() {
            new_of_old[old] = new;
        }
        let mut offsets = Vec::with_capacity(old_of_new.len() + 1);
        let mut neighbours = Vec::new();
        let mut weights = Vec::new();
        offsets.push(0);
        for &old in &old_of_new {
            for (&j, &w) in self.neighbours(old).iter().zip(self.row_weights(old)) {
                if keep[j] {
                    // Renumbering is monotone, so rows stay sorted.
                    neighbours.push(new_of_old[j]);
                    weights.push(w);
                }
            }
            offsets.push(neighbours.len());
        }
        (
            Weights {
                offsets,
                neighbours,
                weights,
            },
            old_of_new,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_standardised_rows_sum_to_one_except_islands() {
        let w = Weights::from_neighbour_lists(&[vec![1, 2, 3], vec![0], vec![0], vec![0], vec![]])
            .expect("valid");
        let r = w.row_standardised();
        for i in 0..4 {
            assert!((r.row_sum(i) - 1.0).abs() < 1e-15);
        }
        assert_eq!(r.row_sum(4), 0.0);
    }

    #[test]
    fn subset_drops_links_to_removed_units() {
        let w = Weights::from_neighbour_lists(&[vec![1], vec![0, 2], vec![1]]).expect("valid");
        let (s, map) = w.subset(&[true, false, true]);
        assert_eq!(map, vec![0, 2]);
        assert_eq!(s.islands(), vec![0, 1]);
    }
}
