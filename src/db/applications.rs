//! Applications, the offices taking part through them, and the seminar attendee list.

use super::schema::{applications, participants, seminar_attendees};
use super::DbConn;
use crate::domain::application::{OfficeKind, ParticipantRole, Tier};
use crate::domain::ids::{ApplicationId, CampaignId};
use crate::domain::participation::Status;
use crate::domain::secret::Secret;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = applications, treat_none_as_default_value = false)]
pub struct ApplicationRow {
    pub id: ApplicationId,
    pub campaign_id: CampaignId,
    pub tier: Tier,
    pub status: Status,
    pub sequence: i64,
    pub submitted_at: NaiveDateTime,
    pub contact_name: String,
    pub contact_email: String,
    #[serde(skip)]
    pub status_secret: Secret,
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
    pub application_id: ApplicationId,
    pub campaign_id: CampaignId,
    pub position: i32,
    pub office_number: String,
    pub name: String,
    pub kind: OfficeKind,
    pub corporate_number: String,
    pub corporation_name: String,
    pub municipality_code: String,
    pub address: String,
    pub email: String,
    pub using_system_since: Option<NaiveDate>,
    pub role: ParticipantRole,
    pub honorarium_yen: i64,
    pub status: Status,
}

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

pub fn find(conn: &mut DbConn, id: &ApplicationId) -> QueryResult<Option<ApplicationRow>> {
    applications::table
        .find(id)
        .select(ApplicationRow::as_select())
        .first(conn)
        .optional()
}

pub fn find_by_secret(conn: &mut DbConn, secret: &Secret) -> QueryResult<Option<ApplicationRow>> {
    applications::table
        .filter(applications::status_secret.eq(secret))
        .select(ApplicationRow::as_select())
        .first(conn)
        .optional()
}

/// How many waiting applications of the campaign arrived before `sequence`.
pub fn waiting_ahead(
    conn: &mut DbConn,
    campaign_id: &CampaignId,
    sequence: i64,
) -> QueryResult<i64> {
    applications::table
        .filter(applications::campaign_id.eq(campaign_id))
        .filter(applications::status.eq(Status::Waitlisted))
        .filter(applications::sequence.lt(sequence))
        .count()
        .get_result(conn)
}

#[derive(Debug, Default, Clone, PartialEq, Eq, Hash)]
pub struct ListFilter {
    pub status: Option<Status>,
    pub tier: Option<Tier>,
    pub needs_review: Option<bool>,
    /// An office number (exactly), or part of an office's, corporation's or contact's name.
    pub q: Option<crate::domain::staff_input::Search>,
}

fn filtered<'a>(
    campaign_id: &CampaignId,
    filter: &ListFilter,
) -> applications::BoxedQuery<'a, <DbConn as diesel::Connection>::Backend> {
    let mut q = applications::table
        .filter(applications::campaign_id.eq(campaign_id.to_owned()))
        .into_boxed();
    if let Some(s) = &filter.status {
        q = q.filter(applications::status.eq(*s));
    }
    if let Some(t) = &filter.tier {
        q = q.filter(applications::tier.eq(*t));
    }
    if let Some(r) = filter.needs_review {
        q = q.filter(applications::needs_review.eq(r));
    }
    if let Some(search) = &filter.q {
        let like = search.pattern();
        let offices = participants::table
            .filter(participants::campaign_id.eq(campaign_id.to_owned()))
            .filter(
                (participants::office_number.eq(search.office_number.clone()))
                    .or(participants::name.like(like.clone()).escape('\\'))
                    .or(participants::corporation_name
                        .like(like.clone())
                        .escape('\\')),
            )
            .select(participants::application_id);
        let contact = applications::contact_name.like(like).escape('\\');
        q = q.filter(applications::id.eq_any(offices).or(contact));
    }
    q
}

/// How many of the campaign's applications `filter` takes.
pub fn count(conn: &mut DbConn, campaign_id: &CampaignId, filter: &ListFilter) -> QueryResult<i64> {
    filtered(campaign_id, filter).count().get_result(conn)
}

/// One page of the campaign's applications that `filter` takes, in arrival order.
pub fn list(
    conn: &mut DbConn,
    campaign_id: &CampaignId,
    filter: &ListFilter,
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<ApplicationRow>> {
    filtered(campaign_id, filter)
        .order(applications::sequence.asc())
        .offset(offset)
        .limit(limit)
        .select(ApplicationRow::as_select())
        .load(conn)
}

pub fn participants_of(
    conn: &mut DbConn,
    application_ids: &[ApplicationId],
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
    campaign_id: &CampaignId,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<ParticipantRow>, i64)> {
    let base = || {
        participants::table
            .filter(participants::campaign_id.eq(campaign_id.to_owned()))
            .filter(participants::status.eq(Status::Accepted))
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
    id: &ApplicationId,
    status: Status,
    reason: Option<&str>,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let accepted_at = (status == Status::Accepted).then_some(now);
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
    campaign_id: &CampaignId,
    office_numbers: &[String],
) -> QueryResult<Vec<(String, Status)>> {
    participations_query(campaign_id, office_numbers).load(conn)
}

/// The statement [`participations_of`] runs, apart so that a test can have each database
/// explain it: intake runs it for every application and it must find offices by an index.
pub type ParticipationsQuery<'a> = diesel::dsl::Select<
    diesel::dsl::Filter<
        diesel::dsl::Filter<
            participants::table,
            diesel::dsl::Eq<participants::campaign_id, &'a CampaignId>,
        >,
        diesel::dsl::EqAny<participants::office_number, &'a [String]>,
    >,
    (participants::office_number, participants::status),
>;

pub fn participations_query<'a>(
    campaign_id: &'a CampaignId,
    office_numbers: &'a [String],
) -> ParticipationsQuery<'a> {
    participants::table
        .filter(participants::campaign_id.eq(campaign_id))
        .filter(participants::office_number.eq_any(office_numbers))
        .select((participants::office_number, participants::status))
}

/// Offices, model offices and non-attendees held by accepted applications (it runs under the
/// campaign's lock on every batch of applications).
pub fn held(conn: &mut DbConn, campaign_id: &CampaignId) -> QueryResult<(i64, i64, i64)> {
    // Three counts: the accepted offices and the model ones off (campaign_id, status), and the
    // accepted seminar attendees from the attendee list's side, which is short. One join from
    // every accepted office to the attendees read each of them under the campaign's lock.
    let accepted = participants::table
        .filter(participants::campaign_id.eq(campaign_id))
        .filter(participants::status.eq(Status::Accepted));
    let offices: i64 = accepted.count().get_result(conn)?;
    let model: i64 = accepted
        .filter(participants::role.eq(ParticipantRole::Model))
        .count()
        .get_result(conn)?;
    let attendees: i64 = seminar_attendees::table
        .inner_join(
            participants::table.on(participants::campaign_id
                .eq(seminar_attendees::campaign_id)
                .and(participants::office_number.eq(seminar_attendees::office_number))),
        )
        .filter(seminar_attendees::campaign_id.eq(campaign_id))
        .filter(participants::status.eq(Status::Accepted))
        .count()
        .get_result(conn)?;
    Ok((offices, model, offices - attendees))
}

/// Waiting applications and waiting offices.
pub fn waiting_counts(conn: &mut DbConn, campaign_id: &CampaignId) -> QueryResult<(i64, i64)> {
    let apps = applications::table
        .filter(applications::campaign_id.eq(campaign_id))
        .filter(applications::status.eq(Status::Waitlisted))
        .count()
        .get_result(conn)?;
    let offices = participants::table
        .filter(participants::campaign_id.eq(campaign_id))
        .filter(participants::status.eq(Status::Waitlisted))
        .count()
        .get_result(conn)?;
    Ok((apps, offices))
}

/// One waiting application with its offices, and which of them are seminar attendees.
pub struct Waiting {
    pub app: ApplicationRow,
    pub offices: Vec<ParticipantRow>,
    pub attendees: Vec<bool>,
}

/// The waiting list in arrival order, with each application's offices. Three statements
/// whatever its length: no list of ids is bound as parameters, so tens of thousands waiting
/// stay under SQLite's variable limit.
pub fn waiting(conn: &mut DbConn, campaign_id: &CampaignId) -> QueryResult<Vec<Waiting>> {
    let apps: Vec<ApplicationRow> = applications::table
        .filter(applications::campaign_id.eq(campaign_id))
        .filter(applications::status.eq(Status::Waitlisted))
        .order(applications::sequence.asc())
        .select(ApplicationRow::as_select())
        .load(conn)?;
    if apps.is_empty() {
        return Ok(Vec::new());
    }
    let offices: Vec<ParticipantRow> = participants::table
        .filter(participants::campaign_id.eq(campaign_id))
        .filter(participants::status.eq(Status::Waitlisted))
        .order((
            participants::application_id.asc(),
            participants::position.asc(),
        ))
        .select(ParticipantRow::as_select())
        .load(conn)?;
    let attendees: std::collections::HashSet<String> = seminar_attendees::table
        .inner_join(
            participants::table.on(participants::campaign_id
                .eq(seminar_attendees::campaign_id)
                .and(participants::office_number.eq(seminar_attendees::office_number))),
        )
        .filter(seminar_attendees::campaign_id.eq(campaign_id))
        .filter(participants::status.eq(Status::Waitlisted))
        .select(seminar_attendees::office_number)
        .load(conn)?
        .into_iter()
        .collect();
    let mut by_app = group_by_application(offices);
    Ok(apps
        .into_iter()
        .map(|app| {
            let offices = by_app.remove(&app.id).unwrap_or_default();
            let attendees = offices
                .iter()
                .map(|o| attendees.contains(&o.office_number))
                .collect();
            Waiting {
                app,
                offices,
                attendees,
            }
        })
        .collect())
}

/// Offices keyed by their application, each list in position order as loaded.
pub fn group_by_application(
    offices: Vec<ParticipantRow>,
) -> std::collections::HashMap<ApplicationId, Vec<ParticipantRow>> {
    let mut by_app: std::collections::HashMap<ApplicationId, Vec<ParticipantRow>> =
        std::collections::HashMap::new();
    for office in offices {
        by_app
            .entry(office.application_id.clone())
            .or_default()
            .push(office);
    }
    by_app
}

pub fn attendees_among(
    conn: &mut DbConn,
    campaign_id: &CampaignId,
    office_numbers: &[String],
) -> QueryResult<Vec<String>> {
    seminar_attendees::table
        .filter(seminar_attendees::campaign_id.eq(campaign_id))
        .filter(seminar_attendees::office_number.eq_any(office_numbers))
        .select(seminar_attendees::office_number)
        .load(conn)
}

/// Rows per insert statement: three parameters each stays far below SQLite's 32,766.
const ATTENDEE_CHUNK: usize = 1000;

/// Adds offices to the attendee list, skipping those already on it; returns how many were
/// new. `office_numbers` must hold no duplicates.
pub fn add_attendees(
    conn: &mut DbConn,
    campaign_id: &CampaignId,
    office_numbers: &[String],
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let mut added = 0;
    for chunk in office_numbers.chunks(ATTENDEE_CHUNK) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|number| {
                (
                    seminar_attendees::campaign_id.eq(campaign_id),
                    seminar_attendees::office_number.eq(number),
                    seminar_attendees::imported_at.eq(now),
                )
            })
            .collect();
        added += match conn {
            DbConn::Sqlite(c) => diesel::insert_or_ignore_into(seminar_attendees::table)
                .values(rows)
                .execute(c)?,
            DbConn::Pg(c) => diesel::insert_into(seminar_attendees::table)
                .values(rows)
                .on_conflict_do_nothing()
                .execute(c)?,
        };
    }
    Ok(added)
}

/// Offices holding slots and waiting applications, per campaign: (campaign, held, waiting).
pub fn slot_use(conn: &mut DbConn) -> QueryResult<Vec<(CampaignId, i64, i64)>> {
    use diesel::dsl::count_star;
    let held: std::collections::HashMap<CampaignId, i64> = participants::table
        .filter(participants::status.eq(Status::Accepted))
        .group_by(participants::campaign_id)
        .select((participants::campaign_id, count_star()))
        .load::<(CampaignId, i64)>(conn)?
        .into_iter()
        .collect();
    let waiting: std::collections::HashMap<CampaignId, i64> = applications::table
        .filter(applications::status.eq(Status::Waitlisted))
        .group_by(applications::campaign_id)
        .select((applications::campaign_id, count_star()))
        .load::<(CampaignId, i64)>(conn)?
        .into_iter()
        .collect();
    let mut campaigns: Vec<&CampaignId> = held.keys().chain(waiting.keys()).collect();
    campaigns.sort();
    campaigns.dedup();
    Ok(campaigns
        .into_iter()
        .map(|c| {
            (
                c.clone(),
                held.get(c).copied().unwrap_or(0),
                waiting.get(c).copied().unwrap_or(0),
            )
        })
        .collect())
}
