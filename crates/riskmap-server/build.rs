//! Embeds the web page (`web/`, without its npm folder) and MapLibre GL JS (from
//! `web/node_modules`, checked against `web/package-lock.json`) into the binary: writes
//! `$OUT_DIR/embedded_web.rs`, a table of `(URL path, bytes)` read by `src/web_assets.rs`;
//! and names the build (`RISKMAP_BUILD_ID`): a hash of the sources of this crate and of the
//! workspace crates it depends on, `Cargo.lock` and the compiler's version, which the warm
//! snapshot (`src/view/snapshot.rs`) is saved under so that no other build restores it.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Files of `web/` that are not part of the page.
const NOT_SERVED: &[&str] = &["package.json", "package-lock.json", "README.md"];
/// The MapLibre files the page loads, served under `/vendor/maplibre-gl/`.
const MAPLIBRE_FILES: &[&str] = &[
    "maplibre-gl.mjs",
    "maplibre-gl-worker.mjs",
    "maplibre-gl-shared.mjs",
    "maplibre-gl.css",
];

fn main() {
    let manifest =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    write_build_id(&manifest);
    let web = manifest.join("../../web");
    let web = web.canonicalize().unwrap_or(web);
    println!("cargo:rerun-if-changed={}", web.display());
    let mut files = Vec::new();
    collect(&web, &web, &mut files);
    let maplibre = web.join("node_modules/maplibre-gl");
    check_maplibre_version(&web, &maplibre);
    for name in MAPLIBRE_FILES {
        let path = maplibre.join("dist").join(name);
        println!("cargo:rerun-if-changed={}", path.display());
        files.push((format!("/vendor/maplibre-gl/{name}"), path));
    }
    files.sort();
    let mut out = String::from(
        "/// The embedded page: URL path and bytes, sorted by path.\npub(crate) static EMBEDDED: &[(&str, &[u8])] = &[\n",
    );
    for (url, path) in &files {
        writeln!(
            out,
            "    ({url:?}, include_bytes!({:?})),",
            path.display().to_string()
        )
        .expect("writing to a String");
    }
    out.push_str("];\n");
    let target = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("embedded_web.rs");
    std::fs::write(&target, out).expect("cannot write the embedded page table");
}

/// Every served file under `dir`, with its URL path relative to `root`.
fn collect(root: &Path, dir: &Path, files: &mut Vec<(String, PathBuf)>) {
    let entries =
        std::fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
    for entry in entries {
        let entry = entry.expect("directory entry");
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name == "node_modules" || name.starts_with('.') {
            continue;
        }
        if path.is_dir() {
            println!("cargo:rerun-if-changed={}", path.display());
            collect(root, &path, files);
        } else if !(dir == root && NOT_SERVED.contains(&name.as_str())) {
            println!("cargo:rerun-if-changed={}", path.display());
            let relative = path.strip_prefix(root).expect("under the web folder");
            files.push((
                format!("/{}", relative.to_string_lossy().replace('\\', "/")),
                path,
            ));
        }
    }
}

/// The installed MapLibre must be the one `web/package-lock.json` pins.
fn check_maplibre_version(web: &Path, maplibre: &Path) {
    let lock = web.join("package-lock.json");
    println!("cargo:rerun-if-changed={}", lock.display());
    let installed = maplibre.join("package.json");
    println!("cargo:rerun-if-changed={}", installed.display());
    let read = |path: &Path| -> serde_json::Value {
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| {
            panic!("cannot read {}: {e}; run `npm ci` in web/ (scripts/setup.sh) before building riskmap-server, it embeds MapLibre GL JS", path.display())
        });
        serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
    };
    let pinned = read(&lock)["packages"]["node_modules/maplibre-gl"]["version"]
        .as_str()
        .map(str::to_owned);
    let found = read(&installed)["version"].as_str().map(str::to_owned);
    assert!(
        pinned.is_some() && pinned == found,
        "web/node_modules/maplibre-gl is version {found:?}, web/package-lock.json pins {pinned:?}: run `npm ci` in web/"
    );
}

/// Sets `RISKMAP_BUILD_ID` to a hash of what decides the server's computed values: the
/// `src/` and `migrations/` of this crate and of every `riskmap-*` crate its manifest names,
/// the workspace's `Cargo.lock` and `rustc --version`.
fn write_build_id(manifest: &Path) {
    use std::hash::{Hash, Hasher};
    let crates = manifest.join("..");
    let own = std::fs::read_to_string(manifest.join("Cargo.toml")).expect("own manifest");
    let mut names: Vec<String> = own
        .lines()
        .filter_map(|line| line.split_once(" = ").map(|(name, _)| name.trim()))
        .filter(|name| name.starts_with("riskmap-"))
        .map(str::to_owned)
        .collect();
    names.push("riskmap-server".to_owned());
    names.sort();
    names.dedup();
    let mut files = Vec::new();
    for name in &names {
        for part in ["src", "migrations"] {
            let dir = crates.join(name).join(part);
            if dir.is_dir() {
                println!("cargo:rerun-if-changed={}", dir.display());
                sources(&dir, &mut files);
            }
        }
    }
    let lock = manifest.join("../../Cargo.lock");
    println!("cargo:rerun-if-changed={}", lock.display());
    files.push(lock);
    files.sort();
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    for file in &files {
        file.strip_prefix(&crates).unwrap_or(file).hash(&mut hasher);
        std::fs::read(file)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()))
            .hash(&mut hasher);
    }
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned());
    let version = std::process::Command::new(rustc)
        .arg("--version")
        .output()
        .map(|out| out.stdout)
        .unwrap_or_default();
    version.hash(&mut hasher);
    println!("cargo:rustc-env=RISKMAP_BUILD_ID={:016x}", hasher.finish());
}

/// Every file under `dir`, recursively.
fn sources(dir: &Path, files: &mut Vec<PathBuf>) {
    let entries =
        std::fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            sources(&path, files);
        } else {
            files.push(path);
        }
    }
}
