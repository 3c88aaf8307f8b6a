//! Parses the geokz boundary and centre files into validated raw features.

use geo_types::{Geometry, MultiPolygon, Point};
use riskmap_model::Kato;

use crate::{Error, Result, Source};

/// One polygon feature with the properties riskmap reads.
pub(crate) struct RawUnit {
    pub(crate) kato: Kato,
    pub(crate) parent: Option<Kato>,
    pub(crate) unit_type: String,
    pub(crate) name_kk: String,
    pub(crate) name_ru: String,
    pub(crate) name_en: String,
    pub(crate) geometry: MultiPolygon<f64>,
}

/// One centre point.
pub(crate) struct RawCentre {
    pub(crate) kato: Kato,
    pub(crate) region_prefix: String,
    pub(crate) name_kk: String,
    pub(crate) name_ru: String,
    pub(crate) name_en: String,
    pub(crate) point: Point<f64>,
}

fn features(source: &Source) -> Result<Vec<geojson::Feature>> {
    let collection: geojson::FeatureCollection =
        serde_json::from_slice(&source.bytes).map_err(|e| Error::GeoJson {
            file: source.name.clone(),
            message: e.to_string(),
        })?;
    Ok(collection.features)
}

struct FeatureContext<'a> {
    file: &'a str,
    index: usize,
    feature: &'a geojson::Feature,
}

impl FeatureContext<'_> {
    fn kato_text(&self) -> String {
        self.feature
            .property("kato")
            .and_then(|v| v.as_str())
            .unwrap_or("?")
            .to_owned()
    }

    fn fail(&self, message: impl Into<String>) -> Error {
        Error::Feature {
            file: self.file.to_owned(),
            index: self.index,
            kato: self.kato_text(),
            message: message.into(),
        }
    }

    fn text(&self, key: &str) -> Result<String> {
        match self.feature.property(key).and_then(|v| v.as_str()) {
            Some(text) if !text.trim().is_empty() => Ok(text.trim().to_owned()),
            _ => Err(self.fail(format!("property {key:?} is missing or empty"))),
        }
    }

    fn optional_text(&self, key: &str) -> Option<String> {
        self.feature
            .property(key)
            .and_then(|v| v.as_str())
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
    }

    fn kato(&self, key: &str) -> Result<Kato> {
        let text = self.text(key)?;
        Kato::parse(&text).map_err(|e| self.fail(format!("property {key:?}: {e}")))
    }

    fn geometry(&self) -> Result<Geometry<f64>> {
        let geometry = self
            .feature
            .geometry
            .as_ref()
            .ok_or_else(|| self.fail("no geometry"))?;
        Geometry::<f64>::try_from(geometry).map_err(|e| self.fail(format!("geometry: {e}")))
    }

    fn polygons(&self) -> Result<MultiPolygon<f64>> {
        let multi = match self.geometry()? {
            Geometry::Polygon(polygon) => MultiPolygon(vec![polygon]),
            Geometry::MultiPolygon(multi) => multi,
            other => {
                return Err(self.fail(format!(
                    "expected a Polygon or MultiPolygon, got {}",
                    geometry_kind(&other)
                )));
            }
        };
        if multi.0.is_empty() || multi.0.iter().any(|p| p.exterior().0.len() < 4) {
            return Err(self.fail("empty polygon or ring with fewer than 4 positions"));
        }
        if let Err(problem) = crate::validity::check_multipolygon(&multi) {
            return Err(self.fail(format!("invalid geometry: {problem}")));
        }
        Ok(multi)
    }
}

fn geometry_kind(geometry: &Geometry<f64>) -> &'static str {
    match geometry {
        Geometry::Point(_) => "Point",
        Geometry::Line(_) => "Line",
        Geometry::LineString(_) => "LineString",
        Geometry::Polygon(_) => "Polygon",
        Geometry::MultiPoint(_) => "MultiPoint",
        Geometry::MultiLineString(_) => "MultiLineString",
        Geometry::MultiPolygon(_) => "MultiPolygon",
        Geometry::GeometryCollection(_) => "GeometryCollection",
        Geometry::Rect(_) => "Rect",
        Geometry::Triangle(_) => "Triangle",
    }
}

/// Regions (`kz-adm1.geojson`) or districts (`kz-adm2.geojson`, with `kato_parent`).
pub(crate) fn parse_units(source: &Source, with_parent: bool) -> Result<Vec<RawUnit>> {
    let features = features(source)?;
    let mut units = Vec::with_capacity(features.len());
    for (index, feature) in features.iter().enumerate() {
        let ctx = FeatureContext {
            file: &source.name,
            index,
            feature,
        };
        let kato = ctx.kato("kato")?;
        let parent = if with_parent {
            Some(ctx.kato("kato_parent")?)
        } else {
            None
        };
        if let Some(parent) = parent.filter(|p| !kato.same_region(p)) {
            return Err(ctx.fail(format!("kato_parent {parent} is in another region")));
        }
        // Prefer the official KATO 2022 Russian name where geokz's own has known typos.
        let name_ru = ctx
            .optional_text("name_ru_kato2022")
            .map_or_else(|| ctx.text("name_ru"), Ok)?;
        units.push(RawUnit {
            kato,
            parent,
            unit_type: ctx.text("unit_type")?,
            name_kk: ctx.text("name_kk")?,
            name_ru,
            name_en: ctx.text("name_en")?,
            geometry: ctx.polygons()?,
        });
    }
    Ok(units)
}

/// Administrative centres (`kz-adm1-centers.geojson`).
pub(crate) fn parse_centres(source: &Source) -> Result<Vec<RawCentre>> {
    let features = features(source)?;
    let mut centres = Vec::with_capacity(features.len());
    for (index, feature) in features.iter().enumerate() {
        let ctx = FeatureContext {
            file: &source.name,
            index,
            feature,
        };
        let point = match ctx.geometry()? {
            Geometry::Point(point) => point,
            other => {
                return Err(ctx.fail(format!("expected a Point, got {}", geometry_kind(&other))));
            }
        };
        centres.push(RawCentre {
            kato: ctx.kato("kato")?,
            region_prefix: ctx.text("kato_ab")?,
            name_kk: ctx.text("name_kk")?,
            name_ru: ctx.text("name_ru")?,
            name_en: ctx.text("name_en")?,
            point,
        });
    }
    Ok(centres)
}
