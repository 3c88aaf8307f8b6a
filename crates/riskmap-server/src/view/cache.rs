//! The one cache type of the view layer: answers keyed by `K`, valid for one data version.
//!
//! A newer data version empties it; an answer built for an older version (a slow request that
//! started before an ingest) is returned to its caller but not kept. Concurrent requests for
//! the same key wait for one build instead of starting their own. At most `capacity` keys are
//! kept per version; the oldest goes first.

use std::collections::{HashMap, VecDeque};
use std::hash::Hash;
use std::sync::{Arc, Mutex};

use tokio::sync::OnceCell;

/// Values by key for the current data version.
#[derive(Debug)]
pub struct VersionedCache<K, V> {
    capacity: usize,
    slots: Mutex<Slots<K, V>>,
}

#[derive(Debug)]
struct Slots<K, V> {
    version: i64,
    cells: HashMap<K, Arc<OnceCell<Arc<V>>>>,
    order: VecDeque<K>,
}

impl<K: Eq + Hash + Clone, V> VersionedCache<K, V> {
    /// A cache that keeps at most `capacity` keys.
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            slots: Mutex::new(Slots {
                version: i64::MIN,
                cells: HashMap::new(),
                order: VecDeque::new(),
            }),
        }
    }

    /// The value of `key` at data version `version`, built by `build` when missing.
    pub async fn get_or_build<E, F, Fut>(&self, version: i64, key: K, build: F) -> Result<Arc<V>, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<V, E>>,
    {
        let Some(cell) = self.cell(version, &key) else {
            return build().await.map(Arc::new);
        };
        cell.get_or_try_init(|| async { build().await.map(Arc::new) })
            .await
            .cloned()
    }

    /// The value of `key` if it is built for `version`.
    pub fn peek(&self, version: i64, key: &K) -> Option<Arc<V>> {
        let slots = self.slots.lock().ok()?;
        if slots.version != version {
            return None;
        }
        slots.cells.get(key)?.get().cloned()
    }

    /// The cell of `key`, or `None` when `version` is older than the cache's.
    fn cell(&self, version: i64, key: &K) -> Option<Arc<OnceCell<Arc<V>>>> {
        let mut slots = self
            .slots
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if version < slots.version {
            return None;
        }
        if version > slots.version {
            slots.version = version;
            slots.cells.clear();
            slots.order.clear();
        }
        if let Some(cell) = slots.cells.get(key) {
            return Some(cell.clone());
        }
        while slots.cells.len() >= self.capacity {
            let Some(oldest) = slots.order.pop_front() else {
                break;
            };
            slots.cells.remove(&oldest);
        }
        let cell = Arc::new(OnceCell::new());
        slots.cells.insert(key.clone(), cell.clone());
        slots.order.push_back(key.clone());
        Some(cell)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[tokio::test]
    async fn builds_once_per_version_and_forgets_old_versions() {
        let cache: VersionedCache<u8, usize> = VersionedCache::new(2);
        let builds = AtomicUsize::new(0);
        let build = || async { Ok::<_, ()>(builds.fetch_add(1, Ordering::SeqCst)) };
        assert_eq!(*cache.get_or_build(1, 7, build).await.unwrap(), 0);
        assert_eq!(*cache.get_or_build(1, 7, build).await.unwrap(), 0);
        assert_eq!(*cache.get_or_build(2, 7, build).await.unwrap(), 1);
        // An older version is answered but not kept.
        assert_eq!(*cache.get_or_build(1, 7, build).await.unwrap(), 2);
        assert_eq!(cache.peek(2, &7).map(|v| *v), Some(1));
        // Capacity: the oldest key goes.
        cache.get_or_build(2, 8, build).await.unwrap();
        cache.get_or_build(2, 9, build).await.unwrap();
        assert!(cache.peek(2, &7).is_none());
    }

    #[tokio::test]
    async fn failures_are_not_kept() {
        let cache: VersionedCache<u8, u8> = VersionedCache::new(4);
        let failed = cache
            .get_or_build(1, 1, || async { Err::<u8, _>("no") })
            .await;
        assert!(failed.is_err());
        let ok = cache
            .get_or_build(1, 1, || async { Ok::<_, &str>(5) })
            .await;
        assert_eq!(ok.map(|v| *v), Ok(5));
    }
}
