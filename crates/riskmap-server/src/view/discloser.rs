//! The view layer's one door to the disclosure policy: every number a view shows is published
//! by one of these methods. The thresholds stay inside (no view can read `min_count` or the
//! rounding step and apply a rule of its own), and the policy itself is reachable from nowhere
//! else in the server: `Views` holds the only `Discloser`, built once from the policy the
//! server was started with.

use riskmap_model::protection::Rounding;
/// The cell a number is published for (reader, level, unit, sensitivity): views name it
/// through this door too.
pub use riskmap_model::suppression::Cell;
use riskmap_model::{Access, Audience, Disclosed, Frozen, Sensitivity, SuppressionPolicy};

/// Publishes numbers for one cell and reader with the server's disclosure policy.
#[derive(Debug)]
pub struct Discloser {
    policy: SuppressionPolicy,
}

impl Discloser {
    /// The door for `policy`; only `Views::new` makes one.
    pub(super) fn new(policy: SuppressionPolicy) -> Self {
        Self { policy }
    }

    /// A value withheld whatever it is (`c`): the policy's mark, for cells a view withholds
    /// by rule (districts outside the release, hidden margins) rather than by threshold.
    pub fn withheld<T: Copy>() -> Disclosed<T> {
        Disclosed::suppressed()
    }

    /// No value to publish (`–`, not available): the cell has no data.
    pub fn missing<T: Copy>() -> Disclosed<T> {
        Disclosed::not_available()
    }

    /// No value because none applies to the cell (a rate's numerator where the rate is not of
    /// a count).
    pub fn not_applicable<T: Copy>() -> Disclosed<T> {
        Disclosed::not_applicable()
    }

    /// Whether what derives from a value published as `shown` (its band, rank, drivers, the
    /// smoothing of its siblings that reads it) may be published too: only when `shown` is a
    /// number, so a withheld value never shows through what is derived from it.
    pub fn published<T: Copy>(shown: &Disclosed<T>) -> bool {
        shown.value().is_some()
    }

    /// A composite risk score, or one of its dimensions, of `cell`'s unit (`cell` is its S0
    /// cell): withheld from a reader who may not see the unit's S1 values at all, since the
    /// score is built from them; otherwise published as a quantity that is not a count.
    pub fn composite_score(&self, value: Option<f64>, cell: &Cell<'_>) -> Disclosed<f64> {
        let s1 = Cell {
            sensitivity: Sensitivity::S1,
            ..*cell
        };
        if Self::hidden(&s1) {
            return Self::withheld();
        }
        self.quantity_or_missing(value, cell)
    }

    /// Whether the cell's reader may not see it at all (the reader's access to the cell).
    fn hidden(cell: &Cell<'_>) -> bool {
        Self::access(cell) == Access::Hidden
    }

    /// Whether the cell's reader sees it exactly (no bands).
    pub fn exact(cell: &Cell<'_>) -> bool {
        Self::access(cell) == Access::Exact
    }

    fn access(cell: &Cell<'_>) -> Access {
        cell.audience
            .access(cell.sensitivity, cell.level, cell.unit)
    }

    /// A count of children (`SuppressionPolicy::count`).
    pub fn count(&self, count: u64, cell: &Cell<'_>) -> Disclosed<u64> {
        self.policy.count(count, cell)
    }

    /// [`Discloser::count`] of a count that may be missing ([`Discloser::missing`]).
    pub fn count_or_missing(&self, count: Option<u64>, cell: &Cell<'_>) -> Disclosed<u64> {
        count.map_or_else(Self::missing, |count| self.count(count, cell))
    }

    /// [`Discloser::quantity`] of a value that may be missing ([`Discloser::missing`]).
    pub fn quantity_or_missing(&self, value: Option<f64>, cell: &Cell<'_>) -> Disclosed<f64> {
        value.map_or_else(Self::missing, |value| self.quantity(value, cell))
    }

    /// A quantity that is not a count of children (`SuppressionPolicy::quantity`).
    pub fn quantity(&self, value: f64, cell: &Cell<'_>) -> Disclosed<f64> {
        self.policy.quantity(value, cell)
    }

    /// A rate of a true count (`SuppressionPolicy::rate`): for readers who see the cell
    /// exactly, or under the public rules for the cell.
    pub fn rate(
        &self,
        numerator: u64,
        denominator: f64,
        per: f64,
        cell: &Cell<'_>,
    ) -> Disclosed<f64> {
        self.policy.rate(numerator, denominator, per, cell)
    }

    /// A rate computed from a count already published, never from the true count
    /// (`SuppressionPolicy::rate_of_published`).
    pub fn rate_of_published(
        &self,
        count: Disclosed<u64>,
        denominator: f64,
        per: f64,
    ) -> Disclosed<f64> {
        self.policy.rate_of_published(count, denominator, per)
    }

    /// Whether a school of `pupils` pupils is small (`SuppressionPolicy::small_school`).
    pub fn small_school(&self, pupils: Option<f64>) -> bool {
        self.policy.small_school(pupils)
    }

    /// The rate of a count at a school of `pupils` pupils, `rate` already published for
    /// `audience` (`SuppressionPolicy::school_count_rate`: none for akimats at small schools).
    pub fn school_count_rate(
        &self,
        rate: Disclosed<f64>,
        pupils: Option<f64>,
        audience: &Audience,
    ) -> Disclosed<f64> {
        self.policy.school_count_rate(rate, pupils, audience)
    }

    /// A frozen count shown to a later reader (`SuppressionPolicy::redisclose_count`).
    pub fn redisclose_count(&self, frozen: &Frozen<u64>, cell: &Cell<'_>) -> Disclosed<u64> {
        self.policy.redisclose_count(frozen, cell)
    }

    /// A frozen rate shown to a later reader (`SuppressionPolicy::redisclose_rate`).
    pub fn redisclose_rate(&self, frozen: &Frozen<f64>, cell: &Cell<'_>) -> Disclosed<f64> {
        self.policy.redisclose_rate(frozen, cell)
    }

    /// The rules a released margin of `sensitivity` counts was published with, for its joint
    /// protection (`SuppressionPolicy::margin_rounding`).
    pub fn margin_rounding(&self, sensitivity: Sensitivity) -> Rounding {
        self.policy.margin_rounding(sensitivity)
    }
}
