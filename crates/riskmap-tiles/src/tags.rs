//! A layer's attributes encoded once: every distinct key and value of the layer as its MVT
//! bytes, and each feature's tags as (key, value) ids into those tables.
//!
//! Built when a [`crate::TileLayer`] gets its properties, so a tile only maps the layer's ids to
//! its own (first use first, as `fast-mvt` numbers them) and copies bytes.

use std::collections::HashMap;

use crate::mvt::{put_len_field, put_varint, zigzag};
use crate::properties::{FeatureId, PropertyValue, STRING_ID_KEY};

/// Keys and values of one layer, each encoded once as the `Layer.keys` / `Layer.values` field.
#[derive(Debug, Default)]
pub(crate) struct TagTable {
    /// Encoded key fields, back to back; key `k` is `keys[key_at[k]..key_at[k + 1]]`.
    keys: Vec<u8>,
    key_at: Vec<usize>,
    /// Encoded value fields, back to back, indexed like the keys.
    values: Vec<u8>,
    value_at: Vec<usize>,
    /// Every feature's tags, (key id, value id), feature after feature.
    tags: Vec<(u32, u32)>,
    /// Per feature: its MVT id and the end of its tags in `tags`.
    features: Vec<(Option<u64>, usize)>,
}

/// A value as `fast-mvt` tells values apart: strings by text, numbers by type and bits.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum ValueKey<'a> {
    Str(&'a str),
    Double(u64),
    UInt(u64),
    SInt(i64),
    Bool(bool),
}

impl<'a> ValueKey<'a> {
    fn of(value: &'a PropertyValue) -> Self {
        match value {
            PropertyValue::String(s) => Self::Str(s),
            PropertyValue::F64(v) => Self::Double(v.to_bits()),
            PropertyValue::I64(v) => match u64::try_from(*v) {
                Ok(u) => Self::UInt(u),
                Err(_) => Self::SInt(*v),
            },
            PropertyValue::Bool(v) => Self::Bool(*v),
        }
    }

    /// Appends the `Layer.values` field (4) holding this `Value` message.
    fn encode(&self, out: &mut Vec<u8>) {
        let mut msg = Vec::with_capacity(16);
        match *self {
            Self::Str(s) => put_len_field(1, s.as_bytes(), &mut msg),
            Self::Double(bits) => {
                msg.push(3 << 3 | 1);
                msg.extend_from_slice(&bits.to_le_bytes());
            }
            Self::UInt(v) => {
                msg.push(5 << 3);
                put_varint(v, &mut msg);
            }
            Self::SInt(v) => {
                msg.push(6 << 3);
                put_varint(zigzag(v), &mut msg);
            }
            Self::Bool(v) => {
                msg.push(7 << 3);
                msg.push(u8::from(v));
            }
        }
        put_len_field(4, &msg, out);
    }
}

impl TagTable {
    /// Encodes the ids and properties of a layer's features, in feature order. A string id is
    /// the first tag, under [`STRING_ID_KEY`].
    pub(crate) fn new<'a>(
        features: impl IntoIterator<Item = (Option<&'a FeatureId>, &'a crate::properties::Properties)>,
    ) -> Self {
        let mut table = Self {
            key_at: vec![0],
            value_at: vec![0],
            ..Self::default()
        };
        let mut keys: HashMap<&str, u32> = HashMap::new();
        let mut values: HashMap<ValueKey<'_>, u32> = HashMap::new();
        for (id, properties) in features {
            let (mvt_id, string_id) = match id {
                Some(FeatureId::Int(id)) => (Some(*id), None),
                Some(FeatureId::Str(id)) => (None, Some(id.as_str())),
                None => (None, None),
            };
            let string_id = string_id.map(|s| (STRING_ID_KEY, ValueKey::Str(s)));
            let pairs = properties.iter().map(|(k, v)| (k, ValueKey::of(v)));
            for (key, value) in string_id.into_iter().chain(pairs) {
                let k = *keys.entry(key).or_insert_with(|| {
                    put_len_field(3, key.as_bytes(), &mut table.keys);
                    table.key_at.push(table.keys.len());
                    id_of(table.key_at.len() - 2)
                });
                let next = id_of(table.value_at.len() - 1);
                let v = *values.entry(value).or_insert_with_key(|value| {
                    value.encode(&mut table.values);
                    table.value_at.push(table.values.len());
                    next
                });
                table.tags.push((k, v));
            }
            table.features.push((mvt_id, table.tags.len()));
        }
        table
    }

    /// Number of distinct keys.
    pub(crate) fn key_count(&self) -> usize {
        self.key_at.len() - 1
    }

    /// Number of distinct values.
    pub(crate) fn value_count(&self) -> usize {
        self.value_at.len() - 1
    }

    /// The encoded `Layer.keys` field of key `k`.
    pub(crate) fn key(&self, k: u32) -> &[u8] {
        let k = k as usize;
        &self.keys[self.key_at[k]..self.key_at[k + 1]]
    }

    /// The encoded `Layer.values` field of value `v`.
    pub(crate) fn value(&self, v: u32) -> &[u8] {
        let v = v as usize;
        &self.values[self.value_at[v]..self.value_at[v + 1]]
    }

    /// Feature `idx`'s MVT id and tags.
    pub(crate) fn feature(&self, idx: usize) -> (Option<u64>, &[(u32, u32)]) {
        let start = idx
            .checked_sub(1)
            .and_then(|i| self.features.get(i))
            .map_or(0, |f| f.1);
        let (id, end) = self.features[idx];
        (id, &self.tags[start..end])
    }
}

/// A table index as `u32`; a layer has far fewer than 2^32 keys or values.
fn id_of(index: usize) -> u32 {
    u32::try_from(index).unwrap_or(u32::MAX)
}
