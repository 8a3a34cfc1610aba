//! The audit trail: an append-only, hash-chained record of every change.
//!
//! Each event's hash covers its content and the previous event's hash, so editing or deleting
//! a stored event breaks the chain at that point, and `honoraria audit verify` finds it.

use super::schema::{audit_chain, audit_events};
use super::DbConn;
use crate::domain::audit_action::Action;
use crate::domain::ids::CampaignId;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// One change, as the code that makes it describes it.
#[derive(Debug, Clone)]
pub struct Change<'a> {
    pub actor: &'a str,
    pub action: Action,
    pub entity: &'a str,
    pub entity_id: &'a str,
    pub campaign_id: Option<&'a CampaignId>,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = audit_events, treat_none_as_default_value = false)]
pub struct AuditEventRow {
    pub seq: i64,
    pub at: NaiveDateTime,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub campaign_id: Option<String>,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

impl AuditEventRow {
    fn content_hash(&self) -> String {
        let mut h = Sha256::new();
        for part in [
            self.prev_hash.as_str(),
            &self.seq.to_string(),
            &self.at.format("%Y-%m-%dT%H:%M:%S%.6f").to_string(),
            &self.actor,
            &self.action,
            &self.entity,
            &self.entity_id,
            self.campaign_id.as_deref().unwrap_or(""),
            self.before_json.as_deref().unwrap_or(""),
            self.after_json.as_deref().unwrap_or(""),
        ] {
            // Length-prefixing each part keeps ("ab","c") and ("a","bc") apart.
            h.update((part.len() as u64).to_be_bytes());
            h.update(part.as_bytes());
        }
        hex::encode(h.finalize())
    }
}

#[derive(QueryableByName)]
struct ChainHead {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    seq: i64,
    #[diesel(sql_type = diesel::sql_types::Text)]
    prev_hash: String,
}

/// Appends one event; must run inside the transaction that makes the change.
pub fn record(conn: &mut DbConn, at: NaiveDateTime, change: Change<'_>) -> QueryResult<()> {
    record_all(conn, at, vec![change])
}

/// Appends events in order, in three statements however many there are; must run inside the
/// transaction that makes the changes.
pub fn record_all(
    conn: &mut DbConn,
    at: NaiveDateTime,
    changes: Vec<Change<'_>>,
) -> QueryResult<()> {
    if changes.is_empty() {
        return Ok(());
    }
    // Advancing the head row first takes its lock, so concurrent writers append one at a time.
    // Both backends take this RETURNING as written.
    let head: ChainHead = diesel::sql_query(
        "UPDATE audit_chain SET last_seq = last_seq + $1 WHERE id = 1 \
         RETURNING last_seq AS seq, last_hash AS prev_hash",
    )
    .bind::<diesel::sql_types::BigInt, _>(changes.len() as i64)
    .get_result(conn)?;
    let mut prev_hash = head.prev_hash;
    let first = head.seq - changes.len() as i64 + 1;
    let mut rows = Vec::with_capacity(changes.len());
    for (i, change) in changes.into_iter().enumerate() {
        let mut row = AuditEventRow {
            seq: first + i as i64,
            at,
            actor: change.actor.to_owned(),
            action: change.action.as_str().to_owned(),
            entity: change.entity.to_owned(),
            entity_id: change.entity_id.to_owned(),
            campaign_id: change.campaign_id.map(|c| c.as_str().to_owned()),
            before_json: change.before.map(|v| v.to_string()),
            after_json: change.after.map(|v| v.to_string()),
            prev_hash,
            hash: String::new(),
        };
        row.hash = row.content_hash();
        prev_hash = row.hash.clone();
        rows.push(row);
    }
    super::insert_all!(conn, audit_events::table, &rows)?;
    diesel::update(audit_chain::table.find(1))
        .set(audit_chain::last_hash.eq(&prev_hash))
        .execute(conn)?;
    Ok(())
}

pub fn list(
    conn: &mut DbConn,
    campaign_id: Option<&CampaignId>,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<AuditEventRow>, i64)> {
    let mut query = audit_events::table.into_boxed();
    let mut count = audit_events::table.into_boxed();
    if let Some(id) = campaign_id {
        query = query.filter(audit_events::campaign_id.eq(id.as_str().to_owned()));
        count = count.filter(audit_events::campaign_id.eq(id.as_str().to_owned()));
    }
    let total = count.count().get_result(conn)?;
    let rows = query
        .order(audit_events::seq.asc())
        .offset(offset)
        .limit(limit)
        .select(AuditEventRow::as_select())
        .load(conn)?;
    Ok((rows, total))
}

/// The events about one record of a campaign, oldest first, at most `limit`. Filtered by
/// campaign first: that is what the trail is indexed by.
pub fn of_entity(
    conn: &mut DbConn,
    campaign_id: &CampaignId,
    entity: &str,
    entity_id: &str,
    limit: i64,
) -> QueryResult<Vec<AuditEventRow>> {
    audit_events::table
        .filter(audit_events::campaign_id.eq(campaign_id.as_str().to_owned()))
        .filter(audit_events::entity.eq(entity.to_owned()))
        .filter(audit_events::entity_id.eq(entity_id.to_owned()))
        .order(audit_events::seq.asc())
        .limit(limit)
        .select(AuditEventRow::as_select())
        .load(conn)
}

/// Which events an export takes.
#[derive(Debug, Clone, Default)]
pub struct ExportFilter {
    pub campaign_id: Option<CampaignId>,
    pub entity: Option<String>,
    pub actor: Option<String>,
    pub from: Option<NaiveDateTime>,
    pub to: Option<NaiveDateTime>,
}

/// The next `limit` events after `after_seq`, up to `up_to_seq`, that pass `filter`.
pub fn page_after(
    conn: &mut DbConn,
    filter: &ExportFilter,
    after_seq: i64,
    up_to_seq: i64,
    limit: i64,
) -> QueryResult<Vec<AuditEventRow>> {
    let mut q = audit_events::table
        .filter(audit_events::seq.gt(after_seq))
        .filter(audit_events::seq.le(up_to_seq))
        .into_boxed();
    if let Some(id) = &filter.campaign_id {
        q = q.filter(audit_events::campaign_id.eq(id.as_str().to_owned()));
    }
    if let Some(e) = &filter.entity {
        q = q.filter(audit_events::entity.eq(e.clone()));
    }
    if let Some(a) = &filter.actor {
        q = q.filter(audit_events::actor.eq(a.clone()));
    }
    if let Some(from) = filter.from {
        q = q.filter(audit_events::at.ge(from));
    }
    if let Some(to) = filter.to {
        q = q.filter(audit_events::at.lt(to));
    }
    q.order(audit_events::seq.asc())
        .limit(limit)
        .select(AuditEventRow::as_select())
        .load(conn)
}

/// The last event's sequence number now (0 for an empty trail).
pub fn last_seq(conn: &mut DbConn) -> QueryResult<i64> {
    audit_chain::table
        .find(1)
        .select(audit_chain::last_seq)
        .first(conn)
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum ChainBreak {
    #[error("audit event {seq}: expected sequence number {expected}")]
    Gap { seq: i64, expected: i64 },
    #[error("audit event {seq}: its prev_hash does not match the hash of event {previous}")]
    Link { seq: i64, previous: i64 },
    #[error("audit event {seq}: its content does not match its hash")]
    Content { seq: i64 },
    #[error("the chain head says {head} events but {found} were found")]
    Head { head: i64, found: i64 },
    #[error("the chain head's hash is not the hash of the last event, {seq}")]
    HeadHash { seq: i64 },
    #[error("the anchor {anchor} is not in the chain: event {seq} is gone or has another hash")]
    Anchor { anchor: Anchor, seq: i64 },
}

impl ChainBreak {
    /// The sequence number at which the chain breaks.
    pub fn seq(&self) -> i64 {
        match self {
            ChainBreak::Gap { seq, .. }
            | ChainBreak::Link { seq, .. }
            | ChainBreak::Content { seq }
            | ChainBreak::HeadHash { seq }
            | ChainBreak::Anchor { seq, .. } => *seq,
            ChainBreak::Head { found, .. } => found + 1,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error(transparent)]
    Broken(#[from] ChainBreak),
    #[error(transparent)]
    Query(#[from] diesel::result::Error),
}

/// The chain head as an auditor keeps it outside the database: `SEQ:HASH`. Whoever can
/// write the database can cut the tail and rewrite the head so that the chain holds again;
/// an anchor kept elsewhere still names the event that was cut.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    pub seq: i64,
    pub hash: String,
}

impl std::fmt::Display for Anchor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.seq, self.hash)
    }
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum AnchorError {
    #[error("an anchor is SEQ:HASH, as `honoraria audit anchor` prints it")]
    Malformed,
}

impl std::str::FromStr for Anchor {
    type Err = AnchorError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (seq, hash) = s.trim().split_once(':').ok_or(AnchorError::Malformed)?;
        let seq: i64 = seq.parse().map_err(|_| AnchorError::Malformed)?;
        let hash_ok = !hash.is_empty() && hash.bytes().all(|b| b.is_ascii_hexdigit());
        if seq < 0 || !hash_ok {
            return Err(AnchorError::Malformed);
        }
        Ok(Anchor {
            seq,
            hash: hash.to_ascii_lowercase(),
        })
    }
}

/// The chain head now: the last event's sequence number and hash (0 and empty when the trail
/// is empty).
pub fn head(conn: &mut DbConn) -> QueryResult<Anchor> {
    let (seq, hash) = audit_chain::table
        .find(1)
        .select((audit_chain::last_seq, audit_chain::last_hash))
        .first(conn)?;
    Ok(Anchor { seq, hash })
}

/// Walks the whole chain in pages inside one snapshot, then checks that the stored chain head
/// names the last event, so a rewritten or cut-off tail is caught too; returns how many
/// events it checked.
pub fn verify(conn: &mut DbConn) -> Result<i64, VerifyError> {
    verify_against(conn, None)
}

/// [`verify`], and that the chain still holds the event an anchor taken earlier names, with
/// that hash.
pub fn verify_against(conn: &mut DbConn, anchor: Option<&Anchor>) -> Result<i64, VerifyError> {
    super::read_snapshot(conn, |conn| {
        let (found, anchored) = verify_in_snapshot(conn, anchor.map(|a| a.seq))?;
        match anchor {
            Some(a) if a.seq > 0 && anchored.as_deref() != Some(a.hash.as_str()) => {
                Err(ChainBreak::Anchor {
                    anchor: a.clone(),
                    seq: a.seq,
                }
                .into())
            }
            _ => Ok(found),
        }
    })
}

/// How many events hold, and the hash of the event at `seq` if one was asked for and found.
fn verify_in_snapshot(
    conn: &mut DbConn,
    seq: Option<i64>,
) -> Result<(i64, Option<String>), VerifyError> {
    let mut anchored = None;
    const PAGE: i64 = 1000;
    let mut expected_seq = 1;
    let mut prev_hash = String::new();
    loop {
        let rows: Vec<AuditEventRow> = audit_events::table
            .filter(audit_events::seq.ge(expected_seq))
            .order(audit_events::seq.asc())
            .limit(PAGE)
            .select(AuditEventRow::as_select())
            .load(conn)?;
        let done = (rows.len() as i64) < PAGE;
        for row in rows {
            check_link(&row, expected_seq, &prev_hash)?;
            if Some(row.seq) == seq {
                anchored = Some(row.hash.clone());
            }
            prev_hash = row.hash;
            expected_seq += 1;
        }
        if done {
            break;
        }
    }
    let (head, head_hash): (i64, String) = audit_chain::table
        .find(1)
        .select((audit_chain::last_seq, audit_chain::last_hash))
        .first(conn)?;
    let found = expected_seq - 1;
    if head != found {
        return Err(ChainBreak::Head { head, found }.into());
    }
    if head_hash != prev_hash {
        return Err(ChainBreak::HeadHash { seq: found }.into());
    }
    Ok((found, anchored))
}

fn check_link(row: &AuditEventRow, expected_seq: i64, prev_hash: &str) -> Result<(), ChainBreak> {
    if row.seq != expected_seq {
        return Err(ChainBreak::Gap {
            seq: row.seq,
            expected: expected_seq,
        });
    }
    if row.prev_hash != prev_hash {
        return Err(ChainBreak::Link {
            seq: row.seq,
            previous: row.seq - 1,
        });
    }
    if row.content_hash() != row.hash {
        return Err(ChainBreak::Content { seq: row.seq });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(seq: i64, prev_hash: &str) -> AuditEventRow {
        let mut row = AuditEventRow {
            seq,
            at: chrono::DateTime::from_timestamp(1_700_000_000, 123_456_000)
                .unwrap()
                .naive_utc(),
            actor: "admin:me".into(),
            action: Action::CampaignCreate.as_str().into(),
            entity: "campaign".into(),
            entity_id: "c1".into(),
            campaign_id: Some("c1".into()),
            before_json: None,
            after_json: Some(r#"{"total_slots":50}"#.into()),
            prev_hash: prev_hash.into(),
            hash: String::new(),
        };
        row.hash = row.content_hash();
        row
    }

    #[test]
    fn an_intact_link_passes_and_any_edit_is_caught() {
        let first = event(1, "");
        let second = event(2, &first.hash);
        assert_eq!(check_link(&first, 1, ""), Ok(()));
        assert_eq!(check_link(&second, 2, &first.hash), Ok(()));

        let mut edited = second.clone();
        edited.after_json = Some(r#"{"total_slots":500}"#.into());
        assert_eq!(
            check_link(&edited, 2, &first.hash),
            Err(ChainBreak::Content { seq: 2 })
        );
        assert_eq!(
            check_link(&second, 2, "forged"),
            Err(ChainBreak::Link {
                seq: 2,
                previous: 1
            })
        );
        assert_eq!(
            check_link(&second, 3, &first.hash),
            Err(ChainBreak::Gap {
                seq: 2,
                expected: 3
            })
        );
    }
}
