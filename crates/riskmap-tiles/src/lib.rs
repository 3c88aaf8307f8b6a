//! Mapbox Vector Tiles for riskmap: the tile pipeline of issue #5.
//!
//! This crate owns the Web Mercator side of riskmap: tile addresses ([`TileCoord`]), projection
//! ([`project`]), layers prepared once at startup ([`TileLayer`]: projected, pre-simplified per
//! zoom, indexed), tile cutting and MVT encoding ([`encode_tile`]) and compression ([`gzip`]).
//! The pipeline is documented step by step on [`TileLayer`].
//!
//! Invariants:
//! - **Pure**: no IO, no async, no HTTP, no global state. The server calls [`encode_tile`] from
//!   `spawn_blocking` and caches the [`gzip`] bytes.
//! - **Input is WGS84** (EPSG:4326); Web Mercator (EPSG:3857) exists only inside this crate.
//! - **The caller decides the attributes**: features arrive with their id and [`Properties`];
//!   this crate knows nothing of roles, suppression or indicators and encodes what it is given.
//! - Clipping is a rectangle clipper (Sutherland–Hodgman), not general boolean operations;
//!   encoding is a small MVT writer of its own (`mvt`) that writes exactly what `fast-mvt`'s
//!   builder would, from keys and values encoded once per layer (`tags`); `fast-mvt` remains
//!   for its coordinate type and, in tests, its reader and writer as the reference.
//!
//! Startup and per tile:
//! ```
//! use geo_types::polygon;
//! use riskmap_tiles::{Feature, LayerOptions, Properties, TileCoord, TileLayer, encode_tile, gzip};
//!
//! let district = Feature {
//!     id: Some(351_010_000_u64.into()),
//!     geometry: polygon![(x: 70.0, y: 50.0), (x: 72.0, y: 50.0), (x: 72.0, y: 52.0), (x: 70.0, y: 52.0)].into(),
//!     properties: Properties::new().with("name", "Example").with("risk", 0.4),
//! };
//! let layer = TileLayer::new("districts", vec![district], LayerOptions::default())?;
//! let tile = encode_tile([&layer], TileCoord::new(5, 22, 10)?)?.expect("the square is in this tile");
//! let body = gzip(&tile)?;
//! assert!(encode_tile([&layer], TileCoord::new(5, 0, 0)?)?.is_none());
//! # let _ = body;
//! # Ok::<(), riskmap_tiles::Error>(())
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

/// Per-tile clipping and quantisation.
mod clip;
/// Tile addresses and Web Mercator.
pub mod coord;
/// Clipping one feature for one tile.
mod cut;
/// Cutting and encoding a tile.
mod encode;
/// The one error type of this crate.
pub mod error;
/// Gzip of encoded tiles.
mod gzip;
/// Layers prepared for tiling.
mod layer;
/// The MVT protobuf writer.
mod mvt;
/// Load-time projection and simplification.
mod prepare;
/// Feature ids and properties.
mod properties;
/// Ring simplification (RDP with geo's rules, squared distances).
mod simplify;
/// A layer's keys and values encoded once.
mod tags;

pub use coord::{
    HALF_WORLD_M, MAX_LATITUDE, MAX_SUPPORTED_ZOOM, MAX_ZOOM, TileCoord, project, tile_size_m,
    tiles_covering,
};
pub use encode::{TileEncoder, encode_layer, encode_tile};
pub use error::{Error, Result};
pub use gzip::{Gzipper, gzip};
pub use layer::{Feature, FeatureGeometry, LayerOptions, LayerStats, TileLayer};
pub use properties::{FeatureId, Properties, PropertyValue, STRING_ID_KEY};
