//! Large uploads read as they arrive: the body is handed chunk by chunk to a reader on the
//! blocking pool, so a national usage list is never held whole in memory.

use crate::error::ApiError;
use crate::service::ServiceError;
use actix_web::web;
use futures_util::StreamExt;
use std::io::{self, Read};
use tokio::sync::mpsc;

/// Chunks queued between the network and the reader.
const QUEUED_CHUNKS: usize = 16;
/// Chunks a produced body may run ahead of a slow client: what bounds an export's memory.
const PRODUCED_AHEAD: usize = 2;

/// The body as a blocking `Read`.
pub struct BodyReader {
    chunks: mpsc::Receiver<io::Result<web::Bytes>>,
    current: web::Bytes,
    at: usize,
}

impl Read for BodyReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.at >= self.current.len() {
            match self.chunks.blocking_recv() {
                None => return Ok(0),
                Some(Err(e)) => return Err(e),
                Some(Ok(chunk)) => {
                    self.current = chunk;
                    self.at = 0;
                }
            }
        }
        let n = buf.len().min(self.current.len() - self.at);
        buf[..n].copy_from_slice(&self.current[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

impl BodyReader {
    /// The whole body, for a reader that needs it at once (a checkpoint sheet, an attendee
    /// list: the JSON API holds these whole too); a body that broke off is the file's fault.
    pub fn into_bytes(mut self) -> Result<Vec<u8>, ServiceError> {
        let mut bytes = Vec::new();
        self.read_to_end(&mut bytes).map_err(|e| {
            let mut errors = crate::domain::FieldErrors::new();
            errors.push("body", e.to_string());
            ServiceError::Invalid(errors)
        })?;
        Ok(bytes)
    }
}

/// Feeds a body (a request's, or one part of a multipart form) to `consume` as it arrives, up
/// to `limit` bytes (413 beyond, naming the body), and answers what `consume` made of it.
pub async fn consume_body<S, E, T, F>(
    mut payload: S,
    limit: usize,
    consume: F,
) -> Result<T, ApiError>
where
    S: futures_util::Stream<Item = Result<web::Bytes, E>> + Unpin,
    E: std::fmt::Display,
    T: Send + 'static,
    F: FnOnce(BodyReader) -> Result<T, ServiceError> + Send + 'static,
{
    let (tx, rx) = mpsc::channel(QUEUED_CHUNKS);
    let reader = BodyReader {
        chunks: rx,
        current: web::Bytes::new(),
        at: 0,
    };
    let span = tracing::Span::current();
    let consumer = web::block(move || span.in_scope(|| consume(reader)));
    let feed = async move {
        let mut seen = 0usize;
        while let Some(chunk) = payload.next().await {
            let chunk = match chunk {
                Ok(c) => c,
                Err(e) => {
                    let _ = tx.send(Err(io::Error::other(e.to_string()))).await;
                    return Err(ApiError::bad_request("body", e.to_string()));
                }
            };
            seen += chunk.len();
            if seen > limit {
                let _ = tx
                    .send(Err(io::Error::other("the body is too large")))
                    .await;
                return Err(ApiError::TooLarge { limit });
            }
            if tx.send(Ok(chunk)).await.is_err() {
                // The reader stopped early (a refused file): its answer is the answer.
                break;
            }
        }
        Ok(())
    };
    let (fed, consumed) = futures_util::future::join(feed, consumer).await;
    fed?;
    Ok(consumed??)
}

/// A response body made on the blocking pool as it is sent: `produce` reads the database and
/// hands over chunks through `send`, which says false once the client has gone. An error
/// after the first chunk can no longer change the status: it ends the body and is logged.
pub fn produced<F>(
    store: crate::service::Store,
    produce: F,
) -> impl futures_util::Stream<Item = Result<web::Bytes, actix_web::Error>>
where
    F: FnOnce(
            &mut crate::service::Conn,
            &mut dyn FnMut(Vec<u8>) -> bool,
        ) -> Result<(), ServiceError>
        + Send
        + 'static,
{
    let (tx, rx) = mpsc::channel::<web::Bytes>(PRODUCED_AHEAD);
    let span = tracing::Span::current();
    actix_web::rt::task::spawn_blocking(move || {
        let _entered = span.enter();
        let mut send = |chunk: Vec<u8>| tx.blocking_send(web::Bytes::from(chunk)).is_ok();
        if let Err(e) = store.read(|conn| produce(conn, &mut send)) {
            tracing::error!(error = %crate::telemetry::error_chain(&e), "a streamed body stopped");
        }
    });
    futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv()
            .await
            .map(|chunk| (Ok::<_, actix_web::Error>(chunk), rx))
    })
}
