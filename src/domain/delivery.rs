//! An email's way through the outbox, and what one delivery attempt came to.

use super::name::named;
use serde::Serialize;

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    diesel::expression::AsExpression,
    diesel::deserialize::FromSqlRow,
    utoipa::ToSchema,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    Queued,
    /// Claimed by a worker, whose lease keeps others off it.
    Sending,
    Sent,
    /// A transient failure; tried again at `next_attempt_at`.
    Retrying,
    Failed,
}

named!(DeliveryStatus {
    Queued => "queued",
    Sending => "sending",
    Sent => "sent",
    Retrying => "retrying",
    Failed => "failed",
});

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    diesel::expression::AsExpression,
    diesel::deserialize::FromSqlRow,
    utoipa::ToSchema,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
#[serde(rename_all = "snake_case")]
pub enum AttemptOutcome {
    Sent,
    /// Worth retrying: connection refused, time-out, a 4xx reply.
    Transient,
    /// Not worth retrying: a 5xx reply.
    Permanent,
}

named!(AttemptOutcome {
    Sent => "sent",
    Transient => "transient",
    Permanent => "permanent",
});
