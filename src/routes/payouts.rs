//! Payout batches: drafted, cancelled or approved by a second person.

use super::auth::Staff;
use super::{create_once, idempotency_key, parse_json, read, write, write_as, Data, PageQuery};
use crate::domain::ids::BatchId;
use crate::domain::ids::CampaignId;
use crate::domain::role::Role;
use crate::error::ApiError;
use crate::service::payouts::{self, BatchInput, BatchView, LineView};
use crate::service::Paged;
use actix_web::{get, post, web, HttpRequest, HttpResponse};

/// Drafts a batch from the campaign's latest year-end check (admin, secretariat): one line per
/// office owed something. Once a batch is approved, a further one names it in `corrects` and
/// carries only the difference per office.
#[utoipa::path(
    request_body = BatchInput,
    params(("id" = String, Path, description = "the campaign"), ("Idempotency-Key" = Option<String>, Header, description = "replays the first response")),
    responses((status = 201, body = BatchView), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)),
    security(("bearer" = []))
)]
#[post("/campaigns/{id}/payout-batches")]
pub async fn create(
    state: Data,
    staff: Staff,
    req: HttpRequest,
    id: web::Path<CampaignId>,
    body: super::JsonBody,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::may_operate)?;
    let input: BatchInput = parse_json(&body)?;
    let key = idempotency_key(&req, staff.caller(), &body)?;
    let actor = staff.actor();
    let campaign = id.into_inner();
    create_once(&state, key, move |conn, now| {
        payouts::create(conn, &actor, now, &campaign, &input)
    })
    .await
}

/// A campaign's batches, oldest first, without their lines (staff).
#[utoipa::path(params(("id" = String, Path, description = "the campaign")), responses((status = 200, body = Vec<BatchView>)), security(("bearer" = [])))]
#[get("/campaigns/{id}/payout-batches")]
pub async fn list(
    state: Data,
    _signed_in: Staff,
    id: web::Path<CampaignId>,
) -> Result<HttpResponse, ApiError> {
    let campaign = id.into_inner();
    let batches = read(&state, move |conn| payouts::list(conn, &campaign)).await?;
    Ok(HttpResponse::Ok().json(batches))
}

/// One batch with its lines, inline up to 1,000 lines (staff).
#[utoipa::path(params(("id" = String, Path, description = "the payout batch")), responses((status = 200, body = BatchView), (status = 404, body = crate::error::Problem)), security(("bearer" = [])))]
#[get("/payout-batches/{id}")]
pub async fn get(
    state: Data,
    _signed_in: Staff,
    id: web::Path<BatchId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let batch = read(&state, move |conn| payouts::get(conn, &id)).await?;
    Ok(HttpResponse::Ok().json(batch))
}

/// A page of a batch's lines, in office-number order (staff).
#[utoipa::path(
    params(("id" = String, Path, description = "the payout batch"), PageQuery),
    responses((status = 200, body = Paged<LineView>), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)),
    security(("bearer" = []))
)]
#[get("/payout-batches/{id}/lines")]
pub async fn lines(
    state: Data,
    _signed_in: Staff,
    id: web::Path<BatchId>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = query.page()?;
    let id = id.into_inner();
    let found = read(&state, move |conn| payouts::lines(conn, &id, page)).await?;
    Ok(HttpResponse::Ok().json(found))
}

/// Cancels a draft (admin, secretariat); an approved batch: 409.
#[utoipa::path(params(("id" = String, Path, description = "the payout batch")), responses((status = 200, body = BatchView), (status = 409, body = crate::error::Problem)), security(("bearer" = [])))]
#[post("/payout-batches/{id}/cancel")]
pub async fn cancel(
    state: Data,
    staff: Staff,
    id: web::Path<BatchId>,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::may_operate)?;
    let actor = staff.actor();
    let id = id.into_inner();
    let batch = write(&state, move |conn, now| {
        payouts::cancel(conn, &actor, now, &id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(batch))
}

/// Approves a draft (admin, secretariat): by its author 403, again 409. From then on the batch
/// never changes, and each office is mailed its payout.
#[utoipa::path(params(("id" = String, Path, description = "the payout batch")), responses((status = 200, body = BatchView), (status = 403, body = crate::error::Problem), (status = 409, body = crate::error::Problem)), security(("bearer" = [])))]
#[post("/payout-batches/{id}/approve")]
pub async fn approve(
    state: Data,
    staff: Staff,
    id: web::Path<BatchId>,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::may_operate)?;
    let actor = staff.actor();
    let id = id.into_inner();
    let batch = write_as(&state, actor, move |uc| payouts::approve(uc, &id)).await?;
    Ok(HttpResponse::Ok().json(batch))
}
