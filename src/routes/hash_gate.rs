//! At most so many password hashes or verifications at once in this process. Each is tens of
//! milliseconds of one core (argon2id, 19 MiB); without a cap a flood of sign-ins from many
//! addresses would queue them without bound on the blocking pool and take every core from
//! intake. A request waits a moment for its turn, then is answered 503 with `Retry-After`.

use super::blocking;
use crate::error::ApiError;
use crate::service::ServiceError;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

#[derive(Clone)]
pub struct HashGate {
    permits: Arc<Semaphore>,
    wait: Duration,
}

impl HashGate {
    pub fn new(concurrency: usize, wait: Duration) -> Self {
        HashGate {
            permits: Arc::new(Semaphore::new(concurrency.max(1))),
            wait,
        }
    }

    /// Runs `f`, which hashes or verifies a password, on the blocking pool once a permit is
    /// free; [`ApiError::Busy`] when none is within the wait. Waiters are served first come,
    /// first served, and wait on the async runtime, holding no thread.
    pub async fn run<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce() -> Result<T, ServiceError> + Send + 'static,
    {
        let permit = actix_web::rt::time::timeout(self.wait, self.permits.clone().acquire_owned())
            .await
            .ok()
            .and_then(Result::ok)
            .ok_or(ApiError::Busy)?;
        blocking(move || {
            let _held = permit;
            f()
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[actix_web::test]
    async fn a_full_gate_answers_busy_after_its_wait_and_frees_as_work_ends() {
        let gate = HashGate::new(1, Duration::from_millis(50));
        let (started_tx, started_rx) = std::sync::mpsc::channel();
        let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
        let holder = gate.clone();
        let held = actix_web::rt::spawn(async move {
            holder
                .run(move || {
                    started_tx.send(()).unwrap();
                    release_rx.recv().unwrap();
                    Ok(1)
                })
                .await
        });
        actix_web::rt::task::spawn_blocking(move || started_rx.recv().unwrap())
            .await
            .unwrap();
        let started = std::time::Instant::now();
        assert!(matches!(gate.run(|| Ok(2)).await, Err(ApiError::Busy)));
        assert!(
            started.elapsed() >= Duration::from_millis(50),
            "waited first"
        );
        release_tx.send(()).unwrap();
        assert_eq!(held.await.unwrap().unwrap(), 1);
        assert_eq!(gate.run(|| Ok(3)).await.unwrap(), 3, "the permit came back");
    }
}
