//! A request body that stops arriving is answered 408 and its connection closed. actix times
//! only the request head; without this a socket that announces a body and sends one byte holds
//! its connection, a worker's attention and a file descriptor for as long as it likes.
//!
//! The time counts from the head, then from each piece of the body, as nginx's
//! `client_body_timeout` does: a large upload on a slow line keeps going as long as it moves.

use crate::error::ApiError;
use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::error::PayloadError;
use actix_web::http::ConnectionType;
use actix_web::middleware::Next;
use actix_web::rt::time::{sleep, Sleep};
use actix_web::web::Bytes;
use actix_web::HttpMessage;
use futures_util::Stream;
use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};
use std::time::Duration;

/// The pause a body may take (`client_body_timeout_secs`), as app data.
#[derive(Debug, Clone, Copy)]
pub struct BodyTimeout(pub Duration);

/// A connection's place for a body that stalled, kept unread until the connection ends. A
/// dropped chunked body is one actix drains rather than closes for, and a stalled one never
/// drains; one still held makes actix close the connection once the 408 is sent.
#[derive(Default)]
pub struct StalledBody(RefCell<Option<Payload>>);

type Stalled = Rc<RefCell<Option<Payload>>>;

struct Timed {
    inner: Payload,
    pause: Duration,
    deadline: Pin<Box<Sleep>>,
    stalled: Stalled,
}

impl Stream for Timed {
    type Item = Result<Bytes, PayloadError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        match Pin::new(&mut this.inner).poll_next(cx) {
            Poll::Ready(item) => {
                let next = actix_web::rt::time::Instant::now() + this.pause;
                this.deadline.as_mut().reset(next);
                Poll::Ready(item)
            }
            Poll::Pending => match this.deadline.as_mut().poll(cx) {
                Poll::Ready(()) => {
                    let body = std::mem::replace(&mut this.inner, Payload::None);
                    *this.stalled.borrow_mut() = Some(body);
                    Poll::Ready(Some(Err(PayloadError::Io(std::io::Error::new(
                        std::io::ErrorKind::TimedOut,
                        "the request body stopped arriving",
                    )))))
                }
                Poll::Pending => Poll::Pending,
            },
        }
    }
}

/// Middleware: times the body; a handler that gave up on it because it stalled is answered
/// 408 naming the body, whatever it made of the error, and the connection is closed (a body
/// left half-read cannot be followed by another request).
pub async fn limit(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let Some(BodyTimeout(pause)) = req.app_data::<BodyTimeout>().copied() else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_left_body);
    };
    let body = req.take_payload();
    if matches!(body, Payload::None) {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_left_body);
    }
    let stalled = Stalled::default();
    let timed = Timed {
        inner: body,
        pause,
        deadline: Box::pin(sleep(pause)),
        stalled: stalled.clone(),
    };
    req.set_payload(Payload::Stream {
        payload: Box::pin(timed),
    });
    let res = next.call(req).await;
    let Some(body) = stalled.take() else {
        return res.map(ServiceResponse::map_into_left_body);
    };
    let timeout = ApiError::RequestTimeout {
        seconds: pause.as_secs(),
    };
    let Ok(res) = res else {
        return Err(timeout.into());
    };
    let (request, _) = res.into_parts();
    if let Some(place) = request.conn_data::<StalledBody>() {
        *place.0.borrow_mut() = Some(body);
    }
    let mut answer = actix_web::ResponseError::error_response(&timeout);
    answer.head_mut().set_connection_type(ConnectionType::Close);
    Ok(ServiceResponse::new(request, answer).map_into_right_body())
}
