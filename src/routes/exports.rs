//! Ledgers, the bank transfer file and the reconciliation: what leaves the system about money.

use super::auth::Staff;
use super::{attachment, read, write, Data};
use crate::domain::ids::BatchId;
use crate::domain::ids::CampaignId;
use crate::domain::refusal::Refusal;
use crate::domain::role::Role;
use crate::domain::FieldError;
use crate::error::ApiError;
use crate::service::{ledger, transfers};
use actix_web::{get, web, HttpResponse};
use chrono::NaiveDate;
use serde::Deserialize;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct LedgerQuery {
    /// `utf-8` (default, with BOM) or `shift_jis` for older tools.
    pub encoding: Option<String>,
}

/// A batch's ledger as CSV that Excel opens correctly (staff).
#[utoipa::path(params(("id" = String, Path, description = "the payout batch"), LedgerQuery), responses((status = 200, content_type = "text/csv", description = "one header row, then one row per line"), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)), security(("bearer" = [])))]
#[get("/payout-batches/{id}/ledger.csv")]
pub async fn ledger_csv(
    state: Data,
    _signed_in: Staff,
    id: web::Path<BatchId>,
    query: web::Query<LedgerQuery>,
) -> Result<HttpResponse, ApiError> {
    let shift_jis = super::choice(
        "encoding",
        query.encoding.as_deref(),
        false,
        &[(&["utf-8", "utf8"], false), (&["shift_jis", "sjis"], true)],
    )?;
    let id = id.into_inner();
    let name = format!("ledger-{id}.csv");
    let checked = id.clone();
    read(&state, move |conn| {
        ledger::check_export(conn, &checked, shift_jis)
    })
    .await?;
    let body = super::body_stream::produced(state.store.clone(), move |conn, send| {
        ledger::stream_csv(conn, &id, shift_jis, send)
    });
    let charset = if shift_jis { "Shift_JIS" } else { "utf-8" };
    Ok(HttpResponse::Ok()
        .content_type(format!("text/csv; charset={charset}"))
        .insert_header(attachment(name))
        .streaming(body))
}

/// A batch's ledger as JSON, with the SHA-256 of the CSV ledger (staff).
#[utoipa::path(params(("id" = String, Path, description = "the payout batch")), responses((status = 200, body = ledger::LedgerJson), (status = 404, body = crate::error::Problem)), security(("bearer" = [])))]
#[get("/payout-batches/{id}/ledger.json")]
pub async fn ledger_json(
    state: Data,
    _signed_in: Staff,
    id: web::Path<BatchId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let checked = id.clone();
    read(&state, move |conn| {
        ledger::check_export(conn, &checked, false)
    })
    .await?;
    let body = super::body_stream::produced(state.store.clone(), move |conn, send| {
        ledger::stream_json(conn, &id, send)
    });
    Ok(HttpResponse::Ok()
        .content_type("application/json")
        .streaming(body))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct TransferQuery {
    /// The day the bank transfers, `YYYY-MM-DD`: today (Japan time) or later, a bank business
    /// day (not a Saturday, Sunday, national holiday, nor December 31 to January 3).
    #[param(value_type = NaiveDate)]
    pub transfer_date: Option<String>,
}

/// The 全銀協 総合振込 file of an approved batch (admin, secretariat): 120-byte records in
/// Shift_JIS, CRLF, paying from and to the accounts frozen for the batch, so the same date
/// always gives the same bytes. Each file is an audit event (`payout_batch.zengin_issue`, with
/// its SHA-256). 409 for a batch not approved, one with nothing to transfer (only reclaims), a
/// campaign without a paying account, or offices without a bank account (each named in
/// `errors`); 422 for a `transfer_date` before today (Japan time) or not a bank business day.
#[utoipa::path(params(("id" = String, Path, description = "the payout batch"), TransferQuery), responses((status = 200, content_type = "text/plain", description = "the transfer file"), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)), security(("bearer" = [])))]
#[get("/payout-batches/{id}/zengin")]
pub async fn zengin(
    state: Data,
    staff: Staff,
    id: web::Path<BatchId>,
    query: web::Query<TransferQuery>,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::may_operate)?;
    let date = transfer_date(query.into_inner().transfer_date.as_deref())
        .map_err(|refused| ApiError::Invalid(vec![refused]))?;
    let id = id.into_inner();
    let name = format!("zengin-{id}.txt");
    let actor = staff.actor();
    let bytes = write(&state, move |conn, now| {
        transfers::issue(conn, &actor, now, &id, date)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; charset=Shift_JIS")
        .insert_header(attachment(name))
        .body(bytes))
}

/// The day a bank file pays on, as typed: a date within the years the calendar knows, or the
/// refusal naming `transfer_date` (the JSON API says it in English, the console in Japanese).
pub(crate) fn transfer_date(typed: Option<&str>) -> Result<NaiveDate, FieldError> {
    let refused = |why: Refusal| FieldError::new("transfer_date", why);
    let day: NaiveDate = typed
        .and_then(|d| d.trim().parse().ok())
        .ok_or_else(|| refused(Refusal::NotADate))?;
    crate::domain::jst::supported(day).map_err(|e| refused(e.into()))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct FormatQuery {
    /// `json` (default) or `csv`.
    pub format: Option<String>,
}

/// Whether the money adds up: slots, the latest check, every batch, the money by role, and
/// every office where approved batches do not pay what the check says (staff).
#[utoipa::path(params(("id" = String, Path, description = "the campaign"), FormatQuery), responses((status = 200, body = crate::service::reconciliation::Reconciliation), (status = 404, body = crate::error::Problem)), security(("bearer" = [])))]
#[get("/campaigns/{id}/reconciliation")]
pub async fn reconciliation(
    state: Data,
    _signed_in: Staff,
    id: web::Path<CampaignId>,
    query: web::Query<FormatQuery>,
) -> Result<HttpResponse, ApiError> {
    use crate::service::reconciliation;
    let as_csv = super::choice(
        "format",
        query.format.as_deref(),
        false,
        &[(&["json"], false), (&["csv"], true)],
    )?;
    let campaign = id.into_inner();
    let report = read(&state, move |conn| reconciliation::report(conn, &campaign)).await?;
    if as_csv {
        Ok(HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .body(reconciliation::csv(&report)))
    } else {
        Ok(HttpResponse::Ok().json(report))
    }
}

/// A batch's ledger as an Excel workbook: lines with a totals row, the campaign's facts and
/// the approval record (staff).
#[utoipa::path(params(("id" = String, Path, description = "the payout batch")), responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", description = "the workbook"), (status = 404, body = crate::error::Problem)), security(("bearer" = [])))]
#[get("/payout-batches/{id}/ledger.xlsx")]
pub async fn ledger_xlsx(
    state: Data,
    _signed_in: Staff,
    id: web::Path<BatchId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let name = format!("ledger-{id}.xlsx");
    let bytes = read(&state, move |conn| ledger::xlsx(conn, &id)).await?;
    Ok(HttpResponse::Ok()
        .content_type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        .insert_header(attachment(name))
        .body(bytes))
}
