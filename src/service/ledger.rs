//! What auditors and the bank get of an approved payout: the ledger (CSV, JSON) and the
//! 全銀協 transfer file.

use super::{ServiceError, ServiceResult};
use crate::db::bank as accounts;
use crate::db::payouts as rows;
use crate::db::DbConn;
use crate::domain::application::{ParticipantRole, Tier};
use crate::domain::ids::ApplicationId;
use crate::domain::payout::BatchStatus;
use crate::domain::zengin::{self, Payer, Transfer, ZenginError};
use crate::domain::{FieldError, FieldErrors};
use crate::export::csv::{self, Cell};
use chrono::NaiveDate;
use serde::Serialize;
use sha2::{Digest, Sha256};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LedgerLine {
    pub office_number: String,
    pub office_name: String,
    pub corporate_number: String,
    pub corporation_name: String,
    pub role: ParticipantRole,
    pub tier: Tier,
    pub application_id: ApplicationId,
    pub amount_yen: i64,
}

fn ledger_lines(conn: &mut DbConn, batch_id: &str) -> ServiceResult<Vec<LedgerLine>> {
    Ok(rows::ledger(conn, batch_id)?
        .into_iter()
        .map(|(line, office, tier)| LedgerLine {
            office_number: line.office_number,
            office_name: office.name,
            corporate_number: office.corporate_number,
            corporation_name: office.corporation_name,
            role: line.role,
            tier,
            application_id: line.application_id,
            amount_yen: line.amount,
        })
        .collect())
}

const HEADER: [&str; 8] = [
    "office_number",
    "office_name",
    "corporate_number",
    "corporation_name",
    "role",
    "tier",
    "application_id",
    "amount_yen",
];

fn csv_text(lines: &[LedgerLine]) -> String {
    let mut out = String::new();
    let header: Vec<Cell<'_>> = HEADER.iter().map(|h| Cell::Text(h)).collect();
    csv::line(&mut out, &header);
    for l in lines {
        csv::line(
            &mut out,
            &[
                Cell::Text(&l.office_number),
                Cell::Text(&l.office_name),
                Cell::Text(&l.corporate_number),
                Cell::Text(&l.corporation_name),
                Cell::Text(l.role.as_str()),
                Cell::Text(l.tier.as_str()),
                Cell::Text(l.application_id.as_str()),
                Cell::Number(l.amount_yen),
            ],
        );
    }
    out
}

fn batch_exists(conn: &mut DbConn, batch_id: &str) -> ServiceResult<rows::BatchRow> {
    rows::find(conn, batch_id)?.ok_or(ServiceError::NotFound("payout batch"))
}

/// The ledger as CSV: UTF-8 with a BOM, or Shift_JIS when asked (a character it cannot hold
/// is refused naming its row).
pub fn ledger_csv(conn: &mut DbConn, batch_id: &str, shift_jis: bool) -> ServiceResult<Vec<u8>> {
    batch_exists(conn, batch_id)?;
    let text = csv_text(&ledger_lines(conn, batch_id)?);
    if !shift_jis {
        return Ok(csv::utf8_with_bom(&text));
    }
    csv::shift_jis(&text).map_err(|(line, c)| {
        let mut errors = FieldErrors::new();
        errors.push(
            "encoding",
            format!(
                "row {} holds {c:?}, which Shift_JIS cannot; export UTF-8 instead",
                line - 1
            ),
        );
        ServiceError::Invalid(errors)
    })
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LedgerJson {
    pub batch: super::payouts::BatchView,
    pub lines: Vec<LedgerLine>,
    pub total_amount: i64,
    pub line_count: usize,
    /// SHA-256 of the UTF-8 CSV ledger's bytes, BOM included.
    pub sha256: String,
}

pub fn ledger_json(conn: &mut DbConn, batch_id: &str) -> ServiceResult<LedgerJson> {
    let mut batch = super::payouts::get(conn, batch_id)?;
    batch.lines.clear();
    let lines = ledger_lines(conn, batch_id)?;
    let sha256 = hex::encode(Sha256::digest(csv::utf8_with_bom(&csv_text(&lines))));
    Ok(LedgerJson {
        batch,
        total_amount: lines.iter().map(|l| l.amount_yen).sum(),
        line_count: lines.len(),
        lines,
        sha256,
    })
}

/// The 全銀協 総合振込 file for an approved batch, paid on `date`: one transfer per line with a
/// positive amount (negative ones are reclaims, not transfers). Every office without an
/// account, and every name a bank cannot take, is refused together.
pub fn transfer_file(conn: &mut DbConn, batch_id: &str, date: NaiveDate) -> ServiceResult<Vec<u8>> {
    let batch = batch_exists(conn, batch_id)?;
    if batch.status != BatchStatus::Approved {
        return Err(ServiceError::StateConflict(
            "only an approved batch is sent to the bank".into(),
        ));
    }
    let payer = accounts::payer(conn, &batch.campaign_id)?.ok_or_else(|| {
        ServiceError::StateConflict("the campaign has no paying account (PUT …/payer)".into())
    })?;
    let known = accounts::accounts(conn, &batch.campaign_id)?;
    let mut missing = Vec::new();
    let mut transfers = Vec::new();
    for line in rows::lines(conn, batch_id)?
        .into_iter()
        .filter(|l| l.amount > 0)
    {
        match known.get(&line.office_number) {
            None => missing.push(FieldError {
                field: format!("offices.{}", line.office_number),
                message: "has no bank account".into(),
            }),
            Some(a) => transfers.push(Transfer {
                bank_code: a.bank_code.clone(),
                branch_code: a.branch_code.clone(),
                account_type: a.account_type,
                account_number: a.account_number.clone(),
                holder_kana: a.holder_kana.clone(),
                amount: line.amount,
                customer_code: line.office_number.clone(),
            }),
        }
    }
    if !missing.is_empty() {
        return Err(ServiceError::Refused(
            "offices cannot be paid by transfer".into(),
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
    zengin::file(&payer, date, &transfers).map_err(|e| match e {
        ZenginError::Characters { .. } | ZenginError::TooLong { .. } => {
            ServiceError::StateConflict(format!("the transfer file cannot be written: {e}"))
        }
        other => ServiceError::StateConflict(other.to_string()),
    })
}
