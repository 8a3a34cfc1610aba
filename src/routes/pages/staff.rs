//! The staff console's doors, in Japanese: sign-in and sign-out, the one-time welcome link to
//! choose a password, and the person's own account (password, TOTP); the pages behind them are
//! in `console`. Every `/staff/…` page but these doors needs a live session; every form
//! carries the session's CSRF token (the doors, before a session exists, the applicant pages'
//! double-submit one).

use super::form::Values;
use super::{csrf, html, limit, qr, secret_of, secure_cookies, see_other, Data, PageError};
use crate::domain::person::{PasswordRefusal, MIN_PASSWORD_CHARS};
use crate::domain::role::Role;
use crate::domain::sign_in::{safe_next, HOME};
use crate::error::ApiError;
use crate::routes::auth::SESSION_COOKIE;
use crate::routes::{blocking, read, write};
use crate::service::sign_in::{self, Attempt, PasswordChange, Refusal, Resumed, TotpChange};
use crate::service::{people, ServiceError};
use actix_web::cookie::{time::Duration as CookieAge, Cookie, SameSite};
use actix_web::http::{header, StatusCode};
use actix_web::{
    dev::Payload, get, post, web, FromRequest, HttpRequest, HttpResponse, ResponseError,
};
use askama::Template;
use std::future::Future;
use std::pin::Pin;

const SIGN_IN: &str = "/staff/sign-in";
const ACCOUNT: &str = "/staff/account";
const WRONG: &str = "メールアドレス、パスワード、または確認コードが正しくありません。";

pub(super) fn role_ja(role: Role) -> &'static str {
    match role {
        Role::Admin => "管理者",
        Role::Secretariat => "事務局",
        Role::Auditor => "監査担当",
    }
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

#[derive(Template)]
#[template(path = "pages/staff/sign_in.html")]
struct SignInPage {
    csrf_token: String,
    next: String,
    email: String,
    error: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "pages/staff/welcome.html")]
struct WelcomePage {
    action: String,
    csrf_token: String,
    name: String,
    email: String,
    min_chars: usize,
    error: Option<String>,
}

struct PasswordField {
    name: &'static str,
    label: &'static str,
    autocomplete: &'static str,
    hint: Option<String>,
    error: Option<String>,
}

struct TotpSetup {
    secret: String,
    qr_svg: String,
    error: Option<String>,
}

pub(super) struct SummaryLine {
    pub field: &'static str,
    pub label: &'static str,
    pub message: String,
}

#[derive(Template)]
#[template(path = "pages/staff/account.html")]
struct AccountPage {
    csrf_token: String,
    name: String,
    email: String,
    done: Option<&'static str>,
    totp_pending: bool,
    errors: Vec<SummaryLine>,
    password_fields: Vec<PasswordField>,
    totp_setup: Option<TotpSetup>,
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
    let token_ok = csrf::same_bytes(
        session.csrf_token.as_bytes(),
        values.get(csrf::FIELD).as_bytes(),
    );
    if token_ok && csrf::same_origin(req, &state.notifier.public_base_url) {
        Ok(values)
    } else {
        Err(PageError::expired(back.to_owned()))
    }
}

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
/// every wrong answer, 429 while the email or the client is locked out.
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
    let (store, console) = (state.store.clone(), state.console.clone());
    let outcome = blocking(move || sign_in::sign_in(&store, &console, &attempt)).await?;
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

fn welcome_page(
    action: String,
    csrf_token: String,
    person: &crate::db::people::PersonRow,
    error: Option<String>,
) -> WelcomePage {
    WelcomePage {
        action,
        csrf_token,
        name: person.name.clone(),
        email: person.email.clone(),
        min_chars: MIN_PASSWORD_CHARS,
        error,
    }
}

fn link_gone() -> PageError {
    PageError::new(
        StatusCode::NOT_FOUND,
        "このリンクは使えません",
        "パスワード設定用のリンクは一度だけ、発行から72時間まで使えます。管理者に新しいリンクを依頼してください。",
    )
}

async fn welcomed(state: &Data, raw: &str) -> Result<crate::db::people::PersonRow, PageError> {
    let secret = secret_of(raw).map_err(|_| link_gone())?;
    match read(state, move |conn| {
        people::welcomed(conn, &secret, crate::clock::now())
    })
    .await
    {
        Err(ApiError::NotFound(_)) => Err(link_gone()),
        other => Ok(other?),
    }
}

/// The one-time link's form to choose a password.
#[get("/staff/welcome/{secret}")]
pub async fn welcome_form(
    state: Data,
    req: HttpRequest,
    raw: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    limit(&req, &state)?;
    let person = welcomed(&state, &raw).await?;
    let token = csrf::token(&req, secure_cookies(&state));
    let page = welcome_page(format!("/staff/welcome/{raw}"), token.value, &person, None);
    with_cookie(html(StatusCode::OK, &page), token.cookie)
}

/// Sets the chosen password; the link then stops working. 422 with the reason beside the
/// field when the password is refused.
#[post("/staff/welcome/{secret}")]
pub async fn welcome_submit(
    state: Data,
    req: HttpRequest,
    raw: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    limit(&req, &state)?;
    let action = format!("/staff/welcome/{raw}");
    let values = Values::parse(&body).map_err(|_| PageError::expired(action.clone()))?;
    if !csrf::verify(
        &req,
        values.get(csrf::FIELD),
        &state.notifier.public_base_url,
    ) {
        return Err(PageError::expired(action));
    }
    super::storable(&values)?;
    let person = welcomed(&state, &raw).await?;
    let chosen = values.get("password").to_owned();
    let email = crate::domain::person::StaffEmail::parse(&person.email).map_err(|_| link_gone())?;
    if let Err(refusal) = crate::domain::person::Password::parse(&chosen, &email) {
        let token = values.get(csrf::FIELD).to_owned();
        let page = welcome_page(action, token, &person, Some(password_refusal_ja(refusal)));
        return Ok(html(StatusCode::UNPROCESSABLE_ENTITY, &page));
    }
    let secret = secret_of(&raw)?;
    write(&state, move |conn, now| {
        people::choose_password(conn, now, &secret, &chosen).map(drop)
    })
    .await?;
    Ok(see_other(SIGN_IN))
}

#[derive(serde::Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

fn password_fields(errors: &[(&'static str, String)]) -> Vec<PasswordField> {
    let error = |name: &str| {
        errors
            .iter()
            .find(|(field, _)| *field == name)
            .map(|(_, m)| m.clone())
    };
    vec![
        PasswordField {
            name: "current_password",
            label: "現在のパスワード",
            autocomplete: "current-password",
            hint: None,
            error: error("current_password"),
        },
        PasswordField {
            name: "new_password",
            label: "新しいパスワード",
            autocomplete: "new-password",
            hint: Some(format!(
                "{MIN_PASSWORD_CHARS}文字以上。よく使われるパスワードやメールアドレスは使えません。"
            )),
            error: error("new_password"),
        },
    ]
}

fn label_of(field: &str) -> &'static str {
    match field {
        "current_password" => "現在のパスワード",
        "new_password" => "新しいパスワード",
        _ => "確認コード",
    }
}

/// The account page; `errors` name the field at fault, `totp_secret` is the secret being set
/// up when a code for it was refused.
fn account_page(
    session: &Resumed,
    done: Option<&'static str>,
    errors: Vec<(&'static str, String)>,
    totp_secret: Option<String>,
) -> Result<AccountPage, PageError> {
    let person = &session.person;
    let totp_setup = if person.totp_secret_sealed.is_some() {
        None
    } else {
        let secret = totp_secret.unwrap_or_else(|| sign_in::new_totp().base32());
        let totp =
            crate::domain::totp::Totp::from_base32(&secret).unwrap_or_else(|_| sign_in::new_totp());
        let svg = qr::svg(&totp.uri(&person.email))
            .map_err(|e| PageError::from(ApiError::internal(e)))?;
        // Inline in the page: the XML prolog has no place inside HTML.
        let qr_svg = svg
            .find("<svg")
            .map(|at| svg[at..].to_owned())
            .unwrap_or(svg);
        Some(TotpSetup {
            secret: totp.base32(),
            qr_svg,
            error: errors
                .iter()
                .find(|(f, _)| *f == "totp_code")
                .map(|(_, m)| m.clone()),
        })
    };
    Ok(AccountPage {
        csrf_token: session.csrf_token.clone(),
        name: person.name.clone(),
        email: person.email.clone(),
        done,
        totp_pending: session.totp_pending,
        password_fields: password_fields(&errors),
        errors: errors
            .into_iter()
            .map(|(field, message)| SummaryLine {
                field,
                label: label_of(field),
                message,
            })
            .collect(),
        totp_setup,
    })
}

/// The person's own account: change the password, turn TOTP on.
#[get("/staff/account")]
pub async fn account(
    Session(session): Session,
    query: web::Query<DoneQuery>,
) -> Result<HttpResponse, PageError> {
    let done = match query.done.as_deref() {
        Some("password") => Some("パスワードを変更しました。"),
        Some("totp") => {
            Some("2段階認証を有効にしました。次回のサインインから確認コードが必要です。")
        }
        _ => None,
    };
    Ok(html(
        StatusCode::OK,
        &account_page(&session, done, Vec::new(), None)?,
    ))
}

/// A change to the person's own account: `action=password` (`current_password`,
/// `new_password`) or `action=totp` (`totp_secret` as shown, `totp_code` from the app).
#[post("/staff/account")]
pub async fn account_submit(
    state: Data,
    req: HttpRequest,
    Session(session): Session,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let values = staff_form(&state, &req, &session, &body, ACCOUNT)?;
    let person_id = session.person.id.clone();
    let refused = |errors: Vec<(&'static str, String)>, secret: Option<String>| {
        Ok(html(
            StatusCode::UNPROCESSABLE_ENTITY,
            &account_page(&session, None, errors, secret)?,
        ))
    };
    match values.get("action") {
        "password" => {
            let store = state.store.clone();
            let (current, chosen) = (
                values.get("current_password").to_owned(),
                values.get("new_password").to_owned(),
            );
            let changed =
                blocking(move || sign_in::change_password(&store, &person_id, &current, &chosen))
                    .await?;
            match changed {
                Ok(()) => Ok(see_other(&format!("{ACCOUNT}?done=password"))),
                Err(PasswordChange::WrongCurrent) => refused(
                    vec![(
                        "current_password",
                        "現在のパスワードが正しくありません".into(),
                    )],
                    None,
                ),
                Err(PasswordChange::Refused(refusal)) => {
                    refused(vec![("new_password", password_refusal_ja(refusal))], None)
                }
            }
        }
        "totp" => {
            let console = state.console.clone();
            let (secret, code) = (
                values.get("totp_secret").to_owned(),
                values.get("totp_code").to_owned(),
            );
            let typed = secret.clone();
            let enabled = write(&state, move |conn, now| {
                sign_in::enable_totp(conn, &console, now, &person_id, &secret, &code)
            })
            .await?;
            match enabled {
                Ok(()) => Ok(see_other(&format!("{ACCOUNT}?done=totp"))),
                Err(TotpChange::WrongCode) => refused(
                    vec![(
                        "totp_code",
                        "確認コードが正しくありません。認証アプリに今表示されている6桁を入力してください".into(),
                    )],
                    Some(typed),
                ),
                Err(TotpChange::BadSecret) => refused(
                    vec![(
                        "totp_code",
                        "設定用のキーが読み取れませんでした。新しいQRコードでやり直してください".into(),
                    )],
                    None,
                ),
            }
        }
        _ => Err(ApiError::from(ServiceError::NotFound("account action")).into()),
    }
}

/// Registers the console's doors.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(sign_in_form)
        .service(sign_in_submit)
        .service(sign_out)
        .service(welcome_form)
        .service(welcome_submit)
        .service(account)
        .service(account_submit);
}
