//! What staff see of payout batches: a batch with its authors, its lines inline up to the
//! limit, and pages of lines for larger ones.

use crate::db::campaigns;
use crate::db::payouts::{self as rows, BatchRow, LineRow};
use crate::db::DbConn;
use crate::domain::application::ParticipantRole;
use crate::domain::ids::{ApplicationId, BatchId, CampaignId, CheckId};
use crate::domain::jst;
use crate::domain::payout::BatchStatus;
use crate::service::{inline_rows, Page, Paged, ServiceError, ServiceResult};
use chrono::{DateTime, FixedOffset};
use serde::Serialize;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LineView {
    pub office_number: String,
    pub role: ParticipantRole,
    pub application_id: ApplicationId,
    /// Yen; negative where money is to be reclaimed.
    pub amount: i64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BatchView {
    pub id: BatchId,
    pub campaign_id: CampaignId,
    pub year_end_check_id: CheckId,
    pub corrects: Option<BatchId>,
    pub status: BatchStatus,
    pub created_by: String,
    pub created_at: DateTime<FixedOffset>,
    /// The person (or machine account) who drafted it.
    pub created_by_person: Option<PersonRef>,
    /// Who approved or cancelled it, and when.
    pub decided_by: Option<String>,
    pub decided_by_person: Option<PersonRef>,
    pub decided_at: Option<DateTime<FixedOffset>>,
    /// Every line, in office-number order; omitted in lists and above 1,000: page through
    /// `lines_url`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lines: Option<Vec<LineView>>,
    /// Where the lines are paged: `/api/v1/payout-batches/{id}/lines`.
    pub lines_url: String,
    pub total_amount: i64,
    pub line_count: i32,
}

fn line_view(l: LineRow) -> LineView {
    LineView {
        office_number: l.office_number,
        role: l.role,
        application_id: l.application_id,
        amount: l.amount,
    }
}

pub(super) fn view(batch: BatchRow, lines: Option<Vec<LineRow>>) -> BatchView {
    BatchView {
        lines: lines.map(|l| l.into_iter().map(line_view).collect()),
        lines_url: format!("/api/v1/payout-batches/{}/lines", batch.id),
        id: batch.id,
        campaign_id: batch.campaign_id,
        year_end_check_id: batch.year_end_check_id,
        corrects: batch.corrects,
        status: batch.status,
        created_by: batch.created_by,
        created_at: jst::to_jst(batch.created_at),
        decided_by: batch.decided_by,
        created_by_person: person_ref(batch.created_by_account, batch.created_by_account_name),
        decided_by_person: person_ref(batch.decided_by_account, batch.decided_by_account_name),
        decided_at: batch.decided_at.map(jst::to_jst),
        total_amount: batch.total_amount,
        line_count: batch.line_count,
    }
}

/// A person or machine account as a batch names it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PersonRef {
    pub id: String,
    pub name: String,
}

fn person_ref(id: Option<String>, name: Option<String>) -> Option<PersonRef> {
    Some(PersonRef {
        id: id?,
        name: name.unwrap_or_default(),
    })
}

/// A batch without its lines, for views that page through them.
pub fn get_without_lines(conn: &mut DbConn, id: &BatchId) -> ServiceResult<BatchView> {
    let batch = rows::find(conn, id)?.ok_or(ServiceError::NotFound("payout batch"))?;
    Ok(view(batch, None))
}

pub fn get(conn: &mut DbConn, id: &BatchId) -> ServiceResult<BatchView> {
    let batch = rows::find(conn, id)?.ok_or(ServiceError::NotFound("payout batch"))?;
    let lines = inline_rows(batch.line_count.into(), || Ok(rows::lines(conn, id)?))?;
    Ok(view(batch, lines))
}

/// A page of a batch's lines, in office-number order; the total is the count stored with the
/// batch, which never changes once its lines are written.
pub fn lines(conn: &mut DbConn, id: &BatchId, page: Page) -> ServiceResult<Paged<LineView>> {
    let batch = rows::find(conn, id)?.ok_or(ServiceError::NotFound("payout batch"))?;
    let items = rows::lines_page(conn, id, page.offset(), page.per_page)?
        .into_iter()
        .map(line_view)
        .collect();
    Ok(Paged::new(items, batch.line_count.into(), page))
}

/// The campaign's batches, oldest first, without their lines.
pub fn list(conn: &mut DbConn, campaign_id: &CampaignId) -> ServiceResult<Vec<BatchView>> {
    campaigns::find(conn, campaign_id)?.ok_or(ServiceError::NotFound("campaign"))?;
    Ok(rows::of_campaign(conn, campaign_id)?
        .into_iter()
        .map(|b| view(b, None))
        .collect())
}
