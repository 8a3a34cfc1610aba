//! The year end: running the check on a campaign's usage as of a date, and each check's
//! verdicts office by office, with the paging a batch's page shares.

use super::super::form::Values;
use super::super::staff::{admin, Session, SummaryLine};
use super::super::{html, see_other, Data, PageError};
use super::{at, summary, yen};
use crate::domain::ids::CampaignId;
use crate::domain::ids::CheckId;
use crate::domain::jst;
use crate::error::ApiError;
use crate::routes::{read, write};
use crate::service::reminders::{self, ReminderRun};
use crate::service::year_end::{self as checks, CheckView, ResultView};
use crate::service::{campaigns, Page};
use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::NaiveDate;
use serde::Deserialize;

/// Rows a check's or a batch's page shows at once when there are too many to show inline.
const PER_PAGE: i64 = 500;

#[derive(Deserialize)]
pub struct PageNumber {
    pub(super) page: Option<i64>,
}

impl PageNumber {
    pub(super) fn page(&self) -> Page {
        Page {
            page: self.page.unwrap_or(1).clamp(1, crate::routes::MAX_PAGE),
            per_page: PER_PAGE,
        }
    }
}

/// Links to the neighbouring pages of `path` when its rows are paged.
pub(super) fn pager(path: &str, page: Page, total: i64) -> (Option<String>, Option<String>) {
    let last = (total + PER_PAGE - 1) / PER_PAGE;
    (
        (page.page > 1).then(|| format!("{path}?page={}", page.page - 1)),
        (page.page < last).then(|| format!("{path}?page={}", page.page + 1)),
    )
}

pub(super) struct CheckLine {
    pub(super) id: String,
    pub(super) as_of: String,
    pub(super) created_at: String,
    pub(super) created_by: String,
    pub(super) eligible_count: i32,
    pub(super) result_count: i64,
    pub(super) total: String,
    pub(super) dry_run: bool,
}

pub(super) fn check_line(c: &CheckView) -> CheckLine {
    CheckLine {
        id: c.id.to_string(),
        as_of: c.as_of.to_string(),
        created_at: at(c.created_at),
        created_by: c.created_by.clone(),
        eligible_count: c.eligible_count,
        result_count: c.result_count,
        total: yen(c.total_amount),
        dry_run: c.dry_run,
    }
}

#[derive(Template)]
#[template(path = "pages/staff/year_end.html")]
struct YearEndPage {
    csrf_token: String,
    is_admin: bool,
    may_change: bool,
    campaign_id: String,
    campaign_name: String,
    ends_on: String,
    as_of: String,
    as_of_error: Option<String>,
    errors: Vec<SummaryLine>,
    checks: Vec<CheckLine>,
    reminders: Vec<ReminderLine>,
}

/// One reminder run, as the audit trail keeps it.
struct ReminderLine {
    at: String,
    actor: String,
    offices: Vec<String>,
}

fn reminder_line(run: ReminderRun) -> ReminderLine {
    ReminderLine {
        at: at(run.at),
        actor: run.actor,
        offices: run.offices,
    }
}

async fn year_end_page(
    state: &Data,
    session: &Session,
    campaign: CampaignId,
    as_of: String,
    as_of_error: Option<String>,
) -> Result<YearEndPage, PageError> {
    let (view, found, reminded) = {
        let campaign = campaign.clone();
        read(state, move |conn| {
            let view = campaigns::get(conn, &campaign, crate::clock::now())?;
            let reminded = reminders::history(conn, &campaign)?
                .into_iter()
                .map(reminder_line)
                .collect::<Vec<_>>();
            Ok((view, checks::list(conn, &campaign)?, reminded))
        })
        .await?
    };
    Ok(YearEndPage {
        csrf_token: session.0.csrf_token.clone(),
        is_admin: admin(&session.0),
        may_change: session.may_change(),
        campaign_id: campaign.to_string(),
        campaign_name: view.name,
        ends_on: jst::day(view.ends_on),
        as_of,
        errors: as_of_error
            .as_ref()
            .map(|e| summary(&[("as_of", "確認する日付", e.clone())]))
            .unwrap_or_default(),
        as_of_error,
        checks: found.iter().map(check_line).collect(),
        reminders: reminded,
    })
}

/// The year end of a campaign: its checks, and a form to run one.
#[get("/staff/campaigns/{id}/year-end")]
pub async fn show_year_end(
    state: Data,
    session: Session,
    id: web::Path<CampaignId>,
) -> Result<HttpResponse, PageError> {
    let today = jst::date_of(crate::clock::now()).to_string();
    let page = year_end_page(&state, &session, id.into_inner(), today, None).await?;
    Ok(html(StatusCode::OK, &page))
}

/// Runs the check through the use case the JSON API calls, as the person, and shows it; the
/// form again with the reason beside the date when refused.
#[post("/staff/campaigns/{id}/year-end-checks")]
pub async fn run_check(
    state: Data,
    req: HttpRequest,
    session: Session,
    id: web::Path<CampaignId>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let campaign = id.into_inner();
    let back = format!("/staff/campaigns/{campaign}/year-end");
    let values: Values = session.change_form(&state, &req, &body, &back)?;
    let typed = values.get("as_of").trim().to_owned();
    let (status, error) = match typed.parse::<NaiveDate>() {
        Err(_) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "日付を 2026-03-31 の形で入力してください".to_owned(),
        ),
        Ok(as_of) => {
            let (actor, target) = (session.actor(), campaign.clone());
            let done = write(&state, move |conn, now| {
                checks::run(conn, &actor, now, &target, as_of)
            })
            .await;
            match done {
                Ok(made) => return Ok(see_other(&format!("/staff/year-end-checks/{}", made.id))),
                Err(ApiError::Invalid(errors)) => (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    errors
                        .first()
                        .map(crate::domain::FieldError::japanese)
                        .unwrap_or_default(),
                ),
                Err(ApiError::Conflict(conflict)) => (StatusCode::CONFLICT, conflict.japanese()),
                Err(e) => return Err(e.into()),
            }
        }
    };
    let page = year_end_page(&state, &session, campaign, typed, Some(error)).await?;
    Ok(html(status, &page))
}

struct ResultLine {
    office_number: String,
    role: &'static str,
    eligible: bool,
    amount: String,
    reasons: Vec<&'static str>,
}

fn result_line(r: &ResultView) -> ResultLine {
    ResultLine {
        office_number: r.office_number.clone(),
        role: r.role.label_ja(),
        eligible: r.eligible,
        amount: yen(r.amount),
        reasons: r.reasons.iter().map(|why| why.explained()).collect(),
    }
}

#[derive(Template)]
#[template(path = "pages/staff/check.html")]
struct CheckPage {
    csrf_token: String,
    is_admin: bool,
    campaign_id: String,
    campaign_name: String,
    check: CheckLine,
    may_change: bool,
    notified_at: Option<String>,
    results: Vec<ResultLine>,
    previous: Option<String>,
    next: Option<String>,
}

/// One check: every office, its verdict, every reason in Japanese and the amount.
#[get("/staff/year-end-checks/{id}")]
pub async fn show_check(
    state: Data,
    session: Session,
    id: web::Path<CheckId>,
    query: web::Query<PageNumber>,
) -> Result<HttpResponse, PageError> {
    let page = query.page();
    let id = id.into_inner();
    let path = format!("/staff/year-end-checks/{id}");
    let (view, name, results) = read(&state, move |conn| {
        let mut view = checks::get(conn, &id)?;
        let name = campaigns::get(conn, &view.campaign_id, crate::clock::now())?.name;
        let results = match view.results.take() {
            Some(all) => all,
            None => checks::results(conn, &id, page)?.items,
        };
        Ok((view, name, results))
    })
    .await?;
    let (previous, next) = if view.result_count > crate::service::MAX_INLINE_ROWS {
        pager(&path, page, view.result_count)
    } else {
        (None, None)
    };
    let page = CheckPage {
        csrf_token: session.0.csrf_token.clone(),
        is_admin: admin(&session.0),
        campaign_id: view.campaign_id.to_string(),
        campaign_name: name,
        check: check_line(&view),
        may_change: session.may_change(),
        notified_at: view.notified_at.map(at),
        results: results.iter().map(result_line).collect(),
        previous,
        next,
    };
    Ok(html(StatusCode::OK, &page))
}
