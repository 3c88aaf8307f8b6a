//! A few measures of many schools, read fast: the count measures of a record travel packed in
//! one JSON array (`[c1,null,c3,…]`, built by the database's own JSON function in one pass)
//! and only the decimal measures as columns of their own, so that the driver decodes a handful
//! of values per record instead of one per measure (with 30-odd measures the per-value cost of
//! the SQLite driver was most of the read; building the text with `||` cost SQLite five times
//! what `json_array` does). Counts are integers, so their text is exact; decimals stay binary.
//! Each record comes with the time its first revision was submitted (a list's on-time flag),
//! so that its reader needs no second query per quarter.

use futures_util::TryStreamExt;
use riskmap_model::{Measure, MeasureKind, MeasureValues, Period, SchoolId};
use sqlx::Row;
use time::OffsetDateTime;

use crate::aggregates::{SchoolPeriodValues, SchoolScope, records_query, scope_filter};
use crate::error::QueryContext;
use crate::store::with_pool;
use crate::{Backend, Error, Result, Store};

/// A school's current record of a quarter, some measures only, and when it was first sent.
#[derive(Debug, Clone, PartialEq)]
pub struct SchoolPeriodMeasures {
    /// The current revision's values (the measures not asked for left unreported).
    pub record: SchoolPeriodValues,
    /// When the record's first revision was submitted.
    pub first_submitted_at: OffsetDateTime,
}

/// The first revision's submission time of the record `q`: its own for revision 1 (nearly
/// every record), the lowest stored revision's otherwise.
const FIRST_SUBMITTED_AT: &str = "case when q.revision = 1 then q.submitted_at else \
     (select first.submitted_at from school_quarter first where first.school_id = q.school_id \
     and first.period = q.period order by first.revision limit 1) end";

impl Store {
    /// Only `measures` (the others left unreported) of each school in `scope` for the given
    /// quarters, current revisions only, with each record's first submission time, in no
    /// particular order: a reader that needs a few measures of many schools reads a fraction
    /// of the columns and sorts nothing.
    pub async fn school_period_measures_in(
        &self,
        scope: SchoolScope<'_>,
        periods: &[Period],
        measures: &[Measure],
    ) -> Result<Vec<SchoolPeriodMeasures>> {
        if periods.is_empty() {
            return Ok(Vec::new());
        }
        let layout = Layout::of(measures);
        let sqlite = self.backend() == Backend::Sqlite;
        let (filter, filter_value) = scope_filter(scope, periods.len());
        let keys = format!(
            "q.school_id as school_id, q.period as period, {FIRST_SUBMITTED_AT} as first_submitted_at, \
             {} as packed_counts",
            layout.packed_counts(sqlite)
        );
        let sql = records_query(
            &keys,
            "cast(q.{c} as double precision) as {c}",
            &layout.decimals,
            periods.len(),
            &filter,
            "",
        );
        with_pool!(self, pool, DB => {
            // Audited: the text is built only from Measure column names and fixed fragments.
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql.clone()));
            for period in periods {
                query = query.bind(period.to_string());
            }
            if let Some(value) = filter_value {
                query = query.bind(value.as_str().to_owned());
            }
            let mut rows = query.fetch(pool);
            let mut read = Vec::new();
            while let Some(row) = rows.try_next().await.context("read school measures")? {
                read.push(layout.decode(&row)?);
            }
            Ok(read)
        })
    }
}

/// Which measures travel packed (counts) and which as columns (decimals), in the order asked.
struct Layout {
    counts: Vec<Measure>,
    decimals: Vec<Measure>,
}

impl Layout {
    fn of(measures: &[Measure]) -> Self {
        let (counts, decimals) = measures
            .iter()
            .partition(|m| m.kind() == MeasureKind::Count);
        Self { counts, decimals }
    }

    /// The counts as one JSON array: `json_array(q.c1, …)` on SQLite,
    /// `json_build_array(q.c1, …)::text` on PostgreSQL (`[]` without counts).
    fn packed_counts(&self, sqlite: bool) -> String {
        let columns = self
            .counts
            .iter()
            .map(|m| format!("q.{}", m.column()))
            .collect::<Vec<_>>()
            .join(", ");
        if sqlite {
            format!("json_array({columns})")
        } else {
            format!("json_build_array({columns})::text")
        }
    }

    fn decode<R>(&self, row: &R) -> Result<SchoolPeriodMeasures>
    where
        R: Row,
        usize: sqlx::ColumnIndex<R>,
        String: for<'r> sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
        OffsetDateTime: for<'r> sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
        Option<f64>: for<'r> sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    {
        let corrupt = |message: String| Error::Corrupt { message };
        let school: String = row.try_get(0).context("decode school measures")?;
        let period: String = row.try_get(1).context("decode school measures")?;
        let first_submitted_at: OffsetDateTime =
            row.try_get(2).context("decode school measures")?;
        let packed: String = row.try_get(3).context("decode school measures")?;
        let mut values = MeasureValues::empty();
        let inner = packed
            .strip_prefix('[')
            .and_then(|rest| rest.strip_suffix(']'))
            .ok_or_else(|| corrupt(format!("packed counts {packed:?}: not an array")))?;
        let mut fields = inner
            .split(',')
            .map(str::trim)
            .filter(|_| !inner.is_empty());
        for measure in &self.counts {
            let field = fields
                .next()
                .ok_or_else(|| corrupt(format!("packed counts {packed:?}: too few fields")))?;
            let value = (field != "null")
                .then(|| field.parse::<f64>())
                .transpose()
                .map_err(|e| corrupt(format!("{}: {field:?}: {e}", measure.column())))?;
            values.set(*measure, value);
        }
        if fields.next().is_some() {
            return Err(corrupt(format!(
                "packed counts {packed:?}: too many fields"
            )));
        }
        for (i, measure) in self.decimals.iter().enumerate() {
            let value: Option<f64> = row.try_get(4 + i).context("decode school measures")?;
            values.set(*measure, value);
        }
        Ok(SchoolPeriodMeasures {
            record: SchoolPeriodValues {
                school: SchoolId::parse(&school).map_err(|e| corrupt(e.to_string()))?,
                period: Period::parse(&period).map_err(|e| corrupt(e.to_string()))?,
                values,
            },
            first_submitted_at,
        })
    }
}
