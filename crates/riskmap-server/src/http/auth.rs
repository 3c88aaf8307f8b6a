//! Who is calling: the `Caller` extractor reads `Authorization: Bearer <token>`, looks the
//! token's hash up in the store and turns its grant into an `Audience`. A request without a
//! token is the ministry view while demo mode is on (synthetic data only), else the anonymous
//! audience of the configuration, or 401 when anonymous access is off. A demo token works
//! only while demo mode is on.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use riskmap_model::{Audience, Grant, Role};
use time::OffsetDateTime;

use super::Error;
use crate::AppState;

/// The authenticated (or anonymous) caller of a request.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The disclosure audience.
    pub audience: Audience,
    /// The role, for audit and labels (`None`: anonymous).
    pub role: Option<Role>,
    /// The token's id, for the audit log.
    pub token_id: Option<i64>,
    /// The grant's scope as text, for labels and audit.
    pub scope: String,
}

impl Caller {
    /// Refuses callers without analytic access (the steward: separation of duties).
    pub fn require_analytic(&self) -> Result<(), Error> {
        if self.audience == Audience::Steward {
            return Err(Error::Forbidden {
                code: "no_analytic_access",
                message: "the steward role has no analytic access".to_owned(),
            });
        }
        Ok(())
    }

    /// The role name shown in responses.
    pub fn role_name(&self) -> &'static str {
        self.role.map_or("anonymous", Role::as_str)
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = Error;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let header = parts.headers.get(axum::http::header::AUTHORIZATION);
        let Some(header) = header else {
            let anonymous = |audience: Audience| Caller {
                audience,
                role: None,
                token_id: None,
                scope: "anonymous".to_owned(),
            };
            if state.demo_active().await? {
                return Ok(anonymous(Audience::Ministry));
            }
            return match &state.config.anonymous_audience {
                Some(audience) => Ok(anonymous(audience.clone())),
                None => Err(Error::Unauthenticated {
                    message: "a bearer token is required (public access is off)".to_owned(),
                }),
            };
        };
        let text = header.to_str().map_err(|_| Error::Unauthenticated {
            message: "malformed Authorization header".to_owned(),
        })?;
        let Some(token) = text
            .strip_prefix("Bearer ")
            .map(str::trim)
            .filter(|t| !t.is_empty())
        else {
            return Err(Error::Unauthenticated {
                message: "use Authorization: Bearer <token>".to_owned(),
            });
        };
        let record = state
            .store
            .find_token(&riskmap_store::token_hash(token))
            .await?;
        let Some(record) = record else {
            return Err(Error::Unauthenticated {
                message: "unknown token".to_owned(),
            });
        };
        if record.revoked_at.is_some() {
            return Err(Error::Unauthenticated {
                message: "the token was revoked".to_owned(),
            });
        }
        if record.grant.is_expired(OffsetDateTime::now_utc()) {
            return Err(Error::Unauthenticated {
                message: "the token has expired".to_owned(),
            });
        }
        if record.demo && !state.demo_active().await? {
            return Err(Error::Unauthenticated {
                message: "demo tokens work only while the demo serves synthetic data".to_owned(),
            });
        }
        Ok(Caller {
            audience: record.grant.audience(),
            role: Some(record.grant.role),
            token_id: Some(record.token_id),
            scope: scope_label(&record.grant),
        })
    }
}

fn scope_label(grant: &Grant) -> String {
    let mut label = grant.role.as_str().to_owned();
    if let Some(region) = grant.region {
        label.push_str(&format!(" region={region}"));
    }
    if !grant.districts.is_empty() {
        label.push_str(&format!(
            " districts={}",
            grant
                .districts
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(",")
        ));
    }
    label
}
