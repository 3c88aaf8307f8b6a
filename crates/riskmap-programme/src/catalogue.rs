//! The action catalogue, compiled in from `data/actions.toml`: each action type's names
//! (kk/ru/en), the plan measures it serves, the triggers it answers and the indicator it moves.

use std::collections::BTreeSet;

use serde::Deserialize;

use crate::{Error, Result};

/// The text of `data/actions.toml`, compiled in.
pub const BUILTIN: &str = include_str!("../../../data/actions.toml");

/// The triggers of the crisis teams' priority list (riskmap-score `Trigger`, in snake case).
pub const TRIGGERS: [&str; 8] = [
    "top_quintile",
    "s2_event",
    "cluster",
    "exceedance",
    "coping_gap",
    "backlog",
    "data_silence",
    "forecast_exceedance",
];

/// Names in the three languages of the service.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Names {
    /// Kazakh.
    pub kk: String,
    /// Russian.
    pub ru: String,
    /// English.
    pub en: String,
}

impl Names {
    /// The name in `lang` (`kk`, `ru`, anything else English).
    pub fn get(&self, lang: &str) -> &str {
        match lang {
            "kk" => &self.kk,
            "ru" => &self.ru,
            _ => &self.en,
        }
    }
}

/// One type of action.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionType {
    /// Its code (`staffing_psychologists`).
    pub code: String,
    /// The plan measures and expected results it serves (`measure 14`, `expected result 6`).
    pub serves: Vec<String>,
    /// The priority-list triggers it answers.
    pub answers: Vec<String>,
    /// The indicator code it is expected to move.
    pub moves: String,
    /// Its names.
    pub name: Names,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    version: String,
    action: Vec<ActionType>,
}

/// The action catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Catalogue {
    /// The catalogue's version.
    pub version: String,
    /// The action types, in file order.
    pub actions: Vec<ActionType>,
}

impl Catalogue {
    /// The catalogue compiled in from `data/actions.toml`.
    pub fn builtin() -> Result<Self> {
        Self::parse(BUILTIN, &|_| true)
    }

    /// Parses a catalogue; `known_indicator` says whether an indicator code exists.
    pub fn parse(text: &str, known_indicator: &dyn Fn(&str) -> bool) -> Result<Self> {
        let raw: Raw = toml::from_str(text).map_err(|e| Error::Catalogue {
            message: e.to_string(),
        })?;
        let mut seen = BTreeSet::new();
        for (index, action) in raw.action.iter().enumerate() {
            check_action(index, action, known_indicator)?;
            if !seen.insert(action.code.as_str()) {
                return Err(catalogue_error(index, &action.code, "duplicate code"));
            }
        }
        Ok(Self {
            version: raw.version,
            actions: raw.action,
        })
    }

    /// The action type `code`.
    pub fn get(&self, code: &str) -> Option<&ActionType> {
        self.actions.iter().find(|a| a.code == code)
    }

    /// The action types that answer any of `triggers`, in catalogue order.
    pub fn answering<'a>(&'a self, triggers: &'a [String]) -> impl Iterator<Item = &'a ActionType> {
        self.actions
            .iter()
            .filter(|a| a.answers.iter().any(|t| triggers.contains(t)))
    }
}

fn check_action(
    index: usize,
    action: &ActionType,
    known_indicator: &dyn Fn(&str) -> bool,
) -> Result<()> {
    let fail = |message: &str| Err(catalogue_error(index, &action.code, message));
    if action.code.is_empty()
        || !action
            .code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    {
        return fail("code must be lowercase ASCII letters, digits and '_'");
    }
    if [&action.name.kk, &action.name.ru, &action.name.en]
        .iter()
        .any(|n| n.trim().is_empty())
    {
        return fail("every name (kk, ru, en) is required");
    }
    if action.serves.is_empty() {
        return fail("`serves` names at least one plan measure");
    }
    if let Some(bad) = action
        .answers
        .iter()
        .find(|t| !TRIGGERS.contains(&t.as_str()))
    {
        return fail(&format!("unknown trigger {bad:?}"));
    }
    if !known_indicator(&action.moves) {
        return fail(&format!("unknown indicator {:?}", action.moves));
    }
    Ok(())
}

fn catalogue_error(index: usize, code: &str, message: &str) -> Error {
    Error::Catalogue {
        message: format!(
            "data/actions.toml, [[action]] #{} ({code:?}): {message}",
            index + 1
        ),
    }
}
