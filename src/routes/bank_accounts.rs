//! Where money goes: each office's bank account and the campaign's paying account. Numbers are
//! whole for those who run the campaign and masked for auditors.

use super::auth::Staff;
use super::{parse_json, read, write, Data};
use crate::domain::bank::{AccountInput, PayerInput};
use crate::domain::ids::CampaignId;
use crate::domain::role::Role;
use crate::error::ApiError;
use crate::service::bank_accounts;
use actix_web::{get, put, web, HttpResponse};

/// Sets where an accepted office is paid (admin, secretariat). Full-width katakana or hiragana
/// is converted to what banks take; anything else is 422 naming the field.
#[utoipa::path(request_body = AccountInput, responses((status = 200, body = bank_accounts::AccountView), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)), security(("bearer" = [])))]
#[put("/campaigns/{id}/participants/{office_number}/bank-account")]
pub async fn put_account(
    state: Data,
    staff: Staff,
    path: web::Path<(CampaignId, String)>,
    body: super::JsonBody,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::may_operate)?;
    let input: AccountInput = parse_json(&body)?;
    let (campaign, office) = path.into_inner();
    let actor = staff.actor();
    let view = write(&state, move |conn, now| {
        bank_accounts::put_account(conn, &actor, now, &campaign, &office, &input)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// An office's bank account; the number masked for auditors (staff).
#[utoipa::path(responses((status = 200, body = bank_accounts::AccountView), (status = 404, body = crate::error::Problem)), security(("bearer" = [])))]
#[get("/campaigns/{id}/participants/{office_number}/bank-account")]
pub async fn get_account(
    state: Data,
    staff: Staff,
    path: web::Path<(CampaignId, String)>,
) -> Result<HttpResponse, ApiError> {
    let reveal = Role::may_operate(staff.role);
    let (campaign, office) = path.into_inner();
    let view = read(&state, move |conn| {
        bank_accounts::get_account(conn, &campaign, &office, reveal)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Sets the campaign's paying account and bank requester code (admin, secretariat).
#[utoipa::path(params(("id" = String, Path, description = "the campaign")), request_body = PayerInput, responses((status = 200, body = bank_accounts::PayerView), (status = 422, body = crate::error::Problem)), security(("bearer" = [])))]
#[put("/campaigns/{id}/payer")]
pub async fn put_payer(
    state: Data,
    staff: Staff,
    id: web::Path<CampaignId>,
    body: super::JsonBody,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::may_operate)?;
    let input: PayerInput = parse_json(&body)?;
    let campaign = id.into_inner();
    let actor = staff.actor();
    let view = write(&state, move |conn, now| {
        bank_accounts::put_payer(conn, &actor, now, &campaign, &input)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// The campaign's paying account; the number masked for auditors (staff).
#[utoipa::path(params(("id" = String, Path, description = "the campaign")), responses((status = 200, body = bank_accounts::PayerView), (status = 404, body = crate::error::Problem)), security(("bearer" = [])))]
#[get("/campaigns/{id}/payer")]
pub async fn get_payer(
    state: Data,
    staff: Staff,
    id: web::Path<CampaignId>,
) -> Result<HttpResponse, ApiError> {
    let reveal = Role::may_operate(staff.role);
    let campaign = id.into_inner();
    let view = read(&state, move |conn| {
        bank_accounts::get_payer(conn, &campaign, reveal)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}
