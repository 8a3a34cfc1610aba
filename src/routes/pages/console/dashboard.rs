//! The console's first page: each campaign's counter and what waits on staff.

use super::super::staff::{admin, role_ja, Session};
use super::super::{html, Data, PageError};
use super::{at, phase_ja, yen};
use crate::routes::read;
use crate::service::dashboard;
use crate::service::sign_in;
use actix_web::http::StatusCode;
use actix_web::{get, HttpResponse};
use askama::Template;

struct CampaignLine {
    id: String,
    name: String,
    code: String,
    phase: &'static str,
    total_taken: i64,
    total_cap: i64,
    model_taken: i64,
    model_cap: i64,
    waitlisted: i64,
    needs_review: i64,
    open_checkpoints: i64,
}

struct FailedLine {
    recipient: String,
    subject: String,
    last_error: String,
    created_at: String,
}

struct BatchLine {
    id: String,
    total: String,
    line_count: i32,
    author: String,
    created_at: String,
}

#[derive(Template)]
#[template(path = "pages/staff/dashboard.html")]
struct DashboardPage {
    csrf_token: String,
    is_admin: bool,
    name: String,
    email: String,
    role: &'static str,
    may_change: bool,
    campaigns: Vec<CampaignLine>,
    failed_emails: i64,
    failed: Vec<FailedLine>,
    to_approve: Vec<BatchLine>,
}

/// The console's first page.
#[get("/staff")]
pub async fn home(state: Data, session: Session) -> Result<HttpResponse, PageError> {
    let account = sign_in::account(&session.0.person);
    let store = state.store.clone();
    let found = read(&state, move |conn| {
        dashboard::dashboard(conn, &account, crate::clock::now(), &store)
    })
    .await?;
    let person = &session.0.person;
    let page = DashboardPage {
        csrf_token: session.0.csrf_token.clone(),
        is_admin: admin(&session.0),
        name: person.name.clone(),
        email: person.email.clone(),
        role: role_ja(person.role),
        may_change: session.may_change(),
        campaigns: found
            .campaigns
            .into_iter()
            .map(|c| CampaignLine {
                id: c.campaign.id.to_string(),
                name: c.campaign.name,
                code: c.campaign.code,
                phase: phase_ja(c.campaign.phase),
                total_taken: c.slots.total.taken,
                total_cap: c.slots.total.cap,
                model_taken: c.slots.model.taken,
                model_cap: c.slots.model.cap,
                waitlisted: c.slots.waitlisted,
                needs_review: c.needs_review,
                open_checkpoints: c.open_checkpoints,
            })
            .collect(),
        failed_emails: found.failed_emails,
        failed: found
            .failed
            .into_iter()
            .map(|m| FailedLine {
                recipient: m.recipient,
                subject: m.subject,
                last_error: m.last_error.unwrap_or_default(),
                created_at: at(m.created_at),
            })
            .collect(),
        to_approve: found
            .to_approve
            .into_iter()
            .map(|b| BatchLine {
                total: yen(b.total_amount),
                line_count: b.line_count,
                author: b.created_by_person.map(|p| p.name).unwrap_or(b.created_by),
                created_at: at(b.created_at),
                id: b.id.to_string(),
            })
            .collect(),
    };
    Ok(html(StatusCode::OK, &page))
}
