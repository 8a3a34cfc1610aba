//! API tokens (admin only).

use super::auth::{Staff, Via};
use super::{create_once, idempotency_key, parse_json, read, write, Data, PageQuery};
use crate::domain::ids::TokenId;
use crate::domain::role::Role;
use crate::error::ApiError;
use crate::service::tokens;
use crate::service::Account;
use actix_web::{delete, get, post, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use validator::Validate;

#[derive(Debug, Deserialize, Validate, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    pub role: Role,
    #[validate(length(min = 1, max = 100, message = "must be 1 to 100 characters"))]
    pub name: String,
}

/// Issues a token; its secret is in this response only.
#[utoipa::path(
    request_body = TokenRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "replays the first response")),
    responses((status = 201, body = tokens::CreatedToken), (status = 403, body = crate::error::Problem)),
    security(("bearer" = []))
)]
#[post("/tokens")]
pub async fn create(
    state: Data,
    staff: Staff,
    req: HttpRequest,
    body: super::JsonBody,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::may_manage_tokens)?;
    let input: TokenRequest = parse_json(&body)?;
    input.validate().map_err(crate::routes::validation_errors)?;
    let key = idempotency_key(&req, staff.caller(), &body)?;
    let actor = staff.actor();
    let account = staff.account.clone();
    create_once(&state, key, move |conn, now| {
        tokens::create(
            conn,
            &actor,
            now,
            input.role,
            &input.name,
            tokens::Owner::SameAs(&account),
        )
    })
    .await
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Me {
    /// Whom the caller acts as: a person, or a machine account (no `email`).
    pub person: Account,
    /// How the caller came: `token` or `session` (the console's cookie).
    pub via: &'static str,
}

/// Who the caller is (any staff role).
#[utoipa::path(responses((status = 200, body = Me), (status = 401, body = crate::error::Problem)), security(("bearer" = [])))]
#[get("/me")]
pub async fn me(staff: Staff) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(Me {
        via: match staff.via {
            Via::Token { .. } => "token",
            Via::Session { .. } => "session",
        },
        person: staff.account,
    }))
}

/// Lists tokens, without their secrets.
#[utoipa::path(params(PageQuery), responses((status = 200, description = "a page of tokens")), security(("bearer" = [])))]
#[get("/tokens")]
pub async fn list(
    state: Data,
    staff: Staff,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::may_manage_tokens)?;
    let page = query.page()?;
    let found = read(&state, move |conn| tokens::list(conn, page)).await?;
    Ok(HttpResponse::Ok().json(found))
}

/// Revokes a token; requests with it get 401 from now on.
#[utoipa::path(params(("id" = String, Path, description = "the API token")), responses((status = 200, body = tokens::TokenView), (status = 404, body = crate::error::Problem)), security(("bearer" = [])))]
#[delete("/tokens/{id}")]
pub async fn revoke(
    state: Data,
    staff: Staff,
    id: web::Path<TokenId>,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::may_manage_tokens)?;
    let actor = staff.actor();
    let id = id.into_inner();
    let revoked = write(&state, move |conn, now| {
        tokens::revoke(conn, &actor, now, &id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(revoked))
}
