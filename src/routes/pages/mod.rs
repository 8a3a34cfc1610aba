//! The applicant's pages, in Japanese and without JavaScript: the application form with the
//! live slot counter, the status page behind the secret link, the withdrawal with its
//! confirmation, the form's QR code, and the stylesheet. They sit on the same services as the
//! JSON API; only the words and the shape of the answers differ. This module holds what they
//! share (`html`, the rate limit, redirects, secrets from links), the
//! stylesheet and `configure`; the error page is in `error`, the form in `apply`, the status and
//! withdrawal in `status`.

mod apply;
mod console;
mod correction;
pub mod csrf;
mod drafts;
mod error;
pub mod form;
pub mod messages;
pub mod qr;
pub mod staff;
mod status;
mod survey;
mod unrouted;
pub mod views;

pub use error::PageError;
pub use unrouted::unrouted;

use super::{intake, usable_key, Data};
use crate::domain::secret::{LinkSecret, Secret};
use crate::error::ApiError;
use actix_web::cookie::Cookie;
use actix_web::http::{header, StatusCode};
use actix_web::{route, web, HttpRequest, HttpResponse};
use askama::Template;
use form::Values;

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

/// A form post, read and checked against forgery (`csrf`); a post that fails either gets the
/// expired page leading back to `back`.
fn verified(req: &HttpRequest, state: &Data, body: &[u8], back: &str) -> Result<Values, PageError> {
    let values = Values::parse(body).map_err(|_| PageError::expired(back.to_owned()))?;
    if !csrf::verify(
        req,
        values.get(csrf::FIELD),
        &state.notifier.public_base_url,
    ) {
        return Err(PageError::expired(back.to_owned()));
    }
    Ok(values)
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

/// `res`, setting the form token's cookie when the browser has none yet.
fn with_cookie(
    mut res: HttpResponse,
    cookie: Option<Cookie<'static>>,
) -> Result<HttpResponse, PageError> {
    if let Some(cookie) = cookie {
        res.add_cookie(&cookie)
            .map_err(|e| PageError::from(ApiError::internal(e)))?;
    }
    Ok(res)
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
    LinkSecret::parse(raw)
        .map(LinkSecret::into_secret)
        .ok_or_else(PageError::not_found)
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
        .service(correction::correction_form)
        .service(correction::correct)
        .service(survey::survey_form)
        .service(survey::survey_submit)
        .service(status::applicant_status);
    staff::configure(cfg);
    console::configure(cfg);
}
