//! A campaign's code as its form's address carries it.

use serde::Deserialize;

/// A campaign's code, the last part of its form's address (`/apply/{code}`): 1 to 64 of a-z,
/// 0-9 and -. A path that is no code names no campaign, so it is not found before any lookup.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct CampaignCode(String);

impl CampaignCode {
    pub fn parse(raw: &str) -> Option<CampaignCode> {
        let fits = !raw.is_empty()
            && raw.len() <= 64
            && raw
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        fits.then(|| CampaignCode(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for CampaignCode {
    type Error = &'static str;

    fn try_from(raw: String) -> Result<Self, Self::Error> {
        CampaignCode::parse(&raw).ok_or("must be 1 to 64 characters of a-z, 0-9 and -")
    }
}

impl std::fmt::Display for CampaignCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_campaign_code_is_what_its_form_address_can_carry() {
        for good in ["musashino-2024", "a", "0-9", &"a".repeat(64)] {
            assert_eq!(
                CampaignCode::parse(good).map(|c| c.to_string()),
                Some(good.to_owned())
            );
        }
        for bad in [
            "",
            "Musashino",
            "むさしの",
            "a b",
            "a/b",
            "a_b",
            &"a".repeat(65),
        ] {
            assert!(CampaignCode::parse(bad).is_none(), "{bad:?}");
        }
        let read: Result<CampaignCode, _> = serde_json::from_str("\"Musashino\"");
        assert!(
            read.is_err(),
            "a path with another code is not found, not guessed"
        );
    }
}
