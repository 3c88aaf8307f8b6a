//! Fuzzing harnesses of riskmap's file readers: what one fuzz input becomes (a whole uploaded
//! file, or the XML parts of a workbook) and the properties every read must keep whatever the
//! bytes — no panic, bounded heap, bounded findings, no long echo of the file. The AFL++ entry
//! points (`src/bin/fuzz_*.rs`) and the replay test (`tests/replay.rs`) both call these.

pub mod corpus;
pub mod harness;
pub mod heap;
pub mod workbook;

pub use harness::{HEAP_BUDGET, Read, read_file, read_sheet_parts};
