//! The keys a file has shown so far, for duplicate detection: an open-addressing table of
//! 64-bit key hashes and the first row of each, at most half full.
//!
//! A hash and its row share a slot, so the one cache line that a lookup reads is the one an
//! insert writes, and [`SeenKeys::warm`] can fetch it ahead of time.

/// Key hashes and their first rows; a row number of 0 marks an empty slot (data rows start at 2).
pub(crate) struct SeenKeys {
    slots: Vec<(u64, u32)>,
    len: usize,
}

impl SeenKeys {
    pub(crate) fn new() -> Self {
        Self {
            slots: vec![(0, 0); 1 << 16],
            len: 0,
        }
    }

    fn home(&self, hash: u64) -> usize {
        // The hashes are already mixed: their low bits are as good as any.
        hash as usize & (self.slots.len() - 1)
    }

    /// The first row with `hash`, or `None` after recording `row` (not 0) as the first.
    pub(crate) fn first_row(&mut self, hash: u64, row: u32) -> Option<u32> {
        if (self.len + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let mask = self.slots.len() - 1;
        let mut idx = self.home(hash);
        loop {
            let slot = &mut self.slots[idx];
            if slot.1 == 0 {
                *slot = (hash, row);
                self.len += 1;
                return None;
            }
            if slot.0 == hash {
                return Some(slot.1);
            }
            idx = (idx + 1) & mask;
        }
    }

    /// Reads the slot where `hash` would go, so that a later [`SeenKeys::first_row`] finds it
    /// in cache: lookups of several keys overlap their cache misses, inserts in order do not.
    pub(crate) fn warm(&self, hash: u64) {
        std::hint::black_box(self.slots[self.home(hash)]);
    }

    fn grow(&mut self) {
        let doubled = vec![(0, 0); self.slots.len() * 2];
        let old = std::mem::replace(&mut self.slots, doubled);
        self.len = 0;
        for (hash, row) in old {
            if row != 0 {
                self.first_row(hash, row);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::SeenKeys;

    #[test]
    fn remembers_the_first_row_of_every_key_through_growth() {
        let mut keys = SeenKeys::new();
        let hash = |k: u64| k.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        for k in 0..200_000u64 {
            assert_eq!(keys.first_row(hash(k), k as u32 + 2), None);
        }
        for k in (0..200_000u64).step_by(997) {
            keys.warm(hash(k));
            assert_eq!(keys.first_row(hash(k), 999_999), Some(k as u32 + 2));
        }
        // Hashes that share their low bits are told apart by the rest.
        assert_eq!(keys.first_row(1 << 40, 5), None);
        assert_eq!(keys.first_row(2 << 40, 6), None);
        assert_eq!(keys.first_row(1 << 40, 7), Some(5));
    }
}
