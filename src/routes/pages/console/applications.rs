//! A campaign's applications: the list with its filters and search, and one application with its offices,
//! emails and history (the forms to take it out of the campaign are in `leaving`).

use super::super::staff::{admin, Session, SummaryLine};
use super::super::{html, Data, PageError};
use super::leaving::{leave_forms, LeaveForm, Typed};
use super::{at, summary, yen};
use crate::domain::application::Tier;
use crate::domain::audit_action::Action;
use crate::domain::delivery::DeliveryStatus;
use crate::domain::ids::{ApplicationId, CampaignId};
use crate::domain::participation::Status;
use crate::domain::staff_input::Search;
use crate::routes::{filter, flag, read, PageQuery};
use crate::service::applications::{self, ApplicationView, Exit, ListFilter};
use crate::service::audit::{self, AuditEventView};
use crate::service::outbox::{self, MessageView};
use crate::service::{campaigns, Page};
use actix_web::http::StatusCode;
use actix_web::{get, web, HttpResponse};
use askama::Template;
use serde::Deserialize;

const PER_PAGE: i64 = 50;

struct Choice {
    value: &'static str,
    label: &'static str,
    selected: bool,
}

struct Row {
    id: String,
    sequence: i64,
    submitted_at: String,
    tier: &'static str,
    status: &'static str,
    offices: String,
    contact: String,
    needs_review: bool,
}

#[derive(Template)]
#[template(path = "pages/staff/applications.html")]
struct ListPage {
    csrf_token: String,
    is_admin: bool,
    campaign_id: String,
    campaign_name: String,
    statuses: Vec<Choice>,
    tiers: Vec<Choice>,
    needs_review: bool,
    q: String,
    rows: Vec<Row>,
    total: i64,
    page: i64,
    previous: Option<String>,
    next: Option<String>,
}

#[derive(Deserialize)]
pub struct ListQuery {
    status: Option<String>,
    tier: Option<String>,
    needs_review: Option<String>,
    q: Option<String>,
    page: Option<String>,
}

/// A status as staff name it: the applicant's pages soften a disqualification.
fn status_ja(status: Status) -> &'static str {
    match status {
        Status::Accepted => "参加決定",
        Status::Waitlisted => "キャンセル待ち",
        Status::Withdrawn => "辞退",
        Status::Disqualified => "失格",
        Status::Voided => "無効",
    }
}

/// An empty choice (the filter's "all") is no filter.
fn chosen(value: &Option<String>) -> Option<String> {
    value.clone().filter(|v| !v.is_empty())
}

fn offices_of(app: &ApplicationView) -> String {
    app.participants
        .iter()
        .map(|p| format!("{}（{}）", p.name, p.office_number))
        .collect::<Vec<_>>()
        .join("、")
}

/// The list's address with these filters on another page.
fn list_path(campaign: &str, query: &ListQuery, page: i64) -> String {
    let mut pairs = Vec::new();
    for (name, value) in [
        ("status", chosen(&query.status)),
        ("tier", chosen(&query.tier)),
        ("needs_review", chosen(&query.needs_review)),
        ("q", chosen(&query.q)),
    ] {
        if let Some(value) = value {
            pairs.push((name, value));
        }
    }
    pairs.push(("page", page.to_string()));
    let query = serde_urlencoded::to_string(pairs).unwrap_or_default();
    format!("/staff/campaigns/{campaign}/applications?{query}")
}

/// A campaign's applications in arrival order, filtered by status, tier and review, and
/// searched by office number or name.
#[get("/staff/campaigns/{id}/applications")]
pub async fn list(
    state: Data,
    session: Session,
    id: web::Path<CampaignId>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, PageError> {
    let query = query.into_inner();
    let list_filter = ListFilter {
        status: filter::<Status>("status", chosen(&query.status))?,
        tier: filter::<Tier>("tier", chosen(&query.tier))?,
        needs_review: flag("needs_review", chosen(&query.needs_review))?,
        q: query.q.as_deref().and_then(Search::parse),
    };
    let page = PageQuery {
        page: query.page.clone(),
        per_page: Some(PER_PAGE.to_string()),
    }
    .page()?;
    let campaign = id.into_inner();
    let (name, found) = {
        let (campaign, list_filter) = (campaign.clone(), list_filter.clone());
        let store = state.store.clone();
        read(&state, move |conn| {
            let name = campaigns::get(conn, &campaign, crate::clock::now())?.name;
            let found = applications::list(conn, &campaign, &list_filter, page, |conn| {
                store.application_total(conn, &campaign, &list_filter)
            })?;
            Ok((name, found))
        })
        .await?
    };
    let last = (found.total + PER_PAGE - 1) / PER_PAGE;
    let view = ListPage {
        csrf_token: session.0.csrf_token.clone(),
        is_admin: admin(&session.0),
        campaign_id: campaign.to_string(),
        campaign_name: name,
        statuses: Status::ALL
            .iter()
            .map(|s| Choice {
                value: s.as_str(),
                label: status_ja(*s),
                selected: list_filter.status == Some(*s),
            })
            .collect(),
        tiers: Tier::ALL
            .iter()
            .map(|t| Choice {
                value: t.as_str(),
                label: t.label_ja(),
                selected: list_filter.tier == Some(*t),
            })
            .collect(),
        needs_review: list_filter.needs_review == Some(true),
        q: query.q.clone().unwrap_or_default(),
        previous: (page.page > 1).then(|| list_path(campaign.as_str(), &query, page.page - 1)),
        next: (page.page < last).then(|| list_path(campaign.as_str(), &query, page.page + 1)),
        rows: found
            .items
            .iter()
            .map(|a| Row {
                id: a.id.to_string(),
                sequence: a.sequence,
                submitted_at: at(a.submitted_at),
                tier: a.tier.label_ja(),
                status: status_ja(a.status),
                offices: offices_of(a),
                contact: a.contact.name.clone(),
                needs_review: a.needs_review,
            })
            .collect(),
        total: found.total,
        page: page.page,
    };
    Ok(html(StatusCode::OK, &view))
}

struct OfficeLine {
    office_number: String,
    name: String,
    kind: &'static str,
    corporation: String,
    role: &'static str,
    honorarium: String,
    using_since: String,
}

struct EventLine {
    at: String,
    actor: String,
    action: String,
    reason: String,
}

struct EmailLine {
    created_at: String,
    subject: String,
    recipient: String,
    status: &'static str,
    /// Where to post to send it again; none while it waits to go, or for an auditor.
    resend: Option<String>,
}

struct NoteLine {
    at: String,
    author: String,
    text: String,
}

/// The note form as typed when it came back refused, and why.
pub(super) struct NoteTyped {
    pub(super) text: String,
    pub(super) error: String,
}

#[derive(Template)]
#[template(path = "pages/staff/application.html")]
pub(super) struct ApplicationPage {
    csrf_token: String,
    is_admin: bool,
    campaign_id: String,
    campaign_name: String,
    sequence: i64,
    status: &'static str,
    status_reason: String,
    tier: &'static str,
    submitted_at: String,
    accepted_at: String,
    contact_name: String,
    contact_email: String,
    needs_review: bool,
    warnings: Vec<String>,
    offices: Vec<OfficeLine>,
    emails: Vec<EmailLine>,
    history: Vec<EventLine>,
    errors: Vec<SummaryLine>,
    forms: Vec<LeaveForm>,
    application_id: String,
    notes: Vec<NoteLine>,
    may_change: bool,
    note_text: String,
    note_error: Option<String>,
}

fn event_line(e: AuditEventView) -> EventLine {
    EventLine {
        at: at(e.at),
        action: Action::label_of(&e.action),
        reason: e.after["status_reason"]
            .as_str()
            .filter(|_| e.before["status_reason"] != e.after["status_reason"])
            .unwrap_or_default()
            .to_owned(),
        actor: e.actor,
    }
}

fn email_line(m: MessageView, may_change: bool) -> EmailLine {
    let waiting = matches!(m.status, DeliveryStatus::Queued | DeliveryStatus::Sending);
    EmailLine {
        resend: (may_change && !waiting).then(|| {
            let app = m
                .application_id
                .as_ref()
                .map(|a| a.to_string())
                .unwrap_or_default();
            format!("/staff/applications/{app}/emails/{}/resend", m.id)
        }),
        created_at: at(m.created_at),
        subject: m.subject,
        recipient: m.recipient,
        status: m.status.label_ja(),
    }
}

struct Loaded {
    app: ApplicationView,
    campaign_name: String,
    history: Vec<AuditEventView>,
    emails: Vec<MessageView>,
}

async fn load(state: &Data, id: ApplicationId) -> Result<Loaded, PageError> {
    Ok(read(state, move |conn| {
        let app = applications::get(conn, &id)?;
        let campaign_name = campaigns::get(conn, &app.campaign_id, crate::clock::now())?.name;
        let history = audit::history(conn, &app.campaign_id, "application", id.as_str())?;
        let sent = outbox::ListFilter {
            application_id: Some(id),
            ..outbox::ListFilter::default()
        };
        let first = Page {
            page: 1,
            per_page: 100,
        };
        let emails = outbox::list(conn, &sent, first)?.items;
        Ok(Loaded {
            app,
            campaign_name,
            history,
            emails,
        })
    })
    .await?)
}

fn application_page(
    session: &Session,
    loaded: Loaded,
    typed: Option<&Typed>,
    note: Option<&NoteTyped>,
) -> ApplicationPage {
    let Loaded {
        app,
        campaign_name,
        history,
        emails,
    } = loaded;
    let errors = typed
        .map(|t| {
            let field = match t.exit {
                Exit::Withdraw => "withdraw-reason",
                Exit::Disqualify => "disqualify-reason",
                Exit::Void => "void-reason",
            };
            summary(&[(field, "理由", t.error.clone())])
        })
        .or_else(|| note.map(|n| summary(&[("note-text", "メモ", n.error.clone())])))
        .unwrap_or_default();
    let may_change = session.may_change();
    ApplicationPage {
        csrf_token: session.0.csrf_token.clone(),
        is_admin: admin(&session.0),
        forms: leave_forms(session, &app, typed),
        errors,
        campaign_id: app.campaign_id.to_string(),
        campaign_name,
        sequence: app.sequence,
        status: status_ja(app.status),
        status_reason: app.status_reason.clone().unwrap_or_default(),
        tier: app.tier.label_ja(),
        submitted_at: at(app.submitted_at),
        accepted_at: app.accepted_at.map(at).unwrap_or_default(),
        contact_name: app.contact.name.clone(),
        contact_email: app.contact.email.clone(),
        needs_review: app.needs_review,
        warnings: app
            .warnings
            .iter()
            .map(|w| format!("{}: {}", w.field, w.japanese()))
            .collect(),
        offices: app
            .participants
            .iter()
            .map(|p| OfficeLine {
                office_number: p.office_number.clone(),
                name: p.name.clone(),
                kind: p.kind.label_ja(),
                corporation: format!("{}（{}）", p.corporation_name, p.corporate_number),
                role: p.role.label_ja(),
                honorarium: yen(p.honorarium_yen),
                using_since: p
                    .using_system_since
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
            })
            .collect(),
        emails: emails
            .into_iter()
            .map(|m| email_line(m, may_change))
            .collect(),
        history: history.into_iter().map(event_line).collect(),
        application_id: app.id.to_string(),
        notes: app
            .notes
            .into_iter()
            .flatten()
            .map(|n| NoteLine {
                at: at(n.created_at),
                author: n.author,
                text: n.text,
            })
            .collect(),
        may_change,
        note_text: note.map(|n| n.text.clone()).unwrap_or_default(),
        note_error: note.map(|n| n.error.clone()),
    }
}

/// The first refusal of a refused form, in Japanese.
pub(super) fn first_japanese(errors: &[crate::domain::FieldError]) -> String {
    errors
        .first()
        .map(crate::domain::FieldError::japanese)
        .unwrap_or_default()
}

/// The application's page again (422) with the refused form as typed.
pub(super) async fn refused_page(
    state: &Data,
    session: &Session,
    id: ApplicationId,
    typed: Option<&Typed>,
    note: Option<&NoteTyped>,
) -> Result<HttpResponse, PageError> {
    let loaded = load(state, id).await?;
    Ok(html(
        StatusCode::UNPROCESSABLE_ENTITY,
        &application_page(session, loaded, typed, note),
    ))
}

/// One application: offices, contact, status, the emails sent about it and its history.
#[get("/staff/applications/{id}")]
pub async fn show(
    state: Data,
    session: Session,
    id: web::Path<ApplicationId>,
) -> Result<HttpResponse, PageError> {
    let loaded = load(&state, id.into_inner()).await?;
    Ok(html(
        StatusCode::OK,
        &application_page(&session, loaded, None, None),
    ))
}
