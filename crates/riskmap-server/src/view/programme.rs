//! Programme snapshots through the view layer. A problem's snapshot freezes what the creating
//! reader's map showed for the unit — the district's row of `view::table` (indicators,
//! composite, drivers) or the school's row of the priority view (counts, composite, triggers,
//! drivers) — as disclosed values with the reader's access (`riskmap_model::Frozen`). A frozen
//! value is shown to any later reader only through `Discloser::redisclose_*` with that
//! reader's cell, so a programme never shows a reader more than its rules allow, nor more than
//! its creator saw.

use super::discloser::Cell;
use riskmap_model::{AdminLevel, Audience, Disclosed, Frozen, Kato, Period, Sensitivity};
use riskmap_programme::programme::FrozenNumber;
use riskmap_programme::{Problem, ProblemUnit, Snapshot, SnapshotValue};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::priority::ShownRow;
use crate::AppState;
use crate::http::Error;

/// The composite is frozen as an S1 quantity: it is built from S1 and S2 values, so outside
/// the creator's scope it is withheld unless it was frozen from the published release.
const COMPOSITE_SENSITIVITY: Sensitivity = Sensitivity::S1;

/// A frozen value as one reader may see it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ShownFrozen {
    /// A count.
    Count(Disclosed<u64>),
    /// A rate, score or quantity.
    Rate(Disclosed<f64>),
}

fn sensitivity_of(text: &str) -> Sensitivity {
    Sensitivity::parse(text).unwrap_or(Sensitivity::S2)
}

fn level_of(problem: &Problem) -> AdminLevel {
    if problem.unit.school.is_some() {
        AdminLevel::School
    } else {
        AdminLevel::District
    }
}

/// Shows `value` of `problem` to `audience`.
pub fn show(
    state: &AppState,
    audience: &Audience,
    problem: &Problem,
    value: &SnapshotValue,
) -> ShownFrozen {
    let cell = Cell {
        sensitivity: sensitivity_of(&value.sensitivity),
        level: level_of(problem),
        unit: &problem.unit.district,
        audience,
    };
    let discloser = &state.views.discloser;
    match &value.number {
        FrozenNumber::Count { frozen } => {
            ShownFrozen::Count(discloser.redisclose_count(frozen, &cell))
        }
        FrozenNumber::Rate { frozen } => {
            ShownFrozen::Rate(discloser.redisclose_rate(frozen, &cell))
        }
    }
}

fn now_text() -> String {
    OffsetDateTime::now_utc()
        .format(&Rfc3339)
        .unwrap_or_default()
}

/// The snapshot of a district as `audience` sees it in the district table at `period`, with
/// the triggers fired in the priority list of its schools that the reader may see.
pub async fn district_problem(
    state: &AppState,
    audience: &Audience,
    district: Kato,
    period: Period,
) -> Result<(ProblemUnit, Snapshot), Error> {
    let geo = state
        .geography
        .district(&district)
        .ok_or_else(|| Error::NotFound {
            code: "unknown_unit",
            message: format!("no district with KATO {district}"),
        })?;
    let table = super::table(state, audience, AdminLevel::District, Some(period)).await?;
    let unit = table.unit(&district).ok_or_else(|| Error::NotFound {
        code: "unknown_unit",
        message: format!("district {district} has no row at {period}"),
    })?;
    let mut values = Vec::new();
    for (indicator, shown) in state.catalogue.indicators.iter().zip(&unit.indicators) {
        let cell = Cell {
            sensitivity: indicator.sensitivity,
            level: AdminLevel::District,
            unit: &district,
            audience,
        };
        values.push(frozen_rate(
            &indicator.code,
            indicator.sensitivity,
            shown.value,
            &cell,
        ));
        values.push(frozen_count(
            &format!("{}.numerator", indicator.code),
            indicator.sensitivity,
            shown.numerator,
            &cell,
        ));
    }
    // Frozen as the view disclosed it, with the access an S1 cell gives this reader.
    let cell = Cell {
        sensitivity: COMPOSITE_SENSITIVITY,
        level: AdminLevel::District,
        unit: &district,
        audience,
    };
    values.push(frozen_rate(
        "composite",
        COMPOSITE_SENSITIVITY,
        unit.composite.disclosed.score,
        &cell,
    ));
    let triggers = if audience.may_see_schools_of(&district) {
        let list = super::priority::priority(state, audience, district, period).await?;
        distinct_triggers(list.rows.iter())
    } else {
        Vec::new()
    };
    let snapshot = Snapshot {
        taken_at: now_text(),
        data_version: state.store.cached_data_version(),
        data_quarter: period.to_string(),
        methodology_version: riskmap_score::methodology::Methodology::builtin()
            .version
            .clone(),
        rank: unit
            .composite
            .disclosed
            .rank
            .and_then(|r| u32::try_from(r).ok()),
        triggers,
        drivers: unit
            .composite
            .drivers
            .iter()
            .map(|d| d.code.clone())
            .collect(),
        values,
    };
    let problem_unit = ProblemUnit {
        district,
        school: None,
        name_kk: geo.names.kk.clone(),
        name_ru: geo.names.ru.clone(),
    };
    Ok((problem_unit, snapshot))
}

/// The triggers fired in `rows`, each once, in trigger order.
fn distinct_triggers<'a>(rows: impl Iterator<Item = &'a ShownRow>) -> Vec<String> {
    let mut fired: Vec<_> = rows.flat_map(|r| r.triggers.iter().copied()).collect();
    fired.sort_by_key(|t| *t as u8);
    fired.dedup();
    fired.iter().map(|t| trigger_name(*t).to_owned()).collect()
}

/// The snake-case name of a trigger (the catalogue's `answers`).
pub fn trigger_name(trigger: riskmap_score::priority::triggers::Trigger) -> &'static str {
    use riskmap_score::priority::triggers::Trigger;
    match trigger {
        Trigger::TopQuintile => "top_quintile",
        Trigger::S2Event => "s2_event",
        Trigger::Cluster => "cluster",
        Trigger::Exceedance => "exceedance",
        Trigger::CopingGap => "coping_gap",
        Trigger::Backlog => "backlog",
        Trigger::DataSilence => "data_silence",
        Trigger::ForecastExceedance => "forecast_exceedance",
    }
}

/// The snapshot of a school from its row of the priority view `audience` sees.
pub fn school_problem(
    state: &AppState,
    audience: &Audience,
    row: &ShownRow,
    model_version: &str,
) -> (ProblemUnit, Snapshot) {
    let district = row.school.district;
    let cell = |sensitivity| Cell {
        sensitivity,
        level: AdminLevel::School,
        unit: &district,
        audience,
    };
    let discloser = &state.views.discloser;
    let composite = discloser.quantity_or_missing(row.composite, &cell(COMPOSITE_SENSITIVITY));
    let values = vec![
        frozen_count(
            "pupils",
            Sensitivity::S0,
            row.pupils,
            &cell(Sensitivity::S0),
        ),
        frozen_count(
            "viol_total",
            Sensitivity::S1,
            row.viol_total,
            &cell(Sensitivity::S1),
        ),
        frozen_count(
            "bullying_cases",
            Sensitivity::S1,
            row.bullying,
            &cell(Sensitivity::S1),
        ),
        frozen_count(
            "s2_events",
            Sensitivity::S2,
            row.s2_events,
            &cell(Sensitivity::S2),
        ),
        frozen_rate(
            "psych_gap_fte",
            Sensitivity::S0,
            row.psych_gap_fte,
            &cell(Sensitivity::S0),
        ),
        frozen_rate(
            "composite",
            COMPOSITE_SENSITIVITY,
            composite,
            &cell(COMPOSITE_SENSITIVITY),
        ),
    ];
    let snapshot = Snapshot {
        taken_at: now_text(),
        data_version: state.store.cached_data_version(),
        data_quarter: row.data_quarter.to_string(),
        methodology_version: model_version.to_owned(),
        rank: u32::try_from(row.rank).ok(),
        triggers: row
            .triggers
            .iter()
            .map(|t| trigger_name(*t).to_owned())
            .collect(),
        drivers: row.drivers.clone(),
        values,
    };
    let unit = ProblemUnit {
        district,
        school: Some(row.school.id.as_str().to_owned()),
        name_kk: row.school.name_kk.clone(),
        name_ru: row.school.name_ru.clone(),
    };
    (unit, snapshot)
}

fn frozen_count(
    code: &str,
    sensitivity: Sensitivity,
    value: Disclosed<u64>,
    cell: &Cell<'_>,
) -> SnapshotValue {
    SnapshotValue {
        code: code.to_owned(),
        sensitivity: sensitivity.as_str().to_owned(),
        number: FrozenNumber::Count {
            frozen: Frozen::freeze(value, cell),
        },
    }
}

fn frozen_rate(
    code: &str,
    sensitivity: Sensitivity,
    value: Disclosed<f64>,
    cell: &Cell<'_>,
) -> SnapshotValue {
    SnapshotValue {
        code: code.to_owned(),
        sensitivity: sensitivity.as_str().to_owned(),
        number: FrozenNumber::Rate {
            frozen: Frozen::freeze(value, cell),
        },
    }
}
