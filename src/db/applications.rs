//! Applications, the offices taking part through them, and the seminar attendee list.

use super::schema::{applications, participants, seminar_attendees};
use super::DbConn;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = applications, treat_none_as_default_value = false)]
pub struct ApplicationRow {
    pub id: String,
    pub campaign_id: String,
    pub tier: String,
    pub status: String,
    pub sequence: i64,
    pub submitted_at: NaiveDateTime,
    pub contact_name: String,
    pub contact_email: String,
    #[serde(skip)]
    pub status_secret: String,
    pub needs_review: bool,
    pub warnings_json: String,
    pub status_reason: Option<String>,
    pub accepted_at: Option<NaiveDateTime>,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = participants, treat_none_as_default_value = false)]
pub struct ParticipantRow {
    pub id: String,
    pub application_id: String,
    pub campaign_id: String,
    pub position: i32,
    pub office_number: String,
    pub name: String,
    pub kind: String,
    pub corporate_number: String,
    pub corporation_name: String,
    pub municipality_code: String,
    pub address: String,
    pub email: String,
    pub using_system_since: Option<NaiveDate>,
    pub role: String,
    pub honorarium_yen: i64,
    pub status: String,
}

pub const ACCEPTED: &str = "accepted";
pub const WAITLISTED: &str = "waitlisted";
pub const WITHDRAWN: &str = "withdrawn";
pub const DISQUALIFIED: &str = "disqualified";

/// Inserts applications and their offices, each table in one statement.
pub fn insert(
    conn: &mut DbConn,
    apps: &[ApplicationRow],
    offices: &[ParticipantRow],
) -> QueryResult<()> {
    super::insert_all!(conn, applications::table, apps)?;
    super::insert_all!(conn, participants::table, offices)?;
    Ok(())
}

pub fn find(conn: &mut DbConn, id: &str) -> QueryResult<Option<ApplicationRow>> {
    applications::table
        .find(id)
        .select(ApplicationRow::as_select())
        .first(conn)
        .optional()
}

pub fn find_by_secret(conn: &mut DbConn, secret: &str) -> QueryResult<Option<ApplicationRow>> {
    applications::table
        .filter(applications::status_secret.eq(secret))
        .select(ApplicationRow::as_select())
        .first(conn)
        .optional()
}

#[derive(Debug, Default, Clone)]
pub struct ListFilter {
    pub status: Option<String>,
    pub tier: Option<String>,
    pub needs_review: Option<bool>,
}

pub fn list(
    conn: &mut DbConn,
    campaign_id: &str,
    filter: &ListFilter,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<ApplicationRow>, i64)> {
    let filtered = || {
        let mut q = applications::table
            .filter(applications::campaign_id.eq(campaign_id.to_owned()))
            .into_boxed();
        if let Some(s) = &filter.status {
            q = q.filter(applications::status.eq(s.clone()));
        }
        if let Some(t) = &filter.tier {
            q = q.filter(applications::tier.eq(t.clone()));
        }
        if let Some(r) = filter.needs_review {
            q = q.filter(applications::needs_review.eq(r));
        }
        q
    };
    let total = filtered().count().get_result(conn)?;
    let rows = filtered()
        .order(applications::sequence.asc())
        .offset(offset)
        .limit(limit)
        .select(ApplicationRow::as_select())
        .load(conn)?;
    Ok((rows, total))
}

pub fn participants_of(
    conn: &mut DbConn,
    application_ids: &[String],
) -> QueryResult<Vec<ParticipantRow>> {
    participants::table
        .filter(participants::application_id.eq_any(application_ids))
        .order((
            participants::application_id.asc(),
            participants::position.asc(),
        ))
        .select(ParticipantRow::as_select())
        .load(conn)
}

pub fn accepted_participants(
    conn: &mut DbConn,
    campaign_id: &str,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<ParticipantRow>, i64)> {
    let base = || {
        participants::table
            .filter(participants::campaign_id.eq(campaign_id.to_owned()))
            .filter(participants::status.eq(ACCEPTED))
            .into_boxed()
    };
    let total = base().count().get_result(conn)?;
    let rows = base()
        .order(participants::office_number.asc())
        .offset(offset)
        .limit(limit)
        .select(ParticipantRow::as_select())
        .load(conn)?;
    Ok((rows, total))
}

/// Sets an application's status and its offices' with it.
pub fn set_status(
    conn: &mut DbConn,
    id: &str,
    status: &str,
    reason: Option<&str>,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let accepted_at = (status == ACCEPTED).then_some(now);
    diesel::update(applications::table.find(id))
        .set((
            applications::status.eq(status),
            applications::status_reason.eq(reason),
            applications::updated_at.eq(now),
        ))
        .execute(conn)?;
    if accepted_at.is_some() {
        diesel::update(applications::table.find(id))
            .set(applications::accepted_at.eq(accepted_at))
            .execute(conn)?;
    }
    diesel::update(participants::table.filter(participants::application_id.eq(id)))
        .set(participants::status.eq(status))
        .execute(conn)?;
    Ok(())
}

/// Every earlier participation in the campaign of any of `office_numbers`, with its status.
pub fn participations_of(
    conn: &mut DbConn,
    campaign_id: &str,
    office_numbers: &[String],
) -> QueryResult<Vec<(String, String)>> {
    participants::table
        .filter(participants::campaign_id.eq(campaign_id))
        .filter(participants::office_number.eq_any(office_numbers))
        .select((participants::office_number, participants::status))
        .load(conn)
}

/// Offices, model offices and non-attendees held by accepted applications, in one statement
/// (it runs under the campaign's lock on every application).
pub fn held(conn: &mut DbConn, campaign_id: &str) -> QueryResult<(i64, i64, i64)> {
    use diesel::dsl::{case_when, count_star, sum};
    use diesel::sql_types::Integer;
    let one = || 1i32.into_sql::<Integer>();
    let zero = || 0i32.into_sql::<Integer>();
    let attendee = seminar_attendees::table.on(seminar_attendees::campaign_id
        .eq(participants::campaign_id)
        .and(seminar_attendees::office_number.eq(participants::office_number)));
    let (offices, model, non_attendees): (i64, Option<i64>, Option<i64>) = participants::table
        .left_join(attendee)
        .filter(participants::campaign_id.eq(campaign_id))
        .filter(participants::status.eq(ACCEPTED))
        .select((
            count_star(),
            sum(case_when(participants::role.eq("model"), one()).otherwise(zero())),
            sum(
                case_when(seminar_attendees::office_number.nullable().is_null(), one())
                    .otherwise(zero()),
            ),
        ))
        .first(conn)?;
    Ok((offices, model.unwrap_or(0), non_attendees.unwrap_or(0)))
}

/// Waiting applications and waiting offices.
pub fn waiting_counts(conn: &mut DbConn, campaign_id: &str) -> QueryResult<(i64, i64)> {
    let apps = applications::table
        .filter(applications::campaign_id.eq(campaign_id))
        .filter(applications::status.eq(WAITLISTED))
        .count()
        .get_result(conn)?;
    let offices = participants::table
        .filter(participants::campaign_id.eq(campaign_id))
        .filter(participants::status.eq(WAITLISTED))
        .count()
        .get_result(conn)?;
    Ok((apps, offices))
}

/// The waiting list in arrival order, with each application's offices.
pub fn waiting(
    conn: &mut DbConn,
    campaign_id: &str,
) -> QueryResult<Vec<(ApplicationRow, Vec<ParticipantRow>)>> {
    let apps: Vec<ApplicationRow> = applications::table
        .filter(applications::campaign_id.eq(campaign_id))
        .filter(applications::status.eq(WAITLISTED))
        .order(applications::sequence.asc())
        .select(ApplicationRow::as_select())
        .load(conn)?;
    let ids: Vec<String> = apps.iter().map(|a| a.id.clone()).collect();
    let mut offices = participants_of(conn, &ids)?;
    Ok(apps
        .into_iter()
        .map(|a| {
            let (mine, rest): (Vec<_>, Vec<_>) =
                offices.drain(..).partition(|p| p.application_id == a.id);
            offices = rest;
            (a, mine)
        })
        .collect())
}

pub fn attendees_among(
    conn: &mut DbConn,
    campaign_id: &str,
    office_numbers: &[String],
) -> QueryResult<Vec<String>> {
    seminar_attendees::table
        .filter(seminar_attendees::campaign_id.eq(campaign_id))
        .filter(seminar_attendees::office_number.eq_any(office_numbers))
        .select(seminar_attendees::office_number)
        .load(conn)
}

/// Adds offices to the attendee list; returns how many were new.
pub fn add_attendees(
    conn: &mut DbConn,
    campaign_id: &str,
    office_numbers: &[String],
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let known = attendees_among(conn, campaign_id, office_numbers)?;
    let mut added = 0;
    for number in office_numbers {
        if !known.contains(number) {
            diesel::insert_into(seminar_attendees::table)
                .values((
                    seminar_attendees::campaign_id.eq(campaign_id),
                    seminar_attendees::office_number.eq(number),
                    seminar_attendees::imported_at.eq(now),
                ))
                .execute(conn)?;
            added += 1;
        }
    }
    Ok(added)
}
