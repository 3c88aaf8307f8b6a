//! A fuzz input as a workbook: the bytes before the first NUL are the `school_quarter` sheet's
//! XML, the bytes after it the shared strings part, zipped into an otherwise fixed, valid
//! workbook. The fuzzer then mutates the XML the reader parses rather
//! than deflate streams that rarely survive a mutation.

/// The sheet XML and shared strings a fuzz input stands for (split at its first NUL byte; no
/// NUL: all sheet, no shared strings).
pub fn split_parts(input: &[u8]) -> (&[u8], &[u8]) {
    match input.iter().position(|&b| b == 0) {
        Some(at) => (&input[..at], &input[at + 1..]),
        None => (input, &[]),
    }
}

/// Joins a sheet and a shared strings part into one fuzz input (the inverse of
/// [`split_parts`] for parts without NUL bytes).
pub fn join_parts(sheet: &[u8], shared_strings: &[u8]) -> Vec<u8> {
    let mut input = Vec::with_capacity(sheet.len() + 1 + shared_strings.len());
    input.extend_from_slice(sheet);
    input.push(0);
    input.extend_from_slice(shared_strings);
    input
}

/// A one-sheet workbook (`school_quarter`) holding `sheet` and `shared_strings` (the
/// workbook the hostile corpus is made of: `riskmap_ingest::hostile::workbook_of_parts`).
pub fn workbook_of(sheet: &[u8], shared_strings: &[u8]) -> std::io::Result<Vec<u8>> {
    riskmap_ingest::hostile::workbook_of_parts(sheet, shared_strings).map_err(std::io::Error::other)
}
