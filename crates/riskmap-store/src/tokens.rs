//! Bearer tokens (stored as SHA-256 hashes, never in clear) and the audit log.

use riskmap_model::{Grant, Kato, Role};
use sqlx::Row;
use time::OffsetDateTime;

use crate::error::QueryContext;
use crate::store::with_pool;
use crate::{Error, Result, Store};

/// The hash under which a bearer token is stored and looked up (hex SHA-256). Tokens carry
/// 256 random bits, so a fast hash is enough; the clear token is never stored.
pub fn token_hash(token: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A stored token (without its secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRecord {
    /// Id, for revocation and audit.
    pub token_id: i64,
    /// What it grants.
    pub grant: Grant,
    /// Free label (who it was issued to).
    pub label: String,
    /// When it was revoked, if it was.
    pub revoked_at: Option<OffsetDateTime>,
    /// Issued by a demo server (valid only while the store holds synthetic data only).
    pub demo: bool,
}

/// One audited action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    /// When.
    pub at: OffsetDateTime,
    /// Which token (none for anonymous requests and the command line).
    pub token_id: Option<i64>,
    /// The role acting.
    pub role: String,
    /// What was done: `export`, `school_s2_view`, `token_create`, `token_revoke`, `ingest`, …
    pub action: String,
    /// The scope (units, region).
    pub scope: String,
    /// The filters or parameters, as given.
    pub filters: String,
    /// Rows returned or affected.
    pub row_count: i64,
}

impl Store {
    /// Stores a new token's hash and grant; returns its id. Records the change in the audit log.
    pub async fn create_token(
        &self,
        token_sha256: &str,
        grant: &Grant,
        label: &str,
    ) -> Result<i64> {
        self.create_token_marked(token_sha256, grant, label, false)
            .await
    }

    /// Like [`Store::create_token`], marking a demo server's token.
    pub async fn create_token_marked(
        &self,
        token_sha256: &str,
        grant: &Grant,
        label: &str,
        demo: bool,
    ) -> Result<i64> {
        let districts = grant
            .districts
            .iter()
            .map(Kato::as_str)
            .collect::<Vec<_>>()
            .join(",");
        let now = OffsetDateTime::now_utc();
        let token_id: i64 = with_pool!(self, pool, DB => {
            let mut tx = pool.begin().await.context("begin token create")?;
            let token_id: i64 = sqlx::query_scalar(
                "insert into api_token (token_sha256, role, region_kato, district_katos, label, created_at, expires_at, demo) \
                 values ($1, $2, $3, $4, $5, $6, $7, $8) returning token_id",
            )
            .bind(token_sha256)
            .bind(grant.role.as_str())
            .bind(grant.region.as_ref().map(Kato::as_str))
            .bind(&districts)
            .bind(label)
            .bind(now)
            .bind(grant.expires_at)
            .bind(demo)
            .fetch_one(&mut *tx)
            .await
            .context("insert token")?;
            insert_audit(&mut *tx, &AuditEvent { at: now, token_id: Some(token_id), role: "cli".to_owned(), action: "token_create".to_owned(), scope: scope_text(grant), filters: label.to_owned(), row_count: 1 }).await?;
            tx.commit().await.context("commit token create")?;
            Ok::<i64, Error>(token_id)
        })?;
        Ok(token_id)
    }

    /// The token with this hash, if any (revoked tokens included: the caller decides).
    pub async fn find_token(&self, token_sha256: &str) -> Result<Option<TokenRecord>> {
        with_pool!(self, pool, DB => {
            let row = sqlx::query("select token_id, role, region_kato, district_katos, label, expires_at, revoked_at, demo from api_token where token_sha256 = $1")
                .bind(token_sha256)
                .fetch_optional(pool)
                .await
                .context("find token")?;
            row.map(|row| -> Result<TokenRecord> {
                let role: String = row.try_get("role").context("decode token")?;
                let region: Option<String> = row.try_get("region_kato").context("decode token")?;
                let districts: String = row.try_get("district_katos").context("decode token")?;
                let corrupt = |e: riskmap_model::Error| Error::Corrupt { message: e.to_string() };
                Ok(TokenRecord {
                    token_id: row.try_get("token_id").context("decode token")?,
                    grant: Grant {
                        role: Role::parse(&role).map_err(corrupt)?,
                        region: region.as_deref().map(Kato::parse).transpose().map_err(corrupt)?,
                        districts: districts.split(',').filter(|d| !d.is_empty()).map(Kato::parse).collect::<Result<_, _>>().map_err(corrupt)?,
                        expires_at: row.try_get("expires_at").context("decode token")?,
                    },
                    label: row.try_get("label").context("decode token")?,
                    revoked_at: row.try_get("revoked_at").context("decode token")?,
                    demo: row.try_get("demo").context("decode token")?,
                })
            })
            .transpose()
        })
    }

    /// Revokes a token by id; false when there is no such active token.
    pub async fn revoke_token(&self, token_id: i64) -> Result<bool> {
        let now = OffsetDateTime::now_utc();
        with_pool!(self, pool, DB => {
            let mut tx = pool.begin().await.context("begin token revoke")?;
            let done = sqlx::query("update api_token set revoked_at = $1 where token_id = $2 and revoked_at is null")
                .bind(now)
                .bind(token_id)
                .execute(&mut *tx)
                .await
                .context("revoke token")?
                .rows_affected();
            if done > 0 {
                insert_audit(&mut *tx, &AuditEvent { at: now, token_id: Some(token_id), role: "cli".to_owned(), action: "token_revoke".to_owned(), scope: String::new(), filters: String::new(), row_count: 1 }).await?;
            }
            tx.commit().await.context("commit token revoke")?;
            Ok(done > 0)
        })
    }

    /// Revokes every demo token still active (a server started without `--demo`, or a demo
    /// server whose store now holds real data); returns how many. Audited.
    pub async fn revoke_demo_tokens(&self) -> Result<u64> {
        let now = OffsetDateTime::now_utc();
        with_pool!(self, pool, DB => {
            let mut tx = pool.begin().await.context("begin demo token revoke")?;
            let done = sqlx::query("update api_token set revoked_at = $1 where demo = $2 and revoked_at is null")
                .bind(now)
                .bind(true)
                .execute(&mut *tx)
                .await
                .context("revoke demo tokens")?
                .rows_affected();
            if done > 0 {
                insert_audit(&mut *tx, &AuditEvent { at: now, token_id: None, role: "server".to_owned(), action: "token_revoke_demo".to_owned(), scope: String::new(), filters: String::new(), row_count: i64::try_from(done).unwrap_or(i64::MAX) }).await?;
            }
            tx.commit().await.context("commit demo token revoke")?;
            Ok(done)
        })
    }

    /// Appends an event to the audit log.
    pub async fn record_audit(&self, event: &AuditEvent) -> Result<()> {
        with_pool!(self, pool, DB => insert_audit(pool, event).await)
    }

    /// The newest audit events, newest first.
    pub async fn audit_events(&self, limit: i64) -> Result<Vec<AuditEvent>> {
        with_pool!(self, pool, DB => {
            sqlx::query("select at, token_id, role, action, scope, filters, row_count from audit_event order by event_id desc limit $1")
                .bind(limit)
                .fetch_all(pool)
                .await
                .context("read audit log")?
                .into_iter()
                .map(|row| -> Result<AuditEvent> {
                    Ok(AuditEvent {
                        at: row.try_get("at").context("decode audit")?,
                        token_id: row.try_get("token_id").context("decode audit")?,
                        role: row.try_get("role").context("decode audit")?,
                        action: row.try_get("action").context("decode audit")?,
                        scope: row.try_get("scope").context("decode audit")?,
                        filters: row.try_get("filters").context("decode audit")?,
                        row_count: row.try_get("row_count").context("decode audit")?,
                    })
                })
                .collect()
        })
    }
}

async fn insert_audit<'e, E, DB>(executor: E, event: &AuditEvent) -> Result<()>
where
    DB: sqlx::Database,
    E: sqlx::Executor<'e, Database = DB>,
    for<'q> <DB as sqlx::Database>::Arguments: sqlx::IntoArguments<DB>,
    for<'q> OffsetDateTime: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    for<'q> Option<i64>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    for<'q> i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    for<'q> String: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    sqlx::query::<DB>("insert into audit_event (at, token_id, role, action, scope, filters, row_count) values ($1, $2, $3, $4, $5, $6, $7)")
        .bind(event.at)
        .bind(event.token_id)
        .bind(event.role.clone())
        .bind(event.action.clone())
        .bind(event.scope.clone())
        .bind(event.filters.clone())
        .bind(event.row_count)
        .execute(executor)
        .await
        .context("append audit event")?;
    Ok(())
}

fn scope_text(grant: &Grant) -> String {
    let mut parts = vec![format!("role={}", grant.role)];
    if let Some(region) = grant.region {
        parts.push(format!("region={region}"));
    }
    if !grant.districts.is_empty() {
        parts.push(format!(
            "districts={}",
            grant
                .districts
                .iter()
                .map(Kato::as_str)
                .collect::<Vec<_>>()
                .join(",")
        ));
    }
    if let Some(at) = grant.expires_at {
        parts.push(format!("expires={at}"));
    }
    parts.join(" ")
}
