//! The start and end surveys over JSON: staff define them and read the results, applicants
//! answer through their status link.

use super::auth::Staff;
use super::rate_limit::Public;
use super::{parse_json, read, write, Data};
use crate::domain::ids::CampaignId;
use crate::domain::role::Role;
use crate::domain::secret::LinkSecret;
use crate::domain::survey::{Definition, SurveyKind};
use crate::error::ApiError;
use crate::service::surveys::{self, results as tally};
use actix_web::http::header::{ContentDisposition, DispositionParam, DispositionType};
use actix_web::{get, post, put, web, HttpResponse};
use serde::Deserialize;
use std::collections::BTreeMap;

/// A kind from the path; any other word names no survey.
pub fn kind_of(raw: &str) -> Result<SurveyKind, ApiError> {
    raw.parse()
        .map_err(|_| ApiError::NotFound("survey not found".into()))
}

/// The campaign and the survey kind a path names.
fn campaign_kind(
    path: web::Path<(CampaignId, String)>,
) -> Result<(CampaignId, SurveyKind), ApiError> {
    let (campaign, kind) = path.into_inner();
    Ok((campaign, kind_of(&kind)?))
}

/// Sets a survey's title and questions (admin, secretariat); 409 once an office answered and
/// the questions would change.
#[utoipa::path(
    params(("id" = String, Path, description = "the campaign"), ("kind" = SurveyKind, Path, description = "start or end")),
    request_body = Definition,
    responses((status = 200, body = surveys::SurveyView), (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)),
    security(("bearer" = []))
)]
#[put("/campaigns/{id}/surveys/{kind}")]
pub async fn define(
    state: Data,
    staff: Staff,
    path: web::Path<(CampaignId, String)>,
    body: super::JsonBody,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::may_operate)?;
    let (campaign, kind) = campaign_kind(path)?;
    let input: Definition = parse_json(&body)?;
    let actor = staff.actor();
    let view = write(&state, move |conn, now| {
        surveys::define(conn, &actor, now, &campaign, kind, &input)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// A survey's questions (no auth: applicants read them).
#[utoipa::path(
    params(("id" = String, Path, description = "the campaign"), ("kind" = SurveyKind, Path, description = "start or end")),
    responses((status = 200, body = surveys::SurveyView), (status = 404, body = crate::error::Problem))
)]
#[get("/campaigns/{id}/surveys/{kind}")]
pub async fn get(
    state: Data,
    _: Public,
    path: web::Path<(CampaignId, String)>,
) -> Result<HttpResponse, ApiError> {
    let (campaign, kind) = campaign_kind(path)?;
    let view = read(&state, move |conn| surveys::get(conn, &campaign, kind)).await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ResultsQuery {
    /// `json` (default), `csv` (one row per answered office; UTF-8 with BOM, CRLF) or `xlsx`.
    pub format: Option<String>,
}

#[derive(Clone, Copy)]
enum Format {
    Json,
    Csv,
    Xlsx,
}

fn attachment(name: String) -> ContentDisposition {
    ContentDisposition {
        disposition: DispositionType::Attachment,
        parameters: vec![DispositionParam::Filename(name)],
    }
}

/// A survey's results (staff): offices that answered and offices expected, counts per
/// answer, the mean of scales, free texts; or the answers as CSV or a workbook.
#[utoipa::path(
    params(("id" = String, Path, description = "the campaign"), ("kind" = SurveyKind, Path, description = "start or end"), ResultsQuery),
    responses((status = 200, body = tally::ResultsView, description = "JSON, or with `format` a CSV or XLSX file"), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)),
    security(("bearer" = []))
)]
#[get("/campaigns/{id}/surveys/{kind}/results")]
pub async fn results(
    state: Data,
    _signed_in: Staff,
    path: web::Path<(CampaignId, String)>,
    query: web::Query<ResultsQuery>,
) -> Result<HttpResponse, ApiError> {
    let (campaign, kind) = campaign_kind(path)?;
    let format = super::choice(
        "format",
        query.format.as_deref(),
        Format::Json,
        &[
            (&["json"], Format::Json),
            (&["csv"], Format::Csv),
            (&["xlsx"], Format::Xlsx),
        ],
    )?;
    let name = format!("survey-{kind}-{campaign}");
    match format {
        Format::Json => {
            let view = read(&state, move |conn| tally::results(conn, &campaign, kind)).await?;
            Ok(HttpResponse::Ok().json(view))
        }
        Format::Csv => {
            let bytes = read(&state, move |conn| tally::csv(conn, &campaign, kind)).await?;
            Ok(HttpResponse::Ok()
                .content_type("text/csv; charset=utf-8")
                .insert_header(attachment(format!("{name}.csv")))
                .body(bytes))
        }
        Format::Xlsx => {
            let bytes = read(&state, move |conn| tally::xlsx(conn, &campaign, kind)).await?;
            Ok(HttpResponse::Ok()
                .content_type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
                .insert_header(attachment(format!("{name}.xlsx")))
                .body(bytes))
        }
    }
}

/// A bar chart per question of a survey's results, as SVG (staff).
#[utoipa::path(
    params(("id" = String, Path, description = "the campaign"), ("kind" = SurveyKind, Path, description = "start or end")),
    responses((status = 200, content_type = "image/svg+xml", description = "the chart"), (status = 404, body = crate::error::Problem)),
    security(("bearer" = []))
)]
#[get("/campaigns/{id}/surveys/{kind}/results.svg")]
pub async fn chart(
    state: Data,
    _signed_in: Staff,
    path: web::Path<(CampaignId, String)>,
) -> Result<HttpResponse, ApiError> {
    let (campaign, kind) = campaign_kind(path)?;
    let svg = read(&state, move |conn| tally::svg(conn, &campaign, kind)).await?;
    Ok(HttpResponse::Ok()
        .content_type("image/svg+xml; charset=utf-8")
        .body(svg))
}

/// An office's answers, as the JSON endpoint takes them.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerBody {
    pub office_number: String,
    /// By question key: an option's text, a list of options, a text, `true`/`false`, or 1–5.
    #[schema(value_type = Object)]
    pub answers: BTreeMap<String, serde_json::Value>,
}

/// An office of the application answers a survey through the status link (no auth); answering
/// again replaces the answer while the survey is open. Sets the office's checkpoint.
#[utoipa::path(
    params(("secret" = String, Path, description = "the status link's secret"), ("kind" = SurveyKind, Path, description = "start or end")),
    request_body = AnswerBody,
    responses((status = 201, body = surveys::AnswerView), (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem))
)]
#[post("/status/{secret}/surveys/{kind}")]
pub async fn answer(
    state: Data,
    _: Public,
    path: web::Path<(LinkSecret, String)>,
    body: super::JsonBody,
) -> Result<HttpResponse, ApiError> {
    let (secret, kind) = path.into_inner();
    let secret = secret.into_secret();
    let kind = kind_of(&kind)?;
    let input: AnswerBody = parse_json(&body)?;
    let view = write(&state, move |conn, now| {
        surveys::answer(
            conn,
            now,
            &secret,
            kind,
            &input.office_number,
            &input.answers,
        )
    })
    .await?;
    Ok(HttpResponse::Created().json(view))
}
