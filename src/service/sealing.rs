//! Secrets kept at rest sealed (ChaCha20-Poly1305) under the service's own key, so that a copy
//! of the database alone does not give away anyone's second factor.
//!
//! The key is `secret_key` (64 hex digits) when set, which every instance sharing a database
//! must be given alike; otherwise it is read from `secret_key_file`, made with a fresh random
//! key (readable by the owner only) the first time the service starts.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum SealKeyError {
    #[error("secret_key must be 64 hex digits")]
    Malformed,
    #[error("secret key file {path}: {source}")]
    File {
        path: String,
        source: std::io::Error,
    },
    #[error("secret key file {path} must hold 64 hex digits")]
    MalformedFile { path: String },
}

/// The service's sealing key. `Debug` never shows it.
#[derive(Clone)]
pub struct SealKey([u8; 32]);

impl std::fmt::Debug for SealKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SealKey([redacted])")
    }
}

fn parse(text: &str) -> Option<[u8; 32]> {
    hex::decode(text.trim()).ok()?.try_into().ok()
}

impl SealKey {
    /// A key made from 32 bytes known only to whoever holds what they were derived from (a
    /// form draft's id and its browser's cookie).
    pub fn from_bytes(key: [u8; 32]) -> Self {
        SealKey(key)
    }

    pub fn from_hex(text: &str) -> Result<Self, SealKeyError> {
        parse(text).map(SealKey).ok_or(SealKeyError::Malformed)
    }

    /// The configured key, or the key file's, made on first start.
    pub fn load(configured: Option<&str>, file: &str) -> Result<Self, SealKeyError> {
        if let Some(text) = configured {
            return Self::from_hex(text);
        }
        let io = |source| SealKeyError::File {
            path: file.to_owned(),
            source,
        };
        let path = Path::new(file);
        if !path.exists() {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(io)?;
            }
            let mut key = [0u8; 32];
            rand::rngs::OsRng.fill_bytes(&mut key);
            write_new(path, &hex::encode(key)).map_err(io)?;
        }
        let text = std::fs::read_to_string(path).map_err(io)?;
        parse(&text)
            .map(SealKey)
            .ok_or_else(|| SealKeyError::MalformedFile {
                path: file.to_owned(),
            })
    }

    /// A key for one purpose, so that one sealed value never opens as another kind.
    fn cipher(&self, purpose: &str) -> ChaCha20Poly1305 {
        let mut h = Sha256::new();
        h.update(purpose.as_bytes());
        h.update(self.0);
        ChaCha20Poly1305::new(Key::from_slice(&h.finalize()))
    }

    /// `plain` sealed for `purpose`, bound to `owner` (a sealed value copied to another row
    /// does not open): a random nonce, then the ciphertext, in hex.
    pub fn seal(&self, purpose: &str, owner: &str, plain: &[u8]) -> String {
        let mut nonce = [0u8; 12];
        rand::thread_rng().fill_bytes(&mut nonce);
        let sealed = self
            .cipher(purpose)
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: plain,
                    aad: owner.as_bytes(),
                },
            )
            .expect("ChaCha20-Poly1305 encrypts any length a secret has");
        let mut out = nonce.to_vec();
        out.extend(sealed);
        hex::encode(out)
    }

    /// What [`SealKey::seal`] sealed, if this key, purpose and owner sealed it.
    pub fn open(&self, purpose: &str, owner: &str, stored: &str) -> Option<Vec<u8>> {
        let bytes = hex::decode(stored).ok()?;
        let (nonce, sealed) = bytes.split_at_checked(12)?;
        self.cipher(purpose)
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: sealed,
                    aad: owner.as_bytes(),
                },
            )
            .ok()
    }
}

#[cfg(unix)]
fn write_new(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?
        .write_all(text.as_bytes())
}

#[cfg(not(unix))]
fn write_new(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?
        .write_all(text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_value_opens_only_with_its_key_purpose_and_owner() {
        let key = SealKey::from_hex(&"ab".repeat(32)).unwrap();
        let sealed = key.seal("totp", "person-1", b"secret");
        assert_eq!(key.open("totp", "person-1", &sealed).unwrap(), b"secret");
        assert!(key.open("totp", "person-2", &sealed).is_none());
        assert!(key.open("other", "person-1", &sealed).is_none());
        let other = SealKey::from_hex(&"cd".repeat(32)).unwrap();
        assert!(other.open("totp", "person-1", &sealed).is_none());
        assert!(!format!("{key:?}").contains("ab"));
        assert!(SealKey::from_hex("abcd").is_err());
    }

    #[test]
    fn the_key_file_is_made_once_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("keys/secret.key");
        let file = file.to_str().unwrap();
        let first = SealKey::load(None, file).unwrap();
        let again = SealKey::load(None, file).unwrap();
        let sealed = first.seal("totp", "p", b"x");
        assert_eq!(again.open("totp", "p", &sealed).unwrap(), b"x");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(file).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
