//! An email address that lettre can send to.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailAddress(lettre::Address);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EmailError {
    #[error("must be an email address such as name@example.jp")]
    Invalid,
    #[error("must be at most 254 characters")]
    TooLong,
}

impl EmailAddress {
    pub fn parse(input: &str) -> Result<Self, EmailError> {
        let trimmed = input.trim();
        if trimmed.len() > 254 {
            return Err(EmailError::TooLong);
        }
        // lettre takes anything RFC 5321 allows, `a@b` and full-width letters included; an
        // applicant's address is an ordinary one on the public internet: ASCII, and a domain
        // with a dot and a top-level label of letters.
        if !trimmed.is_ascii() || !ordinary_domain(trimmed.rsplit('@').next().unwrap_or("")) {
            return Err(EmailError::Invalid);
        }
        trimmed
            .parse::<lettre::Address>()
            .map(EmailAddress)
            .map_err(|_| EmailError::Invalid)
    }

    pub fn as_str(&self) -> &str {
        self.0.as_ref()
    }

    /// The address as shown to anyone but staff: `k***@example.jp`.
    pub fn masked(&self) -> String {
        let user = self.0.user();
        let first: String = user.chars().take(1).collect();
        format!("{first}***@{}", self.0.domain())
    }
}

fn ordinary_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    let well_formed = |l: &&str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    };
    labels.len() >= 2
        && labels.iter().all(well_formed)
        && labels
            .last()
            .is_some_and(|tld| tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()))
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_addresses_parse_and_surrounding_space_is_dropped() {
        assert_eq!(
            EmailAddress::parse(" kaigo@example.jp ").unwrap().as_str(),
            "kaigo@example.jp"
        );
    }

    #[test]
    fn non_addresses_are_refused() {
        for input in [
            "",
            "kaigo",
            "kaigo@",
            "@example.jp",
            "a b@example.jp",
            "a@b",
            "a@b.c",
            "a@-example.jp",
            "kaigo@example..jp",
            "ｋａｉｇｏ@example.jp",
            "kaigo@ｅｘａｍｐｌｅ.jp",
        ] {
            assert_eq!(
                EmailAddress::parse(input),
                Err(EmailError::Invalid),
                "{input}"
            );
        }
        let long = format!("{}@example.jp", "a".repeat(250));
        assert_eq!(EmailAddress::parse(&long), Err(EmailError::TooLong));
    }

    #[test]
    fn masking_keeps_only_the_first_letter_and_the_domain() {
        assert_eq!(
            EmailAddress::parse("kaigo@example.jp").unwrap().masked(),
            "k***@example.jp"
        );
    }
}
