//! The review of a programme's problems for one reader (issue 15): for each district problem
//! and each indicator its actions should move, the value frozen in the snapshot (shown through
//! `programme::show`, so never more than the reader may see) and the value now in the
//! reader's own district, region and country tables at the latest quarter, with the plan's
//! −5 %/year line from `riskmap_programme::review`. Descriptive only. School problems are not
//! reviewed here: their snapshot holds the school's counts, not the indicator's rate.

use riskmap_model::{AdminLevel, Audience, Period};
use riskmap_programme::review::{ReviewInput, ReviewRow, review};
use riskmap_programme::{Problem, Programme};

use super::programme::{ShownFrozen, show};
use super::table::UnitTable;
use crate::AppState;
use crate::http::Error;

/// One reviewed indicator of one problem.
#[derive(Debug, Clone)]
pub struct Reviewed {
    /// The problem.
    pub problem_id: i64,
    /// The review's row (values as the reader may see them).
    pub row: ReviewRow,
}

/// The tables "now" is read from.
struct Now {
    period: Period,
    districts: std::sync::Arc<UnitTable>,
    regions: std::sync::Arc<UnitTable>,
    country: std::sync::Arc<UnitTable>,
}

/// The review of every district problem of `programme` for `audience`; empty before any data.
pub async fn programme_review(
    state: &AppState,
    audience: &Audience,
    programme: &Programme,
) -> Result<Vec<Reviewed>, Error> {
    let (_, periods) = state.periods().await?;
    let Some(&period) = periods.last() else {
        return Ok(Vec::new());
    };
    let table = |level| super::table(state, audience, level, Some(period));
    let now = Now {
        period,
        districts: table(AdminLevel::District).await?,
        regions: table(AdminLevel::Region).await?,
        country: table(AdminLevel::Country).await?,
    };
    let mut out = Vec::new();
    for problem in programme
        .problems
        .iter()
        .filter(|p| p.unit.school.is_none())
    {
        for code in indicators_of(programme, problem.id) {
            if let Some(row) = reviewed(state, audience, &now, problem, &code) {
                out.push(Reviewed {
                    problem_id: problem.id,
                    row,
                });
            }
        }
    }
    Ok(out)
}

/// The indicators the actions addressing problem `id` should move, each once, in action order.
fn indicators_of(programme: &Programme, id: i64) -> Vec<String> {
    let mut codes: Vec<String> = Vec::new();
    for action in programme
        .actions
        .iter()
        .filter(|a| a.fields.problems.contains(&id))
    {
        if !codes.contains(&action.fields.indicator) {
            codes.push(action.fields.indicator.clone());
        }
    }
    codes
}

fn reviewed(
    state: &AppState,
    audience: &Audience,
    now: &Now,
    problem: &Problem,
    code: &str,
) -> Option<ReviewRow> {
    let index = state
        .catalogue
        .indicators
        .iter()
        .position(|i| i.code == code)?;
    let value_in = |table: &UnitTable, kato| {
        table
            .unit(&kato)
            .and_then(|u| u.indicators.get(index))
            .and_then(|i| i.value.value())
    };
    let snapshot = &problem.snapshot;
    let at_snapshot = snapshot
        .values
        .iter()
        .find(|v| v.code == code)
        .and_then(|v| match show(state, audience, problem, v) {
            ShownFrozen::Rate(rate) => rate.value(),
            ShownFrozen::Count(_) => None,
        });
    let quarters = Period::parse(&snapshot.data_quarter)
        .map(|from| {
            Period::range_inclusive(from, now.period)
                .len()
                .saturating_sub(1)
        })
        .unwrap_or(0);
    #[allow(clippy::cast_precision_loss, reason = "a few quarters")]
    let years = quarters as f64 / 4.0;
    Some(review(&ReviewInput {
        code: code.to_owned(),
        at_snapshot,
        now: value_in(&now.districts, problem.unit.district),
        years,
        national_now: value_in(&now.country, super::country()),
        regional_now: value_in(&now.regions, problem.unit.district.region()),
    }))
}
