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
}

pub struct Dashboard {
    pub campaigns: Vec<CampaignLine>,
    pub failed_emails: i64,
    pub failed: Vec<MessageView>,
    /// Drafts this person could approve: drafted by someone else. Empty for a role that may
    /// not approve at all.
    pub to_approve: Vec<BatchView>,
}

/// What `account` finds on the first page; `counts` reads a campaign's slot counts.
pub fn dashboard(
    conn: &mut DbConn,
    account: &Account,
    now: NaiveDateTime,
    mut counts: impl FnMut(&mut DbConn, &CampaignId) -> ServiceResult<allocation::Counts>,
) -> ServiceResult<Dashboard> {
    let first = |per_page| Page { page: 1, per_page };
    let mut lines = Vec::new();
    let mut to_approve = Vec::new();
    for campaign in campaigns::list(conn, first(SHOWN), now)?.items {
        let row = campaigns::find(conn, &campaign.id)?;
        let slots = allocation::slots(&row, counts(conn, &campaign.id)?, now);
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
