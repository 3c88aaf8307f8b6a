//! The view layer: the one place where stored sums become the numbers a reader may see
//! (`docs/disclosure.md`). Every output — JSON collections, GeoJSON, vector tiles, profile,
//! comparison, plan progress, hotspots, the priority list and its CSV/XLSX/GeoJSON exports —
//! reads from here; no handler discloses anything itself.
//!
//! The path, per data version:
//! 1. **sums** (`sums.rs`): the store's unit × quarter sums of each level, read once;
//! 2. **release** (`release.rs`): the published calendar-year values of S1/S2 indicators,
//!    with joint protection, rates from protected counts, and smoothing, ranks and the
//!    composite computed from the protected values only;
//! 3. **tables** (`table.rs`): per reader, level and quarter — exact inside the reader's
//!    scope, the release outside it — then smoothing and ranks from what is shown;
//! 4. **schools** (`schools.rs`): school rows for the roles that may see schools;
//! 5. **forecasts** (`forecast.rs`, `forecast_shown.rs`): next-quarter forecasts, each fitted
//!    only on the units a reader sees exactly.
//!
//! Everything is kept per data version in [`VersionedCache`]s, so a repeated request costs a
//! lookup; the costliest (the partition sums, the regions' scored priority lists) are also
//! saved in the store once a version is warm (`snapshot.rs`), so a restart restores them.

/// The one cache type: values by key for one data version.
pub mod cache;
/// The exact composite of regions and districts, and its disclosure.
pub mod composite;
/// The one door to the disclosure policy.
pub mod discloser;
/// Next-quarter forecasts fitted per exact scope.
pub mod forecast;
/// The forecasts one reader may see.
pub mod forecast_shown;
/// Indicator values inside the reader's scope.
pub mod indicator;
/// Yearly counts for plan progress.
pub mod plan_counts;
/// The crisis teams' priority list as a reader may see it.
pub mod priority;
/// Programme snapshots: freezing what a reader's map shows, showing it to later readers.
pub mod programme;
/// The review of a programme's problems: snapshot and now, with the plan's line.
pub mod programme_review;
/// The published release of sensitive indicators.
pub mod release;
/// The reporting monitor's counts.
pub mod reporting;
/// School rows.
pub mod schools;
/// Priority lists after scoring, before disclosure.
pub mod scored;
/// The warm-up's costly parts saved per data version and build.
pub mod snapshot;
/// Staffing against the norm.
pub mod staffing;
/// The stored sums by level.
pub mod sums;
/// The disclosed unit table.
pub mod table;

use std::sync::Arc;

use riskmap_model::{AdminLevel, Audience, Kato, Period};
use riskmap_score::methodology::Methodology;

pub use cache::VersionedCache;
use composite::LevelScores;
pub use discloser::Discloser;
use release::{Release, ReleaseInputs};
use sums::LevelSums;
use table::{TableInputs, UnitTable};

use crate::AppState;
use crate::http::Error;

/// The view layer's caches, all keyed by data version.
#[derive(Debug)]
pub struct Views {
    /// The only door to the disclosure policy. Private to the view layer (this module and its
    /// children): no handler can publish a number, and no view can read a threshold.
    discloser: Discloser,
    partition: VersionedCache<(), Vec<riskmap_store::PartitionPeriodSums>>,
    sums: VersionedCache<AdminLevel, LevelSums>,
    scores: VersionedCache<AdminLevel, LevelScores>,
    release: VersionedCache<(), Release>,
    tables: VersionedCache<(Audience, AdminLevel, Option<Period>), UnitTable>,
    pub(crate) schools: VersionedCache<schools::SchoolsKey, schools::SchoolRows>,
    pub(crate) school_list: VersionedCache<(), Vec<riskmap_model::School>>,
    pub(crate) priority: VersionedCache<priority::PriorityKey, priority::PriorityView>,
    /// Priority lists before disclosure, shared by readers who see the same schools.
    pub(crate) scored: VersionedCache<priority::ScoredKey, scored::ScoredList>,
    /// Forecast fits, shared by readers with the same exact scope.
    pub(crate) forecasts: VersionedCache<forecast::ForecastKey, forecast::ScopeForecast>,
}

impl Views {
    /// Empty caches that disclose with `policy`.
    pub fn new(policy: riskmap_model::SuppressionPolicy) -> Self {
        Self {
            discloser: Discloser::new(policy),
            partition: VersionedCache::new(2),
            sums: VersionedCache::new(8),
            scores: VersionedCache::new(4),
            release: VersionedCache::new(2),
            tables: VersionedCache::new(512),
            schools: VersionedCache::new(64),
            school_list: VersionedCache::new(2),
            priority: VersionedCache::new(64),
            scored: VersionedCache::new(64),
            forecasts: VersionedCache::new(256),
        }
    }
}

impl Views {
    /// Drops every cached value of data versions older than `version` (once it is served).
    pub fn retire_before(&self, version: i64) {
        self.partition.retire_before(version);
        self.sums.retire_before(version);
        self.scores.retire_before(version);
        self.release.retire_before(version);
        self.tables.retire_before(version);
        self.schools.retire_before(version);
        self.school_list.retire_before(version);
        self.priority.retire_before(version);
        self.scored.retire_before(version);
        self.forecasts.retire_before(version);
    }
}

/// The sums of `level` (country, region or district) for every quarter with data.
pub async fn level_sums(state: &AppState, level: AdminLevel) -> Result<Arc<LevelSums>, Error> {
    let (version, periods) = state.periods().await?;
    let partition = partition_sums(state, version, &periods).await?;
    state
        .views
        .sums
        .get_or_build(version, level, || async {
            Ok(LevelSums::roll_up(&partition, level))
        })
        .await
}

/// The region × district × quarter sums every level adds up from: one store query per
/// quarter, run side by side (each on its own connection).
async fn partition_sums(
    state: &AppState,
    version: i64,
    periods: &[Period],
) -> Result<Arc<Vec<riskmap_store::PartitionPeriodSums>>, Error> {
    state
        .views
        .partition
        .get_or_build(version, (), || async {
            let mut reads = tokio::task::JoinSet::new();
            for period in periods {
                let store = state.store.clone();
                let period = *period;
                reads.spawn(async move { store.partition_period_sums(&[period]).await });
            }
            let mut partition = Vec::new();
            while let Some(read) = reads.join_next().await {
                let rows = read.map_err(|e| Error::Internal {
                    message: format!("sum task failed: {e}"),
                })??;
                partition.extend(rows);
            }
            Ok(partition)
        })
        .await
}

/// The exact composite of regions or districts for every quarter.
pub async fn level_scores(state: &AppState, level: AdminLevel) -> Result<Arc<LevelScores>, Error> {
    let (version, _) = state.periods().await?;
    let sums = level_sums(state, level).await?;
    state
        .views
        .scores
        .get_or_build(version, level, || async {
            let geography = state.geography.clone();
            tokio::task::spawn_blocking(move || {
                composite::score_level(&geography, level, &sums, version)
            })
            .await
            .map_err(|e| Error::Internal {
                message: format!("composite task failed: {e}"),
            })?
        })
        .await
}

/// The published release at the current data version.
pub async fn release(state: &AppState) -> Result<Arc<Release>, Error> {
    let (version, periods) = state.periods().await?;
    let regions = level_sums(state, AdminLevel::Region).await?;
    let country = level_sums(state, AdminLevel::Country).await?;
    state
        .views
        .release
        .get_or_build(version, (), || async {
            let state = state.clone();
            tokio::task::spawn_blocking(move || {
                let codes: Vec<Kato> = state.geography.regions().iter().map(|r| r.kato).collect();
                let methodology = Methodology::builtin();
                Release::build(&ReleaseInputs {
                    catalogue: &state.catalogue,
                    methodology: &methodology,
                    discloser: &state.views.discloser,
                    regions: &codes,
                    region_sums: &regions,
                    country_sums: &country,
                    available: &periods,
                })
            })
            .await
            .map_err(|e| Error::Internal {
                message: format!("release task failed: {e}"),
            })
        })
        .await
}

/// Every unit of `level` (country, region or district) as `audience` sees it for `period`.
pub async fn table(
    state: &AppState,
    audience: &Audience,
    level: AdminLevel,
    period: Option<Period>,
) -> Result<Arc<UnitTable>, Error> {
    let (version, _) = state.periods().await?;
    let key = (audience.clone(), level, period);
    if let Some(found) = state.views.tables.peek(version, &key) {
        return Ok(found);
    }
    let sums = level_sums(state, level).await?;
    let release = release(state).await?;
    let scores = match level {
        AdminLevel::Region | AdminLevel::District if period.is_some() => {
            Some(level_scores(state, level).await?)
        }
        _ => None,
    };
    state
        .views
        .tables
        .get_or_build(version, key, || async {
            let units = units_of(state, level);
            Ok(table::build(&TableInputs {
                catalogue: &state.catalogue,
                discloser: &state.views.discloser,
                audience,
                level,
                units: &units,
                period,
                sums: &sums,
                release: &release,
                scores: scores.as_deref(),
            }))
        })
        .await
}

/// The units of a level with their parent region, in geography order.
pub fn units_of(state: &AppState, level: AdminLevel) -> Vec<(Kato, Option<Kato>)> {
    match level {
        AdminLevel::Country => vec![(country(), None)],
        AdminLevel::Region => state
            .geography
            .regions()
            .iter()
            .map(|r| (r.kato, None))
            .collect(),
        AdminLevel::District | AdminLevel::School => state
            .geography
            .districts()
            .iter()
            .map(|d| (d.kato, Some(d.region)))
            .collect(),
    }
}

/// The country's code.
pub fn country() -> Kato {
    Kato::parse(release::COUNTRY).expect("literal code")
}
