//! The Ministry's half-year summary (resolution clause 3): per region, programmes by status,
//! actions on track / delayed / overdue, budget, late and missing progress reports.

use std::collections::BTreeMap;

use riskmap_model::{Kato, Period};
use time::Date;

use crate::period::{Half, ProgrammePeriod};
use crate::programme::Programme;
use crate::progress::{self, Standing};
use crate::workflow::Status;
use crate::{Error, Result};

/// Parses a half-year `YYYY-H1` / `YYYY-H2`.
pub fn parse_half(text: &str) -> Result<ProgrammePeriod> {
    match ProgrammePeriod::parse(text) {
        Ok(half @ ProgrammePeriod::Half(..)) => Ok(half),
        _ => Err(Error::invalid(
            "half",
            format!("expected 2025-H1 or 2025-H2, got {text:?}"),
        )),
    }
}

/// One region's line of the summary.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RegionLine {
    /// Programmes by status.
    pub by_status: BTreeMap<Status, u32>,
    /// Actions by standing on the summary's day.
    pub actions: BTreeMap<Standing, u32>,
    /// Total budget of the actions, tenge.
    pub budget_tenge: u64,
    /// Progress reports of the half that came late.
    pub late_reports: u32,
    /// Progress reports of the half that were due and are missing.
    pub missing_reports: u32,
}

/// The summary: every region (those without programmes too), in KATO order.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// The half-year.
    pub half: ProgrammePeriod,
    /// The day it was computed for.
    pub today: Date,
    /// Per region.
    pub regions: BTreeMap<Kato, RegionLine>,
}

/// Summarises the programmes in force during `half` (not superseded) on `today`, for every
/// region in `regions`.
pub fn summarise(
    half: ProgrammePeriod,
    today: Date,
    regions: &[Kato],
    programmes: &[Programme],
) -> Summary {
    let quarters: Vec<Period> = half.quarters();
    let mut lines: BTreeMap<Kato, RegionLine> = regions
        .iter()
        .map(|r| (*r, RegionLine::default()))
        .collect();
    for programme in programmes
        .iter()
        .filter(|p| p.period.overlaps(half) && p.status != Status::Superseded)
    {
        let line = lines.entry(programme.region).or_default();
        add_programme(line, programme, &quarters, today);
    }
    Summary {
        half,
        today,
        regions: lines,
    }
}

fn add_programme(line: &mut RegionLine, programme: &Programme, quarters: &[Period], today: Date) {
    *line.by_status.entry(programme.status).or_default() += 1;
    line.budget_tenge = line.budget_tenge.saturating_add(programme.budget_tenge());
    if !programme.status.in_force() && programme.status != Status::Closed {
        return;
    }
    for action in &programme.actions {
        *line
            .actions
            .entry(progress::standing(programme, action, today))
            .or_default() += 1;
        let missing = progress::missing_reports(programme, action, today);
        line.missing_reports += count(missing.iter().filter(|q| quarters.contains(q)).count());
    }
    let late = programme
        .progress
        .iter()
        .filter(|r| quarters.contains(&r.quarter) && progress::is_late(r))
        .count();
    line.late_reports += count(late);
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The half-year a date falls in.
pub fn half_of(date: Date) -> ProgrammePeriod {
    let year = u16::try_from(date.year()).unwrap_or(2000);
    let half = if u8::from(date.month()) <= 6 {
        Half::H1
    } else {
        Half::H2
    };
    ProgrammePeriod::Half(year, half)
}
