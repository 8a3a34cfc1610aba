//! The applicant's status page behind the secret link in their emails, and the withdrawal
//! with its confirmation step.

use super::drafts;
use super::views::{self, ConditionLine, OfficeLine, SurveyLine};
use super::{csrf, html, limit, secure_cookies, see_other, verified, with_cookie, Data, PageError};
use crate::domain::jst;
use crate::domain::money::with_separators;
use crate::domain::secret::LinkSecret;
use crate::domain::secret::Secret;
use crate::domain::survey::WindowState;
use crate::error::ApiError;
use crate::routes::read;
use crate::service::applications::{self, StatusPage, MAX_REASON_CHARS};
use crate::service::status_link;
use crate::service::surveys;
use actix_web::http::StatusCode;
use actix_web::{post, route, web, HttpRequest, HttpResponse};

fn survey_lines(
    secret: &Secret,
    o: &crate::service::applications::StatusOffice,
) -> Vec<SurveyLine> {
    o.surveys
        .iter()
        .map(|s| {
            let (href, note) = match s.state {
                WindowState::Open => (
                    Some(surveys::page_path(secret, s.kind, &o.office_number)),
                    None,
                ),
                WindowState::NotYet(Some(day)) => {
                    (None, Some(format!("{}から回答できます", jst::day(day))))
                }
                WindowState::NotYet(None) => (None, None),
                WindowState::Closed(day) => (
                    None,
                    Some(format!("回答期限（{}）を過ぎました", jst::day(day))),
                ),
            };
            SurveyLine {
                label: s.kind.label_ja(),
                answered: s.answered,
                href,
                note,
            }
        })
        .collect()
}

fn office_lines(page: &StatusPage, secret: Option<&Secret>) -> Vec<OfficeLine> {
    page.offices
        .iter()
        .map(|o| OfficeLine {
            surveys: secret.map(|s| survey_lines(s, o)).unwrap_or_default(),
            name: o.name.clone(),
            office_number: o.office_number.clone(),
            kind_label: o.kind.label_ja(),
            corporate_number: o.corporate_number.clone(),
            corporation_name: o.corporation_name.clone(),
            municipality_code: o.municipality_code.clone(),
            address: o.address.clone(),
            email: o.email.clone(),
            check_digit_mismatch: crate::domain::office_number::OfficeNumber::parse(
                &o.office_number,
            )
            .is_ok_and(|parsed| !parsed.check_digit_matches),
            role: o.role.label_for_ja(o.kind),
            honorarium: with_separators(o.honorarium_yen),
            conditions: o
                .conditions
                .iter()
                .map(|c| ConditionLine {
                    text: c.reason.requirement(),
                    met: c.met,
                })
                .collect(),
        })
        .collect()
}

pub(super) fn footer(page: &StatusPage) -> Option<views::Footer> {
    views::Footer::new(
        page.secretariat.clone(),
        page.privacy_notice.clone(),
        page.privacy_notice_url.clone(),
    )
}

pub(super) async fn load_status(state: &Data, secret: Secret) -> Result<StatusPage, PageError> {
    Ok(read(state, move |conn| {
        applications::status_page(conn, &secret, crate::clock::now())
    })
    .await?)
}

/// The applicant's status page behind the secret link in their emails.
#[route("/status/{secret}", method = "GET", method = "HEAD")]
pub async fn applicant_status(
    state: Data,
    req: HttpRequest,
    secret: web::Path<LinkSecret>,
) -> Result<HttpResponse, PageError> {
    limit(&req, &state)?;
    let secret = secret.into_inner().into_secret();
    let base = status_link::page_path(&secret);
    let page = load_status(&state, secret.clone()).await?;
    let view = views::StatusPage {
        campaign_name: page.campaign_name.clone(),
        region_name: page.region_name.clone(),
        apply_path: format!("/apply/{}", page.campaign_code),
        status_value: page.status.as_str(),
        status_label: page.status.label_ja(),
        status_reason: page.status_reason.clone(),
        sequence: page.sequence,
        tier_label: page.tier.label_ja(),
        submitted_at: page.submitted_at.clone(),
        place_in_line: page.place_in_line,
        left_at: page.left_at.clone(),
        contact_name: page.contact_name.clone(),
        contact_email: page.contact_email.clone(),
        offices: office_lines(&page, Some(&secret)),
        ends_on: jst::day(page.ends_on),
        deadline: jst::day(page.deadline),
        correct_path: page.correction.is_ok().then(|| format!("{base}/edit")),
        correction_closed: page
            .correction
            .err()
            .map(|closed| super::correction::closed_message(&page, closed)),
        withdraw_path: page.may_withdraw().then(|| format!("{base}/withdraw")),
        footer: footer(&page),
    };
    Ok(html(StatusCode::OK, &view))
}

fn withdraw_page(
    page: &StatusPage,
    base: &str,
    csrf_token: String,
    reason: &str,
    reason_error: Option<String>,
) -> views::WithdrawPage {
    views::WithdrawPage {
        campaign_name: page.campaign_name.clone(),
        sequence: page.sequence,
        status_label: page.status.label_ja(),
        offices: office_lines(page, None),
        status_path: base.to_owned(),
        withdraw_path: format!("{base}/withdraw"),
        csrf_token,
        reason: reason.to_owned(),
        reason_error,
        max_reason: MAX_REASON_CHARS,
        draft: None,
        notice: None,
        footer: footer(page),
    }
}

#[derive(serde::Deserialize)]
pub struct WithdrawQuery {
    draft: Option<String>,
}

/// The confirmation step before withdrawing; after a refused post, with the reason as typed
/// and why it was refused.
#[route("/status/{secret}/withdraw", method = "GET", method = "HEAD")]
pub async fn withdraw_form(
    state: Data,
    req: HttpRequest,
    secret: web::Path<LinkSecret>,
    query: web::Query<WithdrawQuery>,
) -> Result<HttpResponse, PageError> {
    limit(&req, &state)?;
    let secret = secret.into_inner().into_secret();
    let base = status_link::page_path(&secret);
    let page = load_status(&state, secret).await?;
    if !page.may_withdraw() {
        return Ok(see_other(&base));
    }
    let token = csrf::token(&req, secure_cookies(&state));
    let confirm = format!("{base}/withdraw");
    let named = query.draft.as_deref();
    let reopened = drafts::reopened(&state, &confirm, named, &token.value).await?;
    let draft = reopened.as_ref().and_then(Option::as_ref);
    let reason = draft.map(|d| drafts::values_of(d).get("reason").to_owned());
    let error = draft
        .and_then(|d| d.errors.first())
        .map(crate::domain::FieldError::japanese);
    let mut view = withdraw_page(
        &page,
        &base,
        token.value,
        reason.as_deref().unwrap_or(""),
        error,
    );
    (view.draft, view.notice) = drafts::marks(named, &reopened);
    with_cookie(html(StatusCode::OK, &view), token.cookie)
}

/// Withdraws, once confirmed, and returns to the status page.
#[post("/status/{secret}/withdraw")]
pub async fn withdraw(
    state: Data,
    req: HttpRequest,
    secret: web::Path<LinkSecret>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    limit(&req, &state)?;
    let secret = secret.into_inner().into_secret();
    let base = status_link::page_path(&secret);
    let confirm = format!("{base}/withdraw");
    let values = verified(&req, &state, &body, &confirm)?;
    if values.get("confirm") != "yes" {
        return Ok(see_other(&confirm));
    }
    let notifier = state.notifier.clone();
    let asked = values.get("reason").to_owned();
    let settled = drafts::settle(&state, &confirm, &base, &values, move |conn, now| {
        applications::withdraw_by_secret(conn, &notifier, now, &secret, Some(&asked)).map(drop)
    })
    .await?;
    match settled {
        Ok(answer) => Ok(answer),
        Err(ApiError::Conflict(_)) => Err(PageError::new(
            StatusCode::CONFLICT,
            "辞退の手続きができません",
            "この応募はすでに辞退済みか、辞退できない状態です。",
        )
        .with_link(base, "応募状況を見る")),
        Err(other) => Err(other.into()),
    }
}
