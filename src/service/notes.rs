//! Staff's free-text notes on an application: kept with their author (as the audit trail
//! names them) and time, and audited as `application.note` about the application, so each
//! stands in its history too.

use super::{Actor, ServiceError, ServiceResult};
use crate::db::notes::{self as rows, NoteRow};
use crate::db::{applications, audit, DbConn};
use crate::domain::audit_action::Action;
use crate::domain::ids::ApplicationId;
use crate::domain::jst;
use crate::domain::refusal::Refusal;
use crate::domain::FieldErrors;
use chrono::{DateTime, FixedOffset, NaiveDateTime};
use serde::Serialize;

/// A note is a few paragraphs at most, as a reason is.
pub const MAX_NOTE_CHARS: usize = super::applications::MAX_REASON_CHARS;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct NoteView {
    pub id: String,
    pub text: String,
    /// Who wrote it, as the audit trail names them.
    pub author: String,
    pub created_at: DateTime<FixedOffset>,
}

fn view(row: NoteRow) -> NoteView {
    NoteView {
        created_at: jst::to_jst(row.created_at),
        id: row.id,
        text: row.text,
        author: row.author,
    }
}

/// The note as kept: trimmed, given, at most [`MAX_NOTE_CHARS`], no hidden characters.
pub fn check_text(text: &str) -> Result<String, FieldErrors> {
    let text = text.trim();
    let mut errors = FieldErrors::new();
    if text.is_empty() || text.chars().count() > MAX_NOTE_CHARS {
        errors.push(
            "text",
            Refusal::Length {
                max: MAX_NOTE_CHARS,
            },
        );
    } else if let Err(e) = crate::domain::text::multi_line(text) {
        errors.push("text", e);
    }
    errors.finish(|| text.to_owned())
}

/// Adds a note to the application as `actor`. Runs inside the caller's write transaction.
pub fn add(
    conn: &mut DbConn,
    actor: &Actor,
    now: NaiveDateTime,
    application_id: &ApplicationId,
    text: &str,
) -> ServiceResult<NoteView> {
    let app =
        applications::find(conn, application_id)?.ok_or(ServiceError::NotFound("application"))?;
    let text = check_text(text)?;
    let row = NoteRow {
        id: uuid::Uuid::now_v7().to_string(),
        application_id: app.id.clone(),
        campaign_id: app.campaign_id.clone(),
        text,
        author: actor.label.clone(),
        created_at: now,
    };
    rows::insert(conn, &row)?;
    audit::record(
        conn,
        now,
        audit::Change {
            actor: &actor.label,
            action: Action::ApplicationNote,
            entity: "application",
            entity_id: app.id.as_str(),
            campaign_id: Some(&app.campaign_id),
            before: None,
            after: Some(serde_json::json!({"note_id": row.id, "note": row.text})),
        },
    )?;
    Ok(view(row))
}

/// The application's notes, oldest first.
pub fn list(conn: &mut DbConn, application_id: &ApplicationId) -> ServiceResult<Vec<NoteView>> {
    Ok(rows::of_application(conn, application_id)?
        .into_iter()
        .map(view)
        .collect())
}
