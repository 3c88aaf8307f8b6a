//! The warm snapshot: the two costly parts of a warm-up — the partition sums every level adds
//! up from, and the scored priority lists of every region for its warm readers (the ministry
//! and the region's akimat) — saved in the store once a data version is warm, and restored by
//! a server that starts on (or switches to) that data version, which then skips summing and
//! scoring.
//!
//! A snapshot is restored only by the build that saved it ([`BUILD`]: a hash of the sources,
//! `Cargo.lock` and compiler, made by `build.rs`) and only for its own data version, so it is
//! always what this build would compute from these records; anything else (another build, an
//! older version, an unreadable payload) is ignored and the warm-up computes as before. It
//! holds numbers before disclosure, like the records it is made from, and never leaves the
//! server: the views disclose from restored values exactly as from computed ones.

use riskmap_model::{Kato, Measure, MeasureValues, Period};
use riskmap_store::PartitionPeriodSums;
use serde::{Deserialize, Serialize};

use super::priority::warm_keys;
use super::scored::ScoredList;
use crate::AppState;
use crate::http::Error;

/// The build a snapshot belongs to.
pub const BUILD: &str = env!("RISKMAP_BUILD_ID");

/// The snapshot as saved; `L` is a list or a reference to one (saved without a copy).
#[derive(Serialize, Deserialize)]
struct Snapshot<L> {
    /// `Measure::ALL.len()` when saved (a guard: the build id already covers it).
    measures: usize,
    partition: Vec<PartitionRow>,
    lists: Vec<RegionList<L>>,
}

/// One [`PartitionPeriodSums`] row; sums in `Measure::ALL` order.
#[derive(Serialize, Deserialize)]
struct PartitionRow {
    region: String,
    district: String,
    period: String,
    records: u64,
    sums: Vec<Option<f64>>,
}

/// The scored list of one warm reader of one region.
#[derive(Serialize, Deserialize)]
struct RegionList<L> {
    region: String,
    /// Position of the reader in `priority::warm_readers`.
    reader: usize,
    list: L,
}

/// Restores the snapshot of the data version being warmed into the caches, if this build
/// saved one; `Ok(false)` when there is none to use.
pub async fn restore(state: &AppState) -> Result<bool, Error> {
    let Some(version) = settled_version(state) else {
        return Ok(false);
    };
    let Some(payload) = state.store.warm_snapshot(version, BUILD).await? else {
        return Ok(false);
    };
    let snapshot = match postcard::from_bytes::<Snapshot<ScoredList>>(&payload) {
        Ok(snapshot) if snapshot.measures == Measure::ALL.len() => snapshot,
        Ok(_) | Err(_) => {
            tracing::warn!(
                data_version = version,
                "the warm snapshot cannot be read; warming from the records"
            );
            return Ok(false);
        }
    };
    let partition = snapshot
        .partition
        .iter()
        .map(PartitionRow::sums)
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| Error::Internal {
            message: "warm snapshot: a partition row has an invalid code".to_owned(),
        })?;
    state
        .views
        .partition
        .get_or_build(version, (), || async { Ok::<_, Error>(partition) })
        .await?;
    for entry in snapshot.lists {
        restore_list(state, version, entry).await?;
    }
    Ok(true)
}

/// Puts one saved list into the `scored` cache under the key its reader asks with now.
async fn restore_list(
    state: &AppState,
    version: i64,
    entry: RegionList<ScoredList>,
) -> Result<(), Error> {
    let Ok(region) = Kato::parse(&entry.region) else {
        return Ok(());
    };
    let period = entry.list.period;
    let keys = warm_keys(state, region, period).await?.unwrap_or_default();
    if let Some((_, key)) = keys.into_iter().nth(entry.reader) {
        let list = entry.list;
        state
            .views
            .scored
            .get_or_build(version, key, || async { Ok::<_, Error>(list) })
            .await?;
    }
    Ok(())
}

/// Saves what the warm-up of the current version computed (partition sums, and the scored
/// lists of the regions' warm readers at `period`).
pub async fn save(state: &AppState, period: Option<Period>) -> Result<(), Error> {
    let Some(version) = settled_version(state) else {
        return Ok(());
    };
    let Some(partition) = state.views.partition.peek(version, &()) else {
        return Ok(());
    };
    let mut kept = Vec::new();
    if let Some(period) = period {
        for region in state.geography.regions() {
            let keys = warm_keys(state, region.kato, period).await?;
            for (reader, (_, key)) in keys.unwrap_or_default().into_iter().enumerate() {
                if let Some(list) = state.views.scored.peek(version, &key) {
                    kept.push((region.kato.to_string(), reader, list));
                }
            }
        }
    }
    let snapshot = Snapshot {
        measures: Measure::ALL.len(),
        partition: partition.iter().map(PartitionRow::of).collect(),
        lists: kept
            .iter()
            .map(|(region, reader, list)| RegionList {
                region: region.clone(),
                reader: *reader,
                list: list.as_ref(),
            })
            .collect::<Vec<RegionList<&ScoredList>>>(),
    };
    let payload = postcard::to_allocvec(&snapshot).map_err(|e| Error::Internal {
        message: format!("warm snapshot: {e}"),
    })?;
    state
        .store
        .save_warm_snapshot(version, BUILD, &payload)
        .await?;
    tracing::debug!(
        data_version = version,
        bytes = payload.len(),
        "warm snapshot saved"
    );
    Ok(())
}

/// The version being warmed, when the store is still at it (the caches the snapshot touches
/// are keyed by one or the other, so they must agree).
fn settled_version(state: &AppState) -> Option<i64> {
    let version = state.version();
    (state.store.cached_data_version() == version).then_some(version)
}

impl PartitionRow {
    fn of(part: &PartitionPeriodSums) -> Self {
        Self {
            region: part.region.to_string(),
            district: part.district.to_string(),
            period: part.period.to_string(),
            records: part.records,
            sums: Measure::ALL.iter().map(|m| part.sums.get(*m)).collect(),
        }
    }

    fn sums(&self) -> Option<PartitionPeriodSums> {
        let mut sums = MeasureValues::empty();
        for (measure, value) in Measure::ALL.iter().zip(&self.sums) {
            sums.set(*measure, *value);
        }
        Some(PartitionPeriodSums {
            region: Kato::parse(&self.region).ok()?,
            district: Kato::parse(&self.district).ok()?,
            period: Period::parse(&self.period).ok()?,
            records: self.records,
            sums,
        })
    }
}
