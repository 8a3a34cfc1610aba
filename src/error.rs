//! The one place errors become HTTP: RFC 9457 problem+json, causes logged, never sent.

use crate::domain::conflict::{Conflict, NotAllowed};
use crate::domain::FieldError;
use crate::service::ServiceError;
use actix_web::dev::ServiceResponse;
use actix_web::http::{header, StatusCode};
use actix_web::middleware::ErrorHandlerResponse;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

/// Seconds a client is asked to wait when the database is unreachable.
const RETRY_AFTER_UNAVAILABLE: &str = "5";
/// Seconds a rate-limited client is asked to wait: the limit counts per minute.
const RETRY_AFTER_RATE_LIMITED: &str = "60";

type Cause = Box<dyn std::error::Error + Send + Sync>;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("missing or unknown API token")]
    Unauthorized,
    #[error("{0}")]
    Forbidden(String),
    /// A use case refused this caller: said in English here, in Japanese on the console.
    #[error("{}", .0.english())]
    NotAllowed(NotAllowed),
    /// The request is not well-formed; `field` names what is wrong (`body`, a JSON path, a
    /// query parameter, a header).
    #[error("{field}: {message}")]
    BadRequest { field: String, message: String },
    #[error("{0}")]
    NotFound(String),
    #[error("{}", .0.english())]
    Conflict(Conflict),
    /// 409 naming every record in the way.
    #[error("{0}")]
    ConflictWith(String, Vec<FieldError>),
    /// 409 naming every record in the way, for a refusal the console says in Japanese.
    #[error("{}", .0.english())]
    RefusedWith(Conflict, Vec<FieldError>),
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    #[error("{0}")]
    Unprocessable(String),
    #[error("the request body is larger than {limit} bytes")]
    TooLarge { limit: usize },
    #[error("the request body stopped arriving for {seconds} s")]
    RequestTimeout { seconds: u64 },
    /// A JSON endpoint sent a body of another type; the value is what was sent.
    #[error("the body must be application/json, not {0}")]
    UnsupportedMediaType(String),
    #[error("too many requests; try again in a minute")]
    TooManyRequests,
    #[error("{0}")]
    Unavailable(String),
    /// Every permit to hash a password was taken for longer than a request waits.
    #[error("too many sign-ins at once; try again in a few seconds")]
    Busy,
    #[error("internal error")]
    Internal(#[source] Cause),
}

impl ApiError {
    pub fn bad_request(field: impl Into<String>, message: impl Into<String>) -> Self {
        ApiError::BadRequest {
            field: field.into(),
            message: message.into(),
        }
    }

    pub fn internal(cause: impl Into<Cause>) -> Self {
        ApiError::Internal(cause.into())
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

impl ApiError {
    /// Logs what the client is not told: the cause of an outage or of an internal error.
    pub fn log_cause(&self) {
        match self {
            ApiError::Unavailable(cause) => tracing::warn!(%cause, "database unavailable"),
            ApiError::Internal(cause) => {
                tracing::error!(cause = %crate::telemetry::error_chain(cause.as_ref()), "request failed")
            }
            _ => {}
        }
    }

    fn slug(&self) -> &'static str {
        match self {
            ApiError::Unauthorized => "unauthorized",
            ApiError::Forbidden(_) | ApiError::NotAllowed(_) => "forbidden",
            ApiError::BadRequest { .. } => "malformed-request",
            ApiError::NotFound(_) => "not-found",
            ApiError::Conflict(_) | ApiError::ConflictWith(..) | ApiError::RefusedWith(..) => {
                "conflict"
            }
            ApiError::Invalid(_) => "invalid-input",
            ApiError::Unprocessable(_) => "unprocessable",
            ApiError::TooLarge { .. } => "too-large",
            ApiError::RequestTimeout { .. } => "request-timeout",
            ApiError::UnsupportedMediaType(_) => "unsupported-media-type",
            ApiError::TooManyRequests => "rate-limited",
            ApiError::Unavailable(_) => "unavailable",
            ApiError::Busy => "busy",
            ApiError::Internal(_) => "internal",
        }
    }
}

fn problem(status: StatusCode, slug: &str, detail: String, errors: Vec<FieldError>) -> Problem {
    Problem {
        kind: format!("/problems/{slug}"),
        title: status.canonical_reason().unwrap_or("Error").to_owned(),
        status: status.as_u16(),
        detail,
        errors,
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::Unauthorized => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) | ApiError::NotAllowed(_) => StatusCode::FORBIDDEN,
            ApiError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Conflict(_) | ApiError::ConflictWith(..) | ApiError::RefusedWith(..) => {
                StatusCode::CONFLICT
            }
            ApiError::Invalid(_) | ApiError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::RequestTimeout { .. } => StatusCode::REQUEST_TIMEOUT,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable(_) | ApiError::Busy => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        self.log_cause();
        let status = self.status_code();
        let field = |field: &str, message: String| vec![FieldError::new(field, message)];
        let (detail, errors) = match self {
            ApiError::Invalid(errors) => (
                errors
                    .iter()
                    .map(|e| format!("{}: {}", e.field, e.message))
                    .collect::<Vec<_>>()
                    .join("; "),
                errors.clone(),
            ),
            ApiError::BadRequest { field: f, message } => {
                (self.to_string(), field(f, message.clone()))
            }
            ApiError::TooLarge { .. } | ApiError::RequestTimeout { .. } => {
                (self.to_string(), field("body", self.to_string()))
            }
            ApiError::UnsupportedMediaType(_) => {
                (self.to_string(), field("Content-Type", self.to_string()))
            }
            ApiError::ConflictWith(detail, errors) => (detail.clone(), errors.clone()),
            ApiError::RefusedWith(conflict, errors) => (conflict.english(), errors.clone()),
            ApiError::Unavailable(_) => (
                "the service cannot reach its database; try again shortly".to_owned(),
                Vec::new(),
            ),
            ApiError::Internal(_) => (
                "the server could not complete the request".to_owned(),
                Vec::new(),
            ),
            other => (other.to_string(), Vec::new()),
        };
        let mut response = HttpResponse::build(status);
        response.content_type("application/problem+json");
        match self {
            ApiError::Unauthorized => {
                response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
            }
            ApiError::Unavailable(_) | ApiError::Busy => {
                response.insert_header((header::RETRY_AFTER, RETRY_AFTER_UNAVAILABLE));
            }
            ApiError::TooManyRequests => {
                response.insert_header((header::RETRY_AFTER, RETRY_AFTER_RATE_LIMITED));
            }
            _ => {}
        }
        response.json(problem(status, self.slug(), detail, errors))
    }
}

/// Rewrites an error response that did not come from [`ApiError`] (actix's own: an oversized
/// body, a method not allowed, …) as problem+json, so every error a client sees has one shape.
pub fn problem_for_plain_errors<B>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    // Problems, and the applicant pages' own error pages, are already what their reader wants.
    let already_shaped = res
        .response()
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| {
            v.as_bytes().starts_with(b"application/problem+json")
                || v.as_bytes().starts_with(b"text/html")
        });
    if already_shaped {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let detail = res
        .response()
        .error()
        .map(|e| e.to_string())
        .unwrap_or_else(|| status.canonical_reason().unwrap_or("error").to_owned());
    let errors = if status == StatusCode::PAYLOAD_TOO_LARGE {
        vec![FieldError::new("body", detail.clone())]
    } else {
        Vec::new()
    };
    let slug = match status {
        StatusCode::PAYLOAD_TOO_LARGE => "too-large",
        StatusCode::METHOD_NOT_ALLOWED => "method-not-allowed",
        s if s.is_server_error() => "internal",
        _ => "malformed-request",
    };
    let body = problem(status, slug, detail, errors);
    let (req, old) = res.into_parts();
    let mut fresh = HttpResponse::build(status);
    for (name, value) in old.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            fresh.insert_header((name.clone(), value.clone()));
        }
    }
    let fresh = fresh.content_type("application/problem+json").json(body);
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(req, fresh).map_into_right_body(),
    ))
}

impl From<ServiceError> for ApiError {
    fn from(e: ServiceError) -> Self {
        match e {
            ServiceError::NotFound(what) => ApiError::NotFound(format!("{what} not found")),
            ServiceError::Forbidden(refusal) => ApiError::NotAllowed(refusal),
            ServiceError::StateConflict(conflict) => ApiError::Conflict(conflict),
            ServiceError::Invalid(errors) => ApiError::Invalid(errors.into_vec()),
            ServiceError::Refused(conflict, errors) => ApiError::RefusedWith(conflict, errors),
            ServiceError::AlreadyTakingPart(offices) => ApiError::ConflictWith(
                if offices.is_empty() {
                    "an office of this application already takes part in this campaign".into()
                } else {
                    format!(
                        "already taking part in this campaign: {}",
                        offices.join(", ")
                    )
                },
                offices
                    .into_iter()
                    .map(|office| {
                        crate::domain::FieldError::new(
                            "offices",
                            format!("{office} already takes part in this campaign"),
                        )
                    })
                    .collect(),
            ),
            ServiceError::IdempotencyKeyReused => ApiError::Unprocessable(e.to_string()),
            ServiceError::Unavailable(m) => ApiError::Unavailable(m),
            ServiceError::Db(e) => ApiError::internal(e),
            format @ ServiceError::Format(_) => ApiError::internal(format),
            spool @ ServiceError::Spool(_) => ApiError::internal(spool),
        }
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        ApiError::internal(e)
    }
}
