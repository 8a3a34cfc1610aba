//! Taking applications first come, first served; withdrawing and disqualifying them; what
//! staff and the applicant see of them.

use super::outbox::{self, Notifier};
use super::{allocation, Actor, Page, Paged, ServiceError, ServiceResult};
use crate::db::applications::{self as rows, ApplicationRow, ListFilter, ParticipantRow};
use crate::db::campaigns::CampaignRow;
use crate::db::{audit, campaigns, is_unique_violation, DbConn};
use crate::domain::application::{self, ApplicationInput, OfficeKind, ParticipantRole, Tier};
use crate::domain::campaign::Phase;
use crate::domain::email::EmailAddress;
use crate::domain::office_list::{self, InvalidRow};
use crate::domain::participation::{self, Status};
use crate::domain::{jst, FieldError, FieldErrors};
use crate::email::templates::Kind;
use chrono::{DateTime, FixedOffset, NaiveDateTime};
use rand::{distributions::Alphanumeric, Rng};
use serde::Serialize;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ParticipantView {
    pub office_number: String,
    pub name: String,
    pub kind: OfficeKind,
    pub corporate_number: String,
    pub corporation_name: String,
    pub role: ParticipantRole,
    pub honorarium_yen: i64,
    pub using_system_since: Option<chrono::NaiveDate>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ContactView {
    pub name: String,
    pub email: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ApplicationView {
    pub id: String,
    pub campaign_id: String,
    pub tier: Tier,
    pub status: Status,
    pub sequence: i64,
    pub submitted_at: DateTime<FixedOffset>,
    pub accepted_at: Option<DateTime<FixedOffset>>,
    pub status_reason: Option<String>,
    pub contact: ContactView,
    pub participants: Vec<ParticipantView>,
    pub needs_review: bool,
    pub warnings: Vec<FieldError>,
    /// Secret path that shows this application alone, without auth. Only the applicant's own
    /// answer to its submission carries it: staff views leave it out, so nobody with a staff
    /// token can act as the applicant.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_url: Option<String>,
}

/// What the applicant sees through the secret link: nothing of anyone else.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PublicStatusView {
    pub id: String,
    pub campaign_id: String,
    pub campaign_name: String,
    pub tier: Tier,
    pub status: Status,
    pub sequence: i64,
    pub submitted_at: DateTime<FixedOffset>,
    pub contact_email: String,
    pub participants: Vec<PublicParticipant>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PublicParticipant {
    pub office_number: String,
    pub name: String,
    pub role: ParticipantRole,
    pub honorarium_yen: i64,
}

pub fn status_path(secret: &str) -> String {
    format!("/api/v1/status/{secret}")
}

fn participant_view(p: ParticipantRow) -> ParticipantView {
    ParticipantView {
        kind: p.kind,
        role: p.role,
        office_number: p.office_number,
        name: p.name,
        corporate_number: p.corporate_number,
        corporation_name: p.corporation_name,
        honorarium_yen: p.honorarium_yen,
        using_system_since: p.using_system_since,
    }
}

/// What staff see of an application: everything but its status link.
fn view(app: ApplicationRow, offices: Vec<ParticipantRow>) -> ApplicationView {
    ApplicationView {
        tier: app.tier,
        submitted_at: jst::to_jst(app.submitted_at),
        accepted_at: app.accepted_at.map(jst::to_jst),
        contact: ContactView {
            name: app.contact_name,
            email: app.contact_email,
        },
        participants: offices.into_iter().map(participant_view).collect(),
        warnings: serde_json::from_str(&app.warnings_json).unwrap_or_default(),
        status_url: None,
        id: app.id,
        campaign_id: app.campaign_id,
        status: app.status,
        sequence: app.sequence,
        status_reason: app.status_reason,
        needs_review: app.needs_review,
    }
}

fn load_view(conn: &mut DbConn, app: ApplicationRow) -> ServiceResult<ApplicationView> {
    let offices = rows::participants_of(conn, std::slice::from_ref(&app.id))?;
    Ok(view(app, offices))
}

fn snapshot(app: &ApplicationRow) -> serde_json::Value {
    serde_json::to_value(app).unwrap_or_default()
}

pub fn check_open(
    settings: &crate::domain::campaign::Settings,
    now: NaiveDateTime,
) -> ServiceResult<()> {
    match settings.phase(now) {
        Phase::NotYetOpen => Err(ServiceError::StateConflict(
            "the campaign is not open for applications yet".into(),
        )),
        Phase::Closed => Err(ServiceError::StateConflict(
            "the campaign no longer takes applications: its deadline has passed".into(),
        )),
        Phase::Open => Ok(()),
    }
}

/// An application that passed every check needing no lock, ready for the slots.
pub struct Prepared {
    pub app: application::Application,
    pub office_numbers: Vec<String>,
    pub need: crate::domain::allocation::Slots,
}

/// Everything about one application that needs no lock: the campaign is open, every rule of
/// its tier holds, and none of its offices takes part already (a racing duplicate still meets
/// the unique index under the lock).
pub fn prepare(
    conn: &mut DbConn,
    now: NaiveDateTime,
    campaign: &CampaignRow,
    input: &ApplicationInput,
) -> ServiceResult<Prepared> {
    check_open(&campaign.settings(), now)?;
    let app = application::check(input, &campaign.settings(), jst::date_of(now))?;
    let office_numbers: Vec<String> = app
        .offices
        .iter()
        .map(|o| o.office_number.as_str().to_owned())
        .collect();
    let earlier = rows::participations_of(conn, &campaign.id, &office_numbers)?;
    let taken = participation::blocking(&earlier, &office_numbers);
    if !taken.is_empty() {
        let list: Vec<String> = taken
            .iter()
            .map(|(n, s)| format!("{n} ({})", s.as_str()))
            .collect();
        return Err(ServiceError::Conflict(format!(
            "already taking part in this campaign: {}",
            list.join(", ")
        )));
    }
    // Without reserved slots, who attended a seminar changes nothing: spare the query.
    let attendees = if campaign.reserved_seminar_slots > 0 {
        rows::attendees_among(conn, &campaign.id, &office_numbers)?
    } else {
        Vec::new()
    };
    let need = app.need(|n| attendees.iter().any(|a| a == n.as_str()));
    Ok(Prepared {
        app,
        office_numbers,
        need,
    })
}

/// The rows of an allocated application.
fn build_rows(
    campaign_id: &str,
    prepared: &Prepared,
    status: Status,
    sequence: i64,
    now: NaiveDateTime,
) -> (ApplicationRow, Vec<ParticipantRow>) {
    let app = &prepared.app;
    let id = uuid::Uuid::new_v4().to_string();
    let secret: String = rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(40)
        .map(char::from)
        .collect();
    let row = ApplicationRow {
        id: id.clone(),
        campaign_id: campaign_id.to_owned(),
        tier: app.tier,
        status,
        sequence,
        submitted_at: now,
        contact_name: app.contact_name.clone(),
        contact_email: app.contact_email.as_str().to_owned(),
        status_secret: secret,
        needs_review: app.needs_review(),
        warnings_json: serde_json::to_string(&app.warnings).unwrap_or_else(|_| "[]".into()),
        status_reason: None,
        accepted_at: (status == Status::Accepted).then_some(now),
        updated_at: now,
    };
    let offices = app
        .offices
        .iter()
        .enumerate()
        .map(|(i, o)| ParticipantRow {
            id: uuid::Uuid::new_v4().to_string(),
            application_id: id.clone(),
            campaign_id: campaign_id.to_owned(),
            position: i as i32,
            office_number: o.office_number.as_str().to_owned(),
            name: o.name.clone(),
            kind: o.kind,
            corporate_number: o.corporate_number.as_str().to_owned(),
            corporation_name: o.corporation_name.clone(),
            municipality_code: o.municipality_code.clone(),
            address: o.address.clone(),
            email: o.email.as_str().to_owned(),
            using_system_since: o.using_system_since,
            role: o.role,
            honorarium_yen: o.honorarium.amount(),
            status,
        })
        .collect();
    (row, offices)
}

/// The applicant's answer to a submission: the staff view plus the status link.
pub fn created(row: ApplicationRow, offices: Vec<ParticipantRow>) -> super::idempotency::Created {
    let link = status_path(&row.status_secret);
    let mut view = view(row, offices);
    view.status_url = Some(link);
    super::idempotency::Created {
        status: 201,
        body: serde_json::to_value(view).unwrap_or_default(),
    }
}

fn unique_violation_is_conflict(e: diesel::result::Error) -> ServiceError {
    if is_unique_violation(&e) {
        ServiceError::Conflict(
            "an office in this application already takes part in this campaign".into(),
        )
    } else {
        e.into()
    }
}

/// Takes one application: checks what needs no lock, then under the campaign's lock takes the
/// next arrival number and accepts it if it fits whole, else it waits. Runs inside the
/// caller's write transaction.
pub fn submit(
    conn: &mut DbConn,
    notifier: &Notifier,
    now: NaiveDateTime,
    campaign_id: &str,
    input: &ApplicationInput,
) -> ServiceResult<super::idempotency::Created> {
    let campaign = super::campaigns::find(conn, campaign_id)?;
    let prepared = prepare(conn, now, &campaign, input)?;
    let mut made = allocate(
        conn,
        notifier,
        now,
        campaign_id,
        std::slice::from_ref(&prepared),
    )?;
    let (row, offices) = made.remove(0);
    Ok(created(row, offices))
}

/// Allocates prepared applications in arrival order under the campaign's lock, held until
/// commit: consecutive arrival numbers, accepted while each fits whole, else waiting; writes
/// them, their emails and their audit events, one statement per table. Caps and deadline are
/// read again under the lock, as a change may have landed since `prepare`.
pub fn allocate(
    conn: &mut DbConn,
    notifier: &Notifier,
    now: NaiveDateTime,
    campaign_id: &str,
    prepared: &[Prepared],
) -> ServiceResult<Vec<(ApplicationRow, Vec<ParticipantRow>)>> {
    let locked = campaigns::take_sequences(conn, campaign_id, prepared.len() as i64)?
        .ok_or(ServiceError::NotFound("campaign"))?;
    check_open(&locked.settings(), now)?;
    let caps = allocation::caps(&locked.settings());
    let mut held = allocation::held(conn, campaign_id)?;
    let first = locked.last_sequence - prepared.len() as i64 + 1;
    let made: Vec<(ApplicationRow, Vec<ParticipantRow>)> = prepared
        .iter()
        .enumerate()
        .map(|(n, p)| {
            let status = if caps.fits(held, p.need) {
                held = held.plus(p.need);
                Status::Accepted
            } else {
                Status::Waitlisted
            };
            build_rows(campaign_id, p, status, first + n as i64, now)
        })
        .collect();
    let apps: Vec<ApplicationRow> = made.iter().map(|(row, _)| row.clone()).collect();
    let offices: Vec<ParticipantRow> = made.iter().flat_map(|(_, o)| o.iter().cloned()).collect();
    rows::insert(conn, &apps, &offices).map_err(unique_violation_is_conflict)?;
    let messages: Vec<_> = made
        .iter()
        .map(|(row, its)| {
            let kind = if row.status == Status::Accepted {
                Kind::Accepted
            } else {
                Kind::Waitlisted
            };
            outbox::message(notifier, now, kind, &locked, row, its)
        })
        .collect();
    crate::db::outbox::insert(conn, &messages)?;
    let changes = made
        .iter()
        .map(|(row, its)| audit::Change {
            actor: "applicant",
            action: "application.submit",
            entity: "application",
            entity_id: &row.id,
            campaign_id: Some(&row.campaign_id),
            before: None,
            after: Some(serde_json::json!({"application": snapshot(row), "offices": its})),
        })
        .collect();
    audit::record_all(conn, now, changes)?;
    Ok(made)
}

pub fn get(conn: &mut DbConn, id: &str) -> ServiceResult<ApplicationView> {
    let app = rows::find(conn, id)?.ok_or(ServiceError::NotFound("application"))?;
    load_view(conn, app)
}

pub fn list(
    conn: &mut DbConn,
    campaign_id: &str,
    filter: &ListFilter,
    page: Page,
) -> ServiceResult<Paged<ApplicationView>> {
    super::campaigns::find(conn, campaign_id)?;
    let (apps, total) = rows::list(conn, campaign_id, filter, page.offset(), page.per_page)?;
    let ids: Vec<String> = apps.iter().map(|a| a.id.clone()).collect();
    let mut offices = rows::group_by_application(rows::participants_of(conn, &ids)?);
    let items = apps
        .into_iter()
        .map(|a| {
            let mine = offices.remove(&a.id).unwrap_or_default();
            view(a, mine)
        })
        .collect();
    Ok(Paged::new(items, total, page))
}

pub fn public_status(conn: &mut DbConn, secret: &str) -> ServiceResult<PublicStatusView> {
    let app = rows::find_by_secret(conn, secret)?.ok_or(ServiceError::NotFound("application"))?;
    let campaign = super::campaigns::find(conn, &app.campaign_id)?;
    let offices = rows::participants_of(conn, std::slice::from_ref(&app.id))?;
    Ok(PublicStatusView {
        tier: app.tier,
        submitted_at: jst::to_jst(app.submitted_at),
        contact_email: EmailAddress::parse(&app.contact_email)
            .map(|e| e.masked())
            .unwrap_or_default(),
        participants: offices
            .into_iter()
            .map(|p| PublicParticipant {
                role: p.role,
                office_number: p.office_number,
                name: p.name,
                honorarium_yen: p.honorarium_yen,
            })
            .collect(),
        campaign_name: campaign.name,
        id: app.id,
        campaign_id: app.campaign_id,
        status: app.status,
        sequence: app.sequence,
    })
}

pub fn find_by_secret(conn: &mut DbConn, secret: &str) -> ServiceResult<ApplicationRow> {
    rows::find_by_secret(conn, secret)?.ok_or(ServiceError::NotFound("application"))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Withdraw,
    Disqualify,
}

/// Withdraws or disqualifies an application that is accepted or waiting; slots it held go to
/// the waiting list at once. Runs inside the caller's write transaction.
pub fn leave(
    conn: &mut DbConn,
    notifier: &Notifier,
    actor: &Actor,
    now: NaiveDateTime,
    id: &str,
    exit: Exit,
    reason: Option<&str>,
) -> ServiceResult<ApplicationView> {
    let app = rows::find(conn, id)?.ok_or(ServiceError::NotFound("application"))?;
    let campaign =
        campaigns::lock(conn, &app.campaign_id)?.ok_or(ServiceError::NotFound("campaign"))?;
    let app = rows::find(conn, id)?.ok_or(ServiceError::NotFound("application"))?;
    if app.status != Status::Accepted && app.status != Status::Waitlisted {
        return Err(ServiceError::StateConflict(format!(
            "the application is already {}",
            app.status
        )));
    }
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    if exit == Exit::Disqualify && reason.is_none() {
        let mut errors = FieldErrors::new();
        errors.push("reason", "a disqualification needs a reason");
        return Err(errors.into());
    }
    let (status, action, kind) = match exit {
        Exit::Withdraw => (Status::Withdrawn, "application.withdraw", Kind::Withdrawn),
        Exit::Disqualify => (
            Status::Disqualified,
            "application.disqualify",
            Kind::Disqualified,
        ),
    };
    rows::set_status(conn, id, status, reason, now)?;
    let after = rows::find(conn, id)?.ok_or(ServiceError::NotFound("application"))?;
    let offices = rows::participants_of(conn, std::slice::from_ref(&after.id))?;
    outbox::enqueue(conn, notifier, now, kind, &campaign, &after, &offices)?;
    audit::record(
        conn,
        now,
        audit::Change {
            actor: &actor.label,
            action,
            entity: "application",
            entity_id: id,
            campaign_id: Some(&app.campaign_id),
            before: Some(snapshot(&app)),
            after: Some(snapshot(&after)),
        },
    )?;
    if app.status == Status::Accepted {
        allocation::promote_waiting(conn, notifier, actor, now, &campaign)?;
    }
    Ok(view(after, offices))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ParticipantRowView {
    pub office_number: String,
    pub name: String,
    pub kind: OfficeKind,
    pub role: ParticipantRole,
    pub honorarium_yen: i64,
    pub application_id: String,
}

pub fn participants(
    conn: &mut DbConn,
    campaign_id: &str,
    page: Page,
) -> ServiceResult<Paged<ParticipantRowView>> {
    super::campaigns::find(conn, campaign_id)?;
    let (found, total) =
        rows::accepted_participants(conn, campaign_id, page.offset(), page.per_page)?;
    let items = found
        .into_iter()
        .map(|p| ParticipantRowView {
            kind: p.kind,
            role: p.role,
            office_number: p.office_number,
            name: p.name,
            honorarium_yen: p.honorarium_yen,
            application_id: p.application_id,
        })
        .collect();
    Ok(Paged::new(items, total, page))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AttendeeImport {
    /// Well-formed office numbers in the file.
    pub rows: usize,
    /// Of those, how many were not on the list before.
    pub added: usize,
    pub invalid_rows: Vec<InvalidRow>,
    /// Waiting applications admitted because of this import.
    pub promoted: Vec<String>,
}

/// Adds a CSV of seminar attendees to the campaign's list; waiting applications that now fit
/// are promoted. Runs inside the caller's write transaction.
pub fn import_attendees(
    conn: &mut DbConn,
    notifier: &Notifier,
    actor: &Actor,
    now: NaiveDateTime,
    campaign_id: &str,
    csv: &[u8],
) -> ServiceResult<AttendeeImport> {
    let campaign = campaigns::lock(conn, campaign_id)?.ok_or(ServiceError::NotFound("campaign"))?;
    let list = office_list::parse(csv).map_err(|e| {
        let mut errors = FieldErrors::new();
        errors.push("body", e.to_string());
        ServiceError::Invalid(errors)
    })?;
    let numbers: Vec<String> = list.offices.iter().map(|o| o.as_str().to_owned()).collect();
    let added = rows::add_attendees(conn, campaign_id, &numbers, now)?;
    audit::record(
        conn,
        now,
        audit::Change {
            actor: &actor.label,
            action: "campaign.seminar_attendees.import",
            entity: "campaign",
            entity_id: campaign_id,
            campaign_id: Some(campaign_id),
            before: None,
            after: Some(serde_json::json!({"office_numbers": numbers, "added": added})),
        },
    )?;
    let promoted = allocation::promote_waiting(conn, notifier, actor, now, &campaign)?;
    Ok(AttendeeImport {
        rows: numbers.len(),
        added,
        invalid_rows: list.invalid_rows,
        promoted,
    })
}
