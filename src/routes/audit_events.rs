//! The audit trail and the check of its hash chain, for every staff role.

use super::auth::Staff;
use super::{read, Data, PageQuery};
use crate::domain::ids::CampaignId;
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
    _signed_in: Staff,
    query: web::Query<AuditQuery>,
    paging: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let page = paging.page()?;
    let events = read(&state, move |conn| {
        audit::list(conn, query.campaign_id.as_ref(), page)
    })
    .await?;
    Ok(HttpResponse::Ok().json(events))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ExportQuery {
    /// `csv` (UTF-8 with BOM, CRLF, formula-safe) or `jsonl` (one event per line).
    pub format: Option<String>,
    pub campaign_id: Option<CampaignId>,
    /// e.g. `application`, `payout_batch`, `participant`.
    pub entity: Option<String>,
    /// e.g. `secretariat:suzuki`, `applicant`.
    pub actor: Option<String>,
    /// Events at or after this instant (RFC 3339).
    #[param(value_type = Option<chrono::DateTime<chrono::FixedOffset>>)]
    pub from: Option<String>,
    /// Events before this instant (RFC 3339).
    #[param(value_type = Option<chrono::DateTime<chrono::FixedOffset>>)]
    pub to: Option<String>,
}

fn instant(field: &str, value: Option<String>) -> Result<Option<chrono::NaiveDateTime>, ApiError> {
    value
        .map(|v| {
            chrono::DateTime::parse_from_rfc3339(&v)
                .map(|t| t.naive_utc())
                .map_err(|_| {
                    ApiError::Invalid(vec![crate::domain::FieldError::new(
                        field.to_owned(),
                        "must be an instant like 2024-03-31T00:00:00+09:00",
                    )])
                })
        })
        .transpose()
}

/// The audit trail as a file, streamed as it is read: every event up to the moment the export
/// starts that passes the filters, oldest first (staff).
#[utoipa::path(params(ExportQuery), responses((status = 200, description = "CSV or JSON Lines"), (status = 422, body = crate::error::Problem)), security(("bearer" = [])))]
#[get("/audit-events/export")]
pub async fn export(
    state: Data,
    _signed_in: Staff,
    query: web::Query<ExportQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let (format, content_type) = super::choice(
        "format",
        q.format.as_deref(),
        (audit::ExportFormat::Csv, "text/csv; charset=utf-8"),
        &[
            (
                &["csv"],
                (audit::ExportFormat::Csv, "text/csv; charset=utf-8"),
            ),
            (
                &["jsonl"],
                (audit::ExportFormat::JsonLines, "application/jsonl"),
            ),
        ],
    )?;
    let filter = crate::service::audit::ExportFilter {
        campaign_id: q.campaign_id,
        entity: q.entity,
        actor: q.actor,
        from: instant("from", q.from)?,
        to: instant("to", q.to)?,
    };
    let body = super::body_stream::produced(state.store.clone(), move |conn, send| {
        audit::export(conn, &filter, format, send)
    });
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .streaming(body))
}

/// Walks the audit trail's hash chain in one snapshot: intact, or the first broken link
/// (staff).
#[utoipa::path(responses((status = 200, body = audit::Verification)), security(("bearer" = [])))]
#[get("/audit-events/verify")]
pub async fn verify_audit(state: Data, _signed_in: Staff) -> Result<HttpResponse, ApiError> {
    let result = read(&state, audit::verify).await?;
    Ok(HttpResponse::Ok().json(result))
}
