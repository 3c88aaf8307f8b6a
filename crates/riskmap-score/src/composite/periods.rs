//! The back-cast entry point: catalogue indicators pooled over rolling windows, smoothed by
//! empirical Bayes, and scored for every period of the input in one call.
//!
//! **Indicator value** of unit i for period t (the catalogue's formula, `data/indicators.toml`):
//! over the `pooled_quarters` quarters ending with t in which the unit reported both the
//! numerator and the denominator,
//!
//! ```text
//! x_i = per · pooled_quarters · Σ numerator / Σ denominator        (None when Σ den ≤ 0)
//! ```
//!
//! which is an annual rate when four quarters of pupil counts are summed, and annualises a
//! shorter window the same way. Early periods whose window reaches before the first quarter of
//! the input use the quarters available; the reliability field counts them.
//!
//! **Smoothing** (methods §0.2, §9): for indicators with `smooth = true`, the pooled count e_i
//! over the pooled denominator b_i is replaced by its empirical-Bayes estimate — hierarchical EB
//! with each unit's `parent` as the prior group when every unit of the period has a parent
//! (schools within districts), global EB (Marshall 1991, prior variance truncated at 0)
//! otherwise. Units without data take no part and stay missing.
//!
//! **National comparator**: per · pooled · Σ_i Σ numerator / Σ_i Σ denominator over the units
//! of the period.
//!
//! Periods are scored in parallel (rayon); the output is in period order and each period is
//! identical to scoring it alone.

use std::collections::{BTreeSet, HashMap};

use rayon::prelude::*;
use riskmap_model::{Measure, MeasureValues, Period};

use super::score::{group_index, score_cross_section};
use super::{CrossSection, PeriodScores};
use crate::error::{Error, Result};
use crate::methodology::Methodology;
use crate::rates::{RateData, global_eb, hierarchical_eb};

/// Whether a unit's submission for a quarter arrived by the due date (the 10th of the month
/// after the quarter). A missing submission is a missing [`UnitPeriodInput`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Submission {
    /// By the due date.
    OnTime,
    /// After the due date.
    Late,
}

/// One unit × quarter: the unit's summed measures of that quarter (for a district: the sum
/// over its schools' current revisions).
#[derive(Debug, Clone, PartialEq)]
pub struct UnitPeriodInput {
    /// Unit id: KATO code for districts and regions, `nobd_org_id` for schools.
    pub unit: String,
    /// Region of the unit (the group of within-region bands and percentiles).
    pub region: String,
    /// Prior group for hierarchical EB (the district, for schools); `None` → global EB.
    pub parent: Option<String>,
    /// The quarter.
    pub period: Period,
    /// Timeliness of the submission.
    pub submission: Submission,
    /// The measured values (`None` = not reported).
    pub measures: MeasureValues,
}

/// Scores every period present in `inputs` (back-cast): one [`PeriodScores`] per period, in
/// period order, each carrying `m.version`.
///
/// Errors on a duplicated (unit, period), on negative counts and on the errors of
/// [`score_cross_section`].
///
/// # Examples
///
/// ```
/// use riskmap_model::{Measure, MeasureValues, Period};
/// use riskmap_score::composite::{Submission, UnitPeriodInput, score_periods};
/// use riskmap_score::methodology::Methodology;
///
/// let m = Methodology::builtin();
/// let mut inputs = Vec::new();
/// for (unit, violence) in [("d1", 2.0), ("d2", 9.0), ("d3", 4.0)] {
///     for period in ["2024-Q3", "2024-Q4"] {
///         let mut measures = MeasureValues::empty();
///         for measure in Measure::ALL {
///             measures.set(*measure, Some(1.0));
///         }
///         measures.set(Measure::PupilsTotal, Some(2000.0));
///         measures.set(Measure::ViolTotal, Some(violence));
///         inputs.push(UnitPeriodInput {
///             unit: unit.into(),
///             region: "r1".into(),
///             parent: None,
///             period: Period::parse(period).expect("valid"),
///             submission: Submission::OnTime,
///             measures,
///         });
///     }
/// }
/// let scores = score_periods(&m, &inputs).expect("valid input");
/// assert_eq!(scores.len(), 2);
/// assert!(scores.iter().all(|p| p.model_version == m.version && p.units.len() == 3));
/// ```
pub fn score_periods(m: &Methodology, inputs: &[UnitPeriodInput]) -> Result<Vec<PeriodScores>> {
    let table = Table::new(m, inputs)?;
    table
        .periods
        .par_iter()
        .enumerate()
        .filter(|(p, _)| table.present[*p])
        .map(|(p, &period)| score_cross_section(m, &table.cross_section(m, p, period)?))
        .collect()
}

/// The scores of `period` alone, as [`score_periods`] gives them for that period (its pooled
/// window read from `inputs` the same way), without scoring the other periods of the input:
/// for a reader of one quarter (the priority list reads the current quarter's composite).
/// `None` when `inputs` has no row for `period`.
///
/// Errors as [`score_periods`] does (a duplicated (unit, period) anywhere in `inputs`, a
/// negative count in the period's window).
pub fn score_period(
    m: &Methodology,
    inputs: &[UnitPeriodInput],
    period: Period,
) -> Result<Option<PeriodScores>> {
    let table = Table::new(m, inputs)?;
    let Some(p) = table.periods.iter().position(|q| *q == period) else {
        return Ok(None);
    };
    if !table.present[p] {
        return Ok(None);
    }
    score_cross_section(m, &table.cross_section(m, p, period)?).map(Some)
}

/// Inputs indexed by unit and period, with the needed measures extracted once.
struct Table<'a> {
    inputs: &'a [UnitPeriodInput],
    /// Every quarter from the first to the last of the input.
    periods: Vec<Period>,
    /// Whether the input has rows for that quarter.
    present: Vec<bool>,
    /// Units in order of first appearance.
    units: Vec<&'a str>,
    /// rows[unit][period] → input row.
    rows: Vec<Vec<Option<usize>>>,
    /// Measures used by the methodology.
    needed: Vec<Measure>,
    /// values[row][needed index].
    values: Vec<Vec<Option<f64>>>,
}

impl<'a> Table<'a> {
    fn new(m: &Methodology, inputs: &'a [UnitPeriodInput]) -> Result<Self> {
        let distinct: BTreeSet<Period> = inputs.iter().map(|r| r.period).collect();
        let (Some(&first), Some(&last)) = (distinct.first(), distinct.last()) else {
            return Ok(Self {
                inputs,
                periods: Vec::new(),
                present: Vec::new(),
                units: Vec::new(),
                rows: Vec::new(),
                needed: Vec::new(),
                values: Vec::new(),
            });
        };
        let periods = Period::range_inclusive(first, last);
        let present = periods.iter().map(|p| distinct.contains(p)).collect();
        let position: HashMap<Period, usize> =
            periods.iter().enumerate().map(|(i, p)| (*p, i)).collect();
        let mut unit_index: HashMap<&str, usize> = HashMap::new();
        let mut units = Vec::new();
        let mut rows: Vec<Vec<Option<usize>>> = Vec::new();
        for (row, input) in inputs.iter().enumerate() {
            let u = *unit_index.entry(input.unit.as_str()).or_insert_with(|| {
                units.push(input.unit.as_str());
                rows.push(vec![None; periods.len()]);
                units.len() - 1
            });
            let slot = &mut rows[u][position[&input.period]];
            if slot.is_some() {
                return Err(Error::InvalidParameter {
                    name: "inputs",
                    reason: format!("unit {} has two rows for {}", input.unit, input.period),
                });
            }
            *slot = Some(row);
        }
        let mut needed = vec![Measure::PupilsTotal];
        for spec in &m.indicators {
            for measure in [spec.numerator, spec.denominator] {
                if !needed.contains(&measure) {
                    needed.push(measure);
                }
            }
        }
        let values = inputs
            .iter()
            .map(|r| needed.iter().map(|&x| r.measures.get(x)).collect())
            .collect();
        Ok(Self {
            inputs,
            periods,
            present,
            units,
            rows,
            needed,
            values,
        })
    }

    fn column(&self, measure: Measure) -> usize {
        self.needed
            .iter()
            .position(|&x| x == measure)
            .expect("every indicator measure is in `needed`")
    }

    fn cross_section(&self, m: &Methodology, p: usize, period: Period) -> Result<CrossSection> {
        let members: Vec<(usize, usize)> = (0..self.units.len())
            .filter_map(|u| self.rows[u][p].map(|row| (u, row)))
            .collect();
        let n = members.len();
        let window_start = |quarters: usize| p.saturating_sub(quarters.saturating_sub(1));
        let max_window = m
            .indicators
            .iter()
            .map(|i| i.pooled_quarters)
            .max()
            .unwrap_or(1);
        let mut values = Vec::with_capacity(m.indicators.len());
        let mut national = Vec::with_capacity(m.indicators.len());
        for spec in &m.indicators {
            let (num_col, den_col) = (self.column(spec.numerator), self.column(spec.denominator));
            let mut events = vec![0.0; n];
            let mut population = vec![0.0; n];
            for (pos, &(u, _)) in members.iter().enumerate() {
                for q in window_start(spec.pooled_quarters)..=p {
                    let Some(row) = self.rows[u][q] else { continue };
                    if let (Some(e), Some(b)) =
                        (self.values[row][num_col], self.values[row][den_col])
                    {
                        if e < 0.0 || b < 0.0 {
                            return Err(Error::BadValue {
                                what: "measure",
                                index: row,
                                value: e.min(b),
                                reason: "counts and denominators must be >= 0",
                            });
                        }
                        events[pos] += e;
                        population[pos] += b;
                    }
                }
            }
            let parents: Option<Vec<String>> = members
                .iter()
                .map(|&(_, r)| self.inputs[r].parent.clone())
                .collect();
            let (unit_values, national_value) =
                pooled_values(spec, &events, &population, parents.as_deref())?;
            national.push(national_value);
            values.push(unit_values);
        }
        let pupils = self.column(Measure::PupilsTotal);
        let threshold = m.composite.small_denominator_pupils;
        Ok(CrossSection {
            period,
            units: members
                .iter()
                .map(|&(u, _)| self.units[u].to_owned())
                .collect(),
            regions: members
                .iter()
                .map(|&(_, r)| self.inputs[r].region.clone())
                .collect(),
            values,
            national,
            small_denominator: members
                .iter()
                .map(|&(_, r)| self.values[r][pupils].is_none_or(|x| x < threshold))
                .collect(),
            quarters_reported: members
                .iter()
                .map(|&(u, _)| {
                    (window_start(max_window)..=p)
                        .filter(|&q| self.rows[u][q].is_some())
                        .count()
                })
                .collect(),
            late: members
                .iter()
                .map(|&(_, r)| self.inputs[r].submission == Submission::Late)
                .collect(),
        })
    }
}

/// One indicator's values for a cross-section from each unit's pooled numerator (`events`)
/// and denominator (`population`) over the window: per · pooled_quarters · e/b, smoothed by
/// empirical Bayes when the methodology says so (hierarchical with `parents` as prior groups
/// when given, global otherwise); and the national comparator pooled over the units with a
/// positive denominator. Units with a zero denominator take no part and stay `None`.
pub(crate) fn pooled_values(
    spec: &crate::methodology::IndicatorSpec,
    events: &[f64],
    population: &[f64],
    parents: Option<&[String]>,
) -> Result<(Vec<Option<f64>>, Option<f64>)> {
    #[allow(clippy::cast_precision_loss, reason = "a handful of quarters")]
    let scale = spec.per * spec.pooled_quarters as f64;
    let (sum_e, sum_b) = events
        .iter()
        .zip(population)
        .filter(|(_, b)| **b > 0.0)
        .fold((0.0, 0.0), |(a, c), (e, b)| (a + e, c + b));
    let national = (sum_b > 0.0).then(|| scale * sum_e / sum_b);
    let rates: Vec<Option<f64>> = if spec.smooth {
        smoothed(events, population, parents)?
    } else {
        events
            .iter()
            .zip(population)
            .map(|(e, b)| (*b > 0.0).then(|| e / b))
            .collect()
    };
    Ok((
        rates.into_iter().map(|r| r.map(|r| scale * r)).collect(),
        national,
    ))
}

/// EB rates (per unit of denominator) of the units with data; hierarchical when every unit
/// has a parent.
fn smoothed(
    events: &[f64],
    population: &[f64],
    parents: Option<&[String]>,
) -> Result<Vec<Option<f64>>> {
    let data = RateData::new(events, population)?;
    if data.n_valid() == 0 {
        return Ok(vec![None; events.len()]);
    }
    match parents {
        Some(parents) => Ok(hierarchical_eb(&data, &group_index(parents), None)?.estimates),
        None => Ok(global_eb(&data)?.estimates),
    }
}
