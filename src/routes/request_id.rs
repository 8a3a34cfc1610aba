//! Every request gets an id: the caller's `X-Request-Id` if it sent a sensible one, else a new
//! one. It is echoed in the response, and every log line of the request carries it (the
//! request runs inside a tracing span, which the blocking helpers carry onto their threads).
//! One line per request is logged when it ends, and its route, status and time are counted.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use std::time::Instant;
use tracing::Instrument;

pub const HEADER: &str = "x-request-id";

/// The caller's id when it is 1 to 128 visible ASCII characters, else a fresh one.
fn id_of(req: &ServiceRequest) -> String {
    req.headers()
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty() && v.len() <= 128 && v.bytes().all(|b| b.is_ascii_graphic()))
        .map(str::to_owned)
        .unwrap_or_else(|| uuid::Uuid::now_v7().to_string())
}

pub async fn assign(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let id = id_of(&req);
    let method = req.method().to_string();
    // A status link's path is the applicant's secret: the log gets it masked, judged on the
    // path as the router decodes it, so `/api/v1/%73tatus/…` is masked as it is served.
    let path = crate::service::status_link::masked_links(
        &super::input_guard::percent_decoded_path(req.path()),
    );
    let span = tracing::info_span!("request", request_id = %id, method = %method, path = %path);
    let client = super::client_addr::of(req.request())
        .map(|a| a.to_string())
        .unwrap_or_default();
    let started = Instant::now();
    let result = next.call(req).instrument(span.clone()).await;
    let mut res = result?;
    let route = res
        .request()
        .match_pattern()
        .unwrap_or_else(|| "unmatched".to_owned());
    let status = res.status().as_u16();
    let seconds = started.elapsed().as_secs_f64();
    crate::metrics::observe(&method, &route, status, seconds);
    span.in_scope(
        || tracing::info!(target: "http", status, ms = seconds * 1e3, route = %route, client = %client, "answered"),
    );
    if let Ok(value) = HeaderValue::from_str(&id) {
        res.headers_mut()
            .insert(HeaderName::from_static(HEADER), value);
    }
    Ok(res)
}
