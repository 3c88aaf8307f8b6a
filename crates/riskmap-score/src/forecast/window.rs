//! The fitting window laid out once per fit for the many likelihood evaluations of the
//! optimiser: per cell (time index t ≥ 1, unit i) the count Y[i,t], the unit's own lagged
//! count Y[i,t−1] and the lagged neighbour sum Σ_j w[j,i]·Y[j,t−1] in flat row-major arrays;
//! the endemic covariates x_t per row; and the parameter-free parts of the likelihood (Σ log y!
//! and the count table of every overdispersion group).

use std::ops::Range;

use super::count_table::CountTable;
use super::model::{Design, Family, ModelSpec, Panel};
use super::special::ln_factorial;

/// Parameter-free data of one fit window.
#[derive(Debug, Clone)]
pub(crate) struct Window {
    n_units: usize,
    n_endemic: usize,
    /// Y[i,t], index `row * n_units + i` (row = t − first fitted t).
    counts: Vec<f64>,
    /// Y[i,t−1].
    own: Vec<f64>,
    /// Σ_j w[j,i]·Y[j,t−1].
    neighbours: Vec<f64>,
    /// e[i].
    offset: Vec<f64>,
    /// x_t, index `row * n_endemic + k`.
    covariates: Vec<f64>,
    /// Σ log y! over the window.
    ln_factorials: f64,
    /// One table per overdispersion group (none for Poisson).
    tables: Vec<CountTable>,
}

impl Window {
    /// Lays out time indices `rows` (each ≥ 1) of `panel` for `spec`.
    pub(crate) fn new(
        panel: &Panel,
        design: &Design,
        spec: &ModelSpec,
        rows: Range<usize>,
    ) -> Self {
        let n_units = panel.n_units();
        let cells = || {
            rows.clone()
                .flat_map(move |t| (0..n_units).map(move |i| (t, i)))
        };
        let counts: Vec<f64> = cells().map(|(t, i)| panel.count(t, i)).collect();
        let tables = match spec.family {
            Family::Poisson => Vec::new(),
            Family::NegBin1 => vec![CountTable::new(counts.iter().copied())],
            Family::NegBinM => (0..n_units)
                .map(|i| CountTable::new(counts.iter().skip(i).step_by(n_units).copied()))
                .collect(),
        };
        Self {
            n_units,
            n_endemic: spec.n_endemic(),
            own: cells().map(|(t, i)| panel.count(t - 1, i)).collect(),
            neighbours: cells()
                .map(|(t, i)| panel.neighbour_sum(t - 1, i))
                .collect(),
            offset: (0..n_units).map(|i| panel.offset(i)).collect(),
            covariates: rows
                .clone()
                .flat_map(|t| design.covariates(t).iter().copied())
                .collect(),
            ln_factorials: counts.iter().map(|&y| ln_factorial(y)).sum(),
            counts,
            tables,
        }
    }

    /// Number of units.
    pub(crate) fn n_units(&self) -> usize {
        self.n_units
    }

    /// Number of fitted time points.
    pub(crate) fn n_rows(&self) -> usize {
        self.counts.len() / self.n_units.max(1)
    }

    /// x_t of row `row`.
    pub(crate) fn covariates(&self, row: usize) -> &[f64] {
        &self.covariates[row * self.n_endemic..(row + 1) * self.n_endemic]
    }

    /// Counts, own lagged counts and lagged neighbour sums of row `row`.
    pub(crate) fn row(&self, row: usize) -> (&[f64], &[f64], &[f64]) {
        let cells = row * self.n_units..(row + 1) * self.n_units;
        (
            &self.counts[cells.clone()],
            &self.own[cells.clone()],
            &self.neighbours[cells],
        )
    }

    /// Endemic offsets e[i].
    pub(crate) fn offset(&self) -> &[f64] {
        &self.offset
    }

    /// Σ log y! over the window.
    pub(crate) fn ln_factorials(&self) -> f64 {
        self.ln_factorials
    }

    /// Count table of overdispersion group `group`.
    pub(crate) fn table(&self, group: usize) -> &CountTable {
        &self.tables[group]
    }
}
