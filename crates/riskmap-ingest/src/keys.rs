//! The keys a file has shown so far, for duplicate detection: each distinct key's 64-bit hash
//! and the row that first showed it, in two levels.
//!
//! - **Recent** keys sit in a small open-addressing table (at most half full, never larger than
//!   [`RECENT_MAX_SLOTS`]). A hash and its row share a slot, so the one cache line that a
//!   lookup reads is the one an insert writes, and [`SeenKeys::warm`] can fetch it ahead of time.
//! - When that table is full, its keys are **settled**: sorted and merged into
//!   [`SETTLED_SHARDS`] sorted arrays chosen by the hash's top bits (hashes and rows in separate
//!   arrays, 12 bytes a key, grown exactly), and the table starts empty again.
//!
//! A settled key is found by interpolation (the hashes are uniform, so its position is close
//! to its hash's fraction of the shard) and a galloping search from there, which stays
//! logarithmic however the hashes fall. A file of millions of keys costs about 13 bytes a key,
//! with no table doubling and no copy of the whole set at any moment.

/// Slots of the recent table once it has grown (16 bytes each): 4 MiB.
const RECENT_MAX_SLOTS: usize = 1 << 18;
/// The recent table's first size.
const RECENT_FIRST_SLOTS: usize = 1 << 12;
/// Settled shards, chosen by the top [`SHARD_BITS`] bits of a hash.
const SHARD_BITS: u32 = 12;
const SETTLED_SHARDS: usize = 1 << SHARD_BITS;

/// Key hashes and their first rows; a row number of 0 marks an empty slot (data rows start at 2).
pub(crate) struct SeenKeys {
    slots: Vec<(u64, u32)>,
    len: usize,
    max_slots: usize,
    /// Empty until the first settling.
    settled: Vec<Shard>,
}

/// Settled keys whose hashes share their top bits, sorted by hash.
#[derive(Default)]
struct Shard {
    hashes: Vec<u64>,
    rows: Vec<u32>,
}

impl SeenKeys {
    pub(crate) fn new() -> Self {
        Self::with_max_slots(RECENT_MAX_SLOTS)
    }

    /// A set whose recent table holds at most `max_slots` slots (a power of two).
    fn with_max_slots(max_slots: usize) -> Self {
        Self {
            slots: vec![(0, 0); RECENT_FIRST_SLOTS.min(max_slots)],
            len: 0,
            max_slots,
            settled: Vec::new(),
        }
    }

    fn home(&self, hash: u64) -> usize {
        // The hashes are already mixed: their low bits are as good as any.
        hash as usize & (self.slots.len() - 1)
    }

    /// The first row with `hash`, or `None` after recording `row` (not 0) as the first.
    pub(crate) fn first_row(&mut self, hash: u64, row: u32) -> Option<u32> {
        if let Some(first) = self.settled_row(hash) {
            return Some(first);
        }
        if (self.len + 1) * 2 > self.slots.len() {
            // Settling empties the table: a key it holds must be answered before.
            if let Some(first) = self.recent_find(hash) {
                return Some(first);
            }
            if self.slots.len() < self.max_slots {
                self.grow();
            } else {
                self.settle();
            }
        }
        self.recent_row(hash, row)
    }

    /// The recent table's slot holding `hash`, or the empty slot where it would go.
    fn probe(&self, hash: u64) -> usize {
        let mask = self.slots.len() - 1;
        let mut idx = self.home(hash);
        while self.slots[idx].1 != 0 && self.slots[idx].0 != hash {
            idx = (idx + 1) & mask;
        }
        idx
    }

    /// The recent table's row for `hash`.
    fn recent_find(&self, hash: u64) -> Option<u32> {
        let (_, row) = self.slots[self.probe(hash)];
        (row != 0).then_some(row)
    }

    /// The recent table's row for `hash`, or `None` after inserting `row`.
    fn recent_row(&mut self, hash: u64, row: u32) -> Option<u32> {
        let idx = self.probe(hash);
        match self.slots[idx] {
            (_, 0) => {
                self.slots[idx] = (hash, row);
                self.len += 1;
                None
            }
            (_, first) => Some(first),
        }
    }

    /// Reads the slot where `hash` would go, and the settled position it would be found at, so
    /// that a later [`SeenKeys::first_row`] finds them in cache: lookups of several keys overlap
    /// their cache misses, inserts in order do not.
    pub(crate) fn warm(&self, hash: u64) {
        std::hint::black_box(self.slots[self.home(hash)]);
        if let Some(shard) = self.settled.get(shard_of(hash)) {
            std::hint::black_box(shard.hashes.get(shard.guess(hash)));
        }
    }

    fn grow(&mut self) {
        let doubled = vec![(0, 0); self.slots.len() * 2];
        let old = std::mem::replace(&mut self.slots, doubled);
        self.len = 0;
        for (hash, row) in old {
            if row != 0 {
                self.recent_row(hash, row);
            }
        }
    }

    /// Moves every recent key into the settled shards and empties the recent table.
    fn settle(&mut self) {
        let mut recent: Vec<(u64, u32)> = self
            .slots
            .iter()
            .copied()
            .filter(|&(_, row)| row != 0)
            .collect();
        recent.sort_unstable_by_key(|&(hash, _)| hash);
        self.slots.fill((0, 0));
        self.len = 0;
        if self.settled.is_empty() {
            self.settled.resize_with(SETTLED_SHARDS, Shard::default);
        }
        let mut rest = recent.as_slice();
        while let Some(&(hash, _)) = rest.first() {
            let shard = shard_of(hash);
            let end = rest.partition_point(|&(h, _)| shard_of(h) == shard);
            self.settled[shard].merge(&rest[..end]);
            rest = &rest[end..];
        }
    }

    fn settled_row(&self, hash: u64) -> Option<u32> {
        self.settled.get(shard_of(hash))?.row_of(hash)
    }
}

fn shard_of(hash: u64) -> usize {
    (hash >> (u64::BITS - SHARD_BITS)) as usize
}

impl Shard {
    /// Where `hash` would be if the shard's hashes were evenly spread.
    fn guess(&self, hash: u64) -> usize {
        let fraction = u128::from(hash << SHARD_BITS);
        ((fraction * self.hashes.len() as u128) >> u64::BITS) as usize
    }

    /// The row of `hash`: galloping from the guess to a bracket, then halving it.
    fn row_of(&self, hash: u64) -> Option<u32> {
        let hashes = &self.hashes;
        let guess = self.guess(hash).min(hashes.len().checked_sub(1)?);
        let (low, high) = if hashes[guess] < hash {
            let mut step = 1;
            while guess + step < hashes.len() && hashes[guess + step] < hash {
                step *= 2;
            }
            (guess + step / 2 + 1, (guess + step + 1).min(hashes.len()))
        } else {
            let mut step = 1;
            while step <= guess && hashes[guess - step] >= hash {
                step *= 2;
            }
            (guess.saturating_sub(step), guess + 1)
        };
        let at = low + hashes[low..high].partition_point(|&h| h < hash);
        (hashes.get(at) == Some(&hash)).then(|| self.rows[at])
    }

    /// Merges keys sorted by hash, none already here, from the back, in place.
    fn merge(&mut self, sorted: &[(u64, u32)]) {
        let mut kept = self.hashes.len();
        self.hashes.reserve_exact(sorted.len());
        self.rows.reserve_exact(sorted.len());
        self.hashes.resize(kept + sorted.len(), 0);
        self.rows.resize(kept + sorted.len(), 0);
        let mut write = self.hashes.len();
        for &(hash, row) in sorted.iter().rev() {
            while kept > 0 && self.hashes[kept - 1] > hash {
                kept -= 1;
                write -= 1;
                self.hashes[write] = self.hashes[kept];
                self.rows[write] = self.rows[kept];
            }
            write -= 1;
            self.hashes[write] = hash;
            self.rows[write] = row;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::SeenKeys;

    fn mixed(k: u64) -> u64 {
        k.wrapping_mul(0x9e37_79b9_7f4a_7c15)
    }

    #[test]
    fn remembers_the_first_row_of_every_key_through_growth() {
        let mut keys = SeenKeys::new();
        for k in 0..200_000u64 {
            assert_eq!(keys.first_row(mixed(k), k as u32 + 2), None);
        }
        for k in (0..200_000u64).step_by(997) {
            keys.warm(mixed(k));
            assert_eq!(keys.first_row(mixed(k), 999_999), Some(k as u32 + 2));
        }
        // Hashes that share their low bits are told apart by the rest.
        assert_eq!(keys.first_row(1 << 40, 5), None);
        assert_eq!(keys.first_row(2 << 40, 6), None);
        assert_eq!(keys.first_row(1 << 40, 7), Some(5));
    }

    /// Checks `hashes` in order against a map, with a recent table of `max_slots`.
    fn agrees_with_a_map(max_slots: usize, hashes: impl Iterator<Item = u64>) {
        let mut keys = SeenKeys::with_max_slots(max_slots);
        let mut first: HashMap<u64, u32> = HashMap::new();
        for (i, hash) in hashes.enumerate() {
            let row = i as u32 + 2;
            keys.warm(hash);
            let expected = first.get(&hash).copied();
            assert_eq!(
                keys.first_row(hash, row),
                expected,
                "row {row}, hash {hash:#x}"
            );
            first.entry(hash).or_insert(row);
        }
        assert!(!keys.settled.is_empty(), "the test never settled a key");
        for shard in &keys.settled {
            assert!(shard.hashes.is_sorted(), "a shard is out of order");
            assert_eq!(shard.hashes.len(), shard.rows.len());
        }
    }

    #[test]
    fn settled_keys_keep_their_first_rows() {
        // A small recent table settles every 32 keys; every third row repeats an earlier key.
        let hashes = (0..60_000u64).map(|i| if i % 3 == 2 { mixed(i / 7) } else { mixed(i) });
        agrees_with_a_map(1 << 6, hashes);
    }

    #[test]
    fn crowded_and_extreme_hashes_are_found() {
        // All in one shard, in runs of neighbours, and the ends of the range: the guess is far
        // off and the search must still find (or rule out) every key.
        let crowded = (0..20_000u64).map(|i| (i % 5_000) * 3 + (i / 5_000) % 2);
        let ends = [0, 1, u64::MAX, u64::MAX - 1, 1 << 63, (1 << 63) - 1];
        agrees_with_a_map(1 << 5, ends.into_iter().chain(crowded).chain(ends));
    }
}
