//! A value that must never reach a log line or a `Debug` print: database and SMTP URLs (they
//! may hold passwords), API tokens, applicants' status secrets.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(
    Clone,
    PartialEq,
    Eq,
    Default,
    Deserialize,
    Serialize,
    diesel::expression::AsExpression,
    diesel::deserialize::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The value itself, for the one place that needs it (connecting, hashing, a link).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret(value.to_owned())
    }
}

/// A secret as a link carries it (a status page's, a welcome link's): 1 to 128 letters and
/// digits. Anything else in that place of an address is no link of ours, so it is not found
/// before any lookup.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(try_from = "String")]
#[schema(value_type = String)]
pub struct LinkSecret(Secret);

impl LinkSecret {
    pub fn parse(raw: &str) -> Option<LinkSecret> {
        let fits =
            !raw.is_empty() && raw.len() <= 128 && raw.bytes().all(|b| b.is_ascii_alphanumeric());
        fits.then(|| LinkSecret(Secret::new(raw)))
    }

    pub fn into_secret(self) -> Secret {
        self.0
    }
}

impl TryFrom<String> for LinkSecret {
    type Error = &'static str;

    fn try_from(raw: String) -> Result<Self, Self::Error> {
        LinkSecret::parse(&raw).ok_or("not a link's secret")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_value() {
        let s = Secret::new("postgres://app:hunter2@db/honoraria");
        assert!(!format!("{s:?}").contains("hunter2"));
        assert_eq!(s.expose(), "postgres://app:hunter2@db/honoraria");
    }

    #[test]
    fn a_link_carries_only_letters_and_digits() {
        assert!(LinkSecret::parse("Ab12").is_some());
        let long = "a".repeat(128);
        assert!(LinkSecret::parse(&long).is_some());
        for bad in ["", "a/b", "a b", "ａ", &"a".repeat(129)] {
            assert!(LinkSecret::parse(bad).is_none(), "{bad:?}");
        }
    }
}
