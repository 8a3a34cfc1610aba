//! What staff type into the console's forms, read as the use cases take it: whole numbers
//! typed full-width or with separators, a Japan-time moment from a `datetime-local` field, the
//! deadline that closes a campaign at once, the applications list's search, and the English
//! refusals of campaign settings and bank accounts said in Japanese beside their field.

use super::jst;
use super::refusal::Refusal;
use super::written::plain_number;
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone};

/// A whole number as typed: full-width digits, thousands separators and spaces are read as
/// the number; a sign, anything else or nothing is none (the written rule drops hyphens, which
/// in a count would turn -5 into 5).
pub fn whole_number(typed: &str) -> Option<i64> {
    if typed.trim().starts_with(['-', '−', '－', '+', '＋']) {
        return None;
    }
    let plain: String = plain_number(typed)
        .chars()
        .filter(|c| !matches!(c, ',' | '，' | '、'))
        .collect();
    if plain.is_empty() || plain.len() > 12 || !plain.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    plain.parse().ok()
}

/// A moment typed in Japan time, as a `datetime-local` field sends it (`2026-10-01T09:00`, or
/// with a space, or with seconds).
pub fn jst_moment(typed: &str) -> Option<DateTime<FixedOffset>> {
    let typed = typed.trim();
    let local = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(typed, format).ok())?;
    jst::offset().from_local_datetime(&local).single()
}

/// The deadline that closes a campaign at once: the day before today in Japan, since a
/// deadline day takes applications until its end.
pub fn closing_deadline(now: NaiveDateTime) -> NaiveDate {
    let today = jst::date_of(now);
    today.pred_opt().unwrap_or(today)
}

/// The longest search the applications list reads; past it a search is no office or name.
pub const MAX_SEARCH_CHARS: usize = 100;

/// A search of the applications list: names as typed, and the same text as an office number
/// (full-width digits and hyphens read as a number is read everywhere).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Search {
    pub text: String,
    pub office_number: String,
}

impl Search {
    /// The search typed, or none when nothing but spaces was.
    pub fn parse(typed: &str) -> Option<Search> {
        let text: String = typed.trim().chars().take(MAX_SEARCH_CHARS).collect();
        if text.is_empty() {
            return None;
        }
        Some(Search {
            office_number: plain_number(&text),
            text,
        })
    }

    /// A `LIKE` pattern (escaped by `\`) finding the text anywhere in a name.
    pub fn pattern(&self) -> String {
        let mut pattern = String::from("%");
        for c in self.text.chars() {
            if matches!(c, '%' | '_' | '\\') {
                pattern.push('\\');
            }
            pattern.push(c);
        }
        pattern.push('%');
        pattern
    }
}

/// A refusal of a campaign setting, a deadline change's reason or a bank account field, in
/// Japanese. The settings' own rules are said in English ([`Refusal::Other`]) by the JSON API,
/// so the console says each field's rule here; every other refusal says itself.
pub fn setting_ja(field: &str, refusal: &Refusal) -> String {
    let Refusal::Other(english) = refusal else {
        return refusal.japanese();
    };
    let said = match field {
        "code" => "英小文字・数字・ハイフンで64文字以内にしてください",
        "region_code" => "6桁の全国地方公共団体コードで入力してください",
        "deadline" if english.contains("ends_on") => {
            "継続利用の確認日（終了日）より後にはできません"
        }
        "opens_at" if english.contains("date and time") => {
            "日時を 2026-10-01T09:00 の形で入力してください"
        }
        "opens_at" if english.contains("cannot change") => {
            "受付を始めたキャンペーンの受付開始日時は変えられません"
        }
        "opens_at" => "締切日より前の日時にしてください（締切日を受付開始より前にはできません）",
        "total_slots" => "1から100,000までの数で入力してください",
        "model_slots" | "reserved_seminar_slots" => "0から全体枠までの数で入力してください",
        "max_referrals" => "1から20までの数で入力してください",
        f if f.starts_with("honoraria.") => "0円以上の金額を数字で入力してください",
        "reason" if english.contains("needs a reason") => {
            "締切日を変えるときは理由を入力してください"
        }
        "bank_code" => "4桁の数字で入力してください",
        "branch_code" => "3桁の数字で入力してください",
        "account_number" => "1〜7桁の数字で入力してください",
        "holder_kana" if english.contains("empty") => "口座名義（カナ）を入力してください",
        "holder_kana" => {
            "銀行で使える文字（カナ・英大文字・数字・一部の記号）で、半角30文字以内にしてください"
        }
        "account_type" => "選択肢から選んでください",
        _ => return english.clone(),
    };
    said.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap()
    }

    #[test]
    fn whole_numbers_are_read_as_typed() {
        let table = [
            ("50", Some(50)),
            ("５０", Some(50)),
            (" 1,000 ", Some(1000)),
            ("１，０００", Some(1000)),
            ("26000", Some(26000)),
            ("", None),
            ("  ", None),
            ("-5", None),
            ("－５", None),
            ("5.5", None),
            ("五十", None),
            ("1e3", None),
            ("9999999999999", None),
        ];
        for (typed, expected) in table {
            assert_eq!(whole_number(typed), expected, "{typed:?}");
        }
    }

    #[test]
    fn a_datetime_local_field_is_japan_time() {
        let table = [
            ("2026-10-01T09:00", Some("2026-10-01T09:00:00+09:00")),
            ("2026-10-01T09:00:30", Some("2026-10-01T09:00:30+09:00")),
            (" 2026-10-01 09:00 ", Some("2026-10-01T09:00:00+09:00")),
            ("2026-10-01", None),
            ("10月1日 9時", None),
            ("2026-02-30T09:00", None),
        ];
        for (typed, expected) in table {
            assert_eq!(
                jst_moment(typed).map(|m| m.to_rfc3339()).as_deref(),
                expected,
                "{typed:?}"
            );
        }
    }

    #[test]
    fn closing_at_once_sets_the_deadline_to_yesterday_in_japan() {
        let table = [
            ("2026-12-09 03:00:00", "2026-12-08"),
            // 23:30 UTC is already the next morning in Japan.
            ("2026-12-09 23:30:00", "2026-12-09"),
            ("2027-01-01 00:00:00", "2026-12-31"),
        ];
        for (now, deadline) in table {
            let closing = closing_deadline(utc(now));
            assert_eq!(closing.to_string(), deadline, "{now}");
            assert!(jst::end_of_day_utc(closing) <= utc(now), "closed by {now}");
        }
    }

    #[test]
    fn a_search_reads_names_and_office_numbers() {
        assert_eq!(Search::parse("   "), None);
        let table = [
            ("１３７０１２３４５６", "１３７０１２３４５６", "1370123456"),
            (" 武蔵野 ", "武蔵野", "武蔵野"),
            ("13-70-123456", "13-70-123456", "1370123456"),
        ];
        for (typed, text, number) in table {
            let search = Search::parse(typed).unwrap();
            assert_eq!(search.text, text, "{typed:?}");
            assert_eq!(search.office_number, number, "{typed:?}");
        }
        let long = Search::parse(&"あ".repeat(150)).unwrap();
        assert_eq!(long.text.chars().count(), MAX_SEARCH_CHARS);
    }

    #[test]
    fn a_search_pattern_takes_wildcards_literally() {
        let table = [
            ("武蔵野", "%武蔵野%"),
            ("100%", "%100\\%%"),
            ("a_b", "%a\\_b%"),
            ("c:\\x", "%c:\\\\x%"),
        ];
        for (typed, pattern) in table {
            assert_eq!(
                Search::parse(typed).unwrap().pattern(),
                pattern,
                "{typed:?}"
            );
        }
    }

    #[test]
    fn setting_refusals_are_said_in_japanese_by_field() {
        let other = |m: &str| Refusal::Other(m.to_owned());
        let table = [
            ("deadline", other("must not fall after ends_on"), "終了日"),
            (
                "reason",
                other("a deadline change needs a reason"),
                "理由を入力",
            ),
            ("total_slots", other("must be from 1 to 100000"), "100,000"),
            (
                "model_slots",
                other("must be from 0 to total_slots"),
                "全体枠",
            ),
            ("honoraria.model", other("negative"), "金額"),
            ("bank_code", other("must be 4 digits"), "4桁"),
            (
                "holder_kana",
                other("must not be empty"),
                "入力してください",
            ),
            ("holder_kana", other("cannot be written: 漢"), "半角30文字"),
            (
                "opens_at",
                other("opens_at cannot change once the campaign has opened"),
                "変えられません",
            ),
            (
                "opens_at",
                other("must be a date and time"),
                "2026-10-01T09:00",
            ),
            ("reason", Refusal::TooLong { max: 2000 }, "2000文字以内"),
            ("survey", other("something else"), "something else"),
        ];
        for (field, refusal, said) in table {
            let japanese = setting_ja(field, &refusal);
            assert!(japanese.contains(said), "{field}: {japanese}");
        }
    }
}
