//! Liveness and readiness.

use super::Data;
use actix_web::{get, HttpResponse};

/// The process is up.
#[utoipa::path(responses((status = 200, description = "process up")))]
#[get("/health")]
pub async fn health() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({"status": "ok"}))
}

/// The database answers.
#[utoipa::path(responses((status = 200, description = "database reachable"), (status = 503, description = "database unreachable")))]
#[get("/ready")]
pub async fn ready(state: Data) -> HttpResponse {
    let store = state.store.clone();
    let ok = actix_web::web::block(move || store.ready())
        .await
        .unwrap_or(false);
    if ok {
        HttpResponse::Ok().json(serde_json::json!({"status": "ready"}))
    } else {
        HttpResponse::ServiceUnavailable()
            .insert_header(("Retry-After", "5"))
            .json(serde_json::json!({"status": "database unreachable"}))
    }
}

/// Prometheus metrics, no token: keep it off the public network at the proxy. Requests and
/// latency by route and status, email deliveries by outcome, and from the database: slots
/// taken and waiting applications per campaign, emails per outbox status.
#[utoipa::path(responses((status = 200, content_type = "text/plain", description = "Prometheus text format"), (status = 503, description = "database unreachable")))]
#[get("/metrics")]
pub async fn metrics(state: Data) -> Result<HttpResponse, crate::error::ApiError> {
    let snapshot = super::read(&state, crate::service::operations::snapshot).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(crate::metrics::render(&snapshot)))
}
