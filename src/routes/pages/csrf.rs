//! Cross-site request forgery guard for the form posts: a double-submit token (a random value
//! in a SameSite=Strict, HttpOnly cookie, repeated in a hidden field) and, when the browser
//! names the page a post comes from, that it is this site.
//!
//! The token is kept apart from the idempotency key: a double click posts the same key with
//! the same token, and a form opened again gets a fresh key but keeps its token, so neither
//! guard gets in the other's way.

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::header;
use actix_web::HttpRequest;
use rand::{distributions::Alphanumeric, Rng};

pub const COOKIE: &str = "honoraria_form";
pub const FIELD: &str = "csrf_token";
const LEN: usize = 32;

/// The token a page embeds, and the cookie to set when the browser has none yet.
pub struct Token {
    pub value: String,
    pub cookie: Option<Cookie<'static>>,
}

fn well_formed(value: &str) -> bool {
    value.len() == LEN && value.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// The browser's token, or a new one with its cookie. `secure` marks the cookie for HTTPS
/// only, as a site served over HTTPS wants.
pub fn token(req: &HttpRequest, secure: bool) -> Token {
    if let Some(c) = req.cookie(COOKIE).filter(|c| well_formed(c.value())) {
        return Token {
            value: c.value().to_owned(),
            cookie: None,
        };
    }
    let value: String = rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(LEN)
        .map(char::from)
        .collect();
    let cookie = Cookie::build(COOKIE, value.clone())
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .finish();
    Token {
        value,
        cookie: Some(cookie),
    }
}

/// Compares in constant time, so a forged token learns nothing from how long a refusal takes.
pub(super) fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Whether the post carries its page's token and, if the browser says where it comes from,
/// comes from this site as the public sees it (`public_base`).
pub fn verify(req: &HttpRequest, field: &str, public_base: &str) -> bool {
    let cookie = req.cookie(COOKIE);
    let token_ok = cookie.as_ref().is_some_and(|c| {
        well_formed(c.value()) && same_bytes(c.value().as_bytes(), field.as_bytes())
    });
    token_ok && same_origin(req, public_base)
}

/// Scheme, host and port of a URL or an `Origin`, lowercased, the port spelled out.
fn origin_of(url: &str) -> Option<(String, String, u16)> {
    let (scheme, rest) = url.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    let authority = rest.split(['/', '?', '#']).next()?;
    let default_port = match scheme.as_str() {
        "http" => 80,
        "https" => 443,
        _ => return None,
    };
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) if !port.contains(']') => (host, port.parse().ok()?),
        _ => (authority, default_port),
    };
    (!host.is_empty()).then(|| (scheme, host.to_ascii_lowercase(), port))
}

/// A post whose `Origin` is not the public base URL's, or that the browser marks cross-site,
/// is not from this site. `Host` is not compared: a reverse proxy may rewrite it. Either
/// header missing (an older browser, a script) leaves the token alone to decide.
pub(super) fn same_origin(req: &HttpRequest, public_base: &str) -> bool {
    let headers = req.headers();
    if headers
        .get("sec-fetch-site")
        .is_some_and(|v| v.as_bytes() == b"cross-site")
    {
        return false;
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    matches!((origin_of(origin), origin_of(public_base)), (Some(o), Some(p)) if o == p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    const T: &str = "abcdefghijklmnopqrstuvwxyz012345";

    const BASE: &str = "https://apply.example.jp";

    #[test]
    fn a_post_needs_the_cookie_and_the_same_token() {
        let with_cookie = || TestRequest::post().cookie(Cookie::new(COOKIE, T));
        assert!(verify(&with_cookie().to_http_request(), T, BASE));
        assert!(!verify(&with_cookie().to_http_request(), "x", BASE));
        assert!(!verify(&TestRequest::post().to_http_request(), T, BASE));
        let short = TestRequest::post().cookie(Cookie::new(COOKIE, "abc"));
        assert!(!verify(&short.to_http_request(), "abc", BASE));
    }

    #[test]
    fn a_post_from_another_site_is_refused_even_with_the_token() {
        let req = |origin: &str| {
            TestRequest::post()
                .cookie(Cookie::new(COOKIE, T))
                // What a reverse proxy passes on: its upstream, not the public name.
                .insert_header((header::HOST, "127.0.0.1:8080"))
                .insert_header((header::ORIGIN, origin))
                .to_http_request()
        };
        assert!(verify(&req("https://apply.example.jp"), T, BASE));
        assert!(verify(&req("HTTPS://Apply.Example.JP:443"), T, BASE));
        assert!(verify(
            &req("https://apply.example.jp"),
            T,
            "https://apply.example.jp/"
        ));
        assert!(
            !verify(&req("http://apply.example.jp"), T, BASE),
            "another scheme"
        );
        assert!(
            !verify(&req("https://apply.example.jp:8443"), T, BASE),
            "another port"
        );
        assert!(
            !verify(&req("http://127.0.0.1:8080"), T, BASE),
            "the Host is not the site"
        );
        assert!(!verify(&req("https://evil.example"), T, BASE));
        assert!(!verify(
            &req("https://apply.example.jp.evil.example"),
            T,
            BASE
        ));
        assert!(!verify(&req("null"), T, BASE));
        assert!(verify(&req("http://[::1]:8080"), T, "http://[::1]:8080"));
        let cross = TestRequest::post()
            .cookie(Cookie::new(COOKIE, T))
            .insert_header(("sec-fetch-site", "cross-site"))
            .to_http_request();
        assert!(!verify(&cross, T, BASE));
    }

    #[test]
    fn a_page_reuses_the_browsers_token_or_sets_a_new_one() {
        let fresh = token(&TestRequest::get().to_http_request(), true);
        let cookie = fresh.cookie.expect("a new cookie");
        assert_eq!(cookie.value(), fresh.value);
        assert_eq!(cookie.same_site(), Some(SameSite::Strict));
        assert_eq!(cookie.http_only(), Some(true));
        assert_eq!(cookie.secure(), Some(true));
        let again = token(
            &TestRequest::get()
                .cookie(Cookie::new(COOKIE, T))
                .to_http_request(),
            false,
        );
        assert_eq!(again.value, T);
        assert!(again.cookie.is_none());
    }
}
