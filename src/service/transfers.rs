//! The 全銀協 総合振込 file of an approved payout batch, and the accounts it pays from and to.
//!
//! A batch's accounts are frozen when it is approved; the payer or an office without an account
//! then is frozen when the batch's first file is written. After that, editing an account
//! changes later batches only: the approved batch's file stays byte for byte the same for the
//! same date, so the bank is never sent a file that pays someone the approvers did not see.

use super::{Actor, ServiceError, ServiceResult};
use crate::db::bank::{self as accounts, FrozenPayeeRow, FrozenPayerRow};
use crate::db::payouts::{self as rows, BatchRow};
use crate::db::{audit, campaigns, DbConn};
use crate::domain::audit_action::Action;
use crate::domain::business_day;
use crate::domain::conflict::Conflict;
use crate::domain::ids::BatchId;
use crate::domain::jst;
use crate::domain::payout::BatchStatus;
use crate::domain::{FieldError, FieldErrors};
use crate::formats::zengin::{self, Payer, Transfer, ZenginError};
use chrono::{NaiveDate, NaiveDateTime};
use sha2::{Digest, Sha256};

/// Copies the live payer account and the live account of every office the batch pays, for
/// each that is known now and not frozen yet. Runs in the transaction that approves the batch
/// or writes its file, under the campaign's lock.
pub fn freeze(conn: &mut DbConn, batch: &BatchRow, now: NaiveDateTime) -> ServiceResult<()> {
    if accounts::frozen_payer(conn, &batch.id)?.is_none() {
        if let Some(p) = accounts::payer(conn, &batch.campaign_id)? {
            accounts::freeze_payer(conn, &FrozenPayerRow::frozen(p, &batch.id, now))?;
        }
    }
    let frozen = accounts::frozen_payees(conn, &batch.id)?;
    let mut live = accounts::accounts(conn, &batch.campaign_id)?;
    let new: Vec<FrozenPayeeRow> = rows::lines(conn, &batch.id)?
        .into_iter()
        .filter(|l| l.amount > 0 && !frozen.contains_key(&l.office_number))
        .filter_map(|l| live.remove(&l.office_number))
        .map(|live| FrozenPayeeRow::frozen(live, &batch.id, now))
        .collect();
    accounts::freeze_payees(conn, &new)?;
    Ok(())
}

/// Writes the transfer file of an approved batch, paid on `date`, and records that it was
/// issued: one transfer per line with a positive amount (negative ones are reclaims, not
/// transfers), from and to the batch's frozen accounts. Every office without an account is
/// refused together.
pub fn issue(
    conn: &mut DbConn,
    actor: &Actor,
    now: NaiveDateTime,
    batch_id: &BatchId,
    date: NaiveDate,
) -> ServiceResult<Vec<u8>> {
    if let Err(why) = business_day::check_transfer_date(date, jst::date_of(now)) {
        let mut errors = FieldErrors::new();
        errors.push("transfer_date", format!("{date} {why}"));
        return Err(ServiceError::Invalid(errors));
    }
    let found = rows::find(conn, batch_id)?.ok_or(ServiceError::NotFound("payout batch"))?;
    campaigns::lock(conn, &found.campaign_id)?.ok_or(ServiceError::NotFound("campaign"))?;
    let batch = rows::find(conn, batch_id)?.ok_or(ServiceError::NotFound("payout batch"))?;
    if batch.status != BatchStatus::Approved {
        return Err(ServiceError::StateConflict(
            Conflict::OnlyApprovedSentToBank,
        ));
    }
    let paid: Vec<_> = rows::lines(conn, batch_id)?
        .into_iter()
        .filter(|l| l.amount > 0)
        .collect();
    if paid.is_empty() {
        return Err(ServiceError::StateConflict(Conflict::NothingToTransfer));
    }
    freeze(conn, &batch, now)?;
    let payer = accounts::frozen_payer(conn, batch_id)?
        .ok_or_else(|| ServiceError::StateConflict(Conflict::NoPayer))?;
    let payees = accounts::frozen_payees(conn, batch_id)?;
    let mut missing = Vec::new();
    let mut transfers = Vec::new();
    for line in paid {
        match payees.get(&line.office_number) {
            None => missing.push(FieldError::new(
                format!("offices.{}", line.office_number),
                "has no bank account",
            )),
            Some(frozen) => transfers.push(Transfer {
                account: frozen.into(),
                amount: line.amount,
                office_number: line.office_number,
            }),
        }
    }
    if !missing.is_empty() {
        return Err(ServiceError::Refused(
            Conflict::OfficesWithoutAccount,
            missing,
        ));
    }
    let payer = Payer {
        requester_code: payer.requester_code,
        requester_name_kana: payer.requester_name_kana,
        bank_code: payer.bank_code,
        branch_code: payer.branch_code,
        account_type: payer.account_type,
        account_number: payer.account_number,
    };
    let file = zengin::file(&payer, date, &transfers).map_err(|e| match e {
        ZenginError::Characters { .. } | ZenginError::TooLong { .. } => {
            ServiceError::StateConflict(Conflict::TransferFile(e.to_string()))
        }
        ZenginError::NoTransfers => ServiceError::StateConflict(Conflict::NothingToTransfer),
        other => ServiceError::StateConflict(Conflict::TransferFile(other.to_string())),
    })?;
    let total: i64 = transfers.iter().map(|t| t.amount).sum();
    audit::record(
        conn,
        now,
        audit::Change {
            actor: &actor.label,
            action: Action::PayoutBatchZenginIssue,
            entity: "payout_batch",
            entity_id: batch_id.as_str(),
            campaign_id: Some(&batch.campaign_id),
            before: None,
            after: Some(serde_json::json!({
                "batch_id": batch_id,
                "transfer_date": date,
                "count": transfers.len(),
                "total": total,
                "sha256": hex::encode(Sha256::digest(&file)),
            })),
        },
    )?;
    Ok(file)
}
