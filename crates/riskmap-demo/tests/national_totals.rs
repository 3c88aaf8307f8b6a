//! The standard demo data set on the real geography: sizes, totals and determinism.

#![allow(clippy::unwrap_used, reason = "tests: a failure should stop the test")]

use std::collections::HashMap;

use riskmap_demo::{DemoConfig, generate};
use riskmap_model::Measure;

fn geography() -> &'static riskmap_geo::Geography {
    static GEOGRAPHY: std::sync::OnceLock<riskmap_geo::Geography> = std::sync::OnceLock::new();
    GEOGRAPHY.get_or_init(|| {
        let dir = riskmap_geo::dir_beside_repository(env!("CARGO_MANIFEST_DIR"));
        riskmap_geo::load_dir(&dir).unwrap()
    })
}

#[test]
fn standard_demo_matches_the_plan_baseline() {
    let geo = geography();
    let config = DemoConfig::standard();
    let data = generate(geo, &config);
    assert_eq!(data.schools.len(), 7687);
    let mut per_region: HashMap<_, u32> = HashMap::new();
    for school in &data.schools {
        *per_region.entry(school.region).or_default() += 1;
        let (lon, lat) = school.location.unwrap();
        let district = geo
            .district_at(geo_types::Point::new(lon, lat))
            .expect("every school lies in a district");
        assert_eq!(district.region, school.region);
    }
    for region in geo.regions() {
        assert_eq!(
            per_region[&region.kato], region.schools,
            "{}",
            region.names.en
        );
    }
    let first = config.periods[0];
    let pupils: f64 = data
        .records
        .iter()
        .filter(|r| r.period == first)
        .map(|r| r.values.get(Measure::PupilsTotal).unwrap())
        .sum();
    assert!(
        (3_400_000.0..3_800_000.0).contains(&pupils),
        "pupils reporting in {first}: {pupils}"
    );
    let yearly = |measure: Measure, year: u16| -> f64 {
        data.records
            .iter()
            .filter(|r| r.period.year() == year)
            .map(|r| r.values.get(measure).unwrap())
            .sum()
    };
    let suicides = yearly(Measure::SuicideDeaths, 2023);
    let attempts = yearly(Measure::SuicideAttempts, 2023);
    let offences = yearly(Measure::OffencesAgainstPupils, 2023);
    assert!(
        (120.0..190.0).contains(&suicides),
        "suicides 2023: {suicides}"
    );
    assert!(
        (250.0..370.0).contains(&attempts),
        "attempts 2023: {attempts}"
    );
    assert!(
        (1_700.0..2_300.0).contains(&offences),
        "offences against pupils 2023: {offences}"
    );
    let late = data.records.iter().filter(|r| r.is_late()).count();
    assert!(
        late > 0 && late < data.records.len() / 4,
        "late submissions: {late}"
    );
    assert!(
        data.records.len() < data.schools.len() * config.periods.len(),
        "some schools stay silent"
    );
}

#[test]
fn records_satisfy_the_contract_sum_rules() {
    let geo = geography();
    let mut config = DemoConfig::standard();
    config.school_scale = 0.05;
    let data = generate(geo, &config);
    let sum = |r: &riskmap_model::SchoolQuarterRecord, ms: &[Measure]| -> f64 {
        ms.iter().map(|m| r.values.get(*m).unwrap()).sum()
    };
    for r in &data.records {
        let v = |m| r.values.get(m).unwrap();
        assert_eq!(
            sum(r, &[Measure::PupilsFemale, Measure::PupilsMale]),
            v(Measure::PupilsTotal)
        );
        assert_eq!(
            sum(
                r,
                &[
                    Measure::PupilsG1To4,
                    Measure::PupilsG5To9,
                    Measure::PupilsG10To12
                ]
            ),
            v(Measure::PupilsTotal)
        );
        assert_eq!(
            sum(
                r,
                &[
                    Measure::ViolPhysical,
                    Measure::ViolPsychological,
                    Measure::ViolNeglect,
                    Measure::ViolSexual,
                    Measure::ViolOther
                ]
            ),
            v(Measure::ViolTotal)
        );
        assert_eq!(
            sum(
                r,
                &[
                    Measure::ViolSetSchool,
                    Measure::ViolSetFamily,
                    Measure::ViolSetCommunity,
                    Measure::ViolSetOnline
                ]
            ),
            v(Measure::ViolTotal)
        );
        assert_eq!(
            sum(
                r,
                &[
                    Measure::ViolPerpPeer,
                    Measure::ViolPerpStaff,
                    Measure::ViolPerpFamily,
                    Measure::ViolPerpOtherAdult,
                    Measure::ViolPerpUnknown
                ]
            ),
            v(Measure::ViolTotal)
        );
        let reasons = [
            Measure::IsuReasonBullying,
            Measure::IsuReasonFamily,
            Measure::IsuReasonTruancy,
            Measure::IsuReasonOffence,
            Measure::IsuReasonSelfharmRisk,
            Measure::IsuReasonSubstance,
            Measure::IsuReasonOther,
        ];
        assert_eq!(sum(r, &reasons), v(Measure::IsuOpened));
        assert_eq!(
            v(Measure::IsuOpenEnd),
            v(Measure::IsuOpenStart) + v(Measure::IsuOpened)
                - v(Measure::IsuClosedResolved)
                - v(Measure::IsuClosedOther)
        );
        assert!(v(Measure::IsuOpenOver90d) <= v(Measure::IsuOpenEnd));
        assert!(v(Measure::PsychFteFilled) <= v(Measure::PsychFteNorm));
    }
}

#[test]
fn same_seed_gives_the_same_data() {
    let geo = geography();
    let mut config = DemoConfig::standard();
    config.school_scale = 0.05;
    let a = generate(geo, &config);
    let b = generate(geo, &config);
    assert_eq!(a.schools, b.schools);
    assert_eq!(a.records, b.records);
    config.seed += 1;
    assert_ne!(generate(geo, &config).records, a.records);
}
