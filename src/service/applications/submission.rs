//! Taking one application, or a batch of them, first come first served: every check that
//! needs no lock, then under the campaign's lock the arrival number and the slots.

use super::views::view;
use crate::db::applications::{self as rows, ApplicationRow, ParticipantRow};
use crate::db::campaigns::CampaignRow;
use crate::db::{audit, campaigns, is_unique_violation, DbConn};
use crate::domain::application::{self, ApplicationInput};
use crate::domain::audit_action::Action;
use crate::domain::campaign::Phase;
use crate::domain::conflict::Conflict;
use crate::domain::ids::{ApplicationId, CampaignId};
use crate::domain::jst;
use crate::domain::municipality::MunicipalityCode;
use crate::domain::participation::{self, Status};
use crate::domain::secret::Secret;
use crate::email::templates::Kind;
use crate::service::audit::snapshot;
use crate::service::outbox::{self, Notifier};
use crate::service::status_link::status_path;
use crate::service::{allocation, idempotency, ServiceError, ServiceResult};
use chrono::NaiveDateTime;
use rand::{distributions::Alphanumeric, Rng};

pub fn check_open(
    settings: &crate::domain::campaign::Settings,
    now: NaiveDateTime,
) -> ServiceResult<()> {
    match settings.phase(now) {
        Phase::NotYetOpen => Err(ServiceError::StateConflict(Conflict::CampaignNotOpenYet)),
        Phase::Closed => Err(ServiceError::StateConflict(Conflict::CampaignClosed)),
        Phase::Open => Ok(()),
    }
}

/// An application that passed every check needing no lock, ready for the slots.
pub struct Prepared {
    pub app: application::Application,
    pub office_numbers: Vec<String>,
    pub need: crate::domain::allocation::Slots,
}

/// What the database knows of some offices before the lock: their participations in the
/// campaign so far and, when the campaign reserves slots, which of them attended a seminar.
/// Read once for a whole batch.
pub struct Known {
    earlier: Vec<(String, Status)>,
    attendees: Vec<String>,
    /// Corporate numbers the latest office register gives for these offices.
    registered: Vec<(String, String)>,
}

pub fn known(
    conn: &mut DbConn,
    campaign: &CampaignRow,
    office_numbers: &[String],
) -> ServiceResult<Known> {
    let earlier = rows::participations_of(conn, &campaign.id, office_numbers)?;
    // Without reserved slots, who attended a seminar changes nothing: spare the query.
    let attendees = if campaign.reserved_seminar_slots > 0 {
        rows::attendees_among(conn, &campaign.id, office_numbers)?
    } else {
        Vec::new()
    };
    // Where a register is loaded, an office number typed with another corporation's number is
    // flagged for review: the squatter's tell.
    let today = jst::date_of(crate::clock::now());
    let registered = match crate::db::office_registers::latest_on_or_before(conn, today)? {
        Some(register) => match MunicipalityCode::parse(&campaign.region_code) {
            Ok(region) => crate::db::office_registers::corporate_numbers_of(
                conn,
                &register.id,
                region.as_str(),
                office_numbers,
            )?,
            Err(_) => Vec::new(),
        },
        None => Vec::new(),
    };
    Ok(Known {
        earlier,
        attendees,
        registered,
    })
}

/// The rules of the campaign's phase and of the application's tier, which need no database.
pub fn checked(
    now: NaiveDateTime,
    campaign: &CampaignRow,
    input: &ApplicationInput,
) -> ServiceResult<(application::Application, Vec<String>)> {
    check_open(&campaign.settings(), now)?;
    let app = application::check(input, &campaign.settings(), jst::date_of(now))?;
    let office_numbers = app
        .offices
        .iter()
        .map(|o| o.office_number.as_str().to_owned())
        .collect();
    Ok((app, office_numbers))
}

/// A checked application against what is `known` of its offices: none may take part already
/// (a racing duplicate still meets the unique index under the lock).
pub fn ready(
    mut app: application::Application,
    office_numbers: Vec<String>,
    known: &Known,
) -> ServiceResult<Prepared> {
    let taken = participation::blocking(&known.earlier, &office_numbers);
    if !taken.is_empty() {
        return Err(ServiceError::AlreadyTakingPart(
            taken.into_iter().map(|(n, _)| n.to_string()).collect(),
        ));
    }
    app.compare_with_register(&known.registered);
    let need = app.need(|n| known.attendees.iter().any(|a| a == n.as_str()));
    Ok(Prepared {
        app,
        office_numbers,
        need,
    })
}

/// Everything about one application that needs no lock: the campaign is open, every rule of
/// its tier holds, and none of its offices takes part already.
pub fn prepare(
    conn: &mut DbConn,
    now: NaiveDateTime,
    campaign: &CampaignRow,
    input: &ApplicationInput,
) -> ServiceResult<Prepared> {
    let (app, office_numbers) = checked(now, campaign, input)?;
    let known = known(conn, campaign, &office_numbers)?;
    ready(app, office_numbers, &known)
}

/// The rows of an allocated application.
fn build_rows(
    campaign_id: &CampaignId,
    prepared: &Prepared,
    status: Status,
    sequence: i64,
    now: NaiveDateTime,
) -> (ApplicationRow, Vec<ParticipantRow>) {
    let app = &prepared.app;
    let id = ApplicationId::new();
    let secret: String = rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(40)
        .map(char::from)
        .collect();
    let row = ApplicationRow {
        id: id.clone(),
        campaign_id: campaign_id.clone(),
        tier: app.tier,
        status,
        sequence,
        submitted_at: now,
        contact_name: app.contact_name.clone(),
        contact_email: app.contact_email.as_str().to_owned(),
        status_secret: Secret::new(secret),
        needs_review: app.needs_review(),
        warnings_json: crate::domain::field_error::to_stored(&app.warnings)
            .unwrap_or_else(|_| "[]".into()),
        status_reason: None,
        accepted_at: (status == Status::Accepted).then_some(now),
        updated_at: now,
    };
    let offices = app
        .offices
        .iter()
        .enumerate()
        .map(|(i, o)| ParticipantRow {
            id: uuid::Uuid::now_v7().to_string(),
            application_id: id.clone(),
            campaign_id: campaign_id.clone(),
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
pub fn created(row: ApplicationRow, offices: Vec<ParticipantRow>) -> idempotency::Created {
    let link = status_path(&row.status_secret);
    let mut view = view(row, offices);
    view.status_url = Some(link);
    idempotency::Created {
        status: 201,
        body: serde_json::to_value(view).unwrap_or_default(),
    }
}

fn unique_violation_is_conflict(e: diesel::result::Error) -> ServiceError {
    if is_unique_violation(&e) {
        ServiceError::AlreadyTakingPart(Vec::new())
    } else {
        e.into()
    }
}

/// Takes one application: checks what needs no lock, then under the campaign's lock takes the
/// next arrival number and accepts it if it fits whole, else it waits. Runs inside the
/// caller's write transaction; `arrived` is when the request came in.
pub fn submit(
    conn: &mut DbConn,
    notifier: &Notifier,
    arrived: NaiveDateTime,
    campaign_id: &CampaignId,
    input: &ApplicationInput,
) -> ServiceResult<idempotency::Created> {
    let campaign = crate::service::campaigns::find(conn, campaign_id)?;
    let prepared = prepare(conn, arrived, &campaign, input)?;
    let mut made = allocate(conn, notifier, campaign_id, std::slice::from_ref(&prepared))?;
    let (row, offices) = made.remove(0);
    Ok(created(row, offices))
}

/// Allocates prepared applications in arrival order under the campaign's lock, held until
/// commit: consecutive arrival numbers, accepted while each fits whole, else waiting; writes
/// them, their emails and their audit events, one statement per table. Caps and deadline are
/// read again under the lock, as a change may have landed since `prepare`; so is the clock:
/// submission times follow arrival numbers, across instances too, and the deadline is judged
/// at the moment the slots are given.
pub fn allocate(
    conn: &mut DbConn,
    notifier: &Notifier,
    campaign_id: &CampaignId,
    prepared: &[Prepared],
) -> ServiceResult<Vec<(ApplicationRow, Vec<ParticipantRow>)>> {
    let locked = campaigns::take_sequences(conn, campaign_id, prepared.len() as i64)?
        .ok_or(ServiceError::NotFound("campaign"))?;
    let now = crate::clock::now();
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
    // Each waiting applicant is told their place: those waiting before this batch, then this
    // batch's own in arrival order.
    let waiting_before = if made.iter().any(|(row, _)| row.status == Status::Waitlisted) {
        rows::waiting_ahead(conn, campaign_id, first)?
    } else {
        0
    };
    rows::insert(conn, &apps, &offices).map_err(unique_violation_is_conflict)?;
    let mut places = (waiting_before + 1)..;
    let messages: Vec<_> = made
        .iter()
        .map(|(row, its)| {
            let (kind, place_in_line) = if row.status == Status::Accepted {
                (Kind::Accepted, None)
            } else {
                (Kind::Waitlisted, places.next())
            };
            outbox::message(
                notifier,
                now,
                kind,
                outbox::About {
                    campaign: &locked,
                    app: row,
                    offices: its,
                    place_in_line,
                },
            )
        })
        .collect();
    crate::db::outbox::insert(conn, &messages)?;
    let changes = made
        .iter()
        .map(|(row, its)| {
            Ok(audit::Change {
                actor: "applicant",
                action: Action::ApplicationSubmit,
                entity: "application",
                entity_id: row.id.as_str(),
                campaign_id: Some(&row.campaign_id),
                before: None,
                after: Some(serde_json::json!({"application": snapshot(row)?, "offices": its})),
            })
        })
        .collect::<ServiceResult<Vec<_>>>()?;
    audit::record_all(conn, now, changes)?;
    Ok(made)
}
