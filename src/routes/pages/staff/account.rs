//! The person's own account page: changing the password and turning TOTP on.

use super::{
    html, password_refusal_ja, qr, see_other, staff_form, Data, PageError, Session, SummaryLine,
    ACCOUNT,
};
use crate::domain::person::MIN_PASSWORD_CHARS;
use crate::error::ApiError;
use crate::routes::{blocking, write};
use crate::service::sign_in::{self, PasswordChange, Resumed, TotpChange};
use crate::service::ServiceError;
use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use askama::Template;

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
                field: field.to_owned(),
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
