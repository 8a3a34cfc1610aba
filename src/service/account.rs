//! A person's own account, from the console: the password changed once the current one is
//! given; TOTP turned on, or its secret replaced once the person shows they hold the old one
//! (a code from it, or the password), so that a session left open is not enough to take over
//! the second factor.

use super::people::{hash_password, verify_password};
use super::sign_in::{dummy_hash, record, session_actor, totp_of, Console, Resumed, TOTP_PURPOSE};
use super::{ServiceError, ServiceResult, Store};
use crate::db::people as rows;
use crate::db::DbConn;
use crate::domain::audit_action::Action;
use crate::domain::person::{Password, PasswordRefusal, StaffEmail};
use crate::domain::totp::{self, Totp};
use chrono::NaiveDateTime;
use rand::RngCore;
use serde_json::json;

/// Why a password change was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordChange {
    WrongCurrent,
    Refused(PasswordRefusal),
}

/// Changes a person's own password once the current one is given. Verifies and hashes: run
/// behind a hashing permit.
pub fn change_password(
    store: &Store,
    session: &Resumed,
    current: &str,
    chosen: &str,
) -> ServiceResult<Result<(), PasswordChange>> {
    let person_id = session.person.id.as_str();
    let person =
        store.read(|conn| rows::find(conn, person_id)?.ok_or(ServiceError::NotFound("person")))?;
    let stored = person
        .password_hash
        .as_deref()
        .unwrap_or_else(|| dummy_hash());
    if !verify_password(stored, current) {
        return Ok(Err(PasswordChange::WrongCurrent));
    }
    let email = StaffEmail::parse(&person.email).map_err(|_| ServiceError::NotFound("person"))?;
    let password = match Password::parse(chosen, &email) {
        Ok(p) => p,
        Err(refusal) => return Ok(Err(PasswordChange::Refused(refusal))),
    };
    let hashed = hash_password(&password)?;
    store.write(|conn, now| {
        let mut after = rows::find(conn, person_id)?.ok_or(ServiceError::NotFound("person"))?;
        after.password_hash = Some(hashed);
        rows::save(conn, &after)?;
        record(
            conn,
            now,
            &session_actor(&after, &session.id_hash).label,
            Action::PersonChangePassword,
            &after.id,
            json!({"email": after.email}),
        )?;
        Ok(Ok(()))
    })
}

/// A new TOTP secret to show the person before they confirm it.
pub fn new_totp() -> Totp {
    let mut secret = vec![0u8; totp::SECRET_BYTES];
    rand::rngs::OsRng.fill_bytes(&mut secret);
    Totp::new(secret).expect("160 random bits make a valid secret")
}

/// Why turning TOTP on (or replacing its secret) was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TotpChange {
    /// The secret carried back by the form is not one this service made.
    BadSecret,
    WrongCode,
    /// TOTP is on already, and neither a fresh code from the current secret nor the password
    /// was given right.
    NeedsCurrent,
}

/// What shows that the person replacing a TOTP secret holds the current one.
#[derive(Debug, Clone, Copy)]
pub enum Proof<'a> {
    Nothing,
    /// A code from the current secret, not used before.
    CurrentCode(&'a str),
    /// The password, verified by the caller behind a hashing permit (never inside this
    /// write transaction).
    PasswordVerified,
}

/// Turns TOTP on for a person, or replaces the secret they have once `proof` holds, once a
/// code made from the shown secret proves their app has it. The secret is stored sealed, and
/// the confirming code's step as the last accepted, so that code cannot also sign in. Runs
/// inside the caller's write transaction.
pub fn enable_totp(
    conn: &mut DbConn,
    console: &Console,
    now: NaiveDateTime,
    session: &Resumed,
    secret_base32: &str,
    code: &str,
    proof: Proof<'_>,
) -> ServiceResult<Result<(), TotpChange>> {
    let person = rows::find(conn, &session.person.id)?.ok_or(ServiceError::NotFound("person"))?;
    let replacing = person.totp_secret_sealed.is_some();
    if replacing {
        let shown = match proof {
            Proof::PasswordVerified => true,
            Proof::CurrentCode(current) => totp_of(&console.key, &person)
                .and_then(|old| old.step_of(current, now))
                .is_some_and(|step| totp::fresh(step, person.totp_last_step)),
            Proof::Nothing => false,
        };
        if !shown {
            return Ok(Err(TotpChange::NeedsCurrent));
        }
    }
    let Ok(new) = Totp::from_base32(secret_base32) else {
        return Ok(Err(TotpChange::BadSecret));
    };
    let Some(step) = new.step_of(code, now) else {
        return Ok(Err(TotpChange::WrongCode));
    };
    let sealed = console
        .key
        .seal(TOTP_PURPOSE, &person.id, new.base32().as_bytes());
    rows::set_totp(conn, &person.id, &sealed, step)?;
    record(
        conn,
        now,
        &session_actor(&person, &session.id_hash).label,
        if replacing {
            Action::PersonTotpReplace
        } else {
            Action::PersonTotpOn
        },
        &person.id,
        json!({"email": person.email}),
    )?;
    Ok(Ok(()))
}
