//! School rows as one reader may see them: only schools of districts the reader may see
//! (`Audience::may_see_schools_of`), each indicator over the rolling year disclosed by
//! the `Discloser` for the reader (exact for crisis teams in their districts and the
//! ministry; S2 counts as bands and no S2 rates for akimats), and — domain §4.3, a rule of the
//! policy (`Discloser::school_count_rate`) — no rates for akimats at small schools (`z`), only
//! counts and a "small school" tag. The JSON list and the schools tiles both read these rows.

use std::collections::HashMap;
use std::sync::Arc;

use super::discloser::Cell;
use riskmap_model::{
    AdminLevel, Audience, Disclosed, Kato, Measure, MeasureKind, MeasureValues, Period, School,
    Sensitivity,
};
use riskmap_store::SchoolScope;

use super::indicator::{DisclosedIndicator, Reader, disclose_values};
use super::sums::whole;
use crate::AppState;
use crate::http::Error;

/// Cache key: reader, region, quarter.
pub type SchoolsKey = (Audience, Kato, Option<Period>);

/// One school as the reader may see it.
#[derive(Debug, Clone)]
pub struct SchoolRow {
    /// The school.
    pub school: School,
    /// Pupils in the quarter.
    pub pupils: Disclosed<u64>,
    /// Fewer than 100 pupils.
    pub small: bool,
    /// Whether the school reported the quarter.
    pub reported: bool,
    /// Per catalogue indicator (catalogue order), over the rolling year.
    pub indicators: Vec<DisclosedIndicator>,
}

/// The visible schools of one region.
#[derive(Debug, Default)]
pub struct SchoolRows {
    /// In school-id order.
    pub rows: Vec<SchoolRow>,
}

/// Every school of `region` that `audience` may see, for the rolling year ending `period`.
pub async fn school_rows(
    state: &AppState,
    audience: &Audience,
    region: Kato,
    period: Option<Period>,
) -> Result<Arc<SchoolRows>, Error> {
    // Built from school records read now: keyed by the store's own data version.
    let version = state.store.cached_data_version();
    let key = (audience.clone(), region, period);
    state
        .views
        .schools
        .get_or_build(version, key, || async {
            let visible: Vec<School> = schools(state)
                .await?
                .iter()
                .filter(|s| s.region == region && audience.may_see_schools_of(&s.district))
                .cloned()
                .collect();
            if visible.is_empty() {
                return Ok(SchoolRows::default());
            }
            let quarters = period.map(|p| p.trailing(4)).unwrap_or_default();
            let values = state
                .store
                .school_period_values_in(SchoolScope::Region(&region), &quarters)
                .await?;
            let mut by_school: HashMap<&str, Vec<(Period, &MeasureValues)>> = HashMap::new();
            for row in &values {
                by_school
                    .entry(row.school.as_str())
                    .or_default()
                    .push((row.period, &row.values));
            }
            let rows = visible
                .into_iter()
                .map(|school| {
                    let quarters_of = by_school.get(school.id.as_str()).map_or(&[][..], |v| v);
                    school_row(state, audience, school, quarters_of, &quarters, period)
                })
                .collect();
            Ok(SchoolRows { rows })
        })
        .await
}

/// Every school in the store, per data version.
pub async fn schools(state: &AppState) -> Result<Arc<Vec<School>>, Error> {
    // Built from school records read now: keyed by the store's own data version.
    let version = state.store.cached_data_version();
    state
        .views
        .school_list
        .get_or_build(version, (), || async { Ok(state.store.schools().await?) })
        .await
}

fn school_row(
    state: &AppState,
    audience: &Audience,
    school: School,
    values: &[(Period, &MeasureValues)],
    quarters: &[Period],
    period: Option<Period>,
) -> SchoolRow {
    let latest = values.iter().find(|(p, _)| Some(*p) == period);
    let pupils = latest.and_then(|(_, v)| v.get(Measure::PupilsTotal));
    let discloser = &state.views.discloser;
    let small = discloser.small_school(pupils);
    let reader = Reader {
        discloser,
        audience,
        level: AdminLevel::School,
        unit: &school.district,
    };
    let indicators = state
        .catalogue
        .indicators
        .iter()
        .map(|indicator| {
            let mut shown = disclose_values(indicator, values, quarters, reader);
            if indicator.numerator.kind() == MeasureKind::Count {
                shown.value = discloser.school_count_rate(shown.value, pupils, audience);
            }
            shown
        })
        .collect();
    let cell = Cell {
        sensitivity: Sensitivity::S0,
        level: AdminLevel::School,
        unit: &school.district,
        audience,
    };
    let pupils = discloser.count_or_missing(pupils.map(whole), &cell);
    SchoolRow {
        pupils,
        small,
        reported: latest.is_some(),
        indicators,
        school,
    }
}
