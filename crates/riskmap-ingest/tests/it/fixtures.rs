//! Tiny named builders shared by the integration tests.

use riskmap_ingest::synth::{SynthConfig, synthetic_school_quarter};
use riskmap_ingest::{KatoRegistry, Lookup, Options, Policy, Row, write_school_quarter_csv};
use riskmap_model::{Kato, Period};
use time::macros::date;

/// Districts of Almaty city (region 75) from the KATO 2022-10-17 extract.
pub(crate) const ALMATY_DISTRICTS: &[&str] = &[
    "751110000",
    "751210000",
    "751310000",
    "751410000",
    "751510000",
    "751710000",
    "751810000",
    "751910000",
];

/// A district of Astana (region 71), real but outside Almaty.
pub(crate) const ASTANA_ESIL: &str = "711210000";

pub(crate) fn kato(code: &str) -> Kato {
    Kato::parse(code).expect("fixture codes are valid")
}

/// Registry with Almaty's districts, Almaty and Astana's Esil district.
pub(crate) fn registry() -> KatoRegistry {
    let codes = ALMATY_DISTRICTS
        .iter()
        .chain(&["750000000", ASTANA_ESIL, "710000000"])
        .map(|c| kato(c));
    KatoRegistry::from_codes(date!(2022 - 10 - 17), codes)
}

pub(crate) fn lookup() -> Lookup {
    Lookup {
        katos: vec![registry()],
        ..Lookup::default()
    }
}

/// Options for a file submitted by Almaty city.
pub(crate) fn almaty_options(policy: Policy) -> Options {
    let mut options = Options::new(policy);
    options.submitting_region = Some(kato("750000000"));
    options
}

/// `n` valid rows of Almaty schools in 2024-Q1.
pub(crate) fn rows(n: usize, seed: u64) -> Vec<Row> {
    let config = SynthConfig {
        seed,
        schools: n.max(1),
        first_period: Period::parse("2024-Q1").expect("valid period"),
        katos: ALMATY_DISTRICTS.iter().map(|c| kato(c)).collect(),
    };
    synthetic_school_quarter(&config)
        .expect("valid config")
        .take(n)
        .collect()
}

pub(crate) fn csv_of(rows: &[Row]) -> Vec<u8> {
    let mut bytes = Vec::new();
    write_school_quarter_csv(rows, &mut bytes).expect("writing to a Vec cannot fail");
    bytes
}
