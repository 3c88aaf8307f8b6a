//! Wire shapes: the typed bodies of the unit routes (collections, profile, compare) with
//! their OpenAPI schemas, built only from the view layer's disclosed values. A value is a
//! number or `null` with a flag symbol; a count is a number or a symbol string.

use std::collections::BTreeMap;

use riskmap_model::{Audience, Disclosed, Shown};
use serde::Serialize;
use utoipa::ToSchema;

use crate::view::composite::DisclosedComposite;
use crate::view::table::{ShownComposite, ShownIndicator};

/// The attribution line required by the boundaries' licence (shared/data/kz/SOURCES.md).
pub(crate) const ATTRIBUTION: &str = "Administrative boundaries: geokz by Alexander Rodionov (github.com/arodionoff/geokz), CC BY 4.0; based on OCHA/HDX COD-AB Kazakhstan (UNHCR, OpenStreetMap). Population: BNS ASPR RK, 1 January 2023.";

/// `{"value": 12.5, "flag": null}`, `{"value": 3.1, "flag": "u"}` or `{"value": null, "flag": "c"}`.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub(crate) struct WireValue {
    /// The number, when it may be shown (rounded to 3 decimals).
    value: Option<f64>,
    /// `null` plain, `u` unstable, `c` suppressed, `:` not available, `z` not applicable, `b`
    /// banded.
    flag: Option<&'static str>,
}

impl WireValue {
    /// The number, when it may be shown.
    pub(crate) fn number(&self) -> Option<f64> {
        self.value
    }

    /// The flag symbol (`u`, `c`, `:`, `z`, `b`), if any.
    pub(crate) fn flag(&self) -> Option<&'static str> {
        self.flag
    }
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

/// A disclosed count: the number, or a band (`0`, `1-2`, `3+`) or symbol (`c`, `:`, `z`).
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
#[serde(untagged)]
pub(crate) enum WireCount {
    /// The count.
    Number(u64),
    /// A band or a symbol.
    Symbol(String),
}

impl From<Disclosed<u64>> for WireCount {
    fn from(disclosed: Disclosed<u64>) -> Self {
        match disclosed.shown() {
            Shown::Value(v) | Shown::Unstable(v) => WireCount::Number(v),
            Shown::Band(band) => WireCount::Symbol(band.to_owned()),
            Shown::Suppressed | Shown::NotAvailable | Shown::NotApplicable => {
                WireCount::Symbol(disclosed.symbol().unwrap_or(":").to_owned())
            }
        }
    }
}

/// One quarter's value.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct WireQuarter {
    /// `YYYY-Qn`.
    period: String,
    #[serde(flatten)]
    value: WireValue,
}

/// One indicator of one unit.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct WireIndicator {
    #[serde(flatten)]
    value: WireValue,
    /// The numerator count.
    numerator: WireCount,
    /// The calendar year of a released value (outside the reader's scope); absent for the
    /// rolling year.
    #[serde(skip_serializing_if = "Option::is_none")]
    year: Option<u16>,
    /// Empirical-Bayes smoothed value (only where the raw value is visible).
    smoothed: Option<f64>,
    /// P(true rate > the siblings' overall rate).
    p_exceed: Option<f64>,
    /// Quintile band of the smoothed value among the siblings, 1 (low risk) to 5.
    band: Option<u8>,
    /// 1 = highest risk among the siblings whose value is visible.
    rank: Option<usize>,
    /// At or above the 90th percentile of risk.
    top_decile: Option<bool>,
    /// Each quarter of the rolling year (`c` outside the reader's scope for S1 and S2).
    quarters: Vec<WireQuarter>,
}

impl From<&ShownIndicator> for WireIndicator {
    fn from(shown: &ShownIndicator) -> Self {
        Self {
            value: shown.value.into(),
            numerator: shown.numerator.into(),
            year: shown.year,
            smoothed: shown.derived.smoothed,
            p_exceed: shown.derived.p_exceed,
            band: shown.derived.band,
            rank: shown.derived.rank,
            top_decile: shown.derived.top_decile,
            quarters: shown
                .quarters
                .iter()
                .map(|(period, value)| WireQuarter {
                    period: period.to_string(),
                    value: (*value).into(),
                })
                .collect(),
        }
    }
}

/// The composite's three dimensions.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct WireDimensions {
    harm: WireValue,
    vulnerability: WireValue,
    coping: WireValue,
}

/// One driver of the composite.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct WireDriver {
    /// Indicator code.
    code: String,
    /// Its 0–10 score.
    score: f64,
    /// Its points in the composite.
    contribution: f64,
    /// At or above the 90th percentile nationally.
    flag: bool,
}

/// A unit's composite risk index (0–10, INFORM-style).
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct WireComposite {
    #[serde(flatten)]
    value: WireValue,
    /// Harm and exposure, vulnerability, lack of coping capacity.
    dimensions: WireDimensions,
    /// National quintile 1 (lowest) to 5.
    band: Option<u8>,
    /// 1 = highest composite.
    rank: Option<usize>,
    /// Share of the methodology's indicators available.
    availability: Option<f64>,
    /// The calendar year of the release it comes from (outside the reader's scope).
    #[serde(skip_serializing_if = "Option::is_none")]
    year: Option<u16>,
    /// Top drivers whose own indicator is visible.
    drivers: Vec<WireDriver>,
}

impl From<&DisclosedComposite> for WireComposite {
    fn from(shown: &DisclosedComposite) -> Self {
        let [harm, vulnerability, coping] = shown.dimensions.map(WireValue::from);
        Self {
            value: shown.score.into(),
            dimensions: WireDimensions {
                harm,
                vulnerability,
                coping,
            },
            band: shown.band,
            rank: shown.rank,
            availability: shown.availability.map(|a| (a * 1000.0).round() / 1000.0),
            year: None,
            drivers: Vec::new(),
        }
    }
}

impl From<&ShownComposite> for WireComposite {
    fn from(shown: &ShownComposite) -> Self {
        let mut wire = WireComposite::from(&shown.disclosed);
        wire.year = shown.year;
        wire.drivers = shown
            .drivers
            .iter()
            .map(|d| WireDriver {
                code: d.code.clone(),
                score: d.score,
                contribution: d.contribution,
                flag: d.flag,
            })
            .collect();
        wire
    }
}

/// Indicators of one unit by code.
pub(crate) type WireIndicators = BTreeMap<String, WireIndicator>;

/// `public`, `akimat:<region>[:<district>]`, `crisis:<districts>`, `ministry` or `steward`.
pub(crate) fn audience_name(audience: &Audience) -> String {
    match audience {
        Audience::Public => "public".to_owned(),
        Audience::Regional {
            region,
            district: None,
        } => format!("akimat:{region}"),
        Audience::Regional {
            region,
            district: Some(district),
        } => format!("akimat:{region}:{district}"),
        Audience::Crisis { districts } => format!(
            "crisis:{}",
            districts
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(",")
        ),
        Audience::Ministry => "ministry".to_owned(),
        Audience::Steward => "steward".to_owned(),
    }
}

/// `"FeatureCollection"`.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub(crate) enum FeatureCollectionType {
    /// RFC 7946.
    FeatureCollection,
}

/// `"Feature"`.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub(crate) enum FeatureType {
    /// RFC 7946.
    Feature,
}
