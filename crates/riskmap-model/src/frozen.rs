//! Frozen disclosed values: what a reader was shown at one moment, kept (in a programme's
//! problem snapshot) and shown again later, to the same or another reader, only through
//! [`SuppressionPolicy`] (`redisclose_count`, `redisclose_rate`).
//!
//! A frozen value remembers the access its first reader had (exact, banded, the public
//! rules): a later reader never sees more than the first one did, and never more than its own
//! rules allow. An exact S1/S2 value frozen inside one reader's scope is withheld (`c`) from a
//! reader outside that scope: the published release holds calendar-year counts with joint
//! secondary suppression, which a single rolling-year value cannot be put through, so it is
//! withheld rather than published under the primary rule alone. S0 values follow the public
//! rules.

use serde::{Deserialize, Serialize};

use crate::sensitivity::Access;
use crate::suppression::{Cell, band};
use crate::{Disclosed, Sensitivity, Shown, SuppressionPolicy};

/// The access the first reader had to a frozen value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FrozenAccess {
    /// Exact (inside the reader's scope).
    Exact,
    /// A band only.
    Banded,
    /// The public rules (the published release).
    Public,
    /// Nothing.
    Hidden,
}

/// What was shown, as it is stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "shown", content = "value", rename_all = "snake_case")]
pub enum FrozenShown<T> {
    /// A plain value.
    Value(T),
    /// An unstable value (`u`).
    Unstable(T),
    /// A band (`0`, `1-2`, `3+`).
    Band(String),
    /// Suppressed (`c`).
    Suppressed,
    /// Not available (`:`).
    NotAvailable,
    /// Not applicable (`z`).
    NotApplicable,
}

/// A disclosed value frozen with the access of the reader it was disclosed to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Frozen<T> {
    shown: FrozenShown<T>,
    access: FrozenAccess,
}

impl<T: Copy> Frozen<T> {
    /// Freezes what `cell`'s reader was shown.
    pub fn freeze(disclosed: Disclosed<T>, cell: &Cell<'_>) -> Self {
        let access = match cell
            .audience
            .access(cell.sensitivity, cell.level, cell.unit)
        {
            Access::Exact => FrozenAccess::Exact,
            Access::Banded => FrozenAccess::Banded,
            Access::PublicRules => FrozenAccess::Public,
            Access::Hidden => FrozenAccess::Hidden,
        };
        let shown = match disclosed.shown() {
            Shown::Value(v) => FrozenShown::Value(v),
            Shown::Unstable(v) => FrozenShown::Unstable(v),
            Shown::Band(b) => FrozenShown::Band(b.to_owned()),
            Shown::Suppressed => FrozenShown::Suppressed,
            Shown::NotAvailable => FrozenShown::NotAvailable,
            Shown::NotApplicable => FrozenShown::NotApplicable,
        };
        Self { shown, access }
    }

    /// The access of the first reader.
    pub fn access(&self) -> FrozenAccess {
        self.access
    }

    /// The stored value, as shown to the first reader, with no disclosure applied: for the
    /// store and for comparisons only, never for an output.
    pub fn stored(&self) -> &FrozenShown<T> {
        &self.shown
    }

    /// The symbols that carry no value, as a `Disclosed`.
    fn valueless(&self) -> Option<Disclosed<T>> {
        match &self.shown {
            FrozenShown::Suppressed => Some(Disclosed::suppressed()),
            FrozenShown::NotAvailable => Some(Disclosed::not_available()),
            FrozenShown::NotApplicable => Some(Disclosed::not_applicable()),
            FrozenShown::Value(_) | FrozenShown::Unstable(_) | FrozenShown::Band(_) => None,
        }
    }

    /// The frozen value shown as it was (for a reader with at least the first reader's access).
    fn as_frozen(&self) -> Disclosed<T> {
        let shown = match &self.shown {
            FrozenShown::Value(v) => Shown::Value(*v),
            FrozenShown::Unstable(v) => Shown::Unstable(*v),
            FrozenShown::Band(b) => match known_band(b) {
                Some(b) => Shown::Band(b),
                None => Shown::Suppressed,
            },
            FrozenShown::Suppressed => Shown::Suppressed,
            FrozenShown::NotAvailable => Shown::NotAvailable,
            FrozenShown::NotApplicable => Shown::NotApplicable,
        };
        Disclosed::from_policy(shown)
    }
}

/// The bands `band` makes, as static strings; anything else is not a band.
fn known_band(text: &str) -> Option<&'static str> {
    ["0", "1-2", "3+"].into_iter().find(|b| *b == text)
}

impl SuppressionPolicy {
    /// Shows a frozen count to the reader of `cell`.
    ///
    /// # Examples
    /// ```
    /// use riskmap_model::{AdminLevel, Audience, Kato, Sensitivity, SuppressionPolicy};
    /// use riskmap_model::frozen::Frozen;
    /// use riskmap_model::suppression::Cell;
    /// let policy = SuppressionPolicy::recommended();
    /// let district = Kato::parse("751210000").unwrap();
    /// let akimat = Audience::Regional { region: district.region(), district: None };
    /// let cell = Cell { sensitivity: Sensitivity::S1, level: AdminLevel::District, unit: &district, audience: &akimat };
    /// let frozen = Frozen::freeze(policy.count(7, &cell), &cell);
    /// assert_eq!(policy.redisclose_count(&frozen, &cell).value(), Some(7));
    /// let outsider = Audience::Crisis { districts: vec![Kato::parse("751510000").unwrap()] };
    /// let other = Cell { audience: &outsider, ..cell };
    /// assert_eq!(policy.redisclose_count(&frozen, &other).symbol(), Some("c"));
    /// ```
    pub fn redisclose_count(&self, frozen: &Frozen<u64>, cell: &Cell<'_>) -> Disclosed<u64> {
        if let Some(valueless) = frozen.valueless() {
            return valueless;
        }
        match (cell.access(), frozen.access) {
            (Access::Hidden, _) | (_, FrozenAccess::Hidden) => Disclosed::suppressed(),
            (Access::Exact, _) | (_, FrozenAccess::Public) => frozen.as_frozen(),
            (Access::Banded, FrozenAccess::Exact | FrozenAccess::Banded) => match frozen.shown {
                FrozenShown::Value(n) | FrozenShown::Unstable(n) => {
                    Disclosed::from_policy(Shown::Band(band(n)))
                }
                FrozenShown::Band(_) => frozen.as_frozen(),
                _ => Disclosed::suppressed(),
            },
            (Access::PublicRules, FrozenAccess::Exact | FrozenAccess::Banded) => {
                self.public_count_of_frozen(frozen, cell)
            }
        }
    }

    /// An exact frozen count for a reader under the public rules: S0 by the primary rule, S1
    /// and S2 withheld (the module's documentation says why).
    fn public_count_of_frozen(&self, frozen: &Frozen<u64>, cell: &Cell<'_>) -> Disclosed<u64> {
        match frozen.shown {
            FrozenShown::Value(n) | FrozenShown::Unstable(n)
                if cell.sensitivity == Sensitivity::S0 =>
            {
                self.count(n, cell)
            }
            _ => Disclosed::suppressed(),
        }
    }

    /// Shows a frozen rate (or score, or quantity) to the reader of `cell`: as frozen for a
    /// reader with exact access or when it was frozen under the public rules; an exact S1/S2
    /// rate is withheld from readers without exact access, an exact S0 rate is shown.
    pub fn redisclose_rate(&self, frozen: &Frozen<f64>, cell: &Cell<'_>) -> Disclosed<f64> {
        if let Some(valueless) = frozen.valueless() {
            return valueless;
        }
        if matches!(frozen.shown, FrozenShown::Band(_)) {
            return Disclosed::suppressed();
        }
        match (cell.access(), frozen.access) {
            (Access::Hidden, _) | (_, FrozenAccess::Hidden) => Disclosed::suppressed(),
            (Access::Exact, _) | (_, FrozenAccess::Public) => frozen.as_frozen(),
            (Access::Banded, _) => Disclosed::suppressed(),
            (Access::PublicRules, FrozenAccess::Exact | FrozenAccess::Banded) => {
                if cell.sensitivity == Sensitivity::S0 {
                    frozen.as_frozen()
                } else {
                    Disclosed::suppressed()
                }
            }
        }
    }
}
