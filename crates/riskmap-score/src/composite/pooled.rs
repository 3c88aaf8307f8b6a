//! Scoring a cross-section from already pooled counts: the entry point of the published
//! release, whose counts have been through disclosure control before any statistic is
//! computed (`docs/disclosure.md` §4). Each unit brings, per methodology indicator, the
//! numerator and denominator pooled over its window as the reader may see them, or nothing
//! where the release withholds the count; withheld units take no part in the smoothing, the
//! national comparator or the treatment, so no score depends on a withheld count.

use riskmap_model::Period;

use super::periods::pooled_values;
use super::{CrossSection, PeriodScores, score_cross_section};
use crate::error::Result;
use crate::methodology::Methodology;

/// One indicator's numerator and denominator, pooled over the window.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pooled {
    /// Σ numerator.
    pub events: f64,
    /// Σ denominator.
    pub population: f64,
}

/// One unit of a pooled cross-section.
#[derive(Debug, Clone, PartialEq)]
pub struct PooledUnit {
    /// Unit id.
    pub unit: String,
    /// Region (banding group).
    pub region: String,
    /// Per methodology indicator (in `Methodology::indicators` order): the pooled counts, or
    /// `None` where they are withheld or missing.
    pub pooled: Vec<Option<Pooled>>,
    /// Small-denominator flag.
    pub small_denominator: bool,
    /// Quarters with a submission in the window.
    pub quarters_reported: usize,
}

/// Scores `units` for `period` from pooled counts (global empirical Bayes where the
/// methodology smooths), exactly as [`super::score_periods`] scores a window it pools itself.
pub fn score_pooled(m: &Methodology, period: Period, units: &[PooledUnit]) -> Result<PeriodScores> {
    let mut values = Vec::with_capacity(m.indicators.len());
    let mut national = Vec::with_capacity(m.indicators.len());
    for (k, spec) in m.indicators.iter().enumerate() {
        let pairs: Vec<Pooled> = units
            .iter()
            .map(|u| {
                u.pooled.get(k).copied().flatten().unwrap_or(Pooled {
                    events: 0.0,
                    population: 0.0,
                })
            })
            .collect();
        let events: Vec<f64> = pairs.iter().map(|p| p.events).collect();
        let population: Vec<f64> = pairs.iter().map(|p| p.population).collect();
        let (unit_values, national_value) = pooled_values(spec, &events, &population, None)?;
        values.push(unit_values);
        national.push(national_value);
    }
    score_cross_section(
        m,
        &CrossSection {
            period,
            units: units.iter().map(|u| u.unit.clone()).collect(),
            regions: units.iter().map(|u| u.region.clone()).collect(),
            values,
            national,
            small_denominator: units.iter().map(|u| u.small_denominator).collect(),
            quarters_reported: units.iter().map(|u| u.quarters_reported).collect(),
            late: vec![false; units.len()],
        },
    )
}

#[cfg(test)]
mod tests {
    use riskmap_model::{Measure, MeasureValues};

    use super::*;
    use crate::composite::{Submission, UnitPeriodInput, score_periods};

    /// Four quarters of eight units with every measure the methodology reads.
    fn quarters() -> Vec<UnitPeriodInput> {
        let year = Period::parse("2024-Q4").unwrap().trailing(4);
        let mut inputs = Vec::new();
        for u in 0..8_u32 {
            for (q, period) in year.iter().enumerate() {
                let mut measures = MeasureValues::empty();
                for (k, measure) in Measure::ALL.iter().enumerate() {
                    let base = f64::from(u * 13 + (k as u32) * 7 + q as u32 * 3 % 11);
                    measures.set(*measure, Some(base + 2.0));
                }
                measures.set(Measure::PupilsTotal, Some(20_000.0 + f64::from(u) * 900.0));
                inputs.push(UnitPeriodInput {
                    unit: format!("u{u}"),
                    region: format!("u{u}"),
                    parent: None,
                    period: *period,
                    submission: Submission::OnTime,
                    measures,
                });
            }
        }
        inputs
    }

    #[test]
    fn pooled_scores_equal_the_back_cast_of_the_same_window() {
        let m = Methodology::builtin();
        let inputs = quarters();
        let period = Period::parse("2024-Q4").unwrap();
        let back_cast = score_periods(&m, &inputs).unwrap();
        let expected = back_cast.iter().find(|p| p.period == period).unwrap();
        let units: Vec<PooledUnit> = (0..8)
            .map(|u| {
                let rows: Vec<&UnitPeriodInput> = inputs
                    .iter()
                    .filter(|r| r.unit == format!("u{u}"))
                    .collect();
                let pooled = m
                    .indicators
                    .iter()
                    .map(|spec| {
                        let window = &rows[rows.len() - spec.pooled_quarters..];
                        let sum = |measure| -> f64 {
                            window.iter().filter_map(|r| r.measures.get(measure)).sum()
                        };
                        Some(Pooled {
                            events: sum(spec.numerator),
                            population: sum(spec.denominator),
                        })
                    })
                    .collect();
                PooledUnit {
                    unit: format!("u{u}"),
                    region: format!("u{u}"),
                    pooled,
                    small_denominator: false,
                    quarters_reported: 4,
                }
            })
            .collect();
        let got = score_pooled(&m, period, &units).unwrap();
        for (a, b) in got.units.iter().zip(&expected.units) {
            let (a, b) = (a.composite.unwrap(), b.composite.unwrap());
            assert!((a - b).abs() < 1e-9, "{a} vs {b}");
        }
    }

    #[test]
    fn withheld_units_take_no_part() {
        let m = Methodology::builtin();
        let period = Period::parse("2024-Q4").unwrap();
        let unit = |name: &str, events: f64| PooledUnit {
            unit: name.to_owned(),
            region: name.to_owned(),
            pooled: m
                .indicators
                .iter()
                .map(|_| {
                    Some(Pooled {
                        events,
                        population: 50_000.0,
                    })
                })
                .collect(),
            small_denominator: false,
            quarters_reported: 4,
        };
        let mut units: Vec<PooledUnit> = (0..6)
            .map(|i| unit(&format!("u{i}"), 20.0 + f64::from(i) * 9.0))
            .collect();
        let visible_only = score_pooled(&m, period, &units[1..]).unwrap();
        units[0].pooled = vec![None; m.indicators.len()];
        let with_withheld = score_pooled(&m, period, &units).unwrap();
        assert!(with_withheld.units[0].composite.is_none());
        for (a, b) in with_withheld.units[1..].iter().zip(&visible_only.units) {
            assert_eq!(a.indicators, b.indicators);
        }
    }
}
