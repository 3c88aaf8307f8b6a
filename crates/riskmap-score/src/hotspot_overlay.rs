//! The hotspot overlay of one indicator over sibling units (methods §0.4, §9.5): Getis–Ord
//! G_i* with binary queen weights plus self on the EB-smoothed rates, its analytic z with a
//! Benjamini–Hochberg FDR of 0.05 across the units; the LISA typology (HH/LL/LH/HL) on the
//! same values with row-standardised weights, labelled only where the seeded
//! conditional-permutation p survives the same FDR; global Moran's I as the context statistic.
//!
//! Units without a value (no data, or a non-positive population) are left out of the weights,
//! so a unit whose neighbours all lack data becomes an island and gets no statistic.

use crate::getis_ord::{Variant, getis_ord_local};
use crate::moran_global::moran_global;
use crate::moran_local::moran_local;
use crate::multiple_testing::benjamini_hochberg;
use crate::permutation::PermutationMatrix;
use crate::rates::{RateData, global_eb};
use crate::weights::Weights;

/// Permutations of the LISA pseudo p-values (methods §0.4: 9,999 in production).
pub const PERMUTATIONS: usize = 9_999;
/// The seed of the permutations, fixed so that a map reads the same on every request.
pub const SEED: u64 = 748;
/// The false discovery rate of both maps.
pub const FDR: f64 = 0.05;

/// Gi* class of a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum GiClass {
    /// Significantly high values around the unit.
    Hot,
    /// Significantly low values around the unit.
    Cold,
}

/// The statistics of one unit (all `None` when it has no value or no neighbour).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct UnitHotspot {
    /// Ord–Getis z of G_i*.
    pub gistar_z: Option<f64>,
    /// Its two-sided normal p.
    pub gistar_p: Option<f64>,
    /// Hot or cold when the p survives the FDR.
    pub gistar_class: Option<GiClass>,
    /// Quadrant label (HH, LL, LH, HL) when the LISA pseudo p survives the FDR.
    pub lisa_quadrant: Option<&'static str>,
    /// Conditional-permutation pseudo p of the local Moran.
    pub lisa_p: Option<f64>,
}

/// Global Moran's I of the values (normality moments).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct GlobalContext {
    /// Moran's I.
    pub i: f64,
    /// Its z under normality.
    pub z: f64,
    /// Two-sided p under normality.
    pub p: f64,
}

/// The values the overlay is computed on: for a count indicator, each visible unit's
/// empirical-Bayes smoothed rate (global EB over the visible units only, so a withheld count
/// moves nothing); otherwise its plain ratio. `events[i]` and `exposure[i]` are unit i's
/// numerator and denominator as the reader sees them; invisible units get `None`.
pub fn overlay_values(
    events: &[f64],
    exposure: &[f64],
    visible: &[bool],
    count_indicator: bool,
) -> Vec<Option<f64>> {
    let shown: Vec<usize> = (0..events.len())
        .filter(|&i| visible[i] && exposure[i] > 0.0)
        .collect();
    let mut out = vec![None; events.len()];
    let e: Vec<f64> = shown.iter().map(|&i| events[i]).collect();
    let b: Vec<f64> = shown.iter().map(|&i| exposure[i]).collect();
    if count_indicator
        && let Ok(data) = RateData::new(&e, &b)
        && let Ok(eb) = global_eb(&data)
    {
        for (k, &i) in shown.iter().enumerate() {
            out[i] = eb.estimates[k];
        }
        return out;
    }
    for (k, &i) in shown.iter().enumerate() {
        out[i] = Some(e[k] / b[k]);
    }
    out
}

/// Hotspot statistics of every unit (`values[i]`: the unit's smoothed value, if any) with
/// binary contiguity `contiguity` over the same units.
pub fn hotspots(
    values: &[Option<f64>],
    contiguity: &Weights,
) -> (Vec<UnitHotspot>, Option<GlobalContext>) {
    let mut out = vec![UnitHotspot::default(); values.len()];
    let keep: Vec<bool> = values
        .iter()
        .map(|v| v.is_some_and(f64::is_finite))
        .collect();
    let (w, old_of_new) = contiguity.subset(&keep);
    let y: Vec<f64> = old_of_new.iter().filter_map(|&old| values[old]).collect();
    let binary = w.binary();
    let Ok(gstar) = getis_ord_local(&y, &binary, Variant::Star) else {
        return (out, None);
    };
    let (tested, p): (Vec<usize>, Vec<f64>) = gstar
        .p_two_sided
        .iter()
        .enumerate()
        .filter_map(|(i, p)| p.map(|p| (i, p)))
        .unzip();
    let significant = benjamini_hochberg(&p, FDR).unwrap_or_else(|_| vec![false; p.len()]);
    for (new, &old) in old_of_new.iter().enumerate() {
        out[old].gistar_z = gstar.z[new].map(round4);
        out[old].gistar_p = gstar.p_two_sided[new].map(round6);
    }
    for (&new, &hit) in tested.iter().zip(&significant) {
        if hit {
            let z = gstar.z[new].unwrap_or(0.0);
            out[old_of_new[new]].gistar_class =
                Some(if z > 0.0 { GiClass::Hot } else { GiClass::Cold });
        }
    }
    let row_standardised = w.row_standardised();
    if let Ok(lisa) = moran_local(&y, &row_standardised) {
        let tests = PermutationMatrix::draw(
            y.len(),
            row_standardised.max_cardinality().max(1),
            PERMUTATIONS,
            SEED,
        )
        .ok()
        .and_then(|matrix| lisa.permutation_test(&row_standardised, &matrix).ok());
        if let Some(tests) = tests {
            let (tested, p): (Vec<usize>, Vec<f64>) = tests
                .iter()
                .enumerate()
                .filter_map(|(i, t)| t.map(|t| (i, t.p_sim)))
                .unzip();
            let significant = benjamini_hochberg(&p, FDR).unwrap_or_else(|_| vec![false; p.len()]);
            for (&new, (&hit, &p_sim)) in tested.iter().zip(significant.iter().zip(&p)) {
                let unit = &mut out[old_of_new[new]];
                unit.lisa_p = Some(round6(p_sim));
                if hit {
                    unit.lisa_quadrant = Some(lisa.quadrant[new].label());
                }
            }
        }
    }
    let global = moran_global(&y, &row_standardised)
        .ok()
        .map(|m| GlobalContext {
            i: round6(m.i),
            z: round4(m.z_norm),
            p: round6(m.p_norm),
        });
    (out, global)
}

fn round4(v: f64) -> f64 {
    (v * 1e4).round() / 1e4
}

fn round6(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 6 × 6 rook lattice with a block of high values in one corner.
    fn lattice() -> (Weights, Vec<Option<f64>>) {
        let side = 6;
        let lists: Vec<Vec<usize>> = (0..side * side)
            .map(|i| {
                let (r, c) = (i / side, i % side);
                let mut n = Vec::new();
                if r > 0 {
                    n.push(i - side);
                }
                if c > 0 {
                    n.push(i - 1);
                }
                if c + 1 < side {
                    n.push(i + 1);
                }
                if r + 1 < side {
                    n.push(i + side);
                }
                n
            })
            .collect();
        let values = (0..side * side)
            .map(|i| {
                let (r, c) = (i / side, i % side);
                Some(if r < 3 && c < 3 {
                    50.0 + (i % 3) as f64
                } else {
                    10.0 + (i % 4) as f64
                })
            })
            .collect();
        (Weights::from_neighbour_lists(&lists).unwrap(), values)
    }

    #[test]
    fn a_high_corner_is_hot_and_high_high() {
        let (w, values) = lattice();
        let (units, global) = hotspots(&values, &w);
        assert_eq!(units[7].gistar_class, Some(GiClass::Hot));
        assert_eq!(units[7].lisa_quadrant, Some("HH"));
        assert!(units[35].gistar_z.unwrap() < 0.0);
        assert!(
            units
                .iter()
                .all(|u| u.gistar_class != Some(GiClass::Hot) || u.gistar_z.unwrap() > 0.0)
        );
        assert!(global.unwrap().i > 0.3, "strong positive autocorrelation");
    }

    #[test]
    fn units_without_values_get_nothing_and_do_not_count_as_neighbours() {
        let (w, mut values) = lattice();
        values[7] = None;
        let (units, _) = hotspots(&values, &w);
        assert_eq!(units[7], UnitHotspot::default());
        assert!(units[8].gistar_z.is_some());
    }

    #[test]
    fn constant_values_give_no_statistics() {
        let (w, _) = lattice();
        let values = vec![Some(3.0); 36];
        let (units, global) = hotspots(&values, &w);
        assert!(units.iter().all(|u| *u == UnitHotspot::default()));
        assert!(global.is_none());
    }
}
