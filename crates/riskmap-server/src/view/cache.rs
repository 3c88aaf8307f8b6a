//! The one cache type of the view layer: answers keyed by `K`, each for one data version.
//!
//! Entries of at most two data versions live side by side: the version being served and the
//! one being built, so that answers of the previous version keep being served while a new one
//! is warmed (`warm.rs`), and a third version drops the oldest. `retire_before` drops a
//! version once the next is served. An answer built for a retired version is returned to its
//! caller but not kept. Concurrent requests for the same key and version wait for one build;
//! a failed build is not kept. At most `capacity` entries are kept; the oldest goes first.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::hash::Hash;
use std::sync::{Arc, Mutex};

use tokio::sync::OnceCell;

/// How many data versions live side by side.
const VERSIONS: usize = 2;

/// Values by key and data version.
#[derive(Debug)]
pub struct VersionedCache<K, V> {
    capacity: usize,
    slots: Mutex<Slots<K, V>>,
}

#[derive(Debug)]
struct Slots<K, V> {
    /// Versions below this are not kept.
    floor: i64,
    versions: BTreeSet<i64>,
    cells: HashMap<(i64, K), Arc<OnceCell<Arc<V>>>>,
    order: VecDeque<(i64, K)>,
}

impl<K: Eq + Hash + Clone, V> VersionedCache<K, V> {
    /// A cache that keeps at most `capacity` entries.
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            slots: Mutex::new(Slots {
                floor: i64::MIN,
                versions: BTreeSet::new(),
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
        let value = cell
            .get_or_try_init(|| async { build().await.map(Arc::new) })
            .await
            .cloned();
        if value.is_err() {
            self.forget(version, &key);
        }
        value
    }

    /// The value of `key` if it is built for `version`.
    pub fn peek(&self, version: i64, key: &K) -> Option<Arc<V>> {
        let slots = self.slots.lock().ok()?;
        slots.cells.get(&(version, key.clone()))?.get().cloned()
    }

    /// Drops every version older than `version` and keeps none of them from now on.
    pub fn retire_before(&self, version: i64) {
        let mut slots = self.lock();
        slots.floor = slots.floor.max(version);
        let floor = slots.floor;
        slots.versions.retain(|v| *v >= floor);
        slots.cells.retain(|(v, _), _| *v >= floor);
        slots.order.retain(|(v, _)| *v >= floor);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Slots<K, V>> {
        self.slots
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn forget(&self, version: i64, key: &K) {
        let mut slots = self.lock();
        let entry = (version, key.clone());
        slots.cells.remove(&entry);
        slots.order.retain(|e| *e != entry);
    }

    /// The cell of `key`, or `None` when `version` is not kept.
    fn cell(&self, version: i64, key: &K) -> Option<Arc<OnceCell<Arc<V>>>> {
        let mut slots = self.lock();
        if version < slots.floor {
            return None;
        }
        if !slots.versions.contains(&version) {
            if slots.versions.len() >= VERSIONS
                && slots
                    .versions
                    .first()
                    .is_some_and(|oldest| *oldest > version)
            {
                return None;
            }
            slots.versions.insert(version);
            while slots.versions.len() > VERSIONS {
                let Some(oldest) = slots.versions.pop_first() else {
                    break;
                };
                slots.cells.retain(|(v, _), _| *v != oldest);
                slots.order.retain(|(v, _)| *v != oldest);
            }
        }
        let entry = (version, key.clone());
        if let Some(cell) = slots.cells.get(&entry) {
            return Some(cell.clone());
        }
        while slots.cells.len() >= self.capacity {
            let Some(oldest) = slots.order.pop_front() else {
                break;
            };
            slots.cells.remove(&oldest);
        }
        let cell = Arc::new(OnceCell::new());
        slots.cells.insert(entry.clone(), cell.clone());
        slots.order.push_back(entry);
        Some(cell)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[tokio::test]
    async fn two_versions_live_side_by_side_until_the_old_one_retires() {
        let cache: VersionedCache<u8, usize> = VersionedCache::new(8);
        let builds = AtomicUsize::new(0);
        let build = || async { Ok::<_, ()>(builds.fetch_add(1, Ordering::SeqCst)) };
        assert_eq!(*cache.get_or_build(1, 7, build).await.unwrap(), 0);
        assert_eq!(*cache.get_or_build(1, 7, build).await.unwrap(), 0);
        assert_eq!(*cache.get_or_build(2, 7, build).await.unwrap(), 1);
        // The old version is still served while the new one is warmed.
        assert_eq!(*cache.get_or_build(1, 7, build).await.unwrap(), 0);
        cache.retire_before(2);
        assert!(cache.peek(1, &7).is_none());
        // A retired version is answered but not kept.
        assert_eq!(*cache.get_or_build(1, 7, build).await.unwrap(), 2);
        assert!(cache.peek(1, &7).is_none());
        assert_eq!(cache.peek(2, &7).map(|v| *v), Some(1));
        // A third version drops the oldest.
        cache.get_or_build(3, 7, build).await.unwrap();
        cache.get_or_build(4, 7, build).await.unwrap();
        assert!(cache.peek(2, &7).is_none());
        assert!(cache.peek(3, &7).is_some());
    }

    #[tokio::test]
    async fn capacity_drops_the_oldest_entry() {
        let cache: VersionedCache<u8, u8> = VersionedCache::new(2);
        for key in 0..3 {
            cache
                .get_or_build(1, key, || async { Ok::<_, ()>(key) })
                .await
                .unwrap();
        }
        assert!(cache.peek(1, &0).is_none());
        assert!(cache.peek(1, &2).is_some());
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
