//! Staff people: added by an admin (or on the command line) with a one-time link to choose a
//! password, listed, disabled (which ends their sessions and tokens at once), reset. Every
//! change is in the audit trail; passwords are kept only as argon2id hashes.

use super::{Actor, ServiceError, ServiceResult};
use crate::db::people::{self as rows, PersonRow};
use crate::db::{audit, DbConn};
use crate::domain::audit_action::Action;
use crate::domain::conflict::Conflict;
use crate::domain::jst;
use crate::domain::person::{self as rules, Password, StaffEmail};
use crate::domain::refusal::Refusal;
use crate::domain::role::Role;
use crate::domain::secret::Secret;
use crate::domain::{FieldError, FieldErrors};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::{DateTime, Duration, FixedOffset, NaiveDateTime};
use rand::{distributions::Alphanumeric, Rng};
use serde::Serialize;
use sha2::{Digest, Sha256};

mod welcome;
pub use welcome::{choose_password, welcomed};

/// How long a welcome or reset link works.
pub const WELCOME_VALID_HOURS: i64 = 72;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PersonView {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub enabled: bool,
    /// Whether a password has been chosen (else the welcome link is still open).
    pub has_password: bool,
    pub totp: bool,
    pub created_at: DateTime<FixedOffset>,
    pub created_by: String,
}

pub fn view(row: &PersonRow) -> PersonView {
    PersonView {
        id: row.id.clone(),
        email: row.email.clone(),
        name: row.name.clone(),
        role: row.role,
        enabled: row.disabled_at.is_none(),
        has_password: row.password_hash.is_some(),
        totp: row.totp_secret_sealed.is_some(),
        created_at: jst::to_jst(row.created_at),
        created_by: row.created_by.clone(),
    }
}

/// argon2id with the crate's defaults (RFC 9106's second recommendation as OWASP states it:
/// 19 MiB, 2 passes, 1 lane), a random salt; the PHC string keeps the parameters, so they can
/// be raised later without breaking stored hashes.
pub fn hash_password(password: &Password) -> ServiceResult<String> {
    let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
    Argon2::default()
        .hash_password(password.expose().as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| ServiceError::Format(format!("password hash: {e}")))
}

/// Whether `candidate` is the password behind `stored`; an unreadable hash matches nothing.
pub fn verify_password(stored: &str, candidate: &str) -> bool {
    PasswordHash::new(stored)
        .map(|hash| {
            Argon2::default()
                .verify_password(candidate.as_bytes(), &hash)
                .is_ok()
        })
        .unwrap_or(false)
}

fn welcome_secret() -> Secret {
    Secret::new(
        rand::thread_rng()
            .sample_iter(&Alphanumeric)
            .take(40)
            .map(char::from)
            .collect::<String>(),
    )
}

/// The one-time link as the person is given it, on the command line and in the console.
pub fn welcome_link(public_base_url: &str, secret: &Secret) -> String {
    format!(
        "{}/staff/welcome/{}",
        public_base_url.trim_end_matches('/'),
        secret.expose()
    )
}

/// A refusal of a change to the person signing in as `email`, kept as a value under `field`
/// so the console says it in Japanese beside the field; the command line prints the English.
fn refused(email: &str, field: &str, refusal: Refusal) -> ServiceError {
    let conflict = Conflict::Person {
        email: email.to_owned(),
        refusal: refusal.clone(),
    };
    ServiceError::Refused(conflict, vec![FieldError::new(field, refusal)])
}

pub fn hash_secret(secret: &Secret) -> String {
    hex::encode(Sha256::digest(secret.expose().as_bytes()))
}

/// A person's name as the rules take it: one line, 1 to 100 characters.
pub fn check_name(name: &str) -> Result<String, FieldErrors> {
    let mut errors = FieldErrors::new();
    let name = crate::domain::text::one_line(&mut errors, "name", name, 100);
    errors.finish(|| name)
}

fn record(
    conn: &mut DbConn,
    actor: &Actor,
    now: NaiveDateTime,
    action: Action,
    before: Option<&PersonRow>,
    after: &PersonRow,
) -> ServiceResult<()> {
    audit::record(
        conn,
        now,
        audit::Change {
            actor: &actor.label,
            action,
            entity: "person",
            entity_id: &after.id,
            campaign_id: None,
            before: before
                .map(|b| crate::service::audit::snapshot(&view(b)))
                .transpose()?,
            after: Some(crate::service::audit::snapshot(&view(after))?),
        },
    )?;
    Ok(())
}

/// A person added, and the one-time link's secret when no password was given.
pub struct Added {
    pub person: PersonView,
    pub welcome: Option<Secret>,
}

/// Adds a person. Without a password, they choose one through a link that works once, for
/// [`WELCOME_VALID_HOURS`]. Runs inside the caller's write transaction.
pub fn add(
    conn: &mut DbConn,
    actor: &Actor,
    now: NaiveDateTime,
    email: &StaffEmail,
    name: &str,
    role: Role,
    password: Option<&Password>,
) -> ServiceResult<Added> {
    let name = check_name(name)?;
    if rows::find_by_email(conn, email.as_str())?.is_some() {
        return Err(refused(email.as_str(), "email", Refusal::PersonExists));
    }
    let welcome = password.is_none().then(welcome_secret);
    let row = PersonRow {
        id: uuid::Uuid::now_v7().to_string(),
        email: email.as_str().to_owned(),
        name,
        role,
        password_hash: password.map(hash_password).transpose()?,
        totp_secret_sealed: None,
        welcome_hash: welcome.as_ref().map(hash_secret),
        welcome_expires_at: welcome
            .as_ref()
            .map(|_| now + Duration::hours(WELCOME_VALID_HOURS)),
        disabled_at: None,
        created_at: now,
        created_by: actor.label.clone(),
        totp_last_step: None,
    };
    rows::insert(conn, &row)?;
    record(conn, actor, now, Action::PersonAdd, None, &row)?;
    Ok(Added {
        person: view(&row),
        welcome,
    })
}

pub fn list(conn: &mut DbConn) -> ServiceResult<Vec<PersonView>> {
    Ok(rows::list(conn)?.iter().map(view).collect())
}

pub fn find(conn: &mut DbConn, email: &StaffEmail) -> ServiceResult<PersonRow> {
    rows::find_by_email(conn, email.as_str())?.ok_or(ServiceError::NotFound("person"))
}

/// The sign-in address of the person with this id, as the use cases below take it.
pub fn email_of(conn: &mut DbConn, id: &str) -> ServiceResult<StaffEmail> {
    let row = rows::find(conn, id)?.ok_or(ServiceError::NotFound("person"))?;
    StaffEmail::parse(&row.email).map_err(|_| ServiceError::NotFound("person"))
}

/// A person as the console lists them, with when they last signed in.
pub struct Listed {
    pub person: PersonView,
    /// The start of their latest session still kept (sessions are forgotten a day after
    /// their last use, so an older sign-in is `None`: the audit trail keeps every one).
    pub last_sign_in: Option<NaiveDateTime>,
}

/// Every person, with their latest kept session: two queries, however many people.
pub fn roster(conn: &mut DbConn) -> ServiceResult<Vec<Listed>> {
    let latest: std::collections::HashMap<String, NaiveDateTime> =
        rows::latest_sessions(conn)?.into_iter().collect();
    Ok(rows::list(conn)?
        .iter()
        .map(|row| Listed {
            last_sign_in: latest.get(&row.id).copied(),
            person: view(row),
        })
        .collect())
}

/// The account acting, when it is a person's (or a machine account's) own.
fn acting(actor: &Actor) -> Option<&str> {
    actor.account.as_ref().map(|a| a.id.as_str())
}

/// Changes a person's role, audited as `person.role` with the person before and after. Their
/// sessions go on with the new role from their next request, and a token of theirs never acts
/// above it. Nobody lowers their own role, so the admin acting remains one. The same role again
/// changes nothing and writes nothing. Runs inside the caller's write transaction.
pub fn set_role(
    conn: &mut DbConn,
    actor: &Actor,
    now: NaiveDateTime,
    email: &StaffEmail,
    role: Role,
) -> ServiceResult<PersonView> {
    let before = find(conn, email)?;
    rules::may_change_role(acting(actor), &before.id, before.role, role)
        .map_err(|r| refused(&before.email, "role", r))?;
    if before.role == role {
        return Ok(view(&before));
    }
    let mut after = before.clone();
    after.role = role;
    rows::save(conn, &after)?;
    record(conn, actor, now, Action::PersonRole, Some(&before), &after)?;
    Ok(view(&after))
}

/// What cutting a person off ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CutOff {
    pub sessions: usize,
    pub tokens: usize,
}

/// Ends every session of the person and revokes every token they hold, each token in the
/// audit trail as `token.revoke` with the change that caused it, as if revoked one by one.
fn cut_off(
    conn: &mut DbConn,
    actor: &Actor,
    now: NaiveDateTime,
    person: &PersonRow,
    because: Action,
) -> ServiceResult<CutOff> {
    let sessions = rows::end_sessions(conn, &person.id, now)?;
    let live = rows::live_tokens(conn, &person.id)?;
    for before in &live {
        crate::db::tokens::revoke(conn, &before.id, now)?;
        let mut after = before.clone();
        after.revoked_at = Some(now);
        let mut after = crate::service::audit::snapshot(&after)?;
        after["because"] = serde_json::Value::from(because.as_str());
        audit::record(
            conn,
            now,
            audit::Change {
                actor: &actor.label,
                action: Action::TokenRevoke,
                entity: "api_token",
                entity_id: before.id.as_str(),
                campaign_id: None,
                before: Some(crate::service::audit::snapshot(before)?),
                after: Some(after),
            },
        )?;
    }
    Ok(CutOff {
        sessions,
        tokens: live.len(),
    })
}

/// Disables a person: their sessions end and their tokens are revoked at once. Nobody disables
/// themselves. Runs inside the caller's write transaction.
pub fn disable(
    conn: &mut DbConn,
    actor: &Actor,
    now: NaiveDateTime,
    email: &StaffEmail,
) -> ServiceResult<(PersonView, CutOff)> {
    let before = find(conn, email)?;
    rules::may_disable(acting(actor), &before.id)
        .map_err(|r| refused(&before.email, "email", r))?;
    if before.disabled_at.is_some() {
        return Err(refused(&before.email, "email", Refusal::AlreadyDisabled));
    }
    let mut after = before.clone();
    after.disabled_at = Some(now);
    rows::save(conn, &after)?;
    record(
        conn,
        actor,
        now,
        Action::PersonDisable,
        Some(&before),
        &after,
    )?;
    let ended = cut_off(conn, actor, now, &after, Action::PersonDisable)?;
    Ok((view(&after), ended))
}

/// Enables a disabled person again: they sign in with the password they had (their sessions
/// and tokens ended with the disable stay ended). Runs inside the caller's write transaction.
pub fn enable(
    conn: &mut DbConn,
    actor: &Actor,
    now: NaiveDateTime,
    email: &StaffEmail,
) -> ServiceResult<PersonView> {
    let before = find(conn, email)?;
    if before.disabled_at.is_none() {
        return Err(refused(&before.email, "email", Refusal::NotDisabled));
    }
    let mut after = before.clone();
    after.disabled_at = None;
    rows::save(conn, &after)?;
    record(
        conn,
        actor,
        now,
        Action::PersonEnable,
        Some(&before),
        &after,
    )?;
    Ok(view(&after))
}

/// A reset: the person as they are now, the new one-time link, and what was ended.
pub struct Reset {
    pub person: PersonView,
    pub welcome: Secret,
    pub ended: CutOff,
}

/// Ends a person's password and sessions, revokes their tokens, and opens a new one-time link.
/// Tokens go too because a reset usually follows a suspected compromise: whoever learnt the
/// password may have minted a token with it. Runs inside the caller's write transaction.
pub fn reset(
    conn: &mut DbConn,
    actor: &Actor,
    now: NaiveDateTime,
    email: &StaffEmail,
) -> ServiceResult<Reset> {
    let before = find(conn, email)?;
    let welcome = welcome_secret();
    let mut after = before.clone();
    after.password_hash = None;
    after.welcome_hash = Some(hash_secret(&welcome));
    after.welcome_expires_at = Some(now + Duration::hours(WELCOME_VALID_HOURS));
    rows::save(conn, &after)?;
    record(conn, actor, now, Action::PersonReset, Some(&before), &after)?;
    let ended = cut_off(conn, actor, now, &after, Action::PersonReset)?;
    Ok(Reset {
        person: view(&after),
        welcome,
        ended,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hashed_password_verifies_and_nothing_else_does() {
        let email = StaffEmail::parse("yamada@example.jp").unwrap();
        let password = Password::parse("むさしの事務局の春の青空", &email).unwrap();
        let stored = hash_password(&password).unwrap();
        assert!(stored.starts_with("$argon2id$"), "{stored}");
        assert!(verify_password(&stored, "むさしの事務局の春の青空"));
        assert!(!verify_password(&stored, "むさしの事務局の秋の青空"));
        assert!(!verify_password("not a hash", "anything"));
    }
}
