//! Progress reports under the plan's rhythm: each action reports every quarter of the
//! programme it is active in, by the 10th of the month after the quarter; a report after that
//! day is late, a missing one is overdue; an action past its due date and not done is overdue.

use riskmap_model::Period;
use time::Date;

use crate::programme::{Action, Programme, ProgressReport, ProgressStatus, parse_date};

/// The day a report on `quarter` is due: the 10th of the month after the quarter.
pub fn due_date(quarter: Period) -> Date {
    quarter.due_date()
}

/// True when the report came after its due date.
pub fn is_late(report: &ProgressReport) -> bool {
    report.submitted_on > due_date(report.quarter)
}

/// The quarters of the programme in which `action` runs (its start to its due date).
pub fn active_quarters(programme: &Programme, action: &Action) -> Vec<Period> {
    let start = parse_date("start", &action.fields.start).ok();
    let due = parse_date("due", &action.fields.due).ok();
    programme
        .period
        .quarters()
        .into_iter()
        .filter(|q| {
            start.is_none_or(|s| s <= q.end_date()) && due.is_none_or(|d| d >= q.start_date())
        })
        .collect()
}

/// The quarters whose report on `action` was due by `today` and is missing.
pub fn missing_reports(programme: &Programme, action: &Action, today: Date) -> Vec<Period> {
    active_quarters(programme, action)
        .into_iter()
        .filter(|q| due_date(*q) < today)
        .filter(|q| {
            !programme
                .progress
                .iter()
                .any(|r| r.action_id == action.id && r.quarter == *q)
        })
        .collect()
}

/// The latest report on `action`, by quarter.
pub fn latest(programme: &Programme, action_id: i64) -> Option<&ProgressReport> {
    programme
        .progress
        .iter()
        .filter(|r| r.action_id == action_id)
        .max_by_key(|r| r.quarter)
}

/// Where an action stands on `today`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Standing {
    /// No report yet and nothing due.
    NotStarted,
    /// Latest report on track (or not started) and nothing overdue.
    OnTrack,
    /// Latest report says delayed.
    Delayed,
    /// Past its due date and not done, or a due report is missing.
    Overdue,
    /// Done.
    Done,
    /// Cancelled.
    Cancelled,
}

impl Standing {
    /// The snake-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Standing::NotStarted => "not_started",
            Standing::OnTrack => "on_track",
            Standing::Delayed => "delayed",
            Standing::Overdue => "overdue",
            Standing::Done => "done",
            Standing::Cancelled => "cancelled",
        }
    }
}

/// Where `action` stands on `today`: done and cancelled as reported; otherwise overdue when
/// its due date has passed or a due report is missing, else the latest report's status.
pub fn standing(programme: &Programme, action: &Action, today: Date) -> Standing {
    let last = latest(programme, action.id).map(|r| r.status);
    match last {
        Some(ProgressStatus::Done) => return Standing::Done,
        Some(ProgressStatus::Cancelled) => return Standing::Cancelled,
        _ => {}
    }
    let past_due = parse_date("due", &action.fields.due).is_ok_and(|d| d < today);
    if past_due || !missing_reports(programme, action, today).is_empty() {
        return Standing::Overdue;
    }
    match last {
        Some(ProgressStatus::Delayed) => Standing::Delayed,
        Some(ProgressStatus::OnTrack | ProgressStatus::NotStarted) => Standing::OnTrack,
        _ => Standing::NotStarted,
    }
}
