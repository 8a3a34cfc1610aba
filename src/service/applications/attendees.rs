//! The seminar attendee list: offices that may use the campaign's reserved slots.

use crate::db::applications as rows;
use crate::db::{audit, campaigns};
use crate::domain::audit_action::Action;
use crate::domain::ids::{ApplicationId, CampaignId};
use crate::domain::office_list::{self, InvalidRow, OfficeList};
use crate::domain::FieldErrors;
use crate::service::UseCase;
use crate::service::{allocation, ServiceError, ServiceResult};
use serde::Serialize;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AttendeeImport {
    /// The line taken as the header.
    pub header_line: u64,
    /// Distinct well-formed office numbers in the file.
    pub rows: usize,
    /// Well-formed rows naming an office already listed above them.
    pub duplicate_rows: usize,
    /// Of those, how many were not on the list before.
    pub added: usize,
    /// Every refused row; the first 1,000 are listed in `invalid_rows`.
    pub invalid_row_count: usize,
    pub invalid_rows: Vec<InvalidRow>,
    /// Waiting applications admitted because of this import.
    pub promoted: Vec<ApplicationId>,
}

/// Reads an attendee CSV, before any transaction: a large file is parsed and de-duplicated
/// without holding a lock.
pub fn parse_attendees(csv: &[u8]) -> ServiceResult<OfficeList> {
    office_list::parse(csv).map_err(|e| {
        let mut errors = FieldErrors::new();
        errors.push("body", e);
        ServiceError::Invalid(errors)
    })
}

/// Adds parsed seminar attendees to the campaign's list, then promotes waiting applications
/// that now fit. Runs inside the caller's write transaction; the campaign's lock is taken only
/// for the promotion, after the list is written.
pub fn import_attendees(
    mut uc: UseCase<'_>,
    campaign_id: &CampaignId,
    list: &OfficeList,
) -> ServiceResult<AttendeeImport> {
    campaigns::find(uc.conn, campaign_id)?.ok_or(ServiceError::NotFound("campaign"))?;
    let numbers: Vec<String> = list.offices.iter().map(|o| o.as_str().to_owned()).collect();
    let added = rows::add_attendees(uc.conn, campaign_id, &numbers, uc.now)?;
    let campaign =
        campaigns::lock(uc.conn, campaign_id)?.ok_or(ServiceError::NotFound("campaign"))?;
    audit::record(
        uc.conn,
        uc.now,
        audit::Change {
            actor: &uc.actor.label,
            action: Action::SeminarAttendeesImport,
            entity: "campaign",
            entity_id: campaign_id.as_str(),
            campaign_id: Some(campaign_id),
            before: None,
            after: Some(serde_json::json!({"office_numbers": numbers, "added": added})),
        },
    )?;
    let promoted = allocation::promote_waiting(uc.again(), &campaign)?;
    Ok(AttendeeImport {
        header_line: list.header_line,
        rows: numbers.len(),
        duplicate_rows: list.duplicate_rows,
        added,
        invalid_row_count: list.invalid_row_count,
        invalid_rows: list.invalid_rows.clone(),
        promoted,
    })
}
