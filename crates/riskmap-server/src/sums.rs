//! Unit × quarter sums per data version: the store sums the current revisions in SQL (about
//! 150 ms for the regions' four quarters on the demo data), so every collection, profile and
//! hotspot request for the same level and quarters at the same data version shares one query.
//! A new data version (an ingest here, or another process's commit seen by the store's watch)
//! empties the cache.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use riskmap_model::{AdminLevel, Period};
use riskmap_store::UnitPeriodSums;

use crate::AppState;
use crate::http::Error;

/// At most this many (level, quarters) answers are kept per data version.
const MAX_ENTRIES: usize = 64;

type Key = (AdminLevel, Vec<Period>);

/// Sums by (level, quarters), valid for one data version.
#[derive(Debug, Default)]
pub struct SumsCache {
    inner: Mutex<Entries>,
}

#[derive(Debug, Default)]
struct Entries {
    data_version: i64,
    by_key: HashMap<Key, Arc<Vec<UnitPeriodSums>>>,
}

impl SumsCache {
    fn get(&self, version: i64, key: &Key) -> Option<Arc<Vec<UnitPeriodSums>>> {
        let entries = self.inner.lock().ok()?;
        (entries.data_version == version)
            .then(|| entries.by_key.get(key).cloned())
            .flatten()
    }

    fn put(&self, version: i64, key: Key, sums: Arc<Vec<UnitPeriodSums>>) {
        let Ok(mut entries) = self.inner.lock() else {
            return;
        };
        if entries.data_version != version {
            // Only a newer version replaces the cache; a slow query of an older one is dropped.
            if version < entries.data_version {
                return;
            }
            entries.data_version = version;
            entries.by_key.clear();
        }
        if entries.by_key.len() >= MAX_ENTRIES {
            entries.by_key.clear();
        }
        entries.by_key.insert(key, sums);
    }
}

/// Every measure summed by unit of `level` and quarter, current revisions only (see
/// [`riskmap_store::Store::unit_period_sums`]), shared per data version.
pub async fn unit_period_sums(
    state: &AppState,
    level: AdminLevel,
    periods: &[Period],
) -> Result<Arc<Vec<UnitPeriodSums>>, Error> {
    let version = state.store.cached_data_version();
    let key = (level, periods.to_vec());
    if let Some(found) = state.sums.get(version, &key) {
        return Ok(found);
    }
    let sums = Arc::new(state.store.unit_period_sums(level, periods).await?);
    state.sums.put(version, key, sums.clone());
    Ok(sums)
}
