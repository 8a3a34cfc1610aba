//! The applicant pages' and the console's error: what happened, as a page in plain Japanese,
//! never a cause or a stack trace; and how the JSON API's errors read as one.

use super::html;
use super::views::NoticePage;
use crate::error::ApiError;
use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};

/// An error as a page: what happened in plain Japanese, never a cause or a stack trace.
#[derive(Debug)]
pub struct PageError {
    status: StatusCode,
    title: &'static str,
    message: String,
    link: Option<(String, String)>,
}

impl std::fmt::Display for PageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.status, self.title)
    }
}

impl PageError {
    pub(super) fn new(status: StatusCode, title: &'static str, message: impl Into<String>) -> Self {
        PageError {
            status,
            title,
            message: message.into(),
            link: None,
        }
    }

    pub(super) fn with_link(mut self, href: String, label: &str) -> Self {
        self.link = Some((href, label.to_owned()));
        self
    }

    pub(crate) fn not_found() -> Self {
        PageError::new(
            StatusCode::NOT_FOUND,
            "ページが見つかりません",
            "アドレスが正しいか、お手元のメールやチラシのリンクをお確かめください。",
        )
    }

    /// A post without its page's token: an old page, cookies off, or another site.
    pub(super) fn expired(back: String) -> Self {
        PageError::new(
            StatusCode::FORBIDDEN,
            "ページの有効期限が切れました",
            "安全のため、送信を受け付けませんでした。お手数ですが、ページを開き直してもう一度お試しください（ブラウザのCookieを有効にしてください）。",
        )
        .with_link(back, "ページを開き直す")
    }
}

impl From<ApiError> for PageError {
    fn from(e: ApiError) -> Self {
        e.log_cause();
        match e {
            ApiError::NotFound(_) => PageError::not_found(),
            ApiError::TooManyRequests => PageError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "アクセスが集中しています",
                "1分ほど待ってから、もう一度お試しください。入力した内容は、ブラウザの「戻る」で戻ると残っています。",
            ),
            ApiError::Unavailable(_) => PageError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "ただいま混み合っています",
                "しばらく待ってから、もう一度お試しください。",
            ),
            ApiError::Busy => PageError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "サインインが混み合っています",
                "数秒待ってから、もう一度お試しください。",
            ),
            ApiError::Internal(_) => PageError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "エラーが発生しました",
                "お手数ですが、時間をおいてもう一度お試しください。",
            ),
            ApiError::TooLarge { .. } => PageError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "送信内容が大きすぎます",
                "入力内容を短くして、もう一度お試しください。",
            ),
            other => PageError::new(
                other.status_code(),
                "受け付けられませんでした",
                "入力内容をお確かめのうえ、もう一度お試しください。",
            ),
        }
    }
}

impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let page = NoticePage {
            title: self.title.to_owned(),
            message: self.message.clone(),
            link: self.link.clone(),
        };
        let mut res = html(self.status, &page);
        let wait = match self.status {
            StatusCode::SERVICE_UNAVAILABLE => Some("5"),
            StatusCode::TOO_MANY_REQUESTS => Some("60"),
            _ => None,
        };
        if let Some(wait) = wait {
            res.headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from_static(wait));
        }
        res
    }
}
