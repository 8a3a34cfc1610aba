//! Periodic work beside the server: stored `Idempotency-Key` responses expire after a
//! configurable time, and sign-in failures and sessions after a day, so no table grows without
//! bound; refused forms' drafts go within minutes of their hour, so what an applicant typed
//! does not linger; and once a day the audit
//! chain's head is written to the log, which is kept apart from the database, so a cut tail
//! with a rewritten head can be told from the log as from an anchor an auditor kept. And
//! memory freed after a large request goes back to the system.

use crate::clock;
use crate::db::{idempotency, DbConn, Pool};
use diesel::QueryResult;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const EVERY: Duration = Duration::from_secs(3600);
const HEAD_EVERY: Duration = Duration::from_secs(24 * 3600);
const TRIM_EVERY: Duration = Duration::from_secs(10);
/// Drafts are never shown after their hour; this bounds how long one is kept past it.
const DRAFTS_EVERY: Duration = Duration::from_secs(300);

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

/// Lets glibc keep at most two heaps. By default every thread that allocates may get a heap
/// of its own (up to eight per core), and each keeps what it once held: 100,000 bank account
/// `PUT`s from 24 clients, served across the blocking pool's threads, took the server from
/// 150 MB to over 900 MB. Two heaps are plenty for a server that spends its time waiting on
/// the database. Call before the server's threads start.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn limit_heaps() {
    // SAFETY: mallopt takes two integers and only sets the allocator's own parameter.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn limit_heaps() {}

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

/// Runs one clean-up on a pooled connection and logs what it removed, or why it could not.
fn clean(pool: &Pool, what: &str, job: impl FnOnce(&mut DbConn) -> QueryResult<usize>) {
    match pool.get().map_err(crate::db::DbError::from) {
        Ok(mut conn) => match job(&mut conn) {
            Ok(0) => {}
            Ok(n) => tracing::info!(removed = n, "{what}"),
            Err(e) => {
                tracing::error!(error = %crate::telemetry::error_chain(&e), "removing {what}")
            }
        },
        Err(e) => tracing::error!(error = %crate::telemetry::error_chain(&e), "removing {what}"),
    }
}

pub fn spawn(pool: Pool, ttl: Duration, stop: Arc<AtomicBool>) -> std::thread::JoinHandle<()> {
    std::thread::Builder::new()
        .name("housekeeping".into())
        .spawn(move || {
            let mut last: Option<Instant> = None;
            let mut head_logged: Option<Instant> = None;
            let mut trimmed = Instant::now();
            let mut drafts_purged: Option<Instant> = None;
            while !stop.load(Ordering::Relaxed) {
                if drafts_purged.is_none_or(|t| t.elapsed() >= DRAFTS_EVERY) {
                    drafts_purged = Some(Instant::now());
                    clean(&pool, "form drafts older than an hour", |c| {
                        crate::service::drafts::purge(c, clock::now())
                    });
                }
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
                    clean(&pool, "expired idempotency keys", |c| {
                        idempotency::purge_before(c, cutoff)
                    });
                    let day_ago = clock::now() - chrono::Duration::days(1);
                    clean(&pool, "old sign-in failures and sessions", |c| {
                        crate::db::people::forget_stale(c, day_ago)
                    });
                }
                std::thread::sleep(Duration::from_millis(500));
            }
        })
        .expect("spawn the housekeeping thread")
}
