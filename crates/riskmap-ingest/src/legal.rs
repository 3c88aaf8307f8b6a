//! Legal-statistics tables (domain §2.3): counts of criminal offences committed by minors and
//! against minors, by region (and district where given) and period, from the Committee on
//! Legal Statistics and Special Accounts (КПСиСУ).
//!
//! A row is keyed by a KATO code (region or district) or by a region name in Kazakh or Russian
//! (`data/contract/region_names.toml`); the period is `YYYY`, `YYYY-Qn` or `YYYY-MM`. The
//! columns are the table `legal_stats` of contract v1, so labels, aliases and mapping files
//! work as for NOBD files.

use std::io::Read;

use riskmap_model::Kato;

use crate::contract::TableName;
use crate::ingest::read_table;
use crate::outcome::{Options, Outcome};
use crate::row::Row;
use crate::value::{StatPeriod, Value};
use crate::{Context, Result};

/// One accepted legal-statistics row.
#[derive(Debug, Clone, PartialEq)]
pub struct LegalRow {
    /// 1-based row in the file (header = row 1).
    pub row: u64,
    /// Year, quarter or month.
    pub period: StatPeriod,
    /// The unit the counts belong to: the district when a district code is given, otherwise
    /// the region (from the `kato` column or resolved from the region name).
    pub kato: Kato,
    /// The region `AB0000000` of `kato`.
    pub region: Kato,
    /// District name as written, if any (informational).
    pub district_name: Option<String>,
    /// Criminal offences committed by minors.
    pub offences_by_minors: Option<i64>,
    /// Criminal offences against minors.
    pub offences_against_minors: Option<i64>,
    /// Sexual offences against minors (S2).
    pub sexual_offences_against_minors: Option<i64>,
}

impl LegalRow {
    /// Builds the typed row from a checked `legal_stats` row.
    pub fn from_row(row: &Row) -> Option<Self> {
        let Some(Value::StatPeriod(period)) = row.get("period") else {
            return None;
        };
        let kato = row.kato()?;
        Some(Self {
            row: row.row,
            period: *period,
            kato,
            region: kato.region(),
            district_name: row
                .get("district")
                .and_then(Value::as_text)
                .map(str::to_owned),
            offences_by_minors: row.int("offences_by_minors"),
            offences_against_minors: row.int("offences_against_minors"),
            sexual_offences_against_minors: row.int("sexual_offences_against_minors"),
        })
    }
}

/// The rows and report of a legal-statistics file.
#[derive(Debug, Clone, PartialEq)]
pub struct LegalStats {
    /// The report.
    pub outcome: Outcome,
    /// Accepted rows.
    pub rows: Vec<LegalRow>,
}

/// Reads a legal-statistics CSV or XLSX (sheet `legal_stats`) whole.
pub fn read_legal_stats(
    name: &str,
    input: impl Read,
    options: &Options,
    ctx: &dyn Context,
) -> Result<LegalStats> {
    let collected = read_table(TableName::LegalStats, name, input, options, ctx)?;
    let rows = collected
        .rows
        .iter()
        .filter_map(LegalRow::from_row)
        .collect();
    Ok(LegalStats {
        outcome: collected.outcome,
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Code, NoContext, Policy};

    fn read(text: &str) -> LegalStats {
        read_legal_stats(
            "kpsisu.csv",
            text.as_bytes(),
            &Options::new(Policy::AcceptPartial),
            &NoContext,
        )
        .unwrap()
    }

    #[test]
    fn reads_russian_headers_and_region_names() {
        let stats = read(
            "Период;Регион;Совершено несовершеннолетними;В отношении несовершеннолетних\n\
             2023;Алматинская область;120;340\n2023;г. Шымкент;95;210\n2023-Q2;Алматы қаласы;40;77\n",
        );
        assert!(
            stats.outcome.is_accepted(),
            "{}",
            stats.outcome.summary_text()
        );
        let katos: Vec<String> = stats.rows.iter().map(|r| r.kato.to_string()).collect();
        assert_eq!(katos, ["190000000", "790000000", "750000000"]);
        assert_eq!(stats.rows[0].offences_against_minors, Some(340));
        assert_eq!(stats.rows[2].period.to_string(), "2023-Q2");
    }

    #[test]
    fn district_rows_keep_their_code_and_region() {
        let stats =
            read("period,kato,district,offences_by_minors\n2024-03,751710000,Медеуский район,4\n");
        assert_eq!(stats.rows[0].kato.to_string(), "751710000");
        assert_eq!(stats.rows[0].region.to_string(), "750000000");
        assert_eq!(
            stats.rows[0].district_name.as_deref(),
            Some("Медеуский район")
        );
    }

    #[test]
    fn unknown_and_ambiguous_region_names_are_refused_rows() {
        let stats = read(
            "Кезең,Өңір,offences_by_minors\n2023,Алматы,1\n2023,Атлантида,2\n2023,Ақмола облысы,3\n",
        );
        assert_eq!(stats.outcome.counts.get(&Code::RegionAmbiguous), Some(&1));
        assert_eq!(stats.outcome.counts.get(&Code::RegionUnknown), Some(&1));
        assert_eq!(stats.rows.len(), 1);
        assert_eq!(stats.rows[0].kato.to_string(), "110000000");
    }

    #[test]
    fn a_code_outside_the_named_region_is_an_error() {
        let stats = read("period,kato,region,offences_by_minors\n2023,751710000,Ақмола облысы,1\n");
        assert!(stats.outcome.has(Code::KatoRegion));
    }
}
