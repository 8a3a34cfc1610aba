//! Campaigns, their public slot counter and the seminar attendee list.

use super::auth::Staff;
use super::rate_limit::Public;
use super::{create_once, idempotency_key, parse_json, read, write_as, Data, PageQuery};
use crate::clock;
use crate::domain::ids::CampaignId;
use crate::domain::role::Role;
use crate::error::ApiError;
use crate::service::campaigns::{self, CampaignInput, CampaignPatch, CampaignView};
use crate::service::UseCase;
use crate::service::{allocation, applications};
use actix_web::{get, patch, post, web, HttpRequest, HttpResponse};

/// Creates a campaign (admin).
#[utoipa::path(
    request_body = CampaignInput,
    params(("Idempotency-Key" = Option<String>, Header, description = "replays the first response")),
    responses((status = 201, body = CampaignView), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)),
    security(("bearer" = []))
)]
#[post("/campaigns")]
pub async fn create(
    state: Data,
    staff: Staff,
    req: HttpRequest,
    body: super::JsonBody,
) -> Result<HttpResponse, ApiError> {
    staff.require(|r| r == Role::Admin)?;
    let input: CampaignInput = parse_json(&body)?;
    let key = idempotency_key(&req, staff.caller(), &body)?;
    let actor = staff.actor();
    create_once(&state, key, move |conn, now| {
        campaigns::create(conn, &actor, now, &input)
    })
    .await
}

/// Lists campaigns, newest opening first.
#[utoipa::path(params(PageQuery), responses((status = 200, description = "a page of campaigns")), security(("bearer" = [])))]
#[get("/campaigns")]
pub async fn list(
    state: Data,
    _signed_in: Staff,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = query.page()?;
    let found = read(&state, move |conn| {
        campaigns::list(conn, page, clock::now())
    })
    .await?;
    Ok(HttpResponse::Ok().json(found))
}

/// One campaign with its deadline history.
#[utoipa::path(params(("id" = String, Path, description = "the campaign")), responses((status = 200, body = CampaignView), (status = 404, body = crate::error::Problem)), security(("bearer" = [])))]
#[get("/campaigns/{id}")]
pub async fn get(
    state: Data,
    _signed_in: Staff,
    id: web::Path<CampaignId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let found = read(&state, move |conn| campaigns::get(conn, &id, clock::now())).await?;
    Ok(HttpResponse::Ok().json(found))
}

/// Changes a campaign (admin, secretariat). A deadline change needs a `reason` and is kept in
/// `deadline_history`; slots may rise (waiting applications that now fit are promoted) but not
/// fall below those taken; honoraria are fixed once the campaign has opened.
#[utoipa::path(params(("id" = String, Path, description = "the campaign")), 
    request_body = CampaignPatch,
    responses((status = 200, body = CampaignView), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)),
    security(("bearer" = []))
)]
#[patch("/campaigns/{id}")]
pub async fn update(
    state: Data,
    staff: Staff,
    id: web::Path<CampaignId>,
    body: super::JsonBody,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::may_operate)?;
    let patch: CampaignPatch = parse_json(&body)?;
    let actor = staff.actor();
    let id = id.into_inner();
    let updated = write_as(&state, actor, move |uc| campaigns::update(uc, &id, &patch)).await?;
    Ok(HttpResponse::Ok().json(updated))
}

/// The public slot counter (no auth). Caps count offices; `waitlisted` counts applications.
#[utoipa::path(params(("id" = String, Path, description = "the campaign")), responses((status = 200, body = allocation::SlotsView), (status = 404, body = crate::error::Problem)))]
#[get("/campaigns/{id}/slots")]
pub async fn slots(
    state: Data,
    _: Public,
    id: web::Path<CampaignId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let store = state.store.clone();
    let counter = read(&state, move |conn| {
        let campaign = campaigns::find(conn, &id)?;
        let counts = store.slot_counts(conn, &campaign.id)?;
        Ok(allocation::slots(&campaign, counts, clock::now()))
    })
    .await?;
    Ok(HttpResponse::Ok().json(counter))
}

/// Adds seminar attendees from a CSV body with an office number column (admin, secretariat).
#[utoipa::path(params(("id" = String, Path, description = "the campaign")), 
    request_body(content = String, content_type = "text/csv"),
    responses((status = 201, body = applications::AttendeeImport), (status = 422, body = crate::error::Problem)),
    security(("bearer" = []))
)]
#[post("/campaigns/{id}/seminar-attendees")]
pub async fn import_attendees(
    state: Data,
    staff: Staff,
    req: HttpRequest,
    id: web::Path<CampaignId>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::may_operate)?;
    let body = super::read_body(payload, super::MAX_CSV_BYTES).await?;
    let key = idempotency_key(&req, staff.caller(), &body)?;
    let actor = staff.actor();
    let id = id.into_inner();
    let notifier = state.notifier.clone();
    let attendees = super::blocking(move || applications::parse_attendees(&body)).await?;
    create_once(&state, key, move |conn, now| {
        applications::import_attendees(
            UseCase {
                conn,
                notifier: &notifier,
                actor: &actor,
                now,
            },
            &id,
            &attendees,
        )
    })
    .await
}
