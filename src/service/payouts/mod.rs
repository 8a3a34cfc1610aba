//! Payout batches, four eyes: one person drafts a batch from the latest year-end check,
//! another person approves it (whichever token or session each used), and from then on it
//! never changes. A later batch corrects an approved one and carries only the difference per
//! office.

mod views;

use views::view;
pub use views::{get, get_without_lines, lines, list, BatchView, LineView, PersonRef};

use super::outbox as mail;
use super::{inline_rows, Actor, ServiceError, ServiceResult};
use crate::db::campaigns;
use crate::db::payouts::{self as rows, BatchRow, LineRow};
use crate::db::year_end::{self as checks, CheckRow, VerdictRow};
use crate::db::{audit, is_unique_violation, DbConn};
use crate::domain::application::ParticipantRole;
use crate::domain::audit_action::Action;
use crate::domain::conflict::{Conflict, NotAllowed};
use crate::domain::ids::{ApplicationId, BatchId, CampaignId, CheckId};
use crate::domain::payout::{self, owed, BatchStatus};
use crate::domain::person::may_approve;
use crate::domain::year_end;
use crate::domain::{FieldError, FieldErrors};
use crate::email::templates::{yen, OfficeMailKind};
use crate::service::UseCase;
use chrono::NaiveDateTime;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BatchInput {
    pub year_end_check_id: CheckId,
    /// The approved batch this one corrects; required once the campaign has one.
    #[serde(default)]
    pub corrects: Option<BatchId>,
}

/// The check must be the campaign's latest: approved batches add up to what it says.
fn require_latest(
    conn: &mut DbConn,
    campaign_id: &CampaignId,
    check_id: &CheckId,
) -> ServiceResult<()> {
    let latest = checks::latest_check(conn, campaign_id)?;
    if latest.is_some_and(|c| &c.id != check_id) {
        return Err(ServiceError::StateConflict(Conflict::NewerCheck));
    }
    Ok(())
}

/// Money is paid only from a check at or after the campaign's end, on a list from then: the
/// flag kept with the check, or the campaign's end as it stands now, whichever refuses.
fn require_payable(conn: &mut DbConn, check: &CheckRow) -> ServiceResult<()> {
    let campaign =
        campaigns::find(conn, &check.campaign_id)?.ok_or(ServiceError::NotFound("campaign"))?;
    let list = crate::db::usage_lists::find_usage_list(conn, &check.usage_list_id)?
        .ok_or(ServiceError::NotFound("usage list"))?;
    match year_end::dry_run(check.as_of, list.as_of, campaign.ends_on) {
        Some(why) => Err(ServiceError::StateConflict(Conflict::DryRun(Some(why)))),
        None if check.dry_run => Err(ServiceError::StateConflict(Conflict::DryRun(None))),
        None => Ok(()),
    }
}

/// Only offices still accepted are paid: one that left after the check holds the batch up
/// until it is rebuilt from a new check (reclaim lines do not).
fn require_payees_accepted(conn: &mut DbConn, batch_id: &BatchId) -> ServiceResult<()> {
    let departed = rows::departed_payees(conn, batch_id)?;
    if departed.is_empty() {
        return Ok(());
    }
    Err(ServiceError::Refused(
        Conflict::OfficesNoLongerAccepted,
        departed
            .into_iter()
            .map(|office| {
                FieldError::new(
                    format!("offices.{office}"),
                    "is no longer accepted in this campaign",
                )
            })
            .collect(),
    ))
}

/// Drafts a batch from a check. Runs inside the caller's write transaction.
pub fn create(
    conn: &mut DbConn,
    actor: &Actor,
    now: NaiveDateTime,
    campaign_id: &CampaignId,
    input: &BatchInput,
) -> ServiceResult<BatchView> {
    campaigns::lock(conn, campaign_id)?.ok_or(ServiceError::NotFound("campaign"))?;
    let check = checks::find_check(conn, &input.year_end_check_id)?
        .filter(|c| &c.campaign_id == campaign_id)
        .ok_or_else(|| {
            let mut errors = FieldErrors::new();
            errors.push(
                "year_end_check_id",
                "no year-end check of this campaign has this id",
            );
            ServiceError::Invalid(errors)
        })?;
    require_latest(conn, campaign_id, &check.id)?;
    require_payable(conn, &check)?;
    let batches = rows::of_campaign(conn, campaign_id)?;
    if batches.iter().any(|b| b.status == BatchStatus::Draft) {
        return Err(ServiceError::StateConflict(Conflict::DraftExists));
    }
    let approved: Vec<BatchRow> = batches
        .into_iter()
        .filter(|b| b.status == BatchStatus::Approved)
        .collect();
    let approved_ids: Vec<&str> = approved.iter().map(|b| b.id.as_str()).collect();
    payout::check_corrects(&approved_ids, input.corrects.as_ref().map(BatchId::as_str))
        .map_err(|refusal| ServiceError::StateConflict(Conflict::Corrects(refusal)))?;
    let results = checks::verdicts_of(conn, &check.id)?;
    let due: BTreeMap<String, i64> = results
        .iter()
        .map(|r| (r.office_number.clone(), r.amount))
        .collect();
    let paid = rows::approved_per_office(conn, campaign_id)?;
    let amounts = owed(&due, &paid);
    if amounts.is_empty() {
        return Err(ServiceError::StateConflict(Conflict::NothingToPay));
    }
    let id = BatchId::new();
    let lines = lines_for(conn, &id, &amounts, &results, &approved)?;
    let batch = BatchRow {
        id,
        campaign_id: campaign_id.clone(),
        year_end_check_id: check.id,
        corrects: input.corrects.clone(),
        status: BatchStatus::Draft,
        total_amount: lines.iter().map(|l| l.amount).sum(),
        line_count: lines.len() as i32,
        created_by: actor.label.clone(),
        created_by_token: actor.token_id.as_ref().map(|t| t.to_string()),
        created_by_account: actor.account.as_ref().map(|a| a.id.clone()),
        created_by_account_name: actor.account.as_ref().map(|a| a.name.clone()),
        decided_by_account: None,
        decided_by_account_name: None,
        created_at: now,
        decided_by: None,
        decided_by_token: None,
        decided_at: None,
    };
    rows::insert(conn, &batch, &lines).map_err(|e| {
        if is_unique_violation(&e) {
            ServiceError::StateConflict(Conflict::DraftExists)
        } else {
            e.into()
        }
    })?;
    require_payees_accepted(conn, &batch.id)?;
    audit::record(
        conn,
        now,
        audit::Change {
            actor: &actor.label,
            action: Action::PayoutBatchCreate,
            entity: "payout_batch",
            entity_id: batch.id.as_str(),
            campaign_id: Some(campaign_id),
            before: None,
            after: Some(serde_json::json!({"batch": batch, "lines": lines})),
        },
    )?;
    let lines = inline_rows(batch.line_count.into(), || Ok(lines))?;
    Ok(view(batch, lines))
}

/// A line per office owed something. A payment names the application the check judged; a
/// reclaim names the application whose payment it takes back (the office may have applied
/// again since, under another application).
fn lines_for(
    conn: &mut DbConn,
    batch_id: &BatchId,
    amounts: &BTreeMap<String, i64>,
    results: &[VerdictRow],
    approved: &[BatchRow],
) -> ServiceResult<Vec<LineRow>> {
    type Payee = (String, ApplicationId, ParticipantRole);
    let mut paid_to: BTreeMap<String, Payee> = BTreeMap::new();
    for b in approved {
        for l in rows::lines(conn, &b.id)? {
            if l.amount > 0 {
                paid_to.insert(
                    l.office_number,
                    (l.participant_id, l.application_id, l.role),
                );
            }
        }
    }
    let judged: BTreeMap<&str, Payee> = results
        .iter()
        .map(|r| {
            (
                r.office_number.as_str(),
                (r.participant_id.clone(), r.application_id.clone(), r.role),
            )
        })
        .collect();
    Ok(amounts
        .iter()
        .filter_map(|(office, amount)| {
            let payee = if *amount < 0 {
                paid_to.get(office).or_else(|| judged.get(office.as_str()))
            } else {
                judged.get(office.as_str()).or_else(|| paid_to.get(office))
            };
            payee.map(|(participant, application, role)| LineRow {
                batch_id: batch_id.to_owned(),
                office_number: office.clone(),
                participant_id: participant.clone(),
                application_id: application.clone(),
                role: *role,
                amount: *amount,
            })
        })
        .collect())
}

/// Cancels a draft. Runs inside the caller's write transaction.
pub fn cancel(
    conn: &mut DbConn,
    actor: &Actor,
    now: NaiveDateTime,
    id: &BatchId,
) -> ServiceResult<BatchView> {
    decide(conn, actor, now, id, BatchStatus::Cancelled)?;
    get(conn, id)
}

/// Payout notices written per round.
const NOTICE_CHUNK: i64 = 2_000;

/// Approves a draft by someone other than its author; mails each office its payout. Runs
/// inside the caller's write transaction.
pub fn approve(uc: UseCase<'_>, id: &BatchId) -> ServiceResult<BatchView> {
    let batch = decide(uc.conn, uc.actor, uc.now, id, BatchStatus::Approved)?;
    super::transfers::freeze(uc.conn, &batch, uc.now)?;
    let campaign =
        campaigns::find(uc.conn, &batch.campaign_id)?.ok_or(ServiceError::NotFound("campaign"))?;
    // A page of lines at a time, as the result mails are written: 90,000 notices held at once
    // took hundreds of MB.
    let mut offset = 0i64;
    loop {
        let lines = rows::lines_page(uc.conn, id, offset, NOTICE_CHUNK)?;
        if lines.is_empty() {
            break;
        }
        offset += lines.len() as i64;
        let ids: Vec<String> = lines.iter().map(|l| l.participant_id.clone()).collect();
        let offices = checks::accepted_among(uc.conn, &ids)?;
        let numbers: Vec<String> = lines.iter().map(|l| l.office_number.clone()).collect();
        let with_account =
            crate::db::bank::with_account_among(uc.conn, &batch.campaign_id, &numbers)?;
        let messages: Vec<_> = lines
            .iter()
            .filter_map(|l| offices.get(&l.participant_id).map(|p| (l, p)))
            .map(|(line, office)| {
                let mut m = mail::office_mail(&campaign, office);
                m.amount = yen(line.amount.abs());
                m.reclaim = line.amount < 0;
                m.has_account = with_account.contains(&line.office_number);
                mail::office_message(
                    uc.notifier,
                    uc.now,
                    OfficeMailKind::PayoutNotice,
                    &campaign,
                    office,
                    &m,
                )
            })
            .collect();
        crate::db::outbox::insert(uc.conn, &messages)?;
    }
    get(uc.conn, id)
}

/// Moves a draft to approved or cancelled under the campaign's lock, with the four-eyes rule
/// for approval, and records it.
fn decide(
    conn: &mut DbConn,
    actor: &Actor,
    now: NaiveDateTime,
    id: &BatchId,
    to: BatchStatus,
) -> ServiceResult<BatchRow> {
    let found = rows::find(conn, id)?.ok_or(ServiceError::NotFound("payout batch"))?;
    campaigns::lock(conn, &found.campaign_id)?.ok_or(ServiceError::NotFound("campaign"))?;
    let before = rows::find(conn, id)?.ok_or(ServiceError::NotFound("payout batch"))?;
    if before.status != BatchStatus::Draft {
        return Err(ServiceError::StateConflict(Conflict::BatchAlready {
            status: before.status,
        }));
    }
    let token = actor.token_id.as_ref().map(|t| t.to_string());
    if to == BatchStatus::Approved {
        // Batches drafted before people existed name only the token: a machine account's id.
        let author = before
            .created_by_account
            .as_deref()
            .or(before.created_by_token.as_deref());
        let approver = actor.account.as_ref().map(|a| a.id.as_str());
        let allowed = match (author, approver) {
            (Some(author), Some(approver)) => may_approve(author, approver),
            _ => false,
        };
        if !allowed {
            return Err(ServiceError::Forbidden(NotAllowed::SelfApproval));
        }
        require_latest(conn, &before.campaign_id, &before.year_end_check_id)?;
        let check = checks::find_check(conn, &before.year_end_check_id)?
            .ok_or(ServiceError::NotFound("year-end check"))?;
        require_payable(conn, &check)?;
        require_payees_accepted(conn, id)?;
    }
    let decider = rows::Decider {
        label: &actor.label,
        token: token.as_deref(),
        account: actor
            .account
            .as_ref()
            .map(|a| (a.id.as_str(), a.name.as_str())),
    };
    if !rows::decide(conn, id, to, &decider, now)? {
        return Err(ServiceError::StateConflict(Conflict::BatchNoLongerDraft));
    }
    let after = rows::find(conn, id)?.ok_or(ServiceError::NotFound("payout batch"))?;
    audit::record(
        conn,
        now,
        audit::Change {
            actor: &actor.label,
            action: if to == BatchStatus::Approved {
                Action::PayoutBatchApprove
            } else {
                Action::PayoutBatchCancel
            },
            entity: "payout_batch",
            entity_id: id.as_str(),
            campaign_id: Some(&before.campaign_id),
            before: Some(crate::service::audit::snapshot(&before)?),
            after: Some(crate::service::audit::snapshot(&after)?),
        },
    )?;
    Ok(after)
}
