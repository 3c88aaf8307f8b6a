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
    let quarters = latest.trailing(4);
    for level in [AdminLevel::Region, AdminLevel::District] {
        if let Err(error) = crate::sums::unit_period_sums(&state, level, &quarters).await {
            tracing::warn!(?error, "warm-up: sums");
        }
        if let Err(error) = crate::composite::level_scores(&state, level).await {
            tracing::warn!(?error, "warm-up: composite");
        }
    }
    tracing::info!(
        elapsed_ms = started.elapsed().as_millis(),
        "caches warmed (latest quarters' sums, composite of regions and districts)"
    );
}
