//! Whether the money adds up: what the latest check says each office is owed, against what
//! approved batches pay; every office where the two differ is listed.

use super::{ServiceError, ServiceResult};
use crate::db::{campaigns, payouts, year_end, DbConn};
use crate::domain::application::ParticipantRole;
use crate::domain::ids::CampaignId;
use crate::domain::payout::BatchStatus;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SlotsSummary {
    pub total_cap: i32,
    pub model_cap: i32,
    pub accepted_offices: usize,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CheckSummary {
    pub id: String,
    pub as_of: NaiveDate,
    pub eligible_count: i32,
    pub total_amount: i64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BatchSummary {
    pub id: String,
    pub status: BatchStatus,
    pub corrects: Option<String>,
    pub line_count: i32,
    pub total_amount: i64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RoleSummary {
    pub role: ParticipantRole,
    pub eligible_offices: usize,
    pub owed_amount: i64,
    pub approved_amount: i64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Difference {
    pub office_number: String,
    pub owed_amount: i64,
    pub approved_amount: i64,
    /// Owed minus approved: positive is still to pay, negative to reclaim.
    pub difference: i64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Reconciliation {
    pub campaign_id: CampaignId,
    pub slots: SlotsSummary,
    pub latest_check: Option<CheckSummary>,
    pub batches: Vec<BatchSummary>,
    pub approved_total: i64,
    /// The latest check's total minus what approved batches pay.
    pub to_be_paid: i64,
    pub by_role: Vec<RoleSummary>,
    pub differences: Vec<Difference>,
    /// True when approved batches pay every office exactly what the latest check says.
    pub reconciled: bool,
}

pub fn report(conn: &mut DbConn, campaign_id: &CampaignId) -> ServiceResult<Reconciliation> {
    let campaign = campaigns::find(conn, campaign_id)?.ok_or(ServiceError::NotFound("campaign"))?;
    let accepted = year_end::accepted_offices(conn, campaign_id)?;
    let check = year_end::latest_check(conn, campaign_id)?;
    let results = match &check {
        Some(c) => year_end::results_of(conn, &c.id)?,
        None => Vec::new(),
    };
    let batches = payouts::of_campaign(conn, campaign_id)?;
    let paid = payouts::approved_per_office(conn, campaign_id)?;
    let owed: BTreeMap<String, (ParticipantRole, i64, bool)> = results
        .iter()
        .map(|r| (r.office_number.clone(), (r.role, r.amount, r.eligible)))
        .collect();
    let mut by_role: BTreeMap<&'static str, RoleSummary> = BTreeMap::new();
    for (office, (role, amount, eligible)) in &owed {
        let entry = by_role.entry(role.as_str()).or_insert(RoleSummary {
            role: *role,
            eligible_offices: 0,
            owed_amount: 0,
            approved_amount: 0,
        });
        entry.eligible_offices += usize::from(*eligible);
        entry.owed_amount += amount;
        entry.approved_amount += paid.get(office).copied().unwrap_or(0);
    }
    let mut offices: Vec<&String> = owed.keys().chain(paid.keys()).collect();
    offices.sort();
    offices.dedup();
    let differences: Vec<Difference> = offices
        .into_iter()
        .filter_map(|o| {
            let owed_amount = owed.get(o).map_or(0, |(_, a, _)| *a);
            let approved_amount = paid.get(o).copied().unwrap_or(0);
            (owed_amount != approved_amount).then(|| Difference {
                office_number: o.clone(),
                owed_amount,
                approved_amount,
                difference: owed_amount - approved_amount,
            })
        })
        .collect();
    let approved_total = paid.values().sum();
    let check_total = check.as_ref().map_or(0, |c| c.total_amount);
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
        approved_total,
        to_be_paid: check_total - approved_total,
        by_role: by_role.into_values().collect(),
        reconciled: differences.is_empty(),
        differences,
    })
}

/// The report's differences and totals as CSV rows for a spreadsheet.
pub fn csv(r: &Reconciliation) -> Vec<u8> {
    use crate::export::csv::{line, utf8_with_bom, Cell};
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
    let owed = r.latest_check.as_ref().map_or(0, |c| c.total_amount);
    line(
        &mut out,
        &[
            Cell::Text("total"),
            Cell::Number(owed),
            Cell::Number(r.approved_total),
            Cell::Number(r.to_be_paid),
        ],
    );
    utf8_with_bom(&out)
}
