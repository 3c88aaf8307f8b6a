//! Crisis-management programmes (migration 0007): programmes with their problems, actions and
//! progress, optimistic concurrency (`version`; a stale version is refused), idempotent
//! creates and the event history (who, when, what, before/after).
//!
//! The rules (who may do what, in which status) live in `riskmap-programme`; this module
//! persists what its functions decided, one change per transaction.

use riskmap_model::{Kato, Period};
use riskmap_programme::programme::{format_date, parse_date};
use riskmap_programme::{
    Action, ActionFields, Problem, ProblemUnit, Programme, ProgrammePeriod, ProgressReport,
    ProgressStatus, Snapshot, Status,
};
use sqlx::Row;
use time::OffsetDateTime;

use crate::error::QueryContext;
use crate::programme_bodies::Contents;
use crate::store::with_pool;
use crate::{Error, Result, Store};

/// A programme as stored, with what the rules do not need.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredProgramme {
    /// The programme.
    pub programme: Programme,
    /// Made by `serve --demo` from synthetic data.
    pub synthetic: bool,
    /// When it was created.
    pub created_at: OffsetDateTime,
    /// When it last changed.
    pub updated_at: OffsetDateTime,
}

/// A programme to create (a new draft, a draft from the priority list, or an amendment).
#[derive(Debug, Clone, PartialEq)]
pub struct NewProgramme {
    /// The region.
    pub region: Kato,
    /// The period.
    pub period: ProgrammePeriod,
    /// The title.
    pub title: String,
    /// Its status (drafts; the demo also stores later statuses).
    pub status: Status,
    /// The data version of its snapshots.
    pub data_version: i64,
    /// The methodology version.
    pub methodology_version: String,
    /// The programme it amends.
    pub amends: Option<i64>,
    /// Made from synthetic data.
    pub synthetic: bool,
    /// Its problems (ids assigned by the caller, unique in the programme).
    pub problems: Vec<Problem>,
    /// Its actions.
    pub actions: Vec<Action>,
    /// Its progress reports (the demo's).
    pub progress: Vec<ProgressReport>,
}

/// Who makes a change, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventMeta {
    /// When.
    pub at: OffsetDateTime,
    /// The token (none for the demo filler).
    pub token_id: Option<i64>,
    /// The role.
    pub role: String,
    /// The comment given with it.
    pub comment: String,
}

/// An idempotency key of a create: the same actor and key with the same request give the
/// same programme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey {
    /// Who (token id or role and scope).
    pub actor: String,
    /// The `Idempotency-Key` header.
    pub key: String,
    /// SHA-256 of the request (method, path, body).
    pub request_sha256: String,
}

/// What a create did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Created {
    /// A new programme.
    New(i64),
    /// The programme an earlier request with the same key created.
    Replayed(i64),
}

impl Created {
    /// The programme's id.
    pub fn id(self) -> i64 {
        match self {
            Created::New(id) | Created::Replayed(id) => id,
        }
    }
}

/// One change to a stored programme.
#[derive(Debug, Clone, PartialEq)]
pub enum Change<'a> {
    /// A problem added.
    AddProblem(&'a Problem),
    /// An action added.
    AddAction(&'a Action),
    /// An action's fields changed.
    UpdateAction {
        /// Before.
        before: &'a Action,
        /// After.
        after: &'a Action,
    },
    /// A progress report recorded (replacing the one for the same action and quarter).
    Progress {
        /// The report it replaces.
        before: Option<&'a ProgressReport>,
        /// The report.
        after: &'a ProgressReport,
    },
    /// A workflow transition.
    Transition {
        /// Status before.
        from: Status,
        /// Status after.
        to: Status,
        /// The original an approved amendment supersedes.
        supersedes: Option<i64>,
    },
}

/// One event of a programme's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgrammeEvent {
    /// Its id (in order).
    pub event_id: i64,
    /// The programme's version after it.
    pub version: i64,
    /// When.
    pub at: OffsetDateTime,
    /// The token.
    pub token_id: Option<i64>,
    /// The role.
    pub role: String,
    /// What: `created`, `problem_added`, `action_added`, `action_changed`, `progress`,
    /// `transition`, `superseded`.
    pub kind: String,
    /// The comment.
    pub comment: String,
    /// The state before (JSON), if any.
    pub before: Option<String>,
    /// The state after (JSON), if any.
    pub after: Option<String>,
}

/// A filter of the programme list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProgrammeFilter {
    /// Only this region.
    pub region: Option<Kato>,
    /// Only this status.
    pub status: Option<Status>,
}

fn json<T: serde::Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| Error::Corrupt {
        message: format!("cannot encode programme JSON: {e}"),
    })
}

fn corrupt(message: impl std::fmt::Display) -> Error {
    Error::Corrupt {
        message: format!("programme: {message}"),
    }
}

/// The JSON of a progress report, for the event history.
fn progress_json(report: &ProgressReport) -> String {
    serde_json::json!({
        "action_id": report.action_id,
        "quarter": report.quarter.to_string(),
        "status": report.status.as_str(),
        "percent": report.percent,
        "comment": report.comment,
        "submitted_on": format_date(report.submitted_on),
    })
    .to_string()
}

/// The JSON of a problem (unit and snapshot), for the event history.
fn problem_json(problem: &Problem) -> Result<String> {
    json(&serde_json::json!({
        "id": problem.id,
        "unit": problem.unit,
        "snapshot": problem.snapshot,
    }))
}

/// The JSON of an action, for the event history.
fn action_json(action: &Action) -> Result<String> {
    json(&serde_json::json!({ "id": action.id, "fields": action.fields }))
}

/// Kind, before and after of a change, for the event history.
fn describe(change: &Change<'_>) -> Result<(&'static str, Option<String>, Option<String>)> {
    Ok(match change {
        Change::AddProblem(p) => ("problem_added", None, Some(problem_json(p)?)),
        Change::AddAction(a) => ("action_added", None, Some(action_json(a)?)),
        Change::UpdateAction { before, after } => (
            "action_changed",
            Some(action_json(before)?),
            Some(action_json(after)?),
        ),
        Change::Progress { before, after } => (
            "progress",
            before.map(progress_json),
            Some(progress_json(after)),
        ),
        Change::Transition { from, to, .. } => (
            "transition",
            Some(from.as_str().to_owned()),
            Some(to.as_str().to_owned()),
        ),
    })
}

/// The header columns of a programme, decoded.
struct Header {
    id: i64,
    region: String,
    period: String,
    title: String,
    status: String,
    version: i64,
    data_version: i64,
    methodology_version: String,
    amends: Option<i64>,
    synthetic: bool,
    created_at: OffsetDateTime,
    updated_at: OffsetDateTime,
}

/// The programme's columns in [`Header`] order.
const HEADER_COLUMNS: &str = "programme_id, region_kato, period, title, status, version, data_version, \
     methodology_version, amends, synthetic, created_at, updated_at";

/// Decodes a row of [`HEADER_COLUMNS`].
macro_rules! header_of {
    ($row:expr) => {{
        let row = $row;
        Header {
            id: row.try_get(0).context("decode programme")?,
            region: row.try_get(1).context("decode programme")?,
            period: row.try_get(2).context("decode programme")?,
            title: row.try_get(3).context("decode programme")?,
            status: row.try_get(4).context("decode programme")?,
            version: row.try_get(5).context("decode programme")?,
            data_version: row.try_get(6).context("decode programme")?,
            methodology_version: row.try_get(7).context("decode programme")?,
            amends: row.try_get(8).context("decode programme")?,
            synthetic: row.try_get(9).context("decode programme")?,
            created_at: row.try_get(10).context("decode programme")?,
            updated_at: row.try_get(11).context("decode programme")?,
        }
    }};
}

impl Header {
    fn into_programme(self) -> Result<StoredProgramme> {
        Ok(StoredProgramme {
            programme: Programme {
                id: self.id,
                region: Kato::parse(&self.region).map_err(corrupt)?,
                period: ProgrammePeriod::parse(&self.period).map_err(corrupt)?,
                title: self.title,
                status: Status::parse(&self.status).map_err(corrupt)?,
                version: self.version,
                data_version: self.data_version,
                methodology_version: self.methodology_version,
                amends: self.amends,
                problems: Vec::new(),
                actions: Vec::new(),
                progress: Vec::new(),
            },
            synthetic: self.synthetic,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

#[allow(
    clippy::too_many_arguments,
    reason = "one stored row, column by column"
)]
fn problem_of(
    id: i64,
    district: &str,
    school: Option<String>,
    name_kk: String,
    name_ru: String,
    snapshot: &str,
) -> Result<Problem> {
    let snapshot: Snapshot = serde_json::from_str(snapshot).map_err(corrupt)?;
    Ok(Problem {
        id,
        unit: ProblemUnit {
            district: Kato::parse(district).map_err(corrupt)?,
            school,
            name_kk,
            name_ru,
        },
        snapshot,
    })
}

fn action_of(id: i64, fields: &str) -> Result<Action> {
    let fields: ActionFields = serde_json::from_str(fields).map_err(corrupt)?;
    Ok(Action { id, fields })
}

#[allow(
    clippy::too_many_arguments,
    reason = "one stored row, column by column"
)]
fn progress_of(
    report_id: i64,
    action_id: i64,
    quarter: &str,
    status: &str,
    percent: i64,
    comment: String,
    submitted_on: &str,
) -> Result<ProgressReport> {
    Ok(ProgressReport {
        id: report_id,
        action_id,
        quarter: Period::parse(quarter).map_err(corrupt)?,
        status: ProgressStatus::parse(status).map_err(corrupt)?,
        percent: u8::try_from(percent).map_err(corrupt)?,
        comment,
        submitted_on: parse_date("submitted_on", submitted_on).map_err(corrupt)?,
    })
}

/// True when a sqlx error is a unique-key violation.
fn is_unique_violation(error: &Error) -> bool {
    matches!(error, Error::Query { source, .. }
        if source.as_database_error().is_some_and(|e| e.is_unique_violation()))
}

impl Store {
    /// Creates a programme (with its problems, actions and progress, if any) in one
    /// transaction. With an idempotency key, a repeated request returns the programme the
    /// first one created; the same key with a different request is refused.
    pub async fn create_programme(
        &self,
        new: &NewProgramme,
        key: Option<&IdempotencyKey>,
        meta: &EventMeta,
    ) -> Result<Created> {
        if let Some(key) = key
            && let Some(found) = self.find_idempotent(key).await?
        {
            return Ok(found);
        }
        match self.insert_programme(new, key, meta).await {
            Err(error) if key.is_some() && is_unique_violation(&error) => {
                let key = key.ok_or(error)?;
                self.find_idempotent(key).await?.ok_or(Error::Conflict {
                    message: "the idempotency key was taken by a request that did not finish"
                        .to_owned(),
                })
            }
            other => other.map(Created::New),
        }
    }

    async fn find_idempotent(&self, key: &IdempotencyKey) -> Result<Option<Created>> {
        let found: Option<(String, i64)> = with_pool!(self, pool, DB => {
            sqlx::query_as("select request_sha256, programme_id from programme_idempotency where actor = $1 and idempotency_key = $2")
                .bind(&key.actor)
                .bind(&key.key)
                .fetch_optional(pool)
                .await
                .context("find idempotency key")?
        });
        match found {
            None => Ok(None),
            Some((hash, id)) if hash == key.request_sha256 => Ok(Some(Created::Replayed(id))),
            Some(_) => Err(Error::IdempotencyMismatch),
        }
    }

    async fn insert_programme(
        &self,
        new: &NewProgramme,
        key: Option<&IdempotencyKey>,
        meta: &EventMeta,
    ) -> Result<i64> {
        let created = json(&serde_json::json!({
            "region": new.region, "period": new.period.to_string(), "title": new.title,
            "status": new.status.as_str(), "amends": new.amends,
        }))?;
        let problems = new
            .problems
            .iter()
            .map(|p| Ok((p, json(&p.snapshot)?)))
            .collect::<Result<Vec<_>>>()?;
        let actions = new
            .actions
            .iter()
            .map(|a| Ok((a.id, json(&a.fields)?)))
            .collect::<Result<Vec<_>>>()?;
        with_pool!(self, pool, DB => {
            let mut tx = pool.begin().await.context("begin programme create")?;
            if let Some(original) = new.amends {
                let open: i64 = sqlx::query_scalar("select count(*) from programme where amends = $1 and status in ('draft', 'returned')")
                    .bind(original)
                    .fetch_one(&mut *tx)
                    .await
                    .context("find open amendments")?;
                if open > 0 {
                    return Err(Error::Conflict { message: format!("programme {original} already has an amendment in draft") });
                }
            }
            let id: i64 = sqlx::query_scalar(
                "insert into programme (region_kato, period, title, status, version, data_version, methodology_version, amends, synthetic, created_at, updated_at) \
                 values ($1, $2, $3, $4, 1, $5, $6, $7, $8, $9, $9) returning programme_id",
            )
            .bind(new.region.as_str())
            .bind(new.period.to_string())
            .bind(&new.title)
            .bind(new.status.as_str())
            .bind(new.data_version)
            .bind(&new.methodology_version)
            .bind(new.amends)
            .bind(new.synthetic)
            .bind(meta.at)
            .fetch_one(&mut *tx)
            .await
            .context("insert programme")?;
            for (problem, snapshot) in &problems {
                sqlx::query("insert into programme_problem (programme_id, problem_id, district_kato, school_id, name_kk, name_ru, snapshot) values ($1, $2, $3, $4, $5, $6, $7)")
                    .bind(id).bind(problem.id).bind(problem.unit.district.as_str()).bind(problem.unit.school.as_deref())
                    .bind(&problem.unit.name_kk).bind(&problem.unit.name_ru).bind(snapshot)
                    .execute(&mut *tx).await.context("insert problem")?;
            }
            for (action_id, fields) in &actions {
                sqlx::query("insert into programme_action (programme_id, action_id, fields) values ($1, $2, $3)")
                    .bind(id).bind(action_id).bind(fields)
                    .execute(&mut *tx).await.context("insert action")?;
            }
            for report in &new.progress {
                sqlx::query("insert into programme_progress (programme_id, action_id, quarter, report_id, status, percent, comment, submitted_on) values ($1, $2, $3, $4, $5, $6, $7, $8)")
                    .bind(id).bind(report.action_id).bind(report.quarter.to_string()).bind(report.id)
                    .bind(report.status.as_str()).bind(i64::from(report.percent)).bind(&report.comment).bind(format_date(report.submitted_on))
                    .execute(&mut *tx).await.context("insert progress")?;
            }
            sqlx::query("insert into programme_event (programme_id, version, at, token_id, role, kind, comment, before, after) values ($1, 1, $2, $3, $4, 'created', $5, null, $6)")
                .bind(id).bind(meta.at).bind(meta.token_id).bind(&meta.role).bind(&meta.comment).bind(&created)
                .execute(&mut *tx).await.context("insert programme event")?;
            if let Some(key) = key {
                sqlx::query("insert into programme_idempotency (actor, idempotency_key, request_sha256, programme_id, created_at) values ($1, $2, $3, $4, $5)")
                    .bind(&key.actor).bind(&key.key).bind(&key.request_sha256).bind(id).bind(meta.at)
                    .execute(&mut *tx).await.context("insert idempotency key")?;
            }
            tx.commit().await.context("commit programme create")?;
            Ok(id)
        })
    }

    /// Applies one change to programme `id` if its version is still `expected_version`;
    /// returns the new version. A stale version gives `Error::Stale` and changes nothing.
    pub async fn change_programme(
        &self,
        id: i64,
        expected_version: i64,
        change: &Change<'_>,
        meta: &EventMeta,
    ) -> Result<i64> {
        let (kind, before, after) = describe(change)?;
        let fields = match change {
            Change::AddAction(a) | Change::UpdateAction { after: a, .. } => Some(json(&a.fields)?),
            _ => None,
        };
        let new_version = expected_version + 1;
        with_pool!(self, pool, DB => {
            let mut tx = pool.begin().await.context("begin programme change")?;
            let bumped = sqlx::query("update programme set version = version + 1, updated_at = $1 where programme_id = $2 and version = $3")
                .bind(meta.at).bind(id).bind(expected_version)
                .execute(&mut *tx).await.context("raise programme version")?
                .rows_affected();
            if bumped == 0 {
                let current: Option<i64> = sqlx::query_scalar("select version from programme where programme_id = $1")
                    .bind(id).fetch_optional(&mut *tx).await.context("read programme version")?;
                return Err(current.map_or(Error::NotFound { id }, |current| Error::Stale { current }));
            }
            match change {
                Change::AddProblem(problem) => {
                    sqlx::query("insert into programme_problem (programme_id, problem_id, district_kato, school_id, name_kk, name_ru, snapshot) values ($1, $2, $3, $4, $5, $6, $7)")
                        .bind(id).bind(problem.id).bind(problem.unit.district.as_str()).bind(problem.unit.school.as_deref())
                        .bind(&problem.unit.name_kk).bind(&problem.unit.name_ru).bind(json(&problem.snapshot)?)
                        .execute(&mut *tx).await.context("insert problem")?;
                }
                Change::AddAction(action) => {
                    sqlx::query("insert into programme_action (programme_id, action_id, fields) values ($1, $2, $3)")
                        .bind(id).bind(action.id).bind(&fields)
                        .execute(&mut *tx).await.context("insert action")?;
                }
                Change::UpdateAction { after, .. } => {
                    sqlx::query("update programme_action set fields = $1 where programme_id = $2 and action_id = $3")
                        .bind(&fields).bind(id).bind(after.id)
                        .execute(&mut *tx).await.context("update action")?;
                }
                Change::Progress { after: report, .. } => {
                    sqlx::query("delete from programme_progress where programme_id = $1 and action_id = $2 and quarter = $3")
                        .bind(id).bind(report.action_id).bind(report.quarter.to_string())
                        .execute(&mut *tx).await.context("replace progress")?;
                    sqlx::query("insert into programme_progress (programme_id, action_id, quarter, report_id, status, percent, comment, submitted_on) values ($1, $2, $3, $4, $5, $6, $7, $8)")
                        .bind(id).bind(report.action_id).bind(report.quarter.to_string()).bind(report.id)
                        .bind(report.status.as_str()).bind(i64::from(report.percent)).bind(&report.comment).bind(format_date(report.submitted_on))
                        .execute(&mut *tx).await.context("insert progress")?;
                }
                Change::Transition { to, supersedes, .. } => {
                    sqlx::query("update programme set status = $1 where programme_id = $2")
                        .bind(to.as_str()).bind(id)
                        .execute(&mut *tx).await.context("set programme status")?;
                    if let Some(original) = supersedes {
                        let done = sqlx::query("update programme set status = 'superseded', version = version + 1, updated_at = $1 where programme_id = $2 and status in ('approved', 'acknowledged')")
                            .bind(meta.at).bind(original)
                            .execute(&mut *tx).await.context("supersede programme")?
                            .rows_affected();
                        if done == 0 {
                            return Err(Error::Conflict { message: format!("programme {original} is no longer approved or acknowledged") });
                        }
                        sqlx::query("insert into programme_event (programme_id, version, at, token_id, role, kind, comment, before, after) \
                                     select $1, version, $2, $3, $4, 'superseded', $5, null, $6 from programme where programme_id = $1")
                            .bind(original).bind(meta.at).bind(meta.token_id).bind(&meta.role).bind(&meta.comment).bind(id.to_string())
                            .execute(&mut *tx).await.context("insert supersede event")?;
                    }
                }
            }
            sqlx::query("insert into programme_event (programme_id, version, at, token_id, role, kind, comment, before, after) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
                .bind(id).bind(new_version).bind(meta.at).bind(meta.token_id).bind(&meta.role).bind(kind).bind(&meta.comment).bind(&before).bind(&after)
                .execute(&mut *tx).await.context("insert programme event")?;
            tx.commit().await.context("commit programme change")?;
            Ok::<(), Error>(())
        })?;
        self.programme_bodies
            .changed(id, expected_version, new_version, change);
        if let Change::Transition {
            supersedes: Some(original),
            ..
        } = change
        {
            self.programme_bodies.forget(*original);
        }
        Ok(new_version)
    }

    /// Programme `id` with its problems, actions and progress, or `None`. The header is
    /// always read; the contents come from [`ProgrammeBodies`] when its version is kept.
    pub async fn programme(&self, id: i64) -> Result<Option<StoredProgramme>> {
        let header = with_pool!(self, pool, DB => {
            let row = sqlx::query(sqlx::AssertSqlSafe(format!("select {HEADER_COLUMNS} from programme where programme_id = $1")))
                .bind(id).fetch_optional(pool).await.context("read programme")?;
            match row { Some(row) => Some(header_of!(row)), None => None }
        });
        match header {
            Some(header) => Ok(Some(self.complete(header).await?)),
            None => Ok(None),
        }
    }

    /// The programme of `header` with its contents, kept or read.
    async fn complete(&self, header: Header) -> Result<StoredProgramme> {
        let mut stored = header.into_programme()?;
        let (id, version) = (stored.programme.id, stored.programme.version);
        let contents = match self.programme_bodies.get(id, version) {
            Some(kept) => kept,
            None => {
                let contents = std::sync::Arc::new(self.read_contents(id).await?);
                if self.programme_version(id).await? == Some(version) {
                    self.programme_bodies.put(id, version, contents.clone());
                }
                contents
            }
        };
        let Contents {
            problems,
            actions,
            progress,
        } = (*contents).clone();
        stored.programme.problems = problems;
        stored.programme.actions = actions;
        stored.programme.progress = progress;
        Ok(stored)
    }

    /// The stored version of programme `id` (the contents just read belong to it only if it
    /// has not moved meanwhile).
    async fn programme_version(&self, id: i64) -> Result<Option<i64>> {
        with_pool!(self, pool, DB => {
            sqlx::query_scalar("select version from programme where programme_id = $1")
                .bind(id).fetch_optional(pool).await.context("read programme version")
        })
    }

    async fn read_contents(&self, id: i64) -> Result<Contents> {
        let mut contents = Contents::default();
        with_pool!(self, pool, DB => {
            for row in sqlx::query("select problem_id, district_kato, school_id, name_kk, name_ru, snapshot from programme_problem where programme_id = $1 order by problem_id")
                .bind(id).fetch_all(pool).await.context("read problems")? {
                let snapshot: String = row.try_get(5).context("decode problem")?;
                let district: String = row.try_get(1).context("decode problem")?;
                contents.problems.push(problem_of(row.try_get(0).context("decode problem")?, &district, row.try_get(2).context("decode problem")?, row.try_get(3).context("decode problem")?, row.try_get(4).context("decode problem")?, &snapshot)?);
            }
            for row in sqlx::query("select action_id, fields from programme_action where programme_id = $1 order by action_id")
                .bind(id).fetch_all(pool).await.context("read actions")? {
                let fields: String = row.try_get(1).context("decode action")?;
                contents.actions.push(action_of(row.try_get(0).context("decode action")?, &fields)?);
            }
            for row in sqlx::query("select report_id, action_id, quarter, status, percent, comment, submitted_on from programme_progress where programme_id = $1 order by action_id, quarter")
                .bind(id).fetch_all(pool).await.context("read progress")? {
                let quarter: String = row.try_get(2).context("decode progress")?;
                let status: String = row.try_get(3).context("decode progress")?;
                let submitted: String = row.try_get(6).context("decode progress")?;
                contents.progress.push(progress_of(row.try_get(0).context("decode progress")?, row.try_get(1).context("decode progress")?, &quarter, &status, row.try_get(4).context("decode progress")?, row.try_get(5).context("decode progress")?, &submitted)?);
            }
            Ok::<(), Error>(())
        })?;
        Ok(contents)
    }

    /// The programmes matching `filter`, in id order, each complete.
    pub async fn programmes(&self, filter: &ProgrammeFilter) -> Result<Vec<StoredProgramme>> {
        let region = filter.region.map(|r| r.as_str().to_owned());
        let status = filter.status.map(|s| s.as_str().to_owned());
        let headers: Vec<Header> = with_pool!(self, pool, DB => {
            let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
                "select {HEADER_COLUMNS} from programme where ($1 is null or region_kato = $1) and ($2 is null or status = $2) order by programme_id")))
                .bind(&region).bind(&status).fetch_all(pool).await.context("list programmes")?;
            let mut headers = Vec::with_capacity(rows.len());
            for row in rows { headers.push(header_of!(row)); }
            headers
        });
        let mut out = Vec::with_capacity(headers.len());
        for header in headers {
            out.push(self.complete(header).await?);
        }
        Ok(out)
    }

    /// The history of programme `id`, oldest first.
    pub async fn programme_events(&self, id: i64) -> Result<Vec<ProgrammeEvent>> {
        with_pool!(self, pool, DB => {
            let rows = sqlx::query("select event_id, version, at, token_id, role, kind, comment, before, after from programme_event where programme_id = $1 order by event_id")
                .bind(id).fetch_all(pool).await.context("read programme events")?;
            rows.into_iter().map(|row| -> Result<ProgrammeEvent> {
                Ok(ProgrammeEvent {
                    event_id: row.try_get(0).context("decode event")?,
                    version: row.try_get(1).context("decode event")?,
                    at: row.try_get(2).context("decode event")?,
                    token_id: row.try_get(3).context("decode event")?,
                    role: row.try_get(4).context("decode event")?,
                    kind: row.try_get(5).context("decode event")?,
                    comment: row.try_get(6).context("decode event")?,
                    before: row.try_get(7).context("decode event")?,
                    after: row.try_get(8).context("decode event")?,
                })
            }).collect()
        })
    }
}
