//! Office registers and their offices; the usage lists, participants and payouts the outcome
//! reads beside them.

use super::schema::{office_register_offices, office_registers, participants, usage_lists};
use super::DbConn;
use crate::domain::application::OfficeKind;
use crate::domain::ids::{CampaignId, RegisterId};
use crate::domain::participation::Status;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = office_registers)]
pub struct RegisterRow {
    pub id: RegisterId,
    pub as_of: NaiveDate,
    pub row_count: i32,
    pub office_count: i32,
    pub invalid_row_count: i32,
    pub encoding: String,
    pub sha256: String,
    pub imported_at: NaiveDateTime,
    pub imported_by: String,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = office_register_offices, treat_none_as_default_value = false)]
pub struct RegisterOfficeRow {
    pub register_id: RegisterId,
    pub office_number: String,
    pub name: String,
    pub kind: OfficeKind,
    /// Five digits, without the check digit.
    pub municipality_code: String,
    pub corporate_number: Option<String>,
    pub corporation_name: Option<String>,
    pub address: Option<String>,
}

/// Stores a register and its offices in the order of the offices' key, so that each write
/// appends to the index instead of scattering: PostgreSQL through COPY (bound statements
/// took 3.8 s for a national register, over the 3 s asked), SQLite in as few statements as
/// its bind limit allows.
pub fn insert(
    conn: &mut DbConn,
    register: &RegisterRow,
    mut offices: Vec<RegisterOfficeRow>,
) -> QueryResult<()> {
    diesel::insert_into(office_registers::table)
        .values(register)
        .execute(conn)?;
    offices.sort_unstable_by(|a, b| {
        (&a.municipality_code, &a.office_number).cmp(&(&b.municipality_code, &b.office_number))
    });
    match conn {
        DbConn::Pg(pg) => {
            diesel::copy_from(office_register_offices::table)
                .from_insertable(&offices)
                .execute(pg)?;
        }
        DbConn::Sqlite(_) => {
            super::insert_all!(conn, office_register_offices::table, &offices)?;
        }
    }
    Ok(())
}

/// The register a reading as of `date` uses: the latest `as_of` on or before it, the latest
/// import among equals.
pub fn latest_on_or_before(conn: &mut DbConn, date: NaiveDate) -> QueryResult<Option<RegisterRow>> {
    office_registers::table
        .filter(office_registers::as_of.le(date))
        .order((
            office_registers::as_of.desc(),
            office_registers::imported_at.desc(),
        ))
        .select(RegisterRow::as_select())
        .first(conn)
        .optional()
}

/// The corporate numbers the register gives for some offices of one municipality (its five
/// digits), as (office number, corporate number); offices it lists without one are left out.
pub fn corporate_numbers_of(
    conn: &mut DbConn,
    register_id: &RegisterId,
    municipality: &str,
    office_numbers: &[String],
) -> QueryResult<Vec<(String, String)>> {
    office_register_offices::table
        .filter(office_register_offices::register_id.eq(register_id))
        .filter(office_register_offices::municipality_code.eq(municipality))
        .filter(office_register_offices::office_number.eq_any(office_numbers))
        .filter(office_register_offices::corporate_number.is_not_null())
        .select((
            office_register_offices::office_number,
            office_register_offices::corporate_number.assume_not_null(),
        ))
        .load(conn)
}

/// The register's offices in one municipality (its five digits), by office number.
pub fn offices_in(
    conn: &mut DbConn,
    register_id: &RegisterId,
    municipality: &str,
) -> QueryResult<Vec<RegisterOfficeRow>> {
    office_register_offices::table
        .filter(office_register_offices::register_id.eq(register_id))
        .filter(office_register_offices::municipality_code.eq(municipality))
        .order(office_register_offices::office_number.asc())
        .select(RegisterOfficeRow::as_select())
        .load(conn)
}

/// The campaign's usage lists, one per `as_of` (the latest import among equals), oldest first.
pub fn usage_lists_by_day(
    conn: &mut DbConn,
    campaign_id: &CampaignId,
) -> QueryResult<Vec<super::usage_lists::UsageListRow>> {
    let mut lists: Vec<super::usage_lists::UsageListRow> = usage_lists::table
        .filter(usage_lists::campaign_id.eq(campaign_id))
        .order((usage_lists::as_of.asc(), usage_lists::imported_at.desc()))
        .select(super::usage_lists::UsageListRow::as_select())
        .load(conn)?;
    lists.dedup_by_key(|l| l.as_of);
    Ok(lists)
}

/// The offices taking part in the campaign now.
pub fn accepted_office_numbers(
    conn: &mut DbConn,
    campaign_id: &CampaignId,
) -> QueryResult<Vec<String>> {
    participants::table
        .filter(participants::campaign_id.eq(campaign_id))
        .filter(participants::status.eq(Status::Accepted))
        .select(participants::office_number)
        .load(conn)
}
