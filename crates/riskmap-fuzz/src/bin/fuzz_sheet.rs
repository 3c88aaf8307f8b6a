//! AFL++ entry point: every input is a `school_quarter` sheet's XML and its shared strings,
//! split at the first NUL byte (see `riskmap_fuzz::read_sheet_parts`).

fn main() {
    afl::fuzz!(|bytes: &[u8]| {
        riskmap_fuzz::read_sheet_parts(bytes);
    });
}
