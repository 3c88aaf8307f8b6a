//! Indicator values of one unit inside the reader's scope (or of an S0 indicator anywhere),
//! computed from stored sums and disclosed by the `Discloser` for the reader.
//!
//! value = per × pooled_quarters × Σ numerator / Σ denominator over the quarters used (see
//! `data/indicators.toml`): over a rolling year this is events per `per` pupils a year, and a
//! single quarter is annualised the same way. Sensitive values outside the reader's scope do
//! not come from here but from the published release (`release.rs`).

use super::discloser::{Cell, Discloser};
use riskmap_model::{
    AdminLevel, Audience, Disclosed, Indicator, Kato, MeasureKind, MeasureValues, Period,
};

/// An indicator of one unit over some quarters, after disclosure control.
#[derive(Debug, Clone, Copy)]
pub struct DisclosedIndicator {
    /// The value (or its symbol).
    pub value: Disclosed<f64>,
    /// The numerator count (or its symbol); `z` for non-count numerators.
    pub numerator: Disclosed<u64>,
}

/// Who reads, about which unit.
#[derive(Debug, Clone, Copy)]
pub struct Reader<'a> {
    /// Disclosure thresholds.
    pub discloser: &'a super::Discloser,
    /// The audience.
    pub audience: &'a Audience,
    /// Level of the unit.
    pub level: AdminLevel,
    /// The unit.
    pub unit: &'a Kato,
}

/// Computes and discloses `indicator` from per-quarter values (one unit or one school).
pub fn disclose_values(
    indicator: &Indicator,
    sums: &[(Period, &MeasureValues)],
    periods: &[Period],
    reader: Reader<'_>,
) -> DisclosedIndicator {
    let total = |measure| -> Option<f64> {
        let values: Vec<f64> = sums
            .iter()
            .filter(|(period, _)| periods.contains(period))
            .filter_map(|(_, values)| values.get(measure))
            .collect();
        if values.is_empty() {
            None
        } else {
            Some(values.iter().sum())
        }
    };
    let (Some(numerator), Some(denominator)) =
        (total(indicator.numerator), total(indicator.denominator))
    else {
        return DisclosedIndicator {
            value: Discloser::missing(),
            numerator: Discloser::missing(),
        };
    };
    let cell = Cell {
        sensitivity: indicator.sensitivity,
        level: reader.level,
        unit: reader.unit,
        audience: reader.audience,
    };
    #[allow(clippy::cast_precision_loss, reason = "a handful of quarters")]
    let pooled = indicator.pooled_quarters as f64;
    match indicator.numerator.kind() {
        MeasureKind::Count => {
            #[allow(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "sums of non-negative whole counts"
            )]
            let count = numerator.round().max(0.0) as u64;
            let value = reader
                .discloser
                .rate(count, denominator / pooled, indicator.per, &cell);
            let numerator = reader.discloser.count(count, &cell);
            DisclosedIndicator { value, numerator }
        }
        MeasureKind::Decimal => {
            let value = if denominator > 0.0 {
                reader
                    .discloser
                    .quantity(numerator / denominator * indicator.per * pooled, &cell)
            } else {
                Discloser::missing()
            };
            DisclosedIndicator {
                value,
                numerator: Discloser::not_applicable(),
            }
        }
    }
}
