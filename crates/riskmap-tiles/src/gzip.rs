//! Compressing encoded tiles once, so the server can cache and serve the gzip bytes as they are.

use flate2::{Compress, Compression, Crc, FlushCompress, Status};

use crate::{Error, Result};

/// The gzip member header (RFC 1952): deflate, no flags, no mtime, XFL 4 (fastest), OS unknown.
const HEADER: [u8; 10] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 4, 255];

/// A gzip compressor whose deflate state is kept between tiles.
///
/// Setting up a deflate stream allocates and clears a few hundred kilobytes of window and hash
/// tables, which is more work than compressing a deep tile of a few hundred bytes; a
/// `Gzipper` pays for that once and only resets the stream per tile. Keep one per thread (the
/// server keeps it in a thread-local); [`gzip`] is the one-off form.
///
/// ```
/// let mut gz = riskmap_tiles::Gzipper::new();
/// let a = gz.gzip(&[0x1a_u8; 1000]).expect("writing to memory cannot fail");
/// let b = gz.gzip(&[0x1a_u8; 1000]).expect("writing to memory cannot fail");
/// assert_eq!(a, b);
/// assert_eq!(a, riskmap_tiles::gzip(&[0x1a_u8; 1000]).expect("writing to memory cannot fail"));
/// ```
#[derive(Debug)]
pub struct Gzipper {
    deflate: Compress,
}

impl Default for Gzipper {
    fn default() -> Self {
        Self::new()
    }
}

impl Gzipper {
    /// A compressor at level 1 (see [`gzip`] for why).
    pub fn new() -> Self {
        Self {
            deflate: Compress::new(Compression::fast(), false),
        }
    }

    /// Gzips `bytes` as one gzip member.
    pub fn gzip(&mut self, bytes: &[u8]) -> Result<Vec<u8>> {
        self.deflate.reset();
        let mut out = Vec::with_capacity(HEADER.len() + bytes.len() / 2 + 64);
        out.extend_from_slice(&HEADER);
        loop {
            let consumed = usize::try_from(self.deflate.total_in()).unwrap_or(usize::MAX);
            let rest = bytes.get(consumed..).unwrap_or_default();
            let status = self
                .deflate
                .compress_vec(rest, &mut out, FlushCompress::Finish)
                .map_err(|e| Error::Gzip(std::io::Error::other(e)))?;
            if status == Status::StreamEnd {
                break;
            }
            out.reserve(out.capacity().max(1024));
        }
        let mut crc = Crc::new();
        crc.update(bytes);
        out.extend_from_slice(&crc.sum().to_le_bytes());
        // ISIZE is the input length modulo 2^32 (RFC 1952).
        out.extend_from_slice(&crc.amount().to_le_bytes());
        Ok(out)
    }
}

/// Gzips `bytes` at level 1, for `Content-Encoding: gzip`.
///
/// Level 1 rather than the default 6: compression was most of a cold tile's time, and on the
/// districts' tiles level 1 costs almost nothing in size (tiles bench: z3 mean 16.2 KB against
/// 16.0 KB, z6 2.8 KB at both). The bytes are compressed once and cached, so the level only
/// matters for cold tiles. The deflate backend is zlib-rs (flate2's `zlib-rs` feature), about
/// twice as fast as the default miniz_oxide at level 1. Sets up a new deflate stream per call;
/// a [`Gzipper`] reuses one.
///
/// ```
/// let tile = vec![0x1a_u8; 1000];
/// let gz = riskmap_tiles::gzip(&tile).expect("writing to memory cannot fail");
/// assert!(gz.len() < tile.len());
/// assert_eq!(&gz[..2], &[0x1f, 0x8b]);
/// ```
pub fn gzip(bytes: &[u8]) -> Result<Vec<u8>> {
    Gzipper::new().gzip(bytes)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests: a failure should stop the test")]

    use std::io::Read as _;

    use super::*;

    fn gunzip(gz: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(gz)
            .read_to_end(&mut out)
            .unwrap();
        out
    }

    #[test]
    fn round_trips_small_large_and_empty_inputs_with_one_compressor() {
        let mut gz = Gzipper::new();
        let large: Vec<u8> = (0..300_000_u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        for input in [&b""[..], b"a tile", &large, b"again a small one"] {
            assert_eq!(gunzip(&gz.gzip(input).unwrap()), input);
        }
    }
}
