//! Staff people, their console sessions and failed sign-ins.

use super::schema::{api_tokens, people, sign_in_failures, staff_sessions};
use super::tokens::TokenRow;
use super::DbConn;
use crate::domain::role::Role;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = people, treat_none_as_null = true)]
pub struct PersonRow {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: Role,
    #[serde(skip)]
    pub password_hash: Option<String>,
    #[serde(skip)]
    pub totp_secret_sealed: Option<String>,
    #[serde(skip)]
    pub welcome_hash: Option<String>,
    pub welcome_expires_at: Option<NaiveDateTime>,
    pub disabled_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub created_by: String,
    /// The last TOTP step accepted; moved only by [`claim_totp_step`] and [`set_totp`].
    #[serde(skip)]
    pub totp_last_step: Option<i64>,
}

pub fn insert(conn: &mut DbConn, row: &PersonRow) -> QueryResult<()> {
    diesel::insert_into(people::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

pub fn find(conn: &mut DbConn, id: &str) -> QueryResult<Option<PersonRow>> {
    people::table
        .find(id)
        .select(PersonRow::as_select())
        .first(conn)
        .optional()
}

pub fn find_by_email(conn: &mut DbConn, email: &str) -> QueryResult<Option<PersonRow>> {
    people::table
        .filter(people::email.eq(email))
        .select(PersonRow::as_select())
        .first(conn)
        .optional()
}

pub fn find_by_welcome(conn: &mut DbConn, hash: &str) -> QueryResult<Option<PersonRow>> {
    people::table
        .filter(people::welcome_hash.eq(hash))
        .select(PersonRow::as_select())
        .first(conn)
        .optional()
}

pub fn list(conn: &mut DbConn) -> QueryResult<Vec<PersonRow>> {
    people::table
        .order(people::email.asc())
        .select(PersonRow::as_select())
        .load(conn)
}

/// Each person's latest session start among the sessions kept (an index on `person_id`).
pub fn latest_sessions(conn: &mut DbConn) -> QueryResult<Vec<(String, NaiveDateTime)>> {
    use diesel::dsl::max;
    let found: Vec<(String, Option<NaiveDateTime>)> = staff_sessions::table
        .group_by(staff_sessions::person_id)
        .select((staff_sessions::person_id, max(staff_sessions::created_at)))
        .load(conn)?;
    Ok(found
        .into_iter()
        .filter_map(|(person, at)| Some((person, at?)))
        .collect())
}

/// Writes the person's fields as given, but the TOTP step, which only moves forward through
/// its own guarded statements.
pub fn save(conn: &mut DbConn, row: &PersonRow) -> QueryResult<()> {
    diesel::update(people::table.find(&row.id))
        .set((
            people::name.eq(&row.name),
            people::role.eq(row.role),
            people::password_hash.eq(&row.password_hash),
            people::totp_secret_sealed.eq(&row.totp_secret_sealed),
            people::welcome_hash.eq(&row.welcome_hash),
            people::welcome_expires_at.eq(row.welcome_expires_at),
            people::disabled_at.eq(row.disabled_at),
        ))
        .execute(conn)
        .map(drop)
}

/// Ends every live session of the person; how many.
pub fn end_sessions(conn: &mut DbConn, person_id: &str, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        staff_sessions::table
            .filter(staff_sessions::person_id.eq(person_id))
            .filter(staff_sessions::ended_at.is_null()),
    )
    .set(staff_sessions::ended_at.eq(Some(at)))
    .execute(conn)
}

/// The person's tokens that still work.
pub fn live_tokens(conn: &mut DbConn, person_id: &str) -> QueryResult<Vec<TokenRow>> {
    api_tokens::table
        .filter(api_tokens::person_id.eq(person_id))
        .filter(api_tokens::revoked_at.is_null())
        .order(api_tokens::created_at.asc())
        .select(TokenRow::as_select())
        .load(conn)
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = staff_sessions)]
pub struct SessionRow {
    pub id_hash: String,
    pub person_id: String,
    pub csrf_token: String,
    pub created_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
    pub ended_at: Option<NaiveDateTime>,
}

pub fn insert_session(conn: &mut DbConn, row: &SessionRow) -> QueryResult<()> {
    diesel::insert_into(staff_sessions::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// A session that has not been ended, with its person.
pub fn live_session(
    conn: &mut DbConn,
    id_hash: &str,
) -> QueryResult<Option<(SessionRow, PersonRow)>> {
    staff_sessions::table
        .inner_join(people::table)
        .filter(staff_sessions::id_hash.eq(id_hash))
        .filter(staff_sessions::ended_at.is_null())
        .select((SessionRow::as_select(), PersonRow::as_select()))
        .first(conn)
        .optional()
}

pub fn touch_session(conn: &mut DbConn, id_hash: &str, at: NaiveDateTime) -> QueryResult<()> {
    diesel::update(staff_sessions::table.find(id_hash))
        .set(staff_sessions::last_seen_at.eq(at))
        .execute(conn)
        .map(drop)
}

pub fn end_session(conn: &mut DbConn, id_hash: &str, at: NaiveDateTime) -> QueryResult<bool> {
    diesel::update(
        staff_sessions::table
            .find(id_hash)
            .filter(staff_sessions::ended_at.is_null()),
    )
    .set(staff_sessions::ended_at.eq(Some(at)))
    .execute(conn)
    .map(|n| n == 1)
}

/// Makes the failure count and the attempt written after it one step for every instance:
/// PostgreSQL takes a transaction-scoped advisory lock (READ COMMITTED would let two
/// transactions each count four and each add a fifth); SQLite's write transaction already
/// holds the database's only write lock from its first statement.
pub fn serialise_attempts(conn: &mut DbConn) -> QueryResult<()> {
    /// Any fixed number; this is the only advisory lock the service takes.
    const SIGN_IN_ATTEMPTS: i64 = 0x5167_6e49;
    match conn {
        DbConn::Sqlite(_) => Ok(()),
        DbConn::Pg(pg) => diesel::sql_query("SELECT pg_advisory_xact_lock($1)")
            .bind::<diesel::sql_types::BigInt, _>(SIGN_IN_ATTEMPTS)
            .execute(pg)
            .map(drop),
    }
}

/// Writes down a sign-in attempt as a failure, before it is judged.
pub fn note_attempt(
    conn: &mut DbConn,
    attempt_id: &str,
    email: &str,
    address: &str,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(sign_in_failures::table)
        .values((
            sign_in_failures::email.eq(email),
            sign_in_failures::address.eq(address),
            sign_in_failures::at.eq(at),
            sign_in_failures::attempt_id.eq(attempt_id),
        ))
        .execute(conn)
        .map(drop)
}

/// Forgets sign-in failures from before `before` (the lockout looks back 15 minutes; every
/// failure stays in the audit trail) and sessions ended, or last seen, before it. Without
/// this a flood of sign-ins grows the table for ever. How many rows went.
pub fn forget_stale(conn: &mut DbConn, before: NaiveDateTime) -> QueryResult<usize> {
    let failures = diesel::delete(sign_in_failures::table.filter(sign_in_failures::at.lt(before)))
        .execute(conn)?;
    let sessions = diesel::delete(
        staff_sessions::table.filter(
            staff_sessions::ended_at
                .lt(before)
                .or(staff_sessions::last_seen_at.lt(before)),
        ),
    )
    .execute(conn)?;
    Ok(failures + sessions)
}

/// Takes back an attempt that turned out right, or that was never judged.
pub fn forget_attempt(conn: &mut DbConn, attempt_id: &str) -> QueryResult<()> {
    diesel::delete(sign_in_failures::table.filter(sign_in_failures::attempt_id.eq(attempt_id)))
        .execute(conn)
        .map(drop)
}

/// Records `step` as the person's last accepted TOTP step when it is later than the one
/// recorded; whether it was. One statement, so two requests with one code cannot both pass.
pub fn claim_totp_step(conn: &mut DbConn, person_id: &str, step: i64) -> QueryResult<bool> {
    diesel::update(
        people::table.find(person_id).filter(
            people::totp_last_step
                .is_null()
                .or(people::totp_last_step.lt(step)),
        ),
    )
    .set(people::totp_last_step.eq(step))
    .execute(conn)
    .map(|n| n == 1)
}

/// Sets the person's (sealed) TOTP secret, with the step of the code that confirmed it as the
/// last one accepted.
pub fn set_totp(conn: &mut DbConn, person_id: &str, sealed: &str, step: i64) -> QueryResult<()> {
    diesel::update(people::table.find(person_id))
        .set((
            people::totp_secret_sealed.eq(sealed),
            people::totp_last_step.eq(step),
        ))
        .execute(conn)
        .map(drop)
}

/// Sets the password chosen through a one-time link and closes the link, only while the link
/// is still the person's and still open: whether it was. Under READ COMMITTED the condition is
/// evaluated again after waiting on a concurrent update, so of two posts of one link exactly
/// one changes the row.
pub fn consume_welcome(
    conn: &mut DbConn,
    person_id: &str,
    welcome_hash: &str,
    now: NaiveDateTime,
    password_hash: &str,
) -> QueryResult<bool> {
    diesel::update(
        people::table
            .find(person_id)
            .filter(people::welcome_hash.eq(welcome_hash))
            .filter(people::welcome_expires_at.gt(now))
            .filter(people::disabled_at.is_null()),
    )
    .set((
        people::password_hash.eq(password_hash),
        people::welcome_hash.eq(None::<String>),
        people::welcome_expires_at.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)
    .map(|n| n == 1)
}

/// Failed sign-ins since `since`: for this email, and from this address.
pub fn failures_since(
    conn: &mut DbConn,
    email: &str,
    address: &str,
    since: NaiveDateTime,
) -> QueryResult<(i64, i64)> {
    let by_email = sign_in_failures::table
        .filter(sign_in_failures::email.eq(email))
        .filter(sign_in_failures::at.ge(since))
        .count()
        .get_result(conn)?;
    let by_address = sign_in_failures::table
        .filter(sign_in_failures::address.eq(address))
        .filter(sign_in_failures::at.ge(since))
        .count()
        .get_result(conn)?;
    Ok((by_email, by_address))
}
