//! CSV text to records and fields, exactly as the `csv` crate reads it with the settings ingest
//! uses (RFC 4180 quotes with doubled quotes inside, no escape or comment byte, `\r`, `\n` or
//! `\r\n` ends a record, empty lines are skipped, any number of fields), plus where a stream of
//! such text may be cut into chunks that start and end at a record boundary.
//!
//! A record without a quoted field is not copied: its fields are ranges of the input line. A
//! record with a quoted field is unquoted into a scratch buffer.

/// Bytes and field ranges of one record, before UTF-8 validation.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RawFields<'a> {
    bytes: &'a [u8],
    ranges: &'a [(usize, usize)],
    /// The fields of at least [`LONG`] bytes.
    longs: &'a [usize],
}

/// Fields this long or longer may hold a 12-digit number.
pub(crate) const LONG: usize = 12;

/// The fields of one record as text. Whatever lies in `text` between two fields is a
/// delimiter (never a digit), so a scan of the whole text sees every field's runs of digits.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields<'a> {
    text: &'a str,
    ranges: &'a [(usize, usize)],
    longs: &'a [usize],
}

impl<'a> RawFields<'a> {
    /// The fields' bytes in order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &'a [u8]> + '_ {
        let bytes = self.bytes;
        self.ranges.iter().map(move |&(s, e)| &bytes[s..e])
    }

    /// The fields as text, or the index of the first field that is not valid UTF-8.
    pub(crate) fn to_text(self) -> Result<Fields<'a>, usize> {
        match std::str::from_utf8(self.bytes) {
            Ok(text) => Ok(Fields {
                text,
                ranges: self.ranges,
                longs: self.longs,
            }),
            Err(_) => Err(self
                .ranges
                .iter()
                .position(|&(s, e)| std::str::from_utf8(&self.bytes[s..e]).is_err())
                .unwrap_or(0)),
        }
    }
}

impl<'a> Fields<'a> {
    /// Fields of `text` at `ranges` (byte ranges on character boundaries); `longs` lists the
    /// fields of at least [`LONG`] bytes.
    pub(crate) fn new(text: &'a str, ranges: &'a [(usize, usize)], longs: &'a [usize]) -> Self {
        Self {
            text,
            ranges,
            longs,
        }
    }

    /// The byte ranges of the fields of at least [`LONG`] bytes.
    pub(crate) fn long_ranges(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.longs
            .iter()
            .filter_map(|&idx| self.ranges.get(idx).copied())
    }

    /// Number of fields.
    pub(crate) fn len(&self) -> usize {
        self.ranges.len()
    }

    /// Field `idx`.
    pub(crate) fn get(&self, idx: usize) -> Option<&'a str> {
        let text = self.text;
        self.ranges.get(idx).and_then(|&(s, e)| text.get(s..e))
    }

    /// The text at `start..end` (a field's range), or "" if that is not one.
    pub(crate) fn slice(&self, start: usize, end: usize) -> &'a str {
        self.text.get(start..end).unwrap_or_default()
    }

    /// The fields in order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &'a str> + '_ {
        let text = self.text;
        self.ranges
            .iter()
            .map(move |&(s, e)| text.get(s..e).unwrap_or(""))
    }

    /// The bytes of the text and the field ranges in them.
    pub(crate) fn raw(&self) -> (&'a [u8], &'a [(usize, usize)]) {
        (self.text.as_bytes(), self.ranges)
    }
}

/// The high bit of each byte of `word` that equals `byte`, exactly (no carries between bytes).
fn bytes_equal(word: u64, byte: u8) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let x = word ^ (ONES * u64::from(byte));
    !(((x & LOW7) + LOW7) | x | LOW7)
}

/// Whether a byte of `word` is below 0x23: a line end, a quote (or a tab, a space, a control
/// byte). Exact as a yes/no answer: a borrow can only mark bytes above a byte that is below.
fn any_below_quote(word: u64) -> bool {
    const BELOW: u64 = 0x2323_2323_2323_2323;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    word.wrapping_sub(BELOW) & !word & HIGH != 0
}

fn is_term(byte: u8) -> bool {
    byte == b'\n' || byte == b'\r'
}

/// Reads records one after the other, reusing its buffers.
#[derive(Debug)]
pub(crate) struct Splitter {
    delimiter: u8,
    scratch: Vec<u8>,
    ranges: Vec<(usize, usize)>,
    longs: Vec<usize>,
}

impl Splitter {
    pub(crate) fn new(delimiter: u8) -> Self {
        Self {
            delimiter,
            scratch: Vec::new(),
            ranges: Vec::with_capacity(128),
            longs: Vec::new(),
        }
    }

    /// Notes the field just ended at `end` when it has at least [`LONG`] bytes.
    fn note_long(&mut self, start: usize, end: usize) {
        if end - start >= LONG {
            self.longs.push(self.ranges.len() - 1);
        }
    }

    /// The record of `input` that starts at `*pos` (a record boundary), moving `*pos` past it;
    /// `None` when only line ends remain. The end of `input` ends the last record.
    pub(crate) fn next<'s>(
        &'s mut self,
        input: &'s [u8],
        pos: &mut usize,
    ) -> Option<RawFields<'s>> {
        let mut idx = *pos;
        while idx < input.len() && is_term(input[idx]) {
            idx += 1;
        }
        if idx == input.len() {
            *pos = idx;
            return None;
        }
        let start = idx;
        let delimiter = self.delimiter;
        self.ranges.clear();
        let line = &input[start..];
        // Eight bytes at a time: the delimiters, line ends and quotes of a word are found at
        // once; a quote that opens a field sends the record to the general path.
        let mut field = 0;
        self.longs.clear();
        let mut end = line.len();
        let mut words = line.chunks_exact(8);
        let mut base = 0;
        'scan: {
            for chunk in &mut words {
                let mut word = [0u8; 8];
                word.copy_from_slice(chunk);
                let word = u64::from_le_bytes(word);
                let mut delimiters = bytes_equal(word, delimiter);
                if !any_below_quote(word) {
                    while delimiters != 0 {
                        let at = base + (delimiters.trailing_zeros() / 8) as usize;
                        self.ranges.push((field, at));
                        self.note_long(field, at);
                        field = at + 1;
                        delimiters &= delimiters - 1;
                    }
                } else {
                    let stops = bytes_equal(word, b'\n')
                        | bytes_equal(word, b'\r')
                        | bytes_equal(word, b'"');
                    let mut bits = delimiters | stops;
                    while bits != 0 {
                        let at = base + (bits.trailing_zeros() / 8) as usize;
                        match line[at] {
                            b if b == delimiter => {
                                self.ranges.push((field, at));
                                self.note_long(field, at);
                                field = at + 1;
                            }
                            b'\n' | b'\r' => {
                                end = at;
                                break 'scan;
                            }
                            _ if at == field => return Some(self.quoted(input, start, pos)),
                            _ => {}
                        }
                        bits &= bits - 1;
                    }
                }
                base += 8;
            }
            for (at, &byte) in words.remainder().iter().enumerate() {
                let at = base + at;
                if byte == delimiter {
                    self.ranges.push((field, at));
                    self.note_long(field, at);
                    field = at + 1;
                } else if is_term(byte) {
                    end = at;
                    break;
                } else if byte == b'"' && at == field {
                    return Some(self.quoted(input, start, pos));
                }
            }
        }
        self.ranges.push((field, end));
        self.note_long(field, end);
        *pos = start + end;
        Some(RawFields {
            bytes: &line[..end],
            ranges: &self.ranges,
            longs: &self.longs,
        })
    }

    /// The general path for a record with a quoted field: csv-core's state machine.
    fn quoted<'s>(&'s mut self, input: &[u8], start: usize, pos: &mut usize) -> RawFields<'s> {
        enum State {
            StartField,
            InField,
            Quoted,
            QuoteInQuoted,
        }
        let delimiter = self.delimiter;
        self.scratch.clear();
        self.ranges.clear();
        let mut field = 0;
        let mut state = State::StartField;
        let mut idx = start;
        while idx < input.len() {
            let byte = input[idx];
            match state {
                State::Quoted => {
                    if byte == b'"' {
                        state = State::QuoteInQuoted;
                    } else {
                        self.scratch.push(byte);
                    }
                }
                State::QuoteInQuoted if byte == b'"' => {
                    self.scratch.push(byte);
                    state = State::Quoted;
                }
                State::StartField if byte == b'"' => state = State::Quoted,
                _ if byte == delimiter => {
                    self.ranges.push((field, self.scratch.len()));
                    field = self.scratch.len();
                    state = State::StartField;
                }
                _ if is_term(byte) => break,
                _ => {
                    self.scratch.push(byte);
                    state = State::InField;
                }
            }
            idx += 1;
        }
        self.ranges.push((field, self.scratch.len()));
        *pos = idx;
        self.longs.clear();
        for (idx, &(start, end)) in self.ranges.iter().enumerate() {
            if end - start >= LONG {
                self.longs.push(idx);
            }
        }
        RawFields {
            bytes: &self.scratch,
            ranges: &self.ranges,
            longs: &self.longs,
        }
    }
}

/// The end of the last complete record in `buf`, which starts at a record boundary: the
/// position after the last line end that lies outside quotes (`None` if there is none).
pub(crate) fn last_boundary(buf: &[u8], delimiter: u8) -> Option<usize> {
    if !buf.contains(&b'"') {
        return buf.iter().rposition(|b| is_term(*b)).map(|at| at + 1);
    }
    // Line ends before the first quote are boundaries; from there on, follow the quotes.
    let first_quote = buf.iter().position(|b| *b == b'"').unwrap_or(buf.len());
    let from = buf[..first_quote]
        .iter()
        .rposition(|b| is_term(*b))
        .map_or(0, |at| at + 1);
    let mut last = (from > 0).then_some(from);
    // 0 field start, 1 unquoted field, 2 quoted field, 3 quote inside a quoted field.
    let mut state = 0u8;
    for (at, &byte) in buf[from..].iter().enumerate() {
        state = match (state, byte) {
            (2, b'"') => 3,
            (2, _) => 2,
            (0 | 3, b'"') => 2,
            (_, b) if b == delimiter => 0,
            (_, b) if is_term(b) => {
                last = Some(from + at + 1);
                0
            }
            _ => 1,
        };
    }
    last
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn split(input: &[u8], delimiter: u8) -> Vec<Vec<Vec<u8>>> {
        let mut splitter = Splitter::new(delimiter);
        let mut pos = 0;
        let mut out = Vec::new();
        while let Some(fields) = splitter.next(input, &mut pos) {
            let longs: Vec<usize> = (0..fields.ranges.len())
                .filter(|i| fields.ranges[*i].1 - fields.ranges[*i].0 >= LONG)
                .collect();
            assert_eq!(fields.longs, &longs[..], "{input:?}");
            out.push(
                fields
                    .ranges
                    .iter()
                    .map(|&(s, e)| fields.bytes[s..e].to_vec())
                    .collect(),
            );
        }
        out
    }

    fn reference(input: &[u8], delimiter: u8) -> Vec<Vec<Vec<u8>>> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(input);
        let mut record = csv::ByteRecord::new();
        let mut out = Vec::new();
        while reader.read_byte_record(&mut record).unwrap() {
            out.push(record.iter().map(<[u8]>::to_vec).collect());
        }
        out
    }

    /// Cuts `input` at boundaries no further apart than `step` and splits each piece alone.
    fn split_in_chunks(input: &[u8], delimiter: u8, step: usize) -> Vec<Vec<Vec<u8>>> {
        let mut out = Vec::new();
        let mut rest = input;
        let mut want = step;
        loop {
            if want >= rest.len() {
                out.extend(split(rest, delimiter));
                return out;
            }
            match last_boundary(&rest[..want], delimiter) {
                Some(cut) => {
                    out.extend(split(&rest[..cut], delimiter));
                    rest = &rest[cut..];
                    want = step;
                }
                None => want *= 2,
            }
        }
    }

    #[test]
    fn splits_like_the_csv_crate() {
        for input in [
            &b"a,b,c\nd,e,f\n"[..],
            b"a,b\r\n\r\n\nc,d\re,\"f\ng\"\r\n",
            b"\"a\"\"b\",c\"d,\"e\"x,\"unterminated",
            b",\n,,\n\"\"\n",
            b"a,b",
            b"",
            b"\n\r\n",
            b"x,\"q\"\"\"\"\",y\n",
        ] {
            assert_eq!(split(input, b','), reference(input, b','), "{input:?}");
            for step in 1..8 {
                assert_eq!(split_in_chunks(input, b',', step), reference(input, b','));
            }
        }
    }

    #[test]
    fn finds_equal_bytes_exactly() {
        let word = u64::from_le_bytes(*b",a\x80,\xac\x00,,");
        assert_eq!(bytes_equal(word, b','), 0x8080_0000_8000_0080);
        assert_eq!(bytes_equal(word, 0), 0x0000_8000_0000_0000);
    }

    #[test]
    fn finds_bytes_below_the_quote() {
        assert!(!any_below_quote(u64::from_le_bytes(*b"12,ab;\xd0\xb0")));
        for byte in [b'\n', b'\r', b'"', b' ', b'\t', 0] {
            for at in 0..8 {
                let mut word = *b"9,9,9,9,";
                word[at] = byte;
                assert!(any_below_quote(u64::from_le_bytes(word)), "{byte} at {at}");
            }
        }
    }

    #[test]
    fn a_record_with_a_bad_byte_names_its_field() {
        let mut splitter = Splitter::new(b';');
        let mut pos = 0;
        let input = b"ok;\"q\xff\";z\n";
        let fields = splitter.next(input, &mut pos).unwrap();
        assert_eq!(fields.to_text().unwrap_err(), 1);
        let text = "а;б,в".as_bytes();
        let mut pos = 0;
        let fields = splitter.next(text, &mut pos).unwrap().to_text().unwrap();
        assert_eq!(fields.iter().collect::<Vec<_>>(), ["а", "б,в"]);
    }

    proptest! {
        #[test]
        fn any_input_splits_like_the_csv_crate(
            bytes in proptest::collection::vec(
                prop_oneof![
                    Just(b'a'), Just(b'1'), Just(b','), Just(b';'), Just(b'"'),
                    Just(b'\n'), Just(b'\r'), Just(b' '), Just(0xd0u8), Just(0xb0u8)
                ],
                0..200,
            ),
            semicolon in any::<bool>(),
            step in 1usize..40,
        ) {
            let delimiter = if semicolon { b';' } else { b',' };
            let expected = reference(&bytes, delimiter);
            prop_assert_eq!(split(&bytes, delimiter), expected.clone());
            prop_assert_eq!(split_in_chunks(&bytes, delimiter, step), expected);
        }
    }
}
