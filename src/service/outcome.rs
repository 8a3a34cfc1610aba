//! The campaign's outcome: the region's offices from the latest register, counted against
//! each of the campaign's usage lists, with every figure naming the register and the lists it
//! came from. A read: nothing is stored, and the same rows give the same answer.

pub mod report;

use super::{campaigns, ServiceError, ServiceResult};
use crate::db::office_registers::{self as rows, RegisterRow};
use crate::db::usage_lists::{listed_among, UsageListRow};
use crate::db::{payouts, DbConn};
use crate::domain::conflict::Conflict;
use crate::domain::ids::{CampaignId, RegisterId};
use crate::domain::municipality::MunicipalityCode;
use crate::domain::outcome::{self, Count, RegionOffice};
use crate::domain::payout::BatchStatus;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::HashSet;

/// The register the figures count offices from.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RegisterSource {
    #[schema(value_type = String, format = Uuid)]
    pub id: RegisterId,
    pub as_of: NaiveDate,
    /// The region's offices in it.
    pub offices: usize,
    pub sha256: String,
}

/// A usage list the figures read.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ListSource {
    pub id: String,
    pub as_of: NaiveDate,
    pub sha256: String,
}

/// How many offices use the system at one list.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PointView {
    pub as_of: NaiveDate,
    pub using: usize,
    pub offices: usize,
    /// `using / offices` rounded half up to 4 places; null without offices.
    pub rate: Option<f64>,
    /// The list counted (its `as_of`, SHA-256 in `usage_lists`).
    pub usage_list_id: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ByKind {
    pub care_management: Vec<PointView>,
    pub service: Vec<PointView>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ByTakingPart {
    pub participants: Vec<PointView>,
    pub non_participants: Vec<PointView>,
}

/// Some of the region's offices at the last list.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Split {
    pub offices: usize,
    pub using_at_end: usize,
    pub rate_at_end: Option<f64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CorporationView {
    pub corporate_number: String,
    pub name: String,
    pub offices: usize,
    pub using_at_end: usize,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OutcomeView {
    pub campaign_id: CampaignId,
    /// The campaign's region; the register's offices there are counted (a 5-digit code in
    /// the register matches the region's first five digits).
    pub region_code: String,
    pub region_name: String,
    pub register: RegisterSource,
    /// Every list read, oldest first: the latest import for each `as_of`.
    pub usage_lists: Vec<ListSource>,
    pub points: Vec<PointView>,
    pub by_kind: ByKind,
    /// The rate over time among the offices taking part now and among the rest.
    pub by_taking_part: ByTakingPart,
    /// The region's offices of applications accepted now, at the last list.
    pub participants: Split,
    pub non_participants: Split,
    /// Accepted offices the register does not place in the region: counted in neither.
    pub participants_not_in_region: usize,
    /// Corporations with two or more offices in the region, most offices first.
    pub corporations: Vec<CorporationView>,
    /// The region's offices in the last list and not in the first.
    pub new_adopters: usize,
    /// The first list, against which `new_adopters` is counted.
    pub start_usage_list_id: String,
    /// The last list: `using_at_end` and `new_adopters` read it.
    pub end_usage_list_id: String,
    /// What the campaign's approved payout batches pay, corrections included.
    pub approved_total_yen: i64,
    pub approved_batch_ids: Vec<String>,
    /// `approved_total_yen / new_adopters` rounded half up; null without new adopters.
    pub cost_per_new_adopter_yen: Option<i64>,
}

/// The outcome of a campaign, counting the region's offices in the latest register on or
/// before `register_as_of`. 409 without a register by then or without a usage list.
pub fn outcome(
    conn: &mut DbConn,
    campaign_id: &CampaignId,
    register_as_of: NaiveDate,
) -> ServiceResult<OutcomeView> {
    let campaign = campaigns::find(conn, campaign_id)?;
    let register = rows::latest_on_or_before(conn, register_as_of)?.ok_or_else(|| {
        ServiceError::StateConflict(Conflict::NoRegister {
            as_of: register_as_of,
        })
    })?;
    let lists = rows::usage_lists_by_day(conn, campaign_id)?;
    if lists.is_empty() {
        return Err(ServiceError::StateConflict(
            Conflict::NoUsageListForOutcome {
                campaign_id: campaign_id.to_string(),
            },
        ));
    }
    let region = MunicipalityCode::parse(&campaign.region_code).map_err(|e| {
        ServiceError::StateConflict(Conflict::RegionCode {
            code: campaign.region_code.clone(),
            why: e.to_string(),
        })
    })?;
    let offices: Vec<RegionOffice> = rows::offices_in(conn, &register.id, region.as_str())?
        .into_iter()
        .map(|o| RegionOffice {
            office_number: o.office_number,
            kind: o.kind,
            corporate_number: o.corporate_number,
            corporation_name: o.corporation_name,
        })
        .collect();
    let numbers: Vec<String> = offices.iter().map(|o| o.office_number.clone()).collect();
    let using = lists
        .iter()
        .map(|l| listed_among(conn, &l.id, &numbers))
        .collect::<Result<Vec<HashSet<String>>, _>>()?;
    let participants: HashSet<String> = rows::accepted_office_numbers(conn, campaign_id)?
        .into_iter()
        .collect();
    let approved: Vec<payouts::BatchRow> = payouts::of_campaign(conn, campaign_id)?
        .into_iter()
        .filter(|b| b.status == BatchStatus::Approved)
        .collect();
    let approved_total_yen = approved.iter().map(|b| b.total_amount).sum();
    let figures = outcome::compute(&offices, &using, &participants, approved_total_yen);
    let mut answer = view(&campaign, &register, &lists, figures);
    answer.approved_total_yen = approved_total_yen;
    answer.approved_batch_ids = approved.into_iter().map(|b| b.id.to_string()).collect();
    Ok(answer)
}

/// The figures with their sources; the payouts are the caller's to fill in.
fn view(
    campaign: &crate::db::campaigns::CampaignRow,
    register: &RegisterRow,
    lists: &[UsageListRow],
    figures: outcome::Figures,
) -> OutcomeView {
    let list_id = |list: Option<&UsageListRow>| list.map(|l| l.id.clone()).unwrap_or_default();
    let series = |pick: fn(&outcome::Point) -> Count| -> Vec<PointView> {
        figures
            .points
            .iter()
            .zip(lists)
            .map(|(point, list)| {
                let count = pick(point);
                PointView {
                    as_of: list.as_of,
                    using: count.using,
                    offices: count.offices,
                    rate: count.rate(),
                    usage_list_id: list.id.clone(),
                }
            })
            .collect()
    };
    let at_end = |pick: fn(&outcome::Point) -> Count| {
        let count = figures.points.last().map(pick).unwrap_or_default();
        Split {
            offices: count.offices,
            using_at_end: count.using,
            rate_at_end: count.rate(),
        }
    };
    let region_offices = figures.points.first().map_or(0, |p| p.all.offices);
    OutcomeView {
        campaign_id: campaign.id.clone(),
        region_code: campaign.region_code.clone(),
        region_name: campaign.region_name.clone(),
        register: RegisterSource {
            id: register.id.clone(),
            as_of: register.as_of,
            offices: region_offices,
            sha256: register.sha256.clone(),
        },
        usage_lists: lists
            .iter()
            .map(|l| ListSource {
                id: l.id.clone(),
                as_of: l.as_of,
                sha256: l.sha256.clone(),
            })
            .collect(),
        points: series(|p| p.all),
        by_kind: ByKind {
            care_management: series(|p| p.care_management),
            service: series(|p| p.service),
        },
        by_taking_part: ByTakingPart {
            participants: series(|p| p.participants),
            non_participants: series(|p| p.non_participants),
        },
        participants: at_end(|p| p.participants),
        non_participants: at_end(|p| p.non_participants),
        participants_not_in_region: figures.participants_outside,
        corporations: figures
            .corporations
            .into_iter()
            .map(|c| CorporationView {
                corporate_number: c.corporate_number,
                name: c.name,
                offices: c.count.offices,
                using_at_end: c.count.using,
            })
            .collect(),
        new_adopters: figures.new_adopters,
        start_usage_list_id: list_id(lists.first()),
        end_usage_list_id: list_id(lists.last()),
        approved_total_yen: 0,
        approved_batch_ids: Vec::new(),
        cost_per_new_adopter_yen: figures.cost_per_new_adopter_yen,
    }
}
