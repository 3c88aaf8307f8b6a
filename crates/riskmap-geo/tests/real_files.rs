//! Invariants of the real reference files in `shared/data/kz`, read from their folder.

#![allow(clippy::unwrap_used, reason = "tests: a failure should stop the test")]

use std::path::PathBuf;
use std::sync::OnceLock;

use geo_types::Point;
use riskmap_geo::{Geography, PopulationBasis, Source, load_dir};
use riskmap_model::Kato;

fn data_dir() -> PathBuf {
    riskmap_geo::dir_beside_repository(env!("CARGO_MANIFEST_DIR"))
}

fn geography() -> &'static Geography {
    static GEOGRAPHY: OnceLock<Geography> = OnceLock::new();
    GEOGRAPHY.get_or_init(|| {
        let dir = data_dir();
        load_dir(&dir)
            .unwrap_or_else(|e| panic!("the reference data must load from {}: {e}", dir.display()))
    })
}

fn kato(text: &str) -> Kato {
    Kato::parse(text).unwrap()
}

#[test]
fn has_twenty_regions_and_224_districts() {
    let geo = geography();
    assert_eq!(geo.regions().len(), 20);
    assert_eq!(geo.districts().len(), 224);
    for district in geo.districts() {
        assert!(
            geo.region(&district.region).is_some(),
            "{} has no parent",
            district.kato
        );
    }
    let schools: u32 = geo.regions().iter().map(|r| r.schools).sum();
    assert_eq!(schools, 7687);
    let population: u64 = geo.regions().iter().map(|r| r.population).sum();
    assert_eq!(population, geo.national_population());
    assert_eq!(population, 19_765_004);
}

#[test]
fn capital_centres_fall_in_their_cities() {
    let geo = geography();
    for (name, prefix) in [("Nur-Sultan", "71"), ("Almaty", "75"), ("Shymkent", "79")] {
        let centre = geo
            .centres()
            .iter()
            .find(|c| c.names.en == name)
            .unwrap_or_else(|| panic!("no centre named {name}"));
        let district = geo
            .district_at(centre.point)
            .unwrap_or_else(|| panic!("{name} centre is in no district"));
        assert_eq!(
            district.kato.region_prefix(),
            prefix,
            "{name} lands in {}",
            district.kato
        );
    }
}

#[test]
fn every_regional_centre_lies_in_its_region() {
    let geo = geography();
    for centre in geo.centres() {
        let Some(district) = geo.district_at(centre.point) else {
            panic!("{} is in no district", centre.names.en)
        };
        assert_eq!(district.region, centre.region, "{}", centre.names.en);
    }
}

#[test]
fn points_outside_kazakhstan_find_no_district() {
    let geo = geography();
    for (lon, lat) in [
        (37.6173, 55.7558),
        (116.4, 39.9),
        (69.2401, 41.2995),
        (0.0, 0.0),
    ] {
        assert!(
            geo.district_at(Point::new(lon, lat)).is_none(),
            "({lon}, {lat})"
        );
    }
}

#[test]
fn population_join_follows_sources_md() {
    let geo = geography();
    let basis = |code: &str| geo.district(&kato(code)).unwrap().population_basis;
    assert_eq!(basis("101000000"), PopulationBasis::UrbanRuralSplit);
    assert_eq!(basis("622010000"), PopulationBasis::Recoded);
    assert_eq!(basis("104500000"), PopulationBasis::AreaSplit);
    assert_eq!(basis("711510000"), PopulationBasis::Unknown);
    let semey: u64 = ["101000000", "101010000"]
        .iter()
        .map(|c| geo.district(&kato(c)).unwrap().population.unwrap())
        .sum();
    assert_eq!(semey, 328_762);
    // SOURCES.md: 218 polygons join on kato; two of them (Semey 101000000, Urzhar 104600000)
    // are then split with a neighbouring polygon, leaving 216 direct joins.
    let direct = geo
        .districts()
        .iter()
        .filter(|d| d.population_basis == PopulationBasis::Direct)
        .count();
    assert_eq!(direct, 216);
}

#[test]
fn broken_feature_is_named_in_the_error() {
    let dir = data_dir();
    let read = |name: &str| Source {
        name: name.to_owned(),
        bytes: std::fs::read(dir.join(name)).unwrap(),
    };
    let adm2 = String::from_utf8(read("kz-adm2.geojson").bytes)
        .unwrap()
        .replacen("\"kato\":\"101800000\"", "\"kato\":\"1018\"", 1);
    let adm2 = Source {
        name: "kz-adm2.geojson".to_owned(),
        bytes: adm2.into_bytes(),
    };
    let err = Geography::from_sources(
        &read("kz-adm1.geojson"),
        &adm2,
        &read("kz-adm1-centers.geojson"),
        &read("population-2023-01-01.csv"),
        &read("schools-2022-23.csv"),
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("kz-adm2.geojson") && err.contains("feature") && err.contains("1018"),
        "{err}"
    );
    let missing = load_dir(&dir.join("no-such-dir")).unwrap_err().to_string();
    assert!(missing.contains("no-such-dir"), "{missing}");
}

/// `district_at` against the polygons themselves: on a grid over the country and at every
/// vertex and edge midpoint of every district (points on a boundary), it names a district
/// whose geometry holds the point, and none only when no district's geometry does.
#[test]
fn district_at_answers_as_the_polygons_do() {
    use geo::{BoundingRect, Intersects};
    let geo = geography();
    let holders = |point: Point<f64>| -> Vec<Kato> {
        geo.districts()
            .iter()
            .filter(|d| d.geometry.intersects(&point))
            .map(|d| d.kato)
            .collect()
    };
    let check = |point: Point<f64>| {
        let holding = holders(point);
        match geo.district_at(point) {
            Some(found) => assert!(holding.contains(&found.kato), "{point:?}"),
            None => assert!(holding.is_empty(), "{point:?} is in {holding:?}"),
        }
    };
    let bounds = geo
        .districts()
        .iter()
        .filter_map(|d| d.geometry.bounding_rect())
        .reduce(|a, b| {
            geo_types::Rect::new(
                (a.min().x.min(b.min().x), a.min().y.min(b.min().y)),
                (a.max().x.max(b.max().x), a.max().y.max(b.max().y)),
            )
        })
        .unwrap();
    let steps = 50;
    for i in 0..=steps {
        for j in 0..=steps {
            let x = bounds.min().x + bounds.width() * f64::from(i) / f64::from(steps);
            let y = bounds.min().y + bounds.height() * f64::from(j) / f64::from(steps);
            check(Point::new(x, y));
        }
    }
    for district in geo.districts().iter().step_by(11) {
        for polygon in &district.geometry {
            for line in polygon.exterior().lines().step_by(9) {
                check(line.start.into());
                check(((line.start + line.end) / 2.0).into());
            }
        }
    }
}
