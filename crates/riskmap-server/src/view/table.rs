//! The disclosed unit table: every unit of one level (the country, the 20 regions or the 224
//! districts) with every catalogue indicator and the composite, as one reader may see them
//! for one quarter. Every collection, tile, profile, comparison and export of regions and
//! districts reads its numbers from this one table, so the same unit reads the same in every
//! format.
//!
//! Per unit, by scope (`Audience::in_scope`):
//! - **inside** the reader's scope: the exact rolling year ending with the quarter and each
//!   of its quarters, disclosed by the `Discloser` (exact, or bands of S2 for akimats'
//!   schools), and the composite scored from the exact sums;
//! - **outside**: the published release (`release.rs`) — the latest complete calendar year
//!   not after the quarter, no quarters — for S1 and S2; S0 indicators as the public sees
//!   them; the composite of the release for regions, none for districts.
//!
//! Smoothed values, bands and ranks are then derived among each unit's siblings (the regions;
//! the districts of one region) from the numbers the table shows, and only from those.

use std::collections::HashMap;

use riskmap_model::{AdminLevel, Audience, Catalogue, Disclosed, Kato, Period};
use riskmap_score::composite::UnitScore;
use riskmap_score::sibling_stats::{Derived, derive};

use super::composite::{DisclosedComposite, LevelScores, disclose};
use super::discloser::Discloser;
use super::indicator::{Reader, disclose_values};
use super::release::{Release, ReleasedIndicator, ReleasedUnit, is_released};
use super::sums::{LevelSums, whole};

/// One indicator of one unit as one reader may see it.
#[derive(Debug, Clone)]
pub struct ShownIndicator {
    /// The value (rolling year inside the scope; calendar year of the release outside).
    pub value: Disclosed<f64>,
    /// The numerator count.
    pub numerator: Disclosed<u64>,
    /// Each quarter of the rolling year (withheld outside the scope for S1 and S2).
    pub quarters: Vec<(Period, Disclosed<f64>)>,
    /// The calendar year of a released value; `None` for the rolling year.
    pub year: Option<u16>,
    /// Smoothing and ranks among the siblings, from the shown values.
    pub derived: Derived,
    /// The shown numerator and exposure, for the derived values (`None`: not visible).
    pub(crate) shown: Option<(f64, f64)>,
}

/// One driver of a composite: an indicator and its points.
#[derive(Debug, Clone)]
pub struct ShownDriver {
    /// Indicator code.
    pub code: String,
    /// Its 0–10 score.
    pub score: f64,
    /// Its points in the composite.
    pub contribution: f64,
    /// At or above the 90th percentile nationally.
    pub flag: bool,
}

/// A unit's composite as one reader may see it.
#[derive(Debug, Clone)]
pub struct ShownComposite {
    /// Score, dimensions, band, rank, availability.
    pub disclosed: DisclosedComposite,
    /// The top drivers whose own indicator is visible.
    pub drivers: Vec<ShownDriver>,
    /// The calendar year of the release, when the composite comes from it.
    pub year: Option<u16>,
}

/// One unit of the table.
#[derive(Debug, Clone)]
pub struct ShownUnit {
    /// The unit.
    pub kato: Kato,
    /// Its region, for districts.
    pub parent: Option<Kato>,
    /// Whether the reader sees it from inside its scope.
    pub in_scope: bool,
    /// Catalogue order.
    pub indicators: Vec<ShownIndicator>,
    /// The composite.
    pub composite: ShownComposite,
    /// Schools whose record for the quarter was summed.
    pub schools_reporting: u64,
}

/// Every unit of one level for one reader and quarter.
#[derive(Debug)]
pub struct UnitTable {
    /// The level.
    pub level: AdminLevel,
    /// The quarter (`None`: no data yet).
    pub period: Option<Period>,
    /// The quarters of the rolling year ending with it.
    pub rolling_year: Vec<Period>,
    /// The year of released values, when any unit shows one.
    pub public_year: Option<u16>,
    /// The units, in geography order.
    pub units: Vec<ShownUnit>,
    index: HashMap<Kato, usize>,
}

impl UnitTable {
    /// The row of `kato`.
    pub fn unit(&self, kato: &Kato) -> Option<&ShownUnit> {
        self.index.get(kato).map(|&i| &self.units[i])
    }
}

/// Everything a table is built from.
#[derive(Debug)]
pub struct TableInputs<'a> {
    /// The catalogue.
    pub catalogue: &'a Catalogue,
    /// The view layer's discloser: every number of the output is published through it.
    pub discloser: &'a super::Discloser,
    /// The reader.
    pub audience: &'a Audience,
    /// The level.
    pub level: AdminLevel,
    /// Units of the level with their parent region (districts), geography order.
    pub units: &'a [(Kato, Option<Kato>)],
    /// The quarter.
    pub period: Option<Period>,
    /// The level's stored sums.
    pub sums: &'a LevelSums,
    /// The release.
    pub release: &'a Release,
    /// Exact composite scores of the level (regions and districts).
    pub scores: Option<&'a LevelScores>,
}

/// Builds the table.
pub fn build(inputs: &TableInputs<'_>) -> UnitTable {
    let rolling_year = inputs.period.map(|p| p.trailing(4)).unwrap_or_default();
    let public_year = inputs.period.and_then(|p| inputs.release.year_for(p));
    let mut units: Vec<ShownUnit> = inputs
        .units
        .iter()
        .map(|(kato, parent)| shown_unit(inputs, *kato, *parent, &rolling_year, public_year))
        .collect();
    derive_among_siblings(inputs.catalogue, &mut units);
    let any_released = units.iter().any(|u| !u.in_scope);
    let index = units.iter().enumerate().map(|(i, u)| (u.kato, i)).collect();
    UnitTable {
        level: inputs.level,
        period: inputs.period,
        rolling_year,
        public_year: public_year.filter(|_| any_released),
        units,
        index,
    }
}

fn shown_unit(
    inputs: &TableInputs<'_>,
    kato: Kato,
    parent: Option<Kato>,
    rolling_year: &[Period],
    public_year: Option<u16>,
) -> ShownUnit {
    let in_scope = inputs.audience.in_scope(inputs.level, &kato);
    let released = released_unit(inputs, &kato, public_year);
    let quarters = inputs.sums.unit(&kato);
    let reader = Reader {
        discloser: inputs.discloser,
        audience: inputs.audience,
        level: inputs.level,
        unit: &kato,
    };
    let indicators: Vec<ShownIndicator> = inputs
        .catalogue
        .indicators
        .iter()
        .enumerate()
        .map(|(k, indicator)| {
            if in_scope || !is_released(indicator) {
                return exact_indicator(indicator, &quarters, rolling_year, reader, inputs.sums);
            }
            released_indicator(released.map(|u| u.indicators[k]), public_year, rolling_year)
        })
        .collect();
    let composite = shown_composite(inputs, &kato, in_scope, released, public_year, &indicators);
    ShownUnit {
        kato,
        parent,
        in_scope,
        indicators,
        composite,
        schools_reporting: inputs
            .period
            .and_then(|p| inputs.sums.quarter(&kato, p))
            .map_or(0, |q| q.records),
    }
}

/// The release's unit for `kato` at this level: the country or a region; `None` for
/// districts, whose sensitive values are never released.
fn released_unit<'a>(
    inputs: &'a TableInputs<'_>,
    kato: &Kato,
    year: Option<u16>,
) -> Option<&'a ReleasedUnit> {
    let year = inputs.release.year(year?)?;
    match inputs.level {
        AdminLevel::Country => Some(&year.country),
        AdminLevel::Region => year.regions.get(kato),
        AdminLevel::District | AdminLevel::School => None,
    }
}

fn exact_indicator(
    indicator: &riskmap_model::Indicator,
    quarters: &[(Period, &riskmap_model::MeasureValues)],
    rolling_year: &[Period],
    reader: Reader<'_>,
    sums: &LevelSums,
) -> ShownIndicator {
    let year = disclose_values(indicator, quarters, rolling_year, reader);
    let per_quarter = rolling_year
        .iter()
        .map(|q| {
            let value = disclose_values(indicator, quarters, std::slice::from_ref(q), reader).value;
            (*q, value)
        })
        .collect();
    let shown = year.value.value().map(|_| {
        let events = sums
            .total(reader.unit, indicator.numerator, rolling_year)
            .unwrap_or(0.0);
        #[allow(clippy::cast_precision_loss, reason = "a handful of quarters")]
        let exposure = sums
            .total(reader.unit, indicator.denominator, rolling_year)
            .unwrap_or(0.0)
            / indicator.pooled_quarters as f64;
        #[allow(clippy::cast_precision_loss, reason = "counts fit f64")]
        let events = whole(events) as f64;
        (events, exposure)
    });
    ShownIndicator {
        value: year.value,
        numerator: year.numerator,
        quarters: per_quarter,
        year: None,
        derived: Derived::default(),
        shown,
    }
}

fn released_indicator(
    released: Option<Option<ReleasedIndicator>>,
    year: Option<u16>,
    rolling_year: &[Period],
) -> ShownIndicator {
    let withheld: Vec<(Period, Disclosed<f64>)> = rolling_year
        .iter()
        .map(|q| (*q, Discloser::withheld()))
        .collect();
    let Some(Some(r)) = released else {
        // Districts (never released) are withheld; with no complete year, nothing exists.
        let (value, numerator) = if year.is_some() {
            (Discloser::withheld(), Discloser::withheld())
        } else {
            (Discloser::missing(), Discloser::missing())
        };
        return ShownIndicator {
            value,
            numerator,
            quarters: withheld,
            year,
            derived: Derived::default(),
            shown: None,
        };
    };
    #[allow(clippy::cast_precision_loss, reason = "counts fit f64")]
    let shown = r
        .value
        .value()
        .and_then(|_| r.numerator.value().map(|n| (n as f64, r.exposure)));
    ShownIndicator {
        value: r.value,
        numerator: r.numerator,
        quarters: withheld,
        year,
        derived: Derived::default(),
        shown,
    }
}

fn shown_composite(
    inputs: &TableInputs<'_>,
    kato: &Kato,
    in_scope: bool,
    released: Option<&ReleasedUnit>,
    public_year: Option<u16>,
    indicators: &[ShownIndicator],
) -> ShownComposite {
    let (score, audience, year): (Option<&UnitScore>, &Audience, Option<u16>) = if in_scope {
        let score = inputs
            .scores
            .zip(inputs.period)
            .and_then(|(scores, p)| scores.unit(p, kato));
        (score, inputs.audience, None)
    } else {
        let score = released.and_then(|u| u.composite.as_ref());
        (score, &Audience::Public, public_year)
    };
    let disclosed = disclose(score, inputs.discloser, audience, inputs.level, kato);
    let visible_codes: Vec<&str> = inputs
        .catalogue
        .indicators
        .iter()
        .zip(indicators)
        .filter(|(_, shown)| Discloser::published(&shown.value))
        .map(|(i, _)| i.code.as_str())
        .collect();
    let drivers = match score {
        Some(s) if Discloser::published(&disclosed.score) => s
            .drivers
            .iter()
            .filter(|d| visible_codes.contains(&d.code.as_str()))
            .map(|d| ShownDriver {
                code: d.code.clone(),
                score: (d.score * 100.0).round() / 100.0,
                contribution: (d.contribution * 100.0).round() / 100.0,
                flag: d.flag,
            })
            .collect(),
        _ => Vec::new(),
    };
    ShownComposite {
        disclosed,
        drivers,
        year: year.filter(|_| score.is_some()),
    }
}

/// Smoothing and ranks of each indicator among siblings (units with the same parent), from
/// the numbers the table shows.
fn derive_among_siblings(catalogue: &Catalogue, units: &mut [ShownUnit]) {
    let mut groups: HashMap<Option<Kato>, Vec<usize>> = HashMap::new();
    for (i, unit) in units.iter().enumerate() {
        groups.entry(unit.parent).or_default().push(i);
    }
    for members in groups.values() {
        for (k, indicator) in catalogue.indicators.iter().enumerate() {
            let shown: Vec<Option<(f64, f64)>> = members
                .iter()
                .map(|&i| units[i].indicators[k].shown)
                .collect();
            let events: Vec<f64> = shown.iter().map(|s| s.map_or(0.0, |s| s.0)).collect();
            let exposure: Vec<f64> = shown.iter().map(|s| s.map_or(0.0, |s| s.1)).collect();
            let visible: Vec<bool> = shown.iter().map(Option::is_some).collect();
            let derived = derive(indicator, &events, &exposure, &visible);
            for (&i, d) in members.iter().zip(derived) {
                units[i].indicators[k].derived = d;
            }
        }
    }
}
