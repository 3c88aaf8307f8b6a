//! Reads the reference files from their folder (never copied into the repository).

use std::path::{Path, PathBuf};

use crate::{Error, Geography, Result, Source};

/// Where the reference data lives relative to the repository's working directory.
pub const DEFAULT_DIR: &str = "../shared/data/kz";

/// The files this crate reads, by role.
pub const ADM1_FILE: &str = "kz-adm1.geojson";
/// District polygons.
pub const ADM2_FILE: &str = "kz-adm2.geojson";
/// Administrative centres.
pub const CENTRES_FILE: &str = "kz-adm1-centers.geojson";
/// Population by district, 1 January 2023.
pub const POPULATION_FILE: &str = "population-2023-01-01.csv";
/// Schools per region, 2022/23.
pub const SCHOOLS_FILE: &str = "schools-2022-23.csv";

/// The reference folder for code built in this repository (tests, benches, examples):
/// `RISKMAP_GEOGRAPHY` when set, else `shared/data/kz` beside the repository that holds the
/// crate folder `manifest_dir` (`crates/<name>`; pass `env!("CARGO_MANIFEST_DIR")`).
pub fn dir_beside_repository(manifest_dir: &str) -> PathBuf {
    std::env::var_os("RISKMAP_GEOGRAPHY").map_or_else(
        || Path::new(manifest_dir).join("../../../shared/data/kz"),
        PathBuf::from,
    )
}

/// Loads and validates the geography from `dir`.
pub fn load_dir(dir: &Path) -> Result<Geography> {
    let read = |name: &str| -> Result<Source> {
        let path = dir.join(name);
        let bytes = std::fs::read(&path).map_err(|source| Error::Read {
            path: path.clone(),
            source,
        })?;
        Ok(Source {
            name: path.display().to_string(),
            bytes,
        })
    };
    Geography::from_sources(
        &read(ADM1_FILE)?,
        &read(ADM2_FILE)?,
        &read(CENTRES_FILE)?,
        &read(POPULATION_FILE)?,
        &read(SCHOOLS_FILE)?,
    )
}
