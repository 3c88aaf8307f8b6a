//! Writes the seed corpus for the fuzz targets: `fuzz_seeds OUT` makes `OUT/file/` (whole
//! files for `fuzz_file`) and `OUT/sheet/` (sheet parts for `fuzz_sheet`), leaving out seeds
//! over 1 MiB (AFL++ mutates small inputs well; the replay test reads the large ones).

use std::path::PathBuf;

use riskmap_fuzz::corpus::{Seed, file_seeds, sheet_seeds};

/// Largest seed written for the fuzzer.
const MAX_SEED: usize = 1 << 20;

fn main() -> std::io::Result<()> {
    let Some(out) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: fuzz_seeds OUT_DIR");
        std::process::exit(2);
    };
    write(&out.join("file"), file_seeds())?;
    write(&out.join("sheet"), sheet_seeds(MAX_SEED as u64))?;
    Ok(())
}

fn write(dir: &std::path::Path, seeds: Vec<Seed>) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let mut written = 0;
    for seed in seeds.into_iter().filter(|s| s.bytes.len() <= MAX_SEED) {
        std::fs::write(dir.join(&seed.name), &seed.bytes)?;
        written += 1;
    }
    eprintln!("{written} seeds in {}", dir.display());
    Ok(())
}
