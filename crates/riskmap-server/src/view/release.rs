//! The published release (`docs/disclosure.md`): what the public — and every role outside
//! its own scope — may read of the sensitive (S1, S2) indicators. Built once per data
//! version from the stored sums, before any request reads it:
//!
//! 1. **Fixed periods.** Complete calendar years only (all four quarters in the store); no
//!    rolling windows and no quarters, so no two published periods overlap and nothing can
//!    be recovered by differencing periods.
//! 2. **Primary control** by the `Discloser` for the public: counts 1–9 → `c`, S2 counts
//!    rounded to 5, S1/S2 at region and country level only.
//! 3. **Joint secondary suppression** of each published margin (the 20 regions and the
//!    country, per protected measure and year) against any insider of one region
//!    (`riskmap_model::protection`).
//! 4. **Rates from the protected counts** (`Discloser::rate_of_published`): a rate
//!    never tells more than its count; a count used as a denominator is protected too.
//! 5. **Smoothing, ranks and the composite from the protected values only**: the units whose
//!    count is withheld take no part, so no derived value depends on a withheld count.

use std::collections::{BTreeMap, HashMap};

use super::discloser::{Cell, Discloser};
use riskmap_model::protection::{Margin, protect_margin};
use riskmap_model::{
    AdminLevel, Audience, Catalogue, Disclosed, Indicator, Kato, Measure, MeasureKind, Period,
    Sensitivity,
};
use riskmap_score::composite::{Pooled, PooledUnit, UnitScore, score_pooled};
use riskmap_score::methodology::Methodology;
use riskmap_score::sibling_stats::{Derived, derive};

use super::sums::{LevelSums, whole};

/// The country's code in the store's country-level sums.
pub const COUNTRY: &str = "000000000";

/// The release of every complete calendar year.
#[derive(Debug, Default)]
pub struct Release {
    years: BTreeMap<u16, ReleaseYear>,
}

/// One calendar year of the release.
#[derive(Debug)]
pub struct ReleaseYear {
    /// The year.
    pub year: u16,
    /// The country.
    pub country: ReleasedUnit,
    /// Each region.
    pub regions: HashMap<Kato, ReleasedUnit>,
}

/// One unit of the release.
#[derive(Debug, Default)]
pub struct ReleasedUnit {
    /// Protected counts of the year by measure.
    pub counts: HashMap<Measure, Disclosed<u64>>,
    /// Per catalogue indicator (catalogue order): the published value; `None` for S0
    /// indicators, which are not part of the release (they are published as they are).
    pub indicators: Vec<Option<ReleasedIndicator>>,
    /// Per catalogue indicator: smoothing and ranks among the regions (country: none).
    pub derived: Vec<Derived>,
    /// The composite scored from the release (regions only).
    pub composite: Option<UnitScore>,
}

/// One published indicator value.
#[derive(Debug, Clone, Copy)]
pub struct ReleasedIndicator {
    /// The value (a rate from the protected count).
    pub value: Disclosed<f64>,
    /// The protected numerator.
    pub numerator: Disclosed<u64>,
    /// The denominator per pooled quarter (pupil-years for rates), as published.
    pub exposure: f64,
}

impl Release {
    /// The release of every complete calendar year in `available`.
    pub fn build(inputs: &ReleaseInputs<'_>) -> Self {
        let years = complete_years(inputs.available)
            .into_iter()
            .map(|year| (year, build_year(inputs, year)))
            .collect();
        Self { years }
    }

    /// The release of `year`, when it is complete.
    pub fn year(&self, year: u16) -> Option<&ReleaseYear> {
        self.years.get(&year)
    }

    /// The latest complete year whose last quarter is not after `period`: what an
    /// out-of-scope reader sees for a request about `period`.
    pub fn year_for(&self, period: Period) -> Option<u16> {
        self.years
            .keys()
            .rev()
            .copied()
            .find(|&year| year < period.year() || period.quarter() == 4 && year == period.year())
    }

    /// Every released year, oldest first.
    pub fn years(&self) -> impl Iterator<Item = &ReleaseYear> {
        self.years.values()
    }
}

/// What the release is built from.
#[derive(Debug)]
pub struct ReleaseInputs<'a> {
    /// The indicator catalogue.
    pub catalogue: &'a Catalogue,
    /// The methodology of the composite.
    pub methodology: &'a Methodology,
    /// The view layer's discloser: every number of the output is published through it.
    pub discloser: &'a super::Discloser,
    /// The regions, in geography order.
    pub regions: &'a [Kato],
    /// Sums by region.
    pub region_sums: &'a LevelSums,
    /// Sums of the country (unit [`COUNTRY`]).
    pub country_sums: &'a LevelSums,
    /// Quarters with data.
    pub available: &'a [Period],
}

/// Calendar years with all four quarters in `available`, oldest first.
pub fn complete_years(available: &[Period]) -> Vec<u16> {
    let mut years: Vec<u16> = available.iter().map(|p| p.year()).collect();
    years.dedup();
    years
        .into_iter()
        .filter(|&y| available.iter().filter(|p| p.year() == y).count() == 4)
        .collect()
}

/// The four quarters of `year`.
pub fn quarters_of(year: u16) -> Vec<Period> {
    (1..=4).filter_map(|q| Period::new(year, q).ok()).collect()
}

/// The measures whose yearly counts are released: the numerators of the S1/S2 indicators
/// and their count denominators of class S1/S2.
pub fn protected_measures(catalogue: &Catalogue) -> Vec<Measure> {
    let mut measures = Vec::new();
    for indicator in catalogue.indicators.iter().filter(|i| is_released(i)) {
        for measure in [indicator.numerator, indicator.denominator] {
            if measure.kind() == MeasureKind::Count
                && measure.sensitivity() != Sensitivity::S0
                && !measures.contains(&measure)
            {
                measures.push(measure);
            }
        }
    }
    measures
}

/// Whether an indicator is released (S1 and S2; S0 is published as it is).
pub fn is_released(indicator: &Indicator) -> bool {
    indicator.sensitivity != Sensitivity::S0
}

fn build_year(inputs: &ReleaseInputs<'_>, year: u16) -> ReleaseYear {
    let quarters = quarters_of(year);
    let country = Kato::parse(COUNTRY).expect("literal code");
    let mut regions: HashMap<Kato, ReleasedUnit> = inputs
        .regions
        .iter()
        .map(|k| (*k, ReleasedUnit::default()))
        .collect();
    let mut national = ReleasedUnit::default();
    for measure in protected_measures(inputs.catalogue) {
        let (cells, total) = protected_margin(inputs, measure, &quarters, &country);
        for (kato, cell) in inputs.regions.iter().zip(cells) {
            if let Some(unit) = regions.get_mut(kato) {
                unit.counts.insert(measure, cell);
            }
        }
        national.counts.insert(measure, total);
    }
    for (kato, unit) in &mut regions {
        unit.indicators = released_indicators(inputs, unit, inputs.region_sums, kato, &quarters);
    }
    national.indicators =
        released_indicators(inputs, &national, inputs.country_sums, &country, &quarters);
    national.derived = vec![Derived::default(); inputs.catalogue.indicators.len()];
    derive_among_regions(inputs, &mut regions);
    score_regions(inputs, &mut regions, year, &quarters);
    ReleaseYear {
        year,
        country: national,
        regions,
    }
}

/// One measure's margin for one year: the regions' cells and the country's, after primary
/// and joint secondary control.
fn protected_margin(
    inputs: &ReleaseInputs<'_>,
    measure: Measure,
    quarters: &[Period],
    country: &Kato,
) -> (Vec<Disclosed<u64>>, Disclosed<u64>) {
    let discloser = inputs.discloser;
    let publish = |raw: Option<f64>, level: AdminLevel, unit: &Kato| {
        discloser.count_or_missing(
            raw.map(whole),
            &Cell {
                sensitivity: measure.sensitivity(),
                level,
                unit,
                audience: &Audience::Public,
            },
        )
    };
    let raw_cells: Vec<Option<f64>> = inputs
        .regions
        .iter()
        .map(|k| inputs.region_sums.total(k, measure, quarters))
        .collect();
    let raw: Vec<u64> = raw_cells.iter().map(|v| v.map_or(0, whole)).collect();
    let mut cells: Vec<Disclosed<u64>> = inputs
        .regions
        .iter()
        .zip(&raw_cells)
        .map(|(k, v)| publish(*v, AdminLevel::Region, k))
        .collect();
    let raw_total = inputs.country_sums.total(country, measure, quarters);
    let mut total = publish(raw_total, AdminLevel::Country, country);
    protect_margin(
        Margin {
            cells: &mut cells,
            raw: &raw,
            total: &mut total,
        },
        discloser.margin_rounding(measure.sensitivity()),
    );
    (cells, total)
}

/// The released value of every catalogue indicator of one unit (`None` for S0).
fn released_indicators(
    inputs: &ReleaseInputs<'_>,
    unit: &ReleasedUnit,
    sums: &LevelSums,
    kato: &Kato,
    quarters: &[Period],
) -> Vec<Option<ReleasedIndicator>> {
    inputs
        .catalogue
        .indicators
        .iter()
        .map(|indicator| {
            if !is_released(indicator) {
                return None;
            }
            let numerator = unit
                .counts
                .get(&indicator.numerator)
                .copied()
                .unwrap_or_else(Discloser::missing);
            let denominator = match unit.counts.get(&indicator.denominator) {
                Some(published) => published.value().map(|v| v as f64),
                None => sums.total(kato, indicator.denominator, quarters),
            };
            #[allow(clippy::cast_precision_loss, reason = "a handful of quarters")]
            let exposure = denominator.unwrap_or(0.0) / indicator.pooled_quarters as f64;
            let value = match denominator {
                Some(_) => inputs
                    .discloser
                    .rate_of_published(numerator, exposure, indicator.per),
                None if unit.counts.contains_key(&indicator.denominator) => Discloser::withheld(),
                None => Discloser::missing(),
            };
            Some(ReleasedIndicator {
                value,
                numerator,
                exposure,
            })
        })
        .collect()
}

/// Smoothed values, bands and ranks of each released indicator among the regions whose
/// value is published.
fn derive_among_regions(inputs: &ReleaseInputs<'_>, regions: &mut HashMap<Kato, ReleasedUnit>) {
    let count = inputs.catalogue.indicators.len();
    for unit in regions.values_mut() {
        unit.derived = vec![Derived::default(); count];
    }
    for (k, indicator) in inputs.catalogue.indicators.iter().enumerate() {
        let shown: Vec<(f64, f64, bool)> = inputs
            .regions
            .iter()
            .map(|kato| {
                let released = regions.get(kato).and_then(|u| u.indicators[k]);
                match released {
                    Some(r) if Discloser::published(&r.value) => {
                        #[allow(clippy::cast_precision_loss, reason = "counts fit f64")]
                        let events = r.numerator.value().unwrap_or(0) as f64;
                        (events, r.exposure, true)
                    }
                    _ => (0.0, 0.0, false),
                }
            })
            .collect();
        let events: Vec<f64> = shown.iter().map(|s| s.0).collect();
        let exposure: Vec<f64> = shown.iter().map(|s| s.1).collect();
        let visible: Vec<bool> = shown.iter().map(|s| s.2).collect();
        let derived = derive(indicator, &events, &exposure, &visible);
        for (kato, d) in inputs.regions.iter().zip(derived) {
            if let Some(unit) = regions.get_mut(kato) {
                unit.derived[k] = d;
            }
        }
    }
}

/// The composite of each region, scored from the released counts (withheld ones take no
/// part) and the S0 indicators as they are published.
fn score_regions(
    inputs: &ReleaseInputs<'_>,
    regions: &mut HashMap<Kato, ReleasedUnit>,
    year: u16,
    quarters: &[Period],
) {
    let m = inputs.methodology;
    let units: Vec<PooledUnit> = inputs
        .regions
        .iter()
        .map(|kato| {
            let released = regions.get(kato);
            let pooled = m
                .indicators
                .iter()
                .map(|spec| {
                    let index = inputs
                        .catalogue
                        .indicators
                        .iter()
                        .position(|i| i.code == spec.code)?;
                    let indicator = &inputs.catalogue.indicators[index];
                    if is_released(indicator) {
                        let r = released.and_then(|u| u.indicators[index])?;
                        r.value.value()?;
                        #[allow(clippy::cast_precision_loss, reason = "counts fit f64")]
                        let events = r.numerator.value()? as f64;
                        #[allow(clippy::cast_precision_loss, reason = "a handful of quarters")]
                        let population = r.exposure * indicator.pooled_quarters as f64;
                        Some(Pooled { events, population })
                    } else {
                        Some(Pooled {
                            events: inputs.region_sums.total(kato, spec.numerator, quarters)?,
                            population: inputs.region_sums.total(
                                kato,
                                spec.denominator,
                                quarters,
                            )?,
                        })
                    }
                })
                .collect();
            let pupils = inputs
                .region_sums
                .quarter(kato, quarters[quarters.len() - 1])
                .and_then(|q| q.sums.get(Measure::PupilsTotal));
            PooledUnit {
                unit: kato.to_string(),
                region: kato.to_string(),
                pooled,
                small_denominator: pupils.is_none_or(|p| p < m.composite.small_denominator_pupils),
                quarters_reported: quarters
                    .iter()
                    .filter(|q| inputs.region_sums.quarter(kato, **q).is_some())
                    .count(),
            }
        })
        .collect();
    let Some(last) = quarters.last().copied() else {
        return;
    };
    let Ok(scores) = score_pooled(m, last, &units) else {
        tracing::warn!(year, "release: the composite could not be scored");
        return;
    };
    for score in scores.units {
        if let Ok(kato) = Kato::parse(&score.unit)
            && let Some(unit) = regions.get_mut(&kato)
        {
            unit.composite = Some(score);
        }
    }
}
