//! Reading the audit trail.

use super::{Page, Paged, ServiceError, ServiceResult};
pub use crate::db::audit::ExportFilter;
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

/// A stored snapshot as JSON; one that does not parse is shown as the text it is, never as
/// null, so that nothing recorded disappears from an auditor's view.
fn parse_json(text: Option<String>) -> serde_json::Value {
    match text {
        None => serde_json::Value::Null,
        Some(t) => serde_json::from_str(&t).unwrap_or(serde_json::Value::String(t)),
    }
}

fn view(r: audit::AuditEventRow) -> AuditEventView {
    AuditEventView {
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
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    JsonLines,
}

/// Events per page of an export: each page is one query and one chunk of the response.
const EXPORT_PAGE: i64 = 2_000;

/// Writes the trail as it stands when the export starts (later events are left for the next
/// one), page by page, handing each chunk to `send`; stops early when `send` says the client
/// has gone.
pub fn export(
    conn: &mut DbConn,
    filter: &audit::ExportFilter,
    format: ExportFormat,
    send: &mut dyn FnMut(Vec<u8>) -> bool,
) -> ServiceResult<()> {
    use crate::formats::csv::{line, Cell};
    let up_to = audit::last_seq(conn)?;
    if format == ExportFormat::Csv {
        let mut head = String::from("\u{FEFF}");
        let names = [
            "seq",
            "at",
            "actor",
            "action",
            "entity",
            "entity_id",
            "campaign_id",
            "before",
            "after",
            "hash",
        ];
        line(&mut head, &names.map(Cell::Text));
        if !send(head.into_bytes()) {
            return Ok(());
        }
    }
    let mut after = 0;
    loop {
        let rows = audit::page_after(conn, filter, after, up_to, EXPORT_PAGE)?;
        let Some(last) = rows.last() else {
            return Ok(());
        };
        after = last.seq;
        let mut chunk = String::new();
        for event in rows.into_iter().map(view) {
            match format {
                ExportFormat::JsonLines => {
                    chunk.push_str(&serde_json::to_string(&event).unwrap_or_default());
                    chunk.push('\n');
                }
                ExportFormat::Csv => {
                    let (before, after_json) = (event.before.to_string(), event.after.to_string());
                    let at = event.at.to_rfc3339();
                    line(
                        &mut chunk,
                        &[
                            Cell::Number(event.seq),
                            Cell::Text(&at),
                            Cell::Text(&event.actor),
                            Cell::Text(&event.action),
                            Cell::Text(&event.entity),
                            Cell::Text(&event.entity_id),
                            Cell::Text(event.campaign_id.as_deref().unwrap_or("")),
                            Cell::Text(&before),
                            Cell::Text(&after_json),
                            Cell::Text(&event.hash),
                        ],
                    );
                }
            }
        }
        if !send(chunk.into_bytes()) {
            return Ok(());
        }
    }
}

pub fn list(
    conn: &mut DbConn,
    campaign_id: Option<&CampaignId>,
    page: Page,
) -> ServiceResult<Paged<AuditEventView>> {
    let (rows, total) = audit::list(conn, campaign_id, page.offset(), page.per_page)?;
    let items = rows.into_iter().map(view).collect();
    Ok(Paged::new(items, total, page))
}

/// The most events a record's history shows.
pub const MAX_HISTORY: i64 = 500;

/// One record's history, oldest first, up to [`MAX_HISTORY`] events.
pub fn history(
    conn: &mut DbConn,
    campaign_id: &CampaignId,
    entity: &str,
    entity_id: &str,
) -> ServiceResult<Vec<AuditEventView>> {
    let rows = audit::of_entity(conn, campaign_id, entity, entity_id, MAX_HISTORY)?;
    Ok(rows.into_iter().map(view).collect())
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

/// A record as an audit event keeps it before or after a change. One that cannot be written
/// as JSON is a defect to fix, never an event recorded with nothing in it.
pub fn snapshot<T: Serialize + ?Sized>(value: &T) -> ServiceResult<serde_json::Value> {
    serde_json::to_value(value).map_err(|e| ServiceError::Format(format!("audit snapshot: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_snapshot_is_never_shown_as_less_than_it_is() {
        assert_eq!(parse_json(None), serde_json::Value::Null);
        assert_eq!(
            parse_json(Some("{\"a\":1}".into())),
            serde_json::json!({"a": 1})
        );
        assert_eq!(
            parse_json(Some("{not json".into())),
            serde_json::Value::String("{not json".into())
        );
    }
}
