//! The records and scores a list reads, placed by school and quarter once: a slot per listed
//! school (the first profile of an id; profiles sharing an id share its slot) and per quarter of
//! the window the list looks back over, so that each trigger's look-up is an array index
//! instead of a hash of the school id and quarter. A duplicated (school, quarter) record is an
//! error wherever it is, inside the window or not, as it always was.

use std::collections::{HashMap, HashSet};

use riskmap_model::{MeasureValues, Period};

use super::row::SchoolProfile;
use crate::composite::{PeriodScores, UnitPeriodInput, UnitScore};
use crate::error::{Error, Result};

/// Records and scores by (profile, quarter) for the `span` quarters ending with the list's.
pub(super) struct ListIndex<'a> {
    current: Period,
    span: usize,
    /// The slot of each profile (its id's first profile).
    slot_of: Vec<usize>,
    /// `records[slot * span + lag]`: the record `lag` quarters before the list's.
    records: Vec<Option<&'a UnitPeriodInput>>,
    /// `scores[slot * span + lag]`: the school's score `lag` quarters before the list's.
    scores: Vec<Option<&'a UnitScore>>,
}

impl<'a> ListIndex<'a> {
    /// Places `records` and `scores` of the `span` quarters ending with `current`; errors on a
    /// duplicated (school, quarter) record.
    pub(super) fn new(
        current: Period,
        span: usize,
        profiles: &'a [SchoolProfile],
        records: &'a [UnitPeriodInput],
        scores: &'a [PeriodScores],
    ) -> Result<Self> {
        let mut slots: HashMap<&str, usize> = HashMap::with_capacity(profiles.len());
        let slot_of = profiles
            .iter()
            .map(|p| {
                let next = slots.len();
                *slots.entry(p.identity.nobd_org_id.as_str()).or_insert(next)
            })
            .collect();
        let mut index = Self {
            current,
            span,
            slot_of,
            records: vec![None; slots.len() * span],
            scores: vec![None; slots.len() * span],
        };
        index.place_records(&slots, records)?;
        index.place_scores(&slots, scores);
        Ok(index)
    }

    fn place_records(
        &mut self,
        slots: &HashMap<&str, usize>,
        records: &'a [UnitPeriodInput],
    ) -> Result<()> {
        // Records no slot holds (other schools, other quarters) are only checked for duplicates.
        let mut elsewhere: HashSet<(&str, Period)> = HashSet::new();
        for r in records {
            let placed = match self.cell(slots.get(r.unit.as_str()).copied(), r.period) {
                Some(cell) => self.records[cell].replace(r).is_none(),
                None => elsewhere.insert((r.unit.as_str(), r.period)),
            };
            if !placed {
                return Err(Error::InvalidParameter {
                    name: "records",
                    reason: format!("school {} has two rows for {}", r.unit, r.period),
                });
            }
        }
        Ok(())
    }

    /// As maps from quarter to unit to score would keep them: of a quarter scored twice the
    /// last scoring, of a unit scored twice in it the last score.
    fn place_scores(&mut self, slots: &HashMap<&str, usize>, scores: &'a [PeriodScores]) {
        let mut placed: HashSet<Period> = HashSet::new();
        for period in scores.iter().rev() {
            if !placed.insert(period.period) {
                continue;
            }
            for unit in &period.units {
                let slot = slots.get(unit.unit.as_str()).copied();
                if let Some(cell) = self.cell(slot, period.period) {
                    self.scores[cell] = Some(unit);
                }
            }
        }
    }

    /// The cell of `slot` at `period`, when both are placed.
    fn cell(&self, slot: Option<usize>, period: Period) -> Option<usize> {
        let lag = quarters_between(period, self.current)?;
        (lag < self.span).then_some(slot? * self.span + lag)
    }

    /// The record of the profile at position `profile` in quarter `period`.
    pub(super) fn record(&self, profile: usize, period: Period) -> Option<&'a UnitPeriodInput> {
        let cell = self.cell(Some(self.slot_of[profile]), period)?;
        self.records[cell]
    }

    /// The measures of that record.
    pub(super) fn values(&self, profile: usize, period: Period) -> Option<&'a MeasureValues> {
        self.record(profile, period).map(|r| &r.measures)
    }

    /// The score of the profile at position `profile` in quarter `period`.
    pub(super) fn score(&self, profile: usize, period: Period) -> Option<&'a UnitScore> {
        let cell = self.cell(Some(self.slot_of[profile]), period)?;
        self.scores[cell]
    }
}

/// How many quarters `earlier` is before `later` (`None` when it is after).
fn quarters_between(earlier: Period, later: Period) -> Option<usize> {
    let ordinal = |p: Period| i64::from(p.year()) * 4 + i64::from(p.quarter());
    usize::try_from(ordinal(later) - ordinal(earlier)).ok()
}
