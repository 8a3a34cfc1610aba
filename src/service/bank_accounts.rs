//! Where each office is paid, and the campaign's paying account. Account numbers are shown
//! whole only to the roles that pay (admin, secretariat); auditors see them masked, and so
//! does the audit trail.

use super::{Actor, Page, Paged, ServiceError, ServiceResult};
use crate::db::bank::{self as rows, BankAccountRow, PayerRow};
use crate::db::{audit, campaigns, year_end, DbConn};
use crate::domain::audit_action::Action;
use crate::domain::bank::{masked, AccountInput, AccountType, PayerInput};
use crate::domain::ids::CampaignId;
use crate::domain::jst;
use chrono::{DateTime, FixedOffset, NaiveDateTime};
use serde::Serialize;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AccountView {
    pub office_number: String,
    pub bank_code: String,
    pub branch_code: String,
    pub account_type: AccountType,
    /// Whole for admin and secretariat, `****567` for anyone else.
    pub account_number: String,
    pub holder_kana: String,
    pub updated_by: String,
    pub updated_at: DateTime<FixedOffset>,
}

fn account_view(row: BankAccountRow, reveal: bool) -> AccountView {
    AccountView {
        account_number: if reveal {
            row.account_number
        } else {
            masked(&row.account_number)
        },
        office_number: row.office_number,
        bank_code: row.bank_code,
        branch_code: row.branch_code,
        account_type: row.account_type,
        holder_kana: row.holder_kana,
        updated_by: row.updated_by,
        updated_at: jst::to_jst(row.updated_at),
    }
}

/// What the audit trail keeps of an account: everything but the whole number.
fn audited(row: &BankAccountRow) -> serde_json::Value {
    serde_json::json!({
        "office_number": row.office_number, "bank_code": row.bank_code,
        "branch_code": row.branch_code, "account_type": row.account_type,
        "account_number": masked(&row.account_number), "holder_kana": row.holder_kana,
    })
}

/// Sets an accepted office's account. Runs inside the caller's write transaction.
pub fn put_account(
    conn: &mut DbConn,
    actor: &Actor,
    now: NaiveDateTime,
    campaign_id: &CampaignId,
    office_number: &str,
    input: &AccountInput,
) -> ServiceResult<AccountView> {
    campaigns::lock(conn, campaign_id)?.ok_or(ServiceError::NotFound("campaign"))?;
    year_end::accepted_office(conn, campaign_id, office_number)?
        .ok_or(ServiceError::NotFound("accepted office"))?;
    let account = input.check()?;
    let before = rows::account(conn, campaign_id, office_number)?;
    let row = BankAccountRow::new(campaign_id, office_number, account, now, &actor.label);
    rows::save_account(conn, &row)?;
    audit::record(
        conn,
        now,
        audit::Change {
            actor: &actor.label,
            action: Action::BankAccountSet,
            entity: "bank_account",
            entity_id: office_number,
            campaign_id: Some(campaign_id),
            before: before.as_ref().map(audited),
            after: Some(audited(&row)),
        },
    )?;
    Ok(account_view(row, true))
}

pub fn get_account(
    conn: &mut DbConn,
    campaign_id: &CampaignId,
    office_number: &str,
    reveal: bool,
) -> ServiceResult<AccountView> {
    let row = rows::account(conn, campaign_id, office_number)?
        .ok_or(ServiceError::NotFound("bank account"))?;
    Ok(account_view(row, reveal))
}

/// An accepted office and where it is paid, if that is known yet.
pub struct OfficeAccount {
    pub office_number: String,
    pub name: String,
    pub account: Option<AccountView>,
}

/// A page of the campaign's accepted offices by office number, each with its account (the
/// number whole only when `reveal`).
pub fn accounts_page(
    conn: &mut DbConn,
    campaign_id: &CampaignId,
    page: Page,
    reveal: bool,
) -> ServiceResult<Paged<OfficeAccount>> {
    campaigns::find(conn, campaign_id)?.ok_or(ServiceError::NotFound("campaign"))?;
    let (offices, total) = crate::db::applications::accepted_participants(
        conn,
        campaign_id,
        page.offset(),
        page.per_page,
    )?;
    let numbers: Vec<String> = offices.iter().map(|o| o.office_number.clone()).collect();
    let mut accounts = rows::accounts_among(conn, campaign_id, &numbers)?;
    let items = offices
        .into_iter()
        .map(|o| OfficeAccount {
            account: accounts
                .remove(&o.office_number)
                .map(|a| account_view(a, reveal)),
            office_number: o.office_number,
            name: o.name,
        })
        .collect();
    Ok(Paged::new(items, total, page))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PayerView {
    pub requester_code: String,
    pub requester_name_kana: String,
    pub bank_code: String,
    pub branch_code: String,
    pub account_type: AccountType,
    /// Whole for admin and secretariat, masked for anyone else.
    pub account_number: String,
    pub updated_by: String,
    pub updated_at: DateTime<FixedOffset>,
}

fn payer_view(row: PayerRow, reveal: bool) -> PayerView {
    PayerView {
        account_number: if reveal {
            row.account_number
        } else {
            masked(&row.account_number)
        },
        requester_code: row.requester_code,
        requester_name_kana: row.requester_name_kana,
        bank_code: row.bank_code,
        branch_code: row.branch_code,
        account_type: row.account_type,
        updated_by: row.updated_by,
        updated_at: jst::to_jst(row.updated_at),
    }
}

/// Sets the campaign's paying account. Runs inside the caller's write transaction.
pub fn put_payer(
    conn: &mut DbConn,
    actor: &Actor,
    now: NaiveDateTime,
    campaign_id: &CampaignId,
    input: &PayerInput,
) -> ServiceResult<PayerView> {
    campaigns::lock(conn, campaign_id)?.ok_or(ServiceError::NotFound("campaign"))?;
    let (requester_code, requester_name_kana, account) = input.check()?;
    let before = rows::payer(conn, campaign_id)?;
    let row = PayerRow {
        campaign_id: campaign_id.clone(),
        requester_code,
        requester_name_kana,
        bank_code: account.bank_code,
        branch_code: account.branch_code,
        account_type: account.account_type,
        account_number: account.account_number,
        updated_at: now,
        updated_by: actor.label.clone(),
    };
    rows::save_payer(conn, &row)?;
    let shown = |r: &PayerRow| {
        serde_json::json!({"requester_code": r.requester_code, "requester_name_kana": r.requester_name_kana,
            "bank_code": r.bank_code, "branch_code": r.branch_code, "account_type": r.account_type,
            "account_number": masked(&r.account_number)})
    };
    audit::record(
        conn,
        now,
        audit::Change {
            actor: &actor.label,
            action: Action::PayerAccountSet,
            entity: "payer_account",
            entity_id: campaign_id.as_str(),
            campaign_id: Some(campaign_id),
            before: before.as_ref().map(shown),
            after: Some(shown(&row)),
        },
    )?;
    Ok(payer_view(row, true))
}

pub fn get_payer(
    conn: &mut DbConn,
    campaign_id: &CampaignId,
    reveal: bool,
) -> ServiceResult<PayerView> {
    let row = rows::payer(conn, campaign_id)?.ok_or(ServiceError::NotFound("payer account"))?;
    Ok(payer_view(row, reveal))
}
