//! Survey definitions and each office's current answers.

use super::schema::{applications, participants, survey_answers, surveys};
use super::DbConn;
use crate::domain::ids::{ApplicationId, CampaignId};
use crate::domain::secret::Secret;
use crate::domain::survey::SurveyKind;
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = surveys)]
pub struct SurveyRow {
    pub campaign_id: CampaignId,
    pub kind: SurveyKind,
    pub title: String,
    pub questions_json: String,
    pub updated_at: NaiveDateTime,
    pub updated_by: String,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = survey_answers)]
pub struct AnswerRow {
    pub campaign_id: CampaignId,
    pub kind: SurveyKind,
    pub participant_id: String,
    pub office_number: String,
    pub answers_json: String,
    pub answered_at: NaiveDateTime,
}

pub fn find(
    conn: &mut DbConn,
    campaign_id: &CampaignId,
    kind: SurveyKind,
) -> QueryResult<Option<SurveyRow>> {
    surveys::table
        .find((campaign_id, kind))
        .select(SurveyRow::as_select())
        .first(conn)
        .optional()
}

/// The kinds the campaign has defined.
pub fn defined(conn: &mut DbConn, campaign_id: &CampaignId) -> QueryResult<Vec<SurveyKind>> {
    surveys::table
        .filter(surveys::campaign_id.eq(campaign_id))
        .select(surveys::kind)
        .load(conn)
}

/// Writes a definition; callers hold the campaign's lock.
pub fn save(conn: &mut DbConn, row: &SurveyRow) -> QueryResult<()> {
    let updated = diesel::update(surveys::table.find((&row.campaign_id, row.kind)))
        .set(row)
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(surveys::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(())
}

pub fn answer_count(
    conn: &mut DbConn,
    campaign_id: &CampaignId,
    kind: SurveyKind,
) -> QueryResult<i64> {
    survey_answers::table
        .filter(survey_answers::campaign_id.eq(campaign_id))
        .filter(survey_answers::kind.eq(kind))
        .count()
        .get_result(conn)
}

pub fn answer_of(
    conn: &mut DbConn,
    campaign_id: &CampaignId,
    kind: SurveyKind,
    participant_id: &str,
) -> QueryResult<Option<AnswerRow>> {
    survey_answers::table
        .find((campaign_id, kind, participant_id))
        .select(AnswerRow::as_select())
        .first(conn)
        .optional()
}

/// Writes an office's answers over any it gave before; callers hold the campaign's lock.
pub fn save_answer(conn: &mut DbConn, row: &AnswerRow) -> QueryResult<()> {
    let updated = diesel::update(survey_answers::table.find((
        &row.campaign_id,
        row.kind,
        &row.participant_id,
    )))
    .set(row)
    .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(survey_answers::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(())
}

/// Every answer to the survey with the office's name, by office number.
pub fn answers(
    conn: &mut DbConn,
    campaign_id: &CampaignId,
    kind: SurveyKind,
) -> QueryResult<Vec<(AnswerRow, String)>> {
    survey_answers::table
        .inner_join(participants::table)
        .filter(survey_answers::campaign_id.eq(campaign_id))
        .filter(survey_answers::kind.eq(kind))
        .order((
            survey_answers::office_number.asc(),
            survey_answers::answered_at.asc(),
        ))
        .select((AnswerRow::as_select(), participants::name))
        .load(conn)
}

/// Which of these offices answered which survey. Reminders ask this of every accepted office
/// of a national campaign at once: the list goes in as many statements as SQLite's bind limit
/// needs.
pub fn answered_by(
    conn: &mut DbConn,
    participant_ids: &[String],
) -> QueryResult<Vec<(String, SurveyKind)>> {
    let mut found = Vec::new();
    for chunk in participant_ids.chunks(super::values_per_statement(conn)) {
        found.extend(
            survey_answers::table
                .filter(survey_answers::participant_id.eq_any(chunk))
                .select((survey_answers::participant_id, survey_answers::kind))
                .load::<(String, SurveyKind)>(conn)?,
        );
    }
    Ok(found)
}

/// The status secrets of these applications, for links in emails; as many statements as the
/// bind limit needs, as [`answered_by`].
pub fn secrets_of(
    conn: &mut DbConn,
    ids: &[ApplicationId],
) -> QueryResult<Vec<(ApplicationId, Secret, Option<NaiveDateTime>)>> {
    let mut found = Vec::new();
    for chunk in ids.chunks(super::values_per_statement(conn)) {
        found.extend(
            applications::table
                .filter(applications::id.eq_any(chunk))
                .select((
                    applications::id,
                    applications::status_secret,
                    applications::accepted_at,
                ))
                .load::<(ApplicationId, Secret, Option<NaiveDateTime>)>(conn)?,
        );
    }
    Ok(found)
}
