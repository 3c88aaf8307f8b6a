//! The indicator catalogue, `data/indicators.toml`: the one source of indicator names.
//!
//! Each indicator is a ratio of two summed measures (`numerator / denominator * per`), with
//! labels in Kazakh, Russian and English, a unit, a direction and a sensitivity class. The file
//! is compiled into the binary ([`Catalogue::builtin`]) so that every process agrees on it.

use std::collections::HashSet;

use crate::measure::Measure;
use crate::{Error, Result, Sensitivity};

/// The catalogue shipped with this build.
const BUILTIN: &str = include_str!("../../../data/indicators.toml");

/// Whether a higher value means more risk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Higher values mean more risk (violence rates).
    HigherIsWorse,
    /// Lower values mean more risk (psychologist coverage).
    LowerIsWorse,
}

/// The INFORM-style dimension an indicator feeds (methods §1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dimension {
    /// Harm and exposure: detected violence, suicide, offences.
    Harm,
    /// Vulnerability of the pupil population.
    Vulnerability,
    /// Lack of coping capacity: staffing gaps, backlogs.
    CopingCapacity,
}

/// Labels in the three languages of the product.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Labels {
    /// Kazakh.
    pub kk: String,
    /// Russian.
    pub ru: String,
    /// English.
    pub en: String,
}

/// One indicator of the catalogue.
#[derive(Debug, Clone, PartialEq)]
pub struct Indicator {
    /// Stable machine code, e.g. `viol_rate`.
    pub code: String,
    /// Labels for legends and tables.
    pub label: Labels,
    /// Unit labels, e.g. "per 10,000 pupils".
    pub unit: Labels,
    /// Risk direction.
    pub direction: Direction,
    /// Sensitivity class (domain §4.3); the strictest of its numerator's class and this.
    pub sensitivity: Sensitivity,
    /// Composite dimension.
    pub dimension: Dimension,
    /// Summed numerator.
    pub numerator: Measure,
    /// Summed denominator.
    pub denominator: Measure,
    /// Scale factor (10,000 for "per 10,000"; 1 for a share).
    pub per: f64,
    /// Quarters pooled for the displayed value (4 = rolling year).
    pub pooled_quarters: usize,
}

/// The parsed catalogue.
#[derive(Debug, Clone, PartialEq)]
pub struct Catalogue {
    /// Version of the catalogue file.
    pub version: String,
    /// Indicators in file order.
    pub indicators: Vec<Indicator>,
}

impl Catalogue {
    /// The catalogue compiled into this build.
    pub fn builtin() -> Self {
        Self::parse(BUILTIN).expect("data/indicators.toml is checked by the model's tests")
    }

    /// Parses and checks a catalogue: unique codes, non-empty labels, known measures, a
    /// sensitivity class no weaker than the numerator's.
    pub fn parse(text: &str) -> Result<Self> {
        let raw: raw::Catalogue = toml::from_str(text).map_err(|e| Error::Catalogue {
            message: e.to_string(),
        })?;
        let mut seen = HashSet::new();
        let mut indicators = Vec::with_capacity(raw.indicator.len());
        for item in raw.indicator {
            let fail = |message: String| Error::Catalogue {
                message: format!("indicator {:?}: {message}", item.code),
            };
            if !seen.insert(item.code.clone()) {
                return Err(fail("duplicate code".to_owned()));
            }
            let code_ok = !item.code.is_empty()
                && item
                    .code
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            if !code_ok {
                return Err(fail(
                    "code must be lowercase ASCII, digits and '_'".to_owned(),
                ));
            }
            for (lang, text) in [
                ("kk", &item.label.kk),
                ("ru", &item.label.ru),
                ("en", &item.label.en),
                ("unit kk", &item.unit.kk),
                ("unit ru", &item.unit.ru),
                ("unit en", &item.unit.en),
            ] {
                if text.trim().is_empty() {
                    return Err(fail(format!("empty {lang} label")));
                }
            }
            let numerator =
                Measure::from_column(&item.numerator).map_err(|e| fail(e.to_string()))?;
            let denominator =
                Measure::from_column(&item.denominator).map_err(|e| fail(e.to_string()))?;
            let sensitivity =
                Sensitivity::parse(&item.sensitivity).map_err(|e| fail(e.to_string()))?;
            if sensitivity < numerator.sensitivity() {
                return Err(fail(format!(
                    "class {} is weaker than its numerator {} ({})",
                    sensitivity.as_str(),
                    numerator.column(),
                    numerator.sensitivity().as_str()
                )));
            }
            let direction = match item.direction.as_str() {
                "higher_is_worse" => Direction::HigherIsWorse,
                "lower_is_worse" => Direction::LowerIsWorse,
                other => return Err(fail(format!("unknown direction {other:?}"))),
            };
            let dimension = match item.dimension.as_str() {
                "harm" => Dimension::Harm,
                "vulnerability" => Dimension::Vulnerability,
                "coping_capacity" => Dimension::CopingCapacity,
                other => return Err(fail(format!("unknown dimension {other:?}"))),
            };
            if item.per.is_nan() || item.per <= 0.0 {
                return Err(fail("per must be positive".to_owned()));
            }
            if !(1..=12).contains(&item.pooled_quarters) {
                return Err(fail("pooled_quarters must be 1 to 12".to_owned()));
            }
            indicators.push(Indicator {
                code: item.code,
                label: Labels {
                    kk: item.label.kk,
                    ru: item.label.ru,
                    en: item.label.en,
                },
                unit: Labels {
                    kk: item.unit.kk,
                    ru: item.unit.ru,
                    en: item.unit.en,
                },
                direction,
                sensitivity,
                dimension,
                numerator,
                denominator,
                per: item.per,
                pooled_quarters: item.pooled_quarters,
            });
        }
        if indicators.is_empty() {
            return Err(Error::Catalogue {
                message: "no indicators".to_owned(),
            });
        }
        Ok(Self {
            version: raw.version,
            indicators,
        })
    }

    /// Finds an indicator by code.
    pub fn get(&self, code: &str) -> Option<&Indicator> {
        self.indicators.iter().find(|i| i.code == code)
    }
}

mod raw {
    //! The file's shape, before checking.
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    pub(super) struct Catalogue {
        pub(super) version: String,
        pub(super) indicator: Vec<Indicator>,
    }

    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    pub(super) struct Indicator {
        pub(super) code: String,
        pub(super) sensitivity: String,
        pub(super) direction: String,
        pub(super) dimension: String,
        pub(super) numerator: String,
        pub(super) denominator: String,
        pub(super) per: f64,
        pub(super) pooled_quarters: usize,
        pub(super) label: Labels,
        pub(super) unit: Labels,
    }

    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    pub(super) struct Labels {
        pub(super) kk: String,
        pub(super) ru: String,
        pub(super) en: String,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_catalogue_parses_with_unique_codes() {
        let catalogue = Catalogue::parse(BUILTIN).expect("data/indicators.toml must parse");
        assert!(catalogue.indicators.len() >= 8);
        let codes: HashSet<_> = catalogue
            .indicators
            .iter()
            .map(|i| i.code.as_str())
            .collect();
        assert_eq!(codes.len(), catalogue.indicators.len());
        assert!(
            catalogue.get("viol_rate").is_some(),
            "the skeleton map colours by viol_rate"
        );
    }

    #[test]
    fn suicide_indicators_are_highly_sensitive() {
        let catalogue = Catalogue::builtin();
        for indicator in &catalogue.indicators {
            if indicator.numerator.sensitivity() == Sensitivity::S2 {
                assert_eq!(indicator.sensitivity, Sensitivity::S2, "{}", indicator.code);
            }
        }
    }

    #[test]
    fn refuses_duplicates_and_weak_classes() {
        let one = r#"
[[indicator]]
code = "x"
sensitivity = "S1"
direction = "higher_is_worse"
dimension = "harm"
numerator = "suicide_deaths"
denominator = "pupils_total"
per = 10000
pooled_quarters = 4
label = { kk = "a", ru = "b", en = "c" }
unit = { kk = "a", ru = "b", en = "c" }
"#;
        let text = format!("version = \"t\"\n{one}");
        let err = Catalogue::parse(&text).unwrap_err().to_string();
        assert!(err.contains("weaker"), "{err}");
        let dup = format!(
            "version = \"t\"\n{}{}",
            one.replace("S1", "S2"),
            one.replace("S1", "S2")
        );
        assert!(
            Catalogue::parse(&dup)
                .unwrap_err()
                .to_string()
                .contains("duplicate")
        );
        assert!(Catalogue::parse(&one.replace("suicide_deaths", "nope")).is_err());
    }
}
