//! The typed data of a document: already disclosed for its reader and already written as text
//! in the document's language (numbers by `format`), so the typesetting decides nothing about
//! what may be shown.

use serde::Serialize;

/// The "information to the Ministry" on one programme.
#[derive(Debug, Clone, Serialize)]
pub struct ProgrammeDocument {
    /// The cover.
    pub cover: Cover,
    /// The reader's watermark (user, role and scope, date).
    pub watermark: String,
    /// The map of the region as SVG (drawn by `map::svg`), or `None` without boundaries.
    #[serde(skip)]
    pub map_svg: Option<String>,
    /// The map's legend: colour (`#rrggbb`) and words.
    pub legend: Vec<LegendEntry>,
    /// Problems with their snapshot.
    pub problems: Vec<ProblemLine>,
    /// Actions.
    pub actions: Vec<ActionLine>,
    /// The budget total, written.
    pub budget_total: String,
    /// Progress per action and quarter.
    pub progress: Vec<ProgressLine>,
    /// The review per problem and indicator.
    pub review: Vec<ReviewLine>,
}

/// The cover of a programme document.
#[derive(Debug, Clone, Serialize)]
pub struct Cover {
    /// Region name.
    pub region: String,
    /// Region KATO.
    pub region_code: String,
    /// Period in words.
    pub period: String,
    /// Title.
    pub title: String,
    /// Status in words.
    pub status: String,
    /// Version.
    pub version: String,
    /// Data version.
    pub data_version: String,
    /// Methodology version.
    pub methodology_version: String,
    /// The synthetic-data label, when the programme was made from synthetic data.
    pub synthetic: Option<String>,
    /// The date the document was made.
    pub made_on: String,
}

/// One entry of the map legend.
#[derive(Debug, Clone, Serialize)]
pub struct LegendEntry {
    /// Fill colour `#rrggbb`.
    pub colour: String,
    /// What it means.
    pub label: String,
}

/// A problem with its snapshot values.
#[derive(Debug, Clone, Serialize)]
pub struct ProblemLine {
    /// Unit name (district or school).
    pub name: String,
    /// District name (for a school) or empty.
    pub district: String,
    /// Rank at the snapshot, written, or `—`.
    pub rank: String,
    /// Quarter of the snapshot's values, in words.
    pub quarter: String,
    /// Fired triggers, in words.
    pub triggers: String,
    /// The snapshot's values: label and shown text.
    pub values: Vec<Pair>,
}

/// A label and a shown value.
#[derive(Debug, Clone, Serialize)]
pub struct Pair {
    /// Label.
    pub label: String,
    /// Value as shown (number, band or symbol).
    pub value: String,
}

/// An action.
#[derive(Debug, Clone, Serialize)]
pub struct ActionLine {
    /// Its number in the programme.
    pub number: String,
    /// Type name.
    pub kind: String,
    /// Units addressed.
    pub units: String,
    /// Responsible organisation.
    pub organisation: String,
    /// Responsible person.
    pub responsible: String,
    /// Start date.
    pub start: String,
    /// Due date.
    pub due: String,
    /// Budget, tenge.
    pub budget: String,
    /// Funding source.
    pub funding: String,
    /// Indicator and expected change.
    pub indicator: String,
    /// Status today, in words.
    pub status: String,
}

/// A progress report.
#[derive(Debug, Clone, Serialize)]
pub struct ProgressLine {
    /// The action's number.
    pub action: String,
    /// Quarter in words.
    pub quarter: String,
    /// Status in words.
    pub status: String,
    /// Percent done.
    pub percent: String,
    /// Submitted (and "late" in words when it was).
    pub submitted: String,
    /// Comment.
    pub comment: String,
}

/// One row of the review.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewLine {
    /// Unit name.
    pub unit: String,
    /// Indicator name.
    pub indicator: String,
    /// At the snapshot.
    pub at_snapshot: String,
    /// Now.
    pub now: String,
    /// Change since the snapshot.
    pub change: String,
    /// The plan's −5 %/year line now.
    pub plan_line: String,
    /// The region now.
    pub regional: String,
    /// The country now.
    pub national: String,
}

/// The Ministry's half-year summary.
#[derive(Debug, Clone, Serialize)]
pub struct SummaryDocument {
    /// Half-year in words.
    pub half: String,
    /// The date it was made.
    pub as_of: String,
    /// The reader's watermark.
    pub watermark: String,
    /// One line per region.
    pub regions: Vec<SummaryLine>,
    /// The totals line.
    pub total: SummaryLine,
}

/// One region of the summary, every number written.
#[derive(Debug, Clone, Serialize)]
pub struct SummaryLine {
    /// Region name.
    pub region: String,
    /// Programmes: draft, approved, acknowledged, returned, closed.
    pub by_status: [String; 5],
    /// Actions: on track, delayed, overdue, done.
    pub actions: [String; 4],
    /// Budget, tenge.
    pub budget: String,
    /// Late reports.
    pub late_reports: String,
    /// Missing reports.
    pub missing_reports: String,
}
