//! Administrative units (country, regions, districts) as stored for joins and names.

use riskmap_model::{AdminLevel, Kato};

use crate::error::QueryContext;
use crate::store::with_pool;
use crate::{Result, Store};

/// One administrative unit to store.
#[derive(Debug, Clone, PartialEq)]
pub struct AdminUnitRow {
    /// Code.
    pub kato: Kato,
    /// Region or district.
    pub level: AdminLevel,
    /// Parent unit (the region of a district).
    pub parent: Option<Kato>,
    /// `oblast`, `city_republican`, `district`, `city_regional`, `city_district`.
    pub unit_type: String,
    /// Kazakh name.
    pub name_kk: String,
    /// Russian name.
    pub name_ru: String,
    /// English name.
    pub name_en: String,
    /// Population, when known.
    pub population: Option<u64>,
}

impl Store {
    /// Inserts or updates units, parents first (one transaction).
    pub async fn upsert_admin_units(&self, units: &[AdminUnitRow]) -> Result<()> {
        let mut ordered: Vec<&AdminUnitRow> = units.iter().collect();
        ordered.sort_by_key(|u| u.level);
        with_pool!(self, pool, DB => {
            let mut tx = pool.begin().await.context("begin unit upsert")?;
            for unit in ordered {
                let population = unit.population.map(|p| i64::try_from(p).unwrap_or(i64::MAX));
                sqlx::query(
                    "insert into admin_unit (kato, level, parent_kato, unit_type, name_kk, name_ru, name_en, population) \
                     values ($1, $2, $3, $4, $5, $6, $7, $8) \
                     on conflict (kato) do update set level = excluded.level, parent_kato = excluded.parent_kato, \
                     unit_type = excluded.unit_type, name_kk = excluded.name_kk, name_ru = excluded.name_ru, \
                     name_en = excluded.name_en, population = excluded.population",
                )
                .bind(unit.kato.as_str())
                .bind(unit.level.as_str())
                .bind(unit.parent.as_ref().map(Kato::as_str))
                .bind(&unit.unit_type)
                .bind(&unit.name_kk)
                .bind(&unit.name_ru)
                .bind(&unit.name_en)
                .bind(population)
                .execute(&mut *tx)
                .await
                .context("upsert admin unit")?;
            }
            tx.commit().await.context("commit unit upsert")
        })
    }

    /// Number of stored units at one level.
    pub async fn count_admin_units(&self, level: AdminLevel) -> Result<u64> {
        let count: i64 = with_pool!(self, pool, DB => {
            sqlx::query_scalar("select count(*) from admin_unit where level = $1").bind(level.as_str()).fetch_one(pool).await
        })
        .context("count admin units")?;
        Ok(u64::try_from(count).unwrap_or(0))
    }
}
