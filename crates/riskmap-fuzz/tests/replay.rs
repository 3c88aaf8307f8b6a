//! Replays every seed and every input the fuzzers ever crashed on (`regressions/`) through the
//! harnesses, so a fixed crash stays fixed and the properties the fuzzers check hold on the
//! corpus in every CI run; and checks that the harness can see a breach (the heap counter).

use std::path::Path;
use std::sync::Mutex;

use riskmap_fuzz::corpus::{file_seeds, sheet_seeds};
use riskmap_fuzz::heap::within_budget;
use riskmap_fuzz::{HEAP_BUDGET, read_file, read_sheet_parts};

/// The heap budget is a limit on the one global allocator: the tests take turns.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn turn() -> std::sync::MutexGuard<'static, ()> {
    ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[test]
fn every_file_seed_keeps_the_properties_and_valid_files_are_read() {
    let _turn = turn();
    let mut names = Vec::new();
    let mut personal = 0;
    for seed in file_seeds() {
        let read = read_file(&seed.bytes);
        if seed.name.starts_with("valid.") {
            assert_eq!(
                (read.accepted, read.valid_rows),
                (1, 6),
                "{}: {read:?}",
                seed.name
            );
        }
        if seed.name.contains("personal") {
            assert_eq!(
                read.accepted, 0,
                "{}: a file with an IIN is refused",
                seed.name
            );
            personal += 1;
        }
        names.push(seed.name);
    }
    assert_eq!(personal, 1, "{names:?}");
    // The hostile corpus reaches the readers: a far cell, a shared-string bomb, a long header.
    assert!(
        names.iter().filter(|n| n.starts_with("hostile-")).count() >= 5,
        "{names:?}"
    );
}

#[test]
fn every_sheet_seed_keeps_the_properties() {
    let _turn = turn();
    let seeds = sheet_seeds(64 << 20);
    assert!(seeds.len() >= 3, "workbook seeds: {}", seeds.len());
    let valid = seeds
        .iter()
        .find(|s| s.name == "valid.xlsx.parts")
        .expect("the valid workbook");
    let read = read_sheet_parts(&valid.bytes);
    assert_eq!((read.accepted, read.valid_rows), (1, 6), "{read:?}");
    for seed in &seeds {
        read_sheet_parts(&seed.bytes);
    }
}

#[test]
fn every_recorded_crash_is_read_without_one() {
    let _turn = turn();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("regressions");
    for (dir, read) in [
        ("file", read_file as fn(&[u8]) -> _),
        ("sheet", read_sheet_parts),
    ] {
        for entry in std::fs::read_dir(root.join(dir)).expect("the regressions folder") {
            let path = entry.expect("a directory entry").path();
            let hidden = path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'));
            if hidden || path.extension().is_some_and(|e| e == "md") {
                continue;
            }
            let bytes = std::fs::read(&path).expect("a recorded input");
            read(&bytes);
        }
    }
}

#[test]
fn the_budget_refuses_an_allocation_past_it() {
    let _turn = turn();
    let budget = 16 << 20;
    let (fits, past) = within_budget(budget, || {
        let mut fits: Vec<u8> = Vec::new();
        let fitted = fits.try_reserve_exact(budget / 2).is_ok();
        let mut past: Vec<u8> = Vec::new();
        (fitted, past.try_reserve_exact(budget * 2).is_err())
    });
    assert!(fits, "half the budget fits");
    assert!(past, "twice the budget is refused");
    let mut after: Vec<u8> = Vec::new();
    assert!(
        after.try_reserve_exact(budget * 2).is_ok(),
        "the limit is lifted afterwards"
    );
    assert!(HEAP_BUDGET > budget);
}
