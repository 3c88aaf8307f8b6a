//! Checks of `data/methodology.toml`: every number in its domain, every indicator and measure
//! known to the catalogue, every dimension covered. Errors name the key.

use std::collections::HashSet;

use riskmap_model::measure::MeasureKind;
use riskmap_model::{Catalogue, Measure, Sensitivity};

use super::{
    Aggregation, BandSettings, CompositeSettings, IndicatorSpec, Methodology, Normalisation,
    PlanSeries, PlanSettings, PrioritySettings, RankIntervalSettings, Share, TriggerSettings,
    dimension_index, raw,
};
use crate::composite::goalposts::Goalposts;
use crate::composite::treatment::{TreatmentMode, TreatmentSettings};
use crate::error::{Error, Result};

/// The crate error for a methodology problem.
pub(super) fn fail(reason: String) -> Error {
    Error::InvalidParameter {
        name: "methodology",
        reason,
    }
}

fn ensure(ok: bool, reason: impl FnOnce() -> String) -> Result<()> {
    if ok { Ok(()) } else { Err(fail(reason())) }
}

fn positive(key: &str, value: f64) -> Result<()> {
    ensure(value.is_finite() && value > 0.0, || {
        format!("{key} must be a positive number, got {value}")
    })
}

fn probability(key: &str, value: f64) -> Result<()> {
    ensure(value > 0.0 && value < 1.0, || {
        format!("{key} must lie in (0, 1), got {value}")
    })
}

fn measures(key: &str, names: &[String], class: Option<Sensitivity>) -> Result<Vec<Measure>> {
    ensure(!names.is_empty(), || format!("{key} must not be empty"))?;
    let mut out = Vec::with_capacity(names.len());
    for name in names {
        let measure = Measure::from_column(name).map_err(|e| fail(format!("{key}: {e}")))?;
        if let Some(class) = class {
            ensure(measure.sensitivity() == class, || {
                format!("{key}: {name} is not an {} measure", class.as_str())
            })?;
        }
        ensure(measure.kind() == MeasureKind::Count, || {
            format!("{key}: {name} is not a count")
        })?;
        ensure(!out.contains(&measure), || format!("{key}: {name} twice"))?;
        out.push(measure);
    }
    Ok(out)
}

fn share(text: &str) -> Result<Share> {
    let bad = || {
        fail(format!(
            "composite.min_available_share must look like 2/3, got {text:?}"
        ))
    };
    let (n, d) = text.split_once('/').ok_or_else(bad)?;
    let numerator: u32 = n.trim().parse().map_err(|_| bad())?;
    let denominator: u32 = d.trim().parse().map_err(|_| bad())?;
    ensure(denominator > 0 && numerator <= denominator, || {
        format!("composite.min_available_share {text:?} must be a fraction in [0, 1]")
    })?;
    Ok(Share {
        numerator,
        denominator,
    })
}

pub(super) fn methodology(file: raw::File, catalogue: &Catalogue) -> Result<Methodology> {
    ensure(!file.version.trim().is_empty(), || {
        "version is empty".to_owned()
    })?;

    let c = &file.composite;
    let weights = [
        c.dimension_weights.harm,
        c.dimension_weights.vulnerability,
        c.dimension_weights.coping_capacity,
    ];
    for (key, w) in ["harm", "vulnerability", "coping_capacity"]
        .iter()
        .zip(weights)
    {
        positive(&format!("composite.dimension_weights.{key}"), w)?;
    }
    ensure(
        c.small_denominator_pupils.is_finite() && c.small_denominator_pupils >= 0.0,
        || "composite.small_denominator_pupils must be >= 0".to_owned(),
    )?;
    let composite = CompositeSettings {
        min_available: share(&c.min_available_share)?,
        small_denominator_pupils: c.small_denominator_pupils,
        dimension_weights: weights,
    };

    let t = &file.treatment;
    positive("treatment.skew_max", t.skew_max)?;
    ensure(t.kurtosis_max.is_finite(), || {
        "treatment.kurtosis_max must be finite".to_owned()
    })?;
    probability("treatment.log_offset_share", t.log_offset_share)?;
    let treatment = TreatmentSettings {
        skew_max: t.skew_max,
        kurtosis_max: t.kurtosis_max,
        winsor_max_points: t.winsor_max_points,
        log_offset_share: t.log_offset_share,
    };

    let indicators = indicators(&file.indicator, catalogue)?;
    let bands = bands(&file.bands)?;
    let rank_intervals = rank_intervals(&file.rank_intervals)?;
    let triggers = triggers(&file.triggers)?;
    let p = &file.priority;
    let priority = PrioritySettings {
        rank_measures: measures("priority.rank_measures", &p.rank_measures, None)?,
        rank_window_quarters: p.rank_window_quarters,
    };
    ensure((1..=12).contains(&p.rank_window_quarters), || {
        "priority.rank_window_quarters must be 1 to 12".to_owned()
    })?;
    let plan = plan(&file.plan)?;
    Ok(Methodology {
        version: file.version,
        catalogue_version: catalogue.version.clone(),
        composite,
        treatment,
        indicators,
        bands,
        rank_intervals,
        triggers,
        priority,
        plan,
    })
}

fn indicators(items: &[raw::Indicator], catalogue: &Catalogue) -> Result<Vec<IndicatorSpec>> {
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let key = format!("indicator {:?}", item.code);
        ensure(seen.insert(item.code.as_str()), || format!("{key}: twice"))?;
        let def = catalogue
            .get(&item.code)
            .ok_or_else(|| fail(format!("{key}: not in the indicator catalogue")))?;
        positive(&format!("{key}: weight"), item.weight)?;
        let [lo, hi] = item.goalposts;
        ensure(lo.is_finite() && hi.is_finite() && lo < hi, || {
            format!("{key}: goalposts must be finite with lo < hi, got [{lo}, {hi}]")
        })?;
        ensure(
            !item.smooth || def.numerator.kind() == MeasureKind::Count,
            || format!("{key}: smooth needs a count numerator"),
        )?;
        let treatment = match item.treatment.as_str() {
            "auto" => TreatmentMode::Auto,
            "none" => TreatmentMode::None,
            "log" => TreatmentMode::Log,
            other => {
                return Err(fail(format!(
                    "{key}: treatment must be auto, none or log, got {other:?}"
                )));
            }
        };
        out.push(IndicatorSpec {
            code: item.code.clone(),
            dimension: def.dimension,
            direction: def.direction,
            numerator: def.numerator,
            denominator: def.denominator,
            per: def.per,
            pooled_quarters: def.pooled_quarters,
            weight: item.weight,
            goalposts: Goalposts { lo, hi },
            smooth: item.smooth,
            treatment,
        });
    }
    for (d, name) in ["harm", "vulnerability", "coping_capacity"]
        .iter()
        .enumerate()
    {
        ensure(
            out.iter().any(|i| dimension_index(i.dimension) == d),
            || format!("dimension {name} has no indicator"),
        )?;
    }
    Ok(out)
}

fn bands(b: &raw::Bands) -> Result<BandSettings> {
    let t = &b.fixed_thresholds;
    ensure(
        t.iter().all(|x| x.is_finite() && *x > 0.0 && *x < 10.0)
            && t.windows(2).all(|w| w[0] < w[1]),
        || "bands.fixed_thresholds must increase strictly inside (0, 10)".to_owned(),
    )?;
    ensure(b.fixed_labels.len() == t.len() + 1, || {
        "bands.fixed_labels needs one label more than fixed_thresholds".to_owned()
    })?;
    Ok(BandSettings {
        fixed_thresholds: t.clone(),
        fixed_labels: b.fixed_labels.clone(),
    })
}

fn rank_intervals(r: &raw::RankIntervals) -> Result<RankIntervalSettings> {
    ensure(r.draws <= 100_000, || {
        "rank_intervals.draws must be at most 100000".to_owned()
    })?;
    positive(
        "rank_intervals.weight_concentration",
        r.weight_concentration,
    )?;
    let [lo, hi] = r.percentiles;
    ensure((0.0..hi).contains(&lo) && hi <= 100.0, || {
        "rank_intervals.percentiles must satisfy 0 <= lo < hi <= 100".to_owned()
    })?;
    let normalisations = r
        .normalisations
        .iter()
        .map(|s| match s.as_str() {
            "goalposts" => Ok(Normalisation::Goalposts),
            "min_max" => Ok(Normalisation::MinMax),
            "z_score" => Ok(Normalisation::ZScore),
            other => Err(fail(format!(
                "rank_intervals.normalisations: unknown {other:?}"
            ))),
        })
        .collect::<Result<Vec<_>>>()?;
    let aggregations = r
        .aggregations
        .iter()
        .map(|s| match s.as_str() {
            "geometric" => Ok(Aggregation::Geometric),
            "arithmetic" => Ok(Aggregation::Arithmetic),
            other => Err(fail(format!(
                "rank_intervals.aggregations: unknown {other:?}"
            ))),
        })
        .collect::<Result<Vec<_>>>()?;
    ensure(
        !normalisations.is_empty() && !aggregations.is_empty(),
        || "rank_intervals needs at least one normalisation and one aggregation".to_owned(),
    )?;
    Ok(RankIntervalSettings {
        draws: r.draws,
        seed: r.seed,
        weight_concentration: r.weight_concentration,
        normalisations,
        aggregations,
        percentiles: r.percentiles,
    })
}

fn triggers(t: &raw::Triggers) -> Result<TriggerSettings> {
    probability(
        "triggers.top_quintile_percent_rank",
        t.top_quintile_percent_rank,
    )?;
    probability("triggers.exceedance_p_value", t.exceedance_p_value)?;
    ensure(
        t.backlog_region_quantile > 0.0 && t.backlog_region_quantile <= 1.0,
        || "triggers.backlog_region_quantile must lie in (0, 1]".to_owned(),
    )?;
    ensure((1..=4).contains(&t.cluster_window_quarters), || {
        "triggers.cluster_window_quarters must be 1 to 4".to_owned()
    })?;
    ensure(
        t.cluster_school_min_events >= 1
            && t.cluster_district_min_events >= 1
            && t.exceedance_min_count >= 1,
        || "triggers: minimum counts must be at least 1".to_owned(),
    )?;
    ensure(
        (1..=12).contains(&t.exceedance_baseline_quarters)
            && (1..=t.exceedance_baseline_quarters).contains(&t.exceedance_min_baseline_quarters),
        || {
            "triggers: need 1 <= exceedance_min_baseline_quarters <= exceedance_baseline_quarters <= 12".to_owned()
        },
    )?;
    ensure((1..=8).contains(&t.silence_quarters), || {
        "triggers.silence_quarters must be 1 to 8".to_owned()
    })?;
    ensure(
        t.forecast_exceedance_probability > 0.0 && t.forecast_exceedance_probability < 1.0,
        || "triggers.forecast_exceedance_probability must be in (0, 1)".to_owned(),
    )?;
    positive(
        "triggers.psych_required_class_sets",
        t.psych_required_class_sets,
    )?;
    let exceedance = measures("triggers.exceedance_measures", &t.exceedance_measures, None)?;
    ensure(
        exceedance
            .iter()
            .all(|m| m.sensitivity() != Sensitivity::S2),
        || "triggers.exceedance_measures must be S0/S1 measures".to_owned(),
    )?;
    Ok(TriggerSettings {
        top_quintile_percent_rank: t.top_quintile_percent_rank,
        s2_event_measures: measures(
            "triggers.s2_event_measures",
            &t.s2_event_measures,
            Some(Sensitivity::S2),
        )?,
        cluster_window_quarters: t.cluster_window_quarters,
        cluster_school_min_events: t.cluster_school_min_events,
        cluster_district_min_events: t.cluster_district_min_events,
        exceedance_measures: exceedance,
        exceedance_baseline_quarters: t.exceedance_baseline_quarters,
        exceedance_min_baseline_quarters: t.exceedance_min_baseline_quarters,
        exceedance_p_value: t.exceedance_p_value,
        exceedance_min_count: t.exceedance_min_count,
        psych_required_class_sets: t.psych_required_class_sets,
        psych_vacancy_max_quarters: t.psych_vacancy_max_quarters,
        backlog_region_quantile: t.backlog_region_quantile,
        silence_quarters: t.silence_quarters,
        forecast_exceedance_probability: t.forecast_exceedance_probability,
    })
}

fn plan(p: &raw::Plan) -> Result<PlanSettings> {
    ensure((1..100).contains(&p.annual_reduction_percent), || {
        "plan.annual_reduction_percent must be 1 to 99".to_owned()
    })?;
    probability("plan.confidence", p.confidence)?;
    let mut seen = HashSet::new();
    let mut series = Vec::with_capacity(p.series.len());
    for s in &p.series {
        let key = format!("plan.series {:?}", s.code);
        ensure(seen.insert(s.code.as_str()), || format!("{key}: twice"))?;
        let measure = Measure::from_column(&s.measure).map_err(|e| fail(format!("{key}: {e}")))?;
        ensure(s.baseline > 0, || format!("{key}: baseline must be > 0"))?;
        let mut targets = Vec::with_capacity(s.published_targets.len());
        for (year, &value) in &s.published_targets {
            let year: u16 = year
                .parse()
                .map_err(|_| fail(format!("{key}: target year {year:?} is not a year")))?;
            ensure(year > s.baseline_year, || {
                format!("{key}: target year {year} is not after the baseline year")
            })?;
            targets.push((year, value));
        }
        series.push(PlanSeries {
            code: s.code.clone(),
            measure,
            baseline_year: s.baseline_year,
            baseline: s.baseline,
            published_targets: targets,
        });
    }
    Ok(PlanSettings {
        annual_reduction_percent: p.annual_reduction_percent,
        confidence: p.confidence,
        series,
    })
}
