//! Recording what each accepted office has done: one office through PATCH, many through a CSV
//! upload. Every change is in the audit trail with its before and after.

use super::{Actor, Page, Paged, ServiceError, ServiceResult};
use crate::db::campaigns;
use crate::db::year_end::{self as rows, AcceptedOffice, CheckpointRow};
use crate::db::{audit, DbConn};
use crate::domain::application::ParticipantRole;
use crate::domain::audit_action::Action;
use crate::domain::checkpoint::{CheckpointPatch, PatchSheet};
use crate::domain::ids::CampaignId;
use crate::domain::office_list::{note_invalid, InvalidRow, MAX_REPORTED_INVALID};
use crate::domain::refusal::Refusal;
use crate::domain::row_refusal::RowRefusal;
use crate::domain::year_end::{conditions, Attestation, Checkpoints, Reason};
use crate::domain::FieldErrors;
use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;

/// The checkpoints as stored, as the domain reads them.
pub fn of_row(row: Option<&CheckpointRow>) -> Checkpoints {
    row.map(|c| Checkpoints {
        usage_started_on: c.usage_started_on,
        start_survey_answered: c.start_survey_answered,
        end_survey_answered: c.end_survey_answered,
        workflow_change_confirmed: c.workflow_change_confirmed,
        linkage_confirmed: c.linkage_confirmed,
        continued_use_attested: c
            .continued_use_attested_reason
            .clone()
            .map(|reason| Attestation { reason }),
    })
    .unwrap_or_default()
}

/// Checkpoints that only some roles have: a model office's workflow change, a referred
/// office's linkage.
fn check_role(patch: &CheckpointPatch, role: ParticipantRole, prefix: &str) -> FieldErrors {
    let mut errors = FieldErrors::new();
    if patch.workflow_change_confirmed.is_some() && role != ParticipantRole::Model {
        errors.push(
            format!("{prefix}workflow_change_confirmed"),
            Refusal::WorkflowOnlyForModel,
        );
    }
    if patch.linkage_confirmed.is_some() && role != ParticipantRole::Referred {
        errors.push(
            format!("{prefix}linkage_confirmed"),
            Refusal::LinkageOnlyForReferred,
        );
    }
    errors
}

fn stored(
    office: &AcceptedOffice,
    c: &Checkpoints,
    attested_at: Option<NaiveDateTime>,
    actor: &Actor,
    now: NaiveDateTime,
) -> CheckpointRow {
    let p = &office.participant;
    CheckpointRow {
        participant_id: p.id.clone(),
        campaign_id: p.campaign_id.clone(),
        office_number: p.office_number.clone(),
        usage_started_on: c.usage_started_on,
        start_survey_answered: c.start_survey_answered,
        end_survey_answered: c.end_survey_answered,
        workflow_change_confirmed: c.workflow_change_confirmed,
        linkage_confirmed: c.linkage_confirmed,
        continued_use_attested_reason: c.continued_use_attested.as_ref().map(|a| a.reason.clone()),
        updated_at: now,
        updated_by: actor.label.clone(),
        continued_use_attested_at: attested_at,
    }
}

/// What `patch` makes of `office`'s checkpoints: the row to store and its audit event.
fn applied<'a>(
    actor: &'a Actor,
    now: NaiveDateTime,
    office: &'a AcceptedOffice,
    patch: &CheckpointPatch,
) -> (CheckpointRow, audit::Change<'a>) {
    let before = of_row(office.checkpoints.as_ref());
    let after = patch.apply(&before);
    // Giving the attestation again, even in the same words, renews it for later lists.
    let attested_at = match &patch.continued_use_attested {
        Some(Some(_)) => Some(now),
        Some(None) => None,
        None => office
            .checkpoints
            .as_ref()
            .and_then(|c| c.continued_use_attested_at),
    };
    let row = stored(office, &after, attested_at, actor, now);
    let p = &office.participant;
    let change = audit::Change {
        actor: &actor.label,
        action: Action::ParticipantCheckpoints,
        entity: "participant",
        entity_id: &p.id,
        campaign_id: Some(&p.campaign_id),
        before: Some(serde_json::json!({"office_number": p.office_number, "checkpoints": before})),
        after: Some(serde_json::json!({
            "office_number": p.office_number,
            "checkpoints": after,
            "continued_use_attested_at": attested_at,
        })),
    };
    (row, change)
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CheckpointsView {
    pub office_number: String,
    pub role: ParticipantRole,
    pub checkpoints: Checkpoints,
}

/// Changes one accepted office's checkpoints. Runs inside the caller's write transaction.
pub fn patch(
    conn: &mut DbConn,
    actor: &Actor,
    now: NaiveDateTime,
    campaign_id: &CampaignId,
    office_number: &str,
    patch: &CheckpointPatch,
) -> ServiceResult<CheckpointsView> {
    campaigns::lock(conn, campaign_id)?.ok_or(ServiceError::NotFound("campaign"))?;
    let office = rows::accepted_office(conn, campaign_id, office_number)?
        .ok_or(ServiceError::NotFound("accepted office"))?;
    let mut errors = patch.check("");
    errors.extend(check_role(patch, office.participant.role, ""));
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let (row, change) = applied(actor, now, &office, patch);
    rows::save_checkpoints(conn, &row)?;
    audit::record(conn, now, change)?;
    Ok(CheckpointsView {
        checkpoints: of_row(Some(&row)),
        office_number: office.participant.office_number,
        role: office.participant.role,
    })
}

/// One accepted office's checkpoints now (404 for an office not accepted in the campaign).
pub fn of_office(
    conn: &mut DbConn,
    campaign_id: &CampaignId,
    office_number: &str,
) -> ServiceResult<CheckpointsView> {
    let office = rows::accepted_office(conn, campaign_id, office_number)?
        .ok_or(ServiceError::NotFound("accepted office"))?;
    Ok(CheckpointsView {
        checkpoints: of_row(office.checkpoints.as_ref()),
        office_number: office.participant.office_number,
        role: office.participant.role,
    })
}

/// One accepted office on the console's checkpoint table.
pub struct OfficeCheckpoints {
    pub office_number: String,
    pub name: String,
    pub role: ParticipantRole,
    /// The day it said, when applying, that it started (or would start) using the system.
    pub using_system_since: Option<NaiveDate>,
    pub checkpoints: Checkpoints,
    /// Whether the latest usage list names it.
    pub on_usage_list: bool,
    /// The conditions it does not meet yet, by the rule the year-end check applies today.
    pub open: Vec<Reason>,
}

/// A page of the campaign's accepted offices with their checkpoints, judged against the
/// latest usage list as of `today` (none yet: continued use is open unless attested).
pub struct Board {
    pub usage_list_as_of: Option<NaiveDate>,
    pub offices: Paged<OfficeCheckpoints>,
}

pub fn board(
    conn: &mut DbConn,
    campaign_id: &CampaignId,
    page: Page,
    today: NaiveDate,
) -> ServiceResult<Board> {
    campaigns::find(conn, campaign_id)?.ok_or(ServiceError::NotFound("campaign"))?;
    let (offices, total) =
        rows::accepted_offices_page(conn, campaign_id, page.offset(), page.per_page)?;
    let list = crate::db::usage_lists::usage_list_for(conn, campaign_id, today)?;
    let numbers: Vec<String> = offices
        .iter()
        .map(|o| o.participant.office_number.clone())
        .collect();
    let listed = match &list {
        Some(list) => crate::db::usage_lists::listed_among(conn, &list.id, &numbers)?,
        None => Default::default(),
    };
    let items = offices
        .into_iter()
        .map(|office| {
            let on_usage_list = listed.contains(&office.participant.office_number);
            let judged = super::year_end::judged(
                &(&office).into(),
                on_usage_list,
                list.as_ref().map(|l| l.imported_at),
                today,
            );
            let p = office.participant;
            OfficeCheckpoints {
                open: conditions(&judged)
                    .into_iter()
                    .filter(|c| !c.met)
                    .map(|c| c.reason)
                    .collect(),
                checkpoints: judged.checkpoints,
                on_usage_list,
                office_number: p.office_number,
                name: p.name,
                role: p.role,
                using_system_since: p.using_system_since,
            }
        })
        .collect();
    Ok(Board {
        usage_list_as_of: list.map(|l| l.as_of),
        offices: Paged::new(items, total, page),
    })
}

/// How many of the campaign's accepted offices have a checkpoint open on `today`, by the rule
/// the participants page marks them with (the year-end check's own), reading only what the
/// check reads of each office.
pub fn offices_with_open_checkpoints(
    conn: &mut DbConn,
    campaign_id: &CampaignId,
    today: NaiveDate,
) -> ServiceResult<i64> {
    let offices = rows::offices_to_judge(conn, campaign_id)?;
    let list = crate::db::usage_lists::usage_list_for(conn, campaign_id, today)?;
    let listed = match &list {
        Some(list) => {
            let numbers: Vec<String> = offices
                .iter()
                .map(|o| o.participant.office_number.clone())
                .collect();
            crate::db::usage_lists::listed_among(conn, &list.id, &numbers)?
        }
        None => Default::default(),
    };
    let open = offices
        .iter()
        .filter(|office| {
            let on_list = listed.contains(&office.participant.office_number);
            let imported = list.as_ref().map(|l| l.imported_at);
            let judged = super::year_end::judged(office, on_list, imported, today);
            conditions(&judged).iter().any(|c| !c.met)
        })
        .count();
    Ok(i64::try_from(open).unwrap_or(i64::MAX))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SheetResult {
    /// The line taken as the header.
    pub header_line: u64,
    /// Rows applied.
    pub rows: usize,
    /// Every row not applied; the first 1,000 by line are listed in `invalid_rows`.
    pub invalid_row_count: usize,
    /// Rows not applied, with their line in the file and why.
    pub invalid_rows: Vec<InvalidRow>,
}

/// Reads a checkpoint sheet, before any transaction; a file that is no sheet is refused
/// naming the body.
pub fn parse_sheet(csv: &[u8]) -> ServiceResult<PatchSheet> {
    crate::domain::checkpoint::parse_sheet(csv).map_err(|e| {
        let mut errors = FieldErrors::new();
        errors.push("body", e);
        ServiceError::Invalid(errors)
    })
}

/// Audit events of a sheet written per this many rows.
const EVENTS_AT_ONCE: usize = 2_000;

/// Writes the sheet's events so far, in row order, and forgets them.
fn record(
    conn: &mut DbConn,
    actor: &Actor,
    now: NaiveDateTime,
    campaign_id: &CampaignId,
    events: &mut Vec<(serde_json::Value, serde_json::Value, String)>,
) -> ServiceResult<()> {
    let (snapshots, participants): (Vec<_>, Vec<String>) = std::mem::take(events)
        .into_iter()
        .map(|(before, after, participant)| ((before, after), participant))
        .unzip();
    audit::record_all(
        conn,
        now,
        snapshots
            .into_iter()
            .zip(&participants)
            .map(|((before, after), participant)| audit::Change {
                actor: &actor.label,
                action: Action::ParticipantCheckpoints,
                entity: "participant",
                entity_id: participant,
                campaign_id: Some(campaign_id),
                before: Some(before),
                after: Some(after),
            })
            .collect(),
    )?;
    Ok(())
}

/// Applies every good row of a checkpoint upload; a row naming no accepted office, or a
/// checkpoint its role does not have, is reported with its line and skipped. Runs inside the
/// caller's write transaction.
pub fn upload(
    conn: &mut DbConn,
    actor: &Actor,
    now: NaiveDateTime,
    campaign_id: &CampaignId,
    sheet: &PatchSheet,
) -> ServiceResult<SheetResult> {
    campaigns::lock(conn, campaign_id)?.ok_or(ServiceError::NotFound("campaign"))?;
    let mut offices: std::collections::HashMap<String, AcceptedOffice> =
        rows::accepted_offices(conn, campaign_id)?
            .into_iter()
            .map(|o| (o.participant.office_number.clone(), o))
            .collect();
    // Rows refused here come in line order, as the sheet's own; each list keeps its first
    // MAX_REPORTED_INVALID, so the merged first ones are the whole file's first ones.
    let mut invalid_rows = Vec::new();
    let mut invalid_row_count = 0;
    let mut applied_rows = 0;
    // Each row is applied in memory, a later row for an office building on an earlier one;
    // then every office's final checkpoints are written at once, and an event per row.
    let mut events: Vec<(serde_json::Value, serde_json::Value, String)> = Vec::new();
    let mut touched: Vec<String> = Vec::new();
    for row in &sheet.rows {
        let Some(office) = offices.get_mut(row.office_number.as_str()) else {
            note_invalid(
                &mut invalid_rows,
                &mut invalid_row_count,
                row.line,
                RowRefusal::NotAccepted {
                    office: row.office_number.as_str().to_owned(),
                },
            );
            continue;
        };
        let errors = check_role(&row.patch, office.participant.role, "");
        if !errors.is_empty() {
            note_invalid(
                &mut invalid_rows,
                &mut invalid_row_count,
                row.line,
                RowRefusal::Fields(errors.into_vec()),
            );
            continue;
        }
        let (stored, change) = applied(actor, now, office, &row.patch);
        events.push((
            change.before.unwrap_or_default(),
            change.after.unwrap_or_default(),
            office.participant.id.clone(),
        ));
        touched.push(office.participant.id.clone());
        office.checkpoints = Some(stored);
        applied_rows += 1;
        // A national sheet holds tens of thousands of rows: their events go out as they come,
        // so the snapshots held at once stay a few thousand whatever the sheet's size.
        if events.len() >= EVENTS_AT_ONCE {
            record(conn, actor, now, campaign_id, &mut events)?;
        }
    }
    record(conn, actor, now, campaign_id, &mut events)?;
    let written: Vec<CheckpointRow> = {
        let by_participant: std::collections::HashMap<&str, &CheckpointRow> = offices
            .values()
            .filter_map(|o| {
                o.checkpoints
                    .as_ref()
                    .map(|c| (o.participant.id.as_str(), c))
            })
            .collect();
        let mut seen = std::collections::HashSet::new();
        touched
            .iter()
            .filter(|id| seen.insert(id.as_str()))
            .filter_map(|id| by_participant.get(id.as_str()).map(|c| (*c).clone()))
            .collect()
    };
    rows::replace_checkpoints(conn, &written)?;
    invalid_rows.extend(sheet.invalid_rows.iter().cloned());
    invalid_rows.sort_by_key(|r| r.line);
    invalid_rows.truncate(MAX_REPORTED_INVALID);
    Ok(SheetResult {
        header_line: sheet.header_line,
        rows: applied_rows,
        invalid_row_count: invalid_row_count + sheet.invalid_row_count,
        invalid_rows,
    })
}
