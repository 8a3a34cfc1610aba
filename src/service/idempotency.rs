//! Runs a creating request at most once per `Idempotency-Key`.
//!
//! What a replay returns can hold secrets (a new API token, an applicant's status link), so
//! nothing of it is kept readable at rest: the key itself is stored only as a hash, and the
//! response is sealed (ChaCha20-Poly1305) under a key derived from the Idempotency-Key, which
//! only the client that sent it knows. Whoever can replay can read; whoever reads the table
//! cannot.

use super::{ServiceError, ServiceResult};
use crate::db::{self, idempotency, DbConn};
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use chrono::NaiveDateTime;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// A key as the client sent it, scoped to who sent it and where. Only hashes of it are kept.
#[derive(Clone)]
pub struct IdempotencyKey {
    pub scope: String,
    /// What the table stores in place of the key.
    pub key_hash: String,
    pub request_hash: String,
    seal: [u8; 32],
}

impl std::fmt::Debug for IdempotencyKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IdempotencyKey")
            .field("scope", &self.scope)
            .field("key_hash", &self.key_hash)
            .finish_non_exhaustive()
    }
}

/// SHA-256 of `parts`, each prefixed by its length so that no two lists of parts collide.
pub(crate) fn digest(parts: &[&[u8]]) -> [u8; 32] {
    let mut h = Sha256::new();
    for part in parts {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part);
    }
    h.finalize().into()
}

impl IdempotencyKey {
    pub fn new(scope: String, key: &str, body: &[u8]) -> Self {
        IdempotencyKey {
            key_hash: hex::encode(digest(&[b"lookup", scope.as_bytes(), key.as_bytes()])),
            seal: digest(&[b"seal", scope.as_bytes(), key.as_bytes()]),
            request_hash: hex::encode(Sha256::digest(body)),
            scope,
        }
    }

    fn cipher(&self) -> ChaCha20Poly1305 {
        ChaCha20Poly1305::new(Key::from_slice(&self.seal))
    }

    /// `body` sealed: a random nonce, then the ciphertext, in hex.
    fn seal(&self, body: &str) -> String {
        let mut nonce = [0u8; 12];
        rand::thread_rng().fill_bytes(&mut nonce);
        let sealed = self
            .cipher()
            .encrypt(Nonce::from_slice(&nonce), body.as_bytes())
            .expect("ChaCha20-Poly1305 encrypts any length a response has");
        let mut out = nonce.to_vec();
        out.extend(sealed);
        hex::encode(out)
    }

    fn open(&self, stored: &str) -> Option<String> {
        let bytes = hex::decode(stored).ok()?;
        let (nonce, sealed) = bytes.split_at_checked(12)?;
        let plain = self
            .cipher()
            .decrypt(Nonce::from_slice(nonce), sealed)
            .ok()?;
        String::from_utf8(plain).ok()
    }

    /// The row that keeps `created` for replays under this key.
    pub fn stored(&self, created: &Created, now: NaiveDateTime) -> idempotency::StoredResponse {
        idempotency::StoredResponse {
            scope: self.scope.clone(),
            idempotency_key: self.key_hash.clone(),
            request_hash: self.request_hash.clone(),
            response_status: i32::from(created.status),
            response_body: self.seal(&created.body.to_string()),
            created_at: now,
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
                idempotency::insert(conn, &[k.stored(&created, now)])?;
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
    let Some(stored) = idempotency::find(conn, &k.scope, &k.key_hash)? else {
        return Ok(None);
    };
    if stored.request_hash != k.request_hash {
        return Err(ServiceError::IdempotencyKeyReused);
    }
    let body = k
        .open(&stored.response_body)
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or(serde_json::Value::Null);
    Ok(Some(Created {
        status: stored.response_status as u16,
        body,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_response_reads_back_only_under_its_own_key() {
        let key = IdempotencyKey::new("public:c1 POST /x".into(), "k-1", b"{}");
        let created = Created {
            status: 201,
            body: serde_json::json!({"token": "hnr_secret"}),
        };
        let row = key.stored(&created, crate::clock::now());
        assert!(!row.response_body.contains("hnr_secret"));
        assert!(!row.idempotency_key.contains("k-1"));
        let back: serde_json::Value =
            serde_json::from_str(&key.open(&row.response_body).unwrap()).unwrap();
        assert_eq!(back, created.body);
        let other = IdempotencyKey::new("public:c1 POST /x".into(), "k-2", b"{}");
        assert_eq!(other.open(&row.response_body), None);
    }
}
