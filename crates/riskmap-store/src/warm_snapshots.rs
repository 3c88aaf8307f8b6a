//! The `warm_snapshot` table: one opaque payload per (build, data version), written by a
//! server once it has warmed a data version and read by the next one that starts on it. The
//! store neither reads nor checks the payload (the server owns its format); it keeps only the
//! rows of the latest data version a snapshot was saved for.

use time::OffsetDateTime;

use crate::error::QueryContext;
use crate::store::with_pool;
use crate::{Result, Store};

impl Store {
    /// The snapshot `build` saved for `data_version`, if any.
    pub async fn warm_snapshot(&self, data_version: i64, build: &str) -> Result<Option<Vec<u8>>> {
        with_pool!(self, pool, DB => {
            sqlx::query_scalar(
                "select payload from warm_snapshot where build = $1 and data_version = $2",
            )
            .bind(build)
            .bind(data_version)
            .fetch_optional(pool)
            .await
        })
        .context("read the warm snapshot")
    }

    /// Saves `build`'s snapshot of `data_version` (replacing one saved before for the same
    /// pair) and drops every snapshot of an older data version, in one transaction.
    pub async fn save_warm_snapshot(
        &self,
        data_version: i64,
        build: &str,
        payload: &[u8],
    ) -> Result<()> {
        with_pool!(self, pool, DB => {
            async {
                let mut tx = pool.begin().await?;
                sqlx::query("delete from warm_snapshot where data_version < $1")
                    .bind(data_version)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(
                    "insert into warm_snapshot (build, data_version, payload, created_at) \
                     values ($1, $2, $3, $4) on conflict (build, data_version) do update \
                     set payload = excluded.payload, created_at = excluded.created_at",
                )
                .bind(build)
                .bind(data_version)
                .bind(payload)
                .bind(OffsetDateTime::now_utc())
                .execute(&mut *tx)
                .await?;
                tx.commit().await
            }
            .await
        })
        .context("save the warm snapshot")
    }
}
