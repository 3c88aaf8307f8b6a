//! The region's map drawn as SVG from its district polygons (WGS84): an equirectangular
//! projection scaled by the cosine of the middle latitude, fitted to the image; each district
//! is one path, filled with its colour (programme units) or left pale. No text in the image:
//! its legend is typeset beside it.

use std::fmt::Write as _;

use geo_types::{LineString, MultiPolygon};

/// Width of the drawing in SVG units; the height follows the region's shape.
const WIDTH: f64 = 1000.0;
/// Fill of districts outside the programme.
pub const PALE: &str = "#f1f1ee";

/// One district to draw.
#[derive(Debug, Clone)]
pub struct MapArea<'a> {
    /// Its boundary (lon/lat).
    pub shape: &'a MultiPolygon<f64>,
    /// Fill colour `#rrggbb`, or `None` for a district outside the programme.
    pub fill: Option<&'a str>,
}

/// The SVG of `areas`, or `None` when they have no points.
pub fn svg(areas: &[MapArea<'_>]) -> Option<String> {
    let bounds = Bounds::of(areas)?;
    let height = (WIDTH * bounds.aspect()).ceil();
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {height}\" width=\"{WIDTH}\" height=\"{height}\">"
    );
    for area in areas {
        let fill = area.fill.unwrap_or(PALE);
        out.push_str("<path fill-rule=\"evenodd\" stroke=\"#555555\" stroke-width=\"1.2\" fill=\"");
        out.push_str(fill);
        out.push_str("\" d=\"");
        for polygon in &area.shape.0 {
            ring(&mut out, polygon.exterior(), &bounds);
            for hole in polygon.interiors() {
                ring(&mut out, hole, &bounds);
            }
        }
        out.push_str("\"/>");
    }
    out.push_str("</svg>");
    Some(out)
}

fn ring(out: &mut String, line: &LineString<f64>, bounds: &Bounds) {
    for (i, c) in line.0.iter().enumerate() {
        let (x, y) = bounds.project(c.x, c.y);
        let _ = write!(out, "{}{x:.1} {y:.1}", if i == 0 { 'M' } else { 'L' });
    }
    out.push('Z');
}

/// The extent of the areas and the projection into the drawing.
struct Bounds {
    west: f64,
    north: f64,
    /// Drawing units per degree of longitude.
    scale: f64,
    /// Cosine of the middle latitude.
    shrink: f64,
    east: f64,
    south: f64,
}

impl Bounds {
    fn of(areas: &[MapArea<'_>]) -> Option<Self> {
        let mut points = areas
            .iter()
            .flat_map(|a| a.shape.0.iter())
            .flat_map(|p| p.exterior().0.iter());
        let first = points.next()?;
        let (mut west, mut east, mut south, mut north) = (first.x, first.x, first.y, first.y);
        for c in points {
            west = west.min(c.x);
            east = east.max(c.x);
            south = south.min(c.y);
            north = north.max(c.y);
        }
        let shrink = ((south + north) / 2.0).to_radians().cos();
        let span = ((east - west) * shrink).max(1e-9);
        Some(Self {
            west,
            north,
            scale: WIDTH / span,
            shrink,
            east,
            south,
        })
    }

    /// Height over width of the drawing.
    fn aspect(&self) -> f64 {
        let width = ((self.east - self.west) * self.shrink).max(1e-9);
        ((self.north - self.south) / width).clamp(0.2, 3.0)
    }

    fn project(&self, lon: f64, lat: f64) -> (f64, f64) {
        (
            (lon - self.west) * self.shrink * self.scale,
            (self.north - lat) * self.scale,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo_types::{MultiPolygon, polygon};

    #[test]
    fn draws_each_district_with_its_fill() {
        let a = MultiPolygon(vec![
            polygon![(x: 70.0, y: 50.0), (x: 71.0, y: 50.0), (x: 71.0, y: 51.0), (x: 70.0, y: 50.0)],
        ]);
        let b = MultiPolygon(vec![
            polygon![(x: 71.0, y: 50.0), (x: 72.0, y: 50.0), (x: 72.0, y: 51.0), (x: 71.0, y: 50.0)],
        ]);
        let svg = svg(&[
            MapArea {
                shape: &a,
                fill: Some("#d7301f"),
            },
            MapArea {
                shape: &b,
                fill: None,
            },
        ])
        .unwrap_or_default();
        assert_eq!(svg.matches("<path").count(), 2);
        assert!(svg.contains("fill=\"#d7301f\""));
        assert!(svg.contains(&format!("fill=\"{PALE}\"")));
        // The west edge maps to x = 0 and the east edge to the full width.
        assert!(svg.contains("M0.0 "));
        assert!(svg.contains("L1000.0 "));
        assert!(super::svg(&[]).is_none());
    }
}
