//! The one-time welcome link: a new person chooses their password, and the link stops working.

use super::{
    csrf, html, limit, password_refusal_ja, secret_of, secure_cookies, see_other, with_cookie,
    Data, PageError, Values, SIGN_IN,
};
use crate::domain::person::MIN_PASSWORD_CHARS;
use crate::error::ApiError;
use crate::routes::read;
use crate::service::people;
use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use askama::Template;

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
    let (store, secret) = (state.store.clone(), secret_of(&raw)?);
    match state
        .hashing
        .run(move || people::choose_password(&store, &secret, &chosen))
        .await
    {
        Ok(_) => Ok(see_other(SIGN_IN)),
        // Used meanwhile by another post of the same link.
        Err(ApiError::NotFound(_)) => Err(link_gone()),
        Err(e) => Err(e.into()),
    }
}
