//! The one-time link a new or reset person opens to choose a password.

use super::{hash_password, hash_secret, record, view, PersonView};
use crate::db::people as rows;
use crate::db::people::PersonRow;
use crate::db::DbConn;
use crate::domain::audit_action::Action;
use crate::domain::person::{Password, StaffEmail};
use crate::domain::secret::Secret;
use crate::domain::FieldErrors;
use crate::service::{Actor, ServiceError, ServiceResult, Store};
use chrono::NaiveDateTime;

/// The person a one-time link belongs to, while it still works.
pub fn welcomed(
    conn: &mut DbConn,
    secret: &Secret,
    now: NaiveDateTime,
) -> ServiceResult<PersonRow> {
    rows::find_by_welcome(conn, &hash_secret(secret))?
        .filter(|p| p.disabled_at.is_none())
        .filter(|p| p.welcome_expires_at.is_some_and(|until| now < until))
        .ok_or(ServiceError::NotFound("welcome link"))
}

/// Sets the password chosen through a one-time link, which then stops working. The password
/// is hashed before the write transaction, which holds no lock while argon2 runs; the write
/// changes the person only while the link is still theirs and open, so of two posts of one
/// link exactly one sets a password and the other finds the link gone. Blocks: callers run it
/// on the blocking pool.
pub fn choose_password(store: &Store, secret: &Secret, chosen: &str) -> ServiceResult<PersonView> {
    let before = store.read(|conn| welcomed(conn, secret, crate::clock::now()))?;
    let email = StaffEmail::parse(&before.email).map_err(|e| {
        let mut errors = FieldErrors::new();
        errors.push("email", e);
        ServiceError::Invalid(errors)
    })?;
    let password = Password::parse(chosen, &email).map_err(|e| {
        let mut errors = FieldErrors::new();
        errors.push("password", e.to_string());
        ServiceError::Invalid(errors)
    })?;
    let hashed = hash_password(&password)?;
    let link = hash_secret(secret);
    store.write(|conn, now| {
        if !rows::consume_welcome(conn, &before.id, &link, now, &hashed)? {
            return Err(ServiceError::NotFound("welcome link"));
        }
        let after = rows::find(conn, &before.id)?.ok_or(ServiceError::NotFound("person"))?;
        let actor = Actor {
            label: format!("{}:{} <{}>", after.role.as_str(), after.name, after.email),
            token_id: None,
            role: Some(after.role),
            account: None,
        };
        record(
            conn,
            &actor,
            now,
            Action::PersonChoosePassword,
            Some(&before),
            &after,
        )?;
        Ok(view(&after))
    })
}
