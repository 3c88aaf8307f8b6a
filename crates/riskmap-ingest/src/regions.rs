//! Region names in Kazakh and Russian, for legal-statistics tables keyed by name
//! (compiled in from `data/contract/region_names.toml`, taken from `kz-adm1.geojson`).

use std::collections::HashMap;
use std::sync::LazyLock;

use riskmap_model::Kato;
use serde::Deserialize;

use crate::{Error, Result};

const REGION_NAMES_TOML: &str = include_str!("../../../data/contract/region_names.toml");

static BUILTIN: LazyLock<RegionNames> = LazyLock::new(|| {
    RegionNames::parse(REGION_NAMES_TOML)
        .expect("data/contract/region_names.toml is checked by regions::tests")
});

/// One first-level unit with its names.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Region {
    /// KATO code `AB0000000`.
    pub kato: String,
    /// Kazakh name.
    pub name_kk: String,
    /// Russian short name.
    pub name_ru: String,
    /// Russian name as in the KATO 2022 classifier.
    pub name_ru_kato2022: String,
    /// English name.
    pub name_en: String,
    /// Long forms used in statistical tables.
    #[serde(default)]
    pub aliases: Vec<String>,
}

/// The result of looking a name up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegionMatch {
    /// Exactly one region.
    Found(Kato),
    /// Several regions share the name.
    Ambiguous(Vec<Kato>),
    /// No region has the name.
    Unknown,
}

/// The name table of the 20 regions.
#[derive(Debug, Clone)]
pub struct RegionNames {
    /// The regions, by KATO.
    pub regions: Vec<Region>,
    index: HashMap<String, Vec<Kato>>,
}

#[derive(Deserialize)]
struct Raw {
    region: Vec<Region>,
}

impl RegionNames {
    /// The compiled-in table.
    pub fn builtin() -> &'static RegionNames {
        &BUILTIN
    }

    /// Parses a name table.
    pub fn parse(text: &str) -> Result<Self> {
        let bad = |message: String| Error::ContractData {
            what: "region_names.toml",
            message,
        };
        let raw: Raw = toml::from_str(text).map_err(|e| bad(e.to_string()))?;
        let mut index: HashMap<String, Vec<Kato>> = HashMap::new();
        for region in &raw.region {
            let kato = Kato::parse(&region.kato).map_err(|e| bad(e.to_string()))?;
            if kato.region() != kato {
                return Err(bad(format!("{} is not a region code", region.kato)));
            }
            let names = [
                &region.name_kk,
                &region.name_ru,
                &region.name_ru_kato2022,
                &region.name_en,
            ];
            for name in names.into_iter().chain(&region.aliases) {
                let entry = index.entry(normalise_name(name)).or_default();
                if !entry.contains(&kato) {
                    entry.push(kato);
                }
            }
        }
        Ok(Self {
            regions: raw.region,
            index,
        })
    }

    /// Looks a region up by a kk/ru/en name or alias.
    pub fn lookup(&self, name: &str) -> RegionMatch {
        match self.index.get(&normalise_name(name)).map(Vec::as_slice) {
            None | Some([]) => RegionMatch::Unknown,
            Some([one]) => RegionMatch::Found(*one),
            Some(many) => RegionMatch::Ambiguous(many.to_vec()),
        }
    }
}

/// Lower case, `ё` → `е`, Latin `i` → Kazakh `і`, punctuation to spaces, spaces collapsed.
pub fn normalise_name(name: &str) -> String {
    let mapped: String = name
        .to_lowercase()
        .chars()
        .map(|c| match c {
            'ё' => 'е',
            'i' => 'і',
            '.' | ',' | '«' | '»' | '"' | '(' | ')' | '-' | '\u{a0}' => ' ',
            c => c,
        })
        .collect();
    mapped.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(name: &str) -> String {
        match RegionNames::builtin().lookup(name) {
            RegionMatch::Found(k) => k.to_string(),
            other => panic!("{name}: {other:?}"),
        }
    }

    #[test]
    fn has_the_twenty_regions() {
        assert_eq!(RegionNames::builtin().regions.len(), 20);
    }

    #[test]
    fn every_region_is_found_by_its_kazakh_and_russian_names() {
        for region in &RegionNames::builtin().regions {
            for name in [&region.name_kk, &region.name_ru, &region.name_ru_kato2022] {
                if name == "Алматы" {
                    continue;
                }
                assert_eq!(found(name), region.kato, "{name}");
            }
            for alias in &region.aliases {
                assert_eq!(found(alias), region.kato, "{alias}");
            }
        }
    }

    #[test]
    fn matches_long_forms_and_spelling_variants() {
        assert_eq!(found("Алматы облысы"), "190000000");
        assert_eq!(found("г. Алматы"), "750000000");
        assert_eq!(found("Алматы қаласы"), "750000000");
        assert_eq!(found("СОЛТҮСТІК ҚАЗАҚСТАН облысы"), "590000000");
        assert_eq!(found("Западно-Казахстанская область"), "270000000");
    }

    #[test]
    fn bare_almaty_is_ambiguous() {
        assert!(
            matches!(RegionNames::builtin().lookup("Алматы"), RegionMatch::Ambiguous(k) if k.len() == 2)
        );
        assert_eq!(
            RegionNames::builtin().lookup("Атлантида"),
            RegionMatch::Unknown
        );
    }
}
