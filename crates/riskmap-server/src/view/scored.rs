//! A priority list after scoring and before disclosure, reduced to what the disclosed rows
//! read (`priority.rs`): each listed school's rank, id, district, the scores and triggers, and
//! the exact numbers the `Discloser` turns into the reader's view. Kept per data version in the
//! `scored` cache (shared by readers who see the same schools and the same forecast scope) and
//! saved with the warm snapshot (`snapshot.rs`), so it is plain data with a stable encoding.

use riskmap_model::{Kato, Period};
use riskmap_score::priority::triggers::Trigger;
use riskmap_score::priority::{HotspotRow, PriorityList};
use serde::{Deserialize, Serialize};

/// One scored list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoredList {
    /// The quarter.
    #[serde(with = "as_text")]
    pub period: Period,
    /// Methodology version.
    pub model_version: String,
    /// Listed schools, in priority order.
    pub rows: Vec<ScoredRow>,
}

/// One school of a scored list, with its numbers exact (not yet disclosed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoredRow {
    /// 1-based position.
    pub rank: usize,
    /// NOBD school id.
    pub school: String,
    /// The school's district.
    #[serde(with = "as_text")]
    pub district: Kato,
    /// Pupils.
    pub pupils: Option<f64>,
    /// Composite 0–10.
    pub composite: Option<f64>,
    /// Quintile of the composite within the listed schools.
    pub quintile_region: Option<u8>,
    /// P(S1 rate > the national rate).
    pub p_exceed: Option<f64>,
    /// Fired triggers, in trigger order.
    pub triggers: Vec<Trigger>,
    /// Codes of the top drivers.
    pub drivers: Vec<String>,
    /// Violence cases in the quarter.
    pub viol_total: Option<f64>,
    /// Bullying cases in the quarter.
    pub bullying: Option<f64>,
    /// Suicides, attempts and self-harm episodes in the quarter.
    pub s2_events: f64,
    /// Psychologist posts missing (`None`: no staffing data).
    pub psych_gap_fte: Option<f64>,
    /// The quarter of the data.
    #[serde(with = "as_text")]
    pub data_quarter: Period,
}

impl ScoredList {
    /// The part of `list` the disclosed rows read.
    pub fn of(list: &PriorityList) -> Self {
        Self {
            period: list.period,
            model_version: list.model_version.clone(),
            rows: list.rows.iter().map(ScoredRow::of).collect(),
        }
    }
}

impl ScoredRow {
    fn of(row: &HotspotRow) -> Self {
        let s2 = row.harm.s2.reveal();
        let s2_events = [s2.suicide_deaths, s2.suicide_attempts, s2.selfharm_episodes]
            .iter()
            .flatten()
            .sum::<f64>();
        Self {
            rank: row.rank,
            school: row.identity.nobd_org_id.as_str().to_owned(),
            district: row.place.place.district,
            pupils: row.size.pupils,
            composite: row.risk.composite,
            quintile_region: row.risk.quintile_region,
            p_exceed: row.risk.p_exceed,
            triggers: row.why.triggers.iter().map(|t| t.trigger).collect(),
            drivers: row.why.drivers.iter().map(|d| d.code.clone()).collect(),
            viol_total: row.harm.s1.viol_total,
            bullying: row.harm.s1.bullying,
            s2_events,
            psych_gap_fte: row.capacity.staffing.psych.as_ref().map(|g| g.gap_fte),
            data_quarter: row.metadata.data_quarter,
        }
    }
}

/// Codes (KATO, quarters) encoded as their text and checked when read back.
mod as_text {
    use std::fmt::Display;
    use std::str::FromStr;

    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<T: Display, S: Serializer>(
        value: &T,
        out: S,
    ) -> Result<S::Ok, S::Error> {
        out.collect_str(value)
    }

    pub(super) fn deserialize<'de, T, D>(input: D) -> Result<T, D::Error>
    where
        T: FromStr,
        T::Err: Display,
        D: Deserializer<'de>,
    {
        let text = String::deserialize(input)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}
