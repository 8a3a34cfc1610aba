//! API tokens: a fixed prefix and 32 random characters, shown once, stored as SHA-256.

use super::{Actor, Page, Paged, ServiceError, ServiceResult};
use crate::db::{audit, tokens, DbConn};
use crate::domain::ids::TokenId;
use crate::domain::secret::Secret;
use crate::domain::{jst, role::Role, FieldErrors};
use chrono::{DateTime, FixedOffset, NaiveDateTime};
use rand::{distributions::Alphanumeric, Rng};
use serde::Serialize;
use sha2::{Digest, Sha256};

pub const PREFIX: &str = "hnr_";

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TokenView {
    pub id: TokenId,
    pub role: Role,
    pub name: String,
    pub created_at: DateTime<FixedOffset>,
    pub revoked_at: Option<DateTime<FixedOffset>>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CreatedToken {
    pub id: TokenId,
    pub role: Role,
    pub name: String,
    /// The secret, shown this once; only its hash is kept.
    #[schema(value_type = String)]
    pub token: Secret,
    pub created_at: DateTime<FixedOffset>,
}

fn view(row: tokens::TokenRow) -> TokenView {
    TokenView {
        role: row.role,
        id: row.id,
        name: row.name,
        created_at: jst::to_jst(row.created_at),
        revoked_at: row.revoked_at.map(jst::to_jst),
    }
}

pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

fn check_name(name: &str) -> Result<String, FieldErrors> {
    let name = name.trim();
    let mut errors = FieldErrors::new();
    if name.is_empty() || name.chars().count() > 100 {
        errors.push("name", "must be 1 to 100 characters");
    }
    errors.finish(|| name.to_owned())
}

pub fn create(
    conn: &mut DbConn,
    actor: &Actor,
    now: NaiveDateTime,
    role: Role,
    name: &str,
) -> ServiceResult<CreatedToken> {
    let name = check_name(name)?;
    let secret: String = rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(32)
        .map(char::from)
        .collect();
    let token = format!("{PREFIX}{secret}");
    let row = tokens::TokenRow {
        id: TokenId::new(),
        name,
        role,
        token_hash: hash_secret(&token),
        created_at: now,
        revoked_at: None,
    };
    tokens::insert(conn, &row)?;
    audit::record(
        conn,
        now,
        audit::Change {
            actor: &actor.label,
            action: "token.create",
            entity: "api_token",
            entity_id: row.id.as_str(),
            campaign_id: None,
            before: None,
            after: Some(serde_json::to_value(&row).unwrap_or_default()),
        },
    )?;
    Ok(CreatedToken {
        id: row.id,
        role,
        name: row.name,
        token: Secret::new(token),
        created_at: jst::to_jst(now),
    })
}

/// The token's row if `secret` is a live token; secrets without the prefix are refused
/// before any lookup.
pub fn authenticate(conn: &mut DbConn, secret: &Secret) -> ServiceResult<Option<tokens::TokenRow>> {
    if !secret.expose().starts_with(PREFIX) {
        return Ok(None);
    }
    Ok(tokens::find_active_by_hash(
        conn,
        &hash_secret(secret.expose()),
    )?)
}

pub fn list(conn: &mut DbConn, page: Page) -> ServiceResult<Paged<TokenView>> {
    let (rows, total) = tokens::list(conn, page.offset(), page.per_page)?;
    Ok(Paged::new(
        rows.into_iter().map(view).collect(),
        total,
        page,
    ))
}

pub fn revoke(
    conn: &mut DbConn,
    actor: &Actor,
    now: NaiveDateTime,
    id: &TokenId,
) -> ServiceResult<TokenView> {
    let before = tokens::find(conn, id)?.ok_or(ServiceError::NotFound("token"))?;
    if before.revoked_at.is_some() {
        return Err(ServiceError::StateConflict(
            "the token is already revoked".into(),
        ));
    }
    tokens::revoke(conn, id, now)?;
    let after = tokens::find(conn, id)?.ok_or(ServiceError::NotFound("token"))?;
    audit::record(
        conn,
        now,
        audit::Change {
            actor: &actor.label,
            action: "token.revoke",
            entity: "api_token",
            entity_id: id.as_str(),
            campaign_id: None,
            before: Some(serde_json::to_value(&before).unwrap_or_default()),
            after: Some(serde_json::to_value(&after).unwrap_or_default()),
        },
    )?;
    Ok(view(after))
}
