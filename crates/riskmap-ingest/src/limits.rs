//! The limits that bound the work and memory of reading one file, whatever the file declares:
//! sizes are checked before anything is allocated for them, and each limit has its own code.

use serde::{Deserialize, Serialize};

/// Bounds on one file. Every limit breached refuses the whole file with its own code
/// (documented in `data/contract/README.md`); the defaults keep a reader of any file under a
/// few hundred megabytes of memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    /// Largest XLSX file, in bytes: a workbook is read in memory (`E_FILE_TOO_LARGE`).
    pub max_xlsx_bytes: u64,
    /// Most parts (ZIP entries) in a workbook and most sheets it may list
    /// (`E_XLSX_TOO_MANY_PARTS`).
    pub max_xlsx_parts: usize,
    /// Most bytes one workbook part may decompress to (`E_XLSX_PART_TOO_LARGE`).
    pub max_part_bytes: u64,
    /// Most bytes of text or markup between two tags of a part (`E_XLSX_PART_TOO_LARGE`);
    /// runs of whitespace longer than this are skipped, not kept.
    pub max_text_run: usize,
    /// Highest ratio of decompressed to compressed bytes of a part
    /// (`E_XLSX_RATIO`), checked once a part has produced [`Limits::ratio_floor`] bytes.
    pub max_ratio: u64,
    /// Decompressed bytes of a part below which its ratio is not checked.
    pub ratio_floor: u64,
    /// Most bytes of all shared strings together (`E_XLSX_SHARED_STRINGS`).
    pub max_shared_string_bytes: usize,
    /// Most shared strings (`E_XLSX_SHARED_STRINGS`).
    pub max_shared_strings: usize,
    /// Most non-empty cells in a sheet (`E_TOO_MANY_CELLS`).
    pub max_cells: u64,
    /// Most columns of a header or row: an XLSX cell beyond this column, or a CSV header with
    /// more fields (`E_TOO_MANY_COLUMNS`). The contract's widest table has fewer than 200.
    pub max_columns: usize,
    /// Highest row number of a sheet (`E_TOO_MANY_ROWS`), the XLSX format's own limit.
    pub max_rows: u64,
    /// Longest CSV record (one row, quotes included), in bytes (`E_RECORD_TOO_LONG`).
    pub max_record_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_xlsx_bytes: 128 << 20,
            max_xlsx_parts: 10_000,
            max_part_bytes: 1 << 30,
            max_text_run: 1 << 20,
            max_ratio: 200,
            ratio_floor: 8 << 20,
            max_shared_string_bytes: 64 << 20,
            max_shared_strings: 2_000_000,
            max_cells: 100_000_000,
            max_columns: 256,
            max_rows: 1_048_576,
            max_record_bytes: 1 << 20,
        }
    }
}
