//! Queen and rook contiguity of the real districts and regions of Kazakhstan
//! (`shared/data/kz`), as the hotspot overlay and the forecasts use them.

#![allow(clippy::unwrap_used, reason = "tests")]

use riskmap_geo::Geography;
use riskmap_score::weights;

fn geography() -> Geography {
    let dir = riskmap_geo::dir_beside_repository(env!("CARGO_MANIFEST_DIR"));
    riskmap_geo::load_dir(&dir).unwrap()
}

#[test]
fn district_contiguity_is_symmetric_and_connected_enough() {
    let geo = geography();
    let polygons: Vec<_> = geo.districts().iter().map(|d| d.geometry.clone()).collect();
    let queen = weights::queen(&polygons).unwrap();
    let rook = weights::rook(&polygons).unwrap();
    let n = geo.districts().len();
    let mut links = 0;
    for i in 0..n {
        for &j in queen.neighbours(i) {
            assert!(queen.neighbours(j).contains(&i), "queen is symmetric");
            links += 1;
        }
        for &j in rook.neighbours(i) {
            assert!(
                queen.neighbours(i).contains(&j),
                "every rook neighbour is a queen neighbour"
            );
        }
    }
    let mean = links as f64 / n as f64;
    assert!((3.0..8.0).contains(&mean), "mean queen neighbours {mean}");
    assert!(
        queen.islands().len() <= 3,
        "islands: {:?}",
        queen
            .islands()
            .iter()
            .map(|&i| geo.districts()[i].kato.to_string())
            .collect::<Vec<_>>()
    );
    let almaty_districts: Vec<usize> = geo
        .districts()
        .iter()
        .enumerate()
        .filter(|(_, d)| d.kato.region_prefix() == "75")
        .map(|(i, _)| i)
        .collect();
    for &i in &almaty_districts {
        assert!(
            queen
                .neighbours(i)
                .iter()
                .any(|j| almaty_districts.contains(j)),
            "each Almaty city district touches another"
        );
    }
    let region_polygons: Vec<_> = geo.regions().iter().map(|r| r.geometry.clone()).collect();
    let regions = weights::queen(&region_polygons).unwrap();
    assert!(regions.islands().is_empty());
    let astana = geo
        .regions()
        .iter()
        .position(|r| r.kato.as_str() == "710000000")
        .unwrap();
    let akmola = geo
        .regions()
        .iter()
        .position(|r| r.kato.as_str() == "110000000")
        .unwrap();
    assert_eq!(
        regions.neighbours(astana),
        [akmola],
        "Astana is enclosed by Akmola"
    );
}
