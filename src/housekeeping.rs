//! Periodic work beside the server: stored `Idempotency-Key` responses expire after a
//! configurable time, so the table does not grow without bound; and once a day the audit
//! chain's head is written to the log, which is kept apart from the database, so a cut tail
//! with a rewritten head can be told from the log as from an anchor an auditor kept. And
//! memory freed after a large request goes back to the system.

use crate::clock;
use crate::db::{idempotency, Pool};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const EVERY: Duration = Duration::from_secs(3600);
const HEAD_EVERY: Duration = Duration::from_secs(24 * 3600);
const TRIM_EVERY: Duration = Duration::from_secs(10);

/// Gives the system back the heap glibc keeps after it is freed. A national checkpoint sheet,
/// check or batch takes hundreds of MB for a few seconds; glibc keeps freed memory for reuse
/// and the process stayed at its peak for good (830 MB after 30,000 offices on SQLite).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn release_freed_memory() {
    // SAFETY: malloc_trim takes no pointer and only walks the allocator's own free lists,
    // under the allocator's locks; any thread may call it at any time.
    unsafe {
        libc::malloc_trim(0);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn release_freed_memory() {}

fn log_audit_head(pool: &Pool) {
    match pool.get().map(|mut c| crate::db::audit::head(&mut c)) {
        Ok(Ok(head)) => {
            tracing::info!(seq = head.seq, hash = %head.hash, anchor = %head, "audit chain head")
        }
        Ok(Err(e)) => {
            tracing::error!(error = %crate::telemetry::error_chain(&e), "reading the audit chain head")
        }
        Err(e) => {
            tracing::error!(error = %crate::telemetry::error_chain(&e), "reading the audit chain head")
        }
    }
}

pub fn spawn(pool: Pool, ttl: Duration, stop: Arc<AtomicBool>) -> std::thread::JoinHandle<()> {
    std::thread::Builder::new()
        .name("housekeeping".into())
        .spawn(move || {
            let mut last: Option<Instant> = None;
            let mut head_logged: Option<Instant> = None;
            let mut trimmed = Instant::now();
            while !stop.load(Ordering::Relaxed) {
                if trimmed.elapsed() >= TRIM_EVERY {
                    trimmed = Instant::now();
                    release_freed_memory();
                }
                if head_logged.is_none_or(|t| t.elapsed() >= HEAD_EVERY) {
                    head_logged = Some(Instant::now());
                    log_audit_head(&pool);
                }
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
