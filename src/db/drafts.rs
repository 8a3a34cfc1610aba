//! Refused forms as they were typed, sealed, for the page a refusal redirects to.

use super::schema::form_drafts;
use super::DbConn;
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = form_drafts)]
pub struct DraftRow {
    pub id_hash: String,
    pub sealed: String,
    pub created_at: NaiveDateTime,
}

/// Keeps `row` in place of any draft under the same id (a form refused again).
pub fn replace(conn: &mut DbConn, row: &DraftRow) -> QueryResult<()> {
    discard(conn, &row.id_hash)?;
    super::insert_all!(conn, form_drafts::table, std::slice::from_ref(row)).map(drop)
}

/// The draft under `id_hash` kept at or after `since`.
pub fn find(
    conn: &mut DbConn,
    id_hash: &str,
    since: NaiveDateTime,
) -> QueryResult<Option<DraftRow>> {
    form_drafts::table
        .find(id_hash)
        .filter(form_drafts::created_at.ge(since))
        .select(DraftRow::as_select())
        .first(conn)
        .optional()
}

pub fn discard(conn: &mut DbConn, id_hash: &str) -> QueryResult<usize> {
    diesel::delete(form_drafts::table.find(id_hash)).execute(conn)
}

/// Forgets drafts kept before `cutoff`; returns how many.
pub fn purge_before(conn: &mut DbConn, cutoff: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(form_drafts::table.filter(form_drafts::created_at.lt(cutoff))).execute(conn)
}
