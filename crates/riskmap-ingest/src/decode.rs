//! Bytes to UTF-8 text: encoding detection (UTF-8, UTF-8 with BOM, Windows-1251), a streaming
//! Windows-1251 decoder, delimiter detection, and readers that hash every byte they pass on.

use std::io::{self, Read};
use std::sync::mpsc;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Which encoding to read a CSV file in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EncodingChoice {
    /// Detect from the first 64 KiB: a UTF-8 BOM or valid UTF-8 means UTF-8, bytes that are
    /// mostly not UTF-8 mean Windows-1251.
    Auto,
    /// Always UTF-8 (a BOM is skipped).
    Utf8,
    /// Always Windows-1251.
    Windows1251,
}

/// The encoding actually used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Detected {
    /// UTF-8 without a byte-order mark.
    Utf8,
    /// UTF-8 with a byte-order mark (removed before parsing).
    Utf8Bom,
    /// Windows-1251 (Cyrillic), decoded to UTF-8 as the file streams.
    Windows1251,
}

/// How many bytes are read up front to detect the encoding and the delimiter.
pub(crate) const SNIFF_BYTES: usize = 64 * 1024;

const BOM_UTF8: &[u8] = b"\xEF\xBB\xBF";

/// Chooses the encoding for a file whose first bytes are `prefix`; `Err` explains a refusal.
pub(crate) fn detect(
    prefix: &[u8],
    at_eof: bool,
    choice: EncodingChoice,
) -> Result<Detected, &'static str> {
    if prefix.starts_with(b"\xFF\xFE") || prefix.starts_with(b"\xFE\xFF") {
        return Err("the file is UTF-16; save it as UTF-8 (CSV UTF-8) or Windows-1251");
    }
    if prefix.starts_with(BOM_UTF8) {
        return Ok(Detected::Utf8Bom);
    }
    if prefix.iter().take(4096).filter(|b| **b == 0).count() > 0 {
        return Err("the file contains NUL bytes (UTF-16 without a BOM or a binary file)");
    }
    match choice {
        EncodingChoice::Utf8 => return Ok(Detected::Utf8),
        EncodingChoice::Windows1251 => return Ok(Detected::Windows1251),
        EncodingChoice::Auto => {}
    }
    match std::str::from_utf8(prefix) {
        Ok(_) => Ok(Detected::Utf8),
        Err(e) if e.error_len().is_none() && !at_eof => Ok(Detected::Utf8),
        Err(_) => {
            // Mixed files (mostly UTF-8 with some Windows-1251 cells) are read as UTF-8 so
            // that the bad cells are reported with their row and column.
            let (valid, invalid) = count_sequences(prefix);
            Ok(if valid > invalid {
                Detected::Utf8
            } else {
                Detected::Windows1251
            })
        }
    }
}

/// Counts well-formed multi-byte UTF-8 sequences and invalid sequences in `bytes`.
fn count_sequences(mut bytes: &[u8]) -> (usize, usize) {
    let (mut valid, mut invalid) = (0, 0);
    loop {
        match std::str::from_utf8(bytes) {
            Ok(text) => {
                valid += text.chars().filter(|c| !c.is_ascii()).count();
                return (valid, invalid);
            }
            Err(e) => {
                let good = &bytes[..e.valid_up_to()];
                valid += std::str::from_utf8(good)
                    .map_or(0, |t| t.chars().filter(|c| !c.is_ascii()).count());
                let Some(len) = e.error_len() else {
                    return (valid, invalid);
                };
                invalid += 1;
                bytes = &bytes[e.valid_up_to() + len..];
            }
        }
    }
}

/// The field delimiter: whichever of `,`, `;` and tab is most frequent outside quotes on the
/// first line; `,` when none occurs.
pub(crate) fn sniff_delimiter(prefix: &[u8]) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for &byte in prefix {
        match byte {
            b'"' => quoted = !quoted,
            b'\n' | b'\r' if !quoted => break,
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let candidates = [b',', b';', b'\t'];
    let best = (0..3)
        .max_by_key(|i| (counts[*i], 3 - i))
        .expect("three candidates");
    if counts[best] == 0 {
        b','
    } else {
        candidates[best]
    }
}

/// Passes bytes through and feeds them to a SHA-256 hasher, if it has one.
pub(crate) struct HashingReader<'h, R> {
    inner: R,
    hasher: Option<&'h mut Sha256>,
}

impl<'h, R: Read> HashingReader<'h, R> {
    pub(crate) fn new(inner: R, hasher: Option<&'h mut Sha256>) -> Self {
        Self { inner, hasher }
    }

    /// Reads up to `limit` bytes (fewer only at end of input); returns them and whether the
    /// end of input was reached.
    pub(crate) fn read_prefix(&mut self, limit: usize) -> io::Result<(Vec<u8>, bool)> {
        let mut prefix = Vec::with_capacity(limit.min(SNIFF_BYTES));
        let read = self.by_ref().take(limit as u64).read_to_end(&mut prefix)?;
        Ok((prefix, read < limit))
    }
}

impl<R: Read> Read for HashingReader<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(hasher) = self.hasher.as_mut() {
            hasher.update(&buf[..n]);
        }
        Ok(n)
    }
}

/// Passes bytes through and hands copies of them, 64 KiB at a time, to a SHA-256 hasher on a
/// helper thread, so that the reading thread does not spend its time hashing.
pub(crate) struct HashingTee<R> {
    inner: R,
    pending: Vec<u8>,
    to_hasher: mpsc::SyncSender<Vec<u8>>,
    spare: mpsc::Receiver<Vec<u8>>,
}

impl<R> HashingTee<R> {
    /// Sends the bytes read since the last call to the hasher.
    fn send(&mut self) -> io::Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let mut next = self.spare.try_recv().unwrap_or_default();
        next.clear();
        let full = std::mem::replace(&mut self.pending, next);
        self.to_hasher
            .send(full)
            .map_err(|_| io::Error::other("the hashing thread stopped"))
    }
}

impl<R: Read> Read for HashingTee<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.pending.extend_from_slice(&buf[..n]);
        if self.pending.len() >= 64 * 1024 {
            self.send()?;
        }
        Ok(n)
    }
}

impl<R> Drop for HashingTee<R> {
    fn drop(&mut self) {
        // A failure means the hashing thread panicked, which the scope reports.
        let _ = self.send();
    }
}

/// Runs `read` with a reader of `input` whose bytes `hasher` digests on a helper thread; the
/// digest is complete when this returns.
pub(crate) fn with_hashing_tee<R: Read, T>(
    hasher: &mut Sha256,
    input: R,
    read: impl FnOnce(&mut HashingTee<R>) -> T,
) -> T {
    std::thread::scope(|scope| {
        let (to_hasher, received) = mpsc::sync_channel::<Vec<u8>>(8);
        let (give_back, spare) = mpsc::channel::<Vec<u8>>();
        scope.spawn(move || {
            // Every buffer sent is hashed, also after the reader has gone and no longer takes
            // buffers back.
            for bytes in received {
                hasher.update(&bytes);
                let _ = give_back.send(bytes);
            }
        });
        let mut tee = HashingTee {
            inner: input,
            pending: Vec::new(),
            to_hasher,
            spare,
        };
        read(&mut tee)
    })
}

/// Decodes Windows-1251 to UTF-8 as it streams, with fixed-size buffers.
pub(crate) struct Windows1251Reader<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    input: Vec<u8>,
    output: Vec<u8>,
    out_start: usize,
    out_end: usize,
    finished: bool,
}

impl<R: Read> Windows1251Reader<R> {
    pub(crate) fn new(inner: R) -> Self {
        Self {
            inner,
            decoder: encoding_rs::WINDOWS_1251.new_decoder_without_bom_handling(),
            input: vec![0; 16 * 1024],
            output: vec![0; 48 * 1024 + 16],
            out_start: 0,
            out_end: 0,
            finished: false,
        }
    }
}

impl<R: Read> Read for Windows1251Reader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.out_start == self.out_end && !self.finished {
            let n = self.inner.read(&mut self.input)?;
            let last = n == 0;
            // Each Windows-1251 byte becomes at most 3 UTF-8 bytes, so one call always fits.
            let (_, read, written, _) =
                self.decoder
                    .decode_to_utf8(&self.input[..n], &mut self.output, last);
            debug_assert_eq!(read, n);
            self.out_start = 0;
            self.out_end = written;
            self.finished = last;
        }
        let n = buf.len().min(self.out_end - self.out_start);
        buf[..n].copy_from_slice(&self.output[self.out_start..self.out_start + n]);
        self.out_start += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_utf8_bom_and_windows_1251() {
        let (cp1251, _, _) =
            encoding_rs::WINDOWS_1251.encode("Период;Примечание\n2024-Q1;Всё хорошо\n");
        assert_eq!(
            detect("период".as_bytes(), true, EncodingChoice::Auto),
            Ok(Detected::Utf8)
        );
        assert_eq!(
            detect(b"\xEF\xBB\xBFa,b", true, EncodingChoice::Auto),
            Ok(Detected::Utf8Bom)
        );
        assert_eq!(
            detect(&cp1251, true, EncodingChoice::Auto),
            Ok(Detected::Windows1251)
        );
        assert_eq!(
            detect(b"abc", true, EncodingChoice::Windows1251),
            Ok(Detected::Windows1251)
        );
        assert!(detect(b"\xFF\xFEa\0b\0", true, EncodingChoice::Auto).is_err());
    }

    #[test]
    fn a_utf8_sequence_cut_by_the_sniff_window_is_still_utf8() {
        let text = "ааа".as_bytes();
        assert_eq!(
            detect(&text[..5], false, EncodingChoice::Auto),
            Ok(Detected::Utf8)
        );
    }

    #[test]
    fn mostly_utf8_with_a_windows_1251_cell_stays_utf8() {
        let mut bytes = "notes\nПримечание к строке\n".as_bytes().to_vec();
        bytes.extend_from_slice(&encoding_rs::WINDOWS_1251.encode("Ескерту").0);
        assert_eq!(
            detect(&bytes, true, EncodingChoice::Auto),
            Ok(Detected::Utf8)
        );
    }

    #[test]
    fn delimiter_is_detected_outside_quotes() {
        assert_eq!(sniff_delimiter(b"a;b;c\n1,5;2;3"), b';');
        assert_eq!(sniff_delimiter(b"\"a;b\",c,d\n"), b',');
        assert_eq!(sniff_delimiter(b"a\tb\n"), b'\t');
        assert_eq!(sniff_delimiter(b"single\n"), b',');
    }

    #[test]
    fn the_hashing_tee_digests_every_byte_in_order() {
        let bytes: Vec<u8> = (0..400_000u32).map(|i| (i * 7 + i / 251) as u8).collect();
        for step in [13usize, 100, 4096, 65536, 300_000] {
            let mut hasher = Sha256::new();
            let mut read = Vec::new();
            with_hashing_tee(&mut hasher, &bytes[..], |tee| {
                loop {
                    let got = tee.take(step as u64).read_to_end(&mut read).unwrap();
                    if got == 0 {
                        break;
                    }
                }
            });
            assert_eq!(read, bytes);
            assert_eq!(hasher.finalize(), Sha256::digest(&bytes), "step {step}");
        }
    }

    #[test]
    fn windows_1251_reader_decodes_across_buffer_boundaries() {
        let text = "Оқушылар саны;Всего\n".repeat(5000).replace('қ', "к");
        let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(&text);
        let mut decoded = String::new();
        Windows1251Reader::new(&bytes[..])
            .read_to_string(&mut decoded)
            .unwrap();
        assert_eq!(decoded, text);
    }
}
