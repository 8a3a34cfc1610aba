//! Reading the audit trail.

use super::{Page, Paged, ServiceResult};
use crate::db::{audit, DbConn};
use crate::domain::ids::CampaignId;
use crate::domain::jst;
use chrono::{DateTime, FixedOffset};
use serde::Serialize;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AuditEventView {
    pub seq: i64,
    pub at: DateTime<FixedOffset>,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub campaign_id: Option<String>,
    #[schema(value_type = Object)]
    pub before: serde_json::Value,
    #[schema(value_type = Object)]
    pub after: serde_json::Value,
    pub hash: String,
}

fn parse_json(text: Option<String>) -> serde_json::Value {
    text.and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or(serde_json::Value::Null)
}

pub fn list(
    conn: &mut DbConn,
    campaign_id: Option<&CampaignId>,
    page: Page,
) -> ServiceResult<Paged<AuditEventView>> {
    let (rows, total) = audit::list(conn, campaign_id, page.offset(), page.per_page)?;
    let items = rows
        .into_iter()
        .map(|r| AuditEventView {
            seq: r.seq,
            at: jst::to_jst(r.at),
            actor: r.actor,
            action: r.action,
            entity: r.entity,
            entity_id: r.entity_id,
            campaign_id: r.campaign_id,
            before: parse_json(r.before_json),
            after: parse_json(r.after_json),
            hash: r.hash,
        })
        .collect();
    Ok(Paged::new(items, total, page))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Verification {
    pub intact: bool,
    /// Events checked up to the first broken one (all of them when intact).
    pub events: i64,
    /// The first broken link, in words.
    pub first_broken: Option<String>,
}

pub fn verify(conn: &mut DbConn) -> ServiceResult<Verification> {
    match audit::verify(conn) {
        Ok(events) => Ok(Verification {
            intact: true,
            events,
            first_broken: None,
        }),
        Err(audit::VerifyError::Broken(b)) => Ok(Verification {
            intact: false,
            events: b.seq() - 1,
            first_broken: Some(b.to_string()),
        }),
        Err(audit::VerifyError::Query(e)) => Err(e.into()),
    }
}
