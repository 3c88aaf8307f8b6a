//! Warming the caches when the server starts: the composite of regions and districts and the
//! latest quarters' sums are built in the background while the first requests come in, so the
//! first map after a start does not wait for them (a request that needs one of them while it
//! is being built waits for that build instead of starting another).

use riskmap_model::AdminLevel;

use crate::AppState;

/// Builds the caches the first map needs; failures are only logged (a request will retry and
/// report them).
pub async fn warm_up(state: AppState) {
    let started = std::time::Instant::now();
    let latest = match state.periods().await {
        Ok((_, periods)) => periods.last().copied(),
        Err(error) => {
            tracing::warn!(%error, "warm-up: cannot list the quarters");
            return;
        }
    };
    let Some(latest) = latest else {
        return;
    };
    if let Err(error) = crate::view::release(&state).await {
        tracing::warn!(?error, "warm-up: release");
    }
    for level in [AdminLevel::Region, AdminLevel::District] {
        if let Err(error) = crate::view::level_scores(&state, level).await {
            tracing::warn!(?error, "warm-up: composite");
        }
        if let Err(error) = crate::view::table(
            &state,
            &riskmap_model::Audience::Public,
            level,
            Some(latest),
        )
        .await
        {
            tracing::warn!(?error, "warm-up: public tables");
        }
    }
    tracing::info!(
        elapsed_ms = started.elapsed().as_millis(),
        "caches warmed (sums, release, composite of regions and districts)"
    );
}
