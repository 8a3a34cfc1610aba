//! The audit trail as staff read it: every change, newest page last, optionally one
//! campaign's, with the hash chain's check at the top, for every role.

use super::super::staff::{admin, Session};
use super::super::{html, Data, PageError};
use super::at;
use super::year_end::{pager, PageNumber};
use crate::domain::ids::CampaignId;
use crate::routes::read;
use crate::service::audit::{self, AuditEventView, Verification};
use actix_web::http::StatusCode;
use actix_web::{get, web, HttpResponse};
use askama::Template;
use serde::Deserialize;

struct EventLine {
    seq: i64,
    at: String,
    actor: String,
    action: String,
    label: String,
    entity: String,
    entity_id: String,
}

fn event_line(e: &AuditEventView) -> EventLine {
    EventLine {
        seq: e.seq,
        at: at(e.at),
        actor: e.actor.clone(),
        action: e.action.clone(),
        label: crate::domain::audit_action::Action::label_of(&e.action),
        entity: e.entity.clone(),
        entity_id: e.entity_id.clone(),
    }
}

#[derive(Template)]
#[template(path = "pages/staff/audit.html")]
struct AuditPage {
    csrf_token: String,
    is_admin: bool,
    campaign_id: String,
    chain: Verification,
    total: i64,
    events: Vec<EventLine>,
    previous: Option<String>,
    next: Option<String>,
}

#[derive(Deserialize)]
pub struct AuditQuery {
    campaign_id: Option<String>,
    page: Option<i64>,
}

/// Every change, with who, when and what, and whether the chain of hashes still holds.
#[get("/staff/audit")]
pub async fn show_audit(
    state: Data,
    session: Session,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, PageError> {
    let query = query.into_inner();
    let page = PageNumber { page: query.page }.page();
    let campaign = query
        .campaign_id
        .as_deref()
        .filter(|c| !c.is_empty())
        .map(CampaignId::from);
    let (chain, found) = {
        let campaign = campaign.clone();
        read(&state, move |conn| {
            Ok((
                audit::verify(conn)?,
                audit::list(conn, campaign.as_ref(), page)?,
            ))
        })
        .await?
    };
    let campaign_id = campaign.map(|c| c.to_string()).unwrap_or_default();
    let (previous, next) = pager("/staff/audit", page, found.total);
    // The pages of one campaign's trail stay that campaign's.
    let keep = |link: Option<String>| {
        link.map(|l| match campaign_id.as_str() {
            "" => l,
            id => l.replacen("?page=", &format!("?campaign_id={id}&page="), 1),
        })
    };
    let view = AuditPage {
        csrf_token: session.0.csrf_token.clone(),
        is_admin: admin(&session.0),
        chain,
        total: found.total,
        events: found.items.iter().map(event_line).collect(),
        previous: keep(previous),
        next: keep(next),
        campaign_id,
    };
    Ok(html(StatusCode::OK, &view))
}
