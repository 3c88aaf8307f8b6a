//! The MVT protobuf writer: one layer at a time, from clipped integer geometry and a layer's
//! pre-encoded [`TagTable`], byte for byte what `fast-mvt`'s `MvtLayerBuilder` writes.
//!
//! Messages (vector_tile.proto 2.1): `Tile.layers` = 3; `Layer` name = 1, features = 2, keys = 3,
//! values = 4, extent = 5, version = 15; `Feature` id = 1, tags = 2 (packed), type = 3,
//! geometry = 4 (packed). Keys and values are numbered in order of first use in the tile.

use fast_mvt::MvtCoord;

use crate::tags::TagTable;

/// MVT spec version written into every layer.
const LAYER_VERSION: u64 = 2;

/// Appends `value` as a base-128 varint.
pub(crate) fn put_varint(mut value: u64, out: &mut Vec<u8>) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// Bytes of `value` as a varint.
pub(crate) fn varint_len(value: u64) -> usize {
    (64 - (value | 1).leading_zeros() as usize).div_ceil(7)
}

/// Protobuf zigzag encoding of a signed value.
pub(crate) fn zigzag(value: i64) -> u64 {
    ((value << 1) ^ (value >> 63)) as u64
}

/// Appends a length-delimited field.
pub(crate) fn put_len_field(field: u32, bytes: &[u8], out: &mut Vec<u8>) {
    put_varint(u64::from(field << 3 | 2), out);
    put_varint(bytes.len() as u64, out);
    out.extend_from_slice(bytes);
}

/// Bytes of a length-delimited field (one-byte tag) holding `len` bytes.
fn len_field_len(len: usize) -> usize {
    1 + varint_len(len as u64) + len
}

/// MVT geometry types this crate writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum GeomKind {
    Point = 1,
    Polygon = 3,
}

/// Per-layer scratch, kept between tiles so that its buffers are reused.
#[derive(Debug, Default)]
pub(crate) struct LayerWriter {
    /// The encoded `Layer.features` fields so far.
    features: Vec<u8>,
    /// The current feature's packed tags and geometry.
    tags: Vec<u8>,
    geometry: Vec<u8>,
    cursor: MvtCoord,
    /// Table key and value ids in the order the tile first uses them.
    used_keys: Vec<u32>,
    used_values: Vec<u32>,
    /// Per table key / value: `base + 1 + tile id` once this layer uses it; anything not above
    /// the base was set by an earlier layer (see [`Numbering`]).
    keys: Numbering,
    values: Numbering,
}

impl LayerWriter {
    /// Starts a layer whose features take their tags from `table`.
    pub(crate) fn begin(&mut self, table: &TagTable) {
        self.features.clear();
        self.keys.begin(&mut self.used_keys, table.key_count());
        self.values
            .begin(&mut self.used_values, table.value_count());
    }

    /// Starts a feature's geometry.
    pub(crate) fn begin_feature(&mut self) {
        self.geometry.clear();
        self.cursor = MvtCoord { x: 0, y: 0 };
    }

    /// Adds points as one `MoveTo` (nothing for no points).
    pub(crate) fn points(&mut self, coords: &[MvtCoord]) {
        if coords.is_empty() {
            return;
        }
        put_varint(command(1, coords.len()), &mut self.geometry);
        put_deltas(&mut self.geometry, &mut self.cursor, coords.iter());
    }

    /// Adds an open ring with at least one vertex whose doubled signed area (tile axes, as
    /// [`crate::clip::area2`]) is `area2`, reversed if needed so that exteriors have positive
    /// area and holes negative.
    pub(crate) fn ring(&mut self, coords: &[MvtCoord], area2: i64, exterior: bool) {
        let (Some(&first), Some(&last)) = (coords.first(), coords.last()) else {
            return;
        };
        let reverse = area2 != 0 && (area2 > 0) != exterior;
        let g = &mut self.geometry;
        // A command and at most two five-byte varints per vertex.
        g.reserve(coords.len() * 10 + 12);
        put_varint(command(1, 1), g);
        let rest = coords.len() - 1;
        if reverse {
            // The last vertex first, then back to the first one.
            put_deltas(g, &mut self.cursor, std::iter::once(&last));
            if rest > 0 {
                put_varint(command(2, rest), g);
                put_deltas(g, &mut self.cursor, coords[..rest].iter().rev());
            }
        } else {
            put_deltas(g, &mut self.cursor, std::iter::once(&first));
            if rest > 0 {
                put_varint(command(2, rest), g);
                put_deltas(g, &mut self.cursor, coords[1..].iter());
            }
        }
        put_varint(command(7, 1), g);
    }

    /// Ends the feature `idx` of `table` with the geometry added since [`Self::begin_feature`].
    pub(crate) fn end_feature(&mut self, table: &TagTable, idx: usize, kind: GeomKind) {
        let (id, tags) = table.feature(idx);
        self.tags.clear();
        for &(k, v) in tags {
            let local = self.keys.local(&mut self.used_keys, k);
            put_varint(local, &mut self.tags);
            let local = self.values.local(&mut self.used_values, v);
            put_varint(local, &mut self.tags);
        }
        let packed = |bytes: &[u8]| {
            if bytes.is_empty() {
                0
            } else {
                len_field_len(bytes.len())
            }
        };
        let len =
            id.map_or(0, |id| 1 + varint_len(id)) + packed(&self.tags) + 2 + packed(&self.geometry);
        let out = &mut self.features;
        out.reserve(len + 6);
        out.push(2 << 3 | 2);
        put_varint(len as u64, out);
        if let Some(id) = id {
            out.push(1 << 3);
            put_varint(id, out);
        }
        if !self.tags.is_empty() {
            put_len_field(2, &self.tags, out);
        }
        out.push(3 << 3);
        out.push(kind as u8);
        if !self.geometry.is_empty() {
            put_len_field(4, &self.geometry, out);
        }
    }

    /// True when no feature was written since [`Self::begin`].
    pub(crate) fn is_empty(&self) -> bool {
        self.features.is_empty()
    }

    /// Appends the layer as a `Tile.layers` field to `out`.
    pub(crate) fn finish(&self, name: &str, extent: u32, table: &TagTable, out: &mut Vec<u8>) {
        let keys: usize = self.used_keys.iter().map(|&k| table.key(k).len()).sum();
        let values: usize = self.used_values.iter().map(|&v| table.value(v).len()).sum();
        let len = len_field_len(name.len())
            + self.features.len()
            + keys
            + values
            + 1
            + varint_len(u64::from(extent))
            + 2;
        out.reserve(len + 6);
        out.push(3 << 3 | 2);
        put_varint(len as u64, out);
        put_len_field(1, name.as_bytes(), out);
        out.extend_from_slice(&self.features);
        for &k in &self.used_keys {
            out.extend_from_slice(table.key(k));
        }
        for &v in &self.used_values {
            out.extend_from_slice(table.value(v));
        }
        out.push(5 << 3);
        put_varint(u64::from(extent), out);
        out.push(15 << 3);
        put_varint(LAYER_VERSION, out);
    }
}

/// Appends the zigzag deltas of `coords` from `cursor`, moving the cursor along.
#[inline]
fn put_deltas<'c>(
    g: &mut Vec<u8>,
    cursor: &mut MvtCoord,
    coords: impl Iterator<Item = &'c MvtCoord>,
) {
    let mut at = *cursor;
    for &c in coords {
        let dx = zigzag32(c.x.saturating_sub(at.x));
        let dy = zigzag32(c.y.saturating_sub(at.y));
        if dx | dy < 0x80 {
            // The common case of a simplified ring: both deltas within ±63 units.
            g.extend_from_slice(&[dx as u8, dy as u8]);
        } else {
            put_varint(u64::from(dx), g);
            put_varint(u64::from(dy), g);
        }
        at = c;
    }
    *cursor = at;
}

/// Tile ids for table ids, numbered in order of first use, without clearing between layers.
///
/// `slots[id]` is `base + 1 + tile id` when the current layer uses `id`; every value an earlier
/// layer wrote is at most the current base, which moves past them at each [`Numbering::begin`].
/// Only when the base would run out of `u32` are the slots cleared.
#[derive(Debug, Default)]
struct Numbering {
    slots: Vec<u32>,
    base: u32,
}

impl Numbering {
    /// Starts a layer with a table of `count` ids; `used` holds the previous layer's ids.
    fn begin(&mut self, used: &mut Vec<u32>, count: usize) {
        let count32 = u32::try_from(count).unwrap_or(u32::MAX);
        let used_before = u32::try_from(used.len()).unwrap_or(u32::MAX);
        self.base = match self.base.checked_add(used_before) {
            Some(base) if base.checked_add(count32).is_some() => base,
            _ => {
                self.slots.fill(0);
                0
            }
        };
        used.clear();
        if self.slots.len() < count {
            self.slots.resize(count, 0);
        }
    }

    /// The tile id of table id `id`, numbering it next (and adding it to `used`) on first use.
    fn local(&mut self, used: &mut Vec<u32>, id: u32) -> u64 {
        let slot = &mut self.slots[id as usize];
        if *slot > self.base {
            return u64::from(*slot - self.base - 1);
        }
        let local = u32::try_from(used.len()).unwrap_or(u32::MAX);
        *slot = self.base + 1 + local;
        used.push(id);
        u64::from(local)
    }
}

/// A command integer: id in the low 3 bits, count above.
fn command(id: u32, count: usize) -> u64 {
    (count as u64) << 3 | u64::from(id)
}

fn zigzag32(value: i32) -> u32 {
    ((value << 1) ^ (value >> 31)) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_and_zigzag_match_protobuf() {
        for (value, bytes) in [(0_u64, &[0_u8][..]), (1, &[1]), (300, &[0xac, 0x02])] {
            let mut out = Vec::new();
            put_varint(value, &mut out);
            assert_eq!(out, bytes);
            assert_eq!(varint_len(value), bytes.len());
        }
        assert_eq!(varint_len(u64::MAX), 10);
        assert_eq!(zigzag(-1), 1);
        assert_eq!(zigzag(1), 2);
        assert_eq!(zigzag32(-2), 3);
    }

    #[test]
    fn numbering_restarts_per_layer_and_survives_running_out_of_base() {
        let mut n = Numbering::default();
        let mut used = Vec::new();
        for round in 0..3 {
            n.begin(&mut used, 4);
            assert_eq!(
                [3, 1, 3, 0].map(|id| n.local(&mut used, id)),
                [0, 1, 0, 2],
                "round {round}"
            );
            assert_eq!(used, [3, 1, 0]);
        }
        n.base = u32::MAX - 5;
        n.begin(&mut used, 4);
        assert_eq!(n.base, 0);
        assert_eq!([2, 2, 1].map(|id| n.local(&mut used, id)), [0, 0, 1]);
    }
}
