//! The console's sign-in rules: where a sign-in may lead, when failures lock an address or a
//! client out, and how long a session lives.

use chrono::{Duration, NaiveDateTime};

/// Where a sign-in goes when `next` is missing or not a path of this site.
pub const HOME: &str = "/staff";

/// `next` when it is a path on this site, else [`HOME`]. `//host` and `/\host` are read by
/// browsers as another host, so only a single leading slash is a path here.
pub fn safe_next(next: &str) -> &str {
    let same_site = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && !next.chars().any(|c| c.is_control());
    if same_site {
        next
    } else {
        HOME
    }
}

/// How far back failed sign-ins count.
pub const FAILURE_WINDOW_MINUTES: i64 = 15;
/// Failures for one address before it is locked for the rest of the window: enough for typos,
/// too few for guessing.
pub const MAX_FAILURES_PER_EMAIL: i64 = 5;
/// Failures from one client before it is locked: a whole office behind one router may mistype,
/// one client trying many addresses is guessing.
pub const MAX_FAILURES_PER_CLIENT: i64 = 20;

/// Whether a sign-in may be tried at all, given the failures within the window for the typed
/// email and for the client's address. A locked attempt is refused even with the right
/// password, so that guessing learns nothing from the answer.
pub fn locked_out(failures_for_email: i64, failures_from_client: i64) -> bool {
    failures_for_email >= MAX_FAILURES_PER_EMAIL || failures_from_client >= MAX_FAILURES_PER_CLIENT
}

/// Seconds a locked-out client is asked to wait: until the oldest counted failure leaves the
/// window at the latest.
pub fn retry_after_secs() -> i64 {
    FAILURE_WINDOW_MINUTES * 60
}

/// Password hashes and verifications at once in one process when the setting is unset: half
/// the CPUs, at least one. Each is ~17 ms of one core doing nothing else; the other half stay
/// for intake and every other request whatever a flood of sign-ins does, while a secretariat's
/// own sign-ins (a few a minute) never notice the cap.
pub fn default_hash_concurrency(cpus: usize) -> usize {
    (cpus / 2).max(1)
}

/// Since when failures count at `now`.
pub fn window_start(now: NaiveDateTime) -> NaiveDateTime {
    now - Duration::minutes(FAILURE_WINDOW_MINUTES)
}

/// How long a console session lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionRules {
    /// Ended after this long without a request.
    pub idle: Duration,
    /// Ended this long after sign-in, however busy.
    pub max: Duration,
}

/// `last_seen_at` is written at most this often, so that a page's many requests do not each
/// write to the database.
pub const TOUCH_EVERY_SECS: i64 = 60;

impl SessionRules {
    pub fn new(idle_minutes: u64, max_hours: u64) -> Self {
        SessionRules {
            idle: Duration::minutes(i64::try_from(idle_minutes).unwrap_or(i64::MAX / 60_000)),
            max: Duration::hours(i64::try_from(max_hours).unwrap_or(i64::MAX / 3_600_000)),
        }
    }

    /// Whether a session begun at `created` and last used at `last_seen` still holds at `now`.
    pub fn live(
        &self,
        created: NaiveDateTime,
        last_seen: NaiveDateTime,
        now: NaiveDateTime,
    ) -> bool {
        now < created + self.max && now < last_seen + self.idle
    }

    /// Whether a request at `now` should record itself as the session's last use.
    pub fn needs_touch(&self, last_seen: NaiveDateTime, now: NaiveDateTime) -> bool {
        now - last_seen >= Duration::seconds(TOUCH_EVERY_SECS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_leads_only_to_paths_of_this_site() {
        for (asked, goes) in [
            ("/staff/account", "/staff/account"),
            ("/staff?x=1", "/staff?x=1"),
            ("/", "/"),
            ("", HOME),
            ("//evil.example", HOME),
            ("/\\evil.example", HOME),
            ("https://evil.example/", HOME),
            ("staff", HOME),
            ("/staff\r\nSet-Cookie: x", HOME),
        ] {
            assert_eq!(safe_next(asked), goes, "{asked:?}");
        }
    }

    #[test]
    fn five_failures_for_an_email_or_twenty_from_a_client_lock_out() {
        for (email, client, locked) in [
            (0, 0, false),
            (4, 19, false),
            (5, 0, true),
            (0, 20, true),
            (9, 30, true),
        ] {
            assert_eq!(locked_out(email, client), locked, "{email} {client}");
        }
        assert_eq!(retry_after_secs(), 900);
    }

    #[test]
    fn half_the_cpus_hash_passwords_and_at_least_one() {
        for (cpus, permits) in [(1, 1), (2, 1), (3, 1), (4, 2), (16, 8)] {
            assert_eq!(default_hash_concurrency(cpus), permits, "{cpus}");
        }
    }

    fn at(minutes: i64) -> NaiveDateTime {
        chrono::DateTime::from_timestamp(1_800_000_000, 0)
            .unwrap()
            .naive_utc()
            + Duration::minutes(minutes)
    }

    #[test]
    fn a_session_ends_after_its_idle_time_or_its_whole_life() {
        let rules = SessionRules::new(30, 12);
        assert!(rules.live(at(0), at(0), at(29)));
        assert!(!rules.live(at(0), at(0), at(30)), "idle 30 minutes");
        assert!(rules.live(at(0), at(700), at(719)), "busy within 12 hours");
        assert!(!rules.live(at(0), at(719), at(720)), "12 hours in all");
    }

    #[test]
    fn the_last_use_is_written_at_most_once_a_minute() {
        let rules = SessionRules::new(30, 12);
        let start = at(0);
        assert!(!rules.needs_touch(start, start + Duration::seconds(59)));
        assert!(rules.needs_touch(start, start + Duration::seconds(60)));
    }
}
