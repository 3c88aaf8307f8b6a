//! The crisis teams' priority list (domain §5.4) as one reader may see it: the schools of one
//! region or district that the reader may see, scored and ranked by
//! `riskmap_score::priority` from their last eight quarters (only those schools take part, so
//! nothing outside the reader's scope moves a rank), and each row's numbers disclosed for the
//! reader: S1 counts exact, S2 counts exact only where the reader sees them exactly (bands for
//! akimats), pupils and staffing through the `Discloser`, contacts only for crisis teams
//! and the ministry. Kept per (reader, unit, quarter) and data version; every format (JSON,
//! CSV, XLSX, GeoJSON) reads these rows.
//!
//! Trigger 8 (forecast exceedance) reads the next-quarter district forecasts of the S1 event
//! indicators from the fit of the reader's own exact scope (`forecast.rs`), only when the list's
//! quarter is the last one fitted; so an akimat's list depends on no count outside its region,
//! and readers share a scoring only when they share both the schools and that scope.

use std::collections::HashMap;
use std::sync::Arc;

use super::discloser::{Cell, Discloser};
use riskmap_model::{
    AdminLevel, Audience, Disclosed, Kato, Period, School, SchoolId, Sensitivity, Settlement,
};
use riskmap_score::composite::{Submission, UnitPeriodInput, score_period};
use riskmap_score::methodology::Methodology;
use riskmap_score::priority::row::{Identity, Place};
use riskmap_score::priority::triggers::{DistrictForecast, Trigger};
use riskmap_score::priority::{SchoolProfile, priority_lists_with_forecasts, reads};
use riskmap_store::SchoolScope;

use super::scored::{ScoredList, ScoredRow};
use super::sums::whole;
use crate::AppState;
use crate::http::Error;

/// Cache key: reader, region or district, quarter.
pub type PriorityKey = (Audience, Kato, Period);

/// Cache key of a list before disclosure: region or district, quarter, a hash of the schools
/// taken part and a hash of the reader's exact S1 district scope (the forecasts' fit; readers
/// who see the same schools and the same scope share one scoring).
pub type ScoredKey = (Kato, Period, u64, u64);

/// One work contact of a school (restricted: crisis teams and the ministry only).
#[derive(Debug, Clone, PartialEq)]
pub struct ShownContact {
    /// Contract role code (`director`, `psychologist`, …).
    pub role: String,
    /// Full name.
    pub full_name: String,
    /// Work phone.
    pub work_phone: Option<String>,
    /// Work e-mail.
    pub work_email: Option<String>,
}

/// The list as the reader may see it.
#[derive(Debug)]
pub struct PriorityView {
    /// The quarter.
    pub period: Period,
    /// Methodology version.
    pub model_version: String,
    /// Rows in priority order.
    pub rows: Vec<ShownRow>,
}

/// One school of the list.
#[derive(Debug, Clone)]
pub struct ShownRow {
    /// 1-based position.
    pub rank: usize,
    /// The school.
    pub school: School,
    /// Its district's names.
    pub district_name_kk: String,
    /// Its district's names.
    pub district_name_ru: String,
    /// Urban or rural.
    pub settlement: Settlement,
    /// Pupils.
    pub pupils: Disclosed<u64>,
    /// Composite 0–10 of the school.
    pub composite: Option<f64>,
    /// Quintile of the composite within the listed schools.
    pub quintile_region: Option<u8>,
    /// P(S1 rate > the national rate).
    pub p_exceed: Option<f64>,
    /// Fired triggers, in trigger order.
    pub triggers: Vec<Trigger>,
    /// Codes of the top drivers.
    pub drivers: Vec<String>,
    /// Violence cases in the quarter.
    pub viol_total: Disclosed<u64>,
    /// Bullying cases in the quarter.
    pub bullying: Disclosed<u64>,
    /// Suicides, attempts and self-harm in the quarter.
    pub s2_events: Disclosed<u64>,
    /// Whether `s2_events` is exact for the reader.
    pub s2_exact: bool,
    /// Psychologist posts missing.
    pub psych_gap_fte: Disclosed<f64>,
    /// Whether the reader may see contacts.
    pub contacts_visible: bool,
    /// The school's work contacts in effect today (empty unless `contacts_visible`).
    pub contacts: Vec<ShownContact>,
    /// The quarter of the data.
    pub data_quarter: Period,
}

/// The list of the schools of `parent` (a region or district) that `audience` may see.
pub async fn priority(
    state: &AppState,
    audience: &Audience,
    parent: Kato,
    period: Period,
) -> Result<Arc<PriorityView>, Error> {
    // Built from school records read now: keyed by the store's own data version.
    let version = state.store.cached_data_version();
    state
        .views
        .priority
        .get_or_build(version, (audience.clone(), parent, period), || async {
            let schools = visible_schools(state, audience, parent).await?;
            let key = scored_key(state, audience, parent, period, &schools);
            let list = state
                .views
                .scored
                .get_or_build(version, key, || async {
                    let forecasts = district_forecasts(state, audience, period).await?;
                    let mut lists =
                        build_lists(state, parent, &schools, period, vec![forecasts]).await?;
                    lists.pop().ok_or_else(|| Error::Internal {
                        message: "priority list: nothing scored".to_owned(),
                    })
                })
                .await?;
            disclose(state, audience, period, &schools, &list).await
        })
        .await
}

/// The key of the scored list `audience` reads for `parent` at `period`, given the schools it
/// may see there.
pub(super) fn scored_key(
    state: &AppState,
    audience: &Audience,
    parent: Kato,
    period: Period,
    schools: &[School],
) -> ScoredKey {
    let scope = s1_district_scope(state, audience);
    (parent, period, school_set_hash(schools), scope_hash(&scope))
}

/// The schools of `parent` (a region or district) that `audience` may see, in store order.
pub(super) async fn visible_schools(
    state: &AppState,
    audience: &Audience,
    parent: Kato,
) -> Result<Vec<School>, Error> {
    Ok(super::schools::schools(state)
        .await?
        .iter()
        .filter(|s| s.district == parent || s.region == parent)
        .filter(|s| audience.may_see_schools_of(&s.district))
        .cloned()
        .collect())
}

/// A scored list's rows as `audience` may see them, with contacts where it may see those.
async fn disclose(
    state: &AppState,
    audience: &Audience,
    period: Period,
    schools: &[School],
    list: &ScoredList,
) -> Result<PriorityView, Error> {
    let located: HashMap<&str, &School> = schools.iter().map(|s| (s.id.as_str(), s)).collect();
    let listed: Vec<(&ScoredRow, &School)> = list
        .rows
        .iter()
        .filter_map(|row| Some((row, *located.get(row.school.as_str())?)))
        .collect();
    let mut contacts = if contacts_visible(audience) {
        let ids: Vec<&SchoolId> = listed.iter().map(|(_, school)| &school.id).collect();
        contacts_by_school(state, &ids).await?
    } else {
        HashMap::new()
    };
    let rows = listed
        .into_iter()
        .map(|(row, school)| {
            let mut shown = shown_row(state, audience, row, school);
            shown.contacts = contacts.remove(school.id.as_str()).unwrap_or_default();
            shown
        })
        .collect();
    Ok(PriorityView {
        period,
        model_version: list.model_version.clone(),
        rows,
    })
}

/// Whether `audience` may see schools' work contacts: crisis teams and the ministry.
pub fn contacts_visible(audience: &Audience) -> bool {
    matches!(audience, Audience::Crisis { .. } | Audience::Ministry)
}

/// The work contacts in effect today (Kazakhstan's date) of the listed schools `ids`, by
/// school id.
async fn contacts_by_school(
    state: &AppState,
    ids: &[&SchoolId],
) -> Result<HashMap<String, Vec<ShownContact>>, Error> {
    let today = riskmap_model::period::kazakhstan_date(time::OffsetDateTime::now_utc());
    let mut by_school: HashMap<String, Vec<ShownContact>> = HashMap::new();
    for contact in state.store.contacts_of_schools(ids, today).await? {
        by_school
            .entry(contact.school.as_str().to_owned())
            .or_default()
            .push(ShownContact {
                role: contact.role,
                full_name: contact.full_name,
                work_phone: contact.work_phone,
                work_email: contact.work_email,
            });
    }
    Ok(by_school)
}

/// A hash of the ids of `schools` (their order is the store's, the same for every reader).
fn school_set_hash(schools: &[School]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    for school in schools {
        school.id.as_str().hash(&mut hasher);
    }
    hasher.finish()
}

/// The districts `audience` sees S1 counts of exactly, geography order.
fn s1_district_scope(state: &AppState, audience: &Audience) -> Vec<Kato> {
    state
        .geography
        .districts()
        .iter()
        .map(|d| d.kato)
        .filter(|d| audience.sees_exact(Sensitivity::S1, AdminLevel::District, d))
        .collect()
}

fn scope_hash(scope: &[Kato]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    scope.hash(&mut hasher);
    hasher.finish()
}

/// The next-quarter forecasts of every S1 event indicator for the districts `audience` sees
/// exactly, from the fit of that scope, when `period` is the last quarter fitted.
async fn district_forecasts(
    state: &AppState,
    audience: &Audience,
    period: Period,
) -> Result<HashMap<Kato, Vec<DistrictForecast>>, Error> {
    use super::forecast::{exact_scope, is_event_indicator, scope_forecast};
    let mut out: HashMap<Kato, Vec<DistrictForecast>> = HashMap::new();
    for (k, indicator) in state.catalogue.indicators.iter().enumerate() {
        if indicator.sensitivity != Sensitivity::S1 || !is_event_indicator(indicator) {
            continue;
        }
        let scope = exact_scope(state, audience, AdminLevel::District, indicator);
        if scope.is_empty() {
            continue;
        }
        let fit = scope_forecast(state, AdminLevel::District, k, scope).await?;
        let Some(next) = fit.next.filter(|n| *n == period.next()) else {
            continue;
        };
        for unit in &fit.units {
            let Some((outlook, target)) = unit.outlook.as_ref().zip(unit.target) else {
                continue;
            };
            if let Some(probability) = outlook.exceedance[0] {
                out.entry(unit.kato).or_default().push(DistrictForecast {
                    indicator: indicator.code.clone(),
                    quarter: next,
                    mean: outlook.mean,
                    target,
                    probability,
                });
            }
        }
    }
    Ok(out)
}

/// Scores the list of every region at `period` for the ministry and for the region's akimat
/// (same schools, but the forecasts of its own scope), so that their first requests find it
/// built; one region more at a time than there are cores (reading waits on the store), the
/// regions with most schools first.
pub async fn warm_regions(state: &AppState, period: Period) -> Result<(), Error> {
    // One more region in flight than cores: a region's read waits on the store's thread
    // while another's scoring runs (measured at 10x schools on 2 cores: 3 lanes beat 2 and 4).
    let lanes = std::thread::available_parallelism().map_or(2, usize::from) + 1;
    let permits = Arc::new(tokio::sync::Semaphore::new(lanes));
    let mut builds = tokio::task::JoinSet::new();
    // A spawned task does not inherit the warm-up's data version: each is given it.
    let version = state.version();
    for region in largest_first(state).await? {
        let (state, permits) = (state.clone(), permits.clone());
        builds.spawn(async move {
            let _lane = permits.acquire_owned().await;
            state
                .warming(version, warm_region(&state, region, period))
                .await
        });
    }
    while let Some(build) = builds.join_next().await {
        build.map_err(|e| Error::Internal {
            message: format!("priority warm-up task failed: {e}"),
        })??;
    }
    Ok(())
}

/// The regions in descending number of schools: the longest builds start first, so that the
/// warm-up does not end with one large region on one core while the other cores wait.
async fn largest_first(state: &AppState) -> Result<Vec<Kato>, Error> {
    let schools = super::schools::schools(state).await?;
    let mut per_region: HashMap<Kato, usize> = HashMap::new();
    for school in schools.iter() {
        *per_region.entry(school.region).or_insert(0) += 1;
    }
    let mut regions: Vec<Kato> = state.geography.regions().iter().map(|r| r.kato).collect();
    regions.sort_by_key(|r| std::cmp::Reverse(per_region.get(r).copied().unwrap_or(0)));
    Ok(regions)
}

/// The ministry's and the akimat's lists of one region: the schools' quarters are read and
/// scored once, the scored lists are kept (the warm snapshot saves them) and each reader's list
/// is disclosed from its own, scored with its own forecasts.
async fn warm_region(state: &AppState, region: Kato, period: Period) -> Result<(), Error> {
    let version = state.store.cached_data_version();
    if let Some(keys) = warm_keys(state, region, period).await? {
        let missing = keys
            .iter()
            .any(|(_, key)| state.views.scored.peek(version, key).is_none());
        if missing {
            let mut forecast_sets = Vec::new();
            for (reader, _) in &keys {
                forecast_sets.push(district_forecasts(state, reader, period).await?);
            }
            let schools = visible_schools(state, &Audience::Ministry, region).await?;
            let lists = build_lists(state, region, &schools, period, forecast_sets).await?;
            for ((_, key), list) in keys.into_iter().zip(lists) {
                state
                    .views
                    .scored
                    .get_or_build(version, key, || async { Ok::<_, Error>(list) })
                    .await?;
            }
        }
    }
    for reader in warm_readers(region) {
        priority(state, &reader, region, period).await?;
    }
    Ok(())
}

/// The readers whose lists of `region` are kept warm: the ministry and the region's akimat.
pub(super) fn warm_readers(region: Kato) -> [Audience; 2] {
    let akimat = Audience::Regional {
        region,
        district: None,
    };
    [Audience::Ministry, akimat]
}

/// The scored-list key of each warm reader of `region` at `period`, when both see every
/// school of the region (so one reading and scoring serves both); `None` otherwise.
pub(super) async fn warm_keys(
    state: &AppState,
    region: Kato,
    period: Period,
) -> Result<Option<Vec<(Audience, ScoredKey)>>, Error> {
    let all = super::schools::schools(state).await?;
    let schools: Vec<School> = all.iter().filter(|s| s.region == region).cloned().collect();
    let readers = warm_readers(region);
    let seen_by_all = readers.iter().all(|reader| {
        schools
            .iter()
            .all(|s| reader.may_see_schools_of(&s.district))
    });
    Ok(seen_by_all.then(|| {
        readers
            .into_iter()
            .map(|reader| {
                let key = scored_key(state, &reader, region, period, &schools);
                (reader, key)
            })
            .collect()
    }))
}

/// The lists of the schools of `parent` at `period`, one per set of district forecasts: the
/// schools' quarters the lists read are read once, each with the measures read from it
/// (`reads`), and `period` is scored once for all of them.
async fn build_lists(
    state: &AppState,
    parent: Kato,
    schools: &[School],
    period: Period,
    forecast_sets: Vec<HashMap<Kato, Vec<DistrictForecast>>>,
) -> Result<Vec<ScoredList>, Error> {
    let started = std::time::Instant::now();
    let methodology = priority_methodology();
    let region = parent.region();
    let wanted: HashMap<&str, &School> = schools.iter().map(|s| (s.id.as_str(), s)).collect();
    let mut records: Vec<UnitPeriodInput> = Vec::new();
    for (quarters, measures) in reads(&methodology, period) {
        let read = state
            .store
            .school_period_measures_in(SchoolScope::Region(&region), &quarters, &measures)
            .await?;
        records.extend(read.into_iter().filter_map(|v| {
            let school = wanted.get(v.record.school.as_str())?;
            let on_time = v.record.period.is_on_time(v.first_submitted_at);
            Some(UnitPeriodInput {
                unit: v.record.school.as_str().to_owned(),
                region: school.region.as_str().to_owned(),
                parent: Some(school.district.as_str().to_owned()),
                period: v.record.period,
                submission: if on_time {
                    Submission::OnTime
                } else {
                    Submission::Late
                },
                measures: v.record.values,
            })
        }));
    }
    let profiles: Vec<SchoolProfile> = schools.iter().map(|s| profile(state, s)).collect();
    let read = started.elapsed();
    tokio::task::spawn_blocking(move || {
        // Only the list's quarter is scored: the rows read its composite alone (the sparkline
        // and the previous quarter's composite of `HotspotRow` are not in `ScoredRow`).
        let scores: Vec<_> = score_period(&methodology, &records, period)?
            .into_iter()
            .collect();
        let scored = started.elapsed();
        let sets: Vec<_> = forecast_sets.iter().collect();
        let lists = priority_lists_with_forecasts(
            &methodology,
            period,
            &profiles,
            &records,
            &scores,
            &sets,
        )
        .map(|lists| lists.iter().map(ScoredList::of).collect::<Vec<_>>());
        tracing::debug!(
            read_ms = read.as_millis(),
            scored_ms = scored.as_millis(),
            listed_ms = started.elapsed().as_millis(),
            records = records.len(),
            lists = forecast_sets.len(),
            "priority lists built"
        );
        lists
    })
    .await
    .map_err(|e| Error::Internal {
        message: e.to_string(),
    })?
    .map_err(|e| Error::Internal {
        message: format!("priority list: {e}"),
    })
}

/// The methodology the lists are scored with: the built-in one without the composite's rank
/// intervals (a Monte Carlo over 8 quarters of every school that no list column shows).
fn priority_methodology() -> Methodology {
    let mut methodology = Methodology::builtin();
    methodology.rank_intervals.draws = 0;
    methodology
}

fn profile(state: &AppState, school: &School) -> SchoolProfile {
    let region = state.geography.region(&school.region);
    let district = state.geography.district(&school.district);
    SchoolProfile {
        identity: Identity {
            nobd_org_id: school.id.clone(),
            name_kk: school.name_kk.clone(),
            name_ru: school.name_ru.clone(),
            bin: None,
            school_type: "general".to_owned(),
            small_class: false,
            languages: Vec::new(),
        },
        place: Place {
            region: school.region,
            region_name_kk: region.map(|r| r.names.kk.clone()).unwrap_or_default(),
            region_name_ru: region.map(|r| r.names.ru.clone()).unwrap_or_default(),
            district: school.district,
            district_name_kk: district.map(|d| d.names.kk.clone()).unwrap_or_default(),
            district_name_ru: district.map(|d| d.names.ru.clone()).unwrap_or_default(),
            kato: school.district,
            settlement: school.settlement,
            address_kk: None,
            address_ru: None,
            location: school.location,
            district_centre: district.map(|d| (d.label_point.x(), d.label_point.y())),
        },
        contacts: riskmap_score::priority::Restricted::new(Vec::new()),
        response: None,
    }
}

fn shown_row(state: &AppState, audience: &Audience, row: &ScoredRow, school: &School) -> ShownRow {
    let district = row.district;
    let names = state.geography.district(&district).map(|d| &d.names);
    let discloser = &state.views.discloser;
    let cell = |sensitivity| Cell {
        sensitivity,
        level: AdminLevel::School,
        unit: &district,
        audience,
    };
    let count = |value: Option<f64>, sensitivity: Sensitivity| {
        discloser.count_or_missing(value.map(whole), &cell(sensitivity))
    };
    let psych_gap = discloser.quantity_or_missing(row.psych_gap_fte, &cell(Sensitivity::S0));
    ShownRow {
        rank: row.rank,
        school: school.clone(),
        district_name_kk: names.map(|n| n.kk.clone()).unwrap_or_default(),
        district_name_ru: names.map(|n| n.ru.clone()).unwrap_or_default(),
        settlement: school.settlement,
        pupils: count(row.pupils, Sensitivity::S0),
        composite: row.composite.map(|v| (v * 100.0).round() / 100.0),
        quintile_region: row.quintile_region,
        p_exceed: row.p_exceed.map(|v| (v * 1000.0).round() / 1000.0),
        triggers: row.triggers.clone(),
        drivers: row.drivers.clone(),
        viol_total: count(row.viol_total, Sensitivity::S1),
        bullying: count(row.bullying, Sensitivity::S1),
        s2_events: count(Some(row.s2_events), Sensitivity::S2),
        s2_exact: Discloser::exact(&cell(Sensitivity::S2)),
        psych_gap_fte: psych_gap,
        contacts_visible: contacts_visible(audience),
        contacts: Vec::new(),
        data_quarter: row.data_quarter,
    }
}
