//! What staff and the applicant see of applications and the offices taking part.

use crate::db::applications::{self as rows, ApplicationRow, ListFilter, ParticipantRow};
use crate::db::DbConn;
use crate::domain::application::{OfficeKind, ParticipantRole, Tier};
use crate::domain::correction::may_correct;
use crate::domain::email::EmailAddress;
use crate::domain::ids::{ApplicationId, CampaignId};
use crate::domain::jst;
use crate::domain::participation::Status;
use crate::domain::secret::Secret;
use crate::domain::year_end::Checkpoints;
use crate::domain::FieldError;
use crate::service::{campaigns, Page, Paged, ServiceError, ServiceResult};
use chrono::{DateTime, FixedOffset};
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
    pub id: ApplicationId,
    pub campaign_id: CampaignId,
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
    /// Staff's notes, oldest first: on one application's view, not in lists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<Vec<crate::service::notes::NoteView>>,
}

/// What the applicant sees through the secret link: nothing of anyone else.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PublicStatusView {
    pub id: ApplicationId,
    pub campaign_id: CampaignId,
    pub campaign_name: String,
    pub tier: Tier,
    pub status: Status,
    pub sequence: i64,
    pub submitted_at: DateTime<FixedOffset>,
    pub contact_name: String,
    /// Masked: `k***@example.jp`.
    pub contact_email: String,
    pub participants: Vec<PublicParticipant>,
    /// Whether `PATCH` on this link still corrects the contact, names and addresses: until
    /// the campaign's deadline, while the application takes part.
    pub correctable: bool,
}

/// An office as it was sent, addresses masked.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PublicParticipant {
    pub office_number: String,
    pub name: String,
    pub kind: OfficeKind,
    pub corporate_number: String,
    pub corporation_name: String,
    pub municipality_code: String,
    pub address: String,
    /// Masked: `o***@example.jp`.
    pub email: String,
    pub role: ParticipantRole,
    pub honorarium_yen: i64,
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
pub(super) fn view(app: ApplicationRow, offices: Vec<ParticipantRow>) -> ApplicationView {
    ApplicationView {
        tier: app.tier,
        submitted_at: jst::to_jst(app.submitted_at),
        accepted_at: app.accepted_at.map(jst::to_jst),
        contact: ContactView {
            name: app.contact_name,
            email: app.contact_email,
        },
        participants: offices.into_iter().map(participant_view).collect(),
        warnings: crate::domain::field_error::from_stored(&app.warnings_json).unwrap_or_default(),
        status_url: None,
        notes: None,
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

/// One application with its offices and staff's notes.
pub fn get(conn: &mut DbConn, id: &ApplicationId) -> ServiceResult<ApplicationView> {
    let app = rows::find(conn, id)?.ok_or(ServiceError::NotFound("application"))?;
    let mut found = load_view(conn, app)?;
    found.notes = Some(crate::service::notes::list(conn, id)?);
    Ok(found)
}

/// One page of a campaign's applications. `total` counts what the filter takes: the store
/// remembers it for a second ([`crate::service::Store::application_total`]), as counting a
/// waiting list of a hundred thousand for every page view is what made the staff list slow.
pub fn list(
    conn: &mut DbConn,
    campaign_id: &CampaignId,
    filter: &ListFilter,
    page: Page,
    total: impl FnOnce(&mut DbConn) -> ServiceResult<i64>,
) -> ServiceResult<Paged<ApplicationView>> {
    campaigns::find(conn, campaign_id)?;
    let total = total(conn)?;
    let apps = rows::list(conn, campaign_id, filter, page.offset(), page.per_page)?;
    let ids: Vec<ApplicationId> = apps.iter().map(|a| a.id.clone()).collect();
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

/// How many of a campaign's applications `filter` takes, counted now.
pub fn count(
    conn: &mut DbConn,
    campaign_id: &CampaignId,
    filter: &ListFilter,
) -> ServiceResult<i64> {
    Ok(rows::count(conn, campaign_id, filter)?)
}

/// The application behind `secret` as its applicant sees it at `now`.
pub fn public_status(
    conn: &mut DbConn,
    secret: &Secret,
    now: chrono::NaiveDateTime,
) -> ServiceResult<PublicStatusView> {
    let app = rows::find_by_secret(conn, secret)?.ok_or(ServiceError::NotFound("application"))?;
    let campaign = campaigns::find(conn, &app.campaign_id)?;
    let offices = rows::participants_of(conn, std::slice::from_ref(&app.id))?;
    Ok(PublicStatusView {
        tier: app.tier,
        submitted_at: jst::to_jst(app.submitted_at),
        contact_email: masked_contact(&app.contact_email),
        correctable: may_correct(app.status, campaign.deadline, now).is_ok(),
        contact_name: app.contact_name,
        participants: offices
            .into_iter()
            .map(|p| PublicParticipant {
                email: masked_contact(&p.email),
                role: p.role,
                office_number: p.office_number,
                name: p.name,
                kind: p.kind,
                corporate_number: p.corporate_number,
                corporation_name: p.corporation_name,
                municipality_code: p.municipality_code,
                address: p.address,
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

/// An address as the applicant's own views show it: `k***@example.jp`.
pub fn masked_contact(email: &str) -> String {
    EmailAddress::parse(email)
        .map(|e| e.masked())
        .unwrap_or_default()
}

pub fn find_by_secret(conn: &mut DbConn, secret: &Secret) -> ServiceResult<ApplicationRow> {
    rows::find_by_secret(conn, secret)?.ok_or(ServiceError::NotFound("application"))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ParticipantRowView {
    pub office_number: String,
    pub name: String,
    pub kind: OfficeKind,
    pub role: ParticipantRole,
    pub honorarium_yen: i64,
    pub application_id: ApplicationId,
    /// What the secretariat has recorded toward the year-end check.
    pub checkpoints: Checkpoints,
}

pub fn participants(
    conn: &mut DbConn,
    campaign_id: &CampaignId,
    page: Page,
) -> ServiceResult<Paged<ParticipantRowView>> {
    campaigns::find(conn, campaign_id)?;
    let (found, total) =
        rows::accepted_participants(conn, campaign_id, page.offset(), page.per_page)?;
    let ids: Vec<String> = found.iter().map(|p| p.id.clone()).collect();
    let recorded = crate::db::year_end::checkpoints_of(conn, &ids)?;
    let items = found
        .into_iter()
        .map(|p| ParticipantRowView {
            checkpoints: crate::service::checkpoints::of_row(recorded.get(&p.id)),
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
