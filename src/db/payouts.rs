//! Payout batches and their lines. Once a batch is approved or cancelled, triggers in the
//! database refuse any change to it or its lines (migration `2026-11-27-000006_year_end`).

use super::schema::{payout_batches, payout_lines};
use super::DbConn;
use crate::domain::application::ParticipantRole;
use crate::domain::ids::{ApplicationId, BatchId, CampaignId, CheckId};
use crate::domain::payout::BatchStatus;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = payout_batches, treat_none_as_default_value = false)]
pub struct BatchRow {
    pub id: BatchId,
    pub campaign_id: CampaignId,
    pub year_end_check_id: CheckId,
    pub corrects: Option<BatchId>,
    pub status: BatchStatus,
    pub total_amount: i64,
    pub line_count: i32,
    pub created_by: String,
    pub created_by_token: Option<String>,
    pub created_at: NaiveDateTime,
    pub decided_by: Option<String>,
    pub decided_by_token: Option<String>,
    pub decided_at: Option<NaiveDateTime>,
    /// The account (person or machine account) that drafted it, and its name then.
    pub created_by_account: Option<String>,
    pub created_by_account_name: Option<String>,
    pub decided_by_account: Option<String>,
    pub decided_by_account_name: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = payout_lines)]
pub struct LineRow {
    pub batch_id: BatchId,
    pub office_number: String,
    pub participant_id: String,
    pub application_id: ApplicationId,
    pub role: ParticipantRole,
    pub amount: i64,
}

pub fn insert(conn: &mut DbConn, batch: &BatchRow, lines: &[LineRow]) -> QueryResult<()> {
    diesel::insert_into(payout_batches::table)
        .values(batch)
        .execute(conn)?;
    super::insert_all!(conn, payout_lines::table, lines)?;
    refresh_statistics(conn)
}

/// PostgreSQL plans a ledger page by its statistics; a batch of thousands of new lines, not
/// yet analyzed, made it sort every remaining line for each page (4 s for 100,000 lines).
/// SQLite needs none: it takes the primary key in order.
pub fn refresh_statistics(conn: &mut DbConn) -> QueryResult<()> {
    use diesel::connection::SimpleConnection;
    if let DbConn::Pg(pg) = conn {
        pg.batch_execute("ANALYZE payout_lines, participants")?;
    }
    Ok(())
}

pub fn find(conn: &mut DbConn, id: &BatchId) -> QueryResult<Option<BatchRow>> {
    payout_batches::table
        .find(id)
        .select(BatchRow::as_select())
        .first(conn)
        .optional()
}

pub fn lines(conn: &mut DbConn, batch_id: &BatchId) -> QueryResult<Vec<LineRow>> {
    payout_lines::table
        .filter(payout_lines::batch_id.eq(batch_id))
        .order(payout_lines::office_number.asc())
        .select(LineRow::as_select())
        .load(conn)
}

/// A page of a batch's lines in office-number order, the primary key's order, so the database
/// reads the page off the index instead of sorting the whole batch.
pub fn lines_page(
    conn: &mut DbConn,
    batch_id: &BatchId,
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<LineRow>> {
    payout_lines::table
        .filter(payout_lines::batch_id.eq(batch_id))
        .order(payout_lines::office_number.asc())
        .offset(offset)
        .limit(limit)
        .select(LineRow::as_select())
        .load(conn)
}

/// The campaign's batches, oldest first.
pub fn of_campaign(conn: &mut DbConn, campaign_id: &CampaignId) -> QueryResult<Vec<BatchRow>> {
    payout_batches::table
        .filter(payout_batches::campaign_id.eq(campaign_id))
        .order(payout_batches::created_at.asc())
        .select(BatchRow::as_select())
        .load(conn)
}

/// What approved batches pay each office so far, by office number.
pub fn approved_per_office(
    conn: &mut DbConn,
    campaign_id: &CampaignId,
) -> QueryResult<std::collections::BTreeMap<String, i64>> {
    let rows: Vec<(String, i64)> = payout_lines::table
        .inner_join(payout_batches::table)
        .filter(payout_batches::campaign_id.eq(campaign_id))
        .filter(payout_batches::status.eq(BatchStatus::Approved))
        .select((payout_lines::office_number, payout_lines::amount))
        .load(conn)?;
    let mut paid = std::collections::BTreeMap::new();
    for (office, amount) in rows {
        *paid.entry(office).or_insert(0) += amount;
    }
    Ok(paid)
}

/// The offices of a batch's positive lines whose participation is no longer accepted
/// (withdrawn, disqualified or voided since the check), in office-number order.
pub fn departed_payees(conn: &mut DbConn, batch_id: &BatchId) -> QueryResult<Vec<String>> {
    use super::schema::participants;
    use crate::domain::participation::Status;
    payout_lines::table
        .inner_join(participants::table)
        .filter(payout_lines::batch_id.eq(batch_id))
        .filter(payout_lines::amount.gt(0))
        .filter(participants::status.ne(Status::Accepted))
        .order(payout_lines::office_number.asc())
        .select(payout_lines::office_number)
        .load(conn)
}

/// Every line of the campaign's approved batches.
pub fn approved_lines(
    conn: &mut DbConn,
    campaign_id: &CampaignId,
) -> QueryResult<Vec<crate::domain::payout::Paid>> {
    let rows: Vec<(String, ParticipantRole, i64)> = payout_lines::table
        .inner_join(payout_batches::table)
        .filter(payout_batches::campaign_id.eq(campaign_id))
        .filter(payout_batches::status.eq(BatchStatus::Approved))
        .select((
            payout_lines::office_number,
            payout_lines::role,
            payout_lines::amount,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(office_number, role, amount)| crate::domain::payout::Paid {
                office_number,
                role,
                amount,
            },
        )
        .collect())
}

/// Who decides a batch: the actor's label, the token it came through, its account.
pub struct Decider<'a> {
    pub label: &'a str,
    pub token: Option<&'a str>,
    pub account: Option<(&'a str, &'a str)>,
}

/// Moves a draft to `status`, recording who decided; false when it was no longer a draft.
pub fn decide(
    conn: &mut DbConn,
    id: &BatchId,
    status: BatchStatus,
    by: &Decider<'_>,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let updated = diesel::update(
        payout_batches::table
            .find(id)
            .filter(payout_batches::status.eq(BatchStatus::Draft)),
    )
    .set((
        payout_batches::status.eq(status),
        payout_batches::decided_by.eq(Some(by.label)),
        payout_batches::decided_by_token.eq(by.token),
        payout_batches::decided_at.eq(Some(at)),
        payout_batches::decided_by_account.eq(by.account.map(|(id, _)| id)),
        payout_batches::decided_by_account_name.eq(by.account.map(|(_, name)| name)),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}

/// A page of a batch's lines with the office and application they pay, in office-number
/// order after `after_office`. Two bounded queries, the page first: joined in one, PostgreSQL
/// (its statistics not yet gathered on a new batch) joined every remaining line before
/// sorting, 170 ms a page of a 100,000-line batch.
pub fn ledger_page(
    conn: &mut DbConn,
    batch_id: &BatchId,
    after_office: &str,
    limit: i64,
) -> QueryResult<
    Vec<(
        LineRow,
        super::applications::ParticipantRow,
        crate::domain::application::Tier,
    )>,
> {
    use super::schema::{applications, participants};
    let page: Vec<LineRow> = payout_lines::table
        .filter(payout_lines::batch_id.eq(batch_id))
        .filter(payout_lines::office_number.gt(after_office))
        .order(payout_lines::office_number.asc())
        .limit(limit)
        .select(LineRow::as_select())
        .load(conn)?;
    let ids: Vec<&String> = page.iter().map(|l| &l.participant_id).collect();
    let mut offices: std::collections::HashMap<
        String,
        (
            super::applications::ParticipantRow,
            crate::domain::application::Tier,
        ),
    > = participants::table
        .inner_join(applications::table)
        .filter(participants::id.eq_any(ids))
        .select((
            super::applications::ParticipantRow::as_select(),
            applications::tier,
        ))
        .load::<(
            super::applications::ParticipantRow,
            crate::domain::application::Tier,
        )>(conn)?
        .into_iter()
        .map(|(p, tier)| (p.id.clone(), (p, tier)))
        .collect();
    Ok(page
        .into_iter()
        .filter_map(|line| {
            offices
                .remove(&line.participant_id)
                .map(|(office, tier)| (line, office, tier))
        })
        .collect())
}
