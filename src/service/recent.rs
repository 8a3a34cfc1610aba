//! What this process remembers of the database for at most [`MAX_AGE`]: figures that every
//! reader asks for (the public slot counts, the totals of the staff lists) and that would
//! otherwise be counted again for each view, over lists that grow with the campaign. A figure
//! is read again after any write of this process (so its own changes show at once) and by one
//! reader while the others wait for it; another instance's writes show within `MAX_AGE`.

use super::ServiceResult;
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const MAX_AGE: Duration = Duration::from_secs(1);

/// A value as read, when, and how many writes this process had made by then.
type Remembered<V> = Option<(Instant, u64, V)>;

pub struct Recent<K, V> {
    entries: Mutex<HashMap<K, Arc<Mutex<Remembered<V>>>>>,
}

impl<K, V> Default for Recent<K, V> {
    fn default() -> Self {
        Recent {
            entries: Mutex::new(HashMap::new()),
        }
    }
}

impl<K: Hash + Eq + Clone, V: Clone> Recent<K, V> {
    /// The value for `key` as read within the last `MAX_AGE` with no write by this process
    /// since (`writes`, from [`super::Store::writes`]), or as `read` gives it now.
    pub fn get(
        &self,
        key: &K,
        writes: u64,
        read: impl FnOnce() -> ServiceResult<V>,
    ) -> ServiceResult<V> {
        let slot = {
            let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
            entries.entry(key.clone()).or_default().clone()
        };
        let mut recent = slot.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((at, seen, value)) = &*recent {
            if *seen == writes && at.elapsed() < MAX_AGE {
                return Ok(value.clone());
            }
        }
        let value = read()?;
        *recent = Some((Instant::now(), writes, value.clone()));
        Ok(value)
    }
}
