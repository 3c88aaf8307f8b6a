//! Sums of school × quarter facts by district or region and quarter, over the current
//! revision of each (school, quarter).

use futures_util::TryStreamExt;
use riskmap_model::{AdminLevel, Kato, Measure, MeasureValues, Period, SchoolId};
use sqlx::Row;

use crate::error::QueryContext;
use crate::store::with_pool;
use crate::{Error, Result, Store};

/// The summed measures of one unit in one quarter.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitPeriodSums {
    /// District or region code.
    pub unit: Kato,
    /// Quarter.
    pub period: Period,
    /// Number of school records summed (schools that reported).
    pub records: u64,
    /// Sum of each measure over the records that reported it (`None`: nobody did).
    pub sums: MeasureValues,
}

/// The summed measures of the schools of one district in one quarter, with the region the
/// schools are stored under: the finest partition, from which every level's sums add up.
#[derive(Debug, Clone, PartialEq)]
pub struct PartitionPeriodSums {
    /// The schools' region.
    pub region: Kato,
    /// The schools' district.
    pub district: Kato,
    /// Quarter.
    pub period: Period,
    /// Number of school records summed.
    pub records: u64,
    /// Sum of each measure over the records that reported it (`None`: nobody did).
    pub sums: MeasureValues,
}

/// Which schools to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchoolScope<'a> {
    /// Every school.
    All,
    /// The schools of one region.
    Region(&'a Kato),
    /// The schools of one district.
    District(&'a Kato),
}

/// The measures of one school in one quarter (current revision).
#[derive(Debug, Clone, PartialEq)]
pub struct SchoolPeriodValues {
    /// The school.
    pub school: SchoolId,
    /// Quarter.
    pub period: Period,
    /// Values as reported.
    pub values: MeasureValues,
}

impl Store {
    /// The quarters that have records, oldest first.
    pub async fn periods(&self) -> Result<Vec<Period>> {
        let texts: Vec<String> = with_pool!(self, pool, DB => {
            sqlx::query_scalar("select distinct period from school_quarter order by period").fetch_all(pool).await
        })
        .context("list periods")?;
        texts
            .iter()
            .map(|t| {
                Period::parse(t).map_err(|e| Error::Corrupt {
                    message: e.to_string(),
                })
            })
            .collect()
    }

    /// Sums every measure by unit (district or region) and quarter for the given quarters.
    /// Only the latest revision of each (school, quarter) counts.
    pub async fn unit_period_sums(
        &self,
        level: AdminLevel,
        periods: &[Period],
    ) -> Result<Vec<UnitPeriodSums>> {
        if periods.is_empty() {
            return Ok(Vec::new());
        }
        let unit_column = match level {
            AdminLevel::District => "s.district_kato",
            AdminLevel::Region => "s.region_kato",
            AdminLevel::Country => "'000000000'",
            AdminLevel::School => "s.school_id",
        };
        let sql = current_records_query(
            &format!("{unit_column} as unit, q.period as period, count(*) as records"),
            "cast(sum(q.{c}) as double precision) as {c}",
            periods.len(),
            "",
            " group by 1, 2 order by 1, 2",
        );
        with_pool!(self, pool, DB => {
            // Audited: the text is built only from Measure column names and fixed fragments.
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql.clone()));
            for period in periods {
                query = query.bind(period.to_string());
            }
            query
                .fetch_all(pool)
                .await
                .context("sum records by unit")?
                .into_iter()
                .map(|row| -> Result<UnitPeriodSums> {
                    let unit: String = row.try_get("unit").context("decode sums")?;
                    let period: String = row.try_get("period").context("decode sums")?;
                    let records: i64 = row.try_get("records").context("decode sums")?;
                    let mut sums = MeasureValues::empty();
                    for measure in Measure::ALL {
                        sums.set(*measure, row.try_get::<Option<f64>, _>(measure.column()).context("decode sums")?);
                    }
                    Ok(UnitPeriodSums {
                        unit: Kato::parse(&unit).map_err(|e| Error::Corrupt { message: e.to_string() })?,
                        period: Period::parse(&period).map_err(|e| Error::Corrupt { message: e.to_string() })?,
                        records: u64::try_from(records).unwrap_or(0),
                        sums,
                    })
                })
                .collect()
        })
    }

    /// Every measure summed by (region, district, quarter) over the current revisions: the
    /// partition every level's sums add up from, ordered by region, district and quarter. One
    /// query per quarter ([`partition_query`]); columns are decoded by position (two keys, the
    /// count, then `Measure::ALL` in order).
    pub async fn partition_period_sums(
        &self,
        periods: &[Period],
    ) -> Result<Vec<PartitionPeriodSums>> {
        let mut partition = Vec::new();
        for period in periods {
            partition.extend(self.partition_sums_of(*period).await?);
        }
        partition.sort_by(|a, b| {
            (a.region.as_str(), a.district.as_str(), a.period).cmp(&(
                b.region.as_str(),
                b.district.as_str(),
                b.period,
            ))
        });
        Ok(partition)
    }

    async fn partition_sums_of(&self, period: Period) -> Result<Vec<PartitionPeriodSums>> {
        let sql = partition_query();
        let corrupt = |e: riskmap_model::Error| Error::Corrupt {
            message: e.to_string(),
        };
        with_pool!(self, pool, DB => {
            // Audited: the text is built only from Measure column names and fixed fragments.
            sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
                .bind(period.to_string())
                .fetch_all(pool)
                .await
                .context("sum records by district")?
                .into_iter()
                .map(|row| -> Result<PartitionPeriodSums> {
                    let region: String = row.try_get(0).context("decode sums")?;
                    let district: String = row.try_get(1).context("decode sums")?;
                    let records: i64 = row.try_get(2).context("decode sums")?;
                    let mut sums = MeasureValues::empty();
                    for (i, measure) in Measure::ALL.iter().enumerate() {
                        sums.set(*measure, row.try_get::<Option<f64>, _>(3 + i).context("decode sums")?);
                    }
                    Ok(PartitionPeriodSums {
                        region: Kato::parse(&region).map_err(corrupt)?,
                        district: Kato::parse(&district).map_err(corrupt)?,
                        period,
                        records: u64::try_from(records).unwrap_or(0),
                        sums,
                    })
                })
                .collect()
        })
    }

    /// Every measure of each school of `district` (or of every school when `None`) for the
    /// given quarters, current revisions only, ordered by school and quarter.
    pub async fn school_period_values(
        &self,
        district: Option<&Kato>,
        periods: &[Period],
    ) -> Result<Vec<SchoolPeriodValues>> {
        let scope = match district {
            Some(district) => SchoolScope::District(district),
            None => SchoolScope::All,
        };
        self.school_period_values_in(scope, periods).await
    }

    /// Every measure of each school in `scope` for the given quarters, current revisions
    /// only, ordered by school and quarter.
    pub async fn school_period_values_in(
        &self,
        scope: SchoolScope<'_>,
        periods: &[Period],
    ) -> Result<Vec<SchoolPeriodValues>> {
        self.read_school_values(scope, periods, Measure::ALL, " order by 1, 2")
            .await
    }

    async fn read_school_values(
        &self,
        scope: SchoolScope<'_>,
        periods: &[Period],
        measures: &[Measure],
        order: &str,
    ) -> Result<Vec<SchoolPeriodValues>> {
        if periods.is_empty() {
            return Ok(Vec::new());
        }
        let (district_filter, filter_value) = scope_filter(scope, periods.len());
        let sql = records_query(
            "q.school_id as school_id, q.period as period",
            "cast(q.{c} as double precision) as {c}",
            measures,
            periods.len(),
            &district_filter,
            order,
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
            // Row by row: the driver's copy of a row lives only while it is decoded.
            let mut rows = query.fetch(pool);
            let mut read = Vec::new();
            while let Some(row) = rows.try_next().await.context("read school values")? {
                read.push(school_values(&row, measures)?);
            }
            Ok(read)
        })
    }

    /// Number of schools per unit (district or region), for reporting coverage.
    pub async fn schools_per_unit(&self, level: AdminLevel) -> Result<Vec<(Kato, u64)>> {
        let column = match level {
            AdminLevel::Region => "region_kato",
            _ => "district_kato",
        };
        let sql = format!(
            "select {column} as unit, count(*) as schools from school group by 1 order by 1"
        );
        let rows: Vec<(String, i64)> = with_pool!(self, pool, DB => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).fetch_all(pool).await
        })
        .context("count schools per unit")?;
        rows.into_iter()
            .map(|(unit, n)| {
                Ok((
                    Kato::parse(&unit).map_err(|e| Error::Corrupt {
                        message: e.to_string(),
                    })?,
                    u64::try_from(n).unwrap_or(0),
                ))
            })
            .collect()
    }
}

/// One school's quarter from a row of `school_period_values_in`'s query, by position: the
/// school, the quarter, then `Measure::ALL` in order.
fn school_values<R>(row: &R, measures: &[Measure]) -> Result<SchoolPeriodValues>
where
    R: Row,
    usize: sqlx::ColumnIndex<R>,
    String: for<'r> sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    Option<f64>: for<'r> sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let corrupt = |e: riskmap_model::Error| Error::Corrupt {
        message: e.to_string(),
    };
    let school: String = row.try_get(0).context("decode school values")?;
    let period: String = row.try_get(1).context("decode school values")?;
    let mut values = MeasureValues::empty();
    for (i, measure) in measures.iter().enumerate() {
        let value: Option<f64> = row.try_get(2 + i).context("decode school values")?;
        values.set(*measure, value);
    }
    Ok(SchoolPeriodValues {
        school: SchoolId::parse(&school).map_err(corrupt)?,
        period: Period::parse(&period).map_err(corrupt)?,
        values,
    })
}

/// `select <keys>, <one expression per measure> from the current revision of every school ×
/// quarter record in $1..$n_periods <extra filter> <tail>`. `per_measure` names the column
/// `{c}`. The text is built only from fixed fragments and `Measure` column names.
fn current_records_query(
    keys: &str,
    per_measure: &str,
    n_periods: usize,
    filter: &str,
    tail: &str,
) -> String {
    records_query(keys, per_measure, Measure::ALL, n_periods, filter, tail)
}

/// Every measure summed by region and district over the current records of the quarter `$1`.
/// The schools drive the scan (`cross join` keeps them the outer loop on SQLite) in the order
/// of the index `school_region_district` (schema v11), each school's record of the quarter is
/// found by the primary key, and the groups arrive in index order: SQLite sums them as they
/// come instead of sorting every record by its group first (the quarter is not a group key,
/// so the order is the index's). PostgreSQL plans the join and the grouping as it likes.
fn partition_query() -> String {
    let mut sql = "select s.region_kato as region, s.district_kato as district, \
                   count(*) as records"
        .to_owned();
    for measure in Measure::ALL {
        let c = measure.column();
        sql.push_str(&format!(", cast(sum(q.{c}) as double precision) as {c}"));
    }
    sql.push_str(
        " from school s cross join school_quarter q \
         where q.school_id = s.school_id and q.period = $1",
    );
    sql.push_str(crate::current_revision::CURRENT_ONLY);
    sql.push_str(
        " group by s.region_kato, s.district_kato order by s.region_kato, s.district_kato",
    );
    sql
}

/// The ` and <school column> = $<n_periods + 1>` filter of `scope` and the value it binds.
pub(crate) fn scope_filter(scope: SchoolScope<'_>, n_periods: usize) -> (String, Option<&Kato>) {
    let (column, value) = match scope {
        SchoolScope::All => return (String::new(), None),
        SchoolScope::Region(region) => ("s.region_kato", region),
        SchoolScope::District(district) => ("s.district_kato", district),
    };
    (format!(" and {column} = ${}", n_periods + 1), Some(value))
}

/// [`current_records_query`] with one expression per measure of `measures` only. With a
/// `filter` on the schools (a region's or a district's), the schools drive the scan (`cross
/// join` keeps them the outer loop on SQLite), each record found by the primary key: with one
/// quarter asked, SQLite otherwise walked every record of the quarter in the country by the
/// `period` index and dropped those outside the scope. Without one, the records of the quarters
/// are walked by that index, in the order they were stored (twice as fast for every school).
pub(crate) fn records_query(
    keys: &str,
    per_measure: &str,
    measures: &[Measure],
    n_periods: usize,
    filter: &str,
    tail: &str,
) -> String {
    let mut sql = format!("select {keys}");
    for measure in measures {
        sql.push_str(", ");
        sql.push_str(&per_measure.replace("{c}", measure.column()));
    }
    let placeholders: Vec<String> = (1..=n_periods).map(|i| format!("${i}")).collect();
    let from = if filter.is_empty() {
        "school_quarter q join school s on s.school_id = q.school_id where"
    } else {
        "school s cross join school_quarter q where q.school_id = s.school_id and"
    };
    sql.push_str(&format!(
        " from {from} q.period in ({})",
        placeholders.join(", ")
    ));
    sql.push_str(filter);
    sql.push_str(crate::current_revision::CURRENT_ONLY);
    sql.push_str(tail);
    sql
}
