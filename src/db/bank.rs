//! Where offices are paid, and the campaign's paying account.

use super::schema::{bank_accounts, payer_accounts};
use super::DbConn;
use crate::domain::bank::AccountType;
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
