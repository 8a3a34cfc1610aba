//! The person's own account page: changing the password, turning TOTP on, and replacing its
//! secret (a new phone) once a code from the old one or the password is given.

use super::{
    html, password_refusal_ja, qr, see_other, staff_form, Data, PageError, Session, SummaryLine,
    ACCOUNT,
};
use crate::domain::person::MIN_PASSWORD_CHARS;
use crate::error::ApiError;
use crate::routes::write;
use crate::service::account::{self as own, PasswordChange, Proof, TotpChange};
use crate::service::people;
use crate::service::sign_in::Resumed;
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
    /// TOTP is on: the form replaces the secret and asks for the current one's code.
    replacing: bool,
    current_error: Option<String>,
}

#[derive(Template)]
#[template(path = "pages/staff/account.html")]
struct AccountPage {
    csrf_token: String,
    is_admin: bool,
    name: String,
    email: String,
    done: Option<&'static str>,
    totp_pending: bool,
    errors: Vec<SummaryLine>,
    password_fields: Vec<PasswordField>,
    totp_setup: TotpSetup,
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
        "totp_current_code" => "今の認証アプリの確認コード",
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
    let secret = totp_secret.unwrap_or_else(|| own::new_totp().base32());
    let totp = crate::domain::totp::Totp::from_base32(&secret).unwrap_or_else(|_| own::new_totp());
    let svg =
        qr::svg(&totp.uri(&person.email)).map_err(|e| PageError::from(ApiError::internal(e)))?;
    // Inline in the page: the XML prolog has no place inside HTML.
    let qr_svg = svg
        .find("<svg")
        .map(|at| svg[at..].to_owned())
        .unwrap_or(svg);
    let error_of = |field: &str| {
        errors
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.clone())
    };
    let totp_setup = TotpSetup {
        secret: totp.base32(),
        qr_svg,
        error: error_of("totp_code"),
        replacing: person.totp_secret_sealed.is_some(),
        current_error: error_of("totp_current_code"),
    };
    Ok(AccountPage {
        csrf_token: session.csrf_token.clone(),
        is_admin: super::admin(session),
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
        Some("totp-replaced") => Some(
            "認証アプリを変更しました。次回のサインインから新しいアプリの確認コードが必要です。",
        ),
        _ => None,
    };
    Ok(html(
        StatusCode::OK,
        &account_page(&session, done, Vec::new(), None)?,
    ))
}

/// A change to the person's own account: `action=password` (`current_password`,
/// `new_password`) or `action=totp` (`totp_secret` as shown, `totp_code` from the app; when
/// TOTP is on already, `totp_current_code` from the current app or `totp_password`).
#[post("/staff/account")]
pub async fn account_submit(
    state: Data,
    req: HttpRequest,
    Session(session): Session,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let values = staff_form(&state, &req, &session, &body, ACCOUNT)?;
    let refused = |errors: Vec<(&'static str, String)>, secret: Option<String>| {
        Ok(html(
            StatusCode::UNPROCESSABLE_ENTITY,
            &account_page(&session, None, errors, secret)?,
        ))
    };
    match values.get("action") {
        "password" => {
            let (store, me) = (state.store.clone(), session.clone());
            let (current, chosen) = (
                values.get("current_password").to_owned(),
                values.get("new_password").to_owned(),
            );
            let changed = state
                .hashing
                .run(move || own::change_password(&store, &me, &current, &chosen))
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
            let typed_password = values.get("totp_password").to_owned();
            let password_verified = if typed_password.is_empty() {
                false
            } else {
                // Verified behind a hashing permit, before the write transaction begins.
                let stored = session.person.password_hash.clone().unwrap_or_default();
                state
                    .hashing
                    .run(move || Ok(people::verify_password(&stored, &typed_password)))
                    .await?
            };
            let (console, me) = (state.console.clone(), session.clone());
            let (secret, code, current) = (
                values.get("totp_secret").to_owned(),
                values.get("totp_code").to_owned(),
                values.get("totp_current_code").to_owned(),
            );
            let typed = secret.clone();
            let replacing = session.person.totp_secret_sealed.is_some();
            let enabled = write(&state, move |conn, now| {
                let proof = if password_verified {
                    Proof::PasswordVerified
                } else if current.is_empty() {
                    Proof::Nothing
                } else {
                    Proof::CurrentCode(&current)
                };
                own::enable_totp(conn, &console, now, &me, &secret, &code, proof)
            })
            .await?;
            match enabled {
                Ok(()) if replacing => Ok(see_other(&format!("{ACCOUNT}?done=totp-replaced"))),
                Ok(()) => Ok(see_other(&format!("{ACCOUNT}?done=totp"))),
                Err(TotpChange::WrongCode) => refused(
                    vec![(
                        "totp_code",
                        "確認コードが正しくありません。認証アプリに今表示されている6桁を入力してください".into(),
                    )],
                    Some(typed),
                ),
                Err(TotpChange::NeedsCurrent) => refused(
                    vec![(
                        "totp_current_code",
                        "今お使いの認証アプリに表示されている6桁の確認コード（まだ使っていないもの）か、パスワードを入力してください".into(),
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
