//! The audit trail, for every staff role.

use super::auth::Staff;
use super::{read, Data, PageQuery};
use crate::domain::ids::CampaignId;
use crate::domain::role::Role;
use crate::error::ApiError;
use crate::service::audit;
use actix_web::{get, web, HttpResponse};
use serde::Deserialize;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct AuditQuery {
    pub campaign_id: Option<CampaignId>,
}

/// Every change, oldest first: who, when, what, before and after.
#[utoipa::path(params(AuditQuery, PageQuery), responses((status = 200, description = "a page of audit events")), security(("bearer" = [])))]
#[get("/audit-events")]
pub async fn list(
    state: Data,
    staff: Staff,
    query: web::Query<AuditQuery>,
    paging: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::may_read)?;
    let query = query.into_inner();
    let page = paging.page()?;
    let events = read(&state, move |conn| {
        audit::list(conn, query.campaign_id.as_ref(), page)
    })
    .await?;
    Ok(HttpResponse::Ok().json(events))
}
