//! An email's way through the outbox, and what one delivery attempt came to.

use super::name::named;

named! {
    pub enum DeliveryStatus {
        Queued => "queued",
        /// Claimed by a worker, whose lease keeps others off it.
        Sending => "sending",
        Sent => "sent",
        /// A transient failure; tried again at `next_attempt_at`.
        Retrying => "retrying",
        Failed => "failed",
    }
}

impl DeliveryStatus {
    pub fn label_ja(self) -> &'static str {
        match self {
            DeliveryStatus::Queued => "送信待ち",
            DeliveryStatus::Sending => "送信中",
            DeliveryStatus::Sent => "送信済み",
            DeliveryStatus::Retrying => "再送待ち",
            DeliveryStatus::Failed => "送信失敗",
        }
    }
}

named! {
    pub enum AttemptOutcome {
        Sent => "sent",
        /// Worth retrying: connection refused, time-out, a 4xx reply.
        Transient => "transient",
        /// Not worth retrying: a 5xx reply.
        Permanent => "permanent",
    }
}
