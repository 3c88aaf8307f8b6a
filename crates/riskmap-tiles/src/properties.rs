//! What a feature carries besides its geometry: an id and a small map of typed properties.
//!
//! The caller decides what goes in (the server filters by role); this crate only encodes it.

use crate::{Error, Result};

/// The property key under which a [`FeatureId::Str`] is written (MVT ids are integers only).
///
/// MapLibre can still use it as the feature id with `promoteId: "id"` on the source.
pub const STRING_ID_KEY: &str = "id";

/// A feature id as the caller knows it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FeatureId {
    /// Written to the MVT `id` field (for districts: the nine-digit KATO code as a number).
    Int(u64),
    /// MVT has no string ids, so this is written as the property [`STRING_ID_KEY`] instead.
    Str(String),
}

impl From<u64> for FeatureId {
    fn from(id: u64) -> Self {
        Self::Int(id)
    }
}

impl From<&str> for FeatureId {
    fn from(id: &str) -> Self {
        Self::Str(id.to_owned())
    }
}

impl From<String> for FeatureId {
    fn from(id: String) -> Self {
        Self::Str(id)
    }
}

/// A property value. MVT also knows `f32` and unsigned values; these four are all we need.
#[derive(Debug, Clone, PartialEq)]
pub enum PropertyValue {
    /// UTF-8 text.
    String(String),
    /// A double (MVT `double_value`).
    F64(f64),
    /// A signed integer (MVT `uint_value` when non-negative, `sint_value` when negative).
    I64(i64),
    /// A boolean.
    Bool(bool),
}

impl From<&str> for PropertyValue {
    fn from(v: &str) -> Self {
        Self::String(v.to_owned())
    }
}

impl From<String> for PropertyValue {
    fn from(v: String) -> Self {
        Self::String(v)
    }
}

impl From<f64> for PropertyValue {
    fn from(v: f64) -> Self {
        Self::F64(v)
    }
}

impl From<i64> for PropertyValue {
    fn from(v: i64) -> Self {
        Self::I64(v)
    }
}

impl From<i32> for PropertyValue {
    fn from(v: i32) -> Self {
        Self::I64(i64::from(v))
    }
}

impl From<u32> for PropertyValue {
    fn from(v: u32) -> Self {
        Self::I64(i64::from(v))
    }
}

impl From<bool> for PropertyValue {
    fn from(v: bool) -> Self {
        Self::Bool(v)
    }
}

/// A small ordered map of property keys to values; keys are unique.
///
/// Kept as a vector: a feature has a handful of properties, and encoding walks them in order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Properties(Vec<(String, PropertyValue)>);

impl Properties {
    /// No properties.
    pub fn new() -> Self {
        Self::default()
    }

    /// Builder form of [`Properties::insert`].
    ///
    /// ```
    /// use riskmap_tiles::{Properties, PropertyValue};
    /// let p = Properties::new().with("name", "Astana").with("risk", 0.42).with("n_schools", 91);
    /// assert_eq!(p.get("risk"), Some(&PropertyValue::F64(0.42)));
    /// ```
    #[must_use]
    pub fn with(mut self, key: impl Into<String>, value: impl Into<PropertyValue>) -> Self {
        self.insert(key, value);
        self
    }

    /// Sets `key` to `value`, replacing an earlier value of the same key.
    pub fn insert(&mut self, key: impl Into<String>, value: impl Into<PropertyValue>) {
        let (key, value) = (key.into(), value.into());
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = value,
            None => self.0.push((key, value)),
        }
    }

    /// Builds from pairs, refusing a key given twice.
    pub fn try_from_pairs(
        pairs: impl IntoIterator<Item = (String, PropertyValue)>,
    ) -> Result<Self> {
        let mut out = Self::new();
        for (key, value) in pairs {
            if out.get(&key).is_some() {
                return Err(Error::DuplicateProperty { key });
            }
            out.0.push((key, value));
        }
        Ok(out)
    }

    /// The value of `key`, if set.
    pub fn get(&self, key: &str) -> Option<&PropertyValue> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// The pairs, in insertion order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &PropertyValue)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// Number of properties.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}
