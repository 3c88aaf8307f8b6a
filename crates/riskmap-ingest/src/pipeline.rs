//! The CSV pipeline. The caller's thread reads the text (already hashed and decoded) in chunks
//! of about 256 KiB cut at record boundaries; worker threads split each chunk into records and
//! examine them; the caller's thread tallies the examined rows in file order and feeds the
//! sink. Rows are numbered within their chunk by the workers and moved to their file row at
//! the tally, so a worker needs nothing from the chunks before its own.
//!
//! Memory is bounded by the chunks in flight (at most four per worker: queued, being examined
//! or waiting for their turn at the tally), whatever the length of the file.

use std::collections::BTreeMap;
use std::io::{self, Read};
use std::sync::{Mutex, mpsc};

use sha2::{Digest, Sha256};

use crate::contract::{Contract, TableName};
use crate::engine::{Examined, Examiner};
use crate::finding::Code;
use crate::ingest::file_level;
use crate::outcome::{Format, Options, Outcome};
use crate::records::{Splitter, last_boundary};
use crate::tally::{Delivery, Tally};
use crate::value::Value;
use crate::{Context, Result};

/// Bytes read per chunk (a chunk grows when one record is longer).
const CHUNK: usize = 64 * 1024;

/// Reads the text in chunks that end at a record boundary (or at the end of the text).
struct Chunker<R> {
    input: R,
    delimiter: u8,
    carry: Vec<u8>,
    eof: bool,
}

impl<R: Read> Chunker<R> {
    /// The next chunk, in `buf` (emptied first); `None` at the end of the text.
    fn next(&mut self, mut buf: Vec<u8>) -> io::Result<Option<Vec<u8>>> {
        buf.clear();
        buf.append(&mut self.carry);
        let mut want = CHUNK.max(buf.len());
        loop {
            if !self.eof && buf.len() < want {
                let need = want - buf.len();
                buf.reserve(need);
                let got = (&mut self.input).take(need as u64).read_to_end(&mut buf)?;
                self.eof = got < need;
            }
            if self.eof {
                return Ok((!buf.is_empty()).then_some(buf));
            }
            if let Some(cut) = last_boundary(&buf, self.delimiter) {
                self.carry.extend_from_slice(&buf[cut..]);
                buf.truncate(cut);
                return Ok(Some(buf));
            }
            want = buf.len() * 2;
        }
    }
}

/// Reads, checks and tallies a CSV text, handing rows to `sink`.
pub(crate) fn run(
    table: TableName,
    name: &str,
    text: impl Read,
    delimiter: u8,
    options: &Options,
    ctx: &dyn Context,
    sink: &mut Delivery<'_>,
) -> Result<Outcome> {
    let read_error = |source: io::Error| crate::Error::Read {
        file: name.to_owned(),
        source,
    };
    let mut chunker = Chunker {
        input: text,
        delimiter,
        carry: Vec::new(),
        eof: false,
    };
    let mut splitter = Splitter::new(delimiter);
    // The header is the first record; the rest of its chunk is the first chunk of data.
    let (first, from, headers) = loop {
        let Some(chunk) = chunker.next(Vec::new()).map_err(read_error)? else {
            let message = "the file has no header row".to_owned();
            return Ok(file_level(
                table,
                name,
                Format::Csv,
                Code::EmptyFile,
                message,
                Sha256::new(),
                0,
            ));
        };
        let mut pos = 0;
        if let Some(fields) = splitter.next(&chunk, &mut pos) {
            let headers: Vec<String> = fields
                .iter()
                .map(|h| String::from_utf8_lossy(h).into_owned())
                .collect();
            break (chunk, pos, headers);
        }
    };
    let contract = Contract::v1().table(table);
    let (examiner, mut tally) = Examiner::new(contract, name, None, options, ctx, headers);
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 4);
    let (batch_tx, batch_rx) = mpsc::sync_channel::<Batch>(workers * 2);
    let in_flight = workers as u64 * 4;
    let batch_rx = Mutex::new(batch_rx);
    std::thread::scope(|scope| -> Result<()> {
        let (done_tx, done_rx) = mpsc::channel::<Batch>();
        for _ in 0..workers {
            let (batch_rx, done_tx, examiner) = (&batch_rx, done_tx.clone(), &examiner);
            scope.spawn(move || {
                let mut splitter = Splitter::new(delimiter);
                loop {
                    let next = batch_rx
                        .lock()
                        .map_err(|_| ())
                        .and_then(|rx| rx.recv().map_err(|_| ()));
                    let Ok(mut batch) = next else { break };
                    batch.examine(examiner, &mut splitter);
                    if done_tx.send(batch).is_err() {
                        break;
                    }
                }
            });
        }
        drop(done_tx);
        let mut order = InOrder {
            pending: BTreeMap::new(),
            next: 0,
            rows_before: 1,
        };
        let mut spare: Vec<Batch> = Vec::new();
        let mut next = Some(Batch::new(first, from));
        let mut sent = 0u64;
        while let Some(mut batch) = next.take() {
            batch.seq = sent;
            if batch_tx.send(batch).is_err() {
                break;
            }
            sent += 1;
            while let Ok(batch) = done_rx.try_recv() {
                order.pending.insert(batch.seq, batch);
            }
            order.tally(&examiner, &mut tally, sink, &mut spare)?;
            // A worker held up on one chunk must not let the others run far ahead: memory
            // stays bounded by the chunks in flight.
            while sent - order.next >= in_flight {
                let Ok(batch) = done_rx.recv() else { break };
                order.pending.insert(batch.seq, batch);
                order.tally(&examiner, &mut tally, sink, &mut spare)?;
            }
            let mut batch = spare.pop().unwrap_or_else(|| Batch::new(Vec::new(), 0));
            match chunker
                .next(std::mem::take(&mut batch.bytes))
                .map_err(read_error)?
            {
                Some(bytes) => {
                    batch.bytes = bytes;
                    batch.from = 0;
                    next = Some(batch);
                }
                None => next = None,
            }
        }
        drop(batch_tx);
        for batch in done_rx {
            order.pending.insert(batch.seq, batch);
            order.tally(&examiner, &mut tally, sink, &mut Vec::new())?;
        }
        Ok(())
    })?;
    Ok(tally.finish(&examiner, Format::Csv, String::new(), 0))
}

/// One chunk on its round trip through a worker: its bytes, then its examined rows; it comes
/// back with the value buffers the sink returned, for the next chunk to reuse.
struct Batch {
    seq: u64,
    bytes: Vec<u8>,
    /// Where the first record starts in `bytes`.
    from: usize,
    rows: Vec<Examined>,
    values: Vec<Vec<Value>>,
}

impl Batch {
    fn new(bytes: Vec<u8>, from: usize) -> Self {
        Self {
            seq: 0,
            bytes,
            from,
            rows: Vec::new(),
            values: Vec::new(),
        }
    }

    /// Splits the chunk and examines its records, numbered from 1 within the chunk.
    fn examine(&mut self, examiner: &Examiner<'_>, splitter: &mut Splitter) {
        self.rows.clear();
        let mut pos = self.from;
        let mut row = 0;
        while let Some(raw) = splitter.next(&self.bytes, &mut pos) {
            row += 1;
            let values = self.values.pop().unwrap_or_default();
            self.rows.push(match raw.to_text() {
                Ok(fields) => examiner.examine(row, fields, values),
                Err(field) => examiner.bad_encoding(row, field, values),
            });
        }
    }
}

/// Examined chunks waiting for their turn at the tally.
struct InOrder {
    pending: BTreeMap<u64, Batch>,
    next: u64,
    /// Records before the next chunk, the header included.
    rows_before: u64,
}

impl InOrder {
    /// Tallies the chunks that are next in file order; their emptied batches go to `spare`.
    fn tally(
        &mut self,
        examiner: &Examiner<'_>,
        tally: &mut Tally,
        sink: &mut Delivery<'_>,
        spare: &mut Vec<Batch>,
    ) -> Result<()> {
        while let Some(mut batch) = self.pending.remove(&self.next) {
            let rows = batch.rows.len() as u64;
            tally.warm(&batch.rows);
            for mut examined in batch.rows.drain(..) {
                examined.shift(self.rows_before);
                if let Some(values) = tally.accept(examiner, examined, sink)?
                    && values.capacity() > 0
                {
                    batch.values.push(values);
                }
            }
            self.rows_before += rows;
            self.next += 1;
            spare.push(batch);
        }
        Ok(())
    }
}
