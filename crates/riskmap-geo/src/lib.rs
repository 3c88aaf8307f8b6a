//! Kazakhstan's real geography, as riskmap uses it: the 20 post-2022 regions, the 224 district
//! polygons, the administrative centres, population per district (BNS, 1 January 2023) and the
//! number of schools per region (2022/23).
//!
//! Entry type: [`Geography`], built from the files of `shared/data/kz` (see that folder's
//! `SOURCES.md`), either from bytes ([`Geography::from_sources`], pure) or from a directory
//! ([`load_dir`], the one function of this crate that touches the file system).
//!
//! Invariants: coordinates are WGS84 longitude/latitude (EPSG:4326) everywhere in this crate;
//! a `Geography` in hand has passed validation (20 regions, every district's parent exists,
//! every KATO code parses, every geometry is valid and non-empty).
#![forbid(unsafe_code)]
#![warn(missing_docs)]

/// Parsing the GeoJSON boundary files.
mod boundaries;
/// The one error type of this crate.
pub mod error;
/// Reading the reference files from a directory.
pub mod fs;
/// The validated geography and its lookups.
pub mod geography;
/// Parsing the population and school tables.
mod tables;
/// Polygon validity (geo's rules, with a sweep for ring self-intersection).
mod validity;

pub use error::{Error, Result};
pub use fs::{DEFAULT_DIR, dir_beside_repository, load_dir};
pub use geography::{
    Centre, District, Geography, Names, PopulationBasis, Region, Source, UnitType,
};
