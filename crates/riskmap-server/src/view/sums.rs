//! The stored sums the view layer starts from: every measure summed by unit and quarter over
//! the current revision of each school record, for every quarter with data. The store sums
//! the finest partition (region × district × quarter, `Store::partition_period_sums`) once per
//! data version, one query per quarter run side by side; the country's, regions' and
//! districts' sums add up from it here, indexed by unit.

use std::collections::{BTreeMap, HashMap};

use riskmap_model::{AdminLevel, Kato, Measure, MeasureValues, Period};
use riskmap_store::PartitionPeriodSums;

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
    /// The sums of `level` (country, region or district) added up from the partition: a
    /// measure's sum is `None` only where no school of the unit reported it, as SQL's `sum`.
    pub fn roll_up(partition: &[PartitionPeriodSums], level: AdminLevel) -> Self {
        let mut by_unit: HashMap<Kato, BTreeMap<Period, QuarterSums>> = HashMap::new();
        for part in partition {
            let unit = match level {
                AdminLevel::District | AdminLevel::School => part.district,
                AdminLevel::Region => part.region,
                AdminLevel::Country => super::country(),
            };
            let quarter = by_unit
                .entry(unit)
                .or_default()
                .entry(part.period)
                .or_insert_with(|| QuarterSums {
                    records: 0,
                    sums: MeasureValues::empty(),
                });
            quarter.records += part.records;
            add_into(&mut quarter.sums, &part.sums);
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

/// Adds `more` to `total` measure by measure; a measure nobody reported stays `None`.
fn add_into(total: &mut MeasureValues, more: &MeasureValues) {
    for &measure in Measure::ALL {
        if let Some(value) = more.get(measure) {
            total.set(measure, Some(total.get(measure).unwrap_or(0.0) + value));
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn part(
        region: &str,
        district: &str,
        records: u64,
        violence: Option<f64>,
    ) -> PartitionPeriodSums {
        let mut sums = MeasureValues::empty();
        sums.set(Measure::ViolTotal, violence);
        sums.set(Measure::PupilsTotal, Some(100.0 * records as f64));
        PartitionPeriodSums {
            region: Kato::parse(region).expect("valid"),
            district: Kato::parse(district).expect("valid"),
            period: Period::parse("2024-Q1").expect("valid"),
            records,
            sums,
        }
    }

    #[test]
    fn levels_add_up_from_the_partition_keeping_unreported_measures_none() {
        let partition = [
            part("750000000", "751110000", 2, Some(3.0)),
            part("750000000", "751210000", 1, None),
            part("710000000", "711110000", 4, None),
        ];
        let q1 = Period::parse("2024-Q1").expect("valid");
        let regions = LevelSums::roll_up(&partition, AdminLevel::Region);
        let almaty = regions
            .quarter(&Kato::parse("750000000").expect("valid"), q1)
            .expect("summed");
        assert_eq!(almaty.records, 3);
        assert_eq!(almaty.sums.get(Measure::ViolTotal), Some(3.0));
        assert_eq!(almaty.sums.get(Measure::PupilsTotal), Some(300.0));
        let astana = regions
            .quarter(&Kato::parse("710000000").expect("valid"), q1)
            .expect("summed");
        assert_eq!(astana.sums.get(Measure::ViolTotal), None, "nobody reported");
        let country = LevelSums::roll_up(&partition, AdminLevel::Country);
        let all = country
            .quarter(&super::super::country(), q1)
            .expect("summed");
        assert_eq!(
            (all.records, all.sums.get(Measure::ViolTotal)),
            (7, Some(3.0))
        );
        let districts = LevelSums::roll_up(&partition, AdminLevel::District);
        assert_eq!(districts.units().count(), 3);
    }
}
