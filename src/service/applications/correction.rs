//! The applicant corrects what was sent, through the status link: in one transaction the
//! application changes, the audit trail records it with before and after, and the contact is
//! mailed what changed (at the old address too when the address itself changed, so a
//! correction nobody asked for does not go unseen). The place in line never moves.

use crate::db::applications::{self as rows, ApplicationRow, ParticipantRow};
use crate::db::{audit, campaigns, corrections, DbConn};
use crate::domain::audit_action::Action;
use crate::domain::conflict::Conflict;
use crate::domain::correction::{changes, corrected, may_correct, Change, CorrectionInput};
use crate::domain::correction::{Sent, SentOffice};
use crate::domain::secret::Secret;
use crate::email::templates::Kind;
use crate::service::outbox::{self, About, Notifier};
use crate::service::{Actor, ServiceError, ServiceResult};
use chrono::NaiveDateTime;

/// What the application holds that its applicant may see and partly correct.
pub fn sent_of(app: &ApplicationRow, offices: &[ParticipantRow]) -> Sent {
    Sent {
        contact_name: app.contact_name.clone(),
        contact_email: app.contact_email.clone(),
        offices: offices
            .iter()
            .map(|o| SentOffice {
                office_number: o.office_number.clone(),
                corporate_number: o.corporate_number.clone(),
                name: o.name.clone(),
                corporation_name: o.corporation_name.clone(),
                address: o.address.clone(),
                email: o.email.clone(),
            })
            .collect(),
    }
}

/// A change as the email says it; addresses masked, as everywhere the applicant reads them.
fn line(c: &Change) -> String {
    let shown = |v: &str| {
        if c.item.is_email() {
            super::views::masked_contact(v)
        } else {
            v.to_owned()
        }
    };
    format!(
        "{}: {} → {}",
        c.item.label_ja(),
        shown(&c.before),
        shown(&c.after)
    )
}

/// Corrects the application behind `secret` as `input` asks; returns what changed (nothing
/// changed writes, records and sends nothing). Runs inside the caller's write transaction.
pub fn correct_by_secret(
    conn: &mut DbConn,
    notifier: &Notifier,
    now: NaiveDateTime,
    secret: &Secret,
    input: &CorrectionInput,
) -> ServiceResult<Vec<Change>> {
    let found = super::views::find_by_secret(conn, secret)?;
    // Under the campaign's lock, as a withdrawal or a deadline change takes it, so the state
    // and the deadline judged are the ones the correction is written under.
    let campaign =
        campaigns::lock(conn, &found.campaign_id)?.ok_or(ServiceError::NotFound("campaign"))?;
    let app = rows::find(conn, &found.id)?.ok_or(ServiceError::NotFound("application"))?;
    may_correct(app.status, campaign.deadline, now)
        .map_err(|closed| ServiceError::StateConflict(Conflict::CorrectionsClosed(closed)))?;
    let offices = rows::participants_of(conn, std::slice::from_ref(&app.id))?;
    let before = sent_of(&app, &offices);
    let after = corrected(&before, input)?;
    let changed = changes(&before, &after);
    if changed.is_empty() {
        return Ok(changed);
    }
    corrections::write(conn, &app.id, &after, now)?;
    audit::record(
        conn,
        now,
        audit::Change {
            actor: &Actor::applicant().label,
            action: Action::ApplicationCorrect,
            entity: "application",
            entity_id: app.id.as_str(),
            campaign_id: Some(&app.campaign_id),
            before: Some(crate::service::audit::snapshot(&before)?),
            after: Some(crate::service::audit::snapshot(&after)?),
        },
    )?;
    let app = rows::find(conn, &app.id)?.ok_or(ServiceError::NotFound("application"))?;
    let offices = rows::participants_of(conn, std::slice::from_ref(&app.id))?;
    let about = About {
        campaign: &campaign,
        app: &app,
        offices: &offices,
        place_in_line: None,
    };
    let mut mail = outbox::mail_of(notifier, Kind::Corrected, about);
    mail.changes = changed.iter().map(line).collect();
    let mut recipients = vec![after.contact_email.as_str()];
    if before.contact_email != after.contact_email {
        recipients.push(before.contact_email.as_str());
    }
    let messages: Vec<_> = recipients
        .into_iter()
        .map(|to| outbox::message_to(notifier, now, Kind::Corrected, about, to, &mail))
        .collect();
    crate::db::outbox::insert(conn, &messages)?;
    Ok(changed)
}
