//! The objects of a programme: the programme itself, its problems (units with a frozen
//! snapshot of what the map showed), its actions and their quarterly progress reports.

use riskmap_model::{Frozen, Kato, Period};
use serde::{Deserialize, Serialize};
use time::Date;
use time::macros::format_description;

use crate::catalogue::Catalogue;
use crate::period::ProgrammePeriod;
use crate::workflow::Status;
use crate::{Error, Result};

/// Longest free text accepted in a field (titles, names, comments).
pub const MAX_TEXT: usize = 2000;

/// Largest budget accepted for one action, in tenge (10 trillion).
pub const MAX_BUDGET_TENGE: u64 = 10_000_000_000_000;

/// A crisis-management programme of one region.
#[derive(Debug, Clone, PartialEq)]
pub struct Programme {
    /// Its id.
    pub id: i64,
    /// The region (`AB0000000`).
    pub region: Kato,
    /// The period it covers.
    pub period: ProgrammePeriod,
    /// Its title.
    pub title: String,
    /// Its workflow status.
    pub status: Status,
    /// Its version: raised by every change (the `ETag`).
    pub version: i64,
    /// The data version its first snapshot was taken at.
    pub data_version: i64,
    /// The methodology version of the priority list it was built from.
    pub methodology_version: String,
    /// The programme this one amends, if it is an amendment.
    pub amends: Option<i64>,
    /// Its problems.
    pub problems: Vec<Problem>,
    /// Its actions.
    pub actions: Vec<Action>,
    /// Progress reports on its actions.
    pub progress: Vec<ProgressReport>,
}

/// The content an approval locks: title, problems and actions.
#[derive(Debug, Clone, PartialEq)]
pub struct Content {
    /// The title.
    pub title: String,
    /// The problems.
    pub problems: Vec<Problem>,
    /// The actions.
    pub actions: Vec<Action>,
}

impl Programme {
    /// The content an approval locks.
    pub fn content(&self) -> Content {
        Content {
            title: self.title.clone(),
            problems: self.problems.clone(),
            actions: self.actions.clone(),
        }
    }

    /// The problem `id`.
    pub fn problem(&self, id: i64) -> Result<&Problem> {
        self.problems
            .iter()
            .find(|p| p.id == id)
            .ok_or(Error::NotFound {
                what: "problem",
                id,
            })
    }

    /// The action `id`.
    pub fn action(&self, id: i64) -> Result<&Action> {
        self.actions
            .iter()
            .find(|a| a.id == id)
            .ok_or(Error::NotFound { what: "action", id })
    }

    /// The districts (or regions, for region-level problems) of the problems an action
    /// addresses: what decides whether a crisis team may touch it.
    pub fn units_of(&self, fields: &ActionFields) -> Result<Vec<Kato>> {
        fields
            .problems
            .iter()
            .map(|id| self.problem(*id).map(|p| p.unit.district))
            .collect()
    }

    /// The total budget of the actions, in tenge.
    pub fn budget_tenge(&self) -> u64 {
        self.actions
            .iter()
            .map(|a| a.fields.budget_tenge)
            .fold(0, u64::saturating_add)
    }
}

/// The unit a problem is about: a district, or a school in a district.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProblemUnit {
    /// The district (for a school, the school's district).
    pub district: Kato,
    /// The school's NOBD id, for a school problem.
    pub school: Option<String>,
    /// Kazakh name.
    pub name_kk: String,
    /// Russian name.
    pub name_ru: String,
}

/// A unit in the programme with the reasons it is there.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// Its id.
    pub id: i64,
    /// The unit.
    pub unit: ProblemUnit,
    /// What the map showed when it was added.
    pub snapshot: Snapshot,
}

/// The disclosed values the creating reader saw, frozen when the problem was added.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// When it was taken (RFC 3339).
    pub taken_at: String,
    /// The data version it was taken at.
    pub data_version: i64,
    /// The quarter the values are for (`2025-Q2`).
    pub data_quarter: String,
    /// The methodology version of the scores.
    pub methodology_version: String,
    /// Rank in the priority list, when it came from there.
    pub rank: Option<u32>,
    /// The fired triggers (snake case).
    pub triggers: Vec<String>,
    /// The composite's drivers (indicator codes).
    pub drivers: Vec<String>,
    /// The values.
    pub values: Vec<SnapshotValue>,
}

/// One frozen value of a snapshot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SnapshotValue {
    /// Indicator code, measure name or `composite`.
    pub code: String,
    /// Sensitivity class (`S0`, `S1`, `S2`).
    pub sensitivity: String,
    /// The frozen number.
    pub number: FrozenNumber,
}

/// A frozen count or rate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FrozenNumber {
    /// A count.
    Count {
        /// The frozen count.
        frozen: Frozen<u64>,
    },
    /// A rate, score or quantity.
    Rate {
        /// The frozen rate.
        frozen: Frozen<f64>,
    },
}

/// An action of the programme.
#[derive(Debug, Clone, PartialEq)]
pub struct Action {
    /// Its id.
    pub id: i64,
    /// Its fields.
    pub fields: ActionFields,
}

/// The editable fields of an action (what a merge patch may change).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionFields {
    /// Action type code from the catalogue.
    pub action_type: String,
    /// The problems it addresses (ids).
    pub problems: Vec<i64>,
    /// Responsible organisation.
    pub organisation: String,
    /// Responsible person.
    pub responsible: String,
    /// The person's work contact.
    pub contact: String,
    /// Start date (`YYYY-MM-DD`).
    pub start: String,
    /// Due date (`YYYY-MM-DD`).
    pub due: String,
    /// Budget in tenge.
    pub budget_tenge: u64,
    /// Funding source.
    pub funding_source: String,
    /// The indicator it should move (code).
    pub indicator: String,
    /// The expected change of the indicator, in percent (−100 to 100).
    pub expected_change_percent: f64,
}

impl ActionFields {
    /// Checks every field against the catalogue, the programme's problems and the rules.
    pub fn validate(&self, catalogue: &Catalogue, programme: &Programme) -> Result<()> {
        if catalogue.get(&self.action_type).is_none() {
            return Err(Error::invalid(
                "action_type",
                format!("{:?} is not in data/actions.toml", self.action_type),
            ));
        }
        if self.problems.is_empty() {
            return Err(Error::invalid(
                "problems",
                "an action addresses at least one problem",
            ));
        }
        for id in &self.problems {
            programme.problem(*id).map_err(|_| {
                Error::invalid("problems", format!("problem {id} is not in this programme"))
            })?;
        }
        for (field, text) in self.assignment() {
            check_text(field, text, false)?;
        }
        let start = parse_date("start", &self.start)?;
        let due = parse_date("due", &self.due)?;
        if due < start {
            return Err(Error::invalid(
                "due",
                "the due date is before the start date",
            ));
        }
        if self.budget_tenge > MAX_BUDGET_TENGE {
            return Err(Error::invalid(
                "budget_tenge",
                format!("at most {MAX_BUDGET_TENGE}"),
            ));
        }
        check_text("indicator", &self.indicator, true)?;
        let change = self.expected_change_percent;
        if !change.is_finite() || !(-100.0..=100.0).contains(&change) {
            return Err(Error::invalid(
                "expected_change_percent",
                "a finite percentage from -100 to 100",
            ));
        }
        Ok(())
    }
}

impl ActionFields {
    /// The fields a suggested action leaves to the akimat: organisation, person, contact,
    /// funding source (may be blank in a draft, required to approve).
    fn assignment(&self) -> [(&'static str, &String); 4] {
        [
            ("organisation", &self.organisation),
            ("responsible", &self.responsible),
            ("contact", &self.contact),
            ("funding_source", &self.funding_source),
        ]
    }

    /// The assignment fields still blank.
    pub fn missing(&self) -> Vec<&'static str> {
        self.assignment()
            .into_iter()
            .filter(|(_, text)| text.trim().is_empty())
            .map(|(field, _)| field)
            .collect()
    }
}

/// Checks a free-text field: at most [`MAX_TEXT`] characters, no control characters other
/// than newlines, and not blank when `required`.
pub fn check_text(field: &str, text: &str, required: bool) -> Result<()> {
    if required && text.trim().is_empty() {
        return Err(Error::invalid(field, "is required"));
    }
    if text.chars().count() > MAX_TEXT {
        return Err(Error::invalid(
            field,
            format!("at most {MAX_TEXT} characters"),
        ));
    }
    if text.chars().any(|c| c.is_control() && c != '\n') {
        return Err(Error::invalid(field, "control characters are not allowed"));
    }
    Ok(())
}

/// Parses a `YYYY-MM-DD` date.
pub fn parse_date(field: &str, text: &str) -> Result<Date> {
    Date::parse(text, format_description!("[year]-[month]-[day]"))
        .map_err(|_| Error::invalid(field, format!("expected a date YYYY-MM-DD, got {text:?}")))
}

/// Formats a date as `YYYY-MM-DD`.
pub fn format_date(date: Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

/// The status of an action in a quarter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProgressStatus {
    /// Not started.
    NotStarted,
    /// On track.
    OnTrack,
    /// Delayed.
    Delayed,
    /// Done.
    Done,
    /// Cancelled.
    Cancelled,
}

impl ProgressStatus {
    /// Every status.
    pub const ALL: [ProgressStatus; 5] = [
        ProgressStatus::NotStarted,
        ProgressStatus::OnTrack,
        ProgressStatus::Delayed,
        ProgressStatus::Done,
        ProgressStatus::Cancelled,
    ];

    /// The snake-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            ProgressStatus::NotStarted => "not_started",
            ProgressStatus::OnTrack => "on_track",
            ProgressStatus::Delayed => "delayed",
            ProgressStatus::Done => "done",
            ProgressStatus::Cancelled => "cancelled",
        }
    }

    /// Parses the snake-case name.
    pub fn parse(text: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|s| s.as_str() == text)
            .ok_or_else(|| Error::invalid("status", format!("unknown progress status {text:?}")))
    }
}

/// A progress report on one action for one quarter.
#[derive(Debug, Clone, PartialEq)]
pub struct ProgressReport {
    /// Its id.
    pub id: i64,
    /// The action.
    pub action_id: i64,
    /// The quarter reported on.
    pub quarter: Period,
    /// The status.
    pub status: ProgressStatus,
    /// Percent done, 0 to 100.
    pub percent: u8,
    /// Comment.
    pub comment: String,
    /// The day it was submitted.
    pub submitted_on: Date,
}

impl ProgressReport {
    /// Checks the report against its programme: the action exists, the quarter lies in the
    /// programme's period and has started by `submitted_on`, percent is 0 to 100.
    pub fn validate(&self, programme: &Programme) -> Result<()> {
        programme.action(self.action_id)?;
        if !programme.period.quarters().contains(&self.quarter) {
            return Err(Error::invalid(
                "quarter",
                format!(
                    "{} is not in the programme's period {}",
                    self.quarter, programme.period
                ),
            ));
        }
        if self.quarter.start_date() > self.submitted_on {
            return Err(Error::invalid("quarter", "the quarter has not started yet"));
        }
        if self.percent > 100 {
            return Err(Error::invalid("percent", "0 to 100"));
        }
        check_text("comment", &self.comment, false)
    }
}
