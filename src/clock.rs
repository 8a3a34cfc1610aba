//! The current instant as stored: UTC, truncated to the microsecond both backends keep, so a
//! value reads back exactly as it was written (the audit chain hashes it).

use chrono::{NaiveDateTime, SubsecRound, Utc};

pub fn now() -> NaiveDateTime {
    Utc::now().naive_utc().trunc_subsecs(6)
}
