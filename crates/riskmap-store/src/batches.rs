//! Writing a batch (one file, or one demo data set) of schools and records in one
//! transaction, and reading them back.

use riskmap_model::{
    Kato, Measure, MeasureKind, MeasureValues, Period, School, SchoolId, SchoolQuarterRecord,
    Settlement,
};
use sqlx::{QueryBuilder, Row};
use time::OffsetDateTime;

use crate::error::QueryContext;
use crate::store::with_pool;
use crate::{Error, Result, Store};

/// What is being stored.
#[derive(Debug, Clone)]
pub struct NewBatch {
    /// File name or generator description.
    pub source: String,
    /// `demo`, `school_quarter`, …
    pub kind: String,
    /// SHA-256 of the content, hex; a second batch with the same hash is not stored again.
    pub content_sha256: String,
    /// True for generated demo data.
    pub synthetic: bool,
}

/// The result of [`Store::import_batch`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BatchOutcome {
    /// Stored under this batch id.
    Stored {
        /// The new batch id.
        batch_id: i64,
    },
    /// A batch with the same content hash was stored before; nothing changed.
    AlreadyStored {
        /// The earlier batch id.
        batch_id: i64,
    },
}

/// Parameters per multi-row insert: below both SQLite's (32,766)
/// and PostgreSQL's (65,535) limits whatever the number of columns.
const MAX_PARAMETERS: usize = 30_000;

/// Columns of a `school_quarter` row besides the measures.
const RECORD_FIXED_COLUMNS: usize = 10;

impl Store {
    /// Stores a batch of schools (inserted or updated) and records in one transaction.
    /// Either everything is stored or nothing is.
    pub async fn import_batch(
        &self,
        batch: &NewBatch,
        schools: &[School],
        records: &[SchoolQuarterRecord],
    ) -> Result<BatchOutcome> {
        let row_count = i64::try_from(schools.len() + records.len()).unwrap_or(i64::MAX);
        with_pool!(self, pool, DB => {
            let mut tx = pool.begin().await.context("begin batch")?;
            let existing: Option<i64> = sqlx::query_scalar("select batch_id from ingest_batch where content_sha256 = $1")
                .bind(&batch.content_sha256)
                .fetch_optional(&mut *tx)
                .await
                .context("look up batch hash")?;
            if let Some(batch_id) = existing {
                return Ok(BatchOutcome::AlreadyStored { batch_id });
            }
            let batch_id: i64 = sqlx::query_scalar(
                "insert into ingest_batch (source, kind, content_sha256, synthetic, row_count, created_at) \
                 values ($1, $2, $3, $4, $5, $6) returning batch_id",
            )
            .bind(&batch.source)
            .bind(&batch.kind)
            .bind(&batch.content_sha256)
            .bind(batch.synthetic)
            .bind(row_count)
            .bind(OffsetDateTime::now_utc())
            .fetch_one(&mut *tx)
            .await
            .context("insert batch")?;
            for chunk in schools.chunks(MAX_PARAMETERS / 10) {
                let mut query = QueryBuilder::<DB>::new(
                    "insert into school (school_id, name_kk, name_ru, district_kato, region_kato, lon, lat, settlement_type, synthetic, batch_id) ",
                );
                query.push_values(chunk, |mut row, school| {
                    row.push_bind(school.id.as_str().to_owned())
                        .push_bind(school.name_kk.clone())
                        .push_bind(school.name_ru.clone())
                        .push_bind(school.district.as_str().to_owned())
                        .push_bind(school.region.as_str().to_owned())
                        .push_bind(school.location.map(|l| l.0))
                        .push_bind(school.location.map(|l| l.1))
                        .push_bind(school.settlement.as_str())
                        .push_bind(batch.synthetic)
                        .push_bind(batch_id);
                });
                query.push(
                    " on conflict (school_id) do update set name_kk = excluded.name_kk, name_ru = excluded.name_ru, \
                     district_kato = excluded.district_kato, region_kato = excluded.region_kato, lon = excluded.lon, \
                     lat = excluded.lat, settlement_type = excluded.settlement_type, synthetic = excluded.synthetic, \
                     batch_id = excluded.batch_id",
                );
                query.build().execute(&mut *tx).await.context("insert schools")?;
            }
            for chunk in records.chunks(MAX_PARAMETERS / (RECORD_FIXED_COLUMNS + Measure::ALL.len())) {
                let mut query = QueryBuilder::<DB>::new("insert into school_quarter (school_id, period, revision, submitted_at, synthetic, batch_id, nil_return, antibullying_programme, schema_version, notes");
                for measure in Measure::ALL {
                    query.push(", ").push(measure.column());
                }
                query.push(") ");
                query.push_values(chunk, |mut row, record| {
                    row.push_bind(record.school.as_str().to_owned())
                        .push_bind(record.period.to_string())
                        .push_bind(i64::from(record.revision))
                        .push_bind(record.submitted_at)
                        .push_bind(batch.synthetic)
                        .push_bind(batch_id)
                        .push_bind(record.nil_return)
                        .push_bind(record.antibullying_programme)
                        .push_bind(record.schema_version.clone())
                        .push_bind(record.notes.clone());
                    for measure in Measure::ALL {
                        let value = record.values.get(*measure);
                        match measure.kind() {
                            #[allow(clippy::cast_possible_truncation, reason = "counts are validated whole numbers")]
                            MeasureKind::Count => row.push_bind(value.map(|v| v.round() as i64)),
                            MeasureKind::Decimal => row.push_bind(value),
                        };
                    }
                });
                query.build().execute(&mut *tx).await.context("insert school-quarter records")?;
            }
            let version: i64 = sqlx::query_scalar::<DB, i64>(crate::data_version::BUMP)
                .fetch_one(&mut *tx)
                .await
                .context("raise data version")?;
            if self.backend() == crate::Backend::Postgres {
                sqlx::query::<DB>("select pg_notify($1, $2)")
                    .bind(crate::data_version::CHANNEL)
                    .bind(version.to_string())
                    .execute(&mut *tx)
                    .await
                    .context("notify data version")?;
            }
            tx.commit().await.context("commit batch")?;
            self.version.raise(version);
            Ok(BatchOutcome::Stored { batch_id })
        })
    }

    /// All stored schools, ordered by id.
    pub async fn schools(&self) -> Result<Vec<School>> {
        let rows = with_pool!(self, pool, DB => {
            sqlx::query("select school_id, name_kk, name_ru, district_kato, region_kato, lon, lat, settlement_type from school order by school_id")
                .fetch_all(pool)
                .await
                .context("read schools")?
                .into_iter()
                .map(|row| -> Result<School> {
                    let lon: Option<f64> = row.try_get("lon").context("decode school")?;
                    let lat: Option<f64> = row.try_get("lat").context("decode school")?;
                    Ok(School {
                        id: SchoolId::parse(&row.try_get::<String, _>("school_id").context("decode school")?).map_err(corrupt)?,
                        name_kk: row.try_get("name_kk").context("decode school")?,
                        name_ru: row.try_get("name_ru").context("decode school")?,
                        district: Kato::parse(&row.try_get::<String, _>("district_kato").context("decode school")?).map_err(corrupt)?,
                        region: Kato::parse(&row.try_get::<String, _>("region_kato").context("decode school")?).map_err(corrupt)?,
                        location: lon.zip(lat),
                        settlement: Settlement::parse(&row.try_get::<String, _>("settlement_type").context("decode school")?).map_err(corrupt)?,
                    })
                })
                .collect::<Result<Vec<_>>>()
        })?;
        Ok(rows)
    }

    /// All stored records (every revision), ordered by school, period and revision.
    pub async fn records(&self) -> Result<Vec<SchoolQuarterRecord>> {
        let mut sql = String::from(
            "select school_id, period, revision, submitted_at, nil_return, antibullying_programme, schema_version, notes",
        );
        for measure in Measure::ALL {
            sql.push_str(", ");
            sql.push_str(measure.column());
        }
        sql.push_str(" from school_quarter order by school_id, period, revision");
        with_pool!(self, pool, DB => {
            // Audited: the text is built only from Measure column names.
            sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
                .fetch_all(pool)
                .await
                .context("read records")?
                .into_iter()
                .map(|row| -> Result<SchoolQuarterRecord> {
                    let mut values = MeasureValues::empty();
                    for measure in Measure::ALL {
                        #[allow(clippy::cast_precision_loss, reason = "counts fit f64 exactly")]
                        let value = match measure.kind() {
                            MeasureKind::Count => row.try_get::<Option<i64>, _>(measure.column()).context("decode record")?.map(|v| v as f64),
                            MeasureKind::Decimal => row.try_get::<Option<f64>, _>(measure.column()).context("decode record")?,
                        };
                        values.set(*measure, value);
                    }
                    let revision: i64 = row.try_get("revision").context("decode record")?;
                    Ok(SchoolQuarterRecord {
                        school: SchoolId::parse(&row.try_get::<String, _>("school_id").context("decode record")?).map_err(corrupt)?,
                        period: Period::parse(&row.try_get::<String, _>("period").context("decode record")?).map_err(corrupt)?,
                        revision: u32::try_from(revision).map_err(|_| Error::Corrupt { message: format!("revision {revision}") })?,
                        submitted_at: row.try_get("submitted_at").context("decode record")?,
                        values,
                        nil_return: row.try_get("nil_return").context("decode record")?,
                        antibullying_programme: row.try_get("antibullying_programme").context("decode record")?,
                        schema_version: row.try_get("schema_version").context("decode record")?,
                        notes: row.try_get("notes").context("decode record")?,
                    })
                })
                .collect()
        })
    }
}

fn corrupt(error: riskmap_model::Error) -> Error {
    Error::Corrupt {
        message: error.to_string(),
    }
}
