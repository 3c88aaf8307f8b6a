//! The CSV pipeline. The caller's thread reads the text (already decoded) in blocks cut into
//! chunks at record boundaries ([`crate::blocks`]); worker threads split each chunk into
//! records and examine them (and, for [`crate::ingest_mapped`], map each clean row, so that
//! its values never leave the worker); a helper thread hashes the bytes unless the caller knows
//! the hash; the caller's thread tallies the examined rows in file order and feeds the sink. Rows are numbered within their chunk by the
//! workers and moved to their file row at the tally, so a worker needs nothing from the chunks
//! before its own.
//!
//! Memory is bounded by the chunks in flight (at most four per worker: queued, being examined
//! or waiting for their turn at the tally) and their blocks, whatever the length of the file.

use std::collections::BTreeMap;
use std::io::{self, Read};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};

use sha2::{Digest, Sha256};

use crate::blocks::{Block, Blocks};
use crate::contract::{Contract, TableName};
use crate::engine::{Examined, Examiner};
use crate::finding::Code;
use crate::ingest::{file_level, refuse_whole};
use crate::outcome::{Format, Options, Outcome};
use crate::records::Splitter;
use crate::row::Row;
use crate::tally::{Delivery, RowMap, Tally};
use crate::value::Value;
use crate::{Context, Result};

/// Where the raw bytes of the text go to be hashed, when the text is the raw bytes (UTF-8).
pub(crate) struct Hashing<'h> {
    pub(crate) hasher: &'h mut Sha256,
    /// Bytes at the start of the text that are already hashed.
    pub(crate) skip: usize,
}

/// Reads, checks and tallies a CSV text, handing rows to `sink`; `hashing` digests the text
/// on a helper thread.
#[allow(
    clippy::too_many_arguments,
    reason = "the ingest's settings, passed through"
)]
pub(crate) fn run<T: Send>(
    table: TableName,
    name: &str,
    text: impl Read,
    delimiter: u8,
    options: &Options,
    ctx: &dyn Context,
    sink: &mut Delivery<'_, T>,
    hashing: Option<Hashing<'_>>,
) -> Result<Outcome> {
    let read_error = |source: io::Error| crate::Error::Read {
        file: name.to_owned(),
        source,
    };
    std::thread::scope(|scope| {
        let mut hashed = hashing.map(|Hashing { hasher, skip }| {
            let (to_hasher, blocks) = mpsc::sync_channel::<(Arc<Vec<u8>>, usize)>(4);
            scope.spawn(move || {
                for (bytes, from) in blocks {
                    hasher.update(&bytes[from..]);
                }
            });
            HashFeed { to_hasher, skip }
        });
        let mut blocks = Blocks::new(text, delimiter, options.limits.max_record_bytes);
        let overlong = blocks.overlong.clone();
        let mut next_block = || -> Result<Option<Block>> {
            let block = blocks.next().map_err(read_error)?;
            if let (Some(feed), Some(block)) = (hashed.as_mut(), block.as_ref()) {
                feed.send(block);
            }
            Ok(block)
        };
        let mut splitter = Splitter::new(delimiter);
        // The header is the first record; the rest of its block is the first data.
        let (first, from, headers) = loop {
            let Some(block) = next_block()? else {
                let (code, message) = match blocks_overlong(&overlong, options) {
                    Some(too_long) => too_long,
                    None => (Code::EmptyFile, "the file has no header row".to_owned()),
                };
                return Ok(file_level(
                    table,
                    name,
                    Format::Csv,
                    code,
                    message,
                    String::new(),
                    0,
                ));
            };
            let end = block.chunks.last().map_or(0, |c| c.1);
            let mut pos = 0;
            if let Some(fields) = splitter.next(&block.bytes[..end], &mut pos) {
                let headers: Vec<String> = fields
                    .iter()
                    .map(|h| String::from_utf8_lossy(h).into_owned())
                    .collect();
                break (block, pos, headers);
            }
        };
        let max_columns = options.limits.max_columns;
        if headers.len() > max_columns {
            let message = format!(
                "the header row has {} fields; at most {max_columns} columns are read",
                headers.len()
            );
            return Ok(file_level(
                table,
                name,
                Format::Csv,
                Code::TooManyColumns,
                message,
                String::new(),
                0,
            ));
        }
        let mut outcome = examine_all(
            table,
            name,
            delimiter,
            options,
            ctx,
            sink,
            headers,
            (first, from),
            &mut next_block,
        )?;
        if let Some((code, message)) = blocks_overlong(&overlong, options) {
            refuse_whole(&mut outcome, code, None, message);
        }
        Ok(outcome)
    })
}

/// The refusal for a record longer than the limit, when one stopped the reading.
fn blocks_overlong(overlong: &AtomicUsize, options: &Options) -> Option<(Code, String)> {
    let bytes = overlong.load(Ordering::Relaxed);
    (bytes > 0).then(|| {
        (
            Code::RecordTooLong,
            format!(
                "a record runs past {bytes} bytes without ending; records of at most {} bytes are read",
                options.limits.max_record_bytes
            ),
        )
    })
}

/// Sends each block's new bytes to the hashing thread.
struct HashFeed {
    to_hasher: mpsc::SyncSender<(Arc<Vec<u8>>, usize)>,
    skip: usize,
}

impl HashFeed {
    fn send(&mut self, block: &Block) {
        let skipped = self.skip.min(block.bytes.len() - block.fresh);
        self.skip -= skipped;
        // A send fails only if the hashing thread panicked, which the scope reports.
        let _ = self
            .to_hasher
            .send((block.bytes.clone(), block.fresh + skipped));
    }
}

/// Examines and tallies the data from `first` (a block and where its data starts) on.
#[allow(
    clippy::too_many_arguments,
    reason = "the ingest's settings, passed through"
)]
fn examine_all<T: Send>(
    table: TableName,
    name: &str,
    delimiter: u8,
    options: &Options,
    ctx: &dyn Context,
    sink: &mut Delivery<'_, T>,
    headers: Vec<String>,
    first: (Block, usize),
    next_block: &mut dyn FnMut() -> Result<Option<Block>>,
) -> Result<Outcome> {
    let contract = Contract::v1().table(table);
    let (examiner, mut tally) = Examiner::new(contract, name, None, options, ctx, headers);
    let examiner = &examiner;
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 4);
    let map = sink.map();
    let (batch_tx, batch_rx) = mpsc::sync_channel::<Batch<T>>(workers * 2);
    let in_flight = workers as u64 * 4;
    let batch_rx = Mutex::new(batch_rx);
    std::thread::scope(|scope| -> Result<()> {
        let (done_tx, done_rx) = mpsc::channel::<Batch<T>>();
        for _ in 0..workers {
            let (batch_rx, done_tx) = (&batch_rx, done_tx.clone());
            scope.spawn(move || {
                let mut splitter = Splitter::new(delimiter);
                // Mapped delivery: one buffer of values per worker, for every row it checks.
                let mut own = Vec::new();
                loop {
                    let next = batch_rx
                        .lock()
                        .map_err(|_| ())
                        .and_then(|rx| rx.recv().map_err(|_| ()));
                    let Ok(mut batch) = next else { break };
                    batch.examine(examiner, &mut splitter, map.map(|map| (map, &mut own)));
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
            delimiter,
        };
        let mut spare: Vec<Batch<T>> = Vec::new();
        let (mut block, from) = first;
        let mut chunks: Vec<(usize, usize)> = block
            .chunks
            .iter()
            .filter(|c| c.1 > from)
            .map(|&(start, end)| (start.max(from), end))
            .collect();
        chunks.reverse();
        let mut sent = 0u64;
        loop {
            let Some((start, end)) = chunks.pop() else {
                match next_block()? {
                    Some(next) => {
                        block = next;
                        chunks.extend(block.chunks.iter().rev());
                        continue;
                    }
                    None => break,
                }
            };
            let mut batch = spare.pop().unwrap_or_else(Batch::new);
            batch.seq = sent;
            batch.bytes = Some(block.bytes.clone());
            (batch.from, batch.to) = (start, end);
            if batch_tx.send(batch).is_err() {
                break;
            }
            sent += 1;
            while let Ok(batch) = done_rx.try_recv() {
                order.pending.insert(batch.seq, batch);
            }
            order.tally(examiner, &mut tally, sink, &mut spare)?;
            // A worker held up on one chunk must not let the others run far ahead: memory
            // stays bounded by the chunks in flight.
            while sent - order.next >= in_flight {
                let Ok(batch) = done_rx.recv() else { break };
                order.pending.insert(batch.seq, batch);
                order.tally(examiner, &mut tally, sink, &mut spare)?;
            }
        }
        drop(batch_tx);
        for batch in done_rx {
            order.pending.insert(batch.seq, batch);
            order.tally(examiner, &mut tally, sink, &mut Vec::new())?;
        }
        Ok(())
    })?;
    Ok(tally.finish(examiner, Format::Csv, String::new(), 0))
}

/// One chunk on its round trip through a worker: its block and range, then its examined rows
/// (and, mapped delivery, what the map made of the valid ones); it comes back with the value
/// buffers the sink returned, for the next chunk to reuse.
struct Batch<T> {
    seq: u64,
    bytes: Option<Arc<Vec<u8>>>,
    from: usize,
    to: usize,
    rows: Vec<Examined>,
    /// Where each row's record lies in the block (to give a refused row's cells to the
    /// quarantine when only the tally finds it refused: a repeated key).
    spans: Vec<(usize, usize)>,
    items: Vec<Option<T>>,
    values: Vec<Vec<Value>>,
}

impl<T> Batch<T> {
    fn new() -> Self {
        Self {
            seq: 0,
            bytes: None,
            from: 0,
            to: 0,
            rows: Vec::new(),
            spans: Vec::new(),
            items: Vec::new(),
            values: Vec::new(),
        }
    }

    /// Splits the chunk and examines its records, numbered from 1 within the chunk (the block
    /// stays with the batch until the tally). With `mapped` (the caller's map and the worker's
    /// own buffer of values), each row without errors is mapped here, on the worker: the row's
    /// values stay in that buffer, which every row of the worker reuses, and only the map's
    /// result travels to the tally.
    fn examine(
        &mut self,
        examiner: &Examiner<'_>,
        splitter: &mut Splitter,
        mut mapped: Option<(RowMap<'_, T>, &mut Vec<Value>)>,
    ) {
        self.rows.clear();
        self.spans.clear();
        self.items.clear();
        let Some(bytes) = self.bytes.clone() else {
            return;
        };
        let chunk = &bytes[..self.to];
        let mut pos = self.from;
        let mut row = 0;
        let mut start = pos;
        while let Some(raw) = splitter.next(chunk, &mut pos) {
            row += 1;
            self.spans.push((start, pos));
            start = pos;
            let values = match &mut mapped {
                Some((_, own)) => std::mem::take(*own),
                None => self.values.pop().unwrap_or_default(),
            };
            let mut examined = match raw.to_text() {
                Ok(fields) => examiner.examine(row, fields, values),
                Err(field) => examiner.bad_encoding(row, field, values),
            };
            if let Some((map, own)) = &mut mapped {
                let row = Row {
                    table: examiner.table.name,
                    // The file row is known at the tally; the sink gets it with the item.
                    row: 0,
                    values: std::mem::take(&mut examined.values),
                };
                self.items.push(examined.may_be_valid().then(|| map(&row)));
                **own = row.values;
            }
            self.rows.push(examined);
        }
    }
}

/// Examined chunks waiting for their turn at the tally.
struct InOrder<T> {
    pending: BTreeMap<u64, Batch<T>>,
    next: u64,
    /// Records before the next chunk, the header included.
    rows_before: u64,
    delimiter: u8,
}

impl<T> InOrder<T> {
    /// Tallies the chunks that are next in file order; their emptied batches go to `spare`.
    fn tally(
        &mut self,
        examiner: &Examiner<'_>,
        tally: &mut Tally,
        sink: &mut Delivery<'_, T>,
        spare: &mut Vec<Batch<T>>,
    ) -> Result<()> {
        while let Some(mut batch) = self.pending.remove(&self.next) {
            let rows = batch.rows.len() as u64;
            tally.warm(&batch.rows);
            let mut items = std::mem::take(&mut batch.items);
            let mut items_in_order = items.drain(..);
            let bytes = batch.bytes.take();
            let delimiter = self.delimiter;
            for (mut examined, &(start, end)) in batch.rows.drain(..).zip(&batch.spans) {
                examined.shift(self.rows_before);
                let item = items_in_order.next().flatten();
                // The record split again, only for a row refused here with no cells yet.
                let mut cells_of = || {
                    let chunk = bytes.as_deref().map_or(&[][..], |b| &b[..end]);
                    let mut pos = start;
                    Splitter::new(delimiter)
                        .next(chunk, &mut pos)
                        .map(|raw| {
                            raw.iter()
                                .map(|cell| String::from_utf8_lossy(cell).into_owned())
                                .collect()
                        })
                        .unwrap_or_default()
                };
                if let Some(values) = tally.accept(examiner, examined, item, &mut cells_of, sink)?
                    && values.capacity() > 0
                {
                    batch.values.push(values);
                }
            }
            drop(items_in_order);
            batch.items = items;
            self.rows_before += rows;
            self.next += 1;
            spare.push(batch);
        }
        Ok(())
    }
}
