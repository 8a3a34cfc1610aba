//! Writing applicant emails to the outbox inside the change that causes them, and what staff
//! see of the outbox.

use super::{Actor, Page, Paged, ServiceError, ServiceResult};
use crate::db::applications::{ApplicationRow, ParticipantRow};
use crate::db::campaigns::CampaignRow;
pub use crate::db::outbox::ListFilter;
use crate::db::outbox::{self as rows, MessageRow};
use crate::db::{audit, DbConn};
use crate::domain::audit_action::Action;
use crate::domain::conflict::Conflict;
use crate::domain::delivery::{AttemptOutcome, DeliveryStatus};
use crate::domain::ids::{ApplicationId, CampaignId, MessageId};
use crate::domain::jst;
use crate::email::templates::{self, ApplicationMail, Kind, OfficeLine};
use chrono::{DateTime, FixedOffset, NaiveDateTime};
use serde::Serialize;

/// What rendering needs from the configuration.
#[derive(Debug, Clone)]
pub struct Notifier {
    /// Base of absolute links in emails, without a trailing slash.
    pub public_base_url: String,
    /// Domain part of generated Message-IDs.
    pub message_id_domain: String,
}

impl Notifier {
    pub fn new(public_base_url: &str) -> Self {
        let base = public_base_url.trim_end_matches('/').to_owned();
        let domain = base
            .split("://")
            .nth(1)
            .and_then(|rest| rest.split(['/', ':']).next())
            .filter(|d| !d.is_empty())
            .unwrap_or("honoraria.localhost")
            .to_owned();
        Notifier {
            public_base_url: base,
            message_id_domain: domain,
        }
    }
}

/// What an application email is about.
#[derive(Clone, Copy)]
pub struct About<'a> {
    pub campaign: &'a CampaignRow,
    pub app: &'a ApplicationRow,
    pub offices: &'a [ParticipantRow],
    /// For an application that waits: 1 for the next to be promoted.
    pub place_in_line: Option<i64>,
}

/// Queues the email `kind` about an application to its contact; part of the caller's
/// transaction.
pub fn enqueue(
    conn: &mut DbConn,
    notifier: &Notifier,
    now: NaiveDateTime,
    kind: Kind,
    about: About<'_>,
) -> ServiceResult<()> {
    let row = message(notifier, now, kind, about);
    rows::insert(conn, std::slice::from_ref(&row))?;
    Ok(())
}

/// The email `kind` about an application to its contact, rendered and ready to queue.
pub fn message(
    notifier: &Notifier,
    now: NaiveDateTime,
    kind: Kind,
    about: About<'_>,
) -> MessageRow {
    let mail = mail_of(notifier, kind, about);
    message_to(notifier, now, kind, about, &about.app.contact_email, &mail)
}

/// `mail` as the email `kind` about an application, to `recipient`, ready to queue.
pub fn message_to(
    notifier: &Notifier,
    now: NaiveDateTime,
    kind: Kind,
    about: About<'_>,
    recipient: &str,
    mail: &ApplicationMail,
) -> MessageRow {
    queued(
        notifier,
        now,
        Envelope {
            kind: kind.as_str(),
            campaign: &about.campaign.id,
            application: &about.app.id,
            recipient,
            reply_to: about.campaign.contact_email.as_deref(),
        },
        templates::render(kind, mail),
    )
}

/// What the email `kind` about an application says.
pub fn mail_of(notifier: &Notifier, kind: Kind, about: About<'_>) -> ApplicationMail {
    let About {
        campaign,
        app,
        offices,
        place_in_line,
    } = about;
    ApplicationMail {
        campaign_name: campaign.name.clone(),
        secretariat: campaign.contact(),
        contact_name: app.contact_name.clone(),
        sequence: app.sequence,
        tier_label: app.tier.label_ja(),
        submitted_at: jst::display(app.submitted_at),
        deadline_wareki: jst::wareki(campaign.deadline),
        ends_on_wareki: jst::wareki(campaign.ends_on),
        offices: offices
            .iter()
            .map(|o| OfficeLine {
                office_number: o.office_number.clone(),
                name: o.name.clone(),
                role_label: o.role.label_ja(),
                honorarium: templates::yen(o.honorarium_yen),
            })
            .collect(),
        status_link: format!(
            "{}{}",
            notifier.public_base_url,
            super::status_link::page_path(&app.status_secret)
        ),
        survey_links: match kind {
            Kind::Accepted | Kind::Promoted => offices
                .iter()
                .map(|o| templates::SurveyLink {
                    label: crate::domain::survey::SurveyKind::Start.label_ja(),
                    url: format!(
                        "{}{}",
                        notifier.public_base_url,
                        super::surveys::page_path(
                            &app.status_secret,
                            crate::domain::survey::SurveyKind::Start,
                            &o.office_number
                        )
                    ),
                })
                .collect(),
            _ => Vec::new(),
        },
        reason: app.status_reason.clone(),
        place_in_line,
        changes: Vec::new(),
    }
}

/// Who an email goes to and what it is about.
struct Envelope<'a> {
    kind: &'static str,
    campaign: &'a CampaignId,
    application: &'a ApplicationId,
    recipient: &'a str,
    /// The campaign's contact address, so an applicant's reply reaches someone.
    reply_to: Option<&'a str>,
}

/// A rendered email as a queued outbox row, with its own Message-ID.
fn queued(
    notifier: &Notifier,
    now: NaiveDateTime,
    to: Envelope<'_>,
    rendered: templates::Rendered,
) -> MessageRow {
    let id = uuid::Uuid::now_v7();
    MessageRow {
        id: MessageId::from(id.to_string()),
        message_id: format!("<{}@{}>", id.simple(), notifier.message_id_domain),
        kind: to.kind.to_owned(),
        campaign_id: Some(to.campaign.clone()),
        application_id: Some(to.application.clone()),
        recipient: to.recipient.to_owned(),
        subject: rendered.subject,
        body_text: rendered.body,
        status: DeliveryStatus::Queued,
        attempts: 0,
        next_attempt_at: now,
        lease_until: None,
        lease_owner: None,
        last_error: None,
        created_at: now,
        sent_at: None,
        updated_at: now,
        reply_to: to.reply_to.map(str::to_owned),
    }
}

/// The email `kind` to one office at its own address, rendered and ready to queue.
pub fn office_message(
    notifier: &Notifier,
    now: NaiveDateTime,
    kind: templates::OfficeMailKind,
    campaign: &CampaignRow,
    office: &ParticipantRow,
    mail: &templates::OfficeMail,
) -> MessageRow {
    queued(
        notifier,
        now,
        Envelope {
            kind: kind.as_str(),
            campaign: &campaign.id,
            application: &office.application_id,
            recipient: &office.email,
            reply_to: campaign.contact_email.as_deref(),
        },
        templates::render_office(kind, mail),
    )
}

/// An office mail with the campaign's and the office's facts filled in; the caller sets what
/// the message is about.
pub fn office_mail(campaign: &CampaignRow, office: &ParticipantRow) -> templates::OfficeMail {
    templates::OfficeMail {
        campaign_name: campaign.name.clone(),
        secretariat: campaign.contact(),
        office_name: office.name.clone(),
        office_number: office.office_number.clone(),
        role_label: office.role.label_ja(),
        ends_on_wareki: jst::wareki(campaign.ends_on),
        eligible: false,
        amount: String::new(),
        reclaim: false,
        reasons: Vec::new(),
        missing: Vec::new(),
        survey_links: Vec::new(),
        has_account: false,
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MessageView {
    pub id: MessageId,
    pub message_id: String,
    pub kind: String,
    pub campaign_id: Option<CampaignId>,
    pub application_id: Option<ApplicationId>,
    pub recipient: String,
    /// Where a reply goes: the campaign's contact when the message was written.
    pub reply_to: Option<String>,
    pub subject: String,
    pub status: DeliveryStatus,
    pub attempts: i32,
    pub next_attempt_at: DateTime<FixedOffset>,
    /// The last SMTP reply or error when the last attempt did not send.
    pub last_error: Option<String>,
    pub created_at: DateTime<FixedOffset>,
    pub sent_at: Option<DateTime<FixedOffset>>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AttemptView {
    pub attempt: i32,
    pub at: DateTime<FixedOffset>,
    pub outcome: AttemptOutcome,
    pub reply: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MessageDetail {
    #[serde(flatten)]
    pub message: MessageView,
    pub body_text: String,
    pub attempt_log: Vec<AttemptView>,
}

fn view(r: MessageRow) -> MessageView {
    MessageView {
        next_attempt_at: jst::to_jst(r.next_attempt_at),
        created_at: jst::to_jst(r.created_at),
        sent_at: r.sent_at.map(jst::to_jst),
        id: r.id,
        message_id: r.message_id,
        kind: r.kind,
        campaign_id: r.campaign_id,
        application_id: r.application_id,
        recipient: r.recipient,
        reply_to: r.reply_to,
        subject: r.subject,
        status: r.status,
        attempts: r.attempts,
        last_error: r.last_error,
    }
}

pub fn list(
    conn: &mut DbConn,
    filter: &ListFilter,
    page: Page,
) -> ServiceResult<Paged<MessageView>> {
    let (found, total) = rows::list(conn, filter, page.offset(), page.per_page)?;
    Ok(Paged::new(
        found.into_iter().map(view).collect(),
        total,
        page,
    ))
}

pub fn get(conn: &mut DbConn, id: &MessageId) -> ServiceResult<MessageDetail> {
    let row = rows::find(conn, id)?.ok_or(ServiceError::NotFound("message"))?;
    let attempt_log = rows::attempts(conn, id)?
        .into_iter()
        .map(|a| AttemptView {
            attempt: a.attempt,
            at: jst::to_jst(a.at),
            outcome: a.outcome,
            reply: a.reply,
        })
        .collect();
    Ok(MessageDetail {
        body_text: super::status_link::masked_links(&row.body_text),
        message: view(row),
        attempt_log,
    })
}

/// Queues a message again (after a permanent failure was fixed, or a lost email); the same
/// Message-ID goes out, so a mail client can tell it is the same email.
pub fn resend(
    conn: &mut DbConn,
    actor: &Actor,
    now: NaiveDateTime,
    id: &MessageId,
) -> ServiceResult<MessageDetail> {
    let before = rows::find(conn, id)?.ok_or(ServiceError::NotFound("message"))?;
    if matches!(
        before.status,
        DeliveryStatus::Sending | DeliveryStatus::Queued
    ) {
        return Err(ServiceError::StateConflict(Conflict::MessageAlready {
            status: before.status,
        }));
    }
    rows::requeue(conn, id, now)?;
    audit::record(
        conn,
        now,
        audit::Change {
            actor: &actor.label,
            action: Action::EmailResend,
            entity: "outbox_message",
            entity_id: id.as_str(),
            campaign_id: before.campaign_id.as_ref(),
            before: Some(serde_json::json!({"status": before.status, "attempts": before.attempts})),
            after: Some(serde_json::json!({"status": DeliveryStatus::Queued})),
        },
    )?;
    get(conn, id)
}
