//! Reminders to offices whose checkpoints are still open, once a Japan-time day at most.

use super::checkpoints::of_row;
use super::outbox as mail;
use super::{ServiceError, ServiceResult};
use crate::db::audit;
use crate::db::campaigns::{self, CampaignRow};
use crate::db::year_end::{self as rows, AcceptedOffice};
use crate::db::DbConn;
use crate::domain::audit_action::Action;
use crate::domain::ids::CampaignId;
use crate::domain::jst;
use crate::email::templates::OfficeMailKind;
use crate::service::UseCase;
use chrono::NaiveDate;
use serde::Serialize;

/// What an office still has to do, in plain words, as of `today`: the end survey once it
/// has opened.
pub fn missing(
    office: &AcceptedOffice,
    campaign: &CampaignRow,
    today: NaiveDate,
) -> Vec<&'static str> {
    let c = of_row(office.checkpoints.as_ref());
    let mut items = Vec::new();
    if c.usage_started_on.is_none() && office.participant.using_system_since.is_none() {
        items.push("システムの利用開始（利用を始めた日を事務局へお知らせください）");
    }
    if !c.start_survey_answered {
        items.push("利用開始時アンケートへのご回答");
    }
    let end_survey = crate::domain::survey::Window::of(
        crate::domain::survey::SurveyKind::End,
        None,
        campaign.ends_on,
        campaign.survey_days(),
    );
    if !c.end_survey_answered && end_survey.opens_on.is_some_and(|day| today >= day) {
        items.push("年度末アンケートへのご回答");
    }
    items
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Reminders {
    /// Offices reminded now.
    pub sent: Vec<String>,
    /// Offices with something open that were already reminded today (Japan time).
    pub already_reminded_today: Vec<String>,
    /// Offices with nothing open.
    pub complete: usize,
}

/// One run of reminders, as the audit trail keeps it.
pub struct ReminderRun {
    pub at: chrono::DateTime<chrono::FixedOffset>,
    pub actor: String,
    /// The offices reminded, by office number.
    pub offices: Vec<String>,
}

/// Every run of reminders for the campaign, newest first: who was reminded when, and by whom.
pub fn history(conn: &mut DbConn, campaign_id: &CampaignId) -> ServiceResult<Vec<ReminderRun>> {
    let events = super::audit::history(conn, campaign_id, "campaign", campaign_id.as_str())?;
    Ok(events
        .into_iter()
        .rev()
        .filter(|e| e.action == Action::CheckpointsRemind.as_str())
        .map(|e| ReminderRun {
            offices: e.after["reminded"]
                .as_array()
                .map(|all| {
                    all.iter()
                        .filter_map(|o| o.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default(),
            at: e.at,
            actor: e.actor,
        })
        .collect())
}

/// Reminds every accepted office with open checkpoints of what is missing, at most once a day
/// (Japan time) each. Runs inside the caller's write transaction.
pub fn remind(uc: UseCase<'_>, campaign_id: &CampaignId) -> ServiceResult<Reminders> {
    let campaign =
        campaigns::lock(uc.conn, campaign_id)?.ok_or(ServiceError::NotFound("campaign"))?;
    let today = jst::date_of(uc.now);
    let mut outcome = Reminders {
        sent: Vec::new(),
        already_reminded_today: Vec::new(),
        complete: 0,
    };
    let already = rows::reminded_on(uc.conn, campaign_id, today)?;
    let offices = rows::accepted_offices(uc.conn, campaign_id)?;
    let mut links = super::surveys::reminder_links(
        uc.conn,
        &uc.notifier.public_base_url,
        &campaign,
        &offices,
        today,
    )?;
    let mut messages = Vec::new();
    let mut reminded = Vec::new();
    for office in &offices {
        let open = missing(office, &campaign, today);
        let number = office.participant.office_number.clone();
        if open.is_empty() {
            outcome.complete += 1;
        } else if already.contains(&office.participant.id) {
            outcome.already_reminded_today.push(number);
        } else {
            let mut m = mail::office_mail(&campaign, &office.participant);
            m.missing = open;
            m.survey_links = links.remove(&office.participant.id).unwrap_or_default();
            messages.push(mail::office_message(
                uc.notifier,
                uc.now,
                OfficeMailKind::Reminder,
                &campaign,
                &office.participant,
                &m,
            ));
            reminded.push(rows::ReminderRow {
                campaign_id,
                participant_id: &office.participant.id,
                day: today,
                sent_at: uc.now,
            });
            outcome.sent.push(number);
        }
    }
    rows::note_reminders(uc.conn, &reminded)?;
    crate::db::outbox::insert(uc.conn, &messages)?;
    audit::record(
        uc.conn,
        uc.now,
        audit::Change {
            actor: &uc.actor.label,
            action: Action::CheckpointsRemind,
            entity: "campaign",
            entity_id: campaign_id.as_str(),
            campaign_id: Some(campaign_id),
            before: None,
            after: Some(serde_json::json!({"reminded": outcome.sent})),
        },
    )?;
    Ok(outcome)
}
