//! Slots in the database: what accepted applications hold, the public counter, and promotion
//! from the waiting list. Callers hold the campaign's lock (`db::campaigns::lock`).

use super::outbox::{self};
use super::ServiceResult;
use crate::db::applications as apps;
use crate::db::campaigns::CampaignRow;
use crate::db::{audit, DbConn};
use crate::domain::allocation::{promotions, Caps, Slots};
use crate::domain::application::Tier;
use crate::domain::audit_action::Action;
use crate::domain::campaign::{Phase, Settings};
use crate::domain::ids::{ApplicationId, CampaignId};
use crate::domain::participation::Status;
use crate::email::templates::Kind;
use crate::service::UseCase;
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

/// What a slot counter shows of a campaign's applications, read in one snapshot so the
/// numbers agree with each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub held: Slots,
    pub waiting_applications: i64,
    pub waiting_offices: i64,
}

pub fn counts(conn: &mut DbConn, campaign_id: &CampaignId) -> ServiceResult<Counts> {
    crate::db::read_snapshot(conn, |conn| {
        let held = held(conn, campaign_id)?;
        let (waiting_applications, waiting_offices) = apps::waiting_counts(conn, campaign_id)?;
        Ok(Counts {
            held,
            waiting_applications,
            waiting_offices,
        })
    })
}

/// The counts each public page shows, at most [`super::recent::MAX_AGE`] old. Every
/// applicant reloads the form and the counter at the opening minute, and counting a waiting
/// list of tens of thousands for each view made those pages hundreds of times slower than on a
/// fresh campaign.
pub type RecentCounts = super::recent::Recent<CampaignId, Counts>;

/// The public counter of `campaign` given its counts.
pub fn slots(campaign: &CampaignRow, counts: Counts, now: NaiveDateTime) -> SlotsView {
    let settings = campaign.settings();
    let caps = caps(&settings);
    let held = counts.held;
    SlotsView {
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
        waitlisted: counts.waiting_applications,
        waitlisted_offices: counts.waiting_offices,
        accepting: settings.phase(now) == Phase::Open,
    }
}

/// Admits waiting applications that now fit, in arrival order, unless the deadline has passed
/// (and the campaign does not promote after it). Returns the promoted application ids.
pub fn promote_waiting(
    uc: UseCase<'_>,
    campaign: &CampaignRow,
) -> ServiceResult<Vec<ApplicationId>> {
    let settings = campaign.settings();
    if settings.phase(uc.now) == Phase::Closed && !settings.rules.promote_after_deadline {
        return Ok(Vec::new());
    }
    let waiting = apps::waiting(uc.conn, &campaign.id)?;
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
    let held = held(uc.conn, &campaign.id)?;
    let admitted = promotions(caps(&settings), held, &needs);
    let mut promoted = Vec::with_capacity(admitted.len());
    for w in admitted.into_iter().map(|i| &waiting[i]) {
        let (app, offices) = (&w.app, &w.offices);
        let id = &app.id;
        promoted.push(id.clone());
        apps::set_status(
            uc.conn,
            id,
            Status::Accepted,
            Some("promoted from the waiting list"),
            uc.now,
        )?;
        outbox::enqueue(
            uc.conn,
            uc.notifier,
            uc.now,
            Kind::Promoted,
            outbox::About {
                campaign,
                app,
                offices,
                place_in_line: None,
            },
        )?;
        audit::record(
            uc.conn,
            uc.now,
            audit::Change {
                actor: &uc.actor.label,
                action: Action::ApplicationPromote,
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    fn some(waiting: i64) -> Counts {
        Counts {
            held: Slots {
                offices: 1,
                model: 0,
                non_attendees: 1,
            },
            waiting_applications: waiting,
            waiting_offices: waiting,
        }
    }

    #[test]
    fn counts_are_read_once_a_second_and_again_after_a_write() {
        let recent = RecentCounts::default();
        let campaign = CampaignId::new();
        let reads = Cell::new(0);
        let read = |waiting| {
            reads.set(reads.get() + 1);
            Ok(some(waiting))
        };
        assert_eq!(recent.get(&campaign, 7, || read(10)).unwrap(), some(10));
        assert_eq!(recent.get(&campaign, 7, || read(11)).unwrap(), some(10));
        assert_eq!(
            reads.get(),
            1,
            "the second view within a second reads nothing"
        );
        assert_eq!(recent.get(&campaign, 8, || read(12)).unwrap(), some(12));
        assert_eq!(reads.get(), 2, "a write of this process is seen at once");
        let other = CampaignId::new();
        assert_eq!(recent.get(&other, 8, || read(1)).unwrap(), some(1));
        std::thread::sleep(super::super::recent::MAX_AGE);
        assert_eq!(recent.get(&campaign, 8, || read(13)).unwrap(), some(13));
        assert_eq!(
            reads.get(),
            4,
            "another instance's writes show within a second"
        );
    }
}
