//! Contract v1: the machine-readable column list of the NOBD export (domain §6), compiled in
//! from `data/contract/v1.toml`.
//!
//! The contract names every table, its key, and for each column its type, whether it is
//! required, its sensitivity class, its kk/ru/en labels and accepted header aliases, plus the
//! arithmetic rules between columns (sums, subsets, the register stock-and-flow identity).

use std::collections::HashSet;
use std::sync::LazyLock;

use riskmap_model::Sensitivity;
use serde::{Deserialize, Serialize};

use crate::{Code, Error, Result};

const V1_TOML: &str = include_str!("../../../data/contract/v1.toml");

static V1: LazyLock<Contract> = LazyLock::new(|| {
    Contract::parse(V1_TOML).expect("data/contract/v1.toml is checked by contract::tests")
});

/// The tables a file can carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TableName {
    /// Table A, one row per organisation version (§6.2).
    SchoolReference,
    /// Table B, one row per school and quarter (§6.3).
    SchoolQuarter,
    /// Table C, restricted staff contacts (§6.4).
    SchoolContacts,
    /// Legal-statistics counts by region or district and period (§2.3).
    LegalStats,
}

impl TableName {
    /// Every table, in contract order.
    pub const ALL: [TableName; 4] = [
        TableName::SchoolReference,
        TableName::SchoolQuarter,
        TableName::SchoolContacts,
        TableName::LegalStats,
    ];

    /// The machine name, also the XLSX sheet name.
    pub fn as_str(self) -> &'static str {
        match self {
            TableName::SchoolReference => "school_reference",
            TableName::SchoolQuarter => "school_quarter",
            TableName::SchoolContacts => "school_contacts",
            TableName::LegalStats => "legal_stats",
        }
    }

    /// Looks a table up by machine name.
    pub fn parse(text: &str) -> Option<Self> {
        TableName::ALL.into_iter().find(|t| t.as_str() == text)
    }
}

/// The type of a column's cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnType {
    /// Free text, optionally capped by `max_len` characters.
    String,
    /// A whole number (counts are ≥ 0 through `min = 0`).
    Int,
    /// A decimal number; `0,5` is accepted as well as `0.5`.
    Decimal,
    /// `true`/`false` (also `1`/`0`, `да`/`нет`, `иә`/`жоқ`).
    Bool,
    /// `YYYY-MM-DD` (also `DD.MM.YYYY`).
    Date,
    /// ISO 8601 date-time with an explicit offset, e.g. `2024-04-05T10:00:00+05:00`.
    Timestamp,
    /// One of `values`.
    Enum,
    /// Several of `values`, separated by `;`, `,`, `|` or spaces.
    EnumSet,
    /// A quarter `YYYY-Qn`.
    Period,
    /// A year `YYYY`, a quarter `YYYY-Qn` or a month `YYYY-MM` (legal statistics).
    PeriodAny,
    /// A nine-digit KATO code.
    Kato,
    /// A twelve-digit BIN with a valid check digit.
    Bin,
}

/// Column labels in the three interface languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Labels {
    /// Kazakh.
    pub kk: String,
    /// Russian.
    pub ru: String,
    /// English.
    pub en: String,
}

/// One contract column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Column {
    /// Machine name (ASCII snake case).
    pub name: String,
    /// Cell type.
    #[serde(rename = "type")]
    pub ty: ColumnType,
    /// The header must be present and every cell filled.
    pub required: bool,
    /// Sensitivity class (`S0`/`S1`/`S2`), or `none` for identifiers and metadata.
    #[serde(rename = "class", with = "class_serde")]
    pub class: Option<Sensitivity>,
    /// Smallest accepted number.
    #[serde(default)]
    pub min: Option<f64>,
    /// Largest accepted number.
    #[serde(default)]
    pub max: Option<f64>,
    /// Longest accepted text, in characters.
    #[serde(default)]
    pub max_len: Option<usize>,
    /// Accepted codes of an `enum`/`enum_set` column.
    #[serde(default)]
    pub values: Vec<String>,
    /// The column may hold personal data (restricted contacts table only).
    #[serde(default)]
    pub personal: bool,
    /// Labels, accepted as headers.
    pub label: Labels,
    /// Further accepted headers.
    #[serde(default)]
    pub aliases: Vec<String>,
}

/// `total = sum(parts)`, checked when the total and every part are reported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SumRule {
    /// The finding code when the rule fails.
    pub code: Code,
    /// The total column.
    pub total: String,
    /// The part columns.
    pub parts: Vec<String>,
}

/// `part ≤ whole` ("of which" columns), code `E_SUBSET`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubsetRule {
    /// The "of which" column.
    pub part: String,
    /// The column it is part of.
    pub whole: String,
}

/// `end = start + sum(plus) − sum(minus)` (stock and flow).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlowRule {
    /// The finding code when the identity fails.
    pub code: Code,
    /// Stock at the end.
    pub end: String,
    /// Stock at the start.
    pub start: String,
    /// Inflows.
    pub plus: Vec<String>,
    /// Outflows.
    pub minus: Vec<String>,
}

/// One table of the contract.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Table {
    /// Machine name.
    pub name: TableName,
    /// The section of domain.md that defines it.
    pub section: String,
    /// Only Role C and Tier M may read it.
    pub restricted: bool,
    /// Columns whose values identify a row; a repeat is `E_DUPLICATE_KEY`.
    pub key: Vec<String>,
    /// Columns in contract order (also the order writers use).
    #[serde(rename = "column")]
    pub columns: Vec<Column>,
    /// Sum rules.
    #[serde(default, rename = "sum_rule")]
    pub sum_rules: Vec<SumRule>,
    /// Subset rules.
    #[serde(default, rename = "subset_rule")]
    pub subset_rules: Vec<SubsetRule>,
    /// Stock-and-flow rules.
    #[serde(default, rename = "flow_rule")]
    pub flow_rules: Vec<FlowRule>,
}

/// The whole contract.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contract {
    /// Contract version, written to `schema_version`.
    pub version: String,
    /// Tables in order.
    #[serde(rename = "table")]
    pub tables: Vec<Table>,
}

impl Contract {
    /// Contract v1 as compiled in from `data/contract/v1.toml`.
    pub fn v1() -> &'static Contract {
        &V1
    }

    /// Parses and checks a contract file.
    pub fn parse(text: &str) -> Result<Contract> {
        let bad = |message: String| Error::ContractData {
            what: "v1.toml",
            message,
        };
        let contract: Contract = toml::from_str(text).map_err(|e| bad(e.to_string()))?;
        for table in &contract.tables {
            table.check().map_err(bad)?;
        }
        let mut seen = HashSet::new();
        for table in &contract.tables {
            if !seen.insert(table.name) {
                return Err(bad(format!("table {} listed twice", table.name.as_str())));
            }
        }
        if seen.len() != TableName::ALL.len() {
            return Err(bad("every table must be described".to_owned()));
        }
        Ok(contract)
    }

    /// The description of one table.
    pub fn table(&self, name: TableName) -> &Table {
        self.tables
            .iter()
            .find(|t| t.name == name)
            .expect("Contract::parse checks that every table is present")
    }
}

impl Table {
    /// Position of a column by machine name.
    pub fn index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }

    /// A column by machine name.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    fn check(&self) -> std::result::Result<(), String> {
        let table = self.name.as_str();
        if self.columns.len() > 128 {
            return Err(format!(
                "{table}: at most 128 columns (the engine keeps one bit per column)"
            ));
        }
        let mut names = HashSet::new();
        for column in &self.columns {
            if !names.insert(column.name.as_str()) {
                return Err(format!("{table}: column {} listed twice", column.name));
            }
            let is_choice = matches!(column.ty, ColumnType::Enum | ColumnType::EnumSet);
            if is_choice == column.values.is_empty() {
                return Err(format!(
                    "{table}.{}: values are required exactly for enum columns",
                    column.name
                ));
            }
        }
        let numeric = |name: &str| {
            self.column(name)
                .is_some_and(|c| matches!(c.ty, ColumnType::Int | ColumnType::Decimal))
        };
        let mut referenced: Vec<&str> = self.key.iter().map(String::as_str).collect();
        for rule in &self.sum_rules {
            referenced.push(&rule.total);
            referenced.extend(rule.parts.iter().map(String::as_str));
            if !rule.code.as_str().starts_with("E_SUM_") {
                return Err(format!(
                    "{table}: sum rule code {} must start with E_SUM_",
                    rule.code.as_str()
                ));
            }
        }
        for rule in &self.subset_rules {
            referenced.extend([rule.part.as_str(), rule.whole.as_str()]);
        }
        for rule in &self.flow_rules {
            referenced.extend([rule.end.as_str(), rule.start.as_str()]);
            referenced.extend(rule.plus.iter().chain(&rule.minus).map(String::as_str));
        }
        let key_len = self.key.len();
        for (idx, name) in referenced.iter().enumerate() {
            let exists = if idx < key_len {
                self.column(name).is_some()
            } else {
                numeric(name)
            };
            if !exists {
                return Err(format!(
                    "{table}: rule or key column {name} is not a (numeric) column"
                ));
            }
        }
        Ok(())
    }
}

mod class_serde {
    use riskmap_model::Sensitivity;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(
        class: &Option<Sensitivity>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.serialize_str(class.map_or("none", Sensitivity::as_str))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Sensitivity>, D::Error> {
        let text = String::deserialize(d)?;
        if text == "none" {
            return Ok(None);
        }
        Sensitivity::parse(&text)
            .map(Some)
            .map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every column of domain §6.3, in the order of the document.
    const SECTION_6_3: &[&str] = &[
        "period",
        "period_start",
        "period_end",
        "submitted_at",
        "revision",
        "schema_version",
        "nil_return",
        "pupils_total",
        "pupils_female",
        "pupils_male",
        "pupils_g1_4",
        "pupils_g5_9",
        "pupils_g10_12",
        "class_sets",
        "pupils_orphan_or_no_parental_care",
        "pupils_sen",
        "pupils_disability",
        "pupils_low_income",
        "pupils_boarding",
        "psych_fte_norm",
        "psych_fte_filled",
        "psych_headcount",
        "psych_vacancy_quarters",
        "socped_fte_norm",
        "socped_fte_filled",
        "staff_trained_child_protection",
        "isu_open_start",
        "isu_opened",
        "isu_closed_resolved",
        "isu_closed_other",
        "isu_open_end",
        "isu_open_over_90d",
        "isu_median_days_to_close",
        "isu_reason_bullying",
        "isu_reason_family",
        "isu_reason_truancy",
        "isu_reason_offence",
        "isu_reason_selfharm_risk",
        "isu_reason_substance",
        "isu_reason_other",
        "pupils_on_police_register",
        "viol_total",
        "viol_physical",
        "viol_psychological",
        "viol_neglect",
        "viol_other",
        "viol_sexual",
        "viol_set_school",
        "viol_set_family",
        "viol_set_community",
        "viol_set_online",
        "viol_perp_peer",
        "viol_perp_staff",
        "viol_perp_family",
        "viol_perp_other_adult",
        "viol_perp_unknown",
        "bullying_cases",
        "cyberbullying_cases",
        "viol_reported_police",
        "viol_referred_health",
        "viol_referred_psych_centre",
        "viol_referred_social",
        "suicide_deaths",
        "suicide_attempts",
        "selfharm_episodes",
        "suicidal_risk_identified",
        "suicidal_risk_with_plan",
        "screen_assessed",
        "screen_high_risk",
        "pupils_criminal_offence",
        "pupils_admin_offence",
        "offences_against_pupils",
        "appeals_111_qr",
        "safety_lessons_held",
        "parent_sessions_held",
        "antibullying_programme",
        "completeness_self",
        "notes",
    ];

    #[test]
    fn v1_parses_and_describes_every_table() {
        let contract = Contract::v1();
        assert_eq!(contract.version, "1.0");
        for name in TableName::ALL {
            assert_eq!(contract.table(name).name, name);
        }
    }

    #[test]
    fn every_section_6_3_column_is_in_school_quarter() {
        let table = Contract::v1().table(TableName::SchoolQuarter);
        for name in SECTION_6_3 {
            assert!(
                table.column(name).is_some(),
                "{name} missing from school_quarter"
            );
        }
        let extra: Vec<_> = table
            .columns
            .iter()
            .map(|c| c.name.as_str())
            .filter(|n| !SECTION_6_3.contains(n))
            .collect();
        assert_eq!(
            extra,
            ["nobd_org_id", "kato"],
            "only the key and the school's KATO are added to §6.3"
        );
    }

    #[test]
    fn sum_rules_cover_section_6_5() {
        let table = Contract::v1().table(TableName::SchoolQuarter);
        let codes: Vec<_> = table.sum_rules.iter().map(|r| r.code.as_str()).collect();
        assert_eq!(
            codes,
            [
                "E_SUM_SEX",
                "E_SUM_GRADE",
                "E_SUM_VIOL_TYPE",
                "E_SUM_VIOL_SETTING",
                "E_SUM_VIOL_PERP",
                "E_SUM_ISU_REASON"
            ]
        );
        assert_eq!(table.flow_rules.len(), 1);
        assert_eq!(table.key, ["nobd_org_id", "period", "revision"]);
    }

    #[test]
    fn labels_and_aliases_are_filled_and_unambiguous_within_a_table() {
        for table in &Contract::v1().tables {
            let mut headers = HashSet::new();
            for column in &table.columns {
                let labels = [&column.label.kk, &column.label.ru, &column.label.en];
                assert!(
                    labels.iter().all(|l| !l.trim().is_empty()),
                    "{} has an empty label",
                    column.name
                );
                let mut own = HashSet::new();
                for header in labels
                    .into_iter()
                    .chain(&column.aliases)
                    .chain([&column.name])
                {
                    let key = crate::mapping::normalise_header(header);
                    if own.insert(key.clone()) {
                        assert!(
                            headers.insert(key),
                            "header {header:?} is ambiguous in {}",
                            table.name.as_str()
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn only_contacts_hold_personal_columns() {
        for table in &Contract::v1().tables {
            let personal = table.columns.iter().any(|c| c.personal);
            assert_eq!(personal, table.name == TableName::SchoolContacts);
            assert_eq!(table.restricted, table.name == TableName::SchoolContacts);
        }
    }

    #[test]
    fn refuses_a_rule_on_an_unknown_column() {
        let text = V1_TOML.replace("total = \"viol_total\"", "total = \"viol_totl\"");
        assert!(matches!(
            Contract::parse(&text),
            Err(Error::ContractData { .. })
        ));
    }
}
