//! The ingest [`Context`] of a load session: what the store and the geography know that a
//! file does not. The KATO registry and the stored schools are loaded once; each quarter's
//! current revisions and register stock are read from the store the first time a row asks
//! about that quarter (from the ingest's worker threads, through the runtime handle).
//!
//! Memory stays small whatever the store holds: a school is known by a 64-bit hash of its id,
//! keyed afresh for each session (so no file can be made to collide on purpose), with its
//! position among the known schools; a quarter's facts are two arrays by that position (12
//! bytes a school), filled row by row as the store streams them and allocated only for a
//! quarter that has stored records.
//!
//! Schools of a reference file are "pending" while their batch is open, so that the quarter
//! sheet of the same workbook may name them; they become known when the batch commits and are
//! forgotten when it rolls back.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, RandomState};
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use riskmap_geo::Geography;
use riskmap_ingest::{Context, KatoRegistry};
use riskmap_model::{Kato, Period};
use riskmap_store::Store;
use time::Date;

use crate::contract_rows::district_of;

/// A school id's keyed hash.
type SchoolKey = u64;

/// The stored schools: each key's position in a quarter's [`PeriodFacts`].
type Positions = HashMap<SchoolKey, usize>;

/// One quarter's stored facts, by school position; empty while the quarter has no stored
/// record (a first ingest asks about every quarter of its file, and each is empty).
#[derive(Default)]
struct PeriodFacts {
    /// The current revision; 0 when nothing is stored.
    revisions: Vec<u32>,
    /// Its `isu_open_end`; negative when not reported (the contract's minimum is 0).
    open_ends: Vec<i64>,
}

impl PeriodFacts {
    /// Records a stored school's facts; `schools` is the number of known schools.
    fn set(&mut self, schools: usize, position: usize, revision: u32, open_end: Option<i64>) {
        if self.revisions.is_empty() {
            self.revisions = vec![0; schools];
            self.open_ends = vec![-1; schools];
        }
        self.revisions[position] = revision;
        self.open_ends[position] = open_end.filter(|n| *n >= 0).unwrap_or(-1);
    }

    fn open_end(&self, position: usize) -> Option<i64> {
        self.open_ends.get(position).copied().filter(|n| *n >= 0)
    }

    fn revision(&self, position: usize) -> u32 {
        self.revisions.get(position).copied().unwrap_or(0)
    }
}

pub(crate) struct StoreContext {
    registry: Arc<KatoRegistry>,
    geography: Option<Arc<Geography>>,
    store: Store,
    runtime: tokio::runtime::Handle,
    /// Keys the school ids of this session.
    keys: RandomState,
    schools: RwLock<Positions>,
    pending: RwLock<HashSet<SchoolKey>>,
    periods: RwLock<HashMap<Period, Arc<PeriodFacts>>>,
    failure: Mutex<Option<String>>,
}

impl StoreContext {
    pub(crate) async fn load(
        registry: Arc<KatoRegistry>,
        geography: Option<Arc<Geography>>,
        store: Store,
    ) -> riskmap_store::Result<Self> {
        let keys = RandomState::new();
        let mut schools = Positions::new();
        store
            .each_school_id(|id| add_school(&mut schools, keys.hash_one(id)))
            .await?;
        Ok(Self {
            registry,
            geography,
            store,
            runtime: tokio::runtime::Handle::current(),
            keys,
            schools: RwLock::new(schools),
            pending: RwLock::new(HashSet::new()),
            periods: RwLock::new(HashMap::new()),
            failure: Mutex::new(None),
        })
    }

    fn key(&self, school: &str) -> SchoolKey {
        self.keys.hash_one(school)
    }

    /// Notes a school of the open batch's reference rows.
    pub(crate) fn add_pending(&self, school: &str) {
        let key = self.key(school);
        self.pending
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(key);
    }

    /// The open batch committed: its schools are known and stored quarters may have changed.
    pub(crate) fn committed(&self) {
        let pending =
            std::mem::take(&mut *self.pending.write().unwrap_or_else(PoisonError::into_inner));
        let mut schools = self.schools.write().unwrap_or_else(PoisonError::into_inner);
        for key in pending {
            add_school(&mut schools, key);
        }
        drop(schools);
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

    /// The school's position among the stored schools.
    fn position(&self, school: &str) -> Option<usize> {
        let key = self.key(school);
        self.schools
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&key)
            .copied()
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
        match self.read_facts(period) {
            Ok(facts) => {
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

    /// Streams a quarter's current revisions into arrays by school position.
    fn read_facts(&self, period: Period) -> riskmap_store::Result<PeriodFacts> {
        let schools = self.schools.read().unwrap_or_else(PoisonError::into_inner);
        let positions: &Positions = &schools;
        let mut facts = PeriodFacts::default();
        // Called on the ingest's blocking threads, never on the runtime's own workers.
        self.runtime.block_on(self.store.each_current_revision(
            period,
            |school, revision, open_end| {
                // A record's school is stored (a foreign key); one stored by another process
                // since this session began is unknown here and its checks are left to the
                // store's keys.
                if let Some(&position) = positions.get(&self.keys.hash_one(school)) {
                    facts.set(positions.len(), position, revision, open_end);
                }
            },
        ))?;
        Ok(facts)
    }
}

/// Gives a newly known school the next position.
fn add_school(schools: &mut Positions, key: SchoolKey) {
    let next = schools.len();
    schools.entry(key).or_insert(next);
}

impl Context for StoreContext {
    fn kato_known(&self, kato: &Kato, _on: Date) -> Option<bool> {
        Some(self.registry.contains(kato))
    }

    fn school_known(&self, school: &str, _period: Period) -> Option<bool> {
        let key = self.key(school);
        let known = self
            .schools
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .contains_key(&key)
            || self
                .pending
                .read()
                .unwrap_or_else(PoisonError::into_inner)
                .contains(&key);
        Some(known)
    }

    fn open_end(&self, school: &str, period: Period) -> Option<i64> {
        let facts = self.facts(period)?;
        facts.open_end(self.position(school)?)
    }

    fn stored_revision(&self, school: &str, period: Period) -> Option<u32> {
        let facts = self.facts(period)?;
        Some(self.position(school).map_or(0, |p| facts.revision(p)))
    }

    fn district_found(&self, kato: &Kato, lon_lat: Option<(f64, f64)>) -> Option<bool> {
        let geography = self.geography.as_ref()?;
        Some(district_of(geography, kato, lon_lat).is_some())
    }
}
