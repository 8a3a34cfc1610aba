//! Usage lists: the offices using the system as of a date, as the national system exported
//! them, and which offices a list names.

use super::schema::{usage_list_offices, usage_lists};
use super::DbConn;
use crate::domain::ids::CampaignId;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = usage_lists)]
pub struct UsageListRow {
    pub id: String,
    pub campaign_id: CampaignId,
    pub as_of: NaiveDate,
    pub row_count: i32,
    pub invalid_row_count: i32,
    pub encoding: String,
    pub sha256: String,
    pub imported_at: NaiveDateTime,
    pub imported_by: String,
}

/// Rows per insert statement on SQLite: two parameters each.
pub(super) const OFFICE_CHUNK: usize = 5_000;

/// Stores a usage list and its office numbers: PostgreSQL through COPY, SQLite in chunks.
pub fn insert_usage_list(
    conn: &mut DbConn,
    list: &UsageListRow,
    office_numbers: &[String],
) -> QueryResult<()> {
    diesel::insert_into(usage_lists::table)
        .values(list)
        .execute(conn)?;
    match conn {
        DbConn::Pg(pg) => {
            diesel::copy_from(usage_list_offices::table)
                .from_raw_data(usage_list_offices::table, |out| {
                    for number in office_numbers {
                        // Office numbers are letters and digits only: nothing to quote.
                        writeln!(out, "{},{number}", list.id)
                            .map_err(|e| diesel::result::Error::QueryBuilderError(Box::new(e)))?;
                    }
                    Ok::<_, diesel::result::Error>(())
                })
                .with_format(diesel::pg::CopyFormat::Csv)
                .execute(pg)?;
        }
        DbConn::Sqlite(c) => {
            for chunk in office_numbers.chunks(OFFICE_CHUNK) {
                let rows: Vec<_> = chunk
                    .iter()
                    .map(|n| {
                        (
                            usage_list_offices::usage_list_id.eq(&list.id),
                            usage_list_offices::office_number.eq(n),
                        )
                    })
                    .collect();
                diesel::insert_into(usage_list_offices::table)
                    .values(rows)
                    .execute(c)?;
            }
        }
    }
    Ok(())
}

/// The list a check as of `as_of` uses: the latest `as_of` on or before it, the latest import
/// among equals.
pub fn usage_list_for(
    conn: &mut DbConn,
    campaign_id: &CampaignId,
    as_of: NaiveDate,
) -> QueryResult<Option<UsageListRow>> {
    usage_lists::table
        .filter(usage_lists::campaign_id.eq(campaign_id))
        .filter(usage_lists::as_of.le(as_of))
        .order((usage_lists::as_of.desc(), usage_lists::imported_at.desc()))
        .select(UsageListRow::as_select())
        .first(conn)
        .optional()
}

pub fn find_usage_list(conn: &mut DbConn, id: &str) -> QueryResult<Option<UsageListRow>> {
    usage_lists::table
        .find(id)
        .select(UsageListRow::as_select())
        .first(conn)
        .optional()
}

/// Which of `office_numbers` the list names.
pub fn listed_among(
    conn: &mut DbConn,
    usage_list_id: &str,
    office_numbers: &[String],
) -> QueryResult<std::collections::HashSet<String>> {
    let mut found = std::collections::HashSet::new();
    for chunk in office_numbers.chunks(OFFICE_CHUNK) {
        found.extend(
            usage_list_offices::table
                .filter(usage_list_offices::usage_list_id.eq(usage_list_id))
                .filter(usage_list_offices::office_number.eq_any(chunk))
                .select(usage_list_offices::office_number)
                .load::<String>(conn)?,
        );
    }
    Ok(found)
}
