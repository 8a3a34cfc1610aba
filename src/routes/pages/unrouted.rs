//! Addresses no route takes. A person types `/`, `/apply`, `/status/` or a form's address with a
//! trailing slash; their browser gets a Japanese page or a redirect to one, never JSON. A
//! program (no `text/html` in `Accept`, or any path under `/api/`) gets problem+json.

use super::{html, PageError};
use crate::error::ApiError;
use actix_web::http::{header, Method, StatusCode};
use actix_web::{HttpRequest, HttpResponse};
use views::NoticePage;

use super::views;

fn wants_html(req: &HttpRequest) -> bool {
    !req.path().starts_with("/api/")
        && req
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"))
}

fn notice(title: &str, message: &str, link: Option<(&str, &str)>) -> HttpResponse {
    html(
        StatusCode::OK,
        &NoticePage {
            title: title.to_owned(),
            message: message.to_owned(),
            link: link.map(|(href, label)| (href.to_owned(), label.to_owned())),
        },
    )
}

/// The default service: see the module's comment.
pub async fn unrouted(req: HttpRequest) -> Result<HttpResponse, actix_web::Error> {
    if !wants_html(&req) {
        return Err(ApiError::NotFound("no such endpoint".into()).into());
    }
    let path = req.path();
    let reading = req.method() == Method::GET || req.method() == Method::HEAD;
    if reading && matches!(path, "/" | "/apply" | "/apply/") {
        return Ok(notice(
            "キャンペーンへの応募",
            "応募フォームは、チラシのQRコード、または事務局からのご案内にあるアドレスから開いてください。キャンペーンごとに専用のアドレスがあります。",
            Some(("/staff", "事務局の方はこちら（ログイン）")),
        ));
    }
    if reading && matches!(path, "/status" | "/status/") {
        return Ok(notice(
            "応募状況の確認",
            "応募状況のページは、応募を受け付けたときにお送りしたメールのリンクから開いてください。メールが見つからない場合は、キャンペーンの事務局へお問い合わせください。",
            None,
        ));
    }
    if reading && path.len() > 1 && path.ends_with('/') {
        let trimmed = path.trim_end_matches('/');
        let target = match req.query_string() {
            "" => trimmed.to_owned(),
            query => format!("{trimmed}?{query}"),
        };
        return Ok(HttpResponse::PermanentRedirect()
            .insert_header((header::LOCATION, target))
            .finish());
    }
    Err(PageError::not_found().into())
}
