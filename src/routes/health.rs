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
