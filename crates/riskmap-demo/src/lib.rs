//! Synthetic school × quarter data for the whole country, for demos, tests and benchmarks.
//!
//! Everything this crate produces is fiction and must be labelled so wherever it is shown
//! (`"synthetic": true` in the API, a banner on the page, a flag in the store).
//!
//! The generator is deterministic: the same [`DemoConfig`] and geography give the same data,
//! bit for bit, because all randomness comes from one ChaCha8 stream seeded by `seed`.
//! It places the real number of schools per region (`schools-2022-23.csv`) at random points
//! inside their district polygons (districts weighted by population), gives them about
//! 3.7 million pupils in all, and draws event counts from Poisson distributions whose national
//! yearly totals sit near the baseline of Resolution 748 (≈155 suicides, ≈309 attempts,
//! ≈2,000 offences against minors a year), with region, district and school effects so that
//! the map shows real variation, and the structure over time a forecaster needs
//! (`dynamics`): a lower summer quarter, district shocks that persist into the next quarter,
//! and three clusters that start in one district and spread to its contiguous districts.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

/// National yearly event totals the generator aims at.
pub mod baseline;
/// Synthetic work contacts of the schools.
mod contacts;
/// Seasonality, persistence and spreading clusters of the event rates.
pub mod dynamics;
/// Placing schools in districts and inside polygons.
mod placement;
/// Drawing the quarterly records.
mod records;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use riskmap_geo::Geography;
use riskmap_model::{Period, School, SchoolId, SchoolQuarterRecord};

/// What to generate.
#[derive(Debug, Clone)]
pub struct DemoConfig {
    /// Seed of the random stream.
    pub seed: u64,
    /// The quarters to generate, in order.
    pub periods: Vec<Period>,
    /// Total pupils nationally in the first quarter.
    pub national_pupils: u64,
    /// Scale the number of schools per region (1.0 = the real 7,687).
    pub school_scale: f64,
}

impl DemoConfig {
    /// The skeleton's demo: seed 748, 2023-Q1 … 2024-Q4, 3.7 M pupils, all 7,687 schools.
    pub fn standard() -> Self {
        let first = Period::new(2023, 1).expect("valid literal period");
        let last = Period::new(2024, 4).expect("valid literal period");
        Self {
            seed: 748,
            periods: Period::range_inclusive(first, last),
            national_pupils: 3_700_000,
            school_scale: 1.0,
        }
    }

    /// About `schools` schools (pupils scaled with them) over `quarters` quarters ending
    /// 2024-Q4, from seed `seed`. `real_schools` is the country's count (7,687 in 2022/23).
    pub fn scaled(schools: u32, real_schools: u32, quarters: u32, seed: u64) -> Self {
        let standard = Self::standard();
        let scale = f64::from(schools) / f64::from(real_schools.max(1));
        let last = Period::new(2024, 4).expect("valid literal period");
        let first = (1..quarters.max(1)).fold(last, |p, _| p.previous());
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            clippy::cast_precision_loss,
            reason = "millions of pupils"
        )]
        let national_pupils = (standard.national_pupils as f64 * scale).round() as u64;
        Self {
            seed,
            periods: Period::range_inclusive(first, last),
            national_pupils,
            school_scale: scale,
        }
    }
}

/// The generated data set.
#[derive(Debug, Clone)]
pub struct DemoData {
    /// Schools.
    pub schools: Vec<School>,
    /// Quarterly records (schools that stayed silent in a quarter have none).
    pub records: Vec<SchoolQuarterRecord>,
}

pub use contacts::{DemoContact, demo_contacts};
pub use records::Records;

/// The data set as a stream: the placed schools' compact parameters in memory (about 100
/// bytes a school, no text), each school's reference entry made when it is asked for and
/// the records drawn one at a time (memory does not grow with the number of quarters or rows
/// written).
pub struct DemoStream<'g> {
    geography: &'g Geography,
    records: Records,
}

impl<'g> DemoStream<'g> {
    /// Places the schools; no record is drawn yet.
    pub fn new(geography: &'g Geography, config: &DemoConfig) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
        let placed = placement::place_schools(geography, config, &mut rng);
        Self {
            geography,
            records: Records::new(placed, config, rng, geography),
        }
    }

    /// The schools, in order, each made as it is asked for.
    pub fn schools(&self) -> impl Iterator<Item = School> + '_ {
        self.records
            .placed()
            .iter()
            .map(|placed| placed.school(self.geography))
    }

    /// The schools' ids, in order (without making their names).
    pub fn school_ids(&self) -> impl Iterator<Item = SchoolId> + '_ {
        self.records
            .placed()
            .iter()
            .map(placement::PlacedSchool::id)
    }

    /// The quarterly records, quarter by quarter, schools in order within a quarter.
    pub fn into_records(self) -> Records {
        self.records
    }
}

/// Generates the data set at once (the schools and every record in memory).
pub fn generate(geography: &Geography, config: &DemoConfig) -> DemoData {
    let stream = DemoStream::new(geography, config);
    let schools = stream.schools().collect();
    DemoData {
        schools,
        records: stream.into_records().collect(),
    }
}
