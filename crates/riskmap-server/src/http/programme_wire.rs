//! Wire shapes of programmes (typed, with OpenAPI schemas), built for one reader: snapshot
//! values go through the view layer (`view::programme::show`), so a reader sees a frozen value
//! only as its own disclosure rules allow.

use riskmap_model::{Audience, Kato};
use riskmap_programme::programme::format_date;
use riskmap_programme::progress::{self, Standing};
use riskmap_programme::workflow::{self, Actor};
use riskmap_programme::{Action, Catalogue, Problem, Programme, ProgressReport, SnapshotValue};
use riskmap_store::StoredProgramme;
use serde::Serialize;
use time::Date;
use utoipa::ToSchema;

use super::wire::{WireCount, WireValue};
use crate::AppState;
use crate::view::programme::{ShownFrozen, show};

/// Label of programmes made from synthetic data.
pub(crate) const SYNTHETIC_LABEL: &str =
    "Синтетикалық деректер / Синтетические данные / Synthetic data";

/// A programme as the reader may see it.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ProgrammeBody {
    /// Its id.
    pub(crate) id: i64,
    /// Region KATO.
    pub(crate) region: String,
    /// Region name (Kazakh).
    pub(crate) region_name_kk: String,
    /// Region name (Russian).
    pub(crate) region_name_ru: String,
    /// `2025` or `2025-H1`.
    pub(crate) period: String,
    /// Title.
    pub(crate) title: String,
    /// `draft`, `approved`, `acknowledged`, `returned`, `closed` or `superseded`.
    pub(crate) status: String,
    /// Version (the `ETag`).
    pub(crate) version: i64,
    /// Data version of the first snapshots.
    pub(crate) data_version: i64,
    /// Methodology version.
    pub(crate) methodology_version: String,
    /// The programme this one amends.
    pub(crate) amends: Option<i64>,
    /// Made from synthetic data.
    pub(crate) synthetic: bool,
    /// The label shown with synthetic programmes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) label: Option<&'static str>,
    /// Sum of the actions' budgets, tenge.
    pub(crate) budget_tenge: u64,
    /// Problems.
    pub(crate) problems: Vec<ProblemBody>,
    /// Actions.
    pub(crate) actions: Vec<ActionBody>,
    /// Progress reports.
    pub(crate) progress: Vec<ProgressBody>,
    /// Statuses the caller may move the programme to now.
    pub(crate) allowed_transitions: Vec<String>,
    /// Created (RFC 3339).
    pub(crate) created_at: String,
    /// Last changed (RFC 3339).
    pub(crate) updated_at: String,
}

/// A problem with its snapshot.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ProblemBody {
    /// Its id.
    pub(crate) id: i64,
    /// District KATO (a school's district).
    pub(crate) district: String,
    /// School NOBD id, for a school.
    pub(crate) school: Option<String>,
    /// Name (Kazakh).
    pub(crate) name_kk: String,
    /// Name (Russian).
    pub(crate) name_ru: String,
    /// The frozen snapshot.
    pub(crate) snapshot: SnapshotBody,
}

/// What the map showed when the problem was added, as the reader may see it now.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SnapshotBody {
    /// When it was taken.
    pub(crate) taken_at: String,
    /// Data version.
    pub(crate) data_version: i64,
    /// Quarter of the values.
    pub(crate) data_quarter: String,
    /// Methodology version.
    pub(crate) methodology_version: String,
    /// Rank in the priority list (schools) or among districts.
    pub(crate) rank: Option<u32>,
    /// Fired triggers.
    pub(crate) triggers: Vec<String>,
    /// Drivers of the composite.
    pub(crate) drivers: Vec<String>,
    /// Values.
    pub(crate) values: Vec<SnapshotValueBody>,
}

/// One frozen value.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SnapshotValueBody {
    /// Indicator code, measure or `composite`.
    pub(crate) code: String,
    /// `count` or `rate`.
    pub(crate) kind: &'static str,
    /// A count: number, band or symbol.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) count: Option<WireCount>,
    /// A rate or score with its flag.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) value: Option<WireValue>,
}

/// An action.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ActionBody {
    /// Its id.
    pub(crate) id: i64,
    /// Type code.
    pub(crate) action_type: String,
    /// Type name (Kazakh).
    pub(crate) name_kk: String,
    /// Type name (Russian).
    pub(crate) name_ru: String,
    /// Type name (English).
    pub(crate) name_en: String,
    /// Plan measures served.
    pub(crate) serves: Vec<String>,
    /// Problems addressed.
    pub(crate) problems: Vec<i64>,
    /// Responsible organisation.
    pub(crate) organisation: String,
    /// Responsible person.
    pub(crate) responsible: String,
    /// Work contact.
    pub(crate) contact: String,
    /// Start date.
    pub(crate) start: String,
    /// Due date.
    pub(crate) due: String,
    /// Budget, tenge.
    pub(crate) budget_tenge: u64,
    /// Funding source.
    pub(crate) funding_source: String,
    /// Indicator to move.
    pub(crate) indicator: String,
    /// Expected change, percent.
    pub(crate) expected_change_percent: f64,
    /// `not_started`, `on_track`, `delayed`, `overdue`, `done`, `cancelled` today.
    pub(crate) standing: &'static str,
    /// Quarters whose report was due and is missing.
    pub(crate) missing_reports: Vec<String>,
}

/// A progress report.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ProgressBody {
    /// The action.
    pub(crate) action_id: i64,
    /// The quarter.
    pub(crate) quarter: String,
    /// Status.
    pub(crate) status: &'static str,
    /// Percent done.
    pub(crate) percent: u8,
    /// Comment.
    pub(crate) comment: String,
    /// Submitted.
    pub(crate) submitted_on: String,
    /// Due (10th of the month after the quarter).
    pub(crate) due_on: String,
    /// Submitted after the due date.
    pub(crate) late: bool,
}

/// A line of the programme list.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ProgrammeLine {
    /// Id.
    pub(crate) id: i64,
    /// Region KATO.
    pub(crate) region: String,
    /// Period.
    pub(crate) period: String,
    /// Title.
    pub(crate) title: String,
    /// Status.
    pub(crate) status: String,
    /// Version.
    pub(crate) version: i64,
    /// Amends.
    pub(crate) amends: Option<i64>,
    /// Synthetic.
    pub(crate) synthetic: bool,
    /// Problems.
    pub(crate) problems: usize,
    /// Actions.
    pub(crate) actions: usize,
    /// Budget, tenge.
    pub(crate) budget_tenge: u64,
}

/// The programme list.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ProgrammeList {
    /// Programmes the caller may read, in id order.
    pub(crate) programmes: Vec<ProgrammeLine>,
}

/// Everything a programme answer is built from.
pub(crate) struct Reader<'a> {
    pub(crate) state: &'a AppState,
    pub(crate) audience: &'a Audience,
    pub(crate) actor: &'a Actor,
    pub(crate) catalogue: &'a Catalogue,
    pub(crate) today: Date,
}

fn rfc3339(at: time::OffsetDateTime) -> String {
    at.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

impl Reader<'_> {
    /// The programme for this reader.
    pub(crate) fn programme(&self, stored: &StoredProgramme) -> ProgrammeBody {
        let p = &stored.programme;
        let region = self.state.geography.region(&p.region);
        ProgrammeBody {
            id: p.id,
            region: p.region.to_string(),
            region_name_kk: region.map(|r| r.names.kk.clone()).unwrap_or_default(),
            region_name_ru: region.map(|r| r.names.ru.clone()).unwrap_or_default(),
            period: p.period.to_string(),
            title: p.title.clone(),
            status: p.status.as_str().to_owned(),
            version: p.version,
            data_version: p.data_version,
            methodology_version: p.methodology_version.clone(),
            amends: p.amends,
            synthetic: stored.synthetic,
            label: stored.synthetic.then_some(SYNTHETIC_LABEL),
            budget_tenge: p.budget_tenge(),
            problems: p.problems.iter().map(|x| self.problem(x)).collect(),
            actions: p.actions.iter().map(|a| self.action(p, a)).collect(),
            progress: p.progress.iter().map(progress_body).collect(),
            allowed_transitions: workflow::allowed(p, self.actor, self.today)
                .iter()
                .map(|s| s.as_str().to_owned())
                .collect(),
            created_at: rfc3339(stored.created_at),
            updated_at: rfc3339(stored.updated_at),
        }
    }

    fn problem(&self, problem: &Problem) -> ProblemBody {
        let s = &problem.snapshot;
        ProblemBody {
            id: problem.id,
            district: problem.unit.district.to_string(),
            school: problem.unit.school.clone(),
            name_kk: problem.unit.name_kk.clone(),
            name_ru: problem.unit.name_ru.clone(),
            snapshot: SnapshotBody {
                taken_at: s.taken_at.clone(),
                data_version: s.data_version,
                data_quarter: s.data_quarter.clone(),
                methodology_version: s.methodology_version.clone(),
                rank: s.rank,
                triggers: s.triggers.clone(),
                drivers: s.drivers.clone(),
                values: s.values.iter().map(|v| self.value(problem, v)).collect(),
            },
        }
    }

    fn value(&self, problem: &Problem, value: &SnapshotValue) -> SnapshotValueBody {
        match show(self.state, self.audience, problem, value) {
            ShownFrozen::Count(count) => SnapshotValueBody {
                code: value.code.clone(),
                kind: "count",
                count: Some(count.into()),
                value: None,
            },
            ShownFrozen::Rate(rate) => SnapshotValueBody {
                code: value.code.clone(),
                kind: "rate",
                count: None,
                value: Some(rate.into()),
            },
        }
    }

    fn action(&self, programme: &Programme, action: &Action) -> ActionBody {
        let f = &action.fields;
        let kind = self.catalogue.get(&f.action_type);
        let name = |pick: fn(&riskmap_programme::catalogue::Names) -> &String| {
            kind.map(|k| pick(&k.name).clone()).unwrap_or_default()
        };
        ActionBody {
            id: action.id,
            action_type: f.action_type.clone(),
            name_kk: name(|n| &n.kk),
            name_ru: name(|n| &n.ru),
            name_en: name(|n| &n.en),
            serves: kind.map(|k| k.serves.clone()).unwrap_or_default(),
            problems: f.problems.clone(),
            organisation: f.organisation.clone(),
            responsible: f.responsible.clone(),
            contact: f.contact.clone(),
            start: f.start.clone(),
            due: f.due.clone(),
            budget_tenge: f.budget_tenge,
            funding_source: f.funding_source.clone(),
            indicator: f.indicator.clone(),
            expected_change_percent: f.expected_change_percent,
            standing: standing_name(progress::standing(programme, action, self.today)),
            missing_reports: progress::missing_reports(programme, action, self.today)
                .iter()
                .map(ToString::to_string)
                .collect(),
        }
    }
}

fn standing_name(standing: Standing) -> &'static str {
    standing.as_str()
}

fn progress_body(report: &ProgressReport) -> ProgressBody {
    ProgressBody {
        action_id: report.action_id,
        quarter: report.quarter.to_string(),
        status: report.status.as_str(),
        percent: report.percent,
        comment: report.comment.clone(),
        submitted_on: format_date(report.submitted_on),
        due_on: format_date(progress::due_date(report.quarter)),
        late: progress::is_late(report),
    }
}

/// The line of the programme list.
pub(crate) fn line(stored: &StoredProgramme) -> ProgrammeLine {
    let p = &stored.programme;
    ProgrammeLine {
        id: p.id,
        region: p.region.to_string(),
        period: p.period.to_string(),
        title: p.title.clone(),
        status: p.status.as_str().to_owned(),
        version: p.version,
        amends: p.amends,
        synthetic: stored.synthetic,
        problems: p.problems.len(),
        actions: p.actions.len(),
        budget_tenge: p.budget_tenge(),
    }
}

/// The actor of an audience: the workflow's view of a caller.
pub(crate) fn actor_of(audience: &Audience) -> Actor {
    use riskmap_model::Role;
    let (role, region, districts): (Role, Option<Kato>, Vec<Kato>) = match audience {
        Audience::Public => (Role::Public, None, vec![]),
        Audience::Regional { region, district } => (
            Role::Akimat,
            Some(*region),
            district.iter().copied().collect(),
        ),
        Audience::Crisis { districts } => (Role::Crisis, None, districts.clone()),
        Audience::Ministry => (Role::Ministry, None, vec![]),
        Audience::Steward => (Role::Steward, None, vec![]),
    };
    Actor {
        role,
        region,
        districts,
    }
}

/// A programme or action id from a path: anything but a positive 64-bit integer names nothing,
/// so it answers 404 in JSON like an unknown id (never the framework's text rejection).
pub(crate) fn path_id(text: &str) -> super::Result<i64> {
    text.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| super::Error::NotFound {
            code: "unknown_id",
            message: format!(
                "no programme or action with id {:?}",
                text.chars().take(24).collect::<String>()
            ),
        })
}
