//! People signing in to the console: the password (and TOTP code) checked, failures counted
//! and audited, sessions kept on the server and ended there, a person's own password and
//! second factor changed.
//!
//! The password check (argon2id, tens of milliseconds of CPU) runs between a read and a write,
//! never inside a write transaction, so signing in holds no lock while it hashes. Callers run
//! these functions on the blocking pool.

use super::people::{hash_password, verify_password};
use super::sealing::SealKey;
use super::{Account, Actor, ServiceError, ServiceResult, Store};
use crate::db::people::{self as rows, PersonRow, SessionRow};
use crate::db::{audit, DbConn};
use crate::domain::person::{Password, PasswordRefusal, StaffEmail};
use crate::domain::secret::Secret;
use crate::domain::sign_in::{self as rules, SessionRules};
use crate::domain::totp::Totp;
use chrono::NaiveDateTime;
use rand::{distributions::Alphanumeric, Rng, RngCore};
use serde_json::json;
use sha2::{Digest, Sha256};
use std::sync::OnceLock;

/// What sealed TOTP secrets are sealed for.
const TOTP_PURPOSE: &str = "totp";
/// The longest typed email kept in the failure records and the audit trail.
const MAX_TYPED_EMAIL: usize = 254;

/// How the console's sessions behave, from the settings.
#[derive(Debug, Clone)]
pub struct Console {
    pub rules: SessionRules,
    /// Every person must turn TOTP on before anything but their account page.
    pub require_totp: bool,
    pub key: SealKey,
}

/// A sign-in as typed, with the client's address.
pub struct Attempt {
    pub email: String,
    pub password: String,
    pub totp: String,
    pub client: String,
}

/// Why a sign-in was refused. The wrong email, password or code are one answer, so the page
/// tells a guesser nothing about which was wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    WrongCredentials,
    LockedOut { retry_after_secs: i64 },
}

/// A new session: the cookie's value (shown to the browser only) and its person.
pub struct SignedIn {
    pub cookie: Secret,
    pub person: PersonRow,
}

/// A person's live session, found from its cookie.
#[derive(Debug, Clone)]
pub struct Resumed {
    pub id_hash: String,
    pub csrf_token: String,
    pub person: PersonRow,
    /// TOTP is required and this person has not turned it on yet.
    pub totp_pending: bool,
}

/// How the audit trail tells one session from another: the first 8 hex digits of the stored
/// hash of its id. The cookie itself never reaches the trail, and 32 bits of a SHA-256 give
/// nothing towards it; an operator finds the row with `id_hash LIKE 'reference%'`.
pub fn session_reference(id_hash: &str) -> &str {
    id_hash.get(..8).unwrap_or(id_hash)
}

/// The actor a person is in the audit trail when they act through the console session whose
/// id hashes to `id_hash`.
pub fn session_actor(person: &PersonRow, id_hash: &str) -> Actor {
    Actor {
        label: format!(
            "{}:{} <{}> (session {})",
            person.role.as_str(),
            person.name,
            person.email,
            session_reference(id_hash)
        ),
        token_id: None,
        role: Some(person.role),
        account: Some(account(person)),
    }
}

pub fn account(person: &PersonRow) -> Account {
    Account {
        id: person.id.clone(),
        name: person.name.clone(),
        email: Some(person.email.clone()),
        role: person.role,
    }
}

fn hash(value: &str) -> String {
    hex::encode(Sha256::digest(value.as_bytes()))
}

/// A hash to verify against when the address is unknown or has no password yet, made with
/// the same parameters as real ones so that every refusal costs the same time.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let mut filler = [0u8; 24];
        rand::thread_rng().fill_bytes(&mut filler);
        let email = StaffEmail::parse("nobody@honoraria.invalid").expect("a valid address");
        Password::parse(&hex::encode(filler), &email)
            .ok()
            .and_then(|p| hash_password(&p).ok())
            .unwrap_or_default()
    })
}

/// Makes the stand-in hash now, so that the first sign-in with an unknown address costs no
/// more than any other.
pub fn warm_up() {
    dummy_hash();
}

fn typed_email(typed: &str) -> String {
    typed
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_TYPED_EMAIL)
        .collect()
}

fn totp_of(key: &SealKey, person: &PersonRow) -> Option<Totp> {
    let sealed = person.totp_secret_sealed.as_deref()?;
    let plain = key.open(TOTP_PURPOSE, &person.id, sealed)?;
    Totp::from_base32(std::str::from_utf8(&plain).ok()?).ok()
}

/// Checks a sign-in and, when it holds, starts a new session. A locked-out email or client is
/// refused before the password is looked at.
pub fn sign_in(
    store: &Store,
    console: &Console,
    attempt: &Attempt,
) -> ServiceResult<Result<SignedIn, Refusal>> {
    let email = typed_email(&attempt.email);
    let now = crate::clock::now();
    let (person, (by_email, by_client)) = store.read(|conn| {
        let since = rules::window_start(now);
        Ok((
            rows::find_by_email(conn, &email)?,
            rows::failures_since(conn, &email, &attempt.client, since)?,
        ))
    })?;
    if rules::locked_out(by_email, by_client) {
        return Ok(Err(Refusal::LockedOut {
            retry_after_secs: rules::retry_after_secs(),
        }));
    }
    let stored = person
        .as_ref()
        .and_then(|p| p.password_hash.as_deref())
        .unwrap_or_else(|| dummy_hash());
    let password_ok = verify_password(stored, &attempt.password);
    let person = person.filter(|p| {
        password_ok
            && p.password_hash.is_some()
            && p.disabled_at.is_none()
            && match (&p.totp_secret_sealed, totp_of(&console.key, p)) {
                (None, _) => true,
                (Some(_), Some(totp)) => totp.check(&attempt.totp, now),
                // A secret this key cannot open lets nobody in rather than skipping the code.
                (Some(_), None) => false,
            }
    });
    store.write(|conn, now| match person {
        Some(person) => {
            let cookie = Secret::new(random_hex(32));
            let id_hash = hash(cookie.expose());
            rows::insert_session(
                conn,
                &SessionRow {
                    id_hash: id_hash.clone(),
                    person_id: person.id.clone(),
                    csrf_token: random_text(32),
                    created_at: now,
                    last_seen_at: now,
                    ended_at: None,
                },
            )?;
            record(
                conn,
                now,
                &session_actor(&person, &id_hash).label,
                "person.sign_in",
                &person.id,
                json!({"email": person.email, "client": attempt.client}),
            )?;
            Ok(Ok(SignedIn { cookie, person }))
        }
        None => {
            rows::note_failure(conn, &email, &attempt.client, now)?;
            record(
                conn,
                now,
                "anonymous",
                "person.sign_in_failed",
                &email,
                json!({"email": email, "client": attempt.client}),
            )?;
            Ok(Err(Refusal::WrongCredentials))
        }
    })
}

fn record(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &str,
    action: &str,
    entity_id: &str,
    after: serde_json::Value,
) -> ServiceResult<()> {
    audit::record(
        conn,
        now,
        audit::Change {
            actor,
            action,
            entity: "person",
            entity_id,
            campaign_id: None,
            before: None,
            after: Some(after),
        },
    )?;
    Ok(())
}

fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut buf);
    hex::encode(buf)
}

fn random_text(chars: usize) -> String {
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(chars)
        .map(char::from)
        .collect()
}

/// The live session behind a cookie, if any: not ended, within its idle time and whole life,
/// and its person not disabled. An expired one is ended on the way; a used one records its
/// use at most once a minute.
pub fn resume(
    conn: &mut DbConn,
    console: &Console,
    cookie: &str,
    now: NaiveDateTime,
) -> ServiceResult<Option<Resumed>> {
    if cookie.len() != 64 || !cookie.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    let id_hash = hash(cookie);
    let Some((session, person)) = rows::live_session(conn, &id_hash)? else {
        return Ok(None);
    };
    if person.disabled_at.is_some() {
        return Ok(None);
    }
    if !console
        .rules
        .live(session.created_at, session.last_seen_at, now)
    {
        rows::end_session(conn, &id_hash, now)?;
        return Ok(None);
    }
    if console.rules.needs_touch(session.last_seen_at, now) {
        rows::touch_session(conn, &id_hash, now)?;
    }
    Ok(Some(Resumed {
        totp_pending: console.require_totp && person.totp_secret_sealed.is_none(),
        id_hash,
        csrf_token: session.csrf_token,
        person,
    }))
}

/// Ends a session on the server, so its cookie no longer works anywhere.
pub fn sign_out(conn: &mut DbConn, now: NaiveDateTime, session: &Resumed) -> ServiceResult<()> {
    if rows::end_session(conn, &session.id_hash, now)? {
        let person = &session.person;
        record(
            conn,
            now,
            &session_actor(person, &session.id_hash).label,
            "person.sign_out",
            &person.id,
            json!({"email": person.email}),
        )?;
    }
    Ok(())
}

/// Why a password change was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordChange {
    WrongCurrent,
    Refused(PasswordRefusal),
}

/// Changes a person's own password once the current one is given.
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
            "person.change_password",
            &after.id,
            json!({"email": after.email}),
        )?;
        Ok(Ok(()))
    })
}

/// A new TOTP secret to show the person before they confirm it.
pub fn new_totp() -> Totp {
    let mut secret = vec![0u8; crate::domain::totp::SECRET_BYTES];
    rand::rngs::OsRng.fill_bytes(&mut secret);
    Totp::new(secret).expect("160 random bits make a valid secret")
}

/// Why turning TOTP on was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TotpChange {
    /// The secret carried back by the form is not one this service made.
    BadSecret,
    WrongCode,
}

/// Turns TOTP on for a person, once a code made from the shown secret proves their app has
/// it. The secret is stored sealed.
pub fn enable_totp(
    conn: &mut DbConn,
    console: &Console,
    now: NaiveDateTime,
    session: &Resumed,
    secret_base32: &str,
    code: &str,
) -> ServiceResult<Result<(), TotpChange>> {
    let person_id = session.person.id.as_str();
    let Ok(totp) = Totp::from_base32(secret_base32) else {
        return Ok(Err(TotpChange::BadSecret));
    };
    if !totp.check(code, now) {
        return Ok(Err(TotpChange::WrongCode));
    }
    let mut after = rows::find(conn, person_id)?.ok_or(ServiceError::NotFound("person"))?;
    after.totp_secret_sealed = Some(console.key.seal(
        TOTP_PURPOSE,
        &after.id,
        totp.base32().as_bytes(),
    ));
    rows::save(conn, &after)?;
    record(
        conn,
        now,
        &session_actor(&after, &session.id_hash).label,
        "person.totp_on",
        &after.id,
        json!({"email": after.email}),
    )?;
    Ok(Ok(()))
}
