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
/// different body. Two first uses racing on PostgreSQL: the loser's insert of the key fails
/// its unique index, its whole transaction rolls back, and the retry replays the winner's.
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
            if let Some(k) = key {
                if let Some(stored) = idempotency::find(conn, &k.scope, &k.key)? {
                    if stored.request_hash != k.request_hash {
                        return Err(ServiceError::IdempotencyKeyReused);
                    }
                    let body = serde_json::from_str(&stored.response_body)
                        .unwrap_or(serde_json::Value::Null);
                    return Ok(Created {
                        status: stored.response_status as u16,
                        body,
                    });
                }
            }
            let created = create(conn)?;
            if let Some(k) = key {
                idempotency::insert(
                    conn,
                    &idempotency::StoredResponse {
                        scope: k.scope.clone(),
                        idempotency_key: k.key.clone(),
                        request_hash: k.request_hash.clone(),
                        response_status: i32::from(created.status),
                        response_body: created.body.to_string(),
                        created_at: now,
                    },
                )?;
            }
            Ok(created)
        })
    };
    match attempt(conn) {
        Err(ServiceError::Db(e)) if key.is_some() && db::is_unique_violation(&e) => attempt(conn),
        other => other,
    }
}
