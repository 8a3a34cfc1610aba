//! Office registers and the campaign's outcome: its figures as JSON or CSV, and its chart.

use super::auth::Staff;
use super::body_stream::consume_body;
use super::year_end::{as_of, AsOfQuery};
use super::{attachment, read, write, Data};
use crate::domain::ids::CampaignId;
use crate::domain::role::Role;
use crate::domain::{jst, FieldError};
use crate::error::ApiError;
use crate::formats::chart;
use crate::service::outcome::{self, report, OutcomeView};
use crate::service::{office_registers, ServiceError};
use actix_web::{get, post, web, HttpResponse};
use chrono::NaiveDate;
use serde::Deserialize;

/// A national register is larger than a usage list: one row per office and service type,
/// with names and addresses; read as it arrives, so the limit bounds time, not memory.
pub const MAX_REGISTER_BYTES: usize = 256 << 20;

/// Imports a register of long-term-care offices as of `as_of` (admin, secretariat), as the
/// national open data publishes it: UTF-8 (with or without BOM) or Shift_JIS, a header row
/// (under at most 9 title lines) with `事業所番号` (`office_number`), `事業所名` (`name`),
/// `サービスの種類` (`service_type`), `市区町村コード` or `都道府県コード又は市町村コード`
/// (`municipality_code`, 5 digits or 6 with the check digit), optionally `法人番号`
/// (`corporate_number`), `法人の名称` (`corporation_name`), `住所` (`address`); other columns
/// ignored. An office listed under several service types is one office, a care-management
/// office when any of its rows is 居宅介護支援. Each bad row is reported with its line (the
/// first 1,000; `invalid_row_count` counts all) and the rest kept. Registers accumulate: the
/// outcome reads the latest on or before a day. 422 naming `as_of` or `body` (a missing
/// column), stores nothing.
#[utoipa::path(
    params(AsOfQuery),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 201, body = office_registers::RegisterView), (status = 413, body = crate::error::Problem), (status = 422, body = crate::error::Problem)),
    security(("bearer" = []))
)]
#[post("/office-registers")]
pub async fn import_register(
    state: Data,
    staff: Staff,
    query: web::Query<AsOfQuery>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::may_operate)?;
    let as_of = as_of(query.into_inner().as_of)?;
    let parsed = consume_body(payload, MAX_REGISTER_BYTES, office_registers::parse).await?;
    let actor = staff.actor();
    let view = write(&state, move |conn, now| {
        office_registers::import(conn, &actor, now, as_of, &parsed)
    })
    .await?;
    Ok(HttpResponse::Created().json(view))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct OutcomeQuery {
    /// `json` (default) or `csv` (UTF-8 with BOM, CRLF, one row per figure).
    pub format: Option<String>,
    /// Counts the region's offices in the latest register on or before this day,
    /// `YYYY-MM-DD`; default today in Japan.
    #[param(value_type = Option<NaiveDate>)]
    pub register_as_of: Option<String>,
}

fn register_day(value: Option<String>) -> Result<NaiveDate, ApiError> {
    let Some(value) = value else {
        return Ok(jst::date_of(crate::clock::now()));
    };
    value
        .parse()
        .map_err(|_| "must be a date like 2024-04-01".to_owned())
        .and_then(|d| jst::supported(d).map_err(|e| e.to_string()))
        .map_err(|message| ApiError::Invalid(vec![FieldError::new("register_as_of", message)]))
}

async fn outcome_of(
    state: &Data,
    id: CampaignId,
    register_as_of: Option<String>,
) -> Result<OutcomeView, ApiError> {
    let day = register_day(register_as_of)?;
    read(state, move |conn| outcome::outcome(conn, &id, day)).await
}

/// The campaign's outcome (staff): the region's offices (the register's offices whose
/// municipality is the campaign's `region_code`) and, for each usage list of the campaign by
/// its `as_of` (the latest import per day), how many use the system and the rate (a fraction
/// rounded half up to 4 places: 4 of 188 is 0.0213); the same by office kind and for the
/// offices taking part now against the rest; corporations with two or more offices in the
/// region; new adopters (in the last list, not in the first); approved payouts and the cost
/// per new adopter (rounded half up to the yen; null without new adopters). Every figure
/// names its register and list by id, `as_of` and SHA-256. 409 without a register or without
/// a usage list.
#[utoipa::path(
    params(("id" = String, Path, description = "the campaign"), OutcomeQuery),
    responses((status = 200, description = "the figures; `format=csv` gives them as text/csv", content((OutcomeView = "application/json"), (String = "text/csv"))), (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)),
    security(("bearer" = []))
)]
#[get("/campaigns/{id}/outcome")]
pub async fn get_outcome(
    state: Data,
    _signed_in: Staff,
    id: web::Path<CampaignId>,
    query: web::Query<OutcomeQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let csv = super::choice(
        "format",
        query.format.as_deref(),
        false,
        &[(&["json"], false), (&["csv"], true)],
    )?;
    let id = id.into_inner();
    let view = outcome_of(&state, id.clone(), query.register_as_of).await?;
    if !csv {
        return Ok(HttpResponse::Ok().json(view));
    }
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(attachment(format!("outcome-{id}.csv")))
        .body(report::csv(&view)))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ChartQuery {
    /// As for the outcome: the register counted is the latest on or before this day.
    #[param(value_type = Option<NaiveDate>)]
    pub register_as_of: Option<String>,
}

/// The chart drawn by `draw` on the blocking pool, answered as `content_type`.
async fn chart(
    state: &Data,
    id: CampaignId,
    query: ChartQuery,
    draw: fn(&chart::Chart) -> Result<Vec<u8>, chart::ChartError>,
    content_type: &'static str,
) -> Result<HttpResponse, ApiError> {
    let view = outcome_of(state, id, query.register_as_of).await?;
    let chart = report::chart(&view);
    let drawn =
        super::blocking(move || draw(&chart).map_err(|e| ServiceError::Format(e.to_string())))
            .await?;
    Ok(HttpResponse::Ok().content_type(content_type).body(drawn))
}

/// The adoption rate over time as SVG (staff): the region, the offices taking part and the
/// rest, one line each, with Japanese labels in a font-family list that starts with the Noto
/// font the PNG embeds.
#[utoipa::path(
    params(("id" = String, Path, description = "the campaign"), ChartQuery),
    responses((status = 200, content_type = "image/svg+xml", description = "the chart"), (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)),
    security(("bearer" = []))
)]
#[get("/campaigns/{id}/outcome.svg")]
pub async fn outcome_svg(
    state: Data,
    _signed_in: Staff,
    id: web::Path<CampaignId>,
    query: web::Query<ChartQuery>,
) -> Result<HttpResponse, ApiError> {
    let svg = |c: &chart::Chart| chart::svg(c).map(String::into_bytes);
    chart(
        &state,
        id.into_inner(),
        query.into_inner(),
        svg,
        "image/svg+xml; charset=utf-8",
    )
    .await
}

/// The same chart as PNG (staff), drawn with a Japanese font built into the service, so it
/// looks the same wherever it is made.
#[utoipa::path(
    params(("id" = String, Path, description = "the campaign"), ChartQuery),
    responses((status = 200, content_type = "image/png", description = "the chart"), (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)),
    security(("bearer" = []))
)]
#[get("/campaigns/{id}/outcome.png")]
pub async fn outcome_png(
    state: Data,
    _signed_in: Staff,
    id: web::Path<CampaignId>,
    query: web::Query<ChartQuery>,
) -> Result<HttpResponse, ApiError> {
    chart(
        &state,
        id.into_inner(),
        query.into_inner(),
        chart::png,
        "image/png",
    )
    .await
}
