//! Spatial weights: who is whose neighbour, and with which weight.
//!
//! `Weights` is a compressed sparse row (CSR) structure: `offsets` (n + 1 entries),
//! `neighbours` and `weights` (one entry per directed link i → j).
//! Invariants, checked by every constructor:
//! * neighbour lists are sorted ascending and hold no duplicates;
//! * there is no self link (`i → i`); statistics that need a self weight (Gi*) add it
//!   explicitly, as esda's conditional randomisation engine also keeps it apart;
//! * every weight is finite and ≥ 0.
//!
//! Units without neighbours are *islands*; they are kept (row of zeros) and reported by
//! `Weights::islands`.
//!
//! Builders, one per file:

/// Queen and rook contiguity from polygons (libpysal `Queen` / `Rook`).
pub mod contiguity;
/// Cuthill–McKee locality order of units (for the permutation kernels).
pub(crate) mod cuthill_mckee;
/// Distance band for points (libpysal `DistanceBand`, binary).
pub mod distance_band;
/// k-nearest neighbours for points (libpysal `KNN`).
pub mod knn;
/// Binary and row-standardised transformations, subsetting.
pub mod transform;

pub use contiguity::{queen, rook};
pub use distance_band::{distance_band, min_threshold_distance};
pub use knn::knn;
pub use transform::Transform;

use crate::error::{Error, Result};

/// Sparse spatial weights in CSR layout, without self links.
///
/// # Examples
///
/// ```
/// use riskmap_score::weights::Weights;
///
/// // A path 0 - 1 - 2.
/// let w = Weights::from_neighbour_lists(&[vec![1], vec![0, 2], vec![1]]).expect("valid lists");
/// assert_eq!(w.n(), 3);
/// assert_eq!(w.neighbours(1), &[0, 2]);
/// assert_eq!(w.s0(), 4.0);
/// assert_eq!(w.lag(&[1.0, 2.0, 3.0]), vec![2.0, 4.0, 2.0]);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Weights {
    offsets: Vec<usize>,
    neighbours: Vec<usize>,
    weights: Vec<f64>,
}

impl Weights {
    /// Binary weights (w_ij = 1) from one neighbour list per unit.
    ///
    /// Lists may be unsorted and may repeat a neighbour; they are sorted and deduplicated.
    /// A self link or an index ≥ n is an error.
    pub fn from_neighbour_lists(lists: &[Vec<usize>]) -> Result<Self> {
        let rows: Vec<Vec<(usize, f64)>> = lists
            .iter()
            .map(|row| row.iter().map(|&j| (j, 1.0)).collect())
            .collect();
        Self::from_rows(rows)
    }

    /// General weights from one `(neighbour, weight)` list per unit.
    ///
    /// Rows are sorted by neighbour; a neighbour listed twice is an error, as are self
    /// links, out-of-range indices and weights that are negative or not finite.
    /// Links with weight exactly 0 are dropped.
    pub fn from_rows(rows: Vec<Vec<(usize, f64)>>) -> Result<Self> {
        let n = rows.len();
        let mut offsets = Vec::with_capacity(n + 1);
        let mut neighbours = Vec::new();
        let mut weights = Vec::new();
        offsets.push(0);
        for (i, mut row) in rows.into_iter().enumerate() {
            row.sort_by_key(|&(j, _)| j);
            // Repeated neighbours with weight 1 come from binary lists: keep one.
            row.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1);
            let mut previous: Option<usize> = None;
            for (j, wij) in row {
                if j >= n || j == i {
                    return Err(Error::InvalidNeighbour {
                        unit: i,
                        neighbour: j,
                        n,
                    });
                }
                if previous == Some(j) {
                    return Err(Error::InvalidNeighbour {
                        unit: i,
                        neighbour: j,
                        n,
                    });
                }
                if !wij.is_finite() || wij < 0.0 {
                    return Err(Error::InvalidWeight {
                        unit: i,
                        neighbour: j,
                        weight: wij,
                    });
                }
                previous = Some(j);
                if wij > 0.0 {
                    neighbours.push(j);
                    weights.push(wij);
                }
            }
            offsets.push(neighbours.len());
        }
        Ok(Self {
            offsets,
            neighbours,
            weights,
        })
    }

    /// Number of units.
    pub fn n(&self) -> usize {
        self.offsets.len() - 1
    }

    /// Number of directed links (non-zero weights).
    pub fn n_links(&self) -> usize {
        self.neighbours.len()
    }

    /// Sorted neighbours of unit `i`.
    ///
    /// # Panics
    ///
    /// If `i >= n`.
    pub fn neighbours(&self, i: usize) -> &[usize] {
        &self.neighbours[self.offsets[i]..self.offsets[i + 1]]
    }

    /// Weights of unit `i`, aligned with [`Weights::neighbours`].
    ///
    /// # Panics
    ///
    /// If `i >= n`.
    pub fn row_weights(&self, i: usize) -> &[f64] {
        &self.weights[self.offsets[i]..self.offsets[i + 1]]
    }

    /// Number of neighbours of unit `i` (k_i).
    pub fn cardinality(&self, i: usize) -> usize {
        self.offsets[i + 1] - self.offsets[i]
    }

    /// Largest number of neighbours of any unit (0 for an empty structure).
    pub fn max_cardinality(&self) -> usize {
        (0..self.n())
            .map(|i| self.cardinality(i))
            .max()
            .unwrap_or(0)
    }

    /// Units without neighbours, ascending.
    pub fn islands(&self) -> Vec<usize> {
        (0..self.n())
            .filter(|&i| self.cardinality(i) == 0)
            .collect()
    }

    /// Row sum w_i· = Σ_j w_ij.
    pub fn row_sum(&self, i: usize) -> f64 {
        self.row_weights(i).iter().sum()
    }

    /// Σ_j w_ij², written w_i(2) in Sokal et al. (1998).
    pub fn row_sum_of_squares(&self, i: usize) -> f64 {
        self.row_weights(i).iter().map(|w| w * w).sum()
    }

    /// Neighbour lists as plain vectors (handy for tests and export).
    pub fn to_neighbour_lists(&self) -> Vec<Vec<usize>> {
        (0..self.n()).map(|i| self.neighbours(i).to_vec()).collect()
    }

    /// Weight of link i → j, 0 when there is none.
    pub fn weight(&self, i: usize, j: usize) -> f64 {
        match self.neighbours(i).binary_search(&j) {
            Ok(pos) => self.row_weights(i)[pos],
            Err(_) => 0.0,
        }
    }

    /// Whether w_ij = w_ji for every pair.
    pub fn is_symmetric(&self) -> bool {
        (0..self.n()).all(|i| {
            self.neighbours(i)
                .iter()
                .zip(self.row_weights(i))
                .all(|(&j, &wij)| self.weight(j, i) == wij)
        })
    }

    /// Spatial lag: (W y)_i = Σ_j w_ij y_j. Islands get 0.
    ///
    /// # Panics
    ///
    /// If `values.len() != n`.
    pub fn lag(&self, values: &[f64]) -> Vec<f64> {
        assert_eq!(values.len(), self.n(), "lag: one value per unit");
        (0..self.n())
            .map(|i| {
                self.neighbours(i)
                    .iter()
                    .zip(self.row_weights(i))
                    .map(|(&j, &w)| w * values[j])
                    .sum()
            })
            .collect()
    }

    /// S0 = Σ_i Σ_j w_ij (Cliff & Ord 1981).
    pub fn s0(&self) -> f64 {
        self.weights.iter().sum()
    }

    /// S1 = ½ Σ_i Σ_j (w_ij + w_ji)² (Cliff & Ord 1981).
    pub fn s1(&self) -> f64 {
        let mut total = 0.0;
        for i in 0..self.n() {
            for (&j, &wij) in self.neighbours(i).iter().zip(self.row_weights(i)) {
                let wji = self.weight(j, i);
                let sum = wij + wji;
                total += sum * sum;
                if wji == 0.0 {
                    // The mirrored pair (j, i) is not a stored link but belongs to the sum.
                    total += wij * wij;
                }
            }
        }
        total / 2.0
    }

    /// S2 = Σ_i (w_i· + w_·i)² (Cliff & Ord 1981).
    pub fn s2(&self) -> f64 {
        let n = self.n();
        let mut col_sums = vec![0.0; n];
        for i in 0..n {
            for (&j, &w) in self.neighbours(i).iter().zip(self.row_weights(i)) {
                col_sums[j] += w;
            }
        }
        (0..n)
            .map(|i| {
                let t = self.row_sum(i) + col_sums[i];
                t * t
            })
            .sum()
    }
}

/// Checks an attribute vector against its weights: same length, at least `needed` units, every
/// value finite. `what` names the statistic in the error.
pub(crate) fn check_input(y: &[f64], w: &Weights, what: &'static str, needed: usize) -> Result<()> {
    let n = y.len();
    if w.n() != n {
        return Err(Error::LengthMismatch {
            what: "weights",
            expected: n,
            found: w.n(),
        });
    }
    if n < needed {
        return Err(Error::TooFewUnits {
            what,
            needed,
            found: n,
        });
    }
    if let Some((index, &value)) = y.iter().enumerate().find(|(_, v)| !v.is_finite()) {
        return Err(Error::BadValue {
            what: "y",
            index,
            value,
            reason: "must be finite",
        });
    }
    Ok(())
}
