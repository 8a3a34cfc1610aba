//! RFC 6238 one-time codes as authenticator apps make them: SHA-1, 6 digits, 30-second steps,
//! one step either side accepted for clocks that drift.

use chrono::NaiveDateTime;
use totp_rs::{Algorithm, TOTP};

/// Random bytes in a new secret: RFC 4226's recommended 160 bits.
pub const SECRET_BYTES: usize = 20;
const ISSUER: &str = "honoraria";

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TotpError {
    #[error("a TOTP secret must be at least 128 bits")]
    BadSecret,
}

/// Seconds a code lasts.
const STEP_SECS: i64 = 30;

/// The step (Unix time / 30 s) a code made at `now` belongs to.
pub fn step_at(now: NaiveDateTime) -> i64 {
    now.and_utc().timestamp().div_euclid(STEP_SECS)
}

/// A code is accepted once: only for a step later than the last one accepted from the
/// person, so a code seen over a shoulder or in a log is worthless once used, and so is any
/// code older than it.
pub fn fresh(step: i64, last_accepted: Option<i64>) -> bool {
    last_accepted.is_none_or(|last| step > last)
}

/// One person's generator.
pub struct Totp(TOTP);

impl Totp {
    pub fn new(secret: Vec<u8>) -> Result<Self, TotpError> {
        TOTP::new(Algorithm::SHA1, 6, 1, 30, secret)
            .map(Totp)
            .map_err(|_| TotpError::BadSecret)
    }

    /// From the base32 text the person typed into their app (or the form carried back).
    pub fn from_base32(text: &str) -> Result<Self, TotpError> {
        totp_rs::Secret::Encoded(text.trim().to_ascii_uppercase())
            .to_bytes()
            .map_err(|_| TotpError::BadSecret)
            .and_then(Totp::new)
    }

    /// The secret as authenticator apps take it typed in.
    pub fn base32(&self) -> String {
        self.0.get_secret_base32()
    }

    /// The `otpauth://` address the QR code carries.
    pub fn uri(&self, email: &str) -> String {
        format!(
            "otpauth://totp/{ISSUER}:{email}?secret={}&issuer={ISSUER}",
            self.base32()
        )
    }

    /// The step `code` was made for, when it is right at `now` or one step before or after.
    /// The code is read as every number field reads digits (full-width from a Japanese input
    /// method, spaces and hyphens left out).
    pub fn step_of(&self, code: &str, now: NaiveDateTime) -> Option<i64> {
        // As an input method types it: full-width digits, spaces or a hyphen between halves.
        let code = super::written::plain_number(code);
        if code.len() != 6 {
            return None;
        }
        let current = step_at(now);
        // Every candidate is compared, in constant time, so the answer's timing says nothing
        // about which step (if any) matched.
        [current - 1, current, current + 1]
            .into_iter()
            .fold(None, |found, step| {
                let made = self
                    .0
                    .generate(u64::try_from(step * STEP_SECS).unwrap_or(0));
                let same = made.len() == code.len()
                    && made
                        .bytes()
                        .zip(code.bytes())
                        .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                        == 0;
                found.or(same.then_some(step))
            })
    }

    /// Whether `code` is right at `now`, or one step before or after.
    pub fn check(&self, code: &str, now: NaiveDateTime) -> bool {
        self.step_of(code, now).is_some()
    }

    /// The code at `now`.
    pub fn code(&self, now: NaiveDateTime) -> String {
        self.0
            .generate(u64::try_from(now.and_utc().timestamp()).unwrap_or(0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> NaiveDateTime {
        chrono::DateTime::from_timestamp(seconds, 0)
            .unwrap()
            .naive_utc()
    }

    #[test]
    fn rfc_6238_sha1_vector() {
        // RFC 6238 appendix B: the ASCII secret "12345678901234567890", T = 59 s → 94287082
        // with 8 digits, so 287082 with 6.
        let totp = Totp::new(b"12345678901234567890".to_vec()).unwrap();
        assert_eq!(totp.code(at(59)), "287082");
        assert!(totp.check("287082", at(59)));
        assert!(totp.check("287 082", at(59 + 30)), "one step late");
        assert!(!totp.check("287082", at(59 + 60)), "two steps late");
        assert!(!totp.check("28708", at(59)));
        assert!(
            totp.check("２８７０８２", at(59)),
            "full-width, as an input method types"
        );
        assert!(totp.check("287-082", at(59)));
        assert!(!totp.check("287O82", at(59)), "a letter is no digit");
        assert!(
            totp.check("２８７　０８２", at(59)),
            "with an ideographic space, as an input method types it"
        );
    }

    #[test]
    fn a_code_names_its_step_within_one_either_side() {
        let totp = Totp::new(b"12345678901234567890".to_vec()).unwrap();
        let now = at(1_800_000_015);
        let step = step_at(now);
        assert_eq!(step, 60_000_000);
        for (made_at, expected) in [
            (now, Some(step)),
            (at(1_800_000_015 - 30), Some(step - 1)),
            (at(1_800_000_015 + 30), Some(step + 1)),
            (at(1_800_000_015 - 60), None),
            (at(1_800_000_015 + 60), None),
        ] {
            assert_eq!(
                totp.step_of(&totp.code(made_at), now),
                expected,
                "{made_at}"
            );
        }
        assert_eq!(totp.step_of("12345", now), None);
    }

    #[test]
    fn a_code_is_accepted_only_after_the_last_accepted_step() {
        for (step, last, accepted) in [
            (10, None, true),
            (10, Some(9), true),
            (10, Some(10), false),
            (10, Some(11), false),
        ] {
            assert_eq!(fresh(step, last), accepted, "{step} after {last:?}");
        }
    }

    #[test]
    fn the_secret_reads_back_from_its_base32_and_the_uri_names_the_person() {
        let totp = Totp::new(vec![7; SECRET_BYTES]).unwrap();
        let again = Totp::from_base32(&totp.base32().to_lowercase()).unwrap();
        assert_eq!(again.code(at(1_800_000_000)), totp.code(at(1_800_000_000)));
        assert!(totp
            .uri("a@example.jp")
            .starts_with("otpauth://totp/honoraria:a@example.jp?secret="));
        assert!(Totp::new(vec![1; 8]).is_err());
        assert!(Totp::from_base32("not base32!").is_err());
    }
}
