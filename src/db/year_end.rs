//! Checkpoints and year-end checks with their results (usage lists are `db::usage_lists`).

use super::applications::ParticipantRow;
use super::schema::{
    applications, checkpoint_reminders, checkpoints, participants, year_end_checks,
    year_end_results,
};
use super::usage_lists::OFFICE_CHUNK;
use super::DbConn;
use crate::domain::application::ParticipantRole;
use crate::domain::ids::{ApplicationId, CampaignId, CheckId};
use crate::domain::participation::Status;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset, Serialize)]
#[diesel(table_name = checkpoints, treat_none_as_null = true)]
pub struct CheckpointRow {
    pub participant_id: String,
    pub campaign_id: CampaignId,
    pub office_number: String,
    pub usage_started_on: Option<NaiveDate>,
    pub start_survey_answered: bool,
    pub end_survey_answered: bool,
    pub workflow_change_confirmed: bool,
    pub linkage_confirmed: bool,
    pub continued_use_attested_reason: Option<String>,
    pub updated_at: NaiveDateTime,
    pub updated_by: String,
    /// When the attestation was last given: it stands in only for lists imported before then.
    pub continued_use_attested_at: Option<NaiveDateTime>,
}

/// An accepted office with when its application came in and what is recorded for it.
pub struct AcceptedOffice {
    pub participant: ParticipantRow,
    pub submitted_at: NaiveDateTime,
    pub checkpoints: Option<CheckpointRow>,
}

/// Every accepted office of the campaign, by office number.
pub fn accepted_offices(
    conn: &mut DbConn,
    campaign_id: &CampaignId,
) -> QueryResult<Vec<AcceptedOffice>> {
    load_accepted(conn, campaign_id, None)
}

/// A page of the campaign's accepted offices by office number, and how many there are.
pub fn accepted_offices_page(
    conn: &mut DbConn,
    campaign_id: &CampaignId,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<AcceptedOffice>, i64)> {
    let total = participants::table
        .filter(participants::campaign_id.eq(campaign_id))
        .filter(participants::status.eq(Status::Accepted))
        .count()
        .get_result(conn)?;
    Ok((
        load_accepted(conn, campaign_id, Some((offset, limit)))?,
        total,
    ))
}

/// A campaign's accepted offices with their applications and checkpoints, by office number.
#[diesel::dsl::auto_type(no_type_alias)]
fn accepted_in<'a>(campaign_id: &'a CampaignId) -> _ {
    let accepted: Status = Status::Accepted;
    participants::table
        .inner_join(applications::table)
        .left_join(checkpoints::table)
        .filter(participants::campaign_id.eq(campaign_id))
        .filter(participants::status.eq(accepted))
        .order(participants::office_number.asc())
}

fn load_accepted(
    conn: &mut DbConn,
    campaign_id: &CampaignId,
    window: Option<(i64, i64)>,
) -> QueryResult<Vec<AcceptedOffice>> {
    let mut query = accepted_in(campaign_id)
        .select((
            ParticipantRow::as_select(),
            applications::submitted_at,
            Option::<CheckpointRow>::as_select(),
        ))
        .into_boxed();
    if let Some((offset, limit)) = window {
        query = query.offset(offset).limit(limit);
    }
    let rows: Vec<(ParticipantRow, NaiveDateTime, Option<CheckpointRow>)> = query.load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(participant, submitted_at, checkpoints)| AcceptedOffice {
            participant,
            submitted_at,
            checkpoints,
        })
        .collect())
}

/// What the check reads of an accepted office's row: no names, addresses or emails, of which
/// a national check would otherwise hold 100,000.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = participants)]
pub struct JudgedParticipant {
    pub id: String,
    pub application_id: ApplicationId,
    pub office_number: String,
    pub using_system_since: Option<NaiveDate>,
    pub role: ParticipantRole,
    pub honorarium_yen: i64,
}

/// An accepted office as the check reads it.
pub struct OfficeToJudge {
    pub participant: JudgedParticipant,
    pub submitted_at: NaiveDateTime,
    pub checkpoints: Option<CheckpointRow>,
}

impl From<&AcceptedOffice> for OfficeToJudge {
    fn from(o: &AcceptedOffice) -> Self {
        let p = &o.participant;
        OfficeToJudge {
            participant: JudgedParticipant {
                id: p.id.clone(),
                application_id: p.application_id.clone(),
                office_number: p.office_number.clone(),
                using_system_since: p.using_system_since,
                role: p.role,
                honorarium_yen: p.honorarium_yen,
            },
            submitted_at: o.submitted_at,
            checkpoints: o.checkpoints.clone(),
        }
    }
}

/// Every accepted office of the campaign as the check reads it, by office number.
pub fn offices_to_judge(
    conn: &mut DbConn,
    campaign_id: &CampaignId,
) -> QueryResult<Vec<OfficeToJudge>> {
    let rows: Vec<(JudgedParticipant, NaiveDateTime, Option<CheckpointRow>)> =
        accepted_in(campaign_id)
            .select((
                JudgedParticipant::as_select(),
                applications::submitted_at,
                Option::<CheckpointRow>::as_select(),
            ))
            .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(participant, submitted_at, checkpoints)| OfficeToJudge {
            participant,
            submitted_at,
            checkpoints,
        })
        .collect())
}

/// The accepted office with this number in the campaign, if there is one.
pub fn accepted_office(
    conn: &mut DbConn,
    campaign_id: &CampaignId,
    office_number: &str,
) -> QueryResult<Option<AcceptedOffice>> {
    // Not `accepted_in`: with its order by office number SQLite walked every accepted office
    // of the campaign for this one (100,000 bank account `PUT`s fell from 873 to 110 a second).
    let row: Option<(ParticipantRow, NaiveDateTime, Option<CheckpointRow>)> = participants::table
        .inner_join(applications::table)
        .left_join(checkpoints::table)
        .filter(participants::campaign_id.eq(campaign_id))
        .filter(participants::office_number.eq(office_number))
        .filter(participants::status.eq(Status::Accepted))
        .select((
            ParticipantRow::as_select(),
            applications::submitted_at,
            Option::<CheckpointRow>::as_select(),
        ))
        .first(conn)
        .optional()?;
    Ok(
        row.map(|(participant, submitted_at, checkpoints)| AcceptedOffice {
            participant,
            submitted_at,
            checkpoints,
        }),
    )
}

/// The accepted participants among `ids`, by id.
pub fn accepted_among(
    conn: &mut DbConn,
    ids: &[String],
) -> QueryResult<std::collections::HashMap<String, ParticipantRow>> {
    let mut found = std::collections::HashMap::new();
    for chunk in ids.chunks(OFFICE_CHUNK) {
        found.extend(
            participants::table
                .filter(participants::id.eq_any(chunk))
                .filter(participants::status.eq(Status::Accepted))
                .select(ParticipantRow::as_select())
                .load(conn)?
                .into_iter()
                .map(|p| (p.id.clone(), p)),
        );
    }
    Ok(found)
}

/// The checkpoints recorded for these participants, by participant id.
pub fn checkpoints_of(
    conn: &mut DbConn,
    participant_ids: &[String],
) -> QueryResult<std::collections::HashMap<String, CheckpointRow>> {
    Ok(checkpoints::table
        .filter(checkpoints::participant_id.eq_any(participant_ids))
        .select(CheckpointRow::as_select())
        .load(conn)?
        .into_iter()
        .map(|c| (c.participant_id.clone(), c))
        .collect())
}

/// Writes an office's checkpoints, creating the row the first time. Callers hold the
/// campaign's lock, so two first writes cannot race.
pub fn save_checkpoints(conn: &mut DbConn, row: &CheckpointRow) -> QueryResult<()> {
    let updated = diesel::update(checkpoints::table.find(&row.participant_id))
        .set(row)
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(checkpoints::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(())
}

/// Writes many offices' checkpoints at once, replacing what was stored for them: a few
/// statements however many offices. Callers hold the campaign's lock.
pub fn replace_checkpoints(conn: &mut DbConn, rows: &[CheckpointRow]) -> QueryResult<()> {
    let ids: Vec<&str> = rows.iter().map(|r| r.participant_id.as_str()).collect();
    for chunk in ids.chunks(super::values_per_statement(conn)) {
        diesel::delete(checkpoints::table.filter(checkpoints::participant_id.eq_any(chunk)))
            .execute(conn)?;
    }
    super::insert_all!(conn, checkpoints::table, rows)?;
    Ok(())
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = year_end_checks, treat_none_as_default_value = false)]
pub struct CheckRow {
    pub id: CheckId,
    pub campaign_id: CampaignId,
    pub as_of: NaiveDate,
    pub usage_list_id: String,
    pub total_amount: i64,
    pub eligible_count: i32,
    pub inputs_sha256: String,
    pub created_at: NaiveDateTime,
    pub created_by: String,
    pub notified_at: Option<NaiveDateTime>,
    /// Before the campaign's end, or on a usage list dated before it: shows verdicts, pays
    /// nothing.
    pub dry_run: bool,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = year_end_results)]
pub struct ResultRow {
    pub check_id: CheckId,
    pub office_number: String,
    pub participant_id: String,
    pub application_id: ApplicationId,
    pub role: ParticipantRole,
    pub eligible: bool,
    pub amount: i64,
    /// Reason codes, comma-separated, in the order the check gave them.
    pub reasons: String,
    /// What the office was judged on, as JSON: its checkpoints and whether the list named it.
    pub inputs_json: String,
}

pub fn insert_check(conn: &mut DbConn, check: &CheckRow) -> QueryResult<()> {
    diesel::insert_into(year_end_checks::table)
        .values(check)
        .execute(conn)
        .map(drop)
}

/// Results of a check already inserted.
pub fn insert_results(conn: &mut DbConn, results: &[ResultRow]) -> QueryResult<()> {
    super::insert_all!(conn, year_end_results::table, results).map(drop)
}

pub fn find_check(conn: &mut DbConn, id: &CheckId) -> QueryResult<Option<CheckRow>> {
    year_end_checks::table
        .find(id)
        .select(CheckRow::as_select())
        .first(conn)
        .optional()
}

/// The campaign's most recent check.
pub fn latest_check(conn: &mut DbConn, campaign_id: &CampaignId) -> QueryResult<Option<CheckRow>> {
    year_end_checks::table
        .filter(year_end_checks::campaign_id.eq(campaign_id))
        .order(year_end_checks::created_at.desc())
        .select(CheckRow::as_select())
        .first(conn)
        .optional()
}

/// The campaign's checks, newest first.
pub fn checks_of(conn: &mut DbConn, campaign_id: &CampaignId) -> QueryResult<Vec<CheckRow>> {
    year_end_checks::table
        .filter(year_end_checks::campaign_id.eq(campaign_id))
        .order(year_end_checks::created_at.desc())
        .select(CheckRow::as_select())
        .load(conn)
}

/// What a check decided for an office, without what it was judged on: all that paying and
/// reconciling need (a national check's inputs would be some 50 MB more held at once).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = year_end_results)]
pub struct VerdictRow {
    pub office_number: String,
    pub participant_id: String,
    pub application_id: ApplicationId,
    pub role: ParticipantRole,
    pub eligible: bool,
    pub amount: i64,
}

pub fn verdicts_of(conn: &mut DbConn, check_id: &CheckId) -> QueryResult<Vec<VerdictRow>> {
    year_end_results::table
        .filter(year_end_results::check_id.eq(check_id))
        .order(year_end_results::office_number.asc())
        .select(VerdictRow::as_select())
        .load(conn)
}

pub fn results_of(conn: &mut DbConn, check_id: &CheckId) -> QueryResult<Vec<ResultRow>> {
    year_end_results::table
        .filter(year_end_results::check_id.eq(check_id))
        .order(year_end_results::office_number.asc())
        .select(ResultRow::as_select())
        .load(conn)
}

/// How many offices a check judged: an index-only count on the primary key.
pub fn count_results(conn: &mut DbConn, check_id: &CheckId) -> QueryResult<i64> {
    year_end_results::table
        .filter(year_end_results::check_id.eq(check_id))
        .count()
        .get_result(conn)
}

/// A page of a check's results in office-number order, the primary key's order, so the
/// database reads the page off the index instead of sorting the whole check.
pub fn results_page(
    conn: &mut DbConn,
    check_id: &CheckId,
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<ResultRow>> {
    year_end_results::table
        .filter(year_end_results::check_id.eq(check_id))
        .order(year_end_results::office_number.asc())
        .offset(offset)
        .limit(limit)
        .select(ResultRow::as_select())
        .load(conn)
}

/// Marks a check's results as mailed; false when they were already.
pub fn mark_notified(
    conn: &mut DbConn,
    check_id: &CheckId,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let updated = diesel::update(
        year_end_checks::table
            .find(check_id)
            .filter(year_end_checks::notified_at.is_null()),
    )
    .set(year_end_checks::notified_at.eq(Some(now)))
    .execute(conn)?;
    Ok(updated == 1)
}

/// The participants of the campaign already reminded on `day`.
pub fn reminded_on(
    conn: &mut DbConn,
    campaign_id: &CampaignId,
    day: NaiveDate,
) -> QueryResult<std::collections::HashSet<String>> {
    Ok(checkpoint_reminders::table
        .filter(checkpoint_reminders::campaign_id.eq(campaign_id))
        .filter(checkpoint_reminders::day.eq(day))
        .select(checkpoint_reminders::participant_id)
        .load::<String>(conn)?
        .into_iter()
        .collect())
}

#[derive(Insertable)]
#[diesel(table_name = checkpoint_reminders)]
pub struct ReminderRow<'a> {
    pub campaign_id: &'a CampaignId,
    pub participant_id: &'a str,
    pub day: NaiveDate,
    pub sent_at: NaiveDateTime,
}

/// Records reminders sent; callers hold the campaign's lock and have left out those already
/// reminded that day.
pub fn note_reminders(conn: &mut DbConn, rows: &[ReminderRow<'_>]) -> QueryResult<()> {
    super::insert_all!(conn, checkpoint_reminders::table, rows).map(drop)
}
