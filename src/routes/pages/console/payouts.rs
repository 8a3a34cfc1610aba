//! Payout batches: a campaign's batches, drafting one from the latest year-end check, and a
//! second person approving it after giving their password again, or cancelling it.

use super::super::form::Values;
use super::super::staff::{admin, Session, SummaryLine};
use super::super::{html, see_other, Data, PageError};
use super::year_end::{check_line, pager, CheckLine, PageNumber};
use super::{at, refused, summary, yen};
use crate::domain::ids::CampaignId;
use crate::domain::ids::{BatchId, CheckId};
use crate::domain::payout::BatchStatus;
use crate::domain::person::may_approve;
use crate::routes::{read, write, write_as};
use crate::service::payouts::{self, BatchInput, BatchView, LineView};
use crate::service::year_end as checks;
use crate::service::{campaigns, people, sign_in, Page};
use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use askama::Template;

struct BatchLine {
    id: String,
    status: &'static str,
    created_at: String,
    author: String,
    decider: String,
    line_count: i32,
    total: String,
}

fn author_of(b: &BatchView) -> String {
    b.created_by_person
        .as_ref()
        .map(|p| p.name.clone())
        .unwrap_or_else(|| b.created_by.clone())
}

fn decider_of(b: &BatchView) -> String {
    b.decided_by_person
        .as_ref()
        .map(|p| p.name.clone())
        .or_else(|| b.decided_by.clone())
        .unwrap_or_default()
}

fn batch_line(b: &BatchView) -> BatchLine {
    BatchLine {
        id: b.id.to_string(),
        status: b.status.label_ja(),
        created_at: at(b.created_at),
        author: author_of(b),
        decider: decider_of(b),
        line_count: b.line_count,
        total: yen(b.total_amount),
    }
}

#[derive(Template)]
#[template(path = "pages/staff/payouts.html")]
struct PayoutsPage {
    csrf_token: String,
    is_admin: bool,
    may_change: bool,
    campaign_id: String,
    campaign_name: String,
    batches: Vec<BatchLine>,
    latest: Option<CheckLine>,
    /// Approved batches a new one may correct; one must be chosen once there is any.
    approved: Vec<BatchLine>,
}

/// A campaign's payout batches, and the form to draft one from the latest check.
#[get("/staff/campaigns/{id}/payouts")]
pub async fn show_payouts(
    state: Data,
    session: Session,
    id: web::Path<CampaignId>,
) -> Result<HttpResponse, PageError> {
    let campaign = id.into_inner();
    let (view, found, latest) = {
        let campaign = campaign.clone();
        read(&state, move |conn| {
            let view = campaigns::get(conn, &campaign, crate::clock::now())?;
            let found = payouts::list(conn, &campaign)?;
            let latest = checks::list(conn, &campaign)?.into_iter().next();
            Ok((view, found, latest))
        })
        .await?
    };
    let page = PayoutsPage {
        csrf_token: session.0.csrf_token.clone(),
        is_admin: admin(&session.0),
        may_change: session.may_change(),
        campaign_id: campaign.to_string(),
        campaign_name: view.name,
        approved: found
            .iter()
            .filter(|b| b.status == BatchStatus::Approved)
            .map(batch_line)
            .collect(),
        batches: found.iter().map(batch_line).collect(),
        latest: latest.as_ref().map(check_line),
    };
    Ok(html(StatusCode::OK, &page))
}

/// Drafts a batch through the use case the JSON API calls, as the person, and shows it.
#[post("/staff/campaigns/{id}/payout-batches")]
pub async fn draft_batch(
    state: Data,
    req: HttpRequest,
    session: Session,
    id: web::Path<CampaignId>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let campaign = id.into_inner();
    let back = format!("/staff/campaigns/{campaign}/payouts");
    let values = session.change_form(&state, &req, &body, &back)?;
    let input = BatchInput {
        year_end_check_id: CheckId::from(values.get("year_end_check_id")),
        corrects: Some(values.get("corrects"))
            .filter(|c| !c.is_empty())
            .map(BatchId::from),
    };
    let actor = session.actor();
    let made = write(&state, move |conn, now| {
        payouts::create(conn, &actor, now, &campaign, &input)
    })
    .await
    .map_err(|e| refused(e, back))?;
    Ok(see_other(&format!("/staff/payout-batches/{}", made.id)))
}

struct Line {
    office_number: String,
    role: &'static str,
    amount: String,
    reclaim: bool,
}

fn line(l: &LineView) -> Line {
    Line {
        office_number: l.office_number.clone(),
        role: l.role.label_ja(),
        amount: yen(l.amount),
        reclaim: l.amount < 0,
    }
}

/// Who drafted, or decided, a batch and when.
struct Signature {
    name: String,
    label: String,
    at: String,
}

#[derive(Template)]
#[template(path = "pages/staff/batch.html")]
struct BatchPage {
    csrf_token: String,
    is_admin: bool,
    campaign_id: String,
    campaign_name: String,
    batch: BatchLine,
    draft: bool,
    check_id: String,
    corrects: String,
    author: Signature,
    decided_as: &'static str,
    decider: Option<Signature>,
    lines: Vec<Line>,
    previous: Option<String>,
    next: Option<String>,
    may_approve: bool,
    may_cancel: bool,
    /// An approved batch, for which a person who may operate can write the bank's file.
    may_transfer: bool,
    password_error: Option<String>,
    errors: Vec<SummaryLine>,
    totp_on: bool,
    today: String,
}

struct LoadedBatch {
    batch: BatchView,
    campaign_name: String,
    lines: Vec<LineView>,
    page: Page,
}

async fn load_batch(state: &Data, id: BatchId, page: Page) -> Result<LoadedBatch, PageError> {
    Ok(read(state, move |conn| {
        let mut batch = payouts::get(conn, &id)?;
        let campaign_name = campaigns::get(conn, &batch.campaign_id, crate::clock::now())?.name;
        let lines = match batch.lines.take() {
            Some(all) => all,
            None => payouts::lines(conn, &id, page)?.items,
        };
        Ok(LoadedBatch {
            batch,
            campaign_name,
            lines,
            page,
        })
    })
    .await?)
}

fn batch_view(session: &Session, loaded: LoadedBatch, password_error: Option<String>) -> BatchPage {
    let b = &loaded.batch;
    let draft = b.status == BatchStatus::Draft;
    let me = &session.0.person.id;
    let path = format!("/staff/payout-batches/{}", b.id);
    let (previous, next) = if i64::from(b.line_count) > crate::service::MAX_INLINE_ROWS {
        pager(&path, loaded.page, b.line_count.into())
    } else {
        (None, None)
    };
    BatchPage {
        csrf_token: session.0.csrf_token.clone(),
        is_admin: admin(&session.0),
        campaign_id: b.campaign_id.to_string(),
        campaign_name: loaded.campaign_name.clone(),
        batch: batch_line(b),
        draft,
        check_id: b.year_end_check_id.to_string(),
        corrects: b
            .corrects
            .as_ref()
            .map(BatchId::to_string)
            .unwrap_or_default(),
        author: Signature {
            name: author_of(b),
            label: b.created_by.clone(),
            at: at(b.created_at),
        },
        decided_as: if b.status == BatchStatus::Cancelled {
            "取り消した人"
        } else {
            "承認した人"
        },
        decider: b.decided_at.map(|when| Signature {
            name: decider_of(b),
            label: b.decided_by.clone().unwrap_or_default(),
            at: at(when),
        }),
        lines: loaded.lines.iter().map(line).collect(),
        previous,
        next,
        may_approve: draft
            && session.may_change()
            && b.created_by_person
                .as_ref()
                .is_some_and(|author| may_approve(&author.id, me)),
        may_cancel: draft && session.may_change(),
        may_transfer: b.status == BatchStatus::Approved && session.may_change(),
        errors: password_error
            .as_ref()
            .map(|e| summary(&[("password", "パスワード", e.clone())]))
            .unwrap_or_default(),
        password_error,
        totp_on: totp_on(session),
        today: crate::domain::jst::date_of(crate::clock::now()).to_string(),
    }
}

/// One batch: its lines and totals, who drafted it and who approved or cancelled it.
#[get("/staff/payout-batches/{id}")]
pub async fn show_batch(
    state: Data,
    session: Session,
    id: web::Path<BatchId>,
    query: web::Query<PageNumber>,
) -> Result<HttpResponse, PageError> {
    let loaded = load_batch(&state, id.into_inner(), query.page()).await?;
    Ok(html(StatusCode::OK, &batch_view(&session, loaded, None)))
}

fn totp_on(session: &Session) -> bool {
    session.0.person.totp_secret_sealed.is_some()
}

/// Whether the person confirmed who they are again: a fresh code of their authenticator when
/// they have one on and typed it, else their password.
async fn confirmed(state: &Data, session: &Session, values: &Values) -> Result<bool, PageError> {
    let code = values.get("totp").trim().to_owned();
    if totp_on(session) && !code.is_empty() {
        let (console, person) = (state.console.clone(), session.0.person.clone());
        return Ok(write(state, move |conn, now| {
            sign_in::confirm_with_totp(conn, &console, &person, &code, now)
        })
        .await?);
    }
    let stored = session.0.person.password_hash.clone().unwrap_or_default();
    let typed = values.get("password").to_owned();
    // Verifying costs tens of milliseconds of CPU: behind a hashing permit on the blocking
    // pool, never on an async worker.
    Ok(state
        .hashing
        .run(move || Ok(people::verify_password(&stored, &typed)))
        .await?)
}

/// Approves a draft as the person, once they have given their password (or a fresh code of
/// their authenticator) again; the use case
/// refuses the author (403). A wrong password: the page again (422) with the error beside it.
#[post("/staff/payout-batches/{id}/approve")]
pub async fn approve(
    state: Data,
    req: HttpRequest,
    session: Session,
    id: web::Path<BatchId>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let id = id.into_inner();
    let back = format!("/staff/payout-batches/{id}");
    let values = session.change_form(&state, &req, &body, &back)?;
    if !confirmed(&state, &session, &values).await? {
        let loaded = load_batch(&state, id, PageNumber { page: None }.page()).await?;
        let error = if totp_on(&session) {
            "パスワードまたはコードが正しくありません。サインインに使うパスワードか、認証アプリの今のコードを入力してください"
        } else {
            "パスワードが正しくありません。サインインに使うパスワードを入力してください"
        };
        return Ok(html(
            StatusCode::UNPROCESSABLE_ENTITY,
            &batch_view(&session, loaded, Some(error.to_owned())),
        ));
    }
    let (actor, target) = (session.actor(), id.clone());
    write_as(&state, actor, move |uc| {
        payouts::approve(uc, &target).map(drop)
    })
    .await
    .map_err(|e| refused(e, back.clone()))?;
    Ok(see_other(&back))
}

/// Cancels a draft as the person.
#[post("/staff/payout-batches/{id}/cancel")]
pub async fn cancel(
    state: Data,
    req: HttpRequest,
    session: Session,
    id: web::Path<BatchId>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let id = id.into_inner();
    let back = format!("/staff/payout-batches/{id}");
    session.change_form(&state, &req, &body, &back)?;
    let (actor, target) = (session.actor(), id.clone());
    write(&state, move |conn, now| {
        payouts::cancel(conn, &actor, now, &target).map(drop)
    })
    .await
    .map_err(|e| refused(e, back.clone()))?;
    Ok(see_other(&back))
}
