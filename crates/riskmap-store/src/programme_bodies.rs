//! The contents of recently read programmes (problems, actions, progress), kept by programme
//! id and version. A programme's version rises in the same transaction as every change to
//! its contents, so a stored version names one content for every process that shares the
//! database: a reader that finds the version it just read in its header can take the
//! contents from here instead of decoding every row again. A change this process commits is
//! applied to the kept contents under the new version (write-through); anything else is
//! simply read again.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use riskmap_programme::{Action, Problem, ProgressReport};

use crate::programmes::Change;

/// The most programmes kept; beyond it the map is emptied (programmes are few and small).
const CAPACITY: usize = 256;

/// What a programme holds besides its header.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Contents {
    pub(crate) problems: Vec<Problem>,
    pub(crate) actions: Vec<Action>,
    pub(crate) progress: Vec<ProgressReport>,
}

/// Contents by programme id, each with the version it belongs to.
#[derive(Debug, Default)]
pub(crate) struct ProgrammeBodies {
    kept: Mutex<HashMap<i64, (i64, Arc<Contents>)>>,
}

impl ProgrammeBodies {
    /// The contents of programme `id` at `version`, if kept.
    pub(crate) fn get(&self, id: i64, version: i64) -> Option<Arc<Contents>> {
        let kept = self
            .kept
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match kept.get(&id) {
            Some((kept_version, contents)) if *kept_version == version => Some(contents.clone()),
            _ => None,
        }
    }

    /// Keeps `contents` as programme `id` at `version`.
    pub(crate) fn put(&self, id: i64, version: i64, contents: Arc<Contents>) {
        let mut kept = self
            .kept
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if kept.len() >= CAPACITY && !kept.contains_key(&id) {
            kept.clear();
        }
        kept.insert(id, (version, contents));
    }

    /// Forgets programme `id`.
    pub(crate) fn forget(&self, id: i64) {
        let mut kept = self
            .kept
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        kept.remove(&id);
    }

    /// After `change` moved programme `id` from `before` to `after`: keeps the changed
    /// contents under `after` if the contents at `before` were kept, else forgets `id`.
    pub(crate) fn changed(&self, id: i64, before: i64, after: i64, change: &Change<'_>) {
        let Some(old) = self.get(id, before) else {
            self.forget(id);
            return;
        };
        let mut contents = (*old).clone();
        apply(&mut contents, change);
        self.put(id, after, Arc::new(contents));
    }
}

/// `change` applied to `contents`, in the order the store reads them back (problems and
/// actions by id, progress by action and quarter).
pub(crate) fn apply(contents: &mut Contents, change: &Change<'_>) {
    match change {
        Change::AddProblem(problem) => {
            let at = contents.problems.partition_point(|p| p.id < problem.id);
            contents.problems.insert(at, (*problem).clone());
        }
        Change::AddAction(action) => {
            let at = contents.actions.partition_point(|a| a.id < action.id);
            contents.actions.insert(at, (*action).clone());
        }
        Change::UpdateAction { after, .. } => {
            if let Some(action) = contents.actions.iter_mut().find(|a| a.id == after.id) {
                *action = (*after).clone();
            }
        }
        Change::Progress { after, .. } => {
            let key = |r: &ProgressReport| (r.action_id, r.quarter.to_string());
            let wanted = key(after);
            contents.progress.retain(|r| key(r) != wanted);
            let at = contents.progress.partition_point(|r| key(r) < wanted);
            contents.progress.insert(at, (*after).clone());
        }
        Change::Transition { .. } => {}
    }
}
