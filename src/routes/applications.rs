//! Applications: public intake and status link, staff lists and actions.

use super::auth::Staff;
use super::rate_limit::Public;
use super::{idempotency_key, parse_json, read, write, write_as, Data, PageQuery};
use crate::domain::application::ApplicationInput;
use crate::domain::ids::{ApplicationId, CampaignId};
use crate::domain::role::Role;
use crate::domain::secret::LinkSecret;
use crate::domain::staff_input::Search;
use crate::error::ApiError;
use crate::service::applications::{self, ApplicationView, Exit, Leaving, ListFilter};
use crate::service::intake::Job;
use crate::service::Actor;
use actix_web::{get, patch, post, web, HttpRequest, HttpResponse};
use serde::Deserialize;

/// Applies to a campaign (no auth). 201 whether accepted or waitlisted; `status` says which.
#[utoipa::path(
    request_body = ApplicationInput,
    params(("id" = String, Path, description = "the campaign"), ("Idempotency-Key" = Option<String>, Header, description = "a double-clicked submit creates one application")),
    responses(
        (status = 201, body = ApplicationView),
        (status = 404, body = crate::error::Problem),
        (status = 409, description = "campaign not open, or an office already takes part", body = crate::error::Problem),
        (status = 422, body = crate::error::Problem)
    )
)]
#[post("/campaigns/{id}/applications")]
pub async fn submit(
    state: Data,
    _: Public,
    req: HttpRequest,
    id: web::Path<CampaignId>,
    body: super::JsonBody,
) -> Result<HttpResponse, ApiError> {
    let campaign_id = id.into_inner();
    let input: ApplicationInput = parse_json(&body)?;
    let key = idempotency_key(&req, &format!("public:{campaign_id}"), &body)?;
    let created = super::intake(&state, campaign_id, Job { input, key }).await??;
    Ok(super::respond(created))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ApplicationQuery {
    /// accepted, waitlisted, withdrawn or disqualified.
    pub status: Option<String>,
    /// general_single, general_pair or model.
    pub tier: Option<String>,
    /// true or false.
    #[param(value_type = Option<bool>)]
    pub needs_review: Option<String>,
    /// An office number (full-width digits and hyphens read as digits), or part of an
    /// office's, corporation's or contact's name.
    pub q: Option<String>,
}

/// A campaign's applications in arrival order (staff).
#[utoipa::path(params(("id" = String, Path, description = "the campaign"), ApplicationQuery, PageQuery), responses((status = 200, description = "a page of applications")), security(("bearer" = [])))]
#[get("/campaigns/{id}/applications")]
pub async fn list(
    state: Data,
    _signed_in: Staff,
    id: web::Path<CampaignId>,
    query: web::Query<ApplicationQuery>,
    paging: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let page = paging.page()?;
    let filter = ListFilter {
        status: super::filter("status", q.status)?,
        tier: super::filter("tier", q.tier)?,
        needs_review: super::flag("needs_review", q.needs_review)?,
        q: q.q.as_deref().and_then(Search::parse),
    };
    let id = id.into_inner();
    let store = state.store.clone();
    let found = read(&state, move |conn| {
        applications::list(conn, &id, &filter, page, |conn| {
            store.application_total(conn, &id, &filter)
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(found))
}

/// The offices of accepted applications (staff).
#[utoipa::path(params(("id" = String, Path, description = "the campaign"), PageQuery), responses((status = 200, description = "a page of participants")), security(("bearer" = [])))]
#[get("/campaigns/{id}/participants")]
pub async fn participants(
    state: Data,
    _signed_in: Staff,
    id: web::Path<CampaignId>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = query.page()?;
    let id = id.into_inner();
    let found = read(&state, move |conn| {
        applications::participants(conn, &id, page)
    })
    .await?;
    Ok(HttpResponse::Ok().json(found))
}

/// One application (staff).
#[utoipa::path(params(("id" = String, Path, description = "the application")), responses((status = 200, body = ApplicationView), (status = 404, body = crate::error::Problem)), security(("bearer" = [])))]
#[get("/applications/{id}")]
pub async fn get(
    state: Data,
    _signed_in: Staff,
    id: web::Path<ApplicationId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let found = read(&state, move |conn| applications::get(conn, &id)).await?;
    Ok(HttpResponse::Ok().json(found))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonBody {
    pub reason: Option<String>,
}

fn reason_of(body: &[u8]) -> Result<Option<String>, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    Ok(parse_json::<ReasonBody>(body)?.reason)
}

async fn leave(
    state: Data,
    actor: Actor,
    id: ApplicationId,
    exit: Exit,
    body: &[u8],
) -> Result<HttpResponse, ApiError> {
    let reason = reason_of(body)?;
    let view = write_as(&state, actor, move |uc| {
        let leaving = Leaving {
            application_id: &id,
            exit,
            reason: reason.as_deref(),
        };
        applications::leave(uc, leaving)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Withdraws an application (admin, secretariat); its slots go to the waiting list.
#[utoipa::path(params(("id" = String, Path, description = "the application")), request_body = ReasonBody, responses((status = 200, body = ApplicationView), (status = 409, body = crate::error::Problem)), security(("bearer" = [])))]
#[post("/applications/{id}/withdraw")]
pub async fn withdraw(
    state: Data,
    staff: Staff,
    id: web::Path<ApplicationId>,
    body: super::JsonBody,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::may_operate)?;
    leave(state, staff.actor(), id.into_inner(), Exit::Withdraw, &body).await
}

/// Disqualifies an application (admin, secretariat); needs a `reason`. Its offices may not
/// apply again.
#[utoipa::path(params(("id" = String, Path, description = "the application")), request_body = ReasonBody, responses((status = 200, body = ApplicationView), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)), security(("bearer" = [])))]
#[post("/applications/{id}/disqualify")]
pub async fn disqualify(
    state: Data,
    staff: Staff,
    id: web::Path<ApplicationId>,
    body: super::JsonBody,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::may_operate)?;
    leave(
        state,
        staff.actor(),
        id.into_inner(),
        Exit::Disqualify,
        &body,
    )
    .await
}

/// Voids an application someone made in the name of an office that did not apply (admin,
/// secretariat); needs a `reason`. It leaves the line as a withdrawal does and its offices may
/// apply as themselves.
#[utoipa::path(params(("id" = String, Path, description = "the application")), request_body = ReasonBody, responses((status = 200, body = ApplicationView), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)), security(("bearer" = [])))]
#[post("/applications/{id}/void")]
pub async fn void(
    state: Data,
    staff: Staff,
    id: web::Path<ApplicationId>,
    body: super::JsonBody,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::may_operate)?;
    leave(state, staff.actor(), id.into_inner(), Exit::Void, &body).await
}

/// The applicant's own application through the secret link in their email (no auth).
#[utoipa::path(params(("secret" = String, Path, description = "the status link's secret")), responses((status = 200, body = applications::PublicStatusView), (status = 404, body = crate::error::Problem)))]
#[get("/status/{secret}")]
pub async fn public_status(
    state: Data,
    _: Public,
    secret: web::Path<LinkSecret>,
) -> Result<HttpResponse, ApiError> {
    let secret = secret.into_inner().into_secret();
    let found = read(&state, move |conn| {
        applications::public_status(conn, &secret, crate::clock::now())
    })
    .await?;
    Ok(HttpResponse::Ok().json(found))
}

/// The applicant corrects the contact, names, addresses and emails sent (no auth), until the
/// campaign's deadline while the application takes part; office and corporate numbers stay as
/// sent. Fields left out stay as they are. Audited, and the contact is mailed what changed.
#[utoipa::path(
    params(("secret" = String, Path, description = "the status link's secret")),
    request_body = crate::domain::correction::CorrectionInput,
    responses(
        (status = 200, body = applications::PublicStatusView),
        (status = 404, body = crate::error::Problem),
        (status = 409, description = "corrections are closed: the deadline passed, or the application left the campaign", body = crate::error::Problem),
        (status = 422, body = crate::error::Problem)
    )
)]
#[patch("/status/{secret}")]
pub async fn public_correct(
    state: Data,
    _: Public,
    secret: web::Path<LinkSecret>,
    body: super::JsonBody,
) -> Result<HttpResponse, ApiError> {
    let secret = secret.into_inner().into_secret();
    let input: crate::domain::correction::CorrectionInput = parse_json(&body)?;
    let notifier = state.notifier.clone();
    let found = write(&state, move |conn, now| {
        applications::correct_by_secret(conn, &notifier, now, &secret, &input)?;
        applications::public_status(conn, &secret, now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(found))
}

/// The applicant withdraws through the secret link (no auth).
#[utoipa::path(params(("secret" = String, Path, description = "the status link's secret")), request_body = ReasonBody, responses((status = 200, body = applications::PublicStatusView), (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem)))]
#[post("/status/{secret}/withdraw")]
pub async fn public_withdraw(
    state: Data,
    _: Public,
    secret: web::Path<LinkSecret>,
    body: super::JsonBody,
) -> Result<HttpResponse, ApiError> {
    let secret = secret.into_inner().into_secret();
    let reason = reason_of(&body)?;
    let notifier = state.notifier.clone();
    let found = write(&state, move |conn, now| {
        applications::withdraw_by_secret(conn, &notifier, now, &secret, reason.as_deref())?;
        applications::public_status(conn, &secret, now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(found))
}
