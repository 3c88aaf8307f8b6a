//! What the caller knows that a file does not: the KATO registry, the schools of
//! `school_reference`, and last quarter's register stock. Passed in through [`Context`], so
//! this crate stays pure.

use std::collections::{HashMap, HashSet};

use riskmap_model::{Kato, Period};
use time::Date;

use crate::hash::WordHash;
use crate::{Error, Result};

/// Caller-supplied lookups. Every method may answer `None` ("unknown here"), which skips the
/// corresponding check. `Sync`, because CSV rows are examined on worker threads.
pub trait Context: Sync {
    /// Whether `kato` exists in the KATO version valid on `on` (`E_KATO_UNKNOWN`).
    fn kato_known(&self, _kato: &Kato, _on: Date) -> Option<bool> {
        None
    }

    /// Whether the school exists in `school_reference` for `period` (`E_SCHOOL_UNKNOWN`).
    fn school_known(&self, _school: &str, _period: Period) -> Option<bool> {
        None
    }

    /// The school's `isu_open_end` in `period` (the previous quarter), for `W_ISU_CONTINUITY`.
    fn open_end(&self, _school: &str, _period: Period) -> Option<i64> {
        None
    }

    /// The highest revision of (school, period) already stored, for `E_REVISION_STORED`
    /// (`Some(0)` or `None` when nothing is stored).
    fn stored_revision(&self, _school: &str, _period: Period) -> Option<u32> {
        None
    }

    /// Whether a `school_reference` row can be placed in a district: by its WGS84
    /// (lon, lat) when given, else by the first four digits of its KATO code
    /// (`E_DISTRICT_UNKNOWN`).
    fn district_found(&self, _kato: &Kato, _lon_lat: Option<(f64, f64)>) -> Option<bool> {
        None
    }
}

/// A context that knows nothing: only the checks that need no lookup run.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoContext;

impl Context for NoContext {}

/// One version of the KATO classifier.
#[derive(Debug, Clone, PartialEq)]
pub struct KatoRegistry {
    /// The date the version took effect.
    pub version: Date,
    names: HashMap<Kato, String>,
    /// The codes alone, small enough to stay in cache for the per-row lookup.
    codes: HashSet<Kato, WordHash>,
}

impl KatoRegistry {
    /// Parses the classifier extract with columns `id,parent_id,kato,name_ru`
    /// (`shared/data/kz/kato-2022-10-17-full.csv`), UTF-8 with or without a BOM.
    pub fn parse_csv(bytes: &[u8], version: Date) -> Result<Self> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(bytes);
        let bad = |line: u64, message: String| Error::KatoRegistry { line, message };
        let headers = reader.headers().map_err(|e| bad(1, e.to_string()))?.clone();
        let kato_idx = headers
            .iter()
            .position(|h| h == "kato")
            .ok_or_else(|| bad(1, "no kato column".to_owned()))?;
        let name_idx = headers.iter().position(|h| h == "name_ru");
        let mut names = HashMap::new();
        for (idx, record) in reader.records().enumerate() {
            let line = idx as u64 + 2;
            let record = record.map_err(|e| bad(line, e.to_string()))?;
            let code = record.get(kato_idx).unwrap_or_default();
            let kato = Kato::parse(code).map_err(|e| bad(line, e.to_string()))?;
            let name = name_idx.and_then(|i| record.get(i)).unwrap_or_default();
            names.insert(kato, name.to_owned());
        }
        if names.is_empty() {
            return Err(bad(1, "the registry has no codes".to_owned()));
        }
        Ok(Self::new(version, names))
    }

    /// Builds a registry from codes (tests, fixtures).
    pub fn from_codes(version: Date, codes: impl IntoIterator<Item = Kato>) -> Self {
        let names = codes.into_iter().map(|k| (k, String::new())).collect();
        Self::new(version, names)
    }

    fn new(version: Date, names: HashMap<Kato, String>) -> Self {
        let codes = names.keys().copied().collect();
        Self {
            version,
            names,
            codes,
        }
    }

    /// Whether the code exists.
    pub fn contains(&self, kato: &Kato) -> bool {
        self.codes.contains(kato)
    }

    /// The Russian name of a code.
    pub fn name_ru(&self, kato: &Kato) -> Option<&str> {
        self.names.get(kato).map(String::as_str)
    }

    /// Number of codes.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// True when there are no codes.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// All codes, sorted.
    pub fn codes(&self) -> Vec<Kato> {
        let mut codes: Vec<Kato> = self.names.keys().copied().collect();
        codes.sort();
        codes
    }
}

/// A ready-made [`Context`] over in-memory tables.
#[derive(Debug, Clone, Default)]
pub struct Lookup {
    /// KATO versions; a date uses the latest version in effect on it, or the earliest version
    /// when the date precedes all of them (only one version is available today).
    pub katos: Vec<KatoRegistry>,
    /// Known `nobd_org_id`s, if the caller has `school_reference`.
    pub schools: Option<HashSet<String>>,
    /// `isu_open_end` by school and quarter.
    pub open_end: HashMap<(String, Period), i64>,
    /// Highest stored revision by school and quarter.
    pub revisions: HashMap<(String, Period), u32>,
}

impl Context for Lookup {
    fn kato_known(&self, kato: &Kato, on: Date) -> Option<bool> {
        if let [only] = self.katos.as_slice() {
            // In effect on every date, or the earliest version: the only one either way.
            return Some(only.contains(kato));
        }
        let in_effect = self
            .katos
            .iter()
            .filter(|r| r.version <= on)
            .max_by_key(|r| r.version);
        let registry = in_effect.or_else(|| self.katos.iter().min_by_key(|r| r.version))?;
        Some(registry.contains(kato))
    }

    fn school_known(&self, school: &str, _period: Period) -> Option<bool> {
        self.schools.as_ref().map(|s| s.contains(school))
    }

    fn open_end(&self, school: &str, period: Period) -> Option<i64> {
        if self.open_end.is_empty() {
            return None;
        }
        self.open_end.get(&(school.to_owned(), period)).copied()
    }

    fn stored_revision(&self, school: &str, period: Period) -> Option<u32> {
        if self.revisions.is_empty() {
            return None;
        }
        self.revisions.get(&(school.to_owned(), period)).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const EXTRACT: &str = "\u{feff}id,parent_id,kato,name_ru\n1,0,100000000,область Абай\n2,1,101000000,Семей Г.А.\n\
                           16251,0,750000000,г.Алматы\n16257,16251,751710000,Медеуский район\n";

    #[test]
    fn parses_the_classifier_extract() {
        let registry = KatoRegistry::parse_csv(EXTRACT.as_bytes(), date!(2022 - 10 - 17)).unwrap();
        assert_eq!(registry.len(), 4);
        let medeu = Kato::parse("751710000").unwrap();
        assert_eq!(registry.name_ru(&medeu), Some("Медеуский район"));
        assert!(!registry.contains(&Kato::parse("751799999").unwrap()));
    }

    #[test]
    fn a_malformed_code_names_its_line() {
        let err = KatoRegistry::parse_csv(
            b"id,parent_id,kato,name_ru\n1,0,10000,x\n",
            date!(2022 - 10 - 17),
        )
        .unwrap_err();
        assert!(err.to_string().contains("line 2"), "{err}");
    }

    #[test]
    fn lookup_uses_the_version_in_effect() {
        let old =
            KatoRegistry::from_codes(date!(2018 - 01 - 01), [Kato::parse("631000000").unwrap()]);
        let new =
            KatoRegistry::from_codes(date!(2022 - 10 - 17), [Kato::parse("101000000").unwrap()]);
        let lookup = Lookup {
            katos: vec![old, new],
            ..Lookup::default()
        };
        let abay = Kato::parse("101000000").unwrap();
        assert_eq!(lookup.kato_known(&abay, date!(2021 - 03 - 31)), Some(false));
        assert_eq!(lookup.kato_known(&abay, date!(2024 - 03 - 31)), Some(true));
        assert_eq!(NoContext.kato_known(&abay, date!(2024 - 03 - 31)), None);
    }
}
