//! The applicant's secret status link: the one path that shows an application without auth.

use crate::domain::secret::Secret;

pub fn status_path(secret: &Secret) -> String {
    format!("/api/v1/status/{}", secret.expose())
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
    fn status_secrets_in_an_email_are_hidden_and_the_rest_kept() {
        let body =
            "状況: https://x.jp/api/v1/status/Ab12Cd34\nまた https://x.jp/status/Zz9/withdraw";
        assert_eq!(
            masked_links(body),
            "状況: https://x.jp/api/v1/status/********\nまた https://x.jp/status/********/withdraw"
        );
    }
}
