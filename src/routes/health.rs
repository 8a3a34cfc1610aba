//! Liveness and readiness.

use super::Data;
use actix_web::{get, HttpResponse};
use diesel::connection::SimpleConnection;

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
    let pool = state.pool.clone();
    let ok = actix_web::web::block(move || {
        pool.get()
            .ok()
            .is_some_and(|mut c| c.batch_execute("SELECT 1").is_ok())
    })
    .await
    .unwrap_or(false);
    if ok {
        HttpResponse::Ok().json(serde_json::json!({"status": "ready"}))
    } else {
        HttpResponse::ServiceUnavailable()
            .json(serde_json::json!({"status": "database unreachable"}))
    }
}
