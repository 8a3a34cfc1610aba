//! The email delivery worker: takes one due message at a time from the outbox, sends it and
//! records the attempt. Transient failures retry with exponential back-off; permanent ones,
//! or too many transient ones, mark the message failed with the last reply kept.

use crate::clock;
use crate::db::outbox::{self, MessageRow};
use crate::db::{DbConn, DbError, Pool};
use crate::domain::delivery::{AttemptOutcome, DeliveryStatus};
use crate::email::{Delivery, Mailer, Outgoing};
use chrono::NaiveDateTime;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Attempts before a message that keeps failing transiently is marked failed.
    pub max_attempts: i32,
    /// Wait after the first failed attempt; doubles with each further one.
    pub base_delay: Duration,
    pub max_delay: Duration,
    /// How long a claimed message is this worker's before another may take it over.
    pub lease: Duration,
}

impl RetryPolicy {
    /// The wait after attempt number `attempts` failed.
    pub fn backoff(&self, attempts: i32) -> Duration {
        let doublings = attempts.saturating_sub(1).clamp(0, 30) as u32;
        self.base_delay
            .saturating_mul(2u32.saturating_pow(doublings))
            .min(self.max_delay)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Sent,
    Retrying,
    Failed,
    /// Another worker took the message over; this one recorded nothing.
    LeaseLost,
    EmptyQueue,
}

fn after(now: NaiveDateTime, d: Duration) -> NaiveDateTime {
    now + chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX)
}

/// One step: claim the next due message, try to deliver it, record what happened. While the
/// delivery runs (on its own thread) the lease is renewed every third of its length, so a slow
/// SMTP exchange never lets another worker take the message over; a worker that finds its
/// lease gone anyway records nothing.
pub fn deliver_next(
    conn: &mut DbConn,
    mailer: &Mailer,
    policy: &RetryPolicy,
) -> Result<Outcome, DbError> {
    let now = clock::now();
    let Some(claimed) = outbox::claim_next(conn, now, after(now, policy.lease))? else {
        return Ok(Outcome::EmptyQueue);
    };
    let delivery = deliver_renewing(conn, mailer, policy, &claimed)?;
    let message = &claimed.message;
    let now = clock::now();
    let (status, outcome, reply, next, result) = match delivery {
        Delivery::Sent(reply) => (
            DeliveryStatus::Sent,
            AttemptOutcome::Sent,
            reply,
            now,
            Outcome::Sent,
        ),
        Delivery::Transient(reply) if message.attempts < policy.max_attempts => (
            DeliveryStatus::Retrying,
            AttemptOutcome::Transient,
            reply,
            after(now, policy.backoff(message.attempts)),
            Outcome::Retrying,
        ),
        Delivery::Transient(reply) => (
            DeliveryStatus::Failed,
            AttemptOutcome::Transient,
            reply,
            now,
            Outcome::Failed,
        ),
        Delivery::Permanent(reply) => (
            DeliveryStatus::Failed,
            AttemptOutcome::Permanent,
            reply,
            now,
            Outcome::Failed,
        ),
    };
    if result != Outcome::Sent {
        tracing::warn!(email = %message.id, attempt = message.attempts, %reply, %status, "email not delivered");
    }
    let attempt = outbox::AttemptResult {
        status,
        outcome,
        reply: &reply,
        next_attempt_at: next,
    };
    let result = if outbox::record_attempt(conn, &claimed, &attempt, now)? {
        result
    } else {
        tracing::error!(email = %message.id, "lost the lease on an email while delivering it; recorded nothing");
        Outcome::LeaseLost
    };
    let outcome = match result {
        Outcome::Sent => "sent",
        Outcome::Retrying => "retrying",
        Outcome::Failed => "failed",
        Outcome::LeaseLost => "lease_lost",
        Outcome::EmptyQueue => "empty",
    };
    crate::metrics::METRICS
        .deliveries
        .with_label_values(&[outcome])
        .inc();
    Ok(result)
}

/// Delivers on a helper thread and renews the lease from this one until it is done.
fn deliver_renewing(
    conn: &mut DbConn,
    mailer: &Mailer,
    policy: &RetryPolicy,
    claimed: &outbox::Claimed,
) -> Result<Delivery, DbError> {
    let renew_every = (policy.lease / 3).max(Duration::from_millis(10));
    std::thread::scope(|scope| {
        let (done, delivered) = std::sync::mpsc::channel();
        scope.spawn(move || {
            // A panic here would otherwise bring down the scope, and the worker with it.
            let delivery = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                mailer.deliver(&outgoing(&claimed.message))
            }))
            .unwrap_or_else(|_| Delivery::Transient("the delivery panicked".into()));
            let _ = done.send(delivery);
        });
        loop {
            match delivered.recv_timeout(renew_every) {
                Ok(delivery) => return Ok(delivery),
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                    let until = after(clock::now(), policy.lease);
                    match outbox::renew_lease(conn, claimed, until) {
                        Ok(true) => {}
                        Ok(false) => {
                            tracing::error!(email = %claimed.message.id, "another worker took over an email still being delivered")
                        }
                        Err(e) => {
                            tracing::warn!(email = %claimed.message.id, error = %crate::telemetry::error_chain(&e), "could not renew an email's lease")
                        }
                    }
                }
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                    return Ok(Delivery::Transient("the delivery thread stopped".into()));
                }
            }
        }
    })
}

fn outgoing(m: &MessageRow) -> Outgoing<'_> {
    Outgoing {
        message_id: &m.message_id,
        recipient: &m.recipient,
        reply_to: m.reply_to.as_deref(),
        subject: &m.subject,
        body: &m.body_text,
        file_stem: m.id.as_str(),
    }
}

/// Delivers every message that is due now; returns how many steps ended in each outcome.
pub fn drain(pool: &Pool, mailer: &Mailer, policy: &RetryPolicy) -> Result<Vec<Outcome>, DbError> {
    let mut conn = pool.get()?;
    let mut outcomes = Vec::new();
    loop {
        match deliver_next(&mut conn, mailer, policy)? {
            Outcome::EmptyQueue => return Ok(outcomes),
            other => outcomes.push(other),
        }
    }
}

/// Runs the worker on `senders` threads until `stop` is set: each delivers while messages are
/// due, then sleeps for `poll`. Each message is claimed under a lease, so the threads (and
/// other instances) never send one message twice.
pub fn spawn(
    pool: Pool,
    mailer: Mailer,
    policy: RetryPolicy,
    poll: Duration,
    senders: usize,
    stop: Arc<AtomicBool>,
) -> Vec<std::thread::JoinHandle<()>> {
    let mailer = Arc::new(mailer);
    (0..senders)
        .map(|n| {
            let (pool, mailer, policy, stop) =
                (pool.clone(), mailer.clone(), policy, stop.clone());
            std::thread::Builder::new()
                .name(format!("email-worker-{n}"))
                .spawn(move || {
                    while !stop.load(Ordering::Relaxed) {
                        let step = pool
                            .get()
                            .map_err(DbError::from)
                            .and_then(|mut conn| deliver_next(&mut conn, &mailer, &policy));
                        match step {
                            Ok(Outcome::EmptyQueue) => std::thread::sleep(poll),
                            Ok(_) => {}
                            Err(e) => {
                                tracing::error!(error = %crate::telemetry::error_chain(&e), "email worker");
                                std::thread::sleep(poll);
                            }
                        }
                    }
                })
                .expect("spawn an email worker thread")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn back_off_doubles_up_to_the_cap() {
        let p = RetryPolicy {
            max_attempts: 8,
            base_delay: Duration::from_secs(30),
            max_delay: Duration::from_secs(3600),
            lease: Duration::from_secs(120),
        };
        let waits: Vec<u64> = (1..=9).map(|a| p.backoff(a).as_secs()).collect();
        assert_eq!(waits, [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]);
    }
}
