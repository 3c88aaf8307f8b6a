//! Statistical disclosure control (domain §4.3): the only way a count or a rate reaches an
//! output.
//!
//! A [`Disclosed`] value can only be built by a [`SuppressionPolicy`] (or as one of the
//! value-free symbols), so code that serialises API responses, tiles or exports cannot emit a
//! number the audience may not see: it never holds one. The symbols follow Eurostat usage:
//! `c` confidential (suppressed), `u` unstable, `:` not available, `z` not applicable.

use crate::sensitivity::Access;
use crate::{AdminLevel, Audience, Kato, Sensitivity};

/// A value after disclosure control for one audience.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Disclosed<T>(Shown<T>);

/// What an output may show for one cell.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Shown<T> {
    /// The value, shown as is.
    Value(T),
    /// The value, flagged unstable (`u`): small numerator, show hatched.
    Unstable(T),
    /// Only a band may be shown (`0`, `1-2`, `3+`): S2 counts at school level for akimats.
    Band(&'static str),
    /// Suppressed (`c`).
    Suppressed,
    /// Not available (`:`): not reported, or no denominator.
    NotAvailable,
    /// Not applicable (`z`).
    NotApplicable,
}

impl<T: Copy> Disclosed<T> {
    /// A cell with no data (`:`).
    pub fn not_available() -> Self {
        Disclosed(Shown::NotAvailable)
    }

    /// A cell that does not apply (`z`).
    pub fn not_applicable() -> Self {
        Disclosed(Shown::NotApplicable)
    }

    /// A withheld cell (`c`); holds no value, so anyone may build it.
    pub fn suppressed() -> Self {
        Disclosed(Shown::Suppressed)
    }

    /// Any cell, for this crate's policy code (re-disclosure of frozen values).
    pub(crate) fn from_policy(shown: Shown<T>) -> Self {
        Disclosed(shown)
    }

    /// Any cell, for this crate's own tests.
    #[cfg(test)]
    pub(crate) fn from_shown_for_tests(shown: Shown<T>) -> Self {
        Disclosed(shown)
    }

    /// What may be shown.
    pub fn shown(&self) -> Shown<T> {
        self.0
    }

    /// The number, when one may be shown (plain or unstable).
    pub fn value(&self) -> Option<T> {
        match self.0 {
            Shown::Value(v) | Shown::Unstable(v) => Some(v),
            Shown::Band(_) | Shown::Suppressed | Shown::NotAvailable | Shown::NotApplicable => None,
        }
    }

    /// The flag symbol: `None` for a plain value, else `u`, `c`, `:` or `z`.
    pub fn symbol(&self) -> Option<&'static str> {
        match self.0 {
            Shown::Value(_) => None,
            Shown::Unstable(_) => Some("u"),
            Shown::Band(_) => Some("b"),
            Shown::Suppressed => Some("c"),
            Shown::NotAvailable => Some(":"),
            Shown::NotApplicable => Some("z"),
        }
    }
}

/// Where a cell sits and who reads it: everything the policy needs besides the number.
#[derive(Debug, Clone, Copy)]
pub struct Cell<'a> {
    /// Sensitivity class of the indicator or measure.
    pub sensitivity: Sensitivity,
    /// Level of the unit.
    pub level: AdminLevel,
    /// The unit's code.
    pub unit: &'a Kato,
    /// The reader.
    pub audience: &'a Audience,
}

impl Cell<'_> {
    pub(crate) fn access(&self) -> Access {
        self.audience
            .access(self.sensitivity, self.level, self.unit)
    }
}

/// The thresholds of domain §4.3, passed explicitly to whoever publishes.
///
/// There is deliberately no `Default`: the thresholds are policy, chosen by the caller.
#[derive(Debug, Clone, PartialEq)]
pub struct SuppressionPolicy {
    /// Counts from 1 to `min_count - 1` are suppressed for audiences without exact access.
    pub min_count: u64,
    /// Rates whose numerator is below this are flagged unstable (`u`).
    pub stable_numerator: u64,
    /// S2 counts shown to the public are rounded to a multiple of this.
    pub s2_rounding: u64,
    /// Schools with fewer pupils are small: an akimat sees their counts, not their rates.
    pub small_school_pupils: u64,
}

impl SuppressionPolicy {
    /// The rules recommended in domain §4.3: `c` below 10, `u` below 20, S2 rounded to 5, and
    /// no rates for akimats at schools under 100 pupils.
    pub fn recommended() -> Self {
        Self {
            min_count: 10,
            stable_numerator: 20,
            s2_rounding: 5,
            small_school_pupils: 100,
        }
    }

    /// Publishes one count of `indicator sensitivity` for the unit `unit` at `level`.
    ///
    /// # Examples
    /// ```
    /// use riskmap_model::{AdminLevel, Audience, Kato, Sensitivity, SuppressionPolicy};
    /// use riskmap_model::suppression::Cell;
    /// let policy = SuppressionPolicy::recommended();
    /// let region = Kato::parse("750000000").unwrap();
    /// let public = Cell { sensitivity: Sensitivity::S1, level: AdminLevel::Region, unit: &region, audience: &Audience::Public };
    /// assert_eq!(policy.count(7, &public).symbol(), Some("c"));
    /// let ministry = Cell { audience: &Audience::Ministry, ..public };
    /// assert_eq!(policy.count(7, &ministry).value(), Some(7));
    /// ```
    pub fn count(&self, count: u64, cell: &Cell<'_>) -> Disclosed<u64> {
        let sensitivity = cell.sensitivity;
        match cell.access() {
            Access::Hidden => return Disclosed(Shown::Suppressed),
            Access::Exact => return Disclosed(Shown::Value(count)),
            Access::Banded => return Disclosed(Shown::Band(band(count))),
            Access::PublicRules => {}
        }
        if count == 0 {
            return Disclosed(Shown::Value(0));
        }
        if count < self.min_count {
            return Disclosed(Shown::Suppressed);
        }
        if sensitivity == Sensitivity::S2 && self.s2_rounding > 1 {
            let step = self.s2_rounding;
            return Disclosed(Shown::Value((count + step / 2) / step * step));
        }
        Disclosed(Shown::Value(count))
    }

    /// Publishes a rate `numerator / denominator * per`.
    ///
    /// A non-positive denominator gives `:` (never divided by). For audiences without exact
    /// access a numerator from 1 to `min_count - 1` gives `c`; for every audience a numerator
    /// below `stable_numerator` (other than a true zero) is flagged `u`.
    pub fn rate(
        &self,
        numerator: u64,
        denominator: f64,
        per: f64,
        cell: &Cell<'_>,
    ) -> Disclosed<f64> {
        let exact = match cell.access() {
            Access::Hidden | Access::Banded => return Disclosed(Shown::Suppressed),
            Access::Exact => true,
            Access::PublicRules => false,
        };
        if denominator.is_nan() || denominator <= 0.0 || denominator.is_infinite() {
            return Disclosed(Shown::NotAvailable);
        }
        if !exact && numerator > 0 && numerator < self.min_count {
            return Disclosed(Shown::Suppressed);
        }
        #[allow(
            clippy::cast_precision_loss,
            reason = "counts of children are far below 2^52"
        )]
        let value = numerator as f64 / denominator * per;
        if numerator > 0 && numerator < self.stable_numerator {
            return Disclosed(Shown::Unstable(value));
        }
        Disclosed(Shown::Value(value))
    }
}

impl SuppressionPolicy {
    /// A rate derived from a count that has already been published: `count / denominator *
    /// per`, computed from the published count itself (a rounded count gives the rate of the
    /// rounded count; a withheld count withholds the rate), so the rate never tells more than
    /// its count (`docs/disclosure.md` §3.3). A numerator below `stable_numerator` is flagged
    /// `u`.
    ///
    /// # Examples
    /// ```
    /// use riskmap_model::{AdminLevel, Audience, Kato, Sensitivity, SuppressionPolicy};
    /// use riskmap_model::suppression::Cell;
    /// let policy = SuppressionPolicy::recommended();
    /// let unit = Kato::parse("750000000").unwrap();
    /// let cell = Cell { sensitivity: Sensitivity::S2, level: AdminLevel::Region, unit: &unit, audience: &Audience::Public };
    /// let count = policy.count(13, &cell); // published as 15
    /// let rate = policy.rate_of_published(count, 100_000.0, 10_000.0);
    /// assert!((rate.value().unwrap() - 1.5).abs() < 1e-12, "the rate of the rounded 15");
    /// assert_eq!(rate.symbol(), Some("u"));
    /// ```
    pub fn rate_of_published(
        &self,
        count: Disclosed<u64>,
        denominator: f64,
        per: f64,
    ) -> Disclosed<f64> {
        let numerator = match count.0 {
            Shown::Value(n) | Shown::Unstable(n) => n,
            Shown::Band(_) | Shown::Suppressed => return Disclosed(Shown::Suppressed),
            Shown::NotAvailable => return Disclosed(Shown::NotAvailable),
            Shown::NotApplicable => return Disclosed(Shown::NotApplicable),
        };
        if denominator.is_nan() || denominator <= 0.0 || denominator.is_infinite() {
            return Disclosed(Shown::NotAvailable);
        }
        #[allow(
            clippy::cast_precision_loss,
            reason = "counts of children are far below 2^52"
        )]
        let value = numerator as f64 / denominator * per;
        if numerator > 0 && numerator < self.stable_numerator {
            return Disclosed(Shown::Unstable(value));
        }
        Disclosed(Shown::Value(value))
    }
}

impl SuppressionPolicy {
    /// Whether a school of `pupils` pupils is small (fewer than `small_school_pupils`); a school
    /// whose pupils are not reported is not.
    pub fn small_school(&self, pupils: Option<f64>) -> bool {
        #[allow(
            clippy::cast_precision_loss,
            reason = "a threshold of pupils, far below 2^52"
        )]
        let threshold = self.small_school_pupils as f64;
        pupils.is_some_and(|pupils| pupils < threshold)
    }

    /// The rate of a count at one school of `pupils` pupils, once `rate` is published for the
    /// reader: domain §4.3 shows an akimat (tier A) no rate at a small school, only its counts
    /// and the "small school" tag, so the rate becomes not applicable (`z`); other readers keep
    /// `rate`.
    ///
    /// # Examples
    /// ```
    /// use riskmap_model::{AdminLevel, Audience, Kato, Sensitivity, SuppressionPolicy};
    /// use riskmap_model::suppression::Cell;
    /// let policy = SuppressionPolicy::recommended();
    /// let akimat = Audience::Regional { region: Kato::parse("750000000").unwrap(), district: None };
    /// let district = Kato::parse("751110000").unwrap();
    /// let cell = Cell { sensitivity: Sensitivity::S1, level: AdminLevel::School, unit: &district, audience: &akimat };
    /// let rate = policy.rate(25, 200.0, 100.0, &cell);
    /// assert_eq!(policy.school_count_rate(rate, Some(99.0), &akimat).symbol(), Some("z"));
    /// assert_eq!(policy.school_count_rate(rate, Some(100.0), &akimat).value(), Some(12.5));
    /// assert_eq!(policy.school_count_rate(rate, Some(99.0), &Audience::Ministry).value(), Some(12.5));
    /// ```
    pub fn school_count_rate(
        &self,
        rate: Disclosed<f64>,
        pupils: Option<f64>,
        audience: &Audience,
    ) -> Disclosed<f64> {
        let akimat = matches!(audience, Audience::Regional { .. });
        if akimat && self.small_school(pupils) {
            return Disclosed(Shown::NotApplicable);
        }
        rate
    }
}

impl SuppressionPolicy {
    /// Publishes a quantity that is not a count of children (an FTE ratio, a share of posts
    /// filled). Exact for audiences with exact access; otherwise shown only for S0.
    pub fn quantity(&self, value: f64, cell: &Cell<'_>) -> Disclosed<f64> {
        let access = cell.access();
        if access == Access::Hidden {
            return Disclosed(Shown::Suppressed);
        }
        if !value.is_finite() {
            return Disclosed(Shown::NotAvailable);
        }
        if access == Access::Exact || cell.sensitivity == Sensitivity::S0 {
            return Disclosed(Shown::Value(value));
        }
        Disclosed(Shown::Suppressed)
    }
}

/// The band of an S2 count shown to akimats at school level.
pub(crate) fn band(count: u64) -> &'static str {
    match count {
        0 => "0",
        1 | 2 => "1-2",
        _ => "3+",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region() -> Kato {
        Kato::parse("750000000").unwrap()
    }

    fn cell<'a>(
        sensitivity: Sensitivity,
        level: AdminLevel,
        unit: &'a Kato,
        audience: &'a Audience,
    ) -> Cell<'a> {
        Cell {
            sensitivity,
            level,
            unit,
            audience,
        }
    }

    #[test]
    fn public_never_sees_counts_one_to_nine() {
        let policy = SuppressionPolicy::recommended();
        for count in 1..10 {
            let shown = policy.count(
                count,
                &cell(
                    Sensitivity::S1,
                    AdminLevel::Region,
                    &region(),
                    &Audience::Public,
                ),
            );
            assert_eq!(shown.value(), None, "count {count}");
            assert_eq!(shown.symbol(), Some("c"));
        }
        let zero = policy.count(
            0,
            &cell(
                Sensitivity::S1,
                AdminLevel::Region,
                &region(),
                &Audience::Public,
            ),
        );
        assert_eq!(zero.value(), Some(0));
    }

    #[test]
    fn public_s2_counts_are_rounded_to_five() {
        let policy = SuppressionPolicy::recommended();
        let shown = policy.count(
            12,
            &cell(
                Sensitivity::S2,
                AdminLevel::Region,
                &region(),
                &Audience::Public,
            ),
        );
        assert_eq!(shown.value(), Some(10));
        let shown = policy.count(
            13,
            &cell(
                Sensitivity::S2,
                AdminLevel::Region,
                &region(),
                &Audience::Public,
            ),
        );
        assert_eq!(shown.value(), Some(15));
    }

    #[test]
    fn public_sees_no_sensitive_district_values() {
        let policy = SuppressionPolicy::recommended();
        let district = Kato::parse("751110000").unwrap();
        let shown = policy.count(
            250,
            &cell(
                Sensitivity::S1,
                AdminLevel::District,
                &district,
                &Audience::Public,
            ),
        );
        assert_eq!(shown.symbol(), Some("c"));
    }

    #[test]
    fn rates_flag_small_numerators_and_refuse_zero_denominators() {
        let policy = SuppressionPolicy::recommended();
        let rate = |n, d, who: &Audience| {
            policy.rate(
                n,
                d,
                10_000.0,
                &cell(Sensitivity::S1, AdminLevel::Region, &region(), who),
            )
        };
        assert_eq!(rate(5, 1000.0, &Audience::Public).symbol(), Some("c"));
        assert_eq!(rate(5, 1000.0, &Audience::Ministry).symbol(), Some("u"));
        assert_eq!(rate(15, 1000.0, &Audience::Public).symbol(), Some("u"));
        assert_eq!(rate(25, 1000.0, &Audience::Public).value(), Some(250.0));
        assert_eq!(rate(25, 0.0, &Audience::Ministry).symbol(), Some(":"));
    }

    #[test]
    fn akimat_is_exact_only_in_own_region() {
        let policy = SuppressionPolicy::recommended();
        let akimat = Audience::Regional {
            region: region(),
            district: None,
        };
        let own = policy.count(
            3,
            &cell(
                Sensitivity::S1,
                AdminLevel::District,
                &Kato::parse("751110000").unwrap(),
                &akimat,
            ),
        );
        assert_eq!(own.value(), Some(3));
        let other = Kato::parse("100000000").unwrap();
        let foreign = policy.count(
            3,
            &cell(Sensitivity::S1, AdminLevel::Region, &other, &akimat),
        );
        assert_eq!(foreign.symbol(), Some("c"));
        let school_s2 = policy.count(
            2,
            &cell(
                Sensitivity::S2,
                AdminLevel::School,
                &Kato::parse("751110000").unwrap(),
                &akimat,
            ),
        );
        assert_eq!(school_s2.shown(), Shown::Band("1-2"));
        assert_eq!(school_s2.value(), None);
    }

    #[test]
    fn crisis_team_is_exact_only_in_assigned_districts() {
        let policy = SuppressionPolicy::recommended();
        let assigned = Kato::parse("751110000").unwrap();
        let crisis = Audience::Crisis {
            districts: vec![assigned],
        };
        assert_eq!(
            policy
                .count(
                    2,
                    &cell(Sensitivity::S2, AdminLevel::School, &assigned, &crisis)
                )
                .value(),
            Some(2)
        );
        let other = Kato::parse("751210000").unwrap();
        assert_eq!(
            policy
                .count(
                    2,
                    &cell(Sensitivity::S2, AdminLevel::School, &other, &crisis)
                )
                .symbol(),
            Some("c")
        );
        assert_eq!(
            policy
                .count(
                    50,
                    &cell(Sensitivity::S1, AdminLevel::District, &other, &crisis)
                )
                .symbol(),
            Some("c")
        );
    }

    #[test]
    fn steward_has_no_analytic_access() {
        let policy = SuppressionPolicy::recommended();
        let shown = policy.count(
            500,
            &cell(
                Sensitivity::S0,
                AdminLevel::Region,
                &region(),
                &Audience::Steward,
            ),
        );
        assert_eq!(shown.symbol(), Some("c"));
    }
}
