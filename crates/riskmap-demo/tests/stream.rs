//! The demo as a stream: schools made on demand and records drawn with their school's district
//! are the same data set as the one generated at once, and each record's district is its
//! school's.

#![allow(clippy::unwrap_used, reason = "tests: a failure should stop the test")]

use std::collections::{HashMap, HashSet};

use riskmap_demo::{DemoConfig, DemoStream, generate};

fn geography() -> riskmap_geo::Geography {
    let dir = riskmap_geo::dir_beside_repository(env!("CARGO_MANIFEST_DIR"));
    riskmap_geo::load_dir(&dir).unwrap()
}

#[test]
fn each_streamed_record_carries_its_schools_district() {
    let geo = geography();
    let config = DemoConfig::scaled(900, 7687, 3, 11);
    let stream = DemoStream::new(&geo, &config);
    let district_of: HashMap<String, _> = stream
        .schools()
        .map(|s| (s.id.as_str().to_owned(), s.district))
        .collect();
    let mut records = stream.into_records();
    let mut seen = 0;
    while let Some((record, district)) = records.next_with_district() {
        assert_eq!(
            district_of[record.school.as_str()],
            district,
            "{}",
            record.school.as_str()
        );
        seen += 1;
    }
    assert!(
        seen > 2 * district_of.len(),
        "three quarters of records: {seen}"
    );
    assert!(
        district_of.values().collect::<HashSet<_>>().len() > 100,
        "the schools are spread over the districts"
    );
}

#[test]
fn the_stream_is_the_data_set_generated_at_once() {
    let geo = geography();
    let config = DemoConfig::scaled(600, 7687, 2, 5);
    let whole = generate(&geo, &config);
    let stream = DemoStream::new(&geo, &config);
    let schools: Vec<_> = stream.schools().collect();
    assert_eq!(schools, whole.schools);
    let ids: Vec<_> = stream.school_ids().collect();
    assert!(
        ids.iter().eq(schools.iter().map(|s| &s.id)),
        "ids in school order"
    );
    let records: Vec<_> = stream.into_records().collect();
    assert_eq!(records, whole.records);
    let names: HashSet<_> = schools.iter().map(|s| s.name_ru.as_str()).collect();
    assert_eq!(names.len(), schools.len(), "every school has its own name");
    for school in &schools {
        let district = geo.district(&school.district).unwrap();
        assert!(
            school.name_kk.starts_with(&district.names.kk),
            "{}",
            school.name_kk
        );
        assert!(
            school.name_ru.contains(&district.names.ru),
            "{}",
            school.name_ru
        );
        assert!(
            school.id.as_str().starts_with("DEMO-"),
            "{}",
            school.id.as_str()
        );
    }
}
