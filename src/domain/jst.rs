//! Japan time. Stored times are UTC; campaign dates are days in Japan.
//!
//! Japan has kept UTC+9 without daylight saving since 1951, so a fixed offset is exact and
//! spares a time-zone database.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};

pub fn offset() -> FixedOffset {
    FixedOffset::east_opt(9 * 3600).expect("+09:00 is a valid offset")
}

/// A stored UTC time as shown to users.
pub fn to_jst(utc: NaiveDateTime) -> DateTime<FixedOffset> {
    Utc.from_utc_datetime(&utc).with_timezone(&offset())
}

/// The first instant after the Japan-time day `date`: a deadline of that day closes here.
pub fn end_of_day_utc(date: NaiveDate) -> NaiveDateTime {
    let next = date.succ_opt().unwrap_or(NaiveDate::MAX);
    let local = next.and_hms_opt(0, 0, 0).expect("midnight exists");
    offset()
        .from_local_datetime(&local)
        .single()
        .expect("a fixed offset has no gaps")
        .naive_utc()
}

/// The Japan-time calendar day of a UTC instant.
pub fn date_of(utc: NaiveDateTime) -> NaiveDate {
    to_jst(utc).date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap()
    }

    #[test]
    fn a_deadline_day_ends_at_midnight_japan_time() {
        let d = NaiveDate::from_ymd_opt(2023, 12, 15).unwrap();
        assert_eq!(end_of_day_utc(d), utc("2023-12-15 15:00:00"));
    }

    #[test]
    fn utc_evening_is_already_the_next_day_in_japan() {
        assert_eq!(
            date_of(utc("2023-12-15 15:00:00")),
            NaiveDate::from_ymd_opt(2023, 12, 16).unwrap()
        );
        assert_eq!(
            date_of(utc("2023-12-15 14:59:59")),
            NaiveDate::from_ymd_opt(2023, 12, 15).unwrap()
        );
        assert_eq!(
            to_jst(utc("2023-10-01 00:00:00")).to_rfc3339(),
            "2023-10-01T09:00:00+09:00"
        );
    }
}
