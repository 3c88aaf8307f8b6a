//! Hostile files on the command line: each of `riskmap_ingest::hostile` (a far cell, 2 MB of
//! whitespace in `sheetData`, a shared-string bomb, sparse rows, a 50 MB header line, …) is
//! ingested by the `riskmap` binary in a child process whose peak resident memory (`VmHWM`,
//! polled until it exits) stays under 300 MB; it exits 0 or 1, never by a signal, with the
//! expected code in its report and its console findings. Person names are refused naming
//! row and column only; the console shows the first findings as `file:row:column: CODE`.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use riskmap_ingest::hostile::{Expect, hostile_files};

use crate::support::{
    demo_files, geography_dir, high_water_kb, ingest, read_report, report_codes, sqlite_db,
};

/// The memory goal of issue 14: peak RSS of `riskmap ingest` on any file.
const PEAK_RSS_LIMIT_KB: u64 = 300 * 1024;

/// Runs `riskmap ingest --database URL --geography … EXTRA…` as a child, polling its peak
/// resident memory until it exits: exit code (`None`: killed by a signal), output, peak kB.
fn ingest_measured(url: &str, extra: &[&str]) -> (Option<i32>, String, u64) {
    let geography = geography_dir().display().to_string();
    let mut child = Command::new(env!("CARGO_BIN_EXE_riskmap"))
        .args(["ingest", "--database", url, "--geography", &geography])
        .args(extra)
        .env("RISKMAP_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let mut peak = 0;
    let status = loop {
        if let Some(kb) = high_water_kb(pid) {
            peak = peak.max(kb);
        }
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let output = child.wait_with_output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (status.code(), text, peak)
}

/// A fresh SQLite store with the demo reference file of `files` ingested.
fn store_with_reference(files: &[std::path::PathBuf]) -> crate::support::TestDb {
    let db = sqlite_db();
    let (code, output) = ingest(&db.url, &[&files[0].display().to_string()]);
    assert_eq!(code, 0, "{output}");
    db
}

#[test]
fn hostile_files_are_read_in_bounded_memory_with_their_decision() {
    let corpus = tempfile::tempdir().unwrap();
    let files = demo_files(corpus.path(), 12, 1, 7, &[]);
    let quarter = std::fs::read(&files[1]).unwrap();
    let mut peaks = Vec::new();
    for hostile in hostile_files(&quarter).unwrap() {
        let db = store_with_reference(&files);
        let path = db.dir.path().join(&hostile.file_name);
        std::fs::write(&path, &hostile.bytes).unwrap();
        let report = db.dir.path().join("report.json");
        let (code, output, peak) = ingest_measured(
            &db.url,
            &[
                "--report",
                &report.display().to_string(),
                &path.display().to_string(),
            ],
        );
        peaks.push(format!("{} {} kB", hostile.file_name, peak));
        assert!(
            peak <= PEAK_RSS_LIMIT_KB,
            "{}: peak RSS {peak} kB over {PEAK_RSS_LIMIT_KB} kB",
            hostile.file_name
        );
        assert!(
            output.len() < 16 * 1024,
            "{}: {} bytes of output",
            hostile.file_name,
            output.len()
        );
        match hostile.expect {
            Expect::Accepted => assert_eq!(code, Some(0), "{}: {output}", hostile.file_name),
            Expect::Refused(expected) => {
                assert_eq!(code, Some(1), "{}: {output}", hostile.file_name);
                let codes = report_codes(&read_report(&report));
                assert!(
                    codes.iter().any(|c| c == expected.as_str()),
                    "{}: {codes:?}",
                    hostile.file_name
                );
                let line = hostile.file_name.clone();
                assert!(
                    output.lines().any(|l| l.trim_start().starts_with(&line)
                        && l.contains(expected.as_str())),
                    "{}: no console finding for {}: {output}",
                    hostile.file_name,
                    expected.as_str()
                );
            }
        }
    }
    eprintln!("peak RSS of riskmap ingest: {}", peaks.join(", "));
}

/// Rewrites the quarter file with the first data row's `notes` set to `note`.
fn with_note(from: &Path, to: &Path, note: &str) {
    crate::support::rewrite_csv(from, to, |index, header, cells| {
        if index == 0 {
            let notes = crate::support::column(header, "notes");
            cells[notes] = note.to_owned();
        }
        true
    });
}

#[test]
fn a_person_name_is_refused_naming_row_and_column_and_never_shown() {
    let corpus = tempfile::tempdir().unwrap();
    let files = demo_files(corpus.path(), 8, 1, 8, &[]);
    let db = store_with_reference(&files);
    let named = db.dir.path().join("school_quarter_named.csv");
    let name = "Нурсултанов Ерлан Маратович";
    with_note(&files[1], &named, name);
    let report = db.dir.path().join("named.json");
    let (code, output) = ingest(
        &db.url,
        &[
            "--report",
            &report.display().to_string(),
            &named.display().to_string(),
        ],
    );
    assert_eq!(code, 1, "{output}");
    let line = "school_quarter_named.csv:2:notes: E_PRIVACY";
    assert!(output.contains(line), "{output}");
    let written = std::fs::read_to_string(&report).unwrap();
    for text in [&output, &written] {
        assert!(!text.contains("Нурсултанов") && !text.contains("Маратович"));
    }
}

#[test]
fn a_quarter_file_missing_a_column_is_reported_as_a_quarter_file() {
    let corpus = tempfile::tempdir().unwrap();
    let files = demo_files(corpus.path(), 8, 1, 9, &[]);
    let db = store_with_reference(&files);
    // A name that tells no table: the header row decides.
    let missing = db.dir.path().join("nobd_export.csv");
    let source = std::fs::read_to_string(&files[1]).unwrap();
    let header: Vec<&str> = source.lines().next().unwrap().split(',').collect();
    let drop = header.iter().position(|h| *h == "pupils_total").unwrap();
    let text: String = source
        .lines()
        .map(|line| {
            let cells: Vec<&str> = line.split(',').collect();
            let kept: Vec<&str> = cells
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != drop)
                .map(|(_, c)| *c)
                .collect();
            kept.join(",") + "\n"
        })
        .collect();
    std::fs::write(&missing, text).unwrap();
    let (code, output) = ingest(&db.url, &[&missing.display().to_string()]);
    assert_eq!(code, 1, "{output}");
    assert!(output.contains("school_quarter"), "{output}");
    let line = "nobd_export.csv:1:pupils_total: E_MISSING_COLUMN";
    assert!(output.contains(line), "{output}");
    assert!(!output.contains("legal_stats"), "{output}");
}
