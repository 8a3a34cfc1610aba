//! The staff console's doors, in Japanese: sign-in and sign-out (`signing`), the one-time
//! welcome link to choose a password (`welcome`), and the person's own account (password,
//! TOTP; `account`); the pages behind them are in `console`. Every `/staff/…` page but these
//! doors needs a live session; every form carries the session's CSRF token (the doors, before
//! a session exists, the applicant pages' double-submit one). This module holds the `Session`
//! extractor and what the doors share.

mod account;
mod signing;
mod welcome;

use super::form::Values;
use super::{
    csrf, html, limit, qr, secret_of, secure_cookies, see_other, storable, with_cookie, Data,
    PageError,
};
use crate::domain::person::{PasswordRefusal, MIN_PASSWORD_CHARS};
use crate::domain::role::Role;
use crate::error::ApiError;
use crate::routes::auth::SESSION_COOKIE;
use crate::routes::read;
use crate::service::sign_in::{self, Resumed};
use actix_web::http::StatusCode;
use actix_web::{dev::Payload, web, FromRequest, HttpRequest, HttpResponse, ResponseError};
use std::future::Future;
use std::pin::Pin;

const SIGN_IN: &str = "/staff/sign-in";
const ACCOUNT: &str = "/staff/account";

pub(super) fn role_ja(role: Role) -> &'static str {
    match role {
        Role::Admin => "管理者",
        Role::Secretariat => "事務局",
        Role::Auditor => "監査担当",
    }
}

/// Whether the person is an admin: the console's bar links to the people page for them only.
pub(super) fn admin(session: &Resumed) -> bool {
    session.person.role == Role::Admin
}

fn password_refusal_ja(refusal: PasswordRefusal) -> String {
    match refusal {
        PasswordRefusal::TooShort => format!("{MIN_PASSWORD_CHARS}文字以上にしてください"),
        PasswordRefusal::TooLong => "長すぎます。256文字以内にしてください".into(),
        PasswordRefusal::Common => {
            "よく使われるパスワードのため使えません。別のものにしてください".into()
        }
        PasswordRefusal::SameAsEmail => "メールアドレスと同じものは使えません".into(),
    }
}

pub(super) struct SummaryLine {
    /// The field's id without its `f-`: a form repeated per row names the row in it.
    pub field: String,
    pub label: &'static str,
    pub message: String,
}

/// A request from a person with a live session. Without one, the page answers 303 to the
/// sign-in with the page asked for as `next`; while TOTP is required and not yet on, every
/// page but the account page (and signing out) leads there.
pub struct Session(pub Resumed);

/// Why a console page was not shown.
#[derive(Debug)]
pub enum Gate {
    SignInFirst { next: String },
    SetUpTotp,
    Page(PageError),
}

impl std::fmt::Display for Gate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Gate::SignInFirst { .. } => f.write_str("sign in first"),
            Gate::SetUpTotp => f.write_str("turn TOTP on first"),
            Gate::Page(e) => e.fmt(f),
        }
    }
}

impl ResponseError for Gate {
    fn status_code(&self) -> StatusCode {
        match self {
            Gate::Page(e) => e.status_code(),
            _ => StatusCode::SEE_OTHER,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            Gate::SignInFirst { next } => {
                let query = serde_urlencoded::to_string([("next", next)]).unwrap_or_default();
                see_other(&format!("{SIGN_IN}?{query}"))
            }
            Gate::SetUpTotp => see_other(ACCOUNT),
            Gate::Page(e) => e.error_response(),
        }
    }
}

impl From<ApiError> for Gate {
    fn from(e: ApiError) -> Self {
        Gate::Page(e.into())
    }
}

impl FromRequest for Session {
    type Error = Gate;
    type Future = Pin<Box<dyn Future<Output = Result<Session, Gate>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let cookie = req.cookie(SESSION_COOKIE).map(|c| c.value().to_owned());
        let state = req.app_data::<Data>().cloned();
        let path = req.path().to_owned();
        let next = req
            .uri()
            .path_and_query()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_else(|| path.clone());
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::internal("no app state"))?;
            let Some(cookie) = cookie else {
                return Err(Gate::SignInFirst { next });
            };
            let console = state.console.clone();
            let resumed = read(&state, move |conn| {
                sign_in::resume(conn, &console, &cookie, crate::clock::now())
            })
            .await?
            .ok_or(Gate::SignInFirst { next })?;
            if resumed.totp_pending && path != ACCOUNT && path != "/staff/sign-out" {
                return Err(Gate::SetUpTotp);
            }
            Ok(Session(resumed))
        })
    }
}

/// A console form's post: readable, carrying the session's CSRF token, from this site.
pub(super) fn staff_form(
    state: &Data,
    req: &HttpRequest,
    session: &Resumed,
    body: &[u8],
    back: &str,
) -> Result<Values, PageError> {
    let values = Values::parse(body).map_err(|_| PageError::expired(back.to_owned()))?;
    super::storable(&values)?;
    staff_token(state, req, session, values.get(csrf::FIELD), back)?;
    Ok(values)
}

/// A console post's CSRF token (a form's field, or an upload's part): this session's, from
/// this site; else the post is refused as from an expired page.
pub(super) fn staff_token(
    state: &Data,
    req: &HttpRequest,
    session: &Resumed,
    token: &str,
    back: &str,
) -> Result<(), PageError> {
    let token_ok = csrf::same_bytes(session.csrf_token.as_bytes(), token.as_bytes());
    if token_ok && csrf::same_origin(req, &state.notifier.public_base_url) {
        Ok(())
    } else {
        Err(PageError::expired(back.to_owned()))
    }
}

/// Registers the console's doors.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(signing::sign_in_form)
        .service(signing::sign_in_submit)
        .service(signing::sign_out)
        .service(welcome::welcome_form)
        .service(welcome::welcome_submit)
        .service(account::account)
        .service(account::account_submit);
}
