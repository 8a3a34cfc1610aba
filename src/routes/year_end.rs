//! The year end: checkpoints, usage lists, the check, result mails and reminders.

use super::auth::Staff;
use super::body_stream::consume_body;
use super::{
    create_once, idempotency_key, parse_json, read, write, write_as, Data, PageQuery, MAX_CSV_BYTES,
};
use crate::domain::checkpoint::CheckpointPatch;
use crate::domain::ids::CampaignId;
use crate::domain::ids::CheckId;
use crate::domain::refusal::Refusal;
use crate::domain::role::Role;
use crate::domain::FieldError;
use crate::error::ApiError;
use crate::service::{checkpoints, usage_lists, year_end};
use actix_web::{get, patch, post, web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use serde::Deserialize;

/// Changes an accepted office's checkpoints (admin, secretariat). Absent fields stay; `null`
/// clears a date or an attestation.
#[utoipa::path(
    request_body = CheckpointPatch,
    responses((status = 200, body = checkpoints::CheckpointsView), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)),
    security(("bearer" = []))
)]
#[patch("/campaigns/{id}/participants/{office_number}/checkpoints")]
pub async fn patch_checkpoints(
    state: Data,
    staff: Staff,
    path: web::Path<(CampaignId, String)>,
    body: super::JsonBody,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::may_operate)?;
    let input: CheckpointPatch = parse_json(&body)?;
    let (campaign, office) = path.into_inner();
    let actor = staff.actor();
    let view = write(&state, move |conn, now| {
        checkpoints::patch(conn, &actor, now, &campaign, &office, &input)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Changes many offices' checkpoints from a CSV with an office number column and any of
/// `usage_started_on`, `start_survey_answered`, `end_survey_answered`,
/// `workflow_change_confirmed`, `linkage_confirmed`, `continued_use_attested_reason` (admin,
/// secretariat). Empty cells change nothing; each bad row is reported with its line.
#[utoipa::path(params(("id" = String, Path, description = "the campaign")), 
    request_body(content = String, content_type = "text/csv"),
    responses((status = 200, body = checkpoints::SheetResult), (status = 422, body = crate::error::Problem)),
    security(("bearer" = []))
)]
#[post("/campaigns/{id}/checkpoints")]
pub async fn upload_checkpoints(
    state: Data,
    staff: Staff,
    id: web::Path<CampaignId>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::may_operate)?;
    let body = super::read_body(payload, MAX_CSV_BYTES).await?;
    let sheet = super::blocking(move || checkpoints::parse_sheet(&body)).await?;
    let actor = staff.actor();
    let campaign = id.into_inner();
    let result = write(&state, move |conn, now| {
        checkpoints::upload(conn, &actor, now, &campaign, &sheet)
    })
    .await?;
    Ok(HttpResponse::Ok().json(result))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct AsOfQuery {
    /// The day the list says offices were using the system, `YYYY-MM-DD`.
    #[param(value_type = NaiveDate)]
    pub as_of: Option<String>,
}

/// A required `as_of` (a query parameter, or the console's upload field): a date within the
/// supported years.
pub(crate) fn as_of(value: Option<String>) -> Result<NaiveDate, ApiError> {
    let invalid = |refusal: Refusal| ApiError::Invalid(vec![FieldError::new("as_of", refusal)]);
    let value = value
        .filter(|v| !v.trim().is_empty())
        .ok_or(invalid(Refusal::Required))?;
    let date = value
        .trim()
        .parse()
        .map_err(|_| invalid(Refusal::NotADate))?;
    crate::domain::jst::supported(date).map_err(|e| invalid(e.into()))
}

/// Imports a usage list: offices using the system as of `as_of` (admin, secretariat). UTF-8
/// (with or without BOM) or Shift_JIS; a header row with `office_number` (or a name containing
/// 事業所番号) within the first 10 non-blank lines; other columns ignored. Read as it arrives;
/// each bad row reported with its line.
#[utoipa::path(
    params(("id" = String, Path, description = "the campaign"), AsOfQuery),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 201, body = usage_lists::UsageListView), (status = 413, body = crate::error::Problem), (status = 422, body = crate::error::Problem)),
    security(("bearer" = []))
)]
#[post("/campaigns/{id}/usage-lists")]
pub async fn import_usage_list(
    state: Data,
    staff: Staff,
    id: web::Path<CampaignId>,
    query: web::Query<AsOfQuery>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::may_operate)?;
    let as_of = as_of(query.into_inner().as_of)?;
    let campaign = id.into_inner();
    let known = campaign.clone();
    read(&state, move |conn| {
        crate::service::campaigns::find(conn, &known).map(drop)
    })
    .await?;
    let list = consume_body(payload, MAX_CSV_BYTES, usage_lists::parse).await?;
    let actor = staff.actor();
    let view = write(&state, move |conn, now| {
        usage_lists::import(conn, &actor, now, &campaign, as_of, &list)
    })
    .await?;
    Ok(HttpResponse::Created().json(view))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckInput {
    pub as_of: NaiveDate,
}

/// Runs the year-end check as of a date (admin, secretariat): a verdict for every accepted
/// office with every reason that failed and the amount. A dry run before the end is fine.
#[utoipa::path(
    request_body = CheckInput,
    params(("id" = String, Path, description = "the campaign"), ("Idempotency-Key" = Option<String>, Header, description = "replays the first response")),
    responses((status = 201, body = year_end::CheckView), (status = 409, description = "no usage list as of that day", body = crate::error::Problem)),
    security(("bearer" = []))
)]
#[post("/campaigns/{id}/year-end-checks")]
pub async fn run_check(
    state: Data,
    staff: Staff,
    req: HttpRequest,
    id: web::Path<CampaignId>,
    body: super::JsonBody,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::may_operate)?;
    let input: CheckInput = parse_json(&body)?;
    let key = idempotency_key(&req, staff.caller(), &body)?;
    let actor = staff.actor();
    let campaign = id.into_inner();
    create_once(&state, key, move |conn, now| {
        year_end::run(conn, &actor, now, &campaign, input.as_of)
    })
    .await
}

/// One year-end check with every office's verdict, inline up to 1,000 offices (staff).
#[utoipa::path(params(("id" = String, Path, description = "the year-end check")), responses((status = 200, body = year_end::CheckView), (status = 404, body = crate::error::Problem)), security(("bearer" = [])))]
#[get("/year-end-checks/{id}")]
pub async fn get_check(
    state: Data,
    _signed_in: Staff,
    id: web::Path<CheckId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let check = read(&state, move |conn| year_end::get(conn, &id)).await?;
    Ok(HttpResponse::Ok().json(check))
}

/// A page of a check's results, in office-number order (staff).
#[utoipa::path(
    params(("id" = String, Path, description = "the year-end check"), PageQuery),
    responses((status = 200, body = crate::service::Paged<year_end::ResultView>), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)),
    security(("bearer" = []))
)]
#[get("/year-end-checks/{id}/results")]
pub async fn check_results(
    state: Data,
    _signed_in: Staff,
    id: web::Path<CheckId>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = query.page()?;
    let id = id.into_inner();
    let found = read(&state, move |conn| year_end::results(conn, &id, page)).await?;
    Ok(HttpResponse::Ok().json(found))
}

/// Mails every office of a check its result, once (admin, secretariat).
#[utoipa::path(params(("id" = String, Path, description = "the year-end check")), responses((status = 200, body = year_end::CheckView), (status = 409, description = "mailed already", body = crate::error::Problem)), security(("bearer" = [])))]
#[post("/year-end-checks/{id}/notify")]
pub async fn notify(
    state: Data,
    staff: Staff,
    id: web::Path<CheckId>,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::may_operate)?;
    let actor = staff.actor();
    let id = id.into_inner();
    let check = write_as(&state, actor, move |uc| year_end::notify(uc, &id)).await?;
    Ok(HttpResponse::Ok().json(check))
}

/// Reminds each accepted office with open checkpoints what is missing, at most once a day
/// each (admin, secretariat).
#[utoipa::path(params(("id" = String, Path, description = "the campaign")), responses((status = 200, body = crate::service::reminders::Reminders)), security(("bearer" = [])))]
#[post("/campaigns/{id}/reminders")]
pub async fn remind(
    state: Data,
    staff: Staff,
    id: web::Path<CampaignId>,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::may_operate)?;
    let actor = staff.actor();
    let campaign = id.into_inner();
    let sent = write_as(&state, actor, move |uc| {
        crate::service::reminders::remind(uc, &campaign)
    })
    .await?;
    Ok(HttpResponse::Ok().json(sent))
}
