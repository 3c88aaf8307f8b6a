//! A few measures of many schools, read fast: the count measures of a record travel packed in
//! one text column (`c1|c2|…`, empty = not reported) and only the decimal measures as columns
//! of their own, so that the driver decodes a handful of values per record instead of one per
//! measure (with 30-odd measures the per-value cost of the SQLite driver, not SQLite, was most
//! of the read). Counts are integers, so their text is exact; decimals stay binary.

use futures_util::TryStreamExt;
use riskmap_model::{Measure, MeasureKind, MeasureValues, Period, SchoolId};
use sqlx::Row;

use crate::aggregates::{SchoolPeriodValues, SchoolScope, records_query, scope_filter};
use crate::error::QueryContext;
use crate::store::with_pool;
use crate::{Error, Result, Store};

impl Store {
    /// Only `measures` (the others left unreported) of each school in `scope` for the given
    /// quarters, current revisions only, in no particular order: a reader that needs a few
    /// measures of many schools reads a fraction of the columns and sorts nothing.
    pub async fn school_period_measures_in(
        &self,
        scope: SchoolScope<'_>,
        periods: &[Period],
        measures: &[Measure],
    ) -> Result<Vec<SchoolPeriodValues>> {
        if periods.is_empty() {
            return Ok(Vec::new());
        }
        let layout = Layout::of(measures);
        let (filter, filter_value) = scope_filter(scope, periods.len());
        let keys = format!(
            "q.school_id as school_id, q.period as period, {} as packed_counts",
            layout.packed_counts()
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

    /// `coalesce(cast(q.c1 as text), '') || '|' || …`, or `''` without counts.
    fn packed_counts(&self) -> String {
        if self.counts.is_empty() {
            return "''".to_owned();
        }
        self.counts
            .iter()
            .map(|m| format!("coalesce(cast(q.{} as text), '')", m.column()))
            .collect::<Vec<_>>()
            .join(" || '|' || ")
    }

    fn decode<R>(&self, row: &R) -> Result<SchoolPeriodValues>
    where
        R: Row,
        usize: sqlx::ColumnIndex<R>,
        String: for<'r> sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
        Option<f64>: for<'r> sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    {
        let corrupt = |message: String| Error::Corrupt { message };
        let school: String = row.try_get(0).context("decode school measures")?;
        let period: String = row.try_get(1).context("decode school measures")?;
        let packed: String = row.try_get(2).context("decode school measures")?;
        let mut values = MeasureValues::empty();
        let mut fields = packed.split('|');
        for measure in &self.counts {
            let field = fields.next().unwrap_or_default();
            let value = (!field.is_empty())
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
            let value: Option<f64> = row.try_get(3 + i).context("decode school measures")?;
            values.set(*measure, value);
        }
        Ok(SchoolPeriodValues {
            school: SchoolId::parse(&school).map_err(|e| corrupt(e.to_string()))?,
            period: Period::parse(&period).map_err(|e| corrupt(e.to_string()))?,
            values,
        })
    }
}
