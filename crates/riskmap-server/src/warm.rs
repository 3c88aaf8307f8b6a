//! Keeping the caches warm: at start, and after every new data version (an ingest here, or
//! another process's commit seen by the store), the caches the first answers need — the quarter
//! list, the sums of every level, the release, the composite of regions and districts, the
//! public unit tables and the country's — are built for the new version in the background while
//! requests are still served the previous one; only then does the server switch to it
//! (`AppState::serve_version`) and drop the old caches. `/readyz` answers 200 once the first
//! version is served. Then, in the background, the ministry scope's next-quarter forecasts of
//! every event indicator at region and district level are fitted (`view::forecast::warm`;
//! `/readyz` does not wait for them), and the priority list of every region is scored (the
//! ministry's and the region's akimat's, whose forecast trigger reads its own scope's fit).

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
        if state.served_version() != Some(latest) {
            let started = std::time::Instant::now();
            match state.warming(latest, warm(&state)).await {
                Ok(()) => {
                    state.serve_version(latest);
                    tracing::info!(
                        data_version = latest,
                        elapsed_ms = started.elapsed().as_millis(),
                        "caches warm: serving the data version"
                    );
                    tokio::spawn(warm_after_ready(state.clone()));
                }
                Err(error) => {
                    tracing::warn!(?error, data_version = latest, "warm-up failed; retrying");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
        tokio::time::sleep(POLL).await;
    }
}

/// After the version is served: the ministry's forecasts and the regions' priority lists,
/// which are heavier and not needed to be ready (a request meanwhile builds its own, or waits
/// for the one being built).
async fn warm_after_ready(state: AppState) {
    let started = std::time::Instant::now();
    match crate::view::forecast::warm(&state).await {
        Ok(()) => tracing::info!(
            elapsed_ms = started.elapsed().as_millis(),
            "forecasts fitted: every event indicator, regions and districts"
        ),
        Err(error) => tracing::warn!(?error, "forecast warm-up failed"),
    }
    let period = match state.periods().await {
        Ok((_, periods)) => periods.last().copied(),
        Err(error) => {
            tracing::warn!(?error, "priority warm-up: no quarter list");
            return;
        }
    };
    if let Some(period) = period
        && let Err(error) = crate::view::priority::warm_regions(&state, period).await
    {
        tracing::warn!(?error, "priority warm-up failed");
    }
}

/// Builds the caches the first answers need, for the version being warmed.
pub async fn warm(state: &AppState) -> Result<(), Error> {
    let (_, periods) = state.periods().await?;
    let latest = periods.last().copied();
    for level in [
        AdminLevel::Country,
        AdminLevel::Region,
        AdminLevel::District,
    ] {
        crate::view::level_sums(state, level).await?;
    }
    crate::view::release(state).await?;
    for level in [AdminLevel::Region, AdminLevel::District] {
        crate::view::level_scores(state, level).await?;
    }
    for level in [
        AdminLevel::Country,
        AdminLevel::Region,
        AdminLevel::District,
    ] {
        crate::view::table(state, &Audience::Public, level, latest).await?;
        crate::view::table(state, &Audience::Ministry, level, latest).await?;
    }
    state.demo_active().await?;
    Ok(())
}
