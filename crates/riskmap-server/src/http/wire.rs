//! Wire shapes for disclosed values: a number, or `null` with a flag symbol.

use riskmap_model::{Disclosed, Shown};
use serde::Serialize;

/// `{"value": 12.5, "flag": null}`, `{"value": 3.1, "flag": "u"}` or `{"value": null, "flag": "c"}`.
#[derive(Debug, Serialize)]
pub(crate) struct WireValue {
    value: Option<f64>,
    flag: Option<&'static str>,
}

impl From<Disclosed<f64>> for WireValue {
    fn from(disclosed: Disclosed<f64>) -> Self {
        let value = disclosed.value().map(|v| (v * 1000.0).round() / 1000.0);
        Self {
            value,
            flag: disclosed.symbol(),
        }
    }
}

/// A disclosed count: the number, or the flag symbol as a string (`"c"`, `":"`, `"z"`).
#[derive(Debug)]
pub(crate) struct WireCount(pub(crate) Disclosed<u64>);

impl Serialize for WireCount {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0.shown() {
            Shown::Value(v) | Shown::Unstable(v) => serializer.serialize_u64(v),
            Shown::Band(band) => serializer.serialize_str(band),
            Shown::Suppressed | Shown::NotAvailable | Shown::NotApplicable => {
                serializer.serialize_str(self.0.symbol().unwrap_or(":"))
            }
        }
    }
}
