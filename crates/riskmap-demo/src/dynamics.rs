//! The quarter-to-quarter structure of the demo's event rates, the structure a forecaster
//! needs and a real export has. Each school's expected events in a quarter are multiplied by
//! three factors of its district:
//!
//! - **seasonality**: [`SEASON`] by quarter of the year, mean 1 (the summer quarter Q3, with
//!   the school holidays, at 0.6);
//! - **shocks and persistence**: a log-normal shock per district and quarter (σ = [`SHOCK`]),
//!   and 1 + [`PERSISTENCE`]·(observed/expected − 1) of the district's events in the previous
//!   quarter, expected without shocks, persistence and clusters, clamped to [0.5, 2] (a
//!   first-order autoregression of the district's excess: a bad quarter tends to be followed by
//!   another, and a cluster's excess lingers);
//! - **spreading clusters**: [`CLUSTERS`] districts, chosen from a stream of their own (seeded
//!   from the demo's seed), each start an excess at a fixed point of the period range: ×(1 +
//!   [`CLUSTER_EXCESS`]) in the district for [`CLUSTER_QUARTERS`] quarters, half that excess in
//!   its contiguous districts (polygons that touch) from one quarter later, a quarter of it in
//!   their neighbours from two quarters later.
//!
//! Memory is O(districts): the observed and expected events of the current quarter are summed
//! as the records are drawn and turn into the next quarter's persistence at the quarter's end.

use std::collections::HashMap;

use geo::{BoundingRect, Intersects};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use riskmap_geo::Geography;
use riskmap_model::Kato;

/// Seasonal factors of Q1…Q4 (mean 1).
pub const SEASON: [f64; 4] = [1.1, 1.1, 0.6, 1.2];
/// Weight of the previous quarter's relative excess.
pub const PERSISTENCE: f64 = 0.5;
/// Standard deviation of a district-quarter log shock.
pub const SHOCK: f64 = 0.2;
/// Number of spreading clusters.
pub const CLUSTERS: usize = 3;
/// Relative excess in a cluster's first district.
pub const CLUSTER_EXCESS: f64 = 1.5;
/// Quarters a cluster lasts in each district it reaches.
pub const CLUSTER_QUARTERS: usize = 4;

/// One cluster: the districts it reaches, by ring (0 = the first district), and its start.
#[derive(Debug, Clone)]
struct Cluster {
    rings: [Vec<usize>; 3],
    start: usize,
}

/// The district factors, updated quarter by quarter.
#[derive(Debug, Clone)]
pub(crate) struct Dynamics {
    index: HashMap<Kato, usize>,
    clusters: Vec<Cluster>,
    rng: ChaCha8Rng,
    shocks: Vec<f64>,
    persistence: Vec<f64>,
    observed: Vec<f64>,
    expected: Vec<f64>,
}

impl Dynamics {
    /// Chooses the clusters for `periods` quarters from `seed`.
    pub(crate) fn new(geography: &Geography, periods: usize, seed: u64) -> Self {
        let districts = geography.districts();
        let index: HashMap<Kato, usize> = districts
            .iter()
            .enumerate()
            .map(|(i, d)| (d.kato, i))
            .collect();
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x005E_EDC1_u64);
        let clusters = (0..CLUSTERS)
            .filter(|_| !districts.is_empty())
            .map(|k| {
                let first = rng.random_range(0..districts.len());
                let ring1 = touching(geography, &[first], &[first]);
                let mut seen = ring1.clone();
                seen.push(first);
                let ring2 = touching(geography, &ring1, &seen);
                Cluster {
                    rings: [vec![first], ring1, ring2],
                    start: periods * (2 + k) / (CLUSTERS + 3),
                }
            })
            .collect();
        let n = districts.len();
        let mut dynamics = Self {
            index,
            clusters,
            rng,
            shocks: vec![1.0; n],
            persistence: vec![1.0; n],
            observed: vec![0.0; n],
            expected: vec![0.0; n],
        };
        dynamics.draw_shocks();
        dynamics
    }

    fn draw_shocks(&mut self) {
        for shock in &mut self.shocks {
            // Box–Muller from two uniforms of the dynamics' own stream.
            let (u, v): (f64, f64) = (self.rng.random_range(f64::EPSILON..1.0), self.rng.random());
            let z = (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos();
            *shock = (SHOCK * z - SHOCK * SHOCK / 2.0).exp();
        }
    }

    /// The factors of `district` in quarter `q` (0-based index, `quarter` 1–4): the season,
    /// and the product of shock, persistence and clusters.
    pub(crate) fn factors(&self, district: &Kato, q: usize, quarter: u8) -> (f64, f64) {
        let season = SEASON[usize::from(quarter.clamp(1, 4)) - 1];
        let Some(&d) = self.index.get(district) else {
            return (season, 1.0);
        };
        let dynamic = self.shocks[d] * self.persistence[d] * self.cluster_factor(d, q);
        (season, dynamic)
    }

    fn cluster_factor(&self, d: usize, q: usize) -> f64 {
        let mut factor = 1.0;
        for cluster in &self.clusters {
            for (ring, members) in cluster.rings.iter().enumerate() {
                let from = cluster.start + ring;
                if members.contains(&d) && (from..from + CLUSTER_QUARTERS).contains(&q) {
                    factor += CLUSTER_EXCESS / f64::from(1u8 << ring);
                }
            }
        }
        factor
    }

    /// Records a school's drawn events and their seasonal expectation (without shock,
    /// persistence and clusters) in the current quarter.
    pub(crate) fn record(&mut self, district: &Kato, observed: f64, expected: f64) {
        if let Some(&d) = self.index.get(district) {
            self.observed[d] += observed;
            self.expected[d] += expected;
        }
    }

    /// Ends the quarter: its relative excess becomes the next quarter's persistence, and the
    /// next quarter's shocks are drawn.
    pub(crate) fn end_quarter(&mut self) {
        self.draw_shocks();
        for d in 0..self.persistence.len() {
            let excess = if self.expected[d] > 0.0 {
                self.observed[d] / self.expected[d] - 1.0
            } else {
                0.0
            };
            self.persistence[d] = (1.0 + PERSISTENCE * excess).clamp(0.5, 2.0);
            self.observed[d] = 0.0;
            self.expected[d] = 0.0;
        }
    }
}

/// The districts whose polygons touch one of `from`, leaving out `seen`.
fn touching(geography: &Geography, from: &[usize], seen: &[usize]) -> Vec<usize> {
    let districts = geography.districts();
    let mut out = Vec::new();
    for &f in from {
        let a = &districts[f].geometry;
        let Some(box_a) = a.bounding_rect() else {
            continue;
        };
        for (j, other) in districts.iter().enumerate() {
            if seen.contains(&j) || out.contains(&j) {
                continue;
            }
            let near = other
                .geometry
                .bounding_rect()
                .is_some_and(|b| b.intersects(&box_a));
            if near && other.geometry.intersects(a) {
                out.push(j);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seasons_average_to_one() {
        let mean: f64 = SEASON.iter().sum::<f64>() / 4.0;
        assert!((mean - 1.0).abs() < 1e-12);
        assert!(SEASON[2] < SEASON.iter().copied().fold(f64::INFINITY, f64::min) + 1e-12);
    }
}
