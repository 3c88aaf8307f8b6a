//! House rules checked over the source tree; also run as a `#[test]` so `cargo test` enforces them.

use std::fs;
use std::path::{Path, PathBuf};

/// Crates that must stay free of IO, async runtimes, SQL and HTTP.
const PURE_CRATES: &[&str] = &[
    "riskmap-model",
    "riskmap-score",
    "riskmap-demo",
    "riskmap-ingest",
    "riskmap-tiles",
    "riskmap-document",
];
const FORBIDDEN_IN_PURE: &[&str] = &["axum", "sqlx", "tokio", "reqwest", "hyper", "tower"];

/// Runs every check and fails with the list of violations.
pub(crate) fn run(root: &Path) -> anyhow::Result<()> {
    let problems = check(root);
    if problems.is_empty() {
        Ok(())
    } else {
        anyhow::bail!(
            "tidy found {} problem(s):\n{}",
            problems.len(),
            problems.join("\n")
        )
    }
}

fn check(root: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    let mut files = Vec::new();
    for dir in ["crates", "tests", "xtask"] {
        collect_rust_files(&root.join(dir), &mut files);
    }
    for file in &files {
        let Ok(text) = fs::read_to_string(file) else {
            problems.push(format!("{}: unreadable", file.display()));
            continue;
        };
        let shown = file
            .strip_prefix(root)
            .unwrap_or(file)
            .display()
            .to_string();
        if !text.trim_start().starts_with("//!") {
            problems.push(format!(
                "{shown}: does not open with a //! comment saying what it owns"
            ));
        }
        let self_check = shown.ends_with("tidy.rs");
        for (needle, what) in [
            ("dbg!(", "dbg!"),
            ("todo!(", "todo!"),
            ("unimplemented!(", "unimplemented!"),
            ("#[should_panic", "#[should_panic]"),
            ("#[ignore", "#[ignore]"),
        ] {
            if !self_check && text.contains(needle) {
                problems.push(format!("{shown}: contains {what}"));
            }
        }
    }
    for name in PURE_CRATES {
        let manifest = root.join("crates").join(name).join("Cargo.toml");
        let Ok(text) = fs::read_to_string(&manifest) else {
            continue;
        };
        let deps = text
            .split("[dependencies]")
            .nth(1)
            .map(|rest| rest.split("\n[").next().unwrap_or(""))
            .unwrap_or("");
        for forbidden in FORBIDDEN_IN_PURE {
            if deps.lines().any(|line| {
                line.trim_start().starts_with(&format!("{forbidden} "))
                    || line.trim_start().starts_with(&format!("{forbidden}="))
            }) {
                problems.push(format!(
                    "crates/{name}/Cargo.toml: pure crate depends on {forbidden}"
                ));
            }
        }
    }
    problems
}

fn collect_rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if name == "target" || name == "node_modules" {
            continue;
        }
        if path.is_dir() {
            collect_rust_files(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            out.push(path);
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn source_tree_is_tidy() {
        let root = super::super::workspace_root();
        let problems = super::check(&root);
        assert!(problems.is_empty(), "tidy:\n{}", problems.join("\n"));
    }
}
