//! Whether the money adds up: what the latest check says each office is owed, against what
//! approved batches pay; every office where the two differ is listed.

use super::{ServiceError, ServiceResult};
use crate::db::{campaigns, payouts, year_end, DbConn};
use crate::domain::ids::CampaignId;
use crate::domain::ids::{BatchId, CheckId};
use crate::domain::payout::{reckon, BatchStatus, Difference, Due, RoleSummary};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::HashSet;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SlotsSummary {
    pub total_cap: i32,
    pub model_cap: i32,
    pub accepted_offices: usize,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CheckSummary {
    pub id: CheckId,
    pub as_of: NaiveDate,
    pub eligible_count: i32,
    pub total_amount: i64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BatchSummary {
    pub id: BatchId,
    pub status: BatchStatus,
    pub corrects: Option<BatchId>,
    pub line_count: i32,
    pub total_amount: i64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Reconciliation {
    pub campaign_id: CampaignId,
    pub slots: SlotsSummary,
    pub latest_check: Option<CheckSummary>,
    pub batches: Vec<BatchSummary>,
    pub approved_total: i64,
    /// What batches must still pay (negative: reclaim): the sum of `differences`, which is the
    /// latest check's total minus what approved batches pay, less what offices that left
    /// after that check would have been owed.
    pub to_be_paid: i64,
    pub by_role: Vec<RoleSummary>,
    pub differences: Vec<Difference>,
    /// True when approved batches pay every office still accepted exactly what the latest check
    /// says, and nothing to an office that is no longer accepted.
    pub reconciled: bool,
}

pub fn report(conn: &mut DbConn, campaign_id: &CampaignId) -> ServiceResult<Reconciliation> {
    let campaign = campaigns::find(conn, campaign_id)?.ok_or(ServiceError::NotFound("campaign"))?;
    let accepted = year_end::accepted_offices(conn, campaign_id)?;
    let check = year_end::latest_check(conn, campaign_id)?;
    let results = match &check {
        Some(c) => year_end::verdicts_of(conn, &c.id)?,
        None => Vec::new(),
    };
    let batches = payouts::of_campaign(conn, campaign_id)?;
    let due: Vec<Due> = results
        .into_iter()
        .map(|r| Due {
            office_number: r.office_number,
            role: r.role,
            eligible: r.eligible,
            amount: r.amount,
        })
        .collect();
    let paid = payouts::approved_lines(conn, campaign_id)?;
    let still: HashSet<String> = accepted
        .iter()
        .map(|o| o.participant.office_number.clone())
        .collect();
    let reckoning = reckon(&due, &paid, &still);
    Ok(Reconciliation {
        campaign_id: campaign_id.clone(),
        slots: SlotsSummary {
            total_cap: campaign.total_slots,
            model_cap: campaign.model_slots,
            accepted_offices: accepted.len(),
        },
        latest_check: check.map(|c| CheckSummary {
            id: c.id,
            as_of: c.as_of,
            eligible_count: c.eligible_count,
            total_amount: c.total_amount,
        }),
        batches: batches
            .into_iter()
            .map(|b| BatchSummary {
                id: b.id,
                status: b.status,
                corrects: b.corrects,
                line_count: b.line_count,
                total_amount: b.total_amount,
            })
            .collect(),
        approved_total: reckoning.approved_total,
        to_be_paid: reckoning.to_be_paid,
        by_role: reckoning.by_role,
        reconciled: reckoning.differences.is_empty(),
        differences: reckoning.differences,
    })
}

/// The report's differences and totals as CSV rows for a spreadsheet.
pub fn csv(r: &Reconciliation) -> Vec<u8> {
    use crate::formats::csv::{line, utf8_with_bom, Cell};
    let mut out = String::new();
    line(
        &mut out,
        &[
            Cell::Text("office_number"),
            Cell::Text("owed_amount"),
            Cell::Text("approved_amount"),
            Cell::Text("difference"),
        ],
    );
    for d in &r.differences {
        line(
            &mut out,
            &[
                Cell::Text(&d.office_number),
                Cell::Number(d.owed_amount),
                Cell::Number(d.approved_amount),
                Cell::Number(d.difference),
            ],
        );
    }
    line(
        &mut out,
        &[
            Cell::Text("total"),
            Cell::Number(r.approved_total + r.to_be_paid),
            Cell::Number(r.approved_total),
            Cell::Number(r.to_be_paid),
        ],
    );
    utf8_with_bom(&out)
}
