//! AFL++ entry point: every input is a whole uploaded file (see `riskmap_fuzz::read_file`).

fn main() {
    afl::fuzz!(|bytes: &[u8]| {
        riskmap_fuzz::read_file(bytes);
    });
}
