//! What staff add to an application from its page: a note (free text, audited as the person)
//! and an email sent again through the outbox's resend use case, as `POST
//! /api/v1/outbox/{id}/resend` does.

use super::super::staff::Session;
use super::super::{see_other, Data, PageError};
use super::applications::{first_japanese, refused_page, NoteTyped};
use super::refused;
use crate::domain::ids::{ApplicationId, MessageId};
use crate::error::ApiError;
use crate::routes::write;
use crate::service::{notes, outbox, ServiceError};
use actix_web::{post, web, HttpRequest, HttpResponse};

/// Adds a note as the person: back to the application, or its page again (422) with the note
/// as typed and the refusal beside it.
#[post("/staff/applications/{id}/notes")]
pub async fn add_note(
    state: Data,
    req: HttpRequest,
    session: Session,
    id: web::Path<ApplicationId>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let id = id.into_inner();
    let back = format!("/staff/applications/{id}");
    let values = session.change_form(&state, &req, &body, &back)?;
    let text = values.get("text").to_owned();
    let (actor, target, typed) = (session.actor(), id.clone(), text.clone());
    let done = write(&state, move |conn, now| {
        notes::add(conn, &actor, now, &target, &typed).map(drop)
    })
    .await;
    match done {
        Ok(()) => Ok(see_other(&format!("{back}#notes"))),
        Err(ApiError::Invalid(errors)) => {
            let note = NoteTyped {
                text,
                error: first_japanese(&errors),
            };
            refused_page(&state, &session, id, None, Some(&note)).await
        }
        Err(e) => Err(refused(e, back)),
    }
}

/// Queues an email about the application again, with the same Message-ID, as the person. An
/// email about another application is not found here.
#[post("/staff/applications/{id}/emails/{email_id}/resend")]
pub async fn resend_email(
    state: Data,
    req: HttpRequest,
    session: Session,
    path: web::Path<(ApplicationId, MessageId)>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let (id, email) = path.into_inner();
    let back = format!("/staff/applications/{id}");
    session.change_form(&state, &req, &body, &back)?;
    let actor = session.actor();
    let done = write(&state, move |conn, now| {
        let about = outbox::get(conn, &email)?.message.application_id;
        if about.as_ref() != Some(&id) {
            return Err(ServiceError::NotFound("message"));
        }
        outbox::resend(conn, &actor, now, &email).map(drop)
    })
    .await;
    match done {
        Ok(()) => Ok(see_other(&format!("{back}#emails"))),
        Err(e) => Err(refused(e, back)),
    }
}
