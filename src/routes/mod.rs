//! HTTP handlers: thin adapters from requests to service calls.

pub mod applications;
pub mod audit_events;
pub mod auth;
pub mod bank_accounts;
pub mod body_stream;
pub mod body_timeout;
pub mod campaigns;
pub mod client_addr;
pub mod exports;
pub mod hash_gate;
pub mod health;
pub mod input_guard;
pub mod openapi;
pub mod outbox;
pub mod outcome;
pub mod pages;
pub mod payouts;
pub mod query;
pub mod rate_limit;
pub mod request_id;
pub mod surveys;
pub mod tokens;
pub mod year_end;

use crate::error::ApiError;
use crate::service::idempotency::{Created, IdempotencyKey};
use crate::service::{Actor, UseCase};
use crate::service::{ServiceError, Store};
use actix_web::{web, HttpRequest, HttpResponse};
pub use query::{choice, filter, flag, PageQuery, MAX_PAGE};
use serde::de::DeserializeOwned;

pub struct AppState {
    pub store: Store,
    pub notifier: crate::service::outbox::Notifier,
    /// Public submissions (posts) per client address.
    pub public_limiter: rate_limit::RateLimiter,
    /// Public page views and reads per client address.
    pub view_limiter: rate_limit::RateLimiter,
    pub intake: crate::service::intake::Intake,
    pub trusted_proxies: crate::net::TrustedProxies,
    pub console: crate::service::sign_in::Console,
    /// Password hashes and verifications at once in this process.
    pub hashing: hash_gate::HashGate,
}

pub type Data = web::Data<AppState>;

/// Runs blocking service work on the blocking pool; every handler reaches the database
/// through this one door.
pub async fn blocking<T, F>(f: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T, ServiceError> + Send + 'static,
{
    // The request's span follows its work onto the blocking thread, so those log lines carry
    // its id too.
    let span = tracing::Span::current();
    Ok(web::block(move || span.in_scope(f)).await??)
}

/// Submits one application through the campaign's intake queue. The service's own answer is
/// kept whole, so the JSON API and the form can each word a refusal their way.
pub async fn intake(
    state: &Data,
    campaign_id: crate::domain::ids::CampaignId,
    job: crate::service::intake::Job,
) -> Result<crate::service::ServiceResult<Created>, ApiError> {
    let state = state.clone();
    blocking(move || {
        Ok(state
            .intake
            .submit(&state.store, &state.notifier, &campaign_id, job))
    })
    .await
}

/// Runs a read with a pooled connection.
pub async fn read<T, F>(state: &Data, f: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&mut crate::service::Conn) -> Result<T, ServiceError> + Send + 'static,
{
    let store = state.store.clone();
    blocking(move || store.read(f)).await
}

/// Runs a change in one write transaction, with the time read once it has begun.
pub async fn write<T, F>(state: &Data, f: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&mut crate::service::Conn, chrono::NaiveDateTime) -> Result<T, ServiceError>
        + Send
        + 'static,
{
    let store = state.store.clone();
    blocking(move || store.write(f)).await
}

/// [`write`] for a use case that changes records and mails about them, as `actor`, with the
/// application's notifier.
pub async fn write_as<T, F>(state: &Data, actor: Actor, f: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(UseCase<'_>) -> Result<T, ServiceError> + Send + 'static,
{
    let notifier = state.notifier.clone();
    write(state, move |conn, now| {
        f(UseCase {
            conn,
            notifier: &notifier,
            actor: &actor,
            now,
        })
    })
    .await
}

/// Runs a create at most once per `Idempotency-Key` and answers 201 with what it made (or
/// with the stored first answer).
pub async fn create_once<T, F>(
    state: &Data,
    key: Option<IdempotencyKey>,
    create: F,
) -> Result<HttpResponse, ApiError>
where
    T: serde::Serialize,
    F: Fn(&mut crate::service::Conn, chrono::NaiveDateTime) -> Result<T, ServiceError>
        + Send
        + 'static,
{
    let store = state.store.clone();
    let created = blocking(move || {
        store.create_once(key.as_ref(), |conn, now| {
            let made = create(conn, now)?;
            Ok(Created {
                status: 201,
                body: serde_json::to_value(made).unwrap_or_default(),
            })
        })
    })
    .await?;
    Ok(respond(created))
}

/// A create's answer, first or replayed.
pub fn respond(created: Created) -> HttpResponse {
    let status = actix_web::http::StatusCode::from_u16(created.status)
        .unwrap_or(actix_web::http::StatusCode::CREATED);
    HttpResponse::build(status).json(created.body)
}

/// Parses a JSON body, naming the field at fault when it does not fit the expected shape. A
/// string holding a NUL character is refused here, naming its field: PostgreSQL cannot store
/// one, and no real name or reason has one.
pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    if body.is_empty() {
        return Err(ApiError::bad_request(
            "body",
            "the request needs a JSON body",
        ));
    }
    // JSON can only carry NUL escaped; only then is the body walked for where.
    if body.windows(6).any(|w| w.eq_ignore_ascii_case(b"\\u0000")) {
        if let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) {
            let mut fields = Vec::new();
            input_guard::nul_fields(&value, String::new(), &mut fields);
            if !fields.is_empty() {
                return Err(ApiError::Invalid(fields));
            }
        }
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if path == "." || path.is_empty() {
            ApiError::bad_request("body", format!("malformed JSON body: {inner}"))
        } else {
            ApiError::bad_request(path, format!("malformed JSON: {inner}"))
        }
    })
}

/// A JSON endpoint's body. It must be sent as `application/json` (parameters such as charset
/// allowed), else 415: a page on another site can make its visitors' browsers post a plain
/// form or `text/plain` anywhere without asking, but never JSON. An empty body needs no type.
pub struct JsonBody(web::Bytes);

impl std::ops::Deref for JsonBody {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl actix_web::FromRequest for JsonBody {
    type Error = actix_web::Error;
    type Future = futures_util::future::LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        use actix_web::HttpMessage;
        let declared = req
            .headers()
            .get(actix_web::http::header::CONTENT_TYPE)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
        let is_json = req
            .mime_type()
            .ok()
            .flatten()
            .is_some_and(|m| m.essence_str() == "application/json");
        let body = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            match declared {
                Some(other) if !is_json => Err(ApiError::UnsupportedMediaType(other).into()),
                declared => {
                    let body = body.await?;
                    if declared.is_none() && !body.is_empty() {
                        return Err(ApiError::UnsupportedMediaType("none".into()).into());
                    }
                    Ok(JsonBody(body))
                }
            }
        })
    }
}

/// Reads a whole request body of up to `limit` bytes (the CSV imports, larger than the JSON
/// limit); beyond it, 413 naming the body.
pub async fn read_body(payload: web::Payload, limit: usize) -> Result<web::Bytes, ApiError> {
    payload
        .to_bytes_limited(limit)
        .await
        .map_err(|_| ApiError::TooLarge { limit })?
        .map_err(|e| ApiError::bad_request("body", e.to_string()))
}

/// The `Idempotency-Key` of a creating request, scoped to the caller and the path.
pub fn idempotency_key(
    req: &HttpRequest,
    caller: &str,
    body: &[u8],
) -> Result<Option<IdempotencyKey>, ApiError> {
    let Some(value) = req.headers().get("Idempotency-Key") else {
        return Ok(None);
    };
    let key = value
        .to_str()
        .ok()
        .map(str::trim)
        .filter(|k| usable_key(k))
        .ok_or_else(|| {
            ApiError::bad_request(
                "Idempotency-Key",
                "must be 1 to 255 visible ASCII characters",
            )
        })?;
    let scope = format!("{caller} {} {}", req.method(), req.path());
    Ok(Some(IdempotencyKey::new(scope, key, &canonical(body))))
}

/// A JSON body as the same request however it is written: parsed and written again compact,
/// object keys in order (`serde_json`'s map is sorted by key). A client that retries with
/// its JSON re-indented or its keys reordered asks for the same thing. Anything else (a CSV
/// import) is compared byte for byte.
fn canonical(body: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|value| serde_json::to_vec(&value).ok())
        .map_or(std::borrow::Cow::Borrowed(body), std::borrow::Cow::Owned)
}

/// An idempotency key as a header or the form carries it: 1 to 255 visible ASCII characters.
pub fn usable_key(key: &str) -> bool {
    !key.is_empty() && key.len() <= 255 && key.bytes().all(|b| b.is_ascii_graphic() || b == b' ')
}

/// A JSON body's limit: far above any real request, far below what could hurt.
pub const MAX_JSON_BYTES: usize = 1 << 20;
/// A CSV import's limit: a national usage list of 300,000 rows with a few columns fits.
pub const MAX_CSV_BYTES: usize = 64 << 20;

/// Registers every route under its path.
pub fn configure(cfg: &mut web::ServiceConfig) {
    pages::configure(cfg);
    cfg.service(health::health)
        .service(health::ready)
        .service(health::metrics)
        .service(
            web::scope("/api/v1")
                .service(openapi::spec)
                .service(tokens::me)
                .service(tokens::create)
                .service(tokens::list)
                .service(tokens::revoke)
                .service(campaigns::create)
                .service(campaigns::list)
                .service(campaigns::get)
                .service(campaigns::update)
                .service(campaigns::slots)
                .service(campaigns::import_attendees)
                .service(applications::submit)
                .service(applications::list)
                .service(applications::participants)
                .service(applications::get)
                .service(applications::withdraw)
                .service(applications::disqualify)
                .service(applications::void)
                .service(applications::public_status)
                .service(applications::public_withdraw)
                .service(applications::public_correct)
                .service(audit_events::verify_audit)
                .service(audit_events::export)
                .service(audit_events::list)
                .service(outbox::list)
                .service(outbox::get)
                .service(outbox::resend)
                .service(year_end::patch_checkpoints)
                .service(year_end::upload_checkpoints)
                .service(year_end::import_usage_list)
                .service(year_end::run_check)
                .service(year_end::get_check)
                .service(year_end::check_results)
                .service(year_end::notify)
                .service(year_end::remind)
                .service(surveys::define)
                .service(surveys::chart)
                .service(surveys::results)
                .service(surveys::get)
                .service(surveys::answer)
                .service(payouts::create)
                .service(payouts::list)
                .service(payouts::get)
                .service(payouts::lines)
                .service(payouts::cancel)
                .service(payouts::approve)
                .service(exports::ledger_csv)
                .service(exports::ledger_json)
                .service(exports::ledger_xlsx)
                .service(exports::zengin)
                .service(bank_accounts::put_account)
                .service(bank_accounts::get_account)
                .service(bank_accounts::put_payer)
                .service(bank_accounts::get_payer)
                .service(exports::reconciliation)
                .service(outcome::import_register)
                .service(outcome::get_outcome)
                .service(outcome::outcome_svg)
                .service(outcome::outcome_png),
        );
}

/// `validator`'s errors as field errors, nested paths joined with dots.
pub fn validation_errors(errors: validator::ValidationErrors) -> ApiError {
    fn walk(
        prefix: &str,
        errors: &validator::ValidationErrors,
        out: &mut Vec<crate::domain::FieldError>,
    ) {
        for (field, kind) in errors.errors() {
            let path = if prefix.is_empty() {
                field.to_string()
            } else {
                format!("{prefix}.{field}")
            };
            match kind {
                validator::ValidationErrorsKind::Field(list) => {
                    for e in list {
                        out.push(crate::domain::FieldError::new(
                            path.clone(),
                            e.message
                                .as_ref()
                                .map(|m| m.to_string())
                                .unwrap_or_else(|| e.code.to_string()),
                        ));
                    }
                }
                validator::ValidationErrorsKind::Struct(inner) => walk(&path, inner, out),
                validator::ValidationErrorsKind::List(items) => {
                    for (i, inner) in items {
                        walk(&format!("{path}[{i}]"), inner, out);
                    }
                }
            }
        }
    }
    let mut out = Vec::new();
    walk("", &errors, &mut out);
    out.sort_by(|a, b| a.field.cmp(&b.field));
    ApiError::Invalid(out)
}

/// A download's `Content-Disposition`: saved under `name`, not shown.
pub(crate) fn attachment(name: String) -> actix_web::http::header::ContentDisposition {
    use actix_web::http::header::{ContentDisposition, DispositionParam, DispositionType};
    ContentDisposition {
        disposition: DispositionType::Attachment,
        parameters: vec![DispositionParam::Filename(name)],
    }
}

#[cfg(test)]
mod tests {
    use super::canonical;

    #[test]
    fn json_written_differently_is_one_request() {
        let compact = canonical(br#"{"role":"admin","name":"x","n":[1,{"b":2,"a":1}]}"#);
        let indented = canonical(
            b"{\n  \"name\": \"x\",\n  \"n\": [1, {\"a\": 1, \"b\": 2}],\n  \"role\": \"admin\"\n}",
        );
        assert_eq!(compact, indented);
        assert_ne!(canonical(br#"{"name":"x"}"#), canonical(br#"{"name":"y"}"#));
        assert_eq!(&*canonical(b"office_number\n1"), b"office_number\n1");
    }
}
