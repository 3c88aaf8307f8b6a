//! Property: rows from the synthetic generator always pass every check.

use proptest::prelude::*;
use riskmap_ingest::{
    Decision, Options, Policy, Severity, read_school_quarter, write_school_quarter_xlsx,
};

use crate::fixtures::{csv_of, lookup, rows};

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn generated_valid_rows_always_pass(seed in any::<u64>(), n in 1usize..60) {
        let rows = rows(n, seed);
        let options = Options::new(Policy::RefuseFile);
        let csv = read_school_quarter("g.csv", &csv_of(&rows)[..], &options, &lookup()).unwrap();
        prop_assert_eq!(csv.outcome.decision, Decision::Accepted, "{}", csv.outcome.summary_text());
        prop_assert!(csv.outcome.findings.iter().all(|f| f.severity != Severity::Error));
        prop_assert_eq!(csv.rows.len(), n);
        let xlsx = write_school_quarter_xlsx(&rows).unwrap();
        let read = read_school_quarter("g.xlsx", &xlsx[..], &options, &lookup()).unwrap();
        prop_assert_eq!(read.outcome.decision, Decision::Accepted);
        prop_assert_eq!(read.rows.len(), n);
    }
}
