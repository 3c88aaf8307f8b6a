//! What an ingest needs to know from the store before and while it checks a file (the ids of
//! stored schools; per quarter, each school's current revision and register stock), and what
//! the command line and tests read back after it (row counts, quarantine, legal statistics,
//! batch reports).

use futures_util::TryStreamExt;
use riskmap_model::{Kato, Period};
use sqlx::Row;

use crate::error::QueryContext;
use crate::ingest_items::{LegalStat, QuarantinedRow};
use crate::store::with_pool;
use crate::{Error, Result, Store};

/// The current revision of one school's record in one quarter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrentRevision {
    /// `nobd_org_id`.
    pub school: String,
    /// The highest stored revision.
    pub revision: u32,
    /// Its `isu_open_end`, when reported.
    pub isu_open_end: Option<i64>,
}

/// Rows per table, for summaries and for checking that a refused file changed nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RowCounts {
    /// `ingest_batch`.
    pub batches: u64,
    /// `school`.
    pub schools: u64,
    /// `school_quarter` (every revision).
    pub records: u64,
    /// `school_contact`.
    pub contacts: u64,
    /// `legal_stat`.
    pub legal_stats: u64,
    /// `quarantine`.
    pub quarantined: u64,
}

impl Store {
    /// Calls `each` with the id of every stored school, row by row (nothing is collected).
    pub async fn each_school_id(&self, mut each: impl FnMut(&str) + Send) -> Result<()> {
        with_pool!(self, pool, DB => {
            let mut rows = sqlx::query("select school_id from school").fetch(pool);
            while let Some(row) = rows.try_next().await.context("list school ids")? {
                each(row.try_get::<&str, _>(0).context("decode school id")?);
            }
            Ok(())
        })
    }

    /// Each school's current (highest) revision in `period` and its `isu_open_end`.
    pub async fn current_revisions(&self, period: Period) -> Result<Vec<CurrentRevision>> {
        let mut read = Vec::new();
        self.each_current_revision(period, |school, revision, isu_open_end| {
            read.push(CurrentRevision {
                school: school.to_owned(),
                revision,
                isu_open_end,
            });
        })
        .await?;
        Ok(read)
    }

    /// Calls `each` with every school's current revision in `period` and its `isu_open_end`,
    /// row by row (nothing is collected: a quarter of a large country is read in flat memory).
    pub async fn each_current_revision(
        &self,
        period: Period,
        mut each: impl FnMut(&str, u32, Option<i64>) + Send,
    ) -> Result<()> {
        with_pool!(self, pool, DB => {
            // Audited: the text is fixed.
            let sql = format!(
                "select q.school_id, q.revision, q.isu_open_end from school_quarter q where q.period = $1{}",
                crate::current_revision::CURRENT_ONLY
            );
            let mut rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(period.to_string())
                .fetch(pool);
            while let Some(row) = rows.try_next().await.context("read current revisions")? {
                let revision: i64 = row.try_get(1).context("decode revision")?;
                let revision = u32::try_from(revision).map_err(|_| Error::Corrupt {
                    message: format!("revision {revision}"),
                })?;
                each(
                    row.try_get::<&str, _>(0).context("decode revision")?,
                    revision,
                    row.try_get(2).context("decode revision")?,
                );
            }
            Ok(())
        })
    }

    /// Rows per ingest table.
    pub async fn row_counts(&self) -> Result<RowCounts> {
        let count = |n: i64| u64::try_from(n).unwrap_or(0);
        let row: (i64, i64, i64, i64, i64, i64) = with_pool!(self, pool, DB => {
            sqlx::query_as(
                "select (select count(*) from ingest_batch), (select count(*) from school), \
                 (select count(*) from school_quarter), (select count(*) from school_contact), \
                 (select count(*) from legal_stat), (select count(*) from quarantine)",
            )
            .fetch_one(pool)
            .await
        })
        .context("count rows")?;
        Ok(RowCounts {
            batches: count(row.0),
            schools: count(row.1),
            records: count(row.2),
            contacts: count(row.3),
            legal_stats: count(row.4),
            quarantined: count(row.5),
        })
    }

    /// Every stored legal-statistics count, ordered by unit, period and measure, with the
    /// source file name of each.
    pub async fn legal_stats(&self) -> Result<Vec<(LegalStat, String)>> {
        let rows: Vec<(String, String, String, i64, String)> = with_pool!(self, pool, DB => {
            sqlx::query_as("select unit_kato, period, measure, value, source from legal_stat order by unit_kato, period, measure")
                .fetch_all(pool)
                .await
        })
        .context("read legal statistics")?;
        rows.into_iter()
            .map(|(unit, period, measure, value, source)| {
                let unit = Kato::parse(&unit).map_err(|e| Error::Corrupt {
                    message: e.to_string(),
                })?;
                Ok((
                    LegalStat {
                        unit,
                        period,
                        measure,
                        value,
                    },
                    source,
                ))
            })
            .collect()
    }

    /// Every quarantined row, ordered by batch, table and row.
    pub async fn quarantined(&self) -> Result<Vec<QuarantinedRow>> {
        let rows: Vec<(String, Option<String>, i64, String, String)> =
            with_pool!(self, pool, DB => {
                sqlx::query_as(
                    "select table_name, sheet, row_number, row_json, findings_json from quarantine \
                     order by batch_id, table_name, row_number",
                )
                .fetch_all(pool)
                .await
            })
            .context("read quarantine")?;
        Ok(rows
            .into_iter()
            .map(
                |(table, sheet, row, row_json, findings_json)| QuarantinedRow {
                    table,
                    sheet,
                    row: u64::try_from(row).unwrap_or(0),
                    row_json,
                    findings_json,
                },
            )
            .collect())
    }

    /// The report stored with a batch.
    pub async fn batch_report(&self, batch_id: i64) -> Result<Option<String>> {
        let report: Option<Option<String>> = with_pool!(self, pool, DB => {
            sqlx::query_scalar("select report_json from ingest_batch where batch_id = $1").bind(batch_id).fetch_optional(pool).await
        })
        .context("read batch report")?;
        Ok(report.flatten())
    }
}
