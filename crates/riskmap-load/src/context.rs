//! The ingest [`Context`] of a load session: what the store and the geography know that a
//! file does not. The KATO registry and the stored school ids are loaded once; each quarter's
//! current revisions and register stock are read from the store the first time a row asks
//! about that quarter (from the ingest's worker threads, through the runtime handle), so
//! memory grows with the quarters a file touches, not with the store.
//!
//! Schools of a reference file are "pending" while their batch is open, so that the quarter
//! sheet of the same workbook may name them; they become known when the batch commits and are
//! forgotten when it rolls back.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use riskmap_geo::Geography;
use riskmap_ingest::{Context, KatoRegistry};
use riskmap_model::{Kato, Period};
use riskmap_store::Store;
use time::Date;

use crate::contract_rows::district_of;

/// Current revision and `isu_open_end` by school, for one quarter.
type PeriodFacts = HashMap<String, (u32, Option<i64>)>;

pub(crate) struct StoreContext {
    registry: Arc<KatoRegistry>,
    geography: Option<Arc<Geography>>,
    store: Store,
    runtime: tokio::runtime::Handle,
    schools: RwLock<HashSet<String>>,
    pending: RwLock<HashSet<String>>,
    periods: RwLock<HashMap<Period, Arc<PeriodFacts>>>,
    failure: Mutex<Option<String>>,
}

impl StoreContext {
    pub(crate) async fn load(
        registry: Arc<KatoRegistry>,
        geography: Option<Arc<Geography>>,
        store: Store,
    ) -> riskmap_store::Result<Self> {
        let schools = store.school_ids().await?.into_iter().collect();
        Ok(Self {
            registry,
            geography,
            store,
            runtime: tokio::runtime::Handle::current(),
            schools: RwLock::new(schools),
            pending: RwLock::new(HashSet::new()),
            periods: RwLock::new(HashMap::new()),
            failure: Mutex::new(None),
        })
    }

    /// Notes a school of the open batch's reference rows.
    pub(crate) fn add_pending(&self, school: &str) {
        self.pending
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(school.to_owned());
    }

    /// The open batch committed: its schools are known and stored quarters may have changed.
    pub(crate) fn committed(&self) {
        let pending =
            std::mem::take(&mut *self.pending.write().unwrap_or_else(PoisonError::into_inner));
        self.schools
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .extend(pending);
        self.periods
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }

    /// The open batch rolled back: forget its schools.
    pub(crate) fn rolled_back(&self) {
        self.pending
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }

    /// A store read that failed during the ingest (the checks it served were skipped).
    pub(crate) fn take_failure(&self) -> Option<String> {
        self.failure
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
    }

    fn facts(&self, period: Period) -> Option<Arc<PeriodFacts>> {
        // Every row asks twice, from several threads: a shared lock, taken exclusively only
        // to read a quarter the first time.
        if let Some(facts) = self
            .periods
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&period)
        {
            return Some(facts.clone());
        }
        let mut periods = self.periods.write().unwrap_or_else(PoisonError::into_inner);
        if let Some(facts) = periods.get(&period) {
            return Some(facts.clone());
        }
        // Called on the ingest's blocking threads, never on the runtime's own workers.
        match self.runtime.block_on(self.store.current_revisions(period)) {
            Ok(rows) => {
                let facts: PeriodFacts = rows
                    .into_iter()
                    .map(|r| (r.school, (r.revision, r.isu_open_end)))
                    .collect();
                let facts = Arc::new(facts);
                periods.insert(period, facts.clone());
                Some(facts)
            }
            Err(error) => {
                *self.failure.lock().unwrap_or_else(PoisonError::into_inner) =
                    Some(format!("reading stored records of {period}: {error}"));
                None
            }
        }
    }
}

impl Context for StoreContext {
    fn kato_known(&self, kato: &Kato, _on: Date) -> Option<bool> {
        Some(self.registry.contains(kato))
    }

    fn school_known(&self, school: &str, _period: Period) -> Option<bool> {
        let known = self
            .schools
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .contains(school)
            || self
                .pending
                .read()
                .unwrap_or_else(PoisonError::into_inner)
                .contains(school);
        Some(known)
    }

    fn open_end(&self, school: &str, period: Period) -> Option<i64> {
        self.facts(period)?.get(school)?.1
    }

    fn stored_revision(&self, school: &str, period: Period) -> Option<u32> {
        Some(self.facts(period)?.get(school).map_or(0, |f| f.0))
    }

    fn district_found(&self, kato: &Kato, lon_lat: Option<(f64, f64)>) -> Option<bool> {
        let geography = self.geography.as_ref()?;
        Some(district_of(geography, kato, lon_lat).is_some())
    }
}
