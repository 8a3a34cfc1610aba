//! The applicant's pages, in Japanese and without JavaScript: the application form with the
//! live slot counter, the status page behind the secret link, the withdrawal with its
//! confirmation, the form's QR code, and the stylesheet. They sit on the same services as the
//! JSON API; only the words and the shape of the answers differ. This module holds what they
//! share (the error page, `html`, the rate limit, redirects, secrets from links), the
//! stylesheet and `configure`; the form is in `apply`, the status and withdrawal in `status`.

mod apply;
mod console;
pub mod csrf;
pub mod form;
pub mod messages;
pub mod qr;
pub mod staff;
mod status;
mod survey;
mod unrouted;
pub mod views;

pub use unrouted::unrouted;

use super::{intake, usable_key, Data};
use crate::domain::secret::Secret;
use crate::error::ApiError;
use actix_web::http::{header, StatusCode};
use actix_web::{route, web, HttpRequest, HttpResponse, ResponseError};
use askama::Template;
use form::Values;
use views::NoticePage;

/// An error as a page: what happened in plain Japanese, never a cause or a stack trace.
#[derive(Debug)]
pub struct PageError {
    status: StatusCode,
    title: &'static str,
    message: String,
    link: Option<(String, String)>,
}

impl std::fmt::Display for PageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.status, self.title)
    }
}

impl PageError {
    fn new(status: StatusCode, title: &'static str, message: impl Into<String>) -> Self {
        PageError {
            status,
            title,
            message: message.into(),
            link: None,
        }
    }

    fn with_link(mut self, href: String, label: &str) -> Self {
        self.link = Some((href, label.to_owned()));
        self
    }

    fn not_found() -> Self {
        PageError::new(
            StatusCode::NOT_FOUND,
            "ページが見つかりません",
            "アドレスが正しいか、お手元のメールやチラシのリンクをお確かめください。",
        )
    }

    /// A post without its page's token: an old page, cookies off, or another site.
    fn expired(back: String) -> Self {
        PageError::new(
            StatusCode::FORBIDDEN,
            "ページの有効期限が切れました",
            "安全のため、送信を受け付けませんでした。お手数ですが、ページを開き直してもう一度お試しください（ブラウザのCookieを有効にしてください）。",
        )
        .with_link(back, "ページを開き直す")
    }
}

/// A post holding text no database stores is refused as the JSON API refuses it (422),
/// naming the fields.
fn storable(values: &Values) -> Result<(), PageError> {
    let bad = values.unstorable();
    if bad.is_empty() {
        return Ok(());
    }
    let names: Vec<&str> = bad.iter().map(|e| e.field.as_str()).collect();
    Err(PageError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "使えない文字が含まれています",
        format!(
            "次の欄に使えない文字（NUL文字）が含まれています: {}。入力し直してください。",
            names.join("、")
        ),
    ))
}

impl From<ApiError> for PageError {
    fn from(e: ApiError) -> Self {
        e.log_cause();
        match e {
            ApiError::NotFound(_) => PageError::not_found(),
            ApiError::TooManyRequests => PageError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "アクセスが集中しています",
                "1分ほど待ってから、もう一度お試しください。入力した内容は、ブラウザの「戻る」で戻ると残っています。",
            ),
            ApiError::Unavailable(_) => PageError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "ただいま混み合っています",
                "しばらく待ってから、もう一度お試しください。",
            ),
            ApiError::Internal(_) => PageError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "エラーが発生しました",
                "お手数ですが、時間をおいてもう一度お試しください。",
            ),
            ApiError::TooLarge { .. } => PageError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "送信内容が大きすぎます",
                "入力内容を短くして、もう一度お試しください。",
            ),
            other => PageError::new(
                other.status_code(),
                "受け付けられませんでした",
                "入力内容をお確かめのうえ、もう一度お試しください。",
            ),
        }
    }
}

impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let page = NoticePage {
            title: self.title.to_owned(),
            message: self.message.clone(),
            link: self.link.clone(),
        };
        let mut res = html(self.status, &page);
        let wait = match self.status {
            StatusCode::SERVICE_UNAVAILABLE => Some("5"),
            StatusCode::TOO_MANY_REQUESTS => Some("60"),
            _ => None,
        };
        if let Some(wait) = wait {
            res.headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from_static(wait));
        }
        res
    }
}

fn html(status: StatusCode, page: &impl Template) -> HttpResponse {
    match page.render() {
        Ok(body) => HttpResponse::build(status)
            .content_type("text/html; charset=utf-8")
            // Under `no-referrer` a browser posts the form with `Origin: null`, which the
            // forgery guard refuses; `same-origin` still tells no other site anything.
            .insert_header((header::REFERRER_POLICY, "same-origin"))
            .body(body),
        Err(e) => {
            tracing::error!(error = %e, "page template failed");
            HttpResponse::InternalServerError()
                .content_type("text/plain; charset=utf-8")
                .body("エラーが発生しました。時間をおいてもう一度お試しください。")
        }
    }
}

/// The public endpoints' per-address limit (of views or of submissions, by the request's
/// method), answered as a page.
fn limit(req: &HttpRequest, state: &Data) -> Result<(), PageError> {
    crate::routes::rate_limit::for_request(req, state)
        .check(crate::routes::client_addr::of(req))
        .map_err(PageError::from)
}

fn secure_cookies(state: &Data) -> bool {
    state.notifier.public_base_url.starts_with("https://")
}

fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
}

/// A secret as a link can carry one; anything else cannot be a status link.
fn secret_of(raw: &str) -> Result<Secret, PageError> {
    if raw.is_empty() || raw.len() > 128 || !raw.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(PageError::not_found());
    }
    Ok(Secret::new(raw))
}

/// The pages' stylesheet, served by the binary so the pages make no outside request.
#[route("/assets/site.css", method = "GET", method = "HEAD")]
pub async fn stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(include_str!("../../../assets/site.css"))
}

/// Registers the pages beside the JSON API.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(stylesheet)
        .service(apply::qr_svg)
        .service(apply::qr_png)
        .service(apply::apply_form)
        .service(apply::apply_submit)
        .service(status::withdraw_form)
        .service(status::withdraw)
        .service(survey::survey_form)
        .service(survey::survey_submit)
        .service(status::applicant_status);
    staff::configure(cfg);
    console::configure(cfg);
}
