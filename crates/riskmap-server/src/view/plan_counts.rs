//! The yearly counts behind plan progress (Resolution 748, expected results 1–3) as one
//! reader may see them: inside the reader's scope, exact counts of every complete calendar
//! year and of the observed part of the current one; outside it, the release's protected
//! calendar-year counts only — the observed part of an unfinished year is a window the
//! release never publishes (two of them would difference to a quarter).

use super::discloser::{Cell, Discloser};
use riskmap_model::{AdminLevel, Audience, Disclosed, Kato, Measure, Period};

use super::release::{Release, complete_years, quarters_of};
use super::sums::{LevelSums, whole};

/// One series' counts for one unit.
#[derive(Debug, Clone)]
pub struct PlanCounts {
    /// Every complete calendar year with data, oldest first.
    pub complete: Vec<(u16, Disclosed<u64>)>,
    /// The observed part of the period's year (`None`: not visible to the reader).
    pub observed: Option<Disclosed<u64>>,
    /// Quarters of the period's year up to the period with data.
    pub quarters_observed: u8,
}

/// Where the counts come from.
#[derive(Debug, Clone, Copy)]
pub struct PlanSource<'a> {
    /// Disclosure thresholds.
    pub discloser: &'a super::Discloser,
    /// The reader.
    pub audience: &'a Audience,
    /// The level's sums.
    pub sums: &'a LevelSums,
    /// The release.
    pub release: &'a Release,
    /// Quarters with data.
    pub available: &'a [Period],
}

/// The counts of every plan series (`methodology.toml` order) for `unit` at `level` and for
/// the country, in the year of `period`, as `audience` may see them.
pub async fn unit_and_national(
    state: &crate::AppState,
    audience: &Audience,
    level: AdminLevel,
    unit: &Kato,
    period: Period,
    available: &[Period],
) -> Result<Vec<(PlanCounts, PlanCounts)>, crate::http::Error> {
    let release = super::release(state).await?;
    let own_sums = super::level_sums(state, level).await?;
    let national_sums = super::level_sums(state, AdminLevel::Country).await?;
    let source = |sums| PlanSource {
        discloser: &state.views.discloser,
        audience,
        sums,
        release: &release,
        available,
    };
    let country = super::country();
    Ok(riskmap_score::methodology::Methodology::builtin()
        .plan
        .series
        .iter()
        .map(|series| {
            (
                plan_counts(source(&own_sums), level, unit, series.measure, period),
                plan_counts(
                    source(&national_sums),
                    AdminLevel::Country,
                    &country,
                    series.measure,
                    period,
                ),
            )
        })
        .collect())
}

/// The counts of `measure` for `unit` at `level` in the year of `period`.
pub fn plan_counts(
    source: PlanSource<'_>,
    level: AdminLevel,
    unit: &Kato,
    measure: Measure,
    period: Period,
) -> PlanCounts {
    let observed_quarters: Vec<Period> = source
        .available
        .iter()
        .copied()
        .filter(|p| p.year() == period.year() && *p <= period)
        .collect();
    #[allow(clippy::cast_possible_truncation, reason = "at most four quarters")]
    let quarters_observed = observed_quarters.len() as u8;
    let years = complete_years(source.available);
    if source.audience.in_scope(level, unit) {
        let cell = Cell {
            sensitivity: measure.sensitivity(),
            level,
            unit,
            audience: source.audience,
        };
        let exact = |quarters: &[Period]| {
            source
                .sums
                .total(unit, measure, quarters)
                .map(|v| source.discloser.count(whole(v), &cell))
        };
        return PlanCounts {
            complete: years
                .iter()
                .filter_map(|&y| exact(&quarters_of(y)).map(|c| (y, c)))
                .collect(),
            observed: exact(&observed_quarters),
            quarters_observed,
        };
    }
    let released = |year: u16| -> Option<Disclosed<u64>> {
        let release = source.release.year(year)?;
        let counts = match level {
            AdminLevel::Country => &release.country.counts,
            AdminLevel::Region => &release.regions.get(unit)?.counts,
            AdminLevel::District | AdminLevel::School => return Some(Discloser::withheld()),
        };
        counts.get(&measure).copied()
    };
    PlanCounts {
        complete: years
            .iter()
            .filter_map(|&y| released(y).map(|c| (y, c)))
            .collect(),
        observed: (quarters_observed == 4)
            .then(|| released(period.year()))
            .flatten(),
        quarters_observed,
    }
}
