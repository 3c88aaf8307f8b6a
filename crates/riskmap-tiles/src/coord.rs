//! Tile addresses (`z/x/y` in the XYZ scheme, y down from the north) and Web Mercator maths.
//!
//! Coordinates come in as WGS84 longitude/latitude (EPSG:4326) and leave as Web Mercator metres
//! (EPSG:3857); this module is the only place where the two meet.

use std::f64::consts::{FRAC_PI_4, PI};

use geo_types::{Coord, Rect};

use crate::{Error, Result};

/// The default maximum zoom accepted by [`TileCoord::new`].
pub const MAX_ZOOM: u8 = 22;
/// The highest maximum zoom [`TileCoord::new_with_max_zoom`] accepts (2^30 columns fit a `u32`).
pub const MAX_SUPPORTED_ZOOM: u8 = 30;
/// Latitude where Web Mercator becomes a square: `atan(sinh(π))` in degrees.
pub const MAX_LATITUDE: f64 = 85.051_128_779_806_59;
/// WGS84 semi-major axis, the sphere radius of Web Mercator.
pub const EARTH_RADIUS_M: f64 = 6_378_137.0;
/// Half the Web Mercator world width: the world spans `-HALF..HALF` metres on both axes.
pub const HALF_WORLD_M: f64 = PI * EARTH_RADIUS_M;

/// A checked tile address: `z <= max zoom`, `x < 2^z`, `y < 2^z`.
///
/// The fields are private so that a `TileCoord` in hand is always in range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TileCoord {
    z: u8,
    x: u32,
    y: u32,
}

impl TileCoord {
    /// Checks `z/x/y` against [`MAX_ZOOM`].
    ///
    /// ```
    /// use riskmap_tiles::TileCoord;
    /// assert!(TileCoord::new(6, 44, 22).is_ok());
    /// assert!(TileCoord::new(5, 32, 0).is_err());
    /// assert!(TileCoord::new(23, 0, 0).is_err());
    /// ```
    pub fn new(z: u32, x: u32, y: u32) -> Result<Self> {
        Self::new_with_max_zoom(z, x, y, MAX_ZOOM)
    }

    /// Checks `z/x/y` against a configured maximum zoom (at most [`MAX_SUPPORTED_ZOOM`]).
    pub fn new_with_max_zoom(z: u32, x: u32, y: u32, max_zoom: u8) -> Result<Self> {
        if max_zoom > MAX_SUPPORTED_ZOOM {
            return Err(Error::MaxZoomUnsupported {
                max_zoom,
                supported: MAX_SUPPORTED_ZOOM,
            });
        }
        let out_of_range = || Error::TileOutOfRange { z, x, y, max_zoom };
        let z8 = u8::try_from(z).map_err(|_| out_of_range())?;
        if z8 > max_zoom {
            return Err(out_of_range());
        }
        let n = 1_u64 << z;
        if u64::from(x) >= n || u64::from(y) >= n {
            return Err(out_of_range());
        }
        Ok(Self { z: z8, x, y })
    }

    /// Zoom level.
    pub fn z(self) -> u8 {
        self.z
    }

    /// Column, from the antimeridian eastwards.
    pub fn x(self) -> u32 {
        self.x
    }

    /// Row, from the north edge (85.05°N) southwards.
    pub fn y(self) -> u32 {
        self.y
    }

    /// Side of this tile in Web Mercator metres.
    pub fn size_m(self) -> f64 {
        tile_size_m(self.z)
    }

    /// The tile's square in Web Mercator metres (`min` is the south-west corner).
    pub fn bounds(self) -> Rect<f64> {
        let size = self.size_m();
        let min_x = -HALF_WORLD_M + f64::from(self.x) * size;
        let max_y = HALF_WORLD_M - f64::from(self.y) * size;
        Rect::new(
            Coord {
                x: min_x,
                y: max_y - size,
            },
            Coord {
                x: min_x + size,
                y: max_y,
            },
        )
    }

    /// The tile's square grown by `buffer` units of a tile `extent` units wide, on every side.
    pub fn buffered_bounds(self, buffer: u32, extent: u32) -> Rect<f64> {
        let b = self.size_m() * f64::from(buffer) / f64::from(extent);
        let r = self.bounds();
        Rect::new(
            Coord {
                x: r.min().x - b,
                y: r.min().y - b,
            },
            Coord {
                x: r.max().x + b,
                y: r.max().y + b,
            },
        )
    }
}

impl std::fmt::Display for TileCoord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}/{}", self.z, self.x, self.y)
    }
}

/// Side of a tile at zoom `z`, in Web Mercator metres.
pub fn tile_size_m(z: u8) -> f64 {
    2.0 * HALF_WORLD_M / f64::from(1_u32 << z.min(MAX_SUPPORTED_ZOOM))
}

/// Projects a WGS84 longitude/latitude (degrees) to Web Mercator metres.
///
/// Latitude is clamped to ±[`MAX_LATITUDE`], where the projection ends.
///
/// ```
/// use geo_types::coord;
/// let p = riskmap_tiles::project(coord! { x: 180.0, y: 89.0 });
/// assert!((p.x - riskmap_tiles::HALF_WORLD_M).abs() < 1e-6);
/// assert!((p.y - riskmap_tiles::HALF_WORLD_M).abs() < 1e-3);
/// ```
pub fn project(c: Coord<f64>) -> Coord<f64> {
    let lat = c.y.clamp(-MAX_LATITUDE, MAX_LATITUDE).to_radians();
    Coord {
        x: EARTH_RADIUS_M * c.x.to_radians(),
        y: EARTH_RADIUS_M * (FRAC_PI_4 + lat / 2.0).tan().ln(),
    }
}

/// Every tile of zoom `z` whose square meets `bbox` (WGS84 degrees), row by row.
///
/// A box edge lying exactly on a tile edge includes the tile beyond it, so the list may hold a
/// tile more than strictly needed, never one less.
pub fn tiles_covering(bbox: Rect<f64>, z: u8) -> Result<Vec<TileCoord>> {
    if z > MAX_SUPPORTED_ZOOM {
        return Err(Error::TileOutOfRange {
            z: u32::from(z),
            x: 0,
            y: 0,
            max_zoom: MAX_SUPPORTED_ZOOM,
        });
    }
    let (lo, hi) = (project(bbox.min()), project(bbox.max()));
    let size = tile_size_m(z);
    let last = f64::from((1_u32 << z) - 1);
    // The cast cannot truncate: the value is clamped into `0..2^z` first.
    let index = |v: f64| ((v / size).floor().clamp(0.0, last)) as u32;
    let (x0, x1) = (index(lo.x + HALF_WORLD_M), index(hi.x + HALF_WORLD_M));
    let (y0, y1) = (index(HALF_WORLD_M - hi.y), index(HALF_WORLD_M - lo.y));
    let mut out = Vec::with_capacity(((x1 - x0 + 1) * (y1 - y0 + 1)) as usize);
    for y in y0..=y1 {
        for x in x0..=x1 {
            out.push(TileCoord { z, x, y });
        }
    }
    Ok(out)
}
