//! Staff's notes on applications.

use super::schema::application_notes;
use super::DbConn;
use crate::domain::ids::{ApplicationId, CampaignId};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = application_notes)]
pub struct NoteRow {
    pub id: String,
    pub application_id: ApplicationId,
    pub campaign_id: CampaignId,
    pub text: String,
    pub author: String,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConn, note: &NoteRow) -> QueryResult<()> {
    diesel::insert_into(application_notes::table)
        .values(note)
        .execute(conn)
        .map(drop)
}

/// The application's notes, oldest first.
pub fn of_application(conn: &mut DbConn, id: &ApplicationId) -> QueryResult<Vec<NoteRow>> {
    application_notes::table
        .filter(application_notes::application_id.eq(id))
        .order((
            application_notes::created_at.asc(),
            application_notes::id.asc(),
        ))
        .select(NoteRow::as_select())
        .load(conn)
}
