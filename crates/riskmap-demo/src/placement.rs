//! Places the real number of schools per region in districts (weighted by population) and at
//! random points inside the district polygons, and gives them pupils and risk effects.

use geo::{BoundingRect, Contains};
use geo_types::Point;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Gamma, LogNormal};
use riskmap_geo::{District, Geography, UnitType};
use riskmap_model::{Kato, School, SchoolId, Settlement};

use crate::DemoConfig;

/// A school with the hidden parameters its records are drawn from. Compact (about 100
/// bytes): its id and names are made from the serial and the district when asked for, so a
/// country of any size is held without its text.
pub(crate) struct PlacedSchool {
    /// Serial number in the country, from 1.
    pub(crate) serial: u32,
    /// The district the school lies in.
    pub(crate) district: Kato,
    /// The region.
    pub(crate) region: Kato,
    /// WGS84 longitude and latitude.
    pub(crate) location: (f64, f64),
    /// Urban or rural.
    pub(crate) settlement: Settlement,
    /// Pupils in the first quarter.
    pub(crate) pupils: f64,
    /// Relative risk of harm events (mean 1 over pupils nationally).
    pub(crate) risk: f64,
    /// Share of psychologist posts filled.
    pub(crate) psych_coverage: f64,
    /// Probability that the social-pedagogue post is filled.
    pub(crate) socped_filled: f64,
    /// Probability of not submitting a quarter.
    pub(crate) silence: f64,
    /// Probability of submitting late.
    pub(crate) lateness: f64,
    /// Relative tendency to keep register cases open for long.
    pub(crate) backlog: f64,
}

pub(crate) fn place_schools(
    geography: &Geography,
    config: &DemoConfig,
    rng: &mut ChaCha8Rng,
) -> Vec<PlacedSchool> {
    let region_effect = LogNormal::new(0.0, 0.35).expect("valid log-normal");
    let district_effect = LogNormal::new(0.0, 0.25).expect("valid log-normal");
    let school_effect = Gamma::new(2.0, 0.5).expect("valid gamma");
    let size_spread = LogNormal::new(0.0, 0.6).expect("valid log-normal");
    let covered_population: f64 = geography
        .regions()
        .iter()
        .flat_map(|r| geography.districts_of(&r.kato))
        .map(|d| district_weight(geography, d))
        .sum();
    let total: usize = geography
        .regions()
        .iter()
        .map(|r| region_school_count(r.schools, config))
        .sum();
    let mut placed = Vec::with_capacity(total);
    for region in geography.regions() {
        let region_risk = region_effect.sample(rng);
        let region_psych: f64 = rng.random_range(0.6..1.0);
        let region_socped = rng.random_range(0.55..0.97);
        let region_lateness = rng.random_range(0.02..0.15);
        let districts: Vec<&District> = geography.districts_of(&region.kato).collect();
        let n_schools = region_school_count(region.schools, config);
        let weights: Vec<f64> = districts
            .iter()
            .map(|d| district_weight(geography, d))
            .collect();
        let allocation = allocate(n_schools, &weights);
        for ((district, n_here), weight) in districts.iter().zip(allocation).zip(&weights) {
            if n_here == 0 {
                continue;
            }
            let district_risk = district_effect.sample(rng);
            #[allow(clippy::cast_precision_loss, reason = "national pupils fit f64")]
            let district_pupils = config.national_pupils as f64 * weight / covered_population;
            let city = matches!(
                district.unit_type,
                UnitType::CityRegional | UnitType::CityDistrict
            );
            let mut sizes = Vec::with_capacity(n_here);
            let mut settlements = Vec::with_capacity(n_here);
            for _ in 0..n_here {
                let settlement = if city || rng.random_bool(0.2) {
                    Settlement::Urban
                } else {
                    Settlement::Rural
                };
                let factor = if settlement == Settlement::Urban {
                    2.5
                } else {
                    1.0
                };
                sizes.push(size_spread.sample(rng) * factor);
                settlements.push(settlement);
            }
            let size_total: f64 = sizes.iter().sum();
            for (size, settlement) in sizes.into_iter().zip(settlements) {
                let serial = placed.len() + 1;
                let location = random_point_in(district, rng);
                let chronic_silence = rng.random_bool(0.02);
                placed.push(PlacedSchool {
                    serial: u32::try_from(serial).expect("fewer than 4 billion schools"),
                    district: district.kato,
                    region: region.kato,
                    location: (location.x(), location.y()),
                    settlement,
                    pupils: (district_pupils * size / size_total).max(20.0),
                    risk: region_risk * district_risk * school_effect.sample(rng),
                    psych_coverage: (region_psych * rng.random_range(0.8..1.15)).min(1.0),
                    socped_filled: region_socped,
                    silence: if chronic_silence { 0.5 } else { 0.01 },
                    lateness: region_lateness,
                    backlog: rng.random_range(0.5..1.5),
                });
            }
        }
    }
    placed
}

impl PlacedSchool {
    /// The school's `nobd_org_id`: `DEMO-<region prefix>-<serial>`.
    pub(crate) fn id(&self) -> SchoolId {
        SchoolId::parse(&format!(
            "DEMO-{}-{:05}",
            self.region.region_prefix(),
            self.serial
        ))
        .expect("generated ids are valid")
    }

    /// The school as the reference file lists it, named after its district in `geography`
    /// (the geography it was placed in).
    pub(crate) fn school(&self, geography: &Geography) -> School {
        let serial = self.serial;
        let (kk, ru) = geography
            .district(&self.district)
            .map_or(("", ""), |d| (d.names.kk.as_str(), d.names.ru.as_str()));
        School {
            id: self.id(),
            name_kk: format!("{kk} №{serial} жалпы білім беретін мектебі (синтетикалық)"),
            name_ru: format!("Общеобразовательная школа №{serial}, {ru} (синтетическая)"),
            district: self.district,
            region: self.region,
            location: Some(self.location),
            settlement: self.settlement,
        }
    }
}

/// The schools placed in a region that has `real` schools: scaled, at least one.
fn region_school_count(real: u32, config: &DemoConfig) -> usize {
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "a region's schools fit usize"
    )]
    let scaled = (f64::from(real) * config.school_scale).round() as usize;
    scaled.max(1)
}

/// Population weight of a district; units created after the 2023 statistics get the mean of
/// their region's known districts.
fn district_weight(geography: &Geography, district: &District) -> f64 {
    if let Some(population) = district.population {
        #[allow(clippy::cast_precision_loss, reason = "populations fit f64")]
        return population as f64;
    }
    let known: Vec<f64> = geography
        .districts_of(&district.region)
        .filter_map(|d| d.population)
        .map(|p| p as f64)
        .collect();
    if known.is_empty() {
        1.0
    } else {
        known.iter().sum::<f64>() / known.len() as f64
    }
}

/// Splits `total` over `weights` by largest remainder, giving every unit at least one when
/// there are enough to go round.
fn allocate(total: usize, weights: &[f64]) -> Vec<usize> {
    let n = weights.len();
    if n == 0 {
        return Vec::new();
    }
    let floor_each = usize::from(total >= n);
    let rest = total - floor_each * n;
    let weight_sum: f64 = weights.iter().sum();
    #[allow(clippy::cast_precision_loss, reason = "small counts")]
    let shares: Vec<f64> = weights
        .iter()
        .map(|w| rest as f64 * w / weight_sum)
        .collect();
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "shares are small and non-negative"
    )]
    let mut counts: Vec<usize> = shares
        .iter()
        .map(|s| s.floor() as usize + floor_each)
        .collect();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| {
        (shares[b] - shares[b].floor())
            .total_cmp(&(shares[a] - shares[a].floor()))
            .then(a.cmp(&b))
    });
    let assigned: usize = counts.iter().sum();
    for &idx in order.iter().take(total - assigned) {
        counts[idx] += 1;
    }
    counts
}

fn random_point_in(district: &District, rng: &mut ChaCha8Rng) -> Point<f64> {
    let Some(bounds) = district.geometry.bounding_rect() else {
        return district.label_point;
    };
    for _ in 0..10_000 {
        let point = Point::new(
            rng.random_range(bounds.min().x..=bounds.max().x),
            rng.random_range(bounds.min().y..=bounds.max().y),
        );
        if district.geometry.contains(&point) {
            return point;
        }
    }
    district.label_point
}

#[cfg(test)]
mod tests {
    use super::allocate;

    #[test]
    fn allocation_sums_to_total_and_covers_every_unit() {
        let counts = allocate(10, &[5.0, 1.0, 1.0, 0.5]);
        assert_eq!(counts.iter().sum::<usize>(), 10);
        assert!(counts.iter().all(|c| *c >= 1));
        assert_eq!(allocate(2, &[1.0, 1.0, 1.0]).iter().sum::<usize>(), 2);
    }
}
