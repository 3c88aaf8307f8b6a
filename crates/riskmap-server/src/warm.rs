//! Keeping the caches warm: at start, and after every new data version (an ingest here, or
//! another process's commit seen by the store), the caches the first answers need — the quarter
//! list, the sums of every level, the release, the composite of regions and districts, the
//! public unit tables and the country's — are built for the new version in the background while
//! requests are still served the previous one; only then does the server switch to it
//! (`AppState::serve_version`) and drop the old caches. The ministry scope's next-quarter
//! forecasts of every event indicator at region and district level (`view::forecast::warm`)
//! and the priority lists of every region (the ministry's and the region's akimat's, scored
//! once and listed with each one's forecasts) are part of the warm-up, so they are answers
//! from the cache as soon as the version is served (a failure in them is logged and does not
//! hold the version back). `/readyz` answers 200 once the first version is served.
//!
//! A version warmed before by this build (a restart, another instance) starts from its warm
//! snapshot (`view::snapshot`): the partition sums and the scored lists are restored, not
//! computed; a version warmed from the records saves its snapshot once it is served (the save
//! reads the served version's caches, which stay until a newer version is served, and a
//! newer version arriving meanwhile makes it save nothing).

use std::time::Duration;

use riskmap_model::{AdminLevel, Audience};

use crate::AppState;
use crate::http::Error;

/// How often the store's data version is compared with the served one.
const POLL: Duration = Duration::from_millis(100);

/// Warms every new data version, forever.
pub async fn keep_warm(state: AppState) {
    loop {
        let latest = state.store.cached_data_version();
        if state.served_version() != Some(latest)
            && let Err(error) = warm_and_serve(&state, latest).await
        {
            tracing::warn!(?error, data_version = latest, "warm-up failed; retrying");
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
        tokio::time::sleep(POLL).await;
    }
}

/// Warms data version `version`, serves it, then saves its warm snapshot if it was warmed from
/// the records (what `keep_warm` does with every new version).
pub async fn warm_and_serve(state: &AppState, version: i64) -> Result<(), Error> {
    let started = std::time::Instant::now();
    let warmed = state.warming(version, warm(state)).await?;
    state.serve_version(version);
    tracing::info!(
        data_version = version,
        elapsed_ms = started.elapsed().as_millis(),
        "caches warm: serving the data version"
    );
    state.warming(version, warmed.save_snapshot(state)).await;
    Ok(())
}

/// A version whose caches are warm, not yet saved as a warm snapshot.
#[must_use = "a version warmed from the records is saved with `save_snapshot`"]
pub struct Warmed {
    /// Whether the caches came from the version's snapshot (nothing to save).
    restored: bool,
    /// The latest quarter, whose scored lists the snapshot keeps.
    latest: Option<riskmap_model::Period>,
}

impl Warmed {
    /// Saves the warm snapshot of a version warmed from the records (run inside
    /// `AppState::warming` of that version); a failure is logged and only costs the next
    /// start its shortcut.
    pub async fn save_snapshot(self, state: &AppState) {
        if self.restored {
            return;
        }
        let mut stage = Stage::start();
        if let Err(error) = crate::view::snapshot::save(state, self.latest).await {
            tracing::warn!(?error, "warm snapshot not saved");
        }
        stage.done("snapshot");
    }
}

/// Builds the caches the first answers need, for the version being warmed; each stage's
/// time is logged at debug level (`RISKMAP_LOG=riskmap_server=debug`).
pub async fn warm(state: &AppState) -> Result<Warmed, Error> {
    let mut stage = Stage::start();
    let (_, periods) = state.periods().await?;
    let latest = periods.last().copied();
    stage.done("quarters");
    let restored = crate::view::snapshot::restore(state)
        .await
        .unwrap_or_else(|error| {
            tracing::warn!(
                ?error,
                "warm snapshot not restored; warming from the records"
            );
            false
        });
    stage.done(if restored {
        "snapshot restored"
    } else {
        "no snapshot"
    });
    for level in [
        AdminLevel::Country,
        AdminLevel::Region,
        AdminLevel::District,
    ] {
        crate::view::level_sums(state, level).await?;
    }
    stage.done("sums");
    crate::view::release(state).await?;
    stage.done("release");
    for level in [AdminLevel::Region, AdminLevel::District] {
        crate::view::level_scores(state, level).await?;
    }
    stage.done("composites");
    for level in [
        AdminLevel::Country,
        AdminLevel::Region,
        AdminLevel::District,
    ] {
        crate::view::table(state, &Audience::Public, level, latest).await?;
        crate::view::table(state, &Audience::Ministry, level, latest).await?;
    }
    stage.done("tables");
    // Forecasts and priority lists are kept warm, but a failure in them must not hold back a
    // new data version: it is logged, and a request builds its own (and reports its error).
    if let Err(error) = crate::view::forecast::warm(state).await {
        tracing::warn!(
            ?error,
            "forecast warm-up failed; serving the version without it"
        );
    }
    stage.done("forecasts");
    if let Some(period) = latest
        && let Err(error) = crate::view::priority::warm_regions(state, period).await
    {
        tracing::warn!(
            ?error,
            "priority warm-up failed; serving the version without it"
        );
    }
    stage.done("priority lists");
    state.demo_active().await?;
    Ok(Warmed { restored, latest })
}

/// The clock of one warm-up stage.
struct Stage(std::time::Instant);

impl Stage {
    fn start() -> Self {
        Self(std::time::Instant::now())
    }

    /// Logs the stage that just ended and starts the next one.
    fn done(&mut self, name: &str) {
        tracing::debug!(
            stage = name,
            elapsed_ms = self.0.elapsed().as_millis(),
            "warm-up stage"
        );
        self.0 = std::time::Instant::now();
    }
}
