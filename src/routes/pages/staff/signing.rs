//! Signing in and out of the staff console, and the session cookie they set and clear.

use super::{
    csrf, html, limit, secure_cookies, see_other, staff_form, with_cookie, Data, PageError,
    Session, Values, SIGN_IN,
};
use crate::domain::sign_in::{safe_next, HOME};
use crate::routes::auth::SESSION_COOKIE;
use crate::routes::{blocking, write};
use crate::service::sign_in::{self, Attempt, Refusal};
use actix_web::cookie::{time::Duration as CookieAge, Cookie, SameSite};
use actix_web::http::{header, StatusCode};
use actix_web::{get, post, web, HttpRequest, HttpResponse, ResponseError};
use askama::Template;

const WRONG: &str = "メールアドレス、パスワード、または確認コードが正しくありません。";

#[derive(Template)]
#[template(path = "pages/staff/sign_in.html")]
struct SignInPage {
    csrf_token: String,
    next: String,
    email: String,
    error: Option<&'static str>,
}

fn session_cookie(state: &Data, value: String) -> Cookie<'static> {
    // Lax, not Strict: a link to a console page from an email or chat arrives signed in.
    Cookie::build(SESSION_COOKIE, value)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure_cookies(state))
        .finish()
}

#[derive(serde::Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// The sign-in form.
#[get("/staff/sign-in")]
pub async fn sign_in_form(
    state: Data,
    req: HttpRequest,
    query: web::Query<NextQuery>,
) -> Result<HttpResponse, PageError> {
    limit(&req, &state)?;
    let token = csrf::token(&req, secure_cookies(&state));
    let page = SignInPage {
        csrf_token: token.value,
        next: safe_next(query.next.as_deref().unwrap_or(HOME)).to_owned(),
        email: String::new(),
        error: None,
    };
    with_cookie(html(StatusCode::OK, &page), token.cookie)
}

/// Signs a person in: 303 to `next` with a new session's cookie, 401 with one wording for
/// every wrong answer, 429 while the email or the client is locked out, 503 with
/// `Retry-After` when every hashing permit stayed taken for the whole wait.
#[post("/staff/sign-in")]
pub async fn sign_in_submit(
    state: Data,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    limit(&req, &state)?;
    let values = Values::parse(&body).map_err(|_| PageError::expired(SIGN_IN.into()))?;
    if !csrf::verify(
        &req,
        values.get(csrf::FIELD),
        &state.notifier.public_base_url,
    ) {
        return Err(PageError::expired(SIGN_IN.into()));
    }
    super::storable(&values)?;
    let next = safe_next(values.get("next")).to_owned();
    let attempt = Attempt {
        email: values.get("email").to_owned(),
        password: values.get("password").to_owned(),
        totp: values.get("totp").to_owned(),
        client: crate::routes::client_addr::of(&req)
            .map(|a| a.to_string())
            .unwrap_or_default(),
    };
    let store = state.store.clone();
    let (precheck, attempt) = blocking(move || {
        let locked = sign_in::locked_out(&store, &attempt)?;
        Ok((locked, attempt))
    })
    .await?;
    let outcome = match precheck {
        Some(refusal) => Err(refusal),
        None => {
            let (store, console) = (state.store.clone(), state.console.clone());
            state
                .hashing
                .run(move || sign_in::sign_in(&store, &console, &attempt))
                .await?
        }
    };
    match outcome {
        Ok(signed) => {
            let res = see_other(&next);
            with_cookie(
                res,
                Some(session_cookie(&state, signed.cookie.expose().to_owned())),
            )
        }
        Err(Refusal::WrongCredentials) => {
            let page = SignInPage {
                csrf_token: values.get(csrf::FIELD).to_owned(),
                next,
                email: values.get("email").to_owned(),
                error: Some(WRONG),
            };
            Ok(html(StatusCode::UNAUTHORIZED, &page))
        }
        Err(Refusal::LockedOut { retry_after_secs }) => {
            let mut res = PageError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "しばらくサインインできません",
                "サインインの失敗が続いたため、安全のため一時的に受け付けを止めています。15分ほど待ってから、もう一度お試しください。",
            )
            .with_link(SIGN_IN.into(), "サインイン画面へ")
            .error_response();
            res.headers_mut().insert(
                header::RETRY_AFTER,
                header::HeaderValue::from(retry_after_secs),
            );
            Ok(res)
        }
    }
}

/// Ends the session on the server and clears the cookie.
#[post("/staff/sign-out")]
pub async fn sign_out(
    state: Data,
    req: HttpRequest,
    Session(session): Session,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    staff_form(&state, &req, &session, &body, HOME)?;
    write(&state, move |conn, now| {
        sign_in::sign_out(conn, now, &session)
    })
    .await?;
    let mut gone = session_cookie(&state, String::new());
    gone.set_max_age(CookieAge::ZERO);
    with_cookie(see_other(SIGN_IN), Some(gone))
}
