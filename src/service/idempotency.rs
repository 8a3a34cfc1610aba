//! Runs a creating request at most once per `Idempotency-Key`.

use super::{ServiceError, ServiceResult};
use crate::db::{self, idempotency, DbConn};
use chrono::NaiveDateTime;
use sha2::{Digest, Sha256};

/// A key as the client sent it, scoped to who sent it and where.
#[derive(Debug, Clone)]
pub struct IdempotencyKey {
    pub scope: String,
    pub key: String,
    pub request_hash: String,
}

impl IdempotencyKey {
    pub fn new(scope: String, key: String, body: &[u8]) -> Self {
        IdempotencyKey {
            scope,
            key,
            request_hash: hex::encode(Sha256::digest(body)),
        }
    }
}

/// A created resource's response, as stored for replays.
#[derive(Debug, Clone)]
pub struct Created {
    pub status: u16,
    pub body: serde_json::Value,
}

/// Runs `create` in one write transaction together with storing its response under `key`.
/// A key seen before returns the stored response when the body is the same and refuses a
/// different body. Two first uses racing: the loser fails on what the winner made (or on the
/// key's unique index), its whole transaction rolls back, and it replays the winner's answer.
pub fn run<F>(
    conn: &mut DbConn,
    key: Option<&IdempotencyKey>,
    now: NaiveDateTime,
    create: F,
) -> ServiceResult<Created>
where
    F: Fn(&mut DbConn) -> ServiceResult<Created>,
{
    let attempt = |conn: &mut DbConn| {
        db::write_transaction(conn, |conn| {
            if let Some(stored) = replay(conn, key)? {
                return Ok(stored);
            }
            let created = create(conn)?;
            if let Some(k) = key {
                idempotency::insert(
                    conn,
                    &[idempotency::StoredResponse {
                        scope: k.scope.clone(),
                        idempotency_key: k.key.clone(),
                        request_hash: k.request_hash.clone(),
                        response_status: i32::from(created.status),
                        response_body: created.body.to_string(),
                        created_at: now,
                    }],
                )?;
            }
            Ok(created)
        })
    };
    match attempt(conn) {
        // A twin request with the same key may have committed while this one ran, and this
        // one then failed on what the twin made (the office now taking part, the key's unique
        // index): the twin's answer is the answer.
        Err(e) if key.is_some() => match replay(conn, key)? {
            Some(stored) => Ok(stored),
            None => Err(e),
        },
        other => other,
    }
}

/// The stored response for `key`, if it was used before with the same body.
pub fn replay(conn: &mut DbConn, key: Option<&IdempotencyKey>) -> ServiceResult<Option<Created>> {
    let Some(k) = key else {
        return Ok(None);
    };
    let Some(stored) = idempotency::find(conn, &k.scope, &k.key)? else {
        return Ok(None);
    };
    if stored.request_hash != k.request_hash {
        return Err(ServiceError::IdempotencyKeyReused);
    }
    Ok(Some(Created {
        status: stored.response_status as u16,
        body: serde_json::from_str(&stored.response_body).unwrap_or(serde_json::Value::Null),
    }))
}
