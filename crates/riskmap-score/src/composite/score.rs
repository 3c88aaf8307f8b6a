//! One period's cross-section through the composite pipeline: treatment, goalpost scaling,
//! aggregation, SVI ranks and flags, bands, drivers, rank intervals and reliability.
//!
//! Every step is documented in its own module; this file only wires them together in the
//! order of `composite` (module docs). Units keep their input order in the output.

use std::collections::HashMap;

use riskmap_model::indicator::Direction;

use super::aggregate::{weighted_geometric_one_ten, weighted_mean_of};
use super::bands::{fixed_class, quintile};
use super::drivers::{across_dimensions, indicator_contributions, top_drivers, within_dimension};
use super::goalposts::score;
use super::rank_intervals::{McInput, rank_intervals};
use super::svi::{flag, percent_ranks, percent_ranks_by_group, round_to, theme};
use super::treatment::{Treated, treat};
use super::{
    CrossSection, Driver, IndicatorScore, IndicatorSummary, PeriodScores, Reliability, SviScores,
    UnitScore,
};
use crate::error::{Error, Result};
use crate::methodology::Methodology;
use crate::ranks::min_rank;

/// How many drivers a unit reports (domain §5.4: "top 3 drivers").
pub const TOP_DRIVERS: usize = 3;

/// Scores one period's cross-section.
///
/// Errors when the cross-section's vectors disagree in length or a value is not finite.
///
/// # Examples
///
/// ```
/// use riskmap_model::Period;
/// use riskmap_score::composite::{CrossSection, score_cross_section};
/// use riskmap_score::methodology::Methodology;
///
/// let m = Methodology::builtin();
/// let k = m.indicators.len();
/// // Two units: the first at every goalpost's upper end, the second at the lower end.
/// let high: Vec<f64> = m.indicators.iter().map(|i| i.goalposts.hi).collect();
/// let low: Vec<f64> = m.indicators.iter().map(|i| i.goalposts.lo).collect();
/// let cs = CrossSection {
///     period: Period::parse("2024-Q4").expect("valid"),
///     units: vec!["a".into(), "b".into()],
///     regions: vec!["r".into(), "r".into()],
///     values: (0..k).map(|j| vec![Some(high[j]), Some(low[j])]).collect(),
///     national: vec![None; k],
///     small_denominator: vec![false; 2],
///     quarters_reported: vec![4; 2],
///     late: vec![false; 2],
/// };
/// let scores = score_cross_section(&m, &cs).expect("consistent input");
/// let a = scores.unit("a").expect("scored").composite.expect("complete");
/// let b = scores.unit("b").expect("scored").composite.expect("complete");
/// // Lower-is-worse coverage is reversed, so unit a still has 10 on harm and vulnerability.
/// assert!(a > b);
/// assert_eq!(scores.model_version, m.version);
/// ```
pub fn score_cross_section(m: &Methodology, cs: &CrossSection) -> Result<PeriodScores> {
    check(m, cs)?;
    let n = cs.units.len();
    let k = m.indicators.len();
    let share = m.composite.min_available;
    let dims = m.indicator_dimensions();
    let weights: Vec<f64> = m.indicators.iter().map(|i| i.weight).collect();

    // Treatment and 0–10 scores.
    let treated: Vec<Treated> = m
        .indicators
        .iter()
        .zip(&cs.values)
        .map(|(spec, values)| treat(values, &m.treatment, spec.treatment, Some(spec.goalposts)))
        .collect();
    let scores: Vec<Vec<Option<f64>>> = m
        .indicators
        .iter()
        .zip(&treated)
        .map(|(spec, t)| {
            t.values
                .iter()
                .map(|v| v.map(|x| score(x, spec.goalposts, &t.applied, spec.direction)))
                .collect()
        })
        .collect();

    // Aggregation.
    let members: Vec<Vec<usize>> = (0..3)
        .map(|d| (0..k).filter(|&j| dims[j] == d).collect())
        .collect();
    let mut dimension_scores = vec![[None; 3]; n];
    let mut composite = vec![None; n];
    for i in 0..n {
        for d in 0..3 {
            let pairs = members[d].iter().map(|&j| (scores[j][i], weights[j]));
            dimension_scores[i][d] = weighted_mean_of(pairs, share);
        }
        composite[i] =
            weighted_geometric_one_ten(&dimension_scores[i], &m.composite.dimension_weights, share);
    }

    // SVI ranks and flags on the untreated values (ranks ignore monotone transforms).
    let region_index = group_index(&cs.regions);
    let mut pr = Vec::with_capacity(k);
    let mut pr_region = Vec::with_capacity(k);
    for (spec, values) in m.indicators.iter().zip(&cs.values) {
        pr.push(percent_ranks(values, spec.direction)?);
        pr_region.push(percent_ranks_by_group(
            values,
            &region_index,
            spec.direction,
        )?);
    }
    let rounded: Vec<Vec<Option<f64>>> = pr
        .iter()
        .map(|col| col.iter().map(|p| p.map(|p| round_to(p, 4))).collect())
        .collect();
    let themes = (0..3)
        .map(|d| {
            theme(
                &members[d]
                    .iter()
                    .map(|&j| rounded[j].clone())
                    .collect::<Vec<_>>(),
            )
        })
        .collect::<Result<Vec<_>>>()?;
    let overall = theme(&rounded)?;

    // Composite ranks and bands.
    let pr_composite = percent_ranks(&composite, Direction::HigherIsWorse)?;
    let pr_composite_region =
        percent_ranks_by_group(&composite, &region_index, Direction::HigherIsWorse)?;
    let scored: Vec<f64> = composite.iter().flatten().map(|c| -c).collect();
    let mut ranks = min_rank(&scored)?.into_iter();
    let national_rank: Vec<Option<usize>> = composite
        .iter()
        .map(|c| c.and_then(|_| ranks.next()))
        .collect();

    // Rank intervals.
    let treated_values: Vec<Vec<Option<f64>>> = treated.iter().map(|t| t.values.clone()).collect();
    let applied: Vec<_> = treated.iter().map(|t| t.applied).collect();
    let eligible: Vec<bool> = composite.iter().map(Option::is_some).collect();
    let intervals = rank_intervals(&McInput {
        methodology: m,
        treated: &treated_values,
        applied: &applied,
        eligible: &eligible,
        period_key: u64::from(cs.period.year()) * 4 + u64::from(cs.period.quarter()),
    });

    let mut units = Vec::with_capacity(n);
    for i in 0..n {
        let unit_scores: Vec<Option<f64>> = (0..k).map(|j| scores[j][i]).collect();
        let within: Vec<Option<f64>> = {
            let mut out = vec![None; k];
            for list in &members {
                let s: Vec<Option<f64>> = list.iter().map(|&j| unit_scores[j]).collect();
                let w: Vec<f64> = list.iter().map(|&j| weights[j]).collect();
                for (&j, c) in list.iter().zip(within_dimension(&s, &w)) {
                    out[j] = c;
                }
            }
            out
        };
        let contributions = match composite[i] {
            Some(c) => {
                let to_composite =
                    across_dimensions(&dimension_scores[i], &m.composite.dimension_weights, c);
                indicator_contributions(&within, &dims, &dimension_scores[i], &to_composite)
            }
            None => vec![None; k],
        };
        let indicators: Vec<IndicatorScore> = (0..k)
            .map(|j| IndicatorScore {
                value: cs.values[j][i],
                score: unit_scores[j],
                percent_rank: pr[j][i],
                percent_rank_rounded: rounded[j][i],
                flag: rounded[j][i].is_some_and(flag),
                percent_rank_region: pr_region[j][i],
                contribution: contributions[j],
            })
            .collect();
        let drivers = top_drivers(&contributions, TOP_DRIVERS)
            .into_iter()
            .filter_map(|j| {
                Some(Driver {
                    indicator: j,
                    code: m.indicators[j].code.clone(),
                    value: cs.values[j][i]?,
                    score: unit_scores[j]?,
                    contribution: contributions[j]?,
                    percent_rank_region: pr_region[j][i],
                    flag: indicators[j].flag,
                    national: cs.national[j],
                })
            })
            .collect();
        let available = indicators.iter().filter(|s| s.score.is_some()).count();
        units.push(UnitScore {
            unit: cs.units[i].clone(),
            region: cs.regions[i].clone(),
            composite: composite[i],
            dimensions: dimension_scores[i],
            flags_total: indicators.iter().filter(|s| s.flag).count(),
            indicators,
            svi: SviScores {
                spl: [0, 1, 2].map(|d| themes[d].spl[i]),
                rpl: [0, 1, 2].map(|d| themes[d].rpl[i]),
                spl_overall: overall.spl[i],
                rpl_overall: overall.rpl[i],
            },
            percent_rank_national: pr_composite[i],
            percent_rank_region: pr_composite_region[i],
            quintile_national: pr_composite[i].map(quintile),
            quintile_region: pr_composite_region[i].map(quintile),
            fixed_class: composite[i].map(|c| fixed_class(c, &m.bands)),
            rank: national_rank[i],
            rank_interval: intervals[i],
            drivers,
            reliability: Reliability {
                indicators_available: available,
                indicators_total: k,
                availability: available as f64 / k as f64,
                dimensions_available: dimension_scores[i].iter().flatten().count(),
                small_denominator: cs.small_denominator[i],
                quarters_reported: cs.quarters_reported[i],
                late: cs.late[i],
            },
        });
    }
    let indicators = m
        .indicators
        .iter()
        .zip(&treated)
        .zip(&cs.national)
        .map(|((spec, t), national)| IndicatorSummary {
            code: spec.code.clone(),
            applied: t.applied,
            skewness: t.skewness,
            kurtosis: t.kurtosis,
            passes: t.passes,
            available: t.values.iter().flatten().count(),
            national: *national,
        })
        .collect();
    Ok(PeriodScores {
        period: cs.period,
        model_version: m.version.clone(),
        catalogue_version: m.catalogue_version.clone(),
        indicators,
        units,
    })
}

/// Dense 0-based group indices in order of first appearance.
pub(crate) fn group_index(keys: &[String]) -> Vec<usize> {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    keys.iter()
        .map(|key| {
            let next = seen.len();
            *seen.entry(key.as_str()).or_insert(next)
        })
        .collect()
}

fn check(m: &Methodology, cs: &CrossSection) -> Result<()> {
    let n = cs.units.len();
    let lengths = [
        ("regions", cs.regions.len()),
        ("small_denominator", cs.small_denominator.len()),
        ("quarters_reported", cs.quarters_reported.len()),
        ("late", cs.late.len()),
    ];
    for (what, found) in lengths {
        if found != n {
            return Err(Error::LengthMismatch {
                what,
                expected: n,
                found,
            });
        }
    }
    let k = m.indicators.len();
    for (what, found) in [("values", cs.values.len()), ("national", cs.national.len())] {
        if found != k {
            return Err(Error::LengthMismatch {
                what,
                expected: k,
                found,
            });
        }
    }
    for column in &cs.values {
        if column.len() != n {
            return Err(Error::LengthMismatch {
                what: "values column",
                expected: n,
                found: column.len(),
            });
        }
        if let Some((index, value)) = column
            .iter()
            .enumerate()
            .find_map(|(i, v)| v.filter(|x| !x.is_finite()).map(|x| (i, x)))
        {
            return Err(Error::BadValue {
                what: "indicator value",
                index,
                value,
                reason: "indicator values must be finite",
            });
        }
    }
    Ok(())
}
