//! Where offices are paid, and the campaign's paying account: live, and as frozen for each
//! approved payout batch.

use super::schema::{bank_accounts, payer_accounts, payout_batch_payees, payout_batch_payers};
use super::DbConn;
use crate::domain::bank::{Account, AccountType};
use crate::domain::ids::BatchId;
use crate::domain::ids::CampaignId;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset, Serialize)]
#[diesel(table_name = bank_accounts)]
pub struct BankAccountRow {
    pub campaign_id: CampaignId,
    pub office_number: String,
    pub bank_code: String,
    pub branch_code: String,
    pub account_type: AccountType,
    pub account_number: String,
    pub holder_kana: String,
    pub updated_at: NaiveDateTime,
    pub updated_by: String,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset, Serialize)]
#[diesel(table_name = payer_accounts)]
pub struct PayerRow {
    pub campaign_id: CampaignId,
    pub requester_code: String,
    pub requester_name_kana: String,
    pub bank_code: String,
    pub branch_code: String,
    pub account_type: AccountType,
    pub account_number: String,
    pub updated_at: NaiveDateTime,
    pub updated_by: String,
}

pub fn account(
    conn: &mut DbConn,
    campaign_id: &CampaignId,
    office_number: &str,
) -> QueryResult<Option<BankAccountRow>> {
    bank_accounts::table
        .find((campaign_id, office_number))
        .select(BankAccountRow::as_select())
        .first(conn)
        .optional()
}

/// Every office account of the campaign, by office number.
pub fn accounts(
    conn: &mut DbConn,
    campaign_id: &CampaignId,
) -> QueryResult<std::collections::HashMap<String, BankAccountRow>> {
    Ok(bank_accounts::table
        .filter(bank_accounts::campaign_id.eq(campaign_id))
        .select(BankAccountRow::as_select())
        .load(conn)?
        .into_iter()
        .map(|a| (a.office_number.clone(), a))
        .collect())
}

/// The accounts of `office_numbers` (a page of offices) in the campaign, by office number.
pub fn accounts_among(
    conn: &mut DbConn,
    campaign_id: &CampaignId,
    office_numbers: &[String],
) -> QueryResult<std::collections::HashMap<String, BankAccountRow>> {
    Ok(bank_accounts::table
        .filter(bank_accounts::campaign_id.eq(campaign_id))
        .filter(bank_accounts::office_number.eq_any(office_numbers))
        .select(BankAccountRow::as_select())
        .load(conn)?
        .into_iter()
        .map(|a| (a.office_number.clone(), a))
        .collect())
}

/// Which of `office_numbers` have an account in the campaign.
pub fn with_account_among(
    conn: &mut DbConn,
    campaign_id: &CampaignId,
    office_numbers: &[String],
) -> QueryResult<std::collections::HashSet<String>> {
    let mut found = std::collections::HashSet::new();
    // Well under either backend's bind limit.
    for chunk in office_numbers.chunks(5_000) {
        found.extend(
            bank_accounts::table
                .filter(bank_accounts::campaign_id.eq(campaign_id))
                .filter(bank_accounts::office_number.eq_any(chunk))
                .select(bank_accounts::office_number)
                .load::<String>(conn)?,
        );
    }
    Ok(found)
}

/// Writes an office's account; callers hold the campaign's lock.
pub fn save_account(conn: &mut DbConn, row: &BankAccountRow) -> QueryResult<()> {
    let updated = diesel::update(bank_accounts::table.find((&row.campaign_id, &row.office_number)))
        .set(row)
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(bank_accounts::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(())
}

pub fn payer(conn: &mut DbConn, campaign_id: &CampaignId) -> QueryResult<Option<PayerRow>> {
    payer_accounts::table
        .find(campaign_id)
        .select(PayerRow::as_select())
        .first(conn)
        .optional()
}

/// Writes the campaign's paying account; callers hold the campaign's lock.
pub fn save_payer(conn: &mut DbConn, row: &PayerRow) -> QueryResult<()> {
    let updated = diesel::update(payer_accounts::table.find(&row.campaign_id))
        .set(row)
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(payer_accounts::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(())
}

/// The paying account as a payout batch pays from it, copied once and never changed.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = payout_batch_payers)]
pub struct FrozenPayerRow {
    pub batch_id: BatchId,
    pub requester_code: String,
    pub requester_name_kana: String,
    pub bank_code: String,
    pub branch_code: String,
    pub account_type: AccountType,
    pub account_number: String,
    pub frozen_at: NaiveDateTime,
}

/// An office's account as a payout batch pays it, copied once and never changed.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = payout_batch_payees)]
pub struct FrozenPayeeRow {
    pub batch_id: BatchId,
    pub office_number: String,
    pub bank_code: String,
    pub branch_code: String,
    pub account_type: AccountType,
    pub account_number: String,
    pub holder_kana: String,
    pub frozen_at: NaiveDateTime,
}

pub fn frozen_payer(conn: &mut DbConn, batch_id: &BatchId) -> QueryResult<Option<FrozenPayerRow>> {
    payout_batch_payers::table
        .find(batch_id)
        .select(FrozenPayerRow::as_select())
        .first(conn)
        .optional()
}

/// Every frozen office account of the batch, by office number.
pub fn frozen_payees(
    conn: &mut DbConn,
    batch_id: &BatchId,
) -> QueryResult<std::collections::HashMap<String, FrozenPayeeRow>> {
    Ok(payout_batch_payees::table
        .filter(payout_batch_payees::batch_id.eq(batch_id))
        .select(FrozenPayeeRow::as_select())
        .load(conn)?
        .into_iter()
        .map(|a| (a.office_number.clone(), a))
        .collect())
}

pub fn freeze_payer(conn: &mut DbConn, row: &FrozenPayerRow) -> QueryResult<()> {
    diesel::insert_into(payout_batch_payers::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

pub fn freeze_payees(conn: &mut DbConn, rows: &[FrozenPayeeRow]) -> QueryResult<()> {
    for chunk in rows.chunks(1_000) {
        super::insert_all!(conn, payout_batch_payees::table, chunk)?;
    }
    Ok(())
}

impl BankAccountRow {
    /// An office's account as checked, set by `by` at `at`.
    pub fn new(
        campaign_id: &CampaignId,
        office_number: &str,
        account: Account,
        at: NaiveDateTime,
        by: &str,
    ) -> Self {
        BankAccountRow {
            campaign_id: campaign_id.clone(),
            office_number: office_number.to_owned(),
            bank_code: account.bank_code,
            branch_code: account.branch_code,
            account_type: account.account_type,
            account_number: account.account_number,
            holder_kana: account.holder_kana,
            updated_at: at,
            updated_by: by.to_owned(),
        }
    }
}

impl FrozenPayeeRow {
    /// The office's live account as `batch` will pay it from `at` on.
    pub fn frozen(live: BankAccountRow, batch: &BatchId, at: NaiveDateTime) -> Self {
        FrozenPayeeRow {
            batch_id: batch.clone(),
            office_number: live.office_number,
            bank_code: live.bank_code,
            branch_code: live.branch_code,
            account_type: live.account_type,
            account_number: live.account_number,
            holder_kana: live.holder_kana,
            frozen_at: at,
        }
    }
}

impl From<&FrozenPayeeRow> for Account {
    fn from(row: &FrozenPayeeRow) -> Self {
        Account {
            bank_code: row.bank_code.clone(),
            branch_code: row.branch_code.clone(),
            account_type: row.account_type,
            account_number: row.account_number.clone(),
            holder_kana: row.holder_kana.clone(),
        }
    }
}

impl FrozenPayerRow {
    /// The campaign's live paying account as `batch` will pay from it from `at` on.
    pub fn frozen(live: PayerRow, batch: &BatchId, at: NaiveDateTime) -> Self {
        FrozenPayerRow {
            batch_id: batch.clone(),
            requester_code: live.requester_code,
            requester_name_kana: live.requester_name_kana,
            bank_code: live.bank_code,
            branch_code: live.branch_code,
            account_type: live.account_type,
            account_number: live.account_number,
            frozen_at: at,
        }
    }
}
