//! The applicant corrects what was sent, behind the status link: the contact, each office's
//! names, postal address and email, until the campaign's deadline. The form is read into the
//! JSON API's correction and judged by the same rules; a refusal comes back as a draft
//! (post/redirect/get) with what was typed and every error beside its field.

use super::drafts;
use super::form::{self, contact_section, control, placed, Values};
use super::status::{footer, load_status};
use super::{csrf, html, limit, secure_cookies, verified, with_cookie, Data};
use super::{views, PageError};
use crate::domain::correction::{Closed, ContactCorrection, CorrectionInput, OfficeCorrection};
use crate::domain::jst;
use crate::domain::secret::LinkSecret;
use crate::error::ApiError;
use crate::service::applications::{self, StatusPage};
use crate::service::drafts::Draft;
use crate::service::status_link;
use actix_web::http::StatusCode;
use actix_web::{post, route, web, HttpRequest, HttpResponse};

/// The office fields a correction may change, in the form's order.
const OFFICE_FIELDS: [&str; 4] = ["name", "corporation_name", "address", "email"];

/// An email field left blank keeps the address: the page never shows the address whole.
const KEEP_EMAIL: &str = "変更する場合のみ入力してください。";

/// Why the page takes no correction, and whom to ask.
pub fn closed_message(page: &StatusPage, closed: Closed) -> String {
    let ask = if footer(page).is_some() {
        "訂正が必要な場合は、ページ下のお問い合わせ先から事務局へご連絡ください。"
    } else {
        "訂正が必要な場合は、事務局へご連絡ください。"
    };
    match closed {
        Closed::DeadlinePassed => format!(
            "応募締切（{}）を過ぎたため、応募内容の訂正は受け付けていません。{ask}",
            jst::day(page.deadline)
        ),
        Closed::Left(status) => format!(
            "この応募は{}のため、応募内容の訂正はできません。",
            status.label_ja()
        ),
    }
}

fn closed_page(page: &StatusPage, closed: Closed, base: String) -> PageError {
    PageError::new(
        StatusCode::CONFLICT,
        "応募内容の訂正は受け付けていません",
        closed_message(page, closed),
    )
    .with_link(base, "応募状況へ戻る")
}

/// What the form holds when opened: what was sent, the addresses left blank.
fn current(page: &StatusPage) -> Values {
    let mut fields = vec![("contact.name".to_owned(), page.contact_name.clone())];
    for (i, o) in page.offices.iter().enumerate() {
        let p = format!("offices.{i}");
        fields.push((format!("{p}.office_number"), o.office_number.clone()));
        fields.push((format!("{p}.name"), o.name.clone()));
        fields.push((format!("{p}.corporation_name"), o.corporation_name.clone()));
        fields.push((format!("{p}.address"), o.address.clone()));
    }
    fields.into_iter().collect()
}

/// The form read into the JSON API's correction: a blank address keeps the old one.
fn input_of(values: &Values, offices: usize) -> CorrectionInput {
    let text = |name: &str| Some(values.get(name).to_owned());
    let email = |name: &str| {
        Some(values.get(name).trim())
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    CorrectionInput {
        contact: ContactCorrection {
            name: text("contact.name"),
            email: email("contact.email"),
        },
        offices: (0..offices)
            .map(|i| {
                let p = format!("offices.{i}");
                OfficeCorrection {
                    office_number: values.get(&format!("{p}.office_number")).to_owned(),
                    corporate_number: None,
                    name: text(&format!("{p}.name")),
                    corporation_name: text(&format!("{p}.corporation_name")),
                    address: text(&format!("{p}.address")),
                    email: email(&format!("{p}.email")),
                }
            })
            .collect(),
    }
}

fn layout(
    page: &StatusPage,
    values: &Values,
    errors: &[crate::domain::FieldError],
) -> form::Layout {
    let mut contact = contact_section(values);
    contact.note = "連絡先を変えると、以後のお知らせは新しいメールアドレスへお送りします（訂正のお知らせは、変更前のアドレスにもお送りします）。".into();
    contact.controls[1].hint = KEEP_EMAIL;
    contact.controls[1].required = false;
    contact.facts = vec![("現在のメールアドレス".into(), page.contact_email.clone())];
    let mut sections = vec![contact];
    for (i, o) in page.offices.iter().enumerate() {
        let p = format!("offices.{i}");
        let mut controls = vec![form::Control {
            kind: "hidden",
            ..control(format!("{p}.office_number"), values)
        }];
        for field in OFFICE_FIELDS {
            let mut c = control(format!("{p}.{field}"), values);
            if field == "email" {
                c.hint = KEEP_EMAIL;
                c.required = false;
            }
            controls.push(c);
        }
        sections.push(form::Section {
            id: format!("s-offices-{i}"),
            legend: o.role.label_for_ja(o.kind),
            note: "事業所番号と法人番号は訂正できません。変更する場合は、正しい番号であらためてご応募ください（新しい受付番号となります）。".into(),
            facts: vec![
                ("事業所番号".into(), o.office_number.clone()),
                ("法人番号".into(), o.corporate_number.clone()),
                ("現在のメールアドレス".into(), o.email.clone()),
            ],
            controls,
            error: None,
        });
    }
    placed(sections, errors)
}

fn correction_page(
    page: &StatusPage,
    base: &str,
    csrf_token: String,
    values: &Values,
    errors: &[crate::domain::FieldError],
) -> views::CorrectionPage {
    views::CorrectionPage {
        campaign_name: page.campaign_name.clone(),
        sequence: page.sequence,
        deadline: jst::day(page.deadline),
        action: format!("{base}/edit"),
        status_path: base.to_owned(),
        csrf_token,
        draft: None,
        notice: None,
        layout: layout(page, values, errors),
        footer: footer(page),
    }
}

#[derive(serde::Deserialize)]
pub struct EditQuery {
    draft: Option<String>,
}

/// The correction form: what was sent, or a refused post's draft with its errors.
#[route("/status/{secret}/edit", method = "GET", method = "HEAD")]
pub async fn correction_form(
    state: Data,
    req: HttpRequest,
    secret: web::Path<LinkSecret>,
    query: web::Query<EditQuery>,
) -> Result<HttpResponse, PageError> {
    limit(&req, &state)?;
    let secret = secret.into_inner().into_secret();
    let base = status_link::page_path(&secret);
    let page = load_status(&state, secret).await?;
    if let Err(closed) = page.correction {
        return Err(closed_page(&page, closed, base));
    }
    let token = csrf::token(&req, secure_cookies(&state));
    let action = format!("{base}/edit");
    let named = query.draft.as_deref();
    let reopened = drafts::reopened(&state, &action, named, &token.value).await?;
    let draft: Option<&Draft> = reopened.as_ref().and_then(Option::as_ref);
    let (values, errors) = match draft {
        Some(d) => (drafts::values_of(d), d.errors.clone()),
        None => (current(&page), Vec::new()),
    };
    let mut view = correction_page(&page, &base, token.value, &values, &errors);
    (view.draft, view.notice) = drafts::marks(named, &reopened);
    with_cookie(html(StatusCode::OK, &view), token.cookie)
}

/// Corrects and returns to the status page; refused, back to the form with every error.
#[post("/status/{secret}/edit")]
pub async fn correct(
    state: Data,
    req: HttpRequest,
    secret: web::Path<LinkSecret>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    limit(&req, &state)?;
    let secret = secret.into_inner().into_secret();
    let base = status_link::page_path(&secret);
    let action = format!("{base}/edit");
    let values = verified(&req, &state, &body, &action)?;
    let page = load_status(&state, secret.clone()).await?;
    if let Err(closed) = page.correction {
        return Err(closed_page(&page, closed, base));
    }
    let input = input_of(&values, page.offices.len());
    let notifier = state.notifier.clone();
    let target = secret.clone();
    let settled = drafts::settle(&state, &action, &base, &values, move |conn, now| {
        applications::correct_by_secret(conn, &notifier, now, &target, &input).map(drop)
    })
    .await?;
    match settled {
        Ok(answer) => Ok(answer),
        Err(ApiError::Conflict(_)) => {
            // Closed between the page's read and the write (the deadline passed, a withdrawal).
            let page = load_status(&state, secret).await?;
            let closed = page.correction.err().unwrap_or(Closed::DeadlinePassed);
            Err(closed_page(&page, closed, base))
        }
        Err(other) => Err(other.into()),
    }
}
