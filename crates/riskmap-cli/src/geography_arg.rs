//! The `--geography` folder: as given, else (for the default `../shared/data/kz`, when the
//! working directory is not the repository) the same path beside the repository that holds
//! the running binary, so `riskmap` also finds the reference data when started elsewhere.

use std::path::{Path, PathBuf};

/// clap's parser for `--geography` (the default passes through it too).
pub(crate) fn parse(raw: &str) -> Result<PathBuf, String> {
    let given = PathBuf::from(raw);
    if raw != riskmap_geo::DEFAULT_DIR || given.is_dir() {
        return Ok(given);
    }
    let beside_binary = std::env::current_exe()
        .ok()
        .and_then(|exe| near(&exe, Path::new(riskmap_geo::DEFAULT_DIR)));
    Ok(beside_binary.unwrap_or(given))
}

/// The first folder `ancestor/relative` that exists, over the ancestors of `exe` (the binary
/// in `<repo>/target/release/` finds `<repo>/../shared/data/kz`).
fn near(exe: &Path, relative: &Path) -> Option<PathBuf> {
    exe.ancestors()
        .skip(1)
        .map(|ancestor| ancestor.join(relative))
        .find(|candidate| candidate.is_dir())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail loudly")]
    use super::*;

    #[test]
    fn the_default_is_found_beside_the_repository_of_the_binary() {
        let root = std::env::temp_dir().join(format!("riskmap-geo-arg-{}", std::process::id()));
        let data = root.join("shared/data/kz");
        let exe = root.join("repo/target/release/riskmap");
        std::fs::create_dir_all(&data).unwrap();
        std::fs::create_dir_all(exe.parent().unwrap()).unwrap();
        let found = near(&exe, Path::new("../shared/data/kz")).unwrap();
        assert_eq!(found.canonicalize().unwrap(), data.canonicalize().unwrap());
        assert_eq!(near(&exe, Path::new("../nowhere/kz")), None);
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn a_folder_given_is_kept_as_given() {
        assert_eq!(
            parse("/no/such/folder").unwrap(),
            PathBuf::from("/no/such/folder")
        );
    }
}
