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

/// A date outside the years the service takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("must be within the years {FIRST_YEAR} to {LAST_YEAR}")]
pub struct DateOutOfRange;

pub const FIRST_YEAR: i32 = 2000;
pub const LAST_YEAR: i32 = 2099;

/// Every date a request gives must fall within 2000–2099 (API.md): a campaign, a check or a
/// transfer outside them is a typing slip, and a far year (9999-12-31) runs past what the
/// clock arithmetic and the wire formats expect.
pub fn supported(date: NaiveDate) -> Result<NaiveDate, DateOutOfRange> {
    use chrono::Datelike;
    if (FIRST_YEAR..=LAST_YEAR).contains(&date.year()) {
        Ok(date)
    } else {
        Err(DateOutOfRange)
    }
}

/// The Japan-time calendar day of a UTC instant.
pub fn date_of(utc: NaiveDateTime) -> NaiveDate {
    to_jst(utc).date_naive()
}

/// A date in the Japanese calendar as letters use it: 令和5年12月15日 (the first year is 元年).
pub fn wareki(date: NaiveDate) -> String {
    use chrono::Datelike;
    let eras = [
        (NaiveDate::from_ymd_opt(2019, 5, 1), "令和", 2018),
        (NaiveDate::from_ymd_opt(1989, 1, 8), "平成", 1988),
        (NaiveDate::from_ymd_opt(1926, 12, 25), "昭和", 1925),
    ];
    let found = eras
        .iter()
        .find(|(start, _, _)| start.is_some_and(|s| date >= s));
    let Some((_, era, offset)) = found else {
        return format!("{}年{}月{}日", date.year(), date.month(), date.day());
    };
    let year = date.year() - offset;
    let year = if year == 1 {
        "元".to_owned()
    } else {
        year.to_string()
    };
    format!("{era}{year}年{}月{}日", date.month(), date.day())
}

/// A day as every page writes it: 令和5年12月15日（2023-12-15）, the Japanese calendar first
/// and the Western date beside it, so that nobody has to convert either way.
pub fn day(date: NaiveDate) -> String {
    format!("{}（{date}）", wareki(date))
}

/// A stored instant in Japan time, written as [`day`] then the time: 令和5年12月15日（2023-12-15）14:30.
pub fn display(utc: NaiveDateTime) -> String {
    let at = to_jst(utc);
    format!("{}{}", day(at.date_naive()), at.format("%H:%M"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_taken_from_2000_to_2099() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        for (date, ok) in [
            (day(1999, 12, 31), false),
            (day(2000, 1, 1), true),
            (day(2023, 12, 15), true),
            (day(2099, 12, 31), true),
            (day(2100, 1, 1), false),
            (day(9999, 12, 31), false),
            (day(1, 1, 1), false),
        ] {
            assert_eq!(supported(date).is_ok(), ok, "{date}");
        }
    }

    #[test]
    fn dates_in_the_japanese_calendar() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert_eq!(wareki(d("2023-12-15")), "令和5年12月15日");
        assert_eq!(wareki(d("2019-05-01")), "令和元年5月1日");
        assert_eq!(wareki(d("2019-04-30")), "平成31年4月30日");
        assert_eq!(wareki(d("1989-01-08")), "平成元年1月8日");
        assert_eq!(
            display(utc("2023-12-15 05:30:00")),
            "令和5年12月15日（2023-12-15）14:30"
        );
        assert_eq!(
            display(utc("2023-12-15 15:30:00")),
            "令和5年12月16日（2023-12-16）00:30",
            "the day is Japan's"
        );
        assert_eq!(day(d("2024-03-31")), "令和6年3月31日（2024-03-31）");
    }

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
