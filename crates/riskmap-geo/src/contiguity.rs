//! District contiguity (queen: a shared boundary vertex; rook: a shared boundary edge), built
//! by `riskmap_score::weights` exactly as libpysal builds it from the polygons.

use riskmap_score::weights::{Weights, queen, rook};

use crate::Geography;

/// Which contiguity rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Contiguity {
    /// Neighbours share at least one boundary vertex.
    Queen,
    /// Neighbours share at least one boundary edge.
    Rook,
}

impl Geography {
    /// Binary contiguity weights over the districts, in [`Geography::districts`] order.
    pub fn district_contiguity(&self, rule: Contiguity) -> riskmap_score::Result<Weights> {
        let polygons: Vec<_> = self
            .districts()
            .iter()
            .map(|d| d.geometry.clone())
            .collect();
        match rule {
            Contiguity::Queen => queen(&polygons),
            Contiguity::Rook => rook(&polygons),
        }
    }

    /// Binary contiguity weights over the regions, in [`Geography::regions`] order.
    pub fn region_contiguity(&self, rule: Contiguity) -> riskmap_score::Result<Weights> {
        let polygons: Vec<_> = self.regions().iter().map(|r| r.geometry.clone()).collect();
        match rule {
            Contiguity::Queen => queen(&polygons),
            Contiguity::Rook => rook(&polygons),
        }
    }
}
