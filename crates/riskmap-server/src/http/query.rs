//! Query parameters shared by the API's routes, parsed in one place: the quarter, indicator
//! codes, level, parent unit, a bounded bounding box and the geometry switch. Unknown
//! parameters are refused with 400, so a typo never silently widens an answer.

use std::collections::HashMap;

use axum::extract::Query;
use axum::extract::rejection::QueryRejection;
use riskmap_model::{AdminLevel, Indicator, Kato, Period};

use super::{Error, Result};
use crate::AppState;

/// The raw query of a request.
pub(crate) type RawQuery = Result<Query<HashMap<String, String>>, QueryRejection>;

pub(crate) struct Params {
    pub(crate) period: Option<Period>,
    pub(crate) indicators: Option<Vec<String>>,
    pub(crate) level: Option<AdminLevel>,
    pub(crate) parent: Option<Kato>,
    pub(crate) bbox: Option<BBox>,
    /// `geometry=false` leaves geometries out (`null`) for table views.
    pub(crate) with_geometry: bool,
}

/// A WGS84 bounding box `min_lon,min_lat,max_lon,max_lat`, at most [`MAX_BBOX_DEGREES`] wide
/// and high.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BBox {
    pub(crate) min: (f64, f64),
    pub(crate) max: (f64, f64),
}

/// The largest bbox side accepted, in degrees (Kazakhstan spans about 40° × 15°).
const MAX_BBOX_DEGREES: f64 = 45.0;

impl BBox {
    fn parse(text: &str) -> Result<Self> {
        let bad = |message: String| Error::BadRequest {
            code: "bad_bbox",
            message,
        };
        let parts: Vec<f64> = text
            .split(',')
            .map(|p| p.trim().parse::<f64>())
            .collect::<Result<_, _>>()
            .map_err(|_| {
                bad(format!(
                    "bbox must be four numbers min_lon,min_lat,max_lon,max_lat, got {text:?}"
                ))
            })?;
        let [min_lon, min_lat, max_lon, max_lat] = parts[..] else {
            return Err(bad(format!(
                "bbox must be four numbers, got {}",
                parts.len()
            )));
        };
        let finite = parts.iter().all(|v| v.is_finite());
        if !finite
            || !(-180.0..=180.0).contains(&min_lon)
            || !(-180.0..=180.0).contains(&max_lon)
            || !(-90.0..=90.0).contains(&min_lat)
            || !(-90.0..=90.0).contains(&max_lat)
            || min_lon >= max_lon
            || min_lat >= max_lat
        {
            return Err(bad(
                "bbox must be ordered WGS84 longitudes and latitudes".to_owned()
            ));
        }
        if max_lon - min_lon > MAX_BBOX_DEGREES || max_lat - min_lat > MAX_BBOX_DEGREES {
            return Err(Error::BadRequest {
                code: "bbox_too_large",
                message: format!("bbox sides must be at most {MAX_BBOX_DEGREES} degrees"),
            });
        }
        Ok(Self {
            min: (min_lon, min_lat),
            max: (max_lon, max_lat),
        })
    }

    pub(crate) fn contains(&self, (lon, lat): (f64, f64)) -> bool {
        self.min.0 <= lon && lon <= self.max.0 && self.min.1 <= lat && lat <= self.max.1
    }

    pub(crate) fn intersects(&self, geometry: &geo_types::MultiPolygon<f64>) -> bool {
        use geo::BoundingRect;
        geometry.bounding_rect().is_some_and(|r| {
            r.min().x <= self.max.0
                && self.min.0 <= r.max().x
                && r.min().y <= self.max.1
                && self.min.1 <= r.max().y
        })
    }
}

pub(crate) fn parse_query(query: RawQuery, allowed: &[&str]) -> Result<Params> {
    let Query(map) = query.map_err(|e| Error::BadRequest {
        code: "bad_query",
        message: e.body_text(),
    })?;
    if let Some(unknown) = map.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(Error::BadRequest {
            code: "bad_query",
            message: format!(
                "unknown query parameter {unknown:?}; use {}",
                allowed.join(", ")
            ),
        });
    }
    let level = map
        .get("level")
        .map(|l| AdminLevel::parse(l))
        .transpose()
        .map_err(|e| Error::BadRequest {
            code: "bad_level",
            message: e.to_string(),
        })?;
    let parent = map
        .get("parent")
        .map(|p| Kato::parse(p))
        .transpose()
        .map_err(|e| Error::BadRequest {
            code: "bad_kato",
            message: e.to_string(),
        })?;
    let bbox = map.get("bbox").map(|b| BBox::parse(b)).transpose()?;
    let with_geometry = match map.get("geometry").map(String::as_str) {
        None | Some("true") => true,
        Some("false") => false,
        Some(other) => {
            return Err(Error::BadRequest {
                code: "bad_query",
                message: format!("geometry must be true or false, got {other:?}"),
            });
        }
    };
    let period = map
        .get("period")
        .map(|p| Period::parse(p))
        .transpose()
        .map_err(|e| Error::BadRequest {
            code: "bad_period",
            message: e.to_string(),
        })?;
    let indicators = map.get("indicators").map(|list| {
        list.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    });
    Ok(Params {
        period,
        indicators,
        level,
        parent,
        bbox,
        with_geometry,
    })
}

pub(crate) fn select_indicators<'a>(
    state: &'a AppState,
    codes: Option<&[String]>,
) -> Result<Vec<&'a Indicator>> {
    let Some(codes) = codes else {
        return Ok(state.catalogue.indicators.iter().collect());
    };
    codes
        .iter()
        .map(|code| {
            state.catalogue.get(code).ok_or_else(|| Error::BadRequest {
                code: "unknown_indicator",
                message: format!("unknown indicator {code:?}"),
            })
        })
        .collect()
}

/// Takes the route's own parameters `keys` out of the query and leaves the shared ones for
/// [`parse_query`]. A malformed query is 400.
pub(crate) fn take(query: RawQuery, keys: &[&str]) -> Result<(HashMap<String, String>, RawQuery)> {
    let Query(mut map) = query.map_err(|e| Error::BadRequest {
        code: "bad_query",
        message: e.body_text(),
    })?;
    let taken = keys
        .iter()
        .filter_map(|k| map.remove(*k).map(|v| ((*k).to_owned(), v)))
        .collect();
    Ok((taken, Ok(Query(map))))
}
