//! A reader over one decompressed part of a workbook that stops at the limits: bytes out,
//! ratio of bytes out to bytes in, and bytes between two tags (so that no XML event, and no
//! buffer of the XML parser, can grow past [`Limits::max_text_run`]). Whitespace beyond that
//! length between two tags is dropped instead (it carries nothing a contract cell needs).

use std::io::{self, Read};

use crate::finding::Code;
use crate::limits::Limits;

/// Which limit a part broke, with a message naming the part and never its content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Breach {
    pub(crate) code: Code,
    pub(crate) message: String,
}

/// Reads a part, counting and filtering as it goes; after a breach every read fails and
/// [`Guarded::breach`] says why.
pub(crate) struct Guarded<R> {
    inner: R,
    part: String,
    compressed: u64,
    limits: Limits,
    out: u64,
    run: usize,
    run_blank: bool,
    breach: Option<Breach>,
}

impl<R: Read> Guarded<R> {
    /// Guards `inner`, the decompressed bytes of `part`, stored in `compressed` bytes.
    pub(crate) fn new(inner: R, part: &str, compressed: u64, limits: Limits) -> Self {
        Self {
            inner,
            part: part.to_owned(),
            compressed: compressed.max(1),
            limits,
            out: 0,
            run: 0,
            run_blank: true,
            breach: None,
        }
    }

    /// The limit broken, if any.
    pub(crate) fn breach(&self) -> Option<&Breach> {
        self.breach.as_ref()
    }

    fn trip(&mut self, code: Code, message: String) -> io::Error {
        self.breach = Some(Breach { code, message });
        io::Error::other("a workbook limit was reached")
    }

    /// Counts `n` fresh bytes against the size and ratio limits.
    fn count(&mut self, n: usize) -> io::Result<()> {
        self.out += n as u64;
        if self.out > self.limits.max_part_bytes {
            let message = format!(
                "part {} decompresses to more than {} bytes",
                self.part, self.limits.max_part_bytes
            );
            return Err(self.trip(Code::XlsxPartTooLarge, message));
        }
        if self.out > self.limits.ratio_floor && self.out / self.compressed > self.limits.max_ratio
        {
            let message = format!(
                "part {} expands more than {} times its compressed size of {} bytes",
                self.part, self.limits.max_ratio, self.compressed
            );
            return Err(self.trip(Code::XlsxRatio, message));
        }
        Ok(())
    }

    /// Keeps the bytes of `buf[..n]` that may pass, moved to the front; returns how many.
    fn filter(&mut self, buf: &mut [u8], n: usize) -> io::Result<usize> {
        let mut kept = 0;
        for i in 0..n {
            let byte = buf[i];
            if byte == b'<' || byte == b'>' {
                self.run = 0;
                self.run_blank = true;
            } else {
                self.run += 1;
                self.run_blank &= byte.is_ascii_whitespace();
                if self.run > self.limits.max_text_run {
                    if self.run_blank {
                        continue;
                    }
                    let message = format!(
                        "part {} holds more than {} bytes between two tags",
                        self.part, self.limits.max_text_run
                    );
                    return Err(self.trip(Code::XlsxPartTooLarge, message));
                }
            }
            buf[kept] = byte;
            kept += 1;
        }
        Ok(kept)
    }
}

impl<R: Read> Read for Guarded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.breach.is_some() {
            return Err(io::Error::other("a workbook limit was reached"));
        }
        loop {
            let n = self.inner.read(buf)?;
            if n == 0 {
                return Ok(0);
            }
            self.count(n)?;
            let kept = self.filter(buf, n)?;
            if kept > 0 {
                return Ok(kept);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> Limits {
        Limits {
            max_text_run: 16,
            max_part_bytes: 1000,
            ratio_floor: 100,
            max_ratio: 10,
            ..Limits::default()
        }
    }

    fn read_all(bytes: &[u8], compressed: u64) -> (Vec<u8>, Option<Breach>) {
        let mut guarded = Guarded::new(bytes, "xl/p.xml", compressed, limits());
        let mut out = Vec::new();
        let _ = guarded.read_to_end(&mut out);
        (out, guarded.breach().cloned())
    }

    #[test]
    fn long_whitespace_between_tags_is_dropped_and_text_is_kept() {
        let mut xml = b"<a>".to_vec();
        xml.extend(std::iter::repeat_n(b' ', 500));
        xml.extend_from_slice(b"<b>short text</b></a>");
        let (out, breach) = read_all(&xml, 1000);
        assert_eq!(breach, None);
        assert_eq!(out.len(), 3 + 16 + 21);
        assert!(out.ends_with(b"<b>short text</b></a>"));
    }

    #[test]
    fn long_text_between_tags_is_a_breach() {
        let xml = b"<t>this text is longer than sixteen bytes</t>";
        let (_, breach) = read_all(xml, 1000);
        assert_eq!(breach.map(|b| b.code), Some(Code::XlsxPartTooLarge));
    }

    #[test]
    fn size_and_ratio_are_limited() {
        let xml = b"<a></a>".repeat(200);
        assert_eq!(
            read_all(&xml, 10_000).1.map(|b| b.code),
            Some(Code::XlsxPartTooLarge)
        );
        let xml = b"<a></a>".repeat(30);
        assert_eq!(read_all(&xml, 10).1.map(|b| b.code), Some(Code::XlsxRatio));
        assert_eq!(read_all(&xml, 100).1, None);
    }
}
