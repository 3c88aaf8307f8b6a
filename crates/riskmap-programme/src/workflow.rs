//! The workflow of a programme: its statuses, who may read it, who may edit what, and the
//! transitions (`draft` → `approved` → `acknowledged` | `returned` → … → `closed`; an approved
//! programme changes only by an amendment, a new draft beside it that supersedes it when it is
//! approved).
//!
//! Every change to a programme is one of the functions here, so the rules cannot be skipped:
//! the store persists what they return, the server maps their errors to status codes.

use std::fmt;

use riskmap_model::{Grant, Kato, Role};
use serde::Serialize;
use time::Date;

use crate::catalogue::Catalogue;
use crate::merge_patch;
use crate::programme::{Action, Problem, Programme, ProgressReport, check_text};
use crate::{Error, Result};

/// A programme's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Being drafted by the akimat: editable.
    Draft,
    /// Approved by the akimat: locked.
    Approved,
    /// Acknowledged by the Ministry: locked.
    Acknowledged,
    /// Returned by the Ministry with comments: editable again.
    Returned,
    /// Closed at the end of its period.
    Closed,
    /// Replaced by an approved amendment.
    Superseded,
}

impl Status {
    /// Every status.
    pub const ALL: [Status; 6] = [
        Status::Draft,
        Status::Approved,
        Status::Acknowledged,
        Status::Returned,
        Status::Closed,
        Status::Superseded,
    ];

    /// The snake-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Approved => "approved",
            Status::Acknowledged => "acknowledged",
            Status::Returned => "returned",
            Status::Closed => "closed",
            Status::Superseded => "superseded",
        }
    }

    /// Parses the snake-case name.
    pub fn parse(text: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|s| s.as_str() == text)
            .ok_or_else(|| Error::invalid("status", format!("unknown status {text:?}")))
    }

    /// True when problems and actions may be edited.
    pub fn editable(self) -> bool {
        matches!(self, Status::Draft | Status::Returned)
    }

    /// True when progress may be reported.
    pub fn in_force(self) -> bool {
        matches!(self, Status::Approved | Status::Acknowledged)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who asks: a role and its scope (from the bearer token's grant).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The role.
    pub role: Role,
    /// The akimat's region.
    pub region: Option<Kato>,
    /// The district official's district or the crisis team's districts.
    pub districts: Vec<Kato>,
}

impl From<&Grant> for Actor {
    fn from(grant: &Grant) -> Self {
        Self {
            role: grant.role,
            region: grant.region,
            districts: grant.districts.clone(),
        }
    }
}

impl Actor {
    /// True for the akimat of `region` itself (not a district official).
    pub fn is_akimat_of(&self, region: &Kato) -> bool {
        self.role == Role::Akimat
            && self.region.as_ref() == Some(region)
            && self.districts.is_empty()
    }

    /// True when the actor may read programmes of `region`.
    pub fn may_read(&self, region: &Kato) -> bool {
        match self.role {
            Role::Ministry => true,
            Role::Akimat => self.region.as_ref() == Some(region),
            Role::Crisis => self.districts.iter().any(|d| d.same_region(region)),
            Role::Public | Role::Steward => false,
        }
    }

    /// True when the actor may change content about every unit of `units` in `region`: the
    /// region's akimat everywhere in it, a district official or crisis team in its districts.
    fn may_touch(&self, region: &Kato, units: &[Kato]) -> bool {
        if self.is_akimat_of(region) {
            return true;
        }
        let scoped = match self.role {
            Role::Akimat => self.region.as_ref() == Some(region),
            Role::Crisis => true,
            Role::Public | Role::Ministry | Role::Steward => false,
        };
        scoped && !units.is_empty() && units.iter().all(|u| self.districts.contains(u))
    }
}

/// A change to a programme's content or progress, for [`authorize`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit {
    /// Add (or change) problems or actions about these units.
    Content(Vec<Kato>),
    /// Report progress on an action about these units.
    Progress(Vec<Kato>),
}

/// Checks that `actor` may make `edit` to `programme` in its current status.
pub fn authorize(programme: &Programme, actor: &Actor, edit: &Edit) -> Result<()> {
    let (units, status_ok, locked_message) = match edit {
        Edit::Content(units) => (
            units,
            programme.status.editable(),
            "problems and actions change only while it is a draft or returned; draft an amendment",
        ),
        Edit::Progress(units) => (
            units,
            programme.status.in_force(),
            "progress is reported on an approved or acknowledged programme",
        ),
    };
    if !actor.may_touch(&programme.region, units) {
        return Err(Error::Forbidden {
            message: format!(
                "a {} token may not change this programme{}",
                actor.role,
                if units.is_empty() {
                    ""
                } else {
                    " about these units"
                }
            ),
        });
    }
    if !status_ok {
        return Err(Error::Locked {
            status: programme.status,
            message: locked_message.to_owned(),
        });
    }
    Ok(())
}

/// Checks that `actor` may create a programme (or an amendment) for `region`.
pub fn authorize_create(actor: &Actor, region: &Kato) -> Result<()> {
    if actor.is_akimat_of(region) {
        Ok(())
    } else {
        Err(Error::Forbidden {
            message: format!("only the akimat of region {region} drafts its programmes"),
        })
    }
}

/// Adds a problem (its id already assigned).
pub fn add_problem(programme: &mut Programme, actor: &Actor, problem: Problem) -> Result<()> {
    authorize(
        programme,
        actor,
        &Edit::Content(vec![problem.unit.district]),
    )?;
    if !problem.unit.district.same_region(&programme.region) {
        return Err(Error::invalid(
            "unit",
            format!(
                "{} is not in region {}",
                problem.unit.district, programme.region
            ),
        ));
    }
    if programme.problems.iter().any(|p| p.unit == problem.unit) {
        return Err(Error::invalid(
            "unit",
            "this unit is already a problem of the programme",
        ));
    }
    programme.problems.push(problem);
    Ok(())
}

/// Adds an action (its id already assigned).
pub fn add_action(
    programme: &mut Programme,
    actor: &Actor,
    catalogue: &Catalogue,
    action: Action,
) -> Result<()> {
    action.fields.validate(catalogue, programme)?;
    let units = programme.units_of(&action.fields)?;
    authorize(programme, actor, &Edit::Content(units))?;
    programme.actions.push(action);
    Ok(())
}

/// Applies a JSON merge patch to an action's fields; the actor must be allowed to touch the
/// units of the action both before and after the patch.
pub fn patch_action(
    programme: &mut Programme,
    actor: &Actor,
    catalogue: &Catalogue,
    action_id: i64,
    patch: &serde_json::Value,
) -> Result<()> {
    let before = programme.action(action_id)?.fields.clone();
    authorize(
        programme,
        actor,
        &Edit::Content(programme.units_of(&before)?),
    )?;
    let after = merge_patch::apply_to_fields(&before, patch)?;
    after.validate(catalogue, programme)?;
    authorize(
        programme,
        actor,
        &Edit::Content(programme.units_of(&after)?),
    )?;
    if let Some(action) = programme.actions.iter_mut().find(|a| a.id == action_id) {
        action.fields = after;
    }
    Ok(())
}

/// Records a progress report (its id already assigned); a second report on the same action
/// and quarter replaces the first.
pub fn report_progress(
    programme: &mut Programme,
    actor: &Actor,
    report: ProgressReport,
) -> Result<()> {
    report.validate(programme)?;
    let fields = programme.action(report.action_id)?.fields.clone();
    authorize(
        programme,
        actor,
        &Edit::Progress(programme.units_of(&fields)?),
    )?;
    programme
        .progress
        .retain(|r| !(r.action_id == report.action_id && r.quarter == report.quarter));
    programme.progress.push(report);
    Ok(())
}

/// The rule of one transition: from which statuses, to which, by whom.
struct Rule {
    from: &'static [Status],
    to: Status,
    by: fn(&Actor, &Programme, Date) -> bool,
}

const RULES: [Rule; 4] = [
    Rule {
        from: &[Status::Draft, Status::Returned],
        to: Status::Approved,
        by: |actor, p, _| actor.is_akimat_of(&p.region) && !p.actions.is_empty(),
    },
    Rule {
        from: &[Status::Approved],
        to: Status::Acknowledged,
        by: |actor, _, _| actor.role == Role::Ministry,
    },
    Rule {
        from: &[Status::Approved],
        to: Status::Returned,
        by: |actor, _, _| actor.role == Role::Ministry,
    },
    Rule {
        from: &[Status::Approved, Status::Acknowledged],
        to: Status::Closed,
        by: |actor, p, today| actor.is_akimat_of(&p.region) && today > p.period.end(),
    },
];

/// The statuses `actor` may move `programme` to on `today`.
pub fn allowed(programme: &Programme, actor: &Actor, today: Date) -> Vec<Status> {
    RULES
        .iter()
        .filter(|r| r.from.contains(&programme.status) && (r.by)(actor, programme, today))
        .map(|r| r.to)
        .collect()
}

/// True when the static rules let a `role` holder move a programme from `from` to `to` at all
/// (for tests and the OpenAPI description).
pub fn rule_exists(from: Status, to: Status, role: Role) -> bool {
    let role_of = |to: Status| match to {
        Status::Acknowledged | Status::Returned => Role::Ministry,
        _ => Role::Akimat,
    };
    RULES
        .iter()
        .any(|r| r.to == to && r.from.contains(&from) && role_of(to) == role)
}

/// What a transition did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    /// The status before.
    pub from: Status,
    /// The status after.
    pub to: Status,
    /// The programme an approved amendment supersedes (its status is then `superseded`).
    pub supersedes: Option<i64>,
}

/// Moves `programme` to `to`. Returning requires a comment. A caller who may not read the
/// programme, or whose role never makes this move, gets `Forbidden`; a move not allowed now
/// gets `IllegalTransition` with the moves the caller may make.
pub fn transition(
    programme: &mut Programme,
    actor: &Actor,
    to: Status,
    comment: &str,
    today: Date,
) -> Result<Transition> {
    if !actor.may_read(&programme.region) {
        return Err(Error::Forbidden {
            message: "the programme is outside the caller's scope".to_owned(),
        });
    }
    check_text("comment", comment, to == Status::Returned)?;
    let allowed_now = allowed(programme, actor, today);
    if !allowed_now.contains(&to) {
        return Err(Error::IllegalTransition {
            from: programme.status,
            to,
            allowed: allowed_now,
        });
    }
    if to == Status::Approved {
        check_complete(programme)?;
    }
    let from = programme.status;
    programme.status = to;
    let supersedes = if to == Status::Approved {
        programme.amends
    } else {
        None
    };
    Ok(Transition {
        from,
        to,
        supersedes,
    })
}

/// An approved programme has at least one action, and every action its organisation, person,
/// contact and funding source.
fn check_complete(programme: &Programme) -> Result<()> {
    let gaps: Vec<String> = programme
        .actions
        .iter()
        .filter_map(|a| {
            let missing = a.fields.missing();
            (!missing.is_empty()).then(|| format!("action {} lacks {}", a.id, missing.join(", ")))
        })
        .collect();
    if gaps.is_empty() {
        Ok(())
    } else {
        Err(Error::Incomplete {
            message: gaps.join("; "),
        })
    }
}

/// Marks `original` superseded by its approved amendment.
pub fn supersede(original: &mut Programme) -> Result<()> {
    if !original.status.in_force() {
        return Err(Error::Locked {
            status: original.status,
            message: "only an approved or acknowledged programme is superseded".to_owned(),
        });
    }
    original.status = Status::Superseded;
    Ok(())
}

/// Drafts an amendment of `original` beside it: a copy of its content in `draft`, with id
/// `new_id`, that supersedes the original when approved. Progress stays with the original.
pub fn amend(original: &Programme, actor: &Actor, new_id: i64) -> Result<Programme> {
    authorize_create(actor, &original.region)?;
    if !original.status.in_force() {
        return Err(Error::Locked {
            status: original.status,
            message: "only an approved or acknowledged programme is amended; edit the draft"
                .to_owned(),
        });
    }
    Ok(Programme {
        id: new_id,
        status: Status::Draft,
        version: 1,
        amends: Some(original.id),
        progress: Vec::new(),
        ..original.clone()
    })
}
