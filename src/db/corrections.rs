//! An application's contact, names and addresses as its applicant corrected them.

use super::schema::{applications, participants};
use super::DbConn;
use crate::domain::correction::Sent;
use crate::domain::ids::ApplicationId;
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// Writes `sent` over the application's contact and its offices' correctable fields; the
/// offices are found by their numbers, which a correction never changes.
pub fn write(
    conn: &mut DbConn,
    id: &ApplicationId,
    sent: &Sent,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(applications::table.find(id))
        .set((
            applications::contact_name.eq(&sent.contact_name),
            applications::contact_email.eq(&sent.contact_email),
            applications::updated_at.eq(now),
        ))
        .execute(conn)?;
    for o in &sent.offices {
        diesel::update(
            participants::table
                .filter(participants::application_id.eq(id))
                .filter(participants::office_number.eq(&o.office_number)),
        )
        .set((
            participants::name.eq(&o.name),
            participants::corporation_name.eq(&o.corporation_name),
            participants::address.eq(&o.address),
            participants::email.eq(&o.email),
        ))
        .execute(conn)?;
    }
    Ok(())
}
