//! Which days a bank transfers on: 銀行法施行令 第5条 closes banks on Saturdays, Sundays,
//! national holidays and from December 31 to January 3, so a 総合振込 file dated on any of
//! them is refused by the bank (or, worse, paid a day late).

use chrono::{Datelike, NaiveDate, Weekday};

/// Why a day cannot be a transfer date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NotATransferDay {
    #[error("is before today ({today}) in Japan")]
    Past { today: NaiveDate },
    #[error("is a weekend day ({0}), when banks are closed")]
    Weekend(Weekday),
    #[error("is a national holiday ({0}), when banks are closed")]
    Holiday(&'static str),
    #[error("falls in the banks' year-end closure (December 31 to January 3)")]
    YearEnd,
    #[error("is outside {FIRST_YEAR}-{LAST_YEAR}, the years whose holidays are known here")]
    BeyondCalendar,
}

const FIRST_YEAR: i32 = 2024;
const LAST_YEAR: i32 = 2030;

/// National holidays (国民の祝日, 振替休日 and 国民の休日) from 2024 to 2030. 2024–2027 as
/// published by 内閣府 (「国民の祝日」について); 2028–2030 follow the same law with the equinox
/// days 国立天文台 computes, which its 暦要項 confirms each February for the next year: check
/// the table then. No crate is used: the one kept up to date (jpholiday 0.2) needs a newer
/// Rust than this crate's minimum; it agrees with every date here.
const HOLIDAYS: &[(i32, u32, u32, &str)] = &[
    (2024, 1, 1, "元日"),
    (2024, 1, 8, "成人の日"),
    (2024, 2, 11, "建国記念の日"),
    (2024, 2, 12, "振替休日"),
    (2024, 2, 23, "天皇誕生日"),
    (2024, 3, 20, "春分の日"),
    (2024, 4, 29, "昭和の日"),
    (2024, 5, 3, "憲法記念日"),
    (2024, 5, 4, "みどりの日"),
    (2024, 5, 5, "こどもの日"),
    (2024, 5, 6, "振替休日"),
    (2024, 7, 15, "海の日"),
    (2024, 8, 11, "山の日"),
    (2024, 8, 12, "振替休日"),
    (2024, 9, 16, "敬老の日"),
    (2024, 9, 22, "秋分の日"),
    (2024, 9, 23, "振替休日"),
    (2024, 10, 14, "スポーツの日"),
    (2024, 11, 3, "文化の日"),
    (2024, 11, 4, "振替休日"),
    (2024, 11, 23, "勤労感謝の日"),
    (2025, 1, 1, "元日"),
    (2025, 1, 13, "成人の日"),
    (2025, 2, 11, "建国記念の日"),
    (2025, 2, 23, "天皇誕生日"),
    (2025, 2, 24, "振替休日"),
    (2025, 3, 20, "春分の日"),
    (2025, 4, 29, "昭和の日"),
    (2025, 5, 3, "憲法記念日"),
    (2025, 5, 4, "みどりの日"),
    (2025, 5, 5, "こどもの日"),
    (2025, 5, 6, "振替休日"),
    (2025, 7, 21, "海の日"),
    (2025, 8, 11, "山の日"),
    (2025, 9, 15, "敬老の日"),
    (2025, 9, 23, "秋分の日"),
    (2025, 10, 13, "スポーツの日"),
    (2025, 11, 3, "文化の日"),
    (2025, 11, 23, "勤労感謝の日"),
    (2025, 11, 24, "振替休日"),
    (2026, 1, 1, "元日"),
    (2026, 1, 12, "成人の日"),
    (2026, 2, 11, "建国記念の日"),
    (2026, 2, 23, "天皇誕生日"),
    (2026, 3, 20, "春分の日"),
    (2026, 4, 29, "昭和の日"),
    (2026, 5, 3, "憲法記念日"),
    (2026, 5, 4, "みどりの日"),
    (2026, 5, 5, "こどもの日"),
    (2026, 5, 6, "振替休日"),
    (2026, 7, 20, "海の日"),
    (2026, 8, 11, "山の日"),
    (2026, 9, 21, "敬老の日"),
    (2026, 9, 22, "国民の休日"),
    (2026, 9, 23, "秋分の日"),
    (2026, 10, 12, "スポーツの日"),
    (2026, 11, 3, "文化の日"),
    (2026, 11, 23, "勤労感謝の日"),
    (2027, 1, 1, "元日"),
    (2027, 1, 11, "成人の日"),
    (2027, 2, 11, "建国記念の日"),
    (2027, 2, 23, "天皇誕生日"),
    (2027, 3, 21, "春分の日"),
    (2027, 3, 22, "振替休日"),
    (2027, 4, 29, "昭和の日"),
    (2027, 5, 3, "憲法記念日"),
    (2027, 5, 4, "みどりの日"),
    (2027, 5, 5, "こどもの日"),
    (2027, 7, 19, "海の日"),
    (2027, 8, 11, "山の日"),
    (2027, 9, 20, "敬老の日"),
    (2027, 9, 23, "秋分の日"),
    (2027, 10, 11, "スポーツの日"),
    (2027, 11, 3, "文化の日"),
    (2027, 11, 23, "勤労感謝の日"),
    (2028, 1, 1, "元日"),
    (2028, 1, 10, "成人の日"),
    (2028, 2, 11, "建国記念の日"),
    (2028, 2, 23, "天皇誕生日"),
    (2028, 3, 20, "春分の日"),
    (2028, 4, 29, "昭和の日"),
    (2028, 5, 3, "憲法記念日"),
    (2028, 5, 4, "みどりの日"),
    (2028, 5, 5, "こどもの日"),
    (2028, 7, 17, "海の日"),
    (2028, 8, 11, "山の日"),
    (2028, 9, 18, "敬老の日"),
    (2028, 9, 22, "秋分の日"),
    (2028, 10, 9, "スポーツの日"),
    (2028, 11, 3, "文化の日"),
    (2028, 11, 23, "勤労感謝の日"),
    (2029, 1, 1, "元日"),
    (2029, 1, 8, "成人の日"),
    (2029, 2, 11, "建国記念の日"),
    (2029, 2, 12, "振替休日"),
    (2029, 2, 23, "天皇誕生日"),
    (2029, 3, 20, "春分の日"),
    (2029, 4, 29, "昭和の日"),
    (2029, 4, 30, "振替休日"),
    (2029, 5, 3, "憲法記念日"),
    (2029, 5, 4, "みどりの日"),
    (2029, 5, 5, "こどもの日"),
    (2029, 7, 16, "海の日"),
    (2029, 8, 11, "山の日"),
    (2029, 9, 17, "敬老の日"),
    (2029, 9, 23, "秋分の日"),
    (2029, 9, 24, "振替休日"),
    (2029, 10, 8, "スポーツの日"),
    (2029, 11, 3, "文化の日"),
    (2029, 11, 23, "勤労感謝の日"),
    (2030, 1, 1, "元日"),
    (2030, 1, 14, "成人の日"),
    (2030, 2, 11, "建国記念の日"),
    (2030, 2, 23, "天皇誕生日"),
    (2030, 3, 20, "春分の日"),
    (2030, 4, 29, "昭和の日"),
    (2030, 5, 3, "憲法記念日"),
    (2030, 5, 4, "みどりの日"),
    (2030, 5, 5, "こどもの日"),
    (2030, 5, 6, "振替休日"),
    (2030, 7, 15, "海の日"),
    (2030, 8, 11, "山の日"),
    (2030, 8, 12, "振替休日"),
    (2030, 9, 16, "敬老の日"),
    (2030, 9, 23, "秋分の日"),
    (2030, 10, 14, "スポーツの日"),
    (2030, 11, 3, "文化の日"),
    (2030, 11, 4, "振替休日"),
    (2030, 11, 23, "勤労感謝の日"),
];

/// The name of the national holiday on `date`, if it is one.
pub fn holiday(date: NaiveDate) -> Option<&'static str> {
    HOLIDAYS
        .iter()
        .find(|(y, m, d, _)| (*y, *m, *d) == (date.year(), date.month(), date.day()))
        .map(|(_, _, _, name)| *name)
}

/// Whether a transfer can be dated `date` when it is `today` in Japan: today or later, and a
/// day the banks are open.
pub fn check_transfer_date(date: NaiveDate, today: NaiveDate) -> Result<(), NotATransferDay> {
    if date < today {
        return Err(NotATransferDay::Past { today });
    }
    if !(FIRST_YEAR..=LAST_YEAR).contains(&date.year()) {
        return Err(NotATransferDay::BeyondCalendar);
    }
    if matches!((date.month(), date.day()), (12, 31) | (1, 1..=3)) {
        return Err(NotATransferDay::YearEnd);
    }
    if matches!(date.weekday(), Weekday::Sat | Weekday::Sun) {
        return Err(NotATransferDay::Weekend(date.weekday()));
    }
    match holiday(date) {
        Some(name) => Err(NotATransferDay::Holiday(name)),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_table_is_in_order_and_every_entry_is_a_real_date() {
        let dates: Vec<NaiveDate> = HOLIDAYS
            .iter()
            .map(|(y, m, d, _)| NaiveDate::from_ymd_opt(*y, *m, *d).expect("a real date"))
            .collect();
        assert!(dates.windows(2).all(|w| w[0] < w[1]));
        for year in FIRST_YEAR..=LAST_YEAR {
            let count = dates.iter().filter(|d| d.year() == year).count();
            assert!((16..=21).contains(&count), "{year}: {count} holidays");
        }
        for (date, name) in dates.iter().map(|d| (*d, holiday(*d))) {
            let before = |n: u64| date - chrono::Days::new(n);
            match name {
                Some("振替休日") => {
                    let sunday = (1..7)
                        .map(before)
                        .take_while(|d| holiday(*d).is_some())
                        .any(|d| d.weekday() == Weekday::Sun);
                    assert!(sunday, "{date} follows a holiday on a Sunday");
                }
                Some("国民の休日") => assert!(
                    holiday(before(1)).is_some() && holiday(date + chrono::Days::new(1)).is_some(),
                    "{date} lies between two holidays"
                ),
                _ => {}
            }
        }
    }

    #[test]
    fn days_in_2026_and_2027() {
        use NotATransferDay::*;
        let today = day("2026-01-05");
        let cases = [
            ("2026-01-05", Ok(())),
            ("2026-01-12", Err(Holiday("成人の日"))),
            ("2026-02-23", Err(Holiday("天皇誕生日"))),
            ("2026-03-20", Err(Holiday("春分の日"))),
            ("2026-05-04", Err(Holiday("みどりの日"))),
            ("2026-05-06", Err(Holiday("振替休日"))),
            ("2026-05-07", Ok(())),
            ("2026-07-20", Err(Holiday("海の日"))),
            ("2026-09-21", Err(Holiday("敬老の日"))),
            ("2026-09-22", Err(Holiday("国民の休日"))),
            ("2026-09-23", Err(Holiday("秋分の日"))),
            ("2026-09-24", Ok(())),
            ("2026-10-12", Err(Holiday("スポーツの日"))),
            ("2026-11-23", Err(Holiday("勤労感謝の日"))),
            ("2026-12-07", Ok(())),
            ("2026-12-12", Err(Weekend(Weekday::Sat))),
            ("2026-12-13", Err(Weekend(Weekday::Sun))),
            ("2026-12-30", Ok(())),
            ("2026-12-31", Err(YearEnd)),
            ("2027-01-01", Err(YearEnd)),
            ("2027-01-02", Err(YearEnd)),
            ("2027-01-04", Ok(())),
            ("2027-01-11", Err(Holiday("成人の日"))),
            ("2027-03-21", Err(Weekend(Weekday::Sun))),
            ("2027-03-22", Err(Holiday("振替休日"))),
            ("2027-03-23", Ok(())),
            ("2027-04-26", Ok(())),
            ("2027-04-29", Err(Holiday("昭和の日"))),
            ("2027-05-03", Err(Holiday("憲法記念日"))),
            ("2027-05-05", Err(Holiday("こどもの日"))),
            ("2027-07-19", Err(Holiday("海の日"))),
            ("2027-09-20", Err(Holiday("敬老の日"))),
            ("2027-09-22", Ok(())),
            ("2027-09-23", Err(Holiday("秋分の日"))),
            ("2027-10-11", Err(Holiday("スポーツの日"))),
            ("2027-12-31", Err(YearEnd)),
        ];
        for (date, expected) in cases {
            assert_eq!(check_transfer_date(day(date), today), expected, "{date}");
        }
    }

    #[test]
    fn a_day_before_today_or_past_the_table_is_refused() {
        let today = day("2026-12-07");
        assert_eq!(
            check_transfer_date(day("2026-12-04"), today),
            Err(NotATransferDay::Past { today })
        );
        assert_eq!(check_transfer_date(today, today), Ok(()));
        assert_eq!(
            check_transfer_date(day("2031-01-06"), today),
            Err(NotATransferDay::BeyondCalendar)
        );
    }
}
