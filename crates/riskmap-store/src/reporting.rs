//! Submission status of every school for one quarter: when its first revision arrived, if it
//! did (the reporting monitor of the API).

use riskmap_model::{Kato, Period, SchoolId};
use sqlx::Row;
use time::OffsetDateTime;

use crate::error::QueryContext;
use crate::store::with_pool;
use crate::{Error, Result, Store};

/// One school's submission for one quarter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submission {
    /// The school.
    pub school: SchoolId,
    /// Its district.
    pub district: Kato,
    /// Its region.
    pub region: Kato,
    /// When the first revision was submitted; `None` when the school is silent.
    pub first_submitted_at: Option<OffsetDateTime>,
}

impl Store {
    /// Every stored school with the submission time of its first revision for `period`.
    pub async fn submissions(&self, period: Period) -> Result<Vec<Submission>> {
        self.submissions_in(None, period).await
    }

    /// As [`Store::submissions`], for the schools of `region` only (every school when `None`).
    pub async fn submissions_in(
        &self,
        region: Option<Kato>,
        period: Period,
    ) -> Result<Vec<Submission>> {
        // Two texts rather than `($2 is null or s.region_kato = $2)`, which keeps SQLite from
        // the school(region_kato) index: a region's query visited every school of the country.
        const SELECT: &str = "select s.school_id as school_id, s.district_kato as district_kato, s.region_kato as region_kato, q.submitted_at as submitted_at \
             from school s left join school_quarter q on q.school_id = s.school_id and q.period = $1 \
             and q.revision = (select min(first.revision) from school_quarter first where first.school_id = s.school_id and first.period = $1)";
        const IN_REGION: &str = " where s.region_kato = $2";
        const ORDER: &str = " order by s.school_id";
        let sql = match region {
            Some(_) => format!("{SELECT}{IN_REGION}{ORDER}"),
            None => format!("{SELECT}{ORDER}"),
        };
        with_pool!(self, pool, DB => {
            // Audited: the text is built only from the fixed fragments above.
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql.clone())).bind(period.to_string());
            if let Some(region) = region {
                query = query.bind(region.as_str().to_owned());
            }
            query
            .fetch_all(pool)
            .await
            .context("read submissions")?
            .into_iter()
            .map(|row| -> Result<Submission> {
                let corrupt = |e: riskmap_model::Error| Error::Corrupt { message: e.to_string() };
                Ok(Submission {
                    school: SchoolId::parse(&row.try_get::<String, _>("school_id").context("decode submission")?).map_err(corrupt)?,
                    district: Kato::parse(&row.try_get::<String, _>("district_kato").context("decode submission")?).map_err(corrupt)?,
                    region: Kato::parse(&row.try_get::<String, _>("region_kato").context("decode submission")?).map_err(corrupt)?,
                    first_submitted_at: row.try_get("submitted_at").context("decode submission")?,
                })
            })
            .collect()
        })
    }
}
