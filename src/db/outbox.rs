//! The email outbox: messages waiting to be delivered, and every delivery attempt.

use super::schema::{outbox_attempts, outbox_messages};
use super::DbConn;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

pub const QUEUED: &str = "queued";
pub const SENDING: &str = "sending";
pub const SENT: &str = "sent";
pub const RETRYING: &str = "retrying";
pub const FAILED: &str = "failed";

#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = outbox_messages, treat_none_as_default_value = false)]
pub struct MessageRow {
    pub id: String,
    pub message_id: String,
    pub kind: String,
    pub campaign_id: Option<String>,
    pub application_id: Option<String>,
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub lease_until: Option<NaiveDateTime>,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = outbox_attempts)]
pub struct AttemptRow {
    pub id: String,
    pub outbox_id: String,
    pub attempt: i32,
    pub at: NaiveDateTime,
    pub outcome: String,
    pub reply: String,
}

pub fn insert(conn: &mut DbConn, rows: &[MessageRow]) -> QueryResult<()> {
    super::insert_all!(conn, outbox_messages::table, rows).map(drop)
}

pub fn find(conn: &mut DbConn, id: &str) -> QueryResult<Option<MessageRow>> {
    outbox_messages::table
        .find(id)
        .select(MessageRow::as_select())
        .first(conn)
        .optional()
}

pub fn attempts(conn: &mut DbConn, id: &str) -> QueryResult<Vec<AttemptRow>> {
    outbox_attempts::table
        .filter(outbox_attempts::outbox_id.eq(id))
        .order(outbox_attempts::attempt.asc())
        .select(AttemptRow::as_select())
        .load(conn)
}

#[derive(Debug, Default, Clone)]
pub struct ListFilter {
    pub status: Option<String>,
    pub recipient: Option<String>,
    pub application_id: Option<String>,
}

pub fn list(
    conn: &mut DbConn,
    filter: &ListFilter,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<MessageRow>, i64)> {
    let filtered = || {
        let mut q = outbox_messages::table.into_boxed();
        if let Some(s) = &filter.status {
            q = q.filter(outbox_messages::status.eq(s.clone()));
        }
        if let Some(r) = &filter.recipient {
            q = q.filter(outbox_messages::recipient.eq(r.clone()));
        }
        if let Some(a) = &filter.application_id {
            q = q.filter(outbox_messages::application_id.eq(a.clone()));
        }
        q
    };
    let total = filtered().count().get_result(conn)?;
    let rows = filtered()
        .order((outbox_messages::created_at.asc(), outbox_messages::id.asc()))
        .offset(offset)
        .limit(limit)
        .select(MessageRow::as_select())
        .load(conn)?;
    Ok((rows, total))
}

#[derive(QueryableByName)]
struct ClaimedId {
    #[diesel(sql_type = diesel::sql_types::Text)]
    id: String,
}

/// Takes the next due message for this worker: queued or retrying and due, or `sending` whose
/// lease ran out (its worker died mid-send). The lease keeps other workers off it meanwhile.
pub fn claim_next(
    conn: &mut DbConn,
    now: NaiveDateTime,
    lease_until: NaiveDateTime,
) -> QueryResult<Option<MessageRow>> {
    let id = match conn {
        // One statement: SKIP LOCKED lets several instances claim different rows at once.
        DbConn::Pg(pg) => diesel::sql_query(
            "UPDATE outbox_messages SET status = 'sending', attempts = attempts + 1, \
             lease_until = $1, updated_at = $2 \
             WHERE id = (SELECT id FROM outbox_messages \
                 WHERE (status IN ('queued', 'retrying') AND next_attempt_at <= $2) \
                    OR (status = 'sending' AND lease_until < $2) \
                 ORDER BY next_attempt_at, created_at LIMIT 1 FOR UPDATE SKIP LOCKED) \
             RETURNING id",
        )
        .bind::<diesel::sql_types::Timestamp, _>(lease_until)
        .bind::<diesel::sql_types::Timestamp, _>(now)
        .get_result::<ClaimedId>(pg)
        .optional()?
        .map(|c| c.id),
        DbConn::Sqlite(_) => super::write_transaction(conn, |conn| {
            let due = outbox_messages::status
                .eq_any([QUEUED, RETRYING])
                .and(outbox_messages::next_attempt_at.le(now))
                .or(outbox_messages::status
                    .eq(SENDING)
                    .and(outbox_messages::lease_until.lt(now)));
            let id: Option<String> = outbox_messages::table
                .filter(due)
                .order((
                    outbox_messages::next_attempt_at.asc(),
                    outbox_messages::created_at.asc(),
                ))
                .select(outbox_messages::id)
                .first(conn)
                .optional()?;
            if let Some(id) = &id {
                diesel::update(outbox_messages::table.find(id))
                    .set((
                        outbox_messages::status.eq(SENDING),
                        outbox_messages::attempts.eq(outbox_messages::attempts + 1),
                        outbox_messages::lease_until.eq(Some(lease_until)),
                        outbox_messages::updated_at.eq(now),
                    ))
                    .execute(conn)?;
            }
            Ok::<_, diesel::result::Error>(id)
        })?,
    };
    match id {
        Some(id) => find(conn, &id),
        None => Ok(None),
    }
}

/// Records one attempt and the message's state after it, in one transaction.
pub fn record_attempt(
    conn: &mut DbConn,
    message: &MessageRow,
    status: &str,
    outcome: &str,
    reply: &str,
    next_attempt_at: NaiveDateTime,
    now: NaiveDateTime,
) -> QueryResult<()> {
    super::write_transaction(conn, |conn| {
        let earlier: i64 = outbox_attempts::table
            .filter(outbox_attempts::outbox_id.eq(&message.id))
            .count()
            .get_result(conn)?;
        diesel::insert_into(outbox_attempts::table)
            .values(&AttemptRow {
                id: uuid::Uuid::new_v4().to_string(),
                outbox_id: message.id.clone(),
                attempt: earlier as i32 + 1,
                at: now,
                outcome: outcome.to_owned(),
                reply: reply.to_owned(),
            })
            .execute(conn)?;
        diesel::update(outbox_messages::table.find(&message.id))
            .set((
                outbox_messages::status.eq(status),
                outbox_messages::next_attempt_at.eq(next_attempt_at),
                outbox_messages::lease_until.eq(None::<NaiveDateTime>),
                outbox_messages::last_error.eq((outcome != "sent").then_some(reply)),
                outbox_messages::sent_at.eq((status == SENT).then_some(now)),
                outbox_messages::updated_at.eq(now),
            ))
            .execute(conn)
            .map(drop)
    })
}

/// Puts a message back in the queue to be sent again now, with a fresh count of retries.
pub fn requeue(conn: &mut DbConn, id: &str, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(outbox_messages::table.find(id))
        .set((
            outbox_messages::status.eq(QUEUED),
            outbox_messages::attempts.eq(0),
            outbox_messages::next_attempt_at.eq(now),
            outbox_messages::lease_until.eq(None::<NaiveDateTime>),
            outbox_messages::updated_at.eq(now),
        ))
        .execute(conn)
}
