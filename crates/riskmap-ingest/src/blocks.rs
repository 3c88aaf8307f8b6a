//! The text read in blocks of about 1 MiB (a read that large goes past a caller's 1 MiB
//! `BufReader` without a copy), each cut into chunks of about 64 KiB that start and end at a
//! record boundary. Chunks share their block, so nothing is copied on the way to the workers
//! or to the hashing thread; what follows the last complete record is carried to the next
//! block.

use std::collections::VecDeque;
use std::io::{self, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::records::last_boundary;

/// Bytes read per block.
const BLOCK: usize = 1 << 20;
/// Bytes per chunk (a chunk grows when one record is longer).
const CHUNK: usize = 64 * 1024;
/// Blocks kept for reuse once their chunks are done.
const KEPT: usize = 8;

/// One block: `bytes[fresh..]` were read for it (the part before was carried over from the
/// previous block), `chunks` are its whole records, `bytes[carried..]` goes to the next block.
pub(crate) struct Block {
    pub(crate) bytes: Arc<Vec<u8>>,
    pub(crate) fresh: usize,
    pub(crate) chunks: Vec<(usize, usize)>,
}

/// Reads a text in blocks.
pub(crate) struct Blocks<R> {
    input: R,
    delimiter: u8,
    /// Longest record read; a longer one ends the text early (see [`Blocks::overlong`]).
    max_record: usize,
    /// Set (non-zero) when a record longer than `max_record` stopped the reading: the bytes
    /// it had. Shared, so that the reader's owner can look while a closure holds the reader.
    pub(crate) overlong: Arc<AtomicUsize>,
    carry: Vec<u8>,
    eof: bool,
    /// Recent blocks, oldest first, reused when no chunk holds them any more.
    recent: VecDeque<Arc<Vec<u8>>>,
}

impl<R: Read> Blocks<R> {
    pub(crate) fn new(input: R, delimiter: u8, max_record: usize) -> Self {
        Self {
            input,
            delimiter,
            max_record,
            overlong: Arc::new(AtomicUsize::new(0)),
            carry: Vec::new(),
            eof: false,
            recent: VecDeque::new(),
        }
    }

    /// The next block; `None` at the end of the text.
    pub(crate) fn next(&mut self) -> io::Result<Option<Block>> {
        if self.overlong.load(Ordering::Relaxed) > 0 {
            return Ok(None);
        }
        // A reused buffer keeps its length: only bytes it never held are zeroed before a
        // read (`read_to_end` would zero the whole spare capacity on every call).
        let mut buf = self.spare();
        let fresh = self.carry.len();
        if buf.len() < fresh {
            buf.resize(fresh, 0);
        }
        buf[..fresh].copy_from_slice(&self.carry);
        self.carry.clear();
        let mut filled = fresh;
        let mut want = fresh + BLOCK;
        loop {
            if !self.eof && filled < want {
                if buf.len() < want {
                    buf.resize(want, 0);
                }
                while filled < want {
                    match self.input.read(&mut buf[filled..want]) {
                        Ok(0) => {
                            self.eof = true;
                            break;
                        }
                        Ok(got) => filled += got,
                        Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                        Err(error) => return Err(error),
                    }
                }
            }
            buf.truncate(filled);
            if buf.is_empty() {
                return Ok(None);
            }
            let (chunks, carried) = cut(&buf, self.delimiter, self.eof);
            if chunks.is_empty() && !self.eof {
                if buf.len() > self.max_record {
                    // One record longer than the limit: stop before it takes more memory.
                    self.overlong.store(buf.len(), Ordering::Relaxed);
                    self.carry.clear();
                    return Ok(None);
                }
                // Not one whole record yet: read on, twice as far each time.
                want = buf.len() * 2;
                continue;
            }
            self.carry.extend_from_slice(&buf[carried..]);
            let bytes = Arc::new(buf);
            self.recent.push_back(bytes.clone());
            if self.recent.len() > KEPT {
                self.recent.pop_front();
            }
            return Ok(Some(Block {
                bytes,
                fresh,
                chunks,
            }));
        }
    }

    /// The oldest recent block if nothing else holds it, else a new buffer.
    fn spare(&mut self) -> Vec<u8> {
        if self
            .recent
            .front()
            .is_some_and(|oldest| Arc::strong_count(oldest) == 1)
            && let Some(oldest) = self.recent.pop_front()
            && let Ok(buf) = Arc::try_unwrap(oldest)
        {
            return buf;
        }
        Vec::new()
    }
}

/// Chunks of whole records in `buf` (which starts at a record boundary) and where the rest,
/// an incomplete record, begins; at the end of the text everything is whole.
fn cut(buf: &[u8], delimiter: u8, eof: bool) -> (Vec<(usize, usize)>, usize) {
    let mut chunks = Vec::with_capacity(buf.len() / CHUNK + 1);
    let mut start = 0;
    let mut limit = CHUNK;
    while start < buf.len() {
        if limit >= buf.len() {
            if eof {
                chunks.push((start, buf.len()));
                return (chunks, buf.len());
            }
            return match last_boundary(&buf[start..], delimiter) {
                Some(end) => {
                    chunks.push((start, start + end));
                    (chunks, start + end)
                }
                None => (chunks, start),
            };
        }
        match last_boundary(&buf[start..limit], delimiter) {
            Some(end) => {
                chunks.push((start, start + end));
                start += end;
                limit = start + CHUNK;
            }
            // A record longer than a chunk: look twice as far.
            None => limit = start + (limit - start) * 2,
        }
    }
    (chunks, buf.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_cover_the_text_in_whole_records() {
        let mut text = Vec::new();
        for i in 0..200_000 {
            if i % 1000 == 7 {
                text.extend_from_slice(b"\"quoted,\n\"\"field\"\"\",");
                text.extend(std::iter::repeat_n(b'x', 70_000));
                text.push(b'\n');
            }
            text.extend_from_slice(format!("{i},row {i}\r\n").as_bytes());
        }
        let mut blocks = Blocks::new(&text[..], b',', 1 << 20);
        let mut read = Vec::new();
        let mut whole = Vec::new();
        while let Some(block) = blocks.next().unwrap() {
            read.extend_from_slice(&block.bytes[block.fresh..]);
            let mut at = block.chunks.first().map_or(0, |c| c.0);
            assert_eq!(at, 0);
            for &(start, end) in &block.chunks {
                assert_eq!(start, at);
                assert!(end == block.bytes.len() || matches!(block.bytes[end - 1], b'\n' | b'\r'));
                whole.extend_from_slice(&block.bytes[start..end]);
                at = end;
            }
        }
        assert_eq!(read, text, "every byte is read once");
        assert_eq!(whole, text, "the chunks hold every record once, in order");
    }

    #[test]
    fn a_record_longer_than_the_limit_stops_the_text_with_its_length() {
        let mut text = b"a,b\n1,2\n".to_vec();
        text.extend(std::iter::repeat_n(b'x', 5 << 20));
        text.extend_from_slice(b"\n3,4\n");
        let mut blocks = Blocks::new(&text[..], b',', 1 << 20);
        let mut records = 0;
        while let Some(block) = blocks.next().unwrap() {
            records += block.chunks.len();
            assert!(
                block.bytes.len() <= 3 << 20,
                "no block grows past the limit"
            );
        }
        assert!(records >= 1);
        assert!(blocks.overlong.load(Ordering::Relaxed) > 1 << 20);
    }
}
