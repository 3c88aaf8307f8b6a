//! The stored sums the view layer starts from: every measure summed by unit and quarter over
//! the current revision of each school record, for one level and every quarter with data,
//! read once per data version (`Store::unit_period_sums`) and indexed by unit.

use std::collections::{BTreeMap, HashMap};

use riskmap_model::{Kato, Measure, MeasureValues, Period};
use riskmap_store::UnitPeriodSums;

/// One unit's sums in one quarter.
#[derive(Debug, Clone)]
pub struct QuarterSums {
    /// Schools whose record was summed.
    pub records: u64,
    /// The summed measures (`None`: no school reported the measure).
    pub sums: MeasureValues,
}

/// The sums of every unit of one level, every quarter with data.
#[derive(Debug, Default)]
pub struct LevelSums {
    by_unit: HashMap<Kato, BTreeMap<Period, QuarterSums>>,
}

impl LevelSums {
    /// Indexes the store's rows.
    pub fn new(rows: Vec<UnitPeriodSums>) -> Self {
        let mut by_unit: HashMap<Kato, BTreeMap<Period, QuarterSums>> = HashMap::new();
        for row in rows {
            by_unit.entry(row.unit).or_default().insert(
                row.period,
                QuarterSums {
                    records: row.records,
                    sums: row.sums,
                },
            );
        }
        Self { by_unit }
    }

    /// The quarters of `unit`, oldest first.
    pub fn unit(&self, unit: &Kato) -> Vec<(Period, &MeasureValues)> {
        self.by_unit
            .get(unit)
            .map(|quarters| quarters.iter().map(|(p, q)| (*p, &q.sums)).collect())
            .unwrap_or_default()
    }

    /// One quarter of `unit`.
    pub fn quarter(&self, unit: &Kato, period: Period) -> Option<&QuarterSums> {
        self.by_unit.get(unit)?.get(&period)
    }

    /// Σ `measure` of `unit` over `periods` (quarters without the measure are skipped);
    /// `None` when no quarter has it.
    pub fn total(&self, unit: &Kato, measure: Measure, periods: &[Period]) -> Option<f64> {
        let quarters = self.by_unit.get(unit)?;
        let values: Vec<f64> = periods
            .iter()
            .filter_map(|p| quarters.get(p)?.sums.get(measure))
            .collect();
        (!values.is_empty()).then(|| values.iter().sum())
    }

    /// The units with data.
    pub fn units(&self) -> impl Iterator<Item = &Kato> {
        self.by_unit.keys()
    }
}

/// A sum of whole counts as an integer.
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "sums of whole non-negative counts, far below 2^53"
)]
pub fn whole(value: f64) -> u64 {
    value.round().max(0.0) as u64
}
