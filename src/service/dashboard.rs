//! The console's first page for one person: each campaign's counter and what waits on staff,
//! read through the same use cases as the JSON API.

use super::applications::{self, ListFilter};
use super::campaigns::{self, CampaignView};
use super::outbox::{self, MessageView};
use super::payouts::{self, BatchView};
use super::{allocation, Account, Page, ServiceResult};
use crate::db::DbConn;
use crate::domain::delivery::DeliveryStatus;
use crate::domain::ids::CampaignId;
use crate::domain::payout::BatchStatus;
use crate::domain::person::may_approve;
use chrono::NaiveDateTime;

/// The most campaigns, and failed emails, the page lists: newest first.
pub const SHOWN: i64 = 100;

pub struct CampaignLine {
    pub campaign: CampaignView,
    pub slots: allocation::SlotsView,
    /// Applications whose check digits did not match, waiting for a look.
    pub needs_review: i64,
    /// Accepted offices with a checkpoint open today.
    pub open_checkpoints: i64,
}

pub struct Dashboard {
    pub campaigns: Vec<CampaignLine>,
    pub failed_emails: i64,
    pub failed: Vec<MessageView>,
    /// Drafts this person could approve: drafted by someone else. Empty for a role that may
    /// not approve at all.
    pub to_approve: Vec<BatchView>,
}

/// A campaign's figures the store may remember for a moment.
pub trait Figures {
    fn slot_counts(&self, conn: &mut DbConn, id: &CampaignId) -> ServiceResult<allocation::Counts>;
    fn open_checkpoints(&self, conn: &mut DbConn, id: &CampaignId) -> ServiceResult<i64>;
}

/// Slot counts and open checkpoints at most a second old, read again after any write of this
/// process: judging every accepted office of a large campaign on every view of the first
/// page would cost what a year-end check does.
impl Figures for super::Store {
    fn slot_counts(&self, conn: &mut DbConn, id: &CampaignId) -> ServiceResult<allocation::Counts> {
        super::Store::slot_counts(self, conn, id)
    }

    fn open_checkpoints(&self, conn: &mut DbConn, id: &CampaignId) -> ServiceResult<i64> {
        self.open_checkpoints.get(id, self.writes(), || {
            let today = crate::domain::jst::date_of(crate::clock::now());
            super::checkpoints::offices_with_open_checkpoints(conn, id, today)
        })
    }
}

/// What `account` finds on the first page; `figures` reads each campaign's slot counts and
/// open checkpoints.
pub fn dashboard(
    conn: &mut DbConn,
    account: &Account,
    now: NaiveDateTime,
    figures: &impl Figures,
) -> ServiceResult<Dashboard> {
    let first = |per_page| Page { page: 1, per_page };
    let mut lines = Vec::new();
    let mut to_approve = Vec::new();
    for campaign in campaigns::list(conn, first(SHOWN), now)?.items {
        let row = campaigns::find(conn, &campaign.id)?;
        let slots = allocation::slots(&row, figures.slot_counts(conn, &campaign.id)?, now);
        let review = ListFilter {
            needs_review: Some(true),
            ..ListFilter::default()
        };
        let needs_review = applications::count(conn, &campaign.id, &review)?;
        if account.role.may_operate() {
            to_approve.extend(payouts::list(conn, &campaign.id)?.into_iter().filter(|b| {
                b.status == BatchStatus::Draft
                    && b.created_by_person
                        .as_ref()
                        .is_some_and(|author| may_approve(&author.id, &account.id))
            }));
        }
        lines.push(CampaignLine {
            open_checkpoints: figures.open_checkpoints(conn, &campaign.id)?,
            campaign,
            slots,
            needs_review,
        });
    }
    let failed = outbox::ListFilter {
        status: Some(DeliveryStatus::Failed),
        ..outbox::ListFilter::default()
    };
    let failed = outbox::list(conn, &failed, first(SHOWN))?;
    Ok(Dashboard {
        campaigns: lines,
        failed_emails: failed.total,
        failed: failed.items,
        to_approve,
    })
}
