//! People signing in to the console: the password (and TOTP code) checked, attempts counted
//! and failures audited, sessions kept on the server and ended there. The person's own account
//! (password, second factor) is in `account`.
//!
//! The password check (argon2id, tens of milliseconds of CPU) runs between two short writes,
//! never inside a transaction, so signing in holds no lock while it hashes. Callers run these
//! functions on the blocking pool, the password checks behind the process's hashing permits.

use super::people::{hash_password, verify_password};
use super::sealing::SealKey;
use super::{Account, Actor, ServiceResult, Store};
use crate::db::people::{self as rows, PersonRow, SessionRow};
use crate::db::{audit, DbConn};
use crate::domain::audit_action::Action;
use crate::domain::person::{Password, StaffEmail};
use crate::domain::secret::Secret;
use crate::domain::sign_in::{self as rules, SessionRules};
use crate::domain::totp::Totp;
use chrono::NaiveDateTime;
use rand::{distributions::Alphanumeric, Rng, RngCore};
use serde_json::json;
use sha2::{Digest, Sha256};
use std::sync::OnceLock;

/// What sealed TOTP secrets are sealed for.
pub(super) const TOTP_PURPOSE: &str = "totp";
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

pub(super) fn hash(value: &str) -> String {
    hex::encode(Sha256::digest(value.as_bytes()))
}

/// A hash to verify against when the address is unknown or has no password yet, made with
/// the same parameters as real ones so that every refusal costs the same time.
pub(super) fn dummy_hash() -> &'static str {
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

pub(super) fn totp_of(key: &SealKey, person: &PersonRow) -> Option<Totp> {
    let sealed = person.totp_secret_sealed.as_deref()?;
    let plain = key.open(TOTP_PURPOSE, &person.id, sealed)?;
    Totp::from_base32(std::str::from_utf8(&plain).ok()?).ok()
}

/// Whether the failures already counted lock this email or client out: a read, so that a
/// flood against a locked email or from a locked client is answered without waiting for a
/// hashing permit. [`sign_in`] counts again, atomically, before it judges.
pub fn locked_out(store: &Store, attempt: &Attempt) -> ServiceResult<Option<Refusal>> {
    let email = typed_email(&attempt.email);
    let since = rules::window_start(crate::clock::now());
    let (by_email, by_client) =
        store.read(|conn| Ok(rows::failures_since(conn, &email, &attempt.client, since)?))?;
    Ok(rules::locked_out(by_email, by_client).then(locked))
}

fn locked() -> Refusal {
    Refusal::LockedOut {
        retry_after_secs: rules::retry_after_secs(),
    }
}

/// What the second factor says about a sign-in whose password was right.
enum SecondFactor {
    /// The person has no TOTP.
    NotOn,
    /// A right code, not used before, of this step: accepted if the step is still unclaimed
    /// when the session is written.
    Step(i64),
    Wrong,
}

fn second_factor(
    console: &Console,
    person: &PersonRow,
    code: &str,
    now: NaiveDateTime,
) -> SecondFactor {
    if person.totp_secret_sealed.is_none() {
        return SecondFactor::NotOn;
    }
    // A secret this key cannot open lets nobody in rather than skipping the code.
    totp_of(&console.key, person)
        .and_then(|totp| totp.step_of(code, now))
        .filter(|step| crate::domain::totp::fresh(*step, person.totp_last_step))
        .map_or(SecondFactor::Wrong, SecondFactor::Step)
}

/// Whether `code` is a fresh code of the person's authenticator, claimed so that it confirms
/// one action only: the console asks for it (or the password) again before an approval.
pub fn confirm_with_totp(
    conn: &mut DbConn,
    console: &Console,
    person: &PersonRow,
    code: &str,
    now: NaiveDateTime,
) -> ServiceResult<bool> {
    match second_factor(console, person, code, now) {
        SecondFactor::Step(step) => Ok(rows::claim_totp_step(conn, &person.id, step)?),
        SecondFactor::NotOn | SecondFactor::Wrong => Ok(false),
    }
}

/// Checks a sign-in and, when it holds, starts a new session.
///
/// The attempt is written down as a failure before the password is verified, in a short
/// transaction that first counts the failures within the window (serialised across instances,
/// see [`rows::serialise_attempts`]): however many guesses arrive at once, no more than the
/// lockout allows are ever judged. A right answer takes its own row back when the session is
/// written; a wrong one leaves it and is audited.
pub fn sign_in(
    store: &Store,
    console: &Console,
    attempt: &Attempt,
) -> ServiceResult<Result<SignedIn, Refusal>> {
    let email = typed_email(&attempt.email);
    let attempt_id = uuid::Uuid::new_v4().to_string();
    let begun = store.write_aside(|conn, now| {
        rows::serialise_attempts(conn)?;
        let (by_email, by_client) =
            rows::failures_since(conn, &email, &attempt.client, rules::window_start(now))?;
        if rules::locked_out(by_email, by_client) {
            return Ok(None);
        }
        rows::note_attempt(conn, &attempt_id, &email, &attempt.client, now)?;
        Ok(Some(rows::find_by_email(conn, &email)?))
    })?;
    let Some(person) = begun else {
        return Ok(Err(locked()));
    };
    let now = crate::clock::now();
    let stored = person
        .as_ref()
        .and_then(|p| p.password_hash.as_deref())
        .unwrap_or_else(|| dummy_hash());
    let password_ok = verify_password(stored, &attempt.password);
    let judged = person
        .filter(|p| password_ok && p.password_hash.is_some() && p.disabled_at.is_none())
        .map(|p| {
            let second = second_factor(console, &p, &attempt.totp, now);
            (p, second)
        });
    store.write_aside(|conn, now| {
        let person = match judged {
            Some((person, SecondFactor::NotOn)) => Some(person),
            // Another sign-in with the same code may have claimed its step meanwhile.
            Some((person, SecondFactor::Step(step))) => {
                rows::claim_totp_step(conn, &person.id, step)?.then_some(person)
            }
            Some((_, SecondFactor::Wrong)) | None => None,
        };
        let Some(person) = person else {
            record(
                conn,
                now,
                "anonymous",
                Action::PersonSignInFailed,
                &email,
                json!({"email": email, "client": attempt.client}),
            )?;
            return Ok(Err(Refusal::WrongCredentials));
        };
        rows::forget_attempt(conn, &attempt_id)?;
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
            Action::PersonSignIn,
            &person.id,
            json!({"email": person.email, "client": attempt.client}),
        )?;
        Ok(Ok(SignedIn { cookie, person }))
    })
}

pub(super) fn record(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &str,
    action: Action,
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
            Action::PersonSignOut,
            &person.id,
            json!({"email": person.email}),
        )?;
    }
    Ok(())
}
