//! The demo's programmes (`serve --demo`): for the demo regions, programmes drafted from the
//! priority list as the region's akimat sees it (snapshots through the view layer), in
//! different states — a draft, an approved one with progress, a returned one and an
//! acknowledged one — every one marked synthetic and its assignments labelled as demo text.

use riskmap_model::{Audience, Kato, Period};
use riskmap_programme::{ProgrammePeriod, ProgressReport, ProgressStatus, Status};
use riskmap_store::{EventMeta, NewProgramme, ProgrammeFilter};
use time::OffsetDateTime;

use crate::AppState;
use crate::http::Error;
use crate::http::programmes::{catalogue, new_programme, next_in, suggested, suggestion};

/// The demo regions (Almaty city, where the demo's akimat token is, and Astana) and the state
/// of their programmes.
const DEMO: [(&str, Status, &str); 4] = [
    ("750000000", Status::Approved, "2025"),
    ("750000000", Status::Draft, "2026-H1"),
    ("710000000", Status::Acknowledged, "2025"),
    ("710000000", Status::Returned, "2025-H2"),
];

/// Fills the demo programmes unless the store holds programmes already; how many it stored.
pub async fn fill(state: &AppState) -> Result<usize, Error> {
    if !state
        .store
        .programmes(&ProgrammeFilter::default())
        .await?
        .is_empty()
    {
        return Ok(0);
    }
    let Some(quarter) = state.periods().await?.1.last().copied() else {
        return Ok(0);
    };
    let mut stored = 0;
    for (region, status, period) in DEMO {
        let region = Kato::parse(region).map_err(|e| Error::Internal {
            message: e.to_string(),
        })?;
        let period = ProgrammePeriod::parse(period).map_err(|e| Error::Internal {
            message: e.to_string(),
        })?;
        let new = demo_programme(state, region, period, status, quarter).await?;
        let meta = EventMeta {
            at: OffsetDateTime::now_utc(),
            token_id: None,
            role: "demo".to_owned(),
            comment: "Демо (синтетика)".to_owned(),
        };
        state.store.create_programme(&new, None, &meta).await?;
        stored += 1;
    }
    Ok(stored)
}

async fn demo_programme(
    state: &AppState,
    region: Kato,
    period: ProgrammePeriod,
    status: Status,
    quarter: Period,
) -> Result<NewProgramme, Error> {
    let audience = Audience::Regional {
        region,
        district: None,
    };
    let list = crate::view::priority::priority(state, &audience, region, quarter).await?;
    let name = state
        .geography
        .region(&region)
        .map(|r| r.names.ru.clone())
        .unwrap_or_default();
    let title = format!(
        "[Синтетические данные] Программа кризисного управления: {name}, {}",
        crate::http::programmes::period_words_ru(period)
    );
    let mut new = new_programme(state, region, period, title).await?;
    new.synthetic = true;
    new.status = status;
    let kinds = catalogue(state)?;
    for row in list.rows.iter().filter(|r| !r.triggers.is_empty()).take(5) {
        let (unit, snapshot) =
            crate::view::programme::school_problem(state, &audience, row, &list.model_version);
        let problem_id = next_in(&new);
        new.problems.push(riskmap_programme::Problem {
            id: problem_id,
            unit,
            snapshot,
        });
        for kind in suggested(
            kinds,
            &new.problems[new.problems.len() - 1].snapshot.triggers,
        ) {
            let mut fields = suggestion(kind, problem_id, period);
            fields.organisation = "Демо: управление образования (синтетика)".to_owned();
            fields.responsible = "Демо: ответственный (синтетика)".to_owned();
            fields.contact = "demo@example.invalid".to_owned();
            fields.funding_source = "Демо: местный бюджет".to_owned();
            fields.budget_tenge = 500_000 * u64::try_from(problem_id).unwrap_or(1);
            new.actions.push(riskmap_programme::Action {
                id: next_in(&new),
                fields,
            });
        }
    }
    if status.in_force() {
        add_progress(&mut new);
    }
    Ok(new)
}

/// One report per action for the programme's first quarter, on time, statuses in turn.
fn add_progress(new: &mut NewProgramme) {
    let Some(first) = new.period.quarters().first().copied() else {
        return;
    };
    let statuses = [
        ProgressStatus::OnTrack,
        ProgressStatus::Delayed,
        ProgressStatus::Done,
    ];
    let reports: Vec<ProgressReport> = new
        .actions
        .iter()
        .enumerate()
        .map(|(i, action)| ProgressReport {
            id: 10_000 + action.id,
            action_id: action.id,
            quarter: first,
            status: statuses[i % statuses.len()],
            percent: u8::try_from(20 + 30 * (i % 3)).unwrap_or(0),
            comment: "Демо (синтетика)".to_owned(),
            submitted_on: first.due_date(),
        })
        .collect();
    new.progress = reports;
}
