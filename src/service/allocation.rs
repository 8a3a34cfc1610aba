//! Slots in the database: what accepted applications hold, the public counter, and promotion
//! from the waiting list. Callers hold the campaign's lock (`db::campaigns::lock`).

use super::outbox::{self, Notifier};
use super::{Actor, ServiceResult};
use crate::db::applications as apps;
use crate::db::campaigns::CampaignRow;
use crate::db::{audit, DbConn};
use crate::domain::allocation::{promotions, Caps, Slots};
use crate::domain::application::Tier;
use crate::domain::campaign::{Phase, Settings};
use crate::domain::ids::{ApplicationId, CampaignId};
use crate::domain::participation::Status;
use crate::email::templates::Kind;
use chrono::NaiveDateTime;
use serde::Serialize;

fn count(n: i64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

pub fn caps(s: &Settings) -> Caps {
    Caps {
        total: s.total_slots.max(0) as u32,
        model: s.model_slots.max(0) as u32,
        reserved_for_attendees: s.reserved_seminar_slots.max(0) as u32,
    }
}

/// The slots accepted applications hold now.
pub fn held(conn: &mut DbConn, campaign_id: &CampaignId) -> ServiceResult<Slots> {
    let (offices, model, non_attendees) = apps::held(conn, campaign_id)?;
    Ok(Slots {
        offices: count(offices),
        model: count(model),
        non_attendees: count(non_attendees),
    })
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Counter {
    pub cap: i64,
    pub taken: i64,
    pub remaining: i64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SlotsView {
    pub total: Counter,
    pub model: Counter,
    /// Slots kept for seminar attendees, and how many non-attendees may still take.
    pub seminar: SeminarCounter,
    /// Waiting applications.
    pub waitlisted: i64,
    /// Offices in waiting applications.
    pub waitlisted_offices: i64,
    /// Whether the campaign takes applications now.
    pub accepting: bool,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SeminarCounter {
    pub reserved: i64,
    pub non_attendee_remaining: i64,
}

fn counter(cap: u32, taken: u32) -> Counter {
    Counter {
        cap: i64::from(cap),
        taken: i64::from(taken),
        remaining: i64::from(cap.saturating_sub(taken)),
    }
}

pub fn slots(
    conn: &mut DbConn,
    campaign: &CampaignRow,
    now: NaiveDateTime,
) -> ServiceResult<SlotsView> {
    let settings = campaign.settings();
    let caps = caps(&settings);
    let held = held(conn, &campaign.id)?;
    let (waiting_applications, waiting_offices) = apps::waiting_counts(conn, &campaign.id)?;
    Ok(SlotsView {
        total: counter(caps.total, held.offices),
        model: counter(caps.model, held.model),
        seminar: SeminarCounter {
            reserved: i64::from(caps.reserved_for_attendees),
            non_attendee_remaining: i64::from(
                caps.total
                    .saturating_sub(caps.reserved_for_attendees)
                    .saturating_sub(held.non_attendees)
                    .min(caps.total.saturating_sub(held.offices)),
            ),
        },
        waitlisted: waiting_applications,
        waitlisted_offices: waiting_offices,
        accepting: settings.phase(now) == Phase::Open,
    })
}

/// Admits waiting applications that now fit, in arrival order, unless the deadline has passed
/// (and the campaign does not promote after it). Returns the promoted application ids.
pub fn promote_waiting(
    conn: &mut DbConn,
    notifier: &Notifier,
    actor: &Actor,
    now: NaiveDateTime,
    campaign: &CampaignRow,
) -> ServiceResult<Vec<ApplicationId>> {
    let settings = campaign.settings();
    if settings.phase(now) == Phase::Closed && !settings.rules.promote_after_deadline {
        return Ok(Vec::new());
    }
    let waiting = apps::waiting(conn, &campaign.id)?;
    if waiting.is_empty() {
        return Ok(Vec::new());
    }
    let needs: Vec<(usize, Slots)> = waiting
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let is_model = w.app.tier == Tier::Model;
            (i, Slots::needed(is_model, w.attendees.iter().copied()))
        })
        .collect();
    let held = held(conn, &campaign.id)?;
    let admitted = promotions(caps(&settings), held, &needs);
    let mut promoted = Vec::with_capacity(admitted.len());
    for w in admitted.into_iter().map(|i| &waiting[i]) {
        let (app, offices) = (&w.app, &w.offices);
        let id = &app.id;
        promoted.push(id.clone());
        apps::set_status(
            conn,
            id,
            Status::Accepted,
            Some("promoted from the waiting list"),
            now,
        )?;
        outbox::enqueue(
            conn,
            notifier,
            now,
            Kind::Promoted,
            outbox::About {
                campaign,
                app,
                offices,
            },
        )?;
        audit::record(
            conn,
            now,
            audit::Change {
                actor: &actor.label,
                action: "application.promote",
                entity: "application",
                entity_id: id.as_str(),
                campaign_id: Some(&campaign.id),
                before: Some(serde_json::json!({"status": Status::Waitlisted})),
                after: Some(serde_json::json!({"status": Status::Accepted})),
            },
        )?;
    }
    Ok(promoted)
}
