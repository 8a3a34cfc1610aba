//! Periodic clean-up beside the server: stored `Idempotency-Key` responses expire after a
//! configurable time, so the table does not grow without bound.

use crate::clock;
use crate::db::{idempotency, Pool};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const EVERY: Duration = Duration::from_secs(3600);

pub fn spawn(pool: Pool, ttl: Duration, stop: Arc<AtomicBool>) -> std::thread::JoinHandle<()> {
    std::thread::Builder::new()
        .name("housekeeping".into())
        .spawn(move || {
            let mut last: Option<Instant> = None;
            while !stop.load(Ordering::Relaxed) {
                if last.is_none_or(|t| t.elapsed() >= EVERY) {
                    last = Some(Instant::now());
                    let cutoff = clock::now()
                        - chrono::Duration::from_std(ttl).unwrap_or(chrono::Duration::MAX);
                    match pool
                        .get()
                        .map(|mut c| idempotency::purge_before(&mut c, cutoff))
                    {
                        Ok(Ok(n)) if n > 0 => {
                            tracing::info!(purged = n, "expired idempotency keys")
                        }
                        Ok(Ok(_)) => {}
                        Ok(Err(e)) => tracing::error!(error = %crate::telemetry::error_chain(&e), "purging idempotency keys"),
                        Err(e) => tracing::error!(error = %crate::telemetry::error_chain(&e), "purging idempotency keys"),
                    }
                }
                std::thread::sleep(Duration::from_millis(500));
            }
        })
        .expect("spawn the housekeeping thread")
}
