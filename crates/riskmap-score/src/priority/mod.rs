//! The crisis-team hotspot list (domain §5.4): which schools first, why, and whom to call.
//!
//! * `triggers`: the eight triggers, each a pure function of hand-checkable numbers that
//!   returns its evidence when it fires;
//! * `row`: the typed row with the column groups of the §5.4 table, and the school profile it is
//!   built from;
//! * `list`: [`priority_list`], which evaluates every trigger for every school in the current
//!   quarter, keeps the schools with at least one fired trigger and orders them by the
//!   Gamma–Poisson exceedance probability of their S1 rate (district as prior), then by
//!   composite.
//!
//! **Restricted columns.** Contacts (personal data) and exact S2 counts (suicide, self-harm,
//! sexual violence) are wrapped in [`Restricted`], which implements neither `Serialize` nor
//! `Display` and prints as `Restricted(…)` in debug output. The server must unwrap them
//! explicitly after checking the caller's role (`riskmap_model::Audience::access`), e.g. show
//! exact S2 to Role C in its districts and only a band (through `SuppressionPolicy`) to Tier A.

/// The records and scores of the list's schools by school and quarter.
mod index;
/// Evaluation of all triggers and ranking into the list.
mod list;
/// Row types (§5.4 columns) and the school profile input.
pub mod row;
/// The seven triggers of domain §5.4 and the forecast exceedance.
pub mod triggers;

pub use list::{
    PriorityList, SPARKLINE_QUARTERS, priority_list, priority_list_with_forecasts,
    priority_lists_with_forecasts,
};
pub use row::{HotspotRow, SchoolProfile};
pub use triggers::{DistrictForecast, Evidence, FiredTrigger, Trigger};

use std::fmt;

use riskmap_model::{Measure, Period};

use crate::methodology::Methodology;

/// Measures the list reads from the school records itself (row columns, staffing, backlog);
/// the methodology's own measures are added by [`measures_read`].
const ROW_MEASURES: &[Measure] = &[
    Measure::PupilsTotal,
    Measure::ClassSets,
    Measure::PsychFteNorm,
    Measure::PsychFteFilled,
    Measure::PsychVacancyQuarters,
    Measure::SocpedFteNorm,
    Measure::SocpedFteFilled,
    Measure::StaffTrainedChildProtection,
    Measure::IsuOpened,
    Measure::IsuOpenEnd,
    Measure::IsuOpenOver90d,
    Measure::ViolTotal,
    Measure::ViolPhysical,
    Measure::ViolPsychological,
    Measure::ViolNeglect,
    Measure::ViolOther,
    Measure::ViolSexual,
    Measure::BullyingCases,
    Measure::CyberbullyingCases,
    Measure::SuicideDeaths,
    Measure::SuicideAttempts,
    Measure::SelfharmEpisodes,
    Measure::SuicidalRiskIdentified,
];

/// Every measure that [`crate::composite::score_periods`] and [`priority_list_with_forecasts`]
/// read under `m` (indicator numerators and denominators, trigger measures, row columns), in
/// `Measure::ALL` order: records carrying only these give the same list as full records.
pub fn measures_read(m: &Methodology) -> Vec<Measure> {
    let t = &m.triggers;
    let used: Vec<Measure> = ROW_MEASURES
        .iter()
        .copied()
        .chain(
            m.indicators
                .iter()
                .flat_map(|i| [i.numerator, i.denominator]),
        )
        .chain(t.s2_event_measures.iter().copied())
        .chain(t.exceedance_measures.iter().copied())
        .chain(m.priority.rank_measures.iter().copied())
        .collect();
    in_catalogue_order(&used)
}

/// How many quarters, ending with the list's own, [`crate::composite::score_period`] and
/// [`priority_lists_with_forecasts`] read under `m`: the longest of the indicators' pooling
/// windows, the cluster window, the exceedance baseline (the quarters before the list's),
/// the silence window and the rank window. Records of older quarters change nothing in a list
/// whose scores are those of its own quarter (the server's); the sparkline and the change from
/// the last quarter, which read other quarters' scores, are not part of the server's lists.
pub fn quarters_read(m: &Methodology) -> usize {
    let t = &m.triggers;
    let pooled = m.indicators.iter().map(|i| i.pooled_quarters);
    pooled
        .chain([
            t.cluster_window_quarters,
            t.exceedance_baseline_quarters + 1,
            t.silence_quarters,
            m.priority.rank_window_quarters,
        ])
        .max()
        .unwrap_or(1)
}

/// The measures [`crate::composite::score_period`] at the list's quarter and
/// [`priority_lists_with_forecasts`] read from a record `lag` quarters before the list's (0:
/// the list's own, which gives every row column, [`measures_read`]): an indicator's numerator
/// and denominator within its pooling window, the S2 events within the cluster window, the
/// exceedance measures over the baseline, the rank measures and pupils within the rank window;
/// in `Measure::ALL` order, and nothing past [`quarters_read`].
pub fn measures_read_at(m: &Methodology, lag: usize) -> Vec<Measure> {
    if lag == 0 {
        return measures_read(m);
    }
    let t = &m.triggers;
    let mut used = Vec::new();
    for indicator in m.indicators.iter().filter(|i| lag < i.pooled_quarters) {
        used.extend([indicator.numerator, indicator.denominator]);
    }
    if lag < t.cluster_window_quarters {
        used.extend(t.s2_event_measures.iter().copied());
    }
    if lag <= t.exceedance_baseline_quarters {
        used.extend(t.exceedance_measures.iter().copied());
    }
    if lag < m.priority.rank_window_quarters {
        used.extend(m.priority.rank_measures.iter().copied());
        used.push(Measure::PupilsTotal);
    }
    in_catalogue_order(&used)
}

/// The distinct measures of `used`, in `Measure::ALL` order.
fn in_catalogue_order(used: &[Measure]) -> Vec<Measure> {
    Measure::ALL
        .iter()
        .copied()
        .filter(|x| used.contains(x))
        .collect()
}

/// What a list at `current` reads from the store: its [`quarters_read`] quarters, grouped by
/// the measures read from them ([`measures_read_at`]), newest group first.
pub fn reads(m: &Methodology, current: Period) -> Vec<(Vec<Period>, Vec<Measure>)> {
    let mut reads: Vec<(Vec<Period>, Vec<Measure>)> = Vec::new();
    let quarters = current.trailing(quarters_read(m));
    for (lag, period) in quarters.into_iter().rev().enumerate() {
        let measures = measures_read_at(m, lag);
        match reads.last_mut() {
            Some((periods, same)) if *same == measures => periods.push(period),
            _ => reads.push((vec![period], measures)),
        }
    }
    reads
}

/// A value only some roles may see (contacts, exact S2 counts).
///
/// # Examples
///
/// ```
/// use riskmap_score::priority::Restricted;
///
/// let s2 = Restricted::new(3u32);
/// assert_eq!(format!("{s2:?}"), "Restricted(…)"); // never leaks into logs
/// assert_eq!(*s2.reveal(), 3); // the server calls this after its role check
/// ```
#[derive(Clone, PartialEq)]
pub struct Restricted<T>(T);

impl<T> Restricted<T> {
    /// Wraps a restricted value.
    pub fn new(value: T) -> Self {
        Self(value)
    }

    /// The value, for a caller whose role may see it.
    pub fn reveal(&self) -> &T {
        &self.0
    }

    /// The value, consuming the wrapper.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> fmt::Debug for Restricted<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Restricted(…)")
    }
}
