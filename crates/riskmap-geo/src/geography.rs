//! The validated geography: regions, districts, centres and population, with point lookup.

use std::collections::HashMap;

use geo::{BoundingRect, Centroid, GeodesicArea, InteriorPoint, Intersects};
use geo_types::{MultiPolygon, Point, Rect};
use riskmap_model::Kato;
use rstar::RTree;
use rstar::primitives::{GeomWithData, Rectangle};

use crate::boundaries::{RawUnit, parse_centres, parse_units};
use crate::tables::{PopulationRow, parse_population, parse_schools};
use crate::{Error, Result};

/// The bytes of one reference file and the name used in error messages.
#[derive(Debug, Clone)]
pub struct Source {
    /// File name or path, for messages.
    pub name: String,
    /// File content.
    pub bytes: Vec<u8>,
}

/// Names in Kazakh, Russian and English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Names {
    /// Kazakh.
    pub kk: String,
    /// Russian (the KATO 2022 official name where geokz has one).
    pub ru: String,
    /// English.
    pub en: String,
}

/// What kind of administrative unit a polygon is (from the KATO code, see SOURCES.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitType {
    /// Oblast.
    Oblast,
    /// City of republican significance (Astana, Almaty, Shymkent).
    CityRepublican,
    /// District (аудан) of an oblast.
    District,
    /// City administration of regional significance (г.а.).
    CityRegional,
    /// District of a city of republican significance.
    CityDistrict,
}

impl UnitType {
    fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "oblast" => UnitType::Oblast,
            "city_republican" => UnitType::CityRepublican,
            "district" => UnitType::District,
            "city_regional" => UnitType::CityRegional,
            "city_district" => UnitType::CityDistrict,
            _ => return None,
        })
    }

    /// The snake_case name used in the files and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            UnitType::Oblast => "oblast",
            UnitType::CityRepublican => "city_republican",
            UnitType::District => "district",
            UnitType::CityRegional => "city_regional",
            UnitType::CityDistrict => "city_district",
        }
    }
}

/// How a district polygon's population was obtained from the BNS 1.1.2023 table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PopulationBasis {
    /// The polygon's KATO code is a row of the table.
    Direct,
    /// geokz uses a lower-level code for this unit; the table's row for the unit is used
    /// (Satpaev: polygon 622010000, table 622000000).
    Recoded,
    /// geokz splits one table unit in two: the urban core takes the urban population, the
    /// surrounding polygon the rural one (Semey 101000000 / 101010000).
    UrbanRuralSplit,
    /// One table unit covers two polygons; split in proportion to geodesic area
    /// (Urzhar 104600000 includes Maqanshy 104500000).
    AreaSplit,
    /// The unit was created after 1.1.2023 and has no population in the table.
    Unknown,
}

/// One of the 20 regions (oblasts and cities of republican significance).
#[derive(Debug, Clone)]
pub struct Region {
    /// `AB0000000`.
    pub kato: Kato,
    /// Names.
    pub names: Names,
    /// Oblast or city of republican significance.
    pub unit_type: UnitType,
    /// Boundary, WGS84.
    pub geometry: MultiPolygon<f64>,
    /// Area centroid (may lie outside a concave polygon).
    pub centroid: Point<f64>,
    /// A point guaranteed inside the polygon, for labels.
    pub label_point: Point<f64>,
    /// Population on 1 January 2023.
    pub population: u64,
    /// General-education schools, 2022/23.
    pub schools: u32,
}

/// One of the district polygons.
#[derive(Debug, Clone)]
pub struct District {
    /// The polygon's KATO code (as in geokz).
    pub kato: Kato,
    /// The region's code.
    pub region: Kato,
    /// Names.
    pub names: Names,
    /// District, city administration or city district.
    pub unit_type: UnitType,
    /// Boundary, WGS84.
    pub geometry: MultiPolygon<f64>,
    /// Area centroid.
    pub centroid: Point<f64>,
    /// A point guaranteed inside the polygon, for labels.
    pub label_point: Point<f64>,
    /// Geodesic area in km².
    pub area_km2: f64,
    /// Population on 1 January 2023, when known.
    pub population: Option<u64>,
    /// How `population` was obtained.
    pub population_basis: PopulationBasis,
}

/// An administrative centre of a region.
#[derive(Debug, Clone)]
pub struct Centre {
    /// The centre settlement's KATO code.
    pub kato: Kato,
    /// The region it is the centre of.
    pub region: Kato,
    /// Names.
    pub names: Names,
    /// Location, WGS84.
    pub point: Point<f64>,
}

type DistrictBox = GeomWithData<Rectangle<[f64; 2]>, usize>;

/// Kazakhstan's regions and districts, validated, with a spatial index over districts.
#[derive(Debug)]
pub struct Geography {
    regions: Vec<Region>,
    districts: Vec<District>,
    centres: Vec<Centre>,
    index: RTree<DistrictBox>,
    /// The bounding box of each polygon of each district (same order as `districts`), so that
    /// a point is tested only against the polygons whose box holds it.
    polygon_boxes: Vec<Vec<Option<Rect<f64>>>>,
    national_population: u64,
}

/// The number of regions after the 2022 reform.
pub const REGION_COUNT: usize = 20;

impl Geography {
    /// Builds and validates the geography from the bytes of the five reference files.
    pub fn from_sources(
        adm1: &Source,
        adm2: &Source,
        centres: &Source,
        population: &Source,
        schools: &Source,
    ) -> Result<Self> {
        let population_rows = parse_population(population)?;
        let school_rows = parse_schools(schools)?;
        let raw_regions = parse_units(adm1, false)?;
        if raw_regions.len() != REGION_COUNT {
            return Err(Error::File {
                file: adm1.name.clone(),
                message: format!(
                    "expected {REGION_COUNT} regions, found {}",
                    raw_regions.len()
                ),
            });
        }
        let mut regions = Vec::with_capacity(raw_regions.len());
        for (index, raw) in raw_regions.into_iter().enumerate() {
            let fail = |message: String| Error::Feature {
                file: adm1.name.clone(),
                index,
                kato: raw.kato.to_string(),
                message,
            };
            if raw.kato.region() != raw.kato {
                return Err(fail("a region code must end in seven zeros".to_owned()));
            }
            if regions.iter().any(|r: &Region| r.kato == raw.kato) {
                return Err(fail("duplicate region".to_owned()));
            }
            let unit_type = UnitType::parse(&raw.unit_type)
                .filter(|t| matches!(t, UnitType::Oblast | UnitType::CityRepublican));
            let unit_type = unit_type
                .ok_or_else(|| fail(format!("unknown region unit_type {:?}", raw.unit_type)))?;
            let population = population_rows
                .get(&raw.kato)
                .map(|p| p.total)
                .ok_or_else(|| fail(format!("no population row in {}", population.name)))?;
            let schools = *school_rows
                .get(&raw.kato)
                .ok_or_else(|| fail(format!("no row in {}", schools.name)))?;
            let (centroid, label_point) = anchor_points(&raw.geometry)
                .ok_or_else(|| fail("geometry has no centroid".to_owned()))?;
            regions.push(Region {
                kato: raw.kato,
                names: names(&raw),
                unit_type,
                geometry: raw.geometry,
                centroid,
                label_point,
                population,
                schools,
            });
        }
        let raw_districts = parse_units(adm2, true)?;
        let mut districts = Vec::with_capacity(raw_districts.len());
        for (index, raw) in raw_districts.into_iter().enumerate() {
            let fail = |message: String| Error::Feature {
                file: adm2.name.clone(),
                index,
                kato: raw.kato.to_string(),
                message,
            };
            let parent = raw.parent.expect("districts are parsed with their parent");
            if !regions.iter().any(|r| r.kato == parent) {
                return Err(fail(format!(
                    "parent region {parent} does not exist in {}",
                    adm1.name
                )));
            }
            if districts.iter().any(|d: &District| d.kato == raw.kato) {
                return Err(fail("duplicate district".to_owned()));
            }
            let unit_type = UnitType::parse(&raw.unit_type).filter(|t| {
                matches!(
                    t,
                    UnitType::District | UnitType::CityRegional | UnitType::CityDistrict
                )
            });
            let unit_type = unit_type
                .ok_or_else(|| fail(format!("unknown district unit_type {:?}", raw.unit_type)))?;
            let (centroid, label_point) = anchor_points(&raw.geometry)
                .ok_or_else(|| fail("geometry has no centroid".to_owned()))?;
            let area_km2 = raw.geometry.geodesic_area_unsigned() / 1.0e6;
            districts.push(District {
                kato: raw.kato,
                region: parent,
                names: names(&raw),
                unit_type,
                geometry: raw.geometry,
                centroid,
                label_point,
                area_km2,
                population: None,
                population_basis: PopulationBasis::Unknown,
            });
        }
        join_population(&mut districts, &population_rows);
        let national_population = population_rows
            .get(&Kato::parse("000000000").expect("literal code"))
            .map_or(0, |p| p.total);
        let centres = parse_centres(centres)?
            .into_iter()
            .map(|raw| {
                let region = Kato::parse(&format!("{}0000000", raw.region_prefix))
                    .unwrap_or(raw.kato.region());
                Centre {
                    kato: raw.kato,
                    region,
                    names: Names {
                        kk: raw.name_kk,
                        ru: raw.name_ru,
                        en: raw.name_en,
                    },
                    point: raw.point,
                }
            })
            .collect();
        let index = RTree::bulk_load(
            districts
                .iter()
                .enumerate()
                .filter_map(|(idx, d)| {
                    d.geometry.bounding_rect().map(|r| {
                        GeomWithData::new(
                            Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]),
                            idx,
                        )
                    })
                })
                .collect(),
        );
        let polygon_boxes = districts
            .iter()
            .map(|d| d.geometry.iter().map(BoundingRect::bounding_rect).collect())
            .collect();
        Ok(Self {
            regions,
            districts,
            centres,
            index,
            polygon_boxes,
            national_population,
        })
    }

    /// The 20 regions, in file order.
    pub fn regions(&self) -> &[Region] {
        &self.regions
    }

    /// All district polygons, in file order.
    pub fn districts(&self) -> &[District] {
        &self.districts
    }

    /// Administrative centres.
    pub fn centres(&self) -> &[Centre] {
        &self.centres
    }

    /// National population on 1 January 2023.
    pub fn national_population(&self) -> u64 {
        self.national_population
    }

    /// The region with this code.
    pub fn region(&self, kato: &Kato) -> Option<&Region> {
        self.regions.iter().find(|r| r.kato == *kato)
    }

    /// The district polygon with this code.
    pub fn district(&self, kato: &Kato) -> Option<&District> {
        self.districts.iter().find(|d| d.kato == *kato)
    }

    /// The districts of one region, in file order.
    pub fn districts_of<'a>(&'a self, region: &'a Kato) -> impl Iterator<Item = &'a District> + 'a {
        self.districts.iter().filter(move |d| d.region == *region)
    }

    /// The district containing a WGS84 point (lon, lat), if any. A point on a shared boundary
    /// belongs to one of the districts that share it.
    ///
    /// The index holds each district's box, so the district's own box test is skipped; each
    /// polygon is tested only when its box (boundary included) holds the point, which leaves
    /// every answer as `MultiPolygon::intersects` gives it.
    pub fn district_at(&self, point: Point<f64>) -> Option<&District> {
        self.index
            .locate_all_at_point(&[point.x(), point.y()])
            .map(|candidate| candidate.data)
            .find(|&idx| {
                let boxes = &self.polygon_boxes[idx];
                self.districts[idx]
                    .geometry
                    .iter()
                    .zip(boxes)
                    .any(|(polygon, bbox)| {
                        bbox.is_some_and(|b| b.intersects(&point)) && polygon.intersects(&point)
                    })
            })
            .map(|idx| &self.districts[idx])
    }
}

fn names(raw: &RawUnit) -> Names {
    Names {
        kk: raw.name_kk.clone(),
        ru: raw.name_ru.clone(),
        en: raw.name_en.clone(),
    }
}

fn anchor_points(geometry: &MultiPolygon<f64>) -> Option<(Point<f64>, Point<f64>)> {
    Some((geometry.centroid()?, geometry.interior_point()?))
}

/// Attaches BNS 2023 populations to district polygons, following SOURCES.md §3.
fn join_population(districts: &mut [District], rows: &HashMap<Kato, PopulationRow>) {
    let code = |text: &str| Kato::parse(text).expect("literal KATO code");
    let recoded = [(code("622010000"), code("622000000"))];
    let urban_rural = (code("101000000"), code("101010000"));
    let area_split = (code("104600000"), code("104500000"));
    for district in districts.iter_mut() {
        if let Some(row) = rows.get(&district.kato) {
            district.population = Some(row.total);
            district.population_basis = PopulationBasis::Direct;
        }
        if let Some(row) = recoded
            .iter()
            .find(|(polygon, _)| *polygon == district.kato)
            .and_then(|(_, table_code)| rows.get(table_code))
        {
            district.population = Some(row.total);
            district.population_basis = PopulationBasis::Recoded;
        }
    }
    if let Some(row) = rows.get(&urban_rural.0) {
        for district in districts.iter_mut() {
            if district.kato == urban_rural.0 {
                district.population = Some(row.urban);
                district.population_basis = PopulationBasis::UrbanRuralSplit;
            } else if district.kato == urban_rural.1 {
                district.population = Some(row.rural);
                district.population_basis = PopulationBasis::UrbanRuralSplit;
            }
        }
    }
    let area_of = |kato: Kato, districts: &[District]| {
        districts
            .iter()
            .find(|d| d.kato == kato)
            .map(|d| d.area_km2)
    };
    if let (Some(row), Some(area_main), Some(area_part)) = (
        rows.get(&area_split.0),
        area_of(area_split.0, districts),
        area_of(area_split.1, districts),
    ) {
        #[allow(
            clippy::cast_precision_loss,
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "population counts fit f64 exactly"
        )]
        let part = (row.total as f64 * area_part / (area_main + area_part)).round() as u64;
        for district in districts.iter_mut() {
            if district.kato == area_split.0 {
                district.population = Some(row.total - part);
                district.population_basis = PopulationBasis::AreaSplit;
            } else if district.kato == area_split.1 {
                district.population = Some(part);
                district.population_basis = PopulationBasis::AreaSplit;
            }
        }
    }
}
