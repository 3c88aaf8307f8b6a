//! Benchmark harness (not a timed test): parse + validate + aggregate a 1,000,000-row
//! `school_quarter` CSV, for comparison with `bench/duckdb_peer.py` on the same file.
//!
//! ```text
//! cargo bench -p riskmap-ingest --bench ingest_1m                 # generate if missing, then run
//! cargo bench -p riskmap-ingest --bench ingest_1m -- generate PATH [ROWS]
//! cargo bench -p riskmap-ingest --bench ingest_1m -- run PATH
//! cargo bench -p riskmap-ingest --bench ingest_1m -- run-borrowed PATH   # the sink reads each row
//! cargo bench -p riskmap-ingest --bench ingest_1m -- run-owned PATH      # the sink owns each row
//! ```
//!
//! The file comes from the seeded synthetic generator (`riskmap_ingest::synth`, seed 20240101,
//! 40,000 schools, quarters from 2020-Q1, KATO district codes of the 2022 classifier). The
//! aggregate is the sum of six columns by (first four KATO digits, period) — the district ×
//! quarter grouping both sides compute; it is written to `PATH.rust_agg.csv`. The aggregate
//! needs eight values of a row, so `run` picks them where each row is checked
//! (`ingest_mapped`: the rows' values never cross to another core); `run-borrowed` lends every
//! row to the aggregating thread (`ingest_borrowed`) and `run-owned` gives it away (`ingest`),
//! on the same work. As in `riskmap-load`, the file's SHA-256 is
//! taken before the ingest (the re-ingest check) and handed to it; that hash is timed and
//! printed on its own line.
#![allow(clippy::print_stdout, reason = "a benchmark reports on stdout")]

use std::collections::HashMap;
use std::error::Error;
use std::fs::File;
use std::hash::{BuildHasherDefault, Hasher};
use std::io::{BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use riskmap_ingest::synth::{SynthConfig, synthetic_school_quarter};
use riskmap_ingest::{
    Contract, KatoRegistry, Lookup, Mapped, Options, Policy, Row, RowEvent, RowRef, TableName,
    Value, content_sha256, ingest, ingest_borrowed, ingest_mapped, write_school_quarter_csv,
};
use riskmap_model::{Kato, Period};

const SUMS: [&str; 6] = [
    "pupils_total",
    "viol_total",
    "isu_opened",
    "isu_open_end",
    "bullying_cases",
    "offences_against_pupils",
];

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let default = std::env::temp_dir().join("riskmap_school_quarter_1m.csv");
    match args.first().map(String::as_str) {
        Some("generate") => {
            let path = args.get(1).map_or(default, PathBuf::from);
            let rows = args
                .get(2)
                .map(|r| r.parse())
                .transpose()?
                .unwrap_or(1_000_000);
            generate(&path, rows)
        }
        Some("run") => run(&args.get(1).map_or(default, PathBuf::from), Mode::Mapped),
        Some("run-borrowed") => run(&args.get(1).map_or(default, PathBuf::from), Mode::Borrowed),
        Some("run-owned") => run(&args.get(1).map_or(default, PathBuf::from), Mode::Owned),
        _ => {
            if !default.exists() {
                generate(&default, 1_000_000)?;
            }
            run(&default, Mode::Mapped)
        }
    }
}

fn kato_registry() -> Option<KatoRegistry> {
    let path = std::env::var_os("RISKMAP_KATO_CSV")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../../shared/data/kz/kato-2022-10-17-full.csv")
        });
    let bytes = std::fs::read(path).ok()?;
    KatoRegistry::parse_csv(&bytes, time::macros::date!(2022 - 10 - 17)).ok()
}

fn generate(path: &Path, rows: usize) -> Result<(), Box<dyn Error>> {
    let katos: Vec<Kato> = match kato_registry() {
        Some(registry) => registry
            .codes()
            .into_iter()
            .filter(|k| k.as_str()[2..4] != *"00" && k.as_str()[4..] == *"00000")
            .collect(),
        None => ["751710000", "711210000", "101010000"]
            .iter()
            .map(|c| Kato::parse(c))
            .collect::<Result<_, _>>()?,
    };
    let config = SynthConfig {
        seed: 20_240_101,
        schools: 40_000,
        first_period: Period::parse("2020-Q1")?,
        katos,
    };
    let started = Instant::now();
    let out = BufWriter::with_capacity(1 << 20, File::create(path)?);
    write_school_quarter_csv(synthetic_school_quarter(&config)?.take(rows), out)?;
    let size = std::fs::metadata(path)?.len();
    println!(
        "generated {rows} rows, {size} bytes, in {:.2?} -> {}",
        started.elapsed(),
        path.display()
    );
    Ok(())
}

/// How the rows reach the aggregate.
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    /// `ingest_mapped`: the eight values are picked on the checking threads.
    Mapped,
    /// `ingest_borrowed`: the aggregating thread reads each row.
    Borrowed,
    /// `ingest`: the aggregating thread owns each row.
    Owned,
}

fn run(path: &Path, mode: Mode) -> Result<(), Box<dyn Error>> {
    let context = Lookup {
        katos: kato_registry().into_iter().collect(),
        ..Lookup::default()
    };
    let table = Contract::v1().table(TableName::SchoolQuarter);
    let kato_idx = table.index("kato").ok_or("no kato column")?;
    let period_idx = table.index("period").ok_or("no period column")?;
    let sum_idx: Vec<usize> = SUMS
        .iter()
        .map(|c| table.index(c).ok_or("no sum column"))
        .collect::<Result<_, _>>()?;
    // Summed by (KATO, quarter) as the rows stream, then by (district, quarter) at the end (the
    // same sums; the district digits are cut from each distinct code once). A row's sums are
    // found by its quarter (the rows of a quarter come together) and a small index of codes.
    let mut kato_ids: HashMap<Kato, usize, BuildHasherDefault<KeyHasher>> = HashMap::default();
    let mut periods: Vec<Period> = Vec::new();
    let mut by_period: Vec<Vec<Option<[i64; 6]>>> = Vec::new();
    let mut last_period: Option<(Period, usize)> = None;
    // What the aggregate needs of a row: its code, quarter and the six counts.
    let pick = |row: &Row| -> Option<(Kato, Period, [i64; 6])> {
        let (Value::Kato(kato), Value::Period(period)) =
            (&row.values[kato_idx], &row.values[period_idx])
        else {
            return None;
        };
        let mut counts = [0; 6];
        for (slot, idx) in counts.iter_mut().zip(&sum_idx) {
            *slot = row.values[*idx].as_int().unwrap_or(0);
        }
        Some((*kato, *period, counts))
    };
    let mut add = |picked: Option<(Kato, Period, [i64; 6])>| {
        if let Some((kato, period, counts)) = picked {
            let p = match last_period {
                Some((last, p)) if last == period => p,
                _ => {
                    let p = periods
                        .iter()
                        .position(|q| *q == period)
                        .unwrap_or_else(|| {
                            periods.push(period);
                            by_period.push(Vec::new());
                            periods.len() - 1
                        });
                    last_period = Some((period, p));
                    p
                }
            };
            let next_id = kato_ids.len();
            let k = *kato_ids.entry(kato).or_insert(next_id);
            let sums = &mut by_period[p];
            if sums.len() <= k {
                sums.resize(k + 1, None);
            }
            let entry = sums[k].get_or_insert([0; 6]);
            for (slot, count) in entry.iter_mut().zip(counts) {
                *slot += count;
            }
        }
    };
    // As `riskmap-load` does: the file's hash is taken first (it finds a file stored before
    // without reading it as CSV) and given to the ingest, which then does not hash it again.
    let hashing = Instant::now();
    let sha256 = content_sha256(File::open(path)?)?;
    println!(
        "content hash (the loader's re-ingest check, before the ingest): in {:.3} s",
        hashing.elapsed().as_secs_f64()
    );
    let started = Instant::now();
    let input = BufReader::with_capacity(1 << 20, File::open(path)?);
    let options = Options {
        content_sha256: Some(sha256),
        ..Options::new(Policy::AcceptPartial)
    };
    let name = path.display().to_string();
    let school_quarter = TableName::SchoolQuarter;
    // The aggregate needs eight values of each row: `run` picks them on the checking threads
    // (`ingest_mapped`); `run-borrowed` and `run-owned` hand every row to this thread.
    let outcome = match mode {
        Mode::Mapped => ingest_mapped(
            school_quarter,
            &name,
            input,
            &options,
            &context,
            &pick,
            |event| {
                if let Mapped::Valid { item, .. } = event {
                    add(item);
                }
                Ok(())
            },
        )?,
        Mode::Borrowed => {
            ingest_borrowed(school_quarter, &name, input, &options, &context, |event| {
                if let RowRef::Valid(row) = event {
                    add(pick(row));
                }
                Ok(())
            })?
        }
        Mode::Owned => ingest(school_quarter, &name, input, &options, &context, |event| {
            if let RowEvent::Valid(row) = event {
                add(pick(&row));
            }
            Ok(())
        })?,
    };
    let mut sums: HashMap<([u8; 4], Period), [i64; 6]> = HashMap::new();
    for (kato, k) in &kato_ids {
        let district: [u8; 4] = kato.as_str().as_bytes()[..4]
            .try_into()
            .expect("a KATO has 9 digits");
        for (period, by_kato) in periods.iter().zip(&by_period) {
            if let Some(Some(values)) = by_kato.get(*k) {
                let entry = sums.entry((district, *period)).or_default();
                for (slot, value) in entry.iter_mut().zip(values) {
                    *slot += value;
                }
            }
        }
    }
    let elapsed = started.elapsed();
    println!(
        "riskmap-ingest{}: {} rows ({} valid) in {:.3} s = {:.0} rows/s; {:?}; {} groups; peak RSS {} kB; sha256 {}",
        match mode {
            Mode::Mapped => "",
            Mode::Borrowed => " (borrowed rows)",
            Mode::Owned => " (owned rows)",
        },
        outcome.rows_read,
        outcome.rows_valid,
        elapsed.as_secs_f64(),
        outcome.rows_read as f64 / elapsed.as_secs_f64(),
        outcome.decision,
        sums.len(),
        peak_rss_kb().unwrap_or(0),
        &outcome.sha256[..16]
    );
    for (code, count) in &outcome.counts {
        println!("  {:<18} {count}", code.as_str());
    }
    let mut keys: Vec<_> = sums.keys().copied().collect();
    keys.sort();
    let mut out = BufWriter::new(File::create(path.with_extension("rust_agg.csv"))?);
    writeln!(out, "district4,period,{}", SUMS.join(","))?;
    for key in keys {
        let values = sums[&key].map(|v| v.to_string()).join(",");
        writeln!(
            out,
            "{},{},{values}",
            String::from_utf8_lossy(&key.0),
            key.1
        )?;
    }
    Ok(())
}

/// A multiply-rotate hasher, a word at a time, for the small aggregation keys (KATO, quarter).
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(word));
        }
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = (self.0.rotate_left(23) ^ value).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }

    fn write_u8(&mut self, value: u8) {
        self.write_u64(u64::from(value));
    }

    fn write_u16(&mut self, value: u16) {
        self.write_u64(u64::from(value));
    }

    fn write_usize(&mut self, value: usize) {
        self.write_u64(value as u64);
    }

    fn finish(&self) -> u64 {
        self.0 ^ (self.0 >> 29)
    }
}

/// Peak resident set size of this process (Linux `VmHWM`).
fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
