//! HTTP handlers: thin adapters from requests to service calls.

pub mod applications;
pub mod audit_events;
pub mod campaigns;
pub mod health;
pub mod openapi;
pub mod outbox;
pub mod rate_limit;
pub mod tokens;

use crate::db::{DbConn, Pool};
use crate::error::ApiError;
use crate::service::idempotency::{self, Created, IdempotencyKey};
use crate::service::{Page, ServiceError};
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::NaiveDateTime;
use serde::de::DeserializeOwned;
use serde::Deserialize;

pub struct AppState {
    pub pool: Pool,
    pub notifier: crate::service::outbox::Notifier,
    pub public_limiter: rate_limit::RateLimiter,
    pub intake: crate::service::intake::Intake,
}

pub type Data = web::Data<AppState>;

/// Runs database work on the blocking pool with a pooled connection.
pub async fn with_conn<T, F>(state: &Data, f: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&mut DbConn) -> Result<T, ServiceError> + Send + 'static,
{
    let pool = state.pool.clone();
    web::block(move || {
        let mut conn = pool.get().map_err(crate::db::DbError::from)?;
        f(&mut conn).map_err(ApiError::from)
    })
    .await?
}

/// Runs a change in one write transaction on the blocking pool, with the current time.
pub async fn in_transaction<T, F>(state: &Data, f: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&mut DbConn, NaiveDateTime) -> Result<T, ServiceError> + Send + 'static,
{
    with_conn(state, move |conn| {
        crate::db::write_transaction(conn, |conn| f(conn, crate::clock::now()))
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
    F: Fn(&mut DbConn, NaiveDateTime) -> Result<T, ServiceError> + Send + 'static,
{
    let created = with_conn(state, move |conn| {
        let now = crate::clock::now();
        idempotency::run(conn, key.as_ref(), now, |conn| {
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

/// Parses a JSON body, naming the field at fault when it does not fit the expected shape.
pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    if body.is_empty() {
        return Err(ApiError::BadRequest("the request needs a JSON body".into()));
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if path == "." || path.is_empty() {
            ApiError::BadRequest(format!("malformed JSON body: {inner}"))
        } else {
            ApiError::BadRequest(format!("malformed JSON body at {path}: {inner}"))
        }
    })
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
        .filter(|k| !k.is_empty() && k.len() <= 255)
        .ok_or_else(|| {
            ApiError::BadRequest("Idempotency-Key must be 1 to 255 visible ASCII characters".into())
        })?;
    let scope = format!("{caller} {} {}", req.method(), req.path());
    Ok(Some(IdempotencyKey::new(scope, key.to_owned(), body)))
}

/// A query filter parsed into its enum at the edge: absent is `None`, an unknown name is 422
/// naming the parameter and the names it takes.
pub fn filter<T>(field: &str, value: Option<String>) -> Result<Option<T>, ApiError>
where
    T: std::str::FromStr<Err = crate::domain::name::UnknownName>,
{
    value
        .map(|v| {
            v.parse::<T>().map_err(|e| {
                ApiError::Invalid(vec![crate::domain::FieldError {
                    field: field.to_owned(),
                    message: e.to_string(),
                }])
            })
        })
        .transpose()
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct PageQuery {
    /// From 1.
    pub page: Option<i64>,
    /// From 1 to 500; default 50.
    pub per_page: Option<i64>,
}

impl PageQuery {
    pub fn page(&self) -> Result<Page, ApiError> {
        let page = self.page.unwrap_or(1);
        let per_page = self.per_page.unwrap_or(50);
        let mut errors = Vec::new();
        if page < 1 {
            errors.push(crate::domain::FieldError {
                field: "page".into(),
                message: "must be at least 1".into(),
            });
        }
        if !(1..=500).contains(&per_page) {
            errors.push(crate::domain::FieldError {
                field: "per_page".into(),
                message: "must be from 1 to 500".into(),
            });
        }
        if errors.is_empty() {
            Ok(Page { page, per_page })
        } else {
            Err(ApiError::Invalid(errors))
        }
    }
}

/// Registers every route under its path.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(health::health).service(health::ready).service(
        web::scope("/api/v1")
            .service(openapi::spec)
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
            .service(applications::public_status)
            .service(applications::public_withdraw)
            .service(audit_events::list)
            .service(outbox::list)
            .service(outbox::get)
            .service(outbox::resend),
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
                        out.push(crate::domain::FieldError {
                            field: path.clone(),
                            message: e
                                .message
                                .as_ref()
                                .map(|m| m.to_string())
                                .unwrap_or_else(|| e.code.to_string()),
                        });
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
