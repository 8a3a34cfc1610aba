//! The applicant's secret status link: the one path that shows an application without auth.

use crate::domain::secret::Secret;

const API_PREFIX: &str = "/api/v1/status/";
const PAGE_PREFIX: &str = "/status/";

/// The JSON view of the application, as `status_url` gives it.
pub fn status_path(secret: &Secret) -> String {
    format!("{API_PREFIX}{}", secret.expose())
}

/// The applicant's status page, which emails link to.
pub fn page_path(secret: &Secret) -> String {
    format!("{PAGE_PREFIX}{}", secret.expose())
}

/// The status page for a `status_url`, as a replayed submission answer holds it.
pub fn page_for(status_url: &str) -> Option<String> {
    status_url
        .strip_prefix(API_PREFIX)
        .filter(|s| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric()))
        .map(|secret| format!("{PAGE_PREFIX}{secret}"))
}

/// `text` with the secret of every status link in it hidden, for staff who read an email: the
/// link lets whoever holds it act as the applicant.
pub fn masked_links(text: &str) -> String {
    const MARK: &str = "/status/";
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(MARK) {
        let (before, after) = rest.split_at(at + MARK.len());
        out.push_str(before);
        let secret_len = after
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(after.len());
        if secret_len > 0 {
            out.push_str("********");
        }
        rest = &after[secret_len..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_of_a_status_url_keeps_its_secret_and_nothing_else() {
        let secret = Secret::new("Ab12Cd34");
        assert_eq!(page_for(&status_path(&secret)), Some(page_path(&secret)));
        assert_eq!(page_for("/api/v1/status/"), None);
        assert_eq!(page_for("/api/v1/status/a/../b"), None);
        assert_eq!(page_for("https://evil.example/api/v1/status/x"), None);
    }

    #[test]
    fn status_secrets_in_an_email_are_hidden_and_the_rest_kept() {
        let body =
            "状況: https://x.jp/api/v1/status/Ab12Cd34\nまた https://x.jp/status/Zz9/withdraw";
        assert_eq!(
            masked_links(body),
            "状況: https://x.jp/api/v1/status/********\nまた https://x.jp/status/********/withdraw"
        );
    }
}
