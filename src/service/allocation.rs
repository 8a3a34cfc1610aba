//! Slots in the database: what accepted applications hold, the public counter, and promotion
//! from the waiting list. Callers hold the campaign's lock (`db::campaigns::lock`).

use super::outbox::{self, Notifier};
use super::{Actor, ServiceResult};
use crate::db::applications::{self as apps, WAITLISTED};
use crate::db::campaigns::CampaignRow;
use crate::db::{audit, DbConn};
use crate::domain::allocation::{promotions, Caps, Slots};
use crate::domain::campaign::{Phase, Settings};
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
pub fn held(conn: &mut DbConn, campaign_id: &str) -> ServiceResult<Slots> {
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

/// The slots an application's offices need, by whether each is on the attendee list.
pub fn need_of(offices: &[apps::ParticipantRow], is_model: bool, attendees: &[String]) -> Slots {
    Slots {
        offices: offices.len() as u32,
        model: u32::from(is_model),
        non_attendees: offices
            .iter()
            .filter(|o| !attendees.contains(&o.office_number))
            .count() as u32,
    }
}

/// Admits waiting applications that now fit, in arrival order, unless the deadline has passed
/// (and the campaign does not promote after it). Returns the promoted application ids.
pub fn promote_waiting(
    conn: &mut DbConn,
    notifier: &Notifier,
    actor: &Actor,
    now: NaiveDateTime,
    campaign: &CampaignRow,
) -> ServiceResult<Vec<String>> {
    let settings = campaign.settings();
    if settings.phase(now) == Phase::Closed && !settings.rules.promote_after_deadline {
        return Ok(Vec::new());
    }
    let waiting = apps::waiting(conn, &campaign.id)?;
    if waiting.is_empty() {
        return Ok(Vec::new());
    }
    let numbers: Vec<String> = waiting
        .iter()
        .flat_map(|(_, offices)| offices.iter().map(|o| o.office_number.clone()))
        .collect();
    let attendees = apps::attendees_among(conn, &campaign.id, &numbers)?;
    let needs: Vec<(String, Slots)> = waiting
        .iter()
        .map(|(app, offices)| {
            (
                app.id.clone(),
                need_of(offices, app.tier == "model", &attendees),
            )
        })
        .collect();
    let held = held(conn, &campaign.id)?;
    let promoted = promotions(caps(&settings), held, &needs);
    for (app, offices) in waiting.iter().filter(|(a, _)| promoted.contains(&a.id)) {
        let id = &app.id;
        apps::set_status(
            conn,
            id,
            apps::ACCEPTED,
            Some("promoted from the waiting list"),
            now,
        )?;
        outbox::enqueue(conn, notifier, now, Kind::Promoted, campaign, app, offices)?;
        audit::record(
            conn,
            now,
            audit::Change {
                actor: &actor.label,
                action: "application.promote",
                entity: "application",
                entity_id: id,
                campaign_id: Some(&campaign.id),
                before: Some(serde_json::json!({"status": WAITLISTED})),
                after: Some(serde_json::json!({"status": apps::ACCEPTED})),
            },
        )?;
    }
    Ok(promoted)
}
