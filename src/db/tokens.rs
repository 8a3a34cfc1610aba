//! API tokens: only their SHA-256 is stored.

use super::schema::api_tokens;
use super::DbConn;
use crate::domain::ids::TokenId;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = api_tokens)]
pub struct TokenRow {
    pub id: TokenId,
    pub name: String,
    pub role: crate::domain::role::Role,
    #[serde(skip)]
    pub token_hash: String,
    pub created_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
    /// The person the token acts for; `None` for a machine account.
    pub person_id: Option<String>,
    /// Who the token acts for, for four eyes: the person's id, or the machine account's (the
    /// id of the token that founded it).
    pub account_id: Option<String>,
}

pub fn insert(conn: &mut DbConn, row: &TokenRow) -> QueryResult<()> {
    diesel::insert_into(api_tokens::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// A live token with its person, if it has one.
pub fn find_active_by_hash(
    conn: &mut DbConn,
    hash: &str,
) -> QueryResult<Option<(TokenRow, Option<super::people::PersonRow>)>> {
    use super::schema::people;
    api_tokens::table
        .left_join(people::table.on(api_tokens::person_id.eq(people::id.nullable())))
        .filter(api_tokens::token_hash.eq(hash))
        .filter(api_tokens::revoked_at.is_null())
        .select((
            TokenRow::as_select(),
            Option::<super::people::PersonRow>::as_select(),
        ))
        .first(conn)
        .optional()
}

pub fn find(conn: &mut DbConn, id: &TokenId) -> QueryResult<Option<TokenRow>> {
    api_tokens::table
        .find(id)
        .select(TokenRow::as_select())
        .first(conn)
        .optional()
}

pub fn list(conn: &mut DbConn, offset: i64, limit: i64) -> QueryResult<(Vec<TokenRow>, i64)> {
    let total = api_tokens::table.count().get_result(conn)?;
    let rows = api_tokens::table
        .order((api_tokens::created_at.asc(), api_tokens::id.asc()))
        .offset(offset)
        .limit(limit)
        .select(TokenRow::as_select())
        .load(conn)?;
    Ok((rows, total))
}

pub fn revoke(conn: &mut DbConn, id: &TokenId, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(api_tokens::table.find(id))
        .set(api_tokens::revoked_at.eq(Some(at)))
        .execute(conn)
}
