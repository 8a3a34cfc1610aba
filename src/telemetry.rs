//! Logging set-up: lines on stderr, human-readable or one JSON object each, level from
//! `RUST_LOG` (default `info`). Inside a request every line carries its `request_id`.

use serde::{Deserialize, Serialize};
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Metadata, Subscriber};
use tracing_subscriber::filter::filter_fn;
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::EnvFilter;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

/// Human-readable lines; what tests and tools use.
pub fn init() {
    init_as(LogFormat::Text);
}

pub fn init_as(format: LogFormat) {
    use tracing_subscriber::prelude::*;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let not_a_client_error = filter_fn(|meta| !is_client_stream_error(meta));
    let fmt = tracing_subscriber::fmt::layer().with_writer(std::io::stderr);
    let registry = tracing_subscriber::registry().with(filter);
    // The WARN is said after the formatting layer has dropped the ERROR: said from inside
    // that layer's turn, it would disturb the filter state of the event being written.
    // A second call (tests start several servers in one process) keeps the first subscriber.
    let _ = match format {
        LogFormat::Text => registry
            .with(fmt.with_filter(not_a_client_error))
            .with(ClientStreamErrors)
            .try_init(),
        LogFormat::Json => registry
            .with(
                fmt.json()
                    .with_current_span(true)
                    .with_span_list(false)
                    .with_filter(not_a_client_error),
            )
            .with(ClientStreamErrors)
            .try_init(),
    };
}

/// actix-http logs a connection it gives up on (a request it cannot parse: a malformed
/// header, a bad Content-Length) at ERROR. Any anonymous client can send one, so at ERROR it
/// would wake whoever watches errors for nothing the service did wrong.
const ACTIX_CONNECTION: &str = "actix_http::h1::dispatcher";

fn is_client_stream_error(meta: &Metadata<'_>) -> bool {
    *meta.level() == Level::ERROR && meta.target() == ACTIX_CONNECTION
}

/// Says actix-http's connection errors again at WARN; the formatting layer drops the
/// originals.
struct ClientStreamErrors;

impl<S: Subscriber> Layer<S> for ClientStreamErrors {
    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        if is_client_stream_error(event.metadata()) {
            let mut message = Message::default();
            event.record(&mut message);
            tracing::warn!(target: "http", error = %message.0, "a connection closed on a request that could not be read");
        }
    }
}

#[derive(Default)]
struct Message(String);

impl Visit for Message {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            self.0 = format!("{value:?}");
        }
    }
}

/// An error and every cause under it, one after another, for a log line.
pub fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        out.push_str(": ");
        out.push_str(&c.to_string());
        cause = c.source();
    }
    out
}
