//! API tokens: a fixed prefix and 32 random characters, shown once, stored as SHA-256.

use super::{Account, Actor, Page, Paged, ServiceError, ServiceResult};
use crate::db::people::PersonRow;
use crate::db::{audit, tokens, DbConn};
use crate::domain::audit_action::Action;
use crate::domain::conflict::{Conflict, NotAllowed};
use crate::domain::ids::TokenId;
use crate::domain::person;
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
    let mut errors = FieldErrors::new();
    let name = crate::domain::text::one_line(&mut errors, "name", name, 100);
    errors.finish(|| name)
}

/// Whom a new token acts for.
pub enum Owner<'a> {
    /// A machine account of its own: the command line without `--for`.
    NewMachineAccount,
    /// The caller's own account, so that nobody mints a second self for four eyes.
    SameAs(&'a Account),
    /// A person: the command line with `--for`.
    Person(&'a PersonRow),
}

pub fn create(
    conn: &mut DbConn,
    actor: &Actor,
    now: NaiveDateTime,
    role: Role,
    name: &str,
    owner: Owner<'_>,
) -> ServiceResult<CreatedToken> {
    let name = check_name(name)?;
    let id = TokenId::new();
    let (person_id, account_id, ceiling) = match owner {
        Owner::NewMachineAccount => (None, id.as_str().to_owned(), Role::Admin),
        Owner::SameAs(account) => (
            account.email.as_ref().map(|_| account.id.clone()),
            account.id.clone(),
            account.role,
        ),
        Owner::Person(person) => {
            if person.disabled_at.is_some() {
                return Err(ServiceError::StateConflict(Conflict::PersonDisabled {
                    email: person.email.clone(),
                }));
            }
            (Some(person.id.clone()), person.id.clone(), person.role)
        }
    };
    if !person::may_hold(ceiling, role) {
        return Err(ServiceError::Forbidden(NotAllowed::TokenAboveHolder {
            ceiling,
        }));
    }
    let secret: String = rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(32)
        .map(char::from)
        .collect();
    let token = format!("{PREFIX}{secret}");
    let row = tokens::TokenRow {
        id,
        name,
        role,
        token_hash: hash_secret(&token),
        created_at: now,
        revoked_at: None,
        person_id,
        account_id: Some(account_id),
    };
    tokens::insert(conn, &row)?;
    audit::record(
        conn,
        now,
        audit::Change {
            actor: &actor.label,
            action: Action::TokenCreate,
            entity: "api_token",
            entity_id: row.id.as_str(),
            campaign_id: None,
            before: None,
            after: Some(crate::service::audit::snapshot(&row)?),
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

/// A live token and whom it acts for.
pub struct Authenticated {
    pub token: tokens::TokenRow,
    pub account: Account,
}

/// The token and its account if `secret` is a live token of an enabled person or of a
/// machine account; secrets without the prefix are refused before any lookup. A person's
/// token acts with the lower of its own role and the person's (a person moved to a lesser
/// role keeps no more through old tokens).
pub fn authenticate(conn: &mut DbConn, secret: &Secret) -> ServiceResult<Option<Authenticated>> {
    if !secret.expose().starts_with(PREFIX) {
        return Ok(None);
    }
    let Some((token, person)) = tokens::find_active_by_hash(conn, &hash_secret(secret.expose()))?
    else {
        return Ok(None);
    };
    let account = match person {
        Some(p) if p.disabled_at.is_some() => return Ok(None),
        Some(p) => Account {
            id: p.id,
            name: p.name,
            email: Some(p.email),
            role: p.role,
        },
        None => Account {
            id: token
                .account_id
                .clone()
                .unwrap_or_else(|| token.id.as_str().to_owned()),
            name: token.name.clone(),
            email: None,
            role: token.role,
        },
    };
    Ok(Some(Authenticated { token, account }))
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
        return Err(ServiceError::StateConflict(Conflict::TokenRevoked));
    }
    tokens::revoke(conn, id, now)?;
    let after = tokens::find(conn, id)?.ok_or(ServiceError::NotFound("token"))?;
    audit::record(
        conn,
        now,
        audit::Change {
            actor: &actor.label,
            action: Action::TokenRevoke,
            entity: "api_token",
            entity_id: id.as_str(),
            campaign_id: None,
            before: Some(crate::service::audit::snapshot(&before)?),
            after: Some(crate::service::audit::snapshot(&after)?),
        },
    )?;
    Ok(view(after))
}
