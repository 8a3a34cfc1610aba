//! The email outbox: messages waiting to be delivered, and every delivery attempt.

use super::schema::{outbox_attempts, outbox_messages};
use super::DbConn;
use crate::domain::ids::{ApplicationId, CampaignId, MessageId};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::domain::delivery::{AttemptOutcome, DeliveryStatus};

#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = outbox_messages, treat_none_as_default_value = false)]
pub struct MessageRow {
    pub id: MessageId,
    pub message_id: String,
    pub kind: String,
    pub campaign_id: Option<CampaignId>,
    pub application_id: Option<ApplicationId>,
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    pub status: DeliveryStatus,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub lease_until: Option<NaiveDateTime>,
    /// The worker holding the lease; only it may renew it or record the attempt.
    pub lease_owner: Option<String>,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
    pub updated_at: NaiveDateTime,
    /// The campaign contact's address when the message was written.
    pub reply_to: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = outbox_attempts)]
pub struct AttemptRow {
    pub id: String,
    pub outbox_id: MessageId,
    pub attempt: i32,
    pub at: NaiveDateTime,
    pub outcome: AttemptOutcome,
    pub reply: String,
}

pub fn insert(conn: &mut DbConn, rows: &[MessageRow]) -> QueryResult<()> {
    super::insert_all!(conn, outbox_messages::table, rows).map(drop)
}

pub fn find(conn: &mut DbConn, id: &MessageId) -> QueryResult<Option<MessageRow>> {
    outbox_messages::table
        .find(id)
        .select(MessageRow::as_select())
        .first(conn)
        .optional()
}

pub fn attempts(conn: &mut DbConn, id: &MessageId) -> QueryResult<Vec<AttemptRow>> {
    outbox_attempts::table
        .filter(outbox_attempts::outbox_id.eq(id))
        .order(outbox_attempts::attempt.asc())
        .select(AttemptRow::as_select())
        .load(conn)
}

#[derive(Debug, Default, Clone)]
pub struct ListFilter {
    pub status: Option<DeliveryStatus>,
    pub recipient: Option<String>,
    pub application_id: Option<ApplicationId>,
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
            q = q.filter(outbox_messages::status.eq(*s));
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
    id: MessageId,
}

/// A message this worker claimed, and the lease it holds on it.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub message: MessageRow,
    pub owner: String,
}

/// Takes the next due message for this worker: queued or retrying and due, or `sending` whose
/// lease ran out (its worker died mid-send). The lease, under a fresh owner id, keeps other
/// workers off it meanwhile.
pub fn claim_next(
    conn: &mut DbConn,
    now: NaiveDateTime,
    lease_until: NaiveDateTime,
) -> QueryResult<Option<Claimed>> {
    let owner = uuid::Uuid::new_v4().to_string();
    let id = match conn {
        // One statement: SKIP LOCKED lets several instances claim different rows at once.
        DbConn::Pg(pg) => diesel::sql_query(
            "UPDATE outbox_messages SET status = 'sending', attempts = attempts + 1, \
             lease_until = $1, lease_owner = $2, updated_at = $3 \
             WHERE id = COALESCE( \
                 (SELECT id FROM outbox_messages \
                   WHERE status IN ('queued', 'retrying') AND next_attempt_at <= $3 \
                   ORDER BY next_attempt_at, created_at LIMIT 1 FOR UPDATE SKIP LOCKED), \
                 (SELECT id FROM outbox_messages \
                   WHERE status = 'sending' AND lease_until < $3 \
                   LIMIT 1 FOR UPDATE SKIP LOCKED)) \
             RETURNING id",
        )
        .bind::<diesel::sql_types::Timestamp, _>(lease_until)
        .bind::<diesel::sql_types::Text, _>(&owner)
        .bind::<diesel::sql_types::Timestamp, _>(now)
        .get_result::<ClaimedId>(pg)
        .optional()?
        .map(|c| c.id),
        DbConn::Sqlite(_) => super::write_transaction(conn, |conn| {
            // Two lookups, each over pending messages only (`outbox_messages_pending`): one
            // query with OR made SQLite scan every message ever sent, under the write lock, a
            // cost that grew with the campaign and held up intake.
            // SQLite's planner would rather take (status, next_attempt_at) and sort the whole
            // backlog on every claim; the pending index hands over the earliest in order.
            let due = diesel::sql_query(
                "SELECT id FROM outbox_messages INDEXED BY outbox_messages_pending \
                 WHERE status IN ('queued', 'retrying') AND next_attempt_at <= $1 \
                 ORDER BY next_attempt_at, created_at LIMIT 1",
            )
            .bind::<diesel::sql_types::Timestamp, _>(now)
            .get_result::<ClaimedId>(conn)
            .optional()?
            .map(|c| c.id);
            let id = match due {
                Some(id) => Some(id),
                None => outbox_messages::table
                    .filter(outbox_messages::status.eq(DeliveryStatus::Sending))
                    .filter(outbox_messages::lease_until.lt(now))
                    .select(outbox_messages::id)
                    .first(conn)
                    .optional()?,
            };
            if let Some(id) = &id {
                diesel::update(outbox_messages::table.find(id))
                    .set((
                        outbox_messages::status.eq(DeliveryStatus::Sending),
                        outbox_messages::attempts.eq(outbox_messages::attempts + 1),
                        outbox_messages::lease_until.eq(Some(lease_until)),
                        outbox_messages::lease_owner.eq(Some(&owner)),
                        outbox_messages::updated_at.eq(now),
                    ))
                    .execute(conn)?;
            }
            Ok::<_, diesel::result::Error>(id)
        })?,
    };
    match id {
        Some(id) => Ok(find(conn, &id)?.map(|message| Claimed { message, owner })),
        None => Ok(None),
    }
}

/// The message row, while it is still under `claimed`'s lease.
type StillLeased<'a> = diesel::dsl::Filter<
    diesel::dsl::Find<outbox_messages::table, &'a MessageId>,
    diesel::dsl::And<
        diesel::dsl::Eq<outbox_messages::status, DeliveryStatus>,
        diesel::dsl::Eq<outbox_messages::lease_owner, &'a String>,
    >,
>;

fn still_leased(claimed: &Claimed) -> StillLeased<'_> {
    outbox_messages::table.find(&claimed.message.id).filter(
        outbox_messages::status
            .eq(DeliveryStatus::Sending)
            .and(outbox_messages::lease_owner.eq(&claimed.owner)),
    )
}

/// Extends the lease while a slow delivery goes on; false when the lease is no longer this
/// worker's (another took the message over), in which case it must not record anything.
pub fn renew_lease(
    conn: &mut DbConn,
    claimed: &Claimed,
    lease_until: NaiveDateTime,
) -> QueryResult<bool> {
    let renewed = diesel::update(still_leased(claimed))
        .set(outbox_messages::lease_until.eq(Some(lease_until)))
        .execute(conn)?;
    Ok(renewed == 1)
}

/// What became of one attempt, to be recorded.
pub struct AttemptResult<'a> {
    pub status: DeliveryStatus,
    pub outcome: AttemptOutcome,
    pub reply: &'a str,
    pub next_attempt_at: NaiveDateTime,
}

/// Records one attempt and the message's state after it, in one transaction, if the lease is
/// still this worker's; returns false (recording nothing) when it is not.
pub fn record_attempt(
    conn: &mut DbConn,
    claimed: &Claimed,
    result: &AttemptResult<'_>,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    super::write_transaction(conn, |conn| {
        let updated = diesel::update(still_leased(claimed))
            .set((
                outbox_messages::status.eq(result.status),
                outbox_messages::next_attempt_at.eq(result.next_attempt_at),
                outbox_messages::lease_until.eq(None::<NaiveDateTime>),
                outbox_messages::lease_owner.eq(None::<String>),
                outbox_messages::last_error
                    .eq((result.outcome != AttemptOutcome::Sent).then_some(result.reply)),
                outbox_messages::sent_at.eq((result.status == DeliveryStatus::Sent).then_some(now)),
                outbox_messages::updated_at.eq(now),
            ))
            .execute(conn)?;
        if updated == 0 {
            return Ok(false);
        }
        let earlier: i64 = outbox_attempts::table
            .filter(outbox_attempts::outbox_id.eq(&claimed.message.id))
            .count()
            .get_result(conn)?;
        diesel::insert_into(outbox_attempts::table)
            .values(&AttemptRow {
                id: uuid::Uuid::now_v7().to_string(),
                outbox_id: claimed.message.id.clone(),
                attempt: earlier as i32 + 1,
                at: now,
                outcome: result.outcome,
                reply: result.reply.to_owned(),
            })
            .execute(conn)?;
        Ok(true)
    })
}

/// Puts a message back in the queue to be sent again now, with a fresh count of retries.
pub fn requeue(conn: &mut DbConn, id: &MessageId, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(outbox_messages::table.find(id))
        .set((
            outbox_messages::status.eq(DeliveryStatus::Queued),
            outbox_messages::attempts.eq(0),
            outbox_messages::next_attempt_at.eq(now),
            outbox_messages::lease_until.eq(None::<NaiveDateTime>),
            outbox_messages::lease_owner.eq(None::<String>),
            outbox_messages::updated_at.eq(now),
        ))
        .execute(conn)
}

/// Messages per status.
pub fn depth(conn: &mut DbConn) -> QueryResult<Vec<(DeliveryStatus, i64)>> {
    use diesel::dsl::count_star;
    outbox_messages::table
        .group_by(outbox_messages::status)
        .select((outbox_messages::status, count_star()))
        .load(conn)
}
