//! Stored responses for `Idempotency-Key`, so a retried create returns the first answer on
//! every instance and after restarts.

use super::schema::idempotency_keys;
use super::DbConn;
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = idempotency_keys)]
pub struct StoredResponse {
    pub scope: String,
    pub idempotency_key: String,
    pub request_hash: String,
    pub response_status: i32,
    pub response_body: String,
    pub created_at: NaiveDateTime,
}

pub fn find(conn: &mut DbConn, scope: &str, key: &str) -> QueryResult<Option<StoredResponse>> {
    idempotency_keys::table
        .find((scope, key))
        .select(StoredResponse::as_select())
        .first(conn)
        .optional()
}

pub fn insert(conn: &mut DbConn, rows: &[StoredResponse]) -> QueryResult<()> {
    super::insert_all!(conn, idempotency_keys::table, rows).map(drop)
}

/// Forgets keys stored before `cutoff`; returns how many.
pub fn purge_before(conn: &mut DbConn, cutoff: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(idempotency_keys::table.filter(idempotency_keys::created_at.lt(cutoff)))
        .execute(conn)
}
