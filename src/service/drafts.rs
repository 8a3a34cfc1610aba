//! A refused form as it was typed, with its refusals, kept for the page the refusal redirects
//! to (post/redirect/get): a browser's Back and reload then find a page, not a resubmission.
//!
//! A draft lives an hour at most and goes as soon as its form is sent successfully. It holds
//! personal data, so nothing of it is readable at rest: its id is stored only as a hash, and
//! its fields and errors are sealed under a key derived from the id, the form's address and
//! the browser's form cookie. Only the browser that typed it, at the address it came from,
//! opens it; anywhere else it is as if it had never been.

use super::idempotency::digest;
use super::sealing::SealKey;
use super::ServiceResult;
use crate::db::drafts::{self as rows, DraftRow};
use crate::db::DbConn;
use crate::domain::field_error::{from_stored, to_stored};
use crate::domain::FieldError;
use chrono::NaiveDateTime;
use rand::{distributions::Alphanumeric, Rng};
use std::collections::BTreeMap;

/// How long a draft is kept.
pub const LIFETIME: chrono::Duration = chrono::Duration::hours(1);

const ID_LEN: usize = 32;

/// A draft's id, as the address of the page that shows it carries it.
#[derive(Clone, PartialEq, Eq)]
pub struct DraftId(String);

impl std::fmt::Debug for DraftId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DraftId([redacted])")
    }
}

impl DraftId {
    pub fn random() -> Self {
        DraftId(
            rand::thread_rng()
                .sample_iter(&Alphanumeric)
                .take(ID_LEN)
                .map(char::from)
                .collect(),
        )
    }

    /// An id as this service makes them, or none.
    pub fn parse(text: &str) -> Option<Self> {
        (text.len() == ID_LEN && text.bytes().all(|b| b.is_ascii_alphanumeric()))
            .then(|| DraftId(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Where a draft is found and what opens it.
pub struct DraftKey {
    id_hash: String,
    seal: SealKey,
}

impl DraftKey {
    /// The draft `id` of the form at `form` (its path) typed in the browser whose form cookie
    /// is `browser`.
    pub fn new(id: &DraftId, form: &str, browser: &str) -> Self {
        let seal = digest(&[
            b"draft-seal",
            id.0.as_bytes(),
            form.as_bytes(),
            browser.as_bytes(),
        ]);
        DraftKey {
            id_hash: hex::encode(digest(&[b"draft", id.0.as_bytes()])),
            seal: SealKey::from_bytes(seal),
        }
    }
}

/// What was typed, by field name, and why it was refused.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Draft {
    pub fields: BTreeMap<String, String>,
    pub errors: Vec<FieldError>,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Sealed {
    fields: BTreeMap<String, String>,
    /// [`to_stored`]: the refusals as values, so they are said in Japanese when shown.
    errors: String,
}

const PURPOSE: &str = "form_draft";

/// Keeps `draft` under `key`, in place of what the same id held.
pub fn keep(
    conn: &mut DbConn,
    now: NaiveDateTime,
    key: &DraftKey,
    draft: &Draft,
) -> ServiceResult<()> {
    let sealed = Sealed {
        fields: draft.fields.clone(),
        errors: to_stored(&draft.errors).map_err(|e| super::ServiceError::Format(e.to_string()))?,
    };
    let plain =
        serde_json::to_vec(&sealed).map_err(|e| super::ServiceError::Format(e.to_string()))?;
    let row = DraftRow {
        sealed: key.seal.seal(PURPOSE, &key.id_hash, &plain),
        id_hash: key.id_hash.clone(),
        created_at: now,
    };
    Ok(rows::replace(conn, &row)?)
}

/// The draft under `key`, while it is kept and if this key opens it.
pub fn open(conn: &mut DbConn, now: NaiveDateTime, key: &DraftKey) -> ServiceResult<Option<Draft>> {
    let Some(row) = rows::find(conn, &key.id_hash, now - LIFETIME)? else {
        return Ok(None);
    };
    let opened = key
        .seal
        .open(PURPOSE, &key.id_hash, &row.sealed)
        .and_then(|plain| serde_json::from_slice::<Sealed>(&plain).ok())
        .and_then(|s| {
            Some(Draft {
                errors: from_stored(&s.errors).ok()?,
                fields: s.fields,
            })
        });
    Ok(opened)
}

/// Forgets the draft under `key`: its form was sent and taken.
pub fn discard(conn: &mut DbConn, key: &DraftKey) -> ServiceResult<()> {
    rows::discard(conn, &key.id_hash)?;
    Ok(())
}

/// Forgets every draft older than [`LIFETIME`] at `now`; returns how many.
pub fn purge(conn: &mut DbConn, now: NaiveDateTime) -> diesel::QueryResult<usize> {
    rows::purge_before(conn, now - LIFETIME)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_long_random_and_read_back_only_as_made() {
        let id = DraftId::random();
        assert_eq!(DraftId::parse(id.as_str()), Some(id.clone()));
        assert_ne!(DraftId::random(), id);
        assert!(DraftId::parse("short").is_none());
        assert!(DraftId::parse(&"é".repeat(16)).is_none());
        assert!(!format!("{id:?}").contains(id.as_str()));
    }

    #[test]
    fn a_draft_opens_only_for_its_form_and_its_browser() {
        let id = DraftId::random();
        let key = DraftKey::new(&id, "/apply/x", "cookie-a");
        let sealed = key.seal.seal(PURPOSE, &key.id_hash, b"typed");
        let same = DraftKey::new(&id, "/apply/x", "cookie-a");
        assert_eq!(same.id_hash, key.id_hash);
        assert!(same.seal.open(PURPOSE, &same.id_hash, &sealed).is_some());
        for other in [
            DraftKey::new(&id, "/apply/y", "cookie-a"),
            DraftKey::new(&id, "/apply/x", "cookie-b"),
        ] {
            assert_eq!(other.id_hash, key.id_hash, "found by the id alone");
            assert!(other.seal.open(PURPOSE, &other.id_hash, &sealed).is_none());
        }
    }
}
