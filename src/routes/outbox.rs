//! The email outbox for staff: what was sent to whom, what failed and why, and resending.

use super::auth::Staff;
use super::{read, write, Data, PageQuery};
use crate::domain::ids::{ApplicationId, MessageId};
use crate::domain::role::Role;
use crate::error::ApiError;
use crate::service::outbox::{self, ListFilter};
use actix_web::{get, post, web, HttpResponse};
use serde::Deserialize;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct OutboxQuery {
    /// queued, sending, sent, retrying or failed.
    pub status: Option<String>,
    pub recipient: Option<String>,
    pub application_id: Option<ApplicationId>,
}

/// Emails, oldest first, filtered by status, recipient or application (staff).
#[utoipa::path(params(OutboxQuery, PageQuery), responses((status = 200, description = "a page of messages")), security(("bearer" = [])))]
#[get("/outbox")]
pub async fn list(
    state: Data,
    _signed_in: Staff,
    query: web::Query<OutboxQuery>,
    paging: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let page = paging.page()?;
    let filter = ListFilter {
        status: super::filter("status", q.status)?,
        recipient: q.recipient,
        application_id: q.application_id,
    };
    let found = read(&state, move |conn| outbox::list(conn, &filter, page)).await?;
    Ok(HttpResponse::Ok().json(found))
}

/// One email with its body, every attempt and the last SMTP reply (staff).
#[utoipa::path(params(("id" = String, Path, description = "the email")), responses((status = 200, body = outbox::MessageDetail), (status = 404, body = crate::error::Problem)), security(("bearer" = [])))]
#[get("/outbox/{id}")]
pub async fn get(
    state: Data,
    _signed_in: Staff,
    id: web::Path<MessageId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let found = read(&state, move |conn| outbox::get(conn, &id)).await?;
    Ok(HttpResponse::Ok().json(found))
}

/// Queues an email again, with the same Message-ID (admin, secretariat).
#[utoipa::path(params(("id" = String, Path, description = "the email")), responses((status = 200, body = outbox::MessageDetail), (status = 409, body = crate::error::Problem)), security(("bearer" = [])))]
#[post("/outbox/{id}/resend")]
pub async fn resend(
    state: Data,
    staff: Staff,
    id: web::Path<MessageId>,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::may_operate)?;
    let actor = staff.actor();
    let id = id.into_inner();
    let found = write(&state, move |conn, now| {
        outbox::resend(conn, &actor, now, &id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(found))
}
