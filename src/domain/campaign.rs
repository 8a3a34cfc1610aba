//! A campaign's settings, the rules between them, and its phase at a given instant.

use super::name::named;
use super::{jst, money::Yen, FieldErrors};
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

mod code;
pub use code::CampaignCode;

named! {
    /// What to do with an office number whose check digit does not match (SPEC: some real
    /// numbers are reported not to).
    pub enum OfficeCheckDigitPolicy {
        /// Accept, warn and flag the application for staff review.
        Flag => "flag",
        /// Refuse the application.
        Reject => "reject",
    }
}

/// The choices SPEC.md leaves open, per campaign, with its defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Rules {
    pub office_check_digit: OfficeCheckDigitPolicy,
    pub partner_failure_blocks: bool,
    pub promote_after_deadline: bool,
    pub referral_same_corporation_allowed: bool,
}

impl Default for Rules {
    fn default() -> Self {
        Rules {
            office_check_digit: OfficeCheckDigitPolicy::Flag,
            partner_failure_blocks: false,
            promote_after_deadline: false,
            referral_same_corporation_allowed: false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Honoraria {
    pub general: i64,
    pub model: i64,
    pub referred: i64,
}

impl Honoraria {
    pub fn general(&self) -> Yen {
        Yen::new(self.general)
    }
    pub fn model(&self) -> Yen {
        Yen::new(self.model)
    }
    pub fn referred(&self) -> Yen {
        Yen::new(self.referred)
    }
}

/// The campaign's secretariat, whom applicants can reach; every part may be left out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// When the secretariat answers, as the applicant reads it: 平日 9:00〜17:00.
    pub hours: Option<String>,
}

/// A text as given, trimmed; blank means none, so a `PATCH` can clear it with `""`.
pub fn given(value: Option<&String>) -> Option<String> {
    value
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

impl Contact {
    pub fn trimmed(&self) -> Contact {
        Contact {
            name: given(self.name.as_ref()),
            email: given(self.email.as_ref()),
            phone: given(self.phone.as_ref()),
            hours: given(self.hours.as_ref()),
        }
    }

    pub fn is_empty(&self) -> bool {
        *self == Contact::default()
    }

    /// The number as a `tel:` link dials it: digits and a leading `+`.
    pub fn phone_dial(&self) -> Option<String> {
        self.phone.as_ref().map(|p| {
            p.chars()
                .filter(|c| c.is_ascii_digit() || *c == '+')
                .collect()
        })
    }

    fn check(&self, errors: &mut FieldErrors) {
        for (field, value) in [("contact.name", &self.name), ("contact.hours", &self.hours)] {
            if let Some(v) = value {
                super::text::one_line(errors, field, v, MAX_CONTACT_TEXT);
            }
        }
        if let Some(email) = &self.email {
            errors.take("contact.email", super::email::EmailAddress::parse(email));
        }
        if let Some(phone) = &self.phone {
            let allowed = |c: char| c.is_ascii_digit() || matches!(c, '-' | '(' | ')' | ' ' | '+');
            let len = phone.chars().count();
            if !(6..=20).contains(&len) || !phone.chars().all(allowed) {
                errors.push(
                    "contact.phone",
                    "must be 6 to 20 characters of digits, -, (, ), + and spaces",
                );
            }
        }
    }
}

/// Given with the API text (a name, office hours).
pub const MAX_CONTACT_TEXT: usize = 100;
pub const MAX_PRIVACY_NOTICE: usize = 5_000;
/// Longer than any address a browser keeps; past that it is not a link someone typed.
pub const MAX_URL: usize = 2_000;

fn check_url(errors: &mut FieldErrors, field: &str, url: &str) {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    if !rest.is_some_and(|r| !r.is_empty() && !r.starts_with('/'))
        || url.len() > MAX_URL
        || url.chars().any(char::is_whitespace)
    {
        errors.push(
            field,
            format!("must be an https:// or http:// address of at most {MAX_URL} characters"),
        );
    } else if let Err(e) = super::text::single_line(url) {
        errors.push(field, e.to_string());
    }
}

/// Everything staff set on a campaign; checked as a whole on create and after every change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub code: String,
    pub name: String,
    pub region_code: String,
    pub region_name: String,
    /// UTC.
    pub opens_at: NaiveDateTime,
    pub deadline: NaiveDate,
    pub ends_on: NaiveDate,
    pub total_slots: i32,
    pub model_slots: i32,
    pub reserved_seminar_slots: i32,
    pub max_referrals: i32,
    pub honoraria: Honoraria,
    pub rules: Rules,
    pub contact: Contact,
    pub privacy_notice: Option<String>,
    pub privacy_notice_url: Option<String>,
    pub survey_days: super::survey::SurveyDays,
}

pub const MAX_SLOTS: i32 = 100_000;
pub const MAX_REFERRALS: i32 = 20;

impl Settings {
    /// Every rule a campaign's settings must satisfy, each failure naming its field.
    pub fn check(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        self.survey_days.check(&mut errors);
        if CampaignCode::parse(&self.code).is_none() {
            errors.push("code", "must be 1 to 64 characters of a-z, 0-9 and -");
        }
        for (field, value) in [("name", &self.name), ("region_name", &self.region_name)] {
            super::text::one_line(&mut errors, field, value, 200);
        }
        if self.region_code.len() != 6 || !self.region_code.bytes().all(|b| b.is_ascii_digit()) {
            errors.push(
                "region_code",
                "must be the 6-digit local government code (全国地方公共団体コード)",
            );
        }
        for (field, date) in [
            ("opens_at", jst::date_of(self.opens_at)),
            ("deadline", self.deadline),
            ("ends_on", self.ends_on),
        ] {
            errors.take(field, jst::supported(date));
        }
        if self.deadline > self.ends_on {
            errors.push("deadline", "must not fall after ends_on");
        }
        if self.opens_at >= jst::end_of_day_utc(self.deadline) {
            errors.push("opens_at", "must be before the end of the deadline day");
        }
        if !(1..=MAX_SLOTS).contains(&self.total_slots) {
            errors.push("total_slots", format!("must be from 1 to {MAX_SLOTS}"));
        }
        if self.model_slots < 0 || self.model_slots > self.total_slots {
            errors.push("model_slots", "must be from 0 to total_slots");
        }
        if self.reserved_seminar_slots < 0 || self.reserved_seminar_slots > self.total_slots {
            errors.push("reserved_seminar_slots", "must be from 0 to total_slots");
        }
        if !(1..=MAX_REFERRALS).contains(&self.max_referrals) {
            errors.push(
                "max_referrals",
                format!("must be from 1 to {MAX_REFERRALS}"),
            );
        }
        for (field, amount) in [
            ("honoraria.general", self.honoraria.general),
            ("honoraria.model", self.honoraria.model),
            ("honoraria.referred", self.honoraria.referred),
        ] {
            errors.take(field, Yen::honorarium(amount));
        }
        self.contact.check(&mut errors);
        if let Some(notice) = &self.privacy_notice {
            if notice.chars().count() > MAX_PRIVACY_NOTICE {
                errors.push(
                    "privacy_notice",
                    format!("must be at most {MAX_PRIVACY_NOTICE} characters"),
                );
            } else if let Err(e) = super::text::multi_line(notice) {
                errors.push("privacy_notice", e.to_string());
            }
        }
        if let Some(url) = &self.privacy_notice_url {
            check_url(&mut errors, "privacy_notice_url", url);
        }
        errors
    }

    pub fn phase(&self, now: NaiveDateTime) -> Phase {
        phase(self.opens_at, self.deadline, now)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    NotYetOpen,
    Open,
    Closed,
}

/// Applications are taken from `opens_at` until the end of the deadline day in Japan.
pub fn phase(opens_at: NaiveDateTime, deadline: NaiveDate, now: NaiveDateTime) -> Phase {
    if now < opens_at {
        Phase::NotYetOpen
    } else if now < jst::end_of_day_utc(deadline) {
        Phase::Open
    } else {
        Phase::Closed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn utc(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap()
    }

    fn musashino() -> Settings {
        Settings {
            code: "musashino-2023".into(),
            name: "データ連携促進モデルキャンペーン".into(),
            region_code: "132039".into(),
            region_name: "武蔵野市".into(),
            opens_at: utc("2023-10-01 00:00:00"),
            deadline: date("2023-12-15"),
            ends_on: date("2024-03-31"),
            total_slots: 50,
            model_slots: 10,
            reserved_seminar_slots: 0,
            max_referrals: 1,
            honoraria: Honoraria {
                general: 26_000,
                model: 31_000,
                referred: 26_000,
            },
            rules: Rules::default(),
            contact: Contact {
                name: Some("データ連携促進モデルキャンペーン事務局".into()),
                email: Some("jimukyoku@example.jp".into()),
                phone: Some("0422-00-0000".into()),
                hours: Some("平日 9:00〜17:00".into()),
            },
            privacy_notice: Some("ご応募の情報は本キャンペーンの運営にのみ使います。".into()),
            privacy_notice_url: None,
            survey_days: Default::default(),
        }
    }

    fn fields(s: &Settings) -> Vec<String> {
        s.check().into_vec().into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn the_musashino_campaign_is_valid() {
        assert!(musashino().check().is_empty());
    }

    #[test]
    fn the_defaults_are_the_specs_choices() {
        let r = Rules::default();
        assert_eq!(r.office_check_digit, OfficeCheckDigitPolicy::Flag);
        assert!(!r.partner_failure_blocks);
        assert!(!r.promote_after_deadline);
        assert!(!r.referral_same_corporation_allowed);
    }

    #[test]
    fn every_broken_setting_is_named() {
        let mut s = musashino();
        s.code = "Musashino 2023".into();
        s.region_code = "13203".into();
        s.deadline = date("2024-04-01");
        s.total_slots = 0;
        s.model_slots = 1;
        s.reserved_seminar_slots = -1;
        s.max_referrals = 0;
        s.honoraria.model = -5;
        assert_eq!(
            fields(&s),
            [
                "code",
                "region_code",
                "deadline",
                "total_slots",
                "model_slots",
                "reserved_seminar_slots",
                "max_referrals",
                "honoraria.model"
            ]
        );
    }

    #[test]
    fn a_broken_contact_or_privacy_notice_is_named() {
        let mut s = musashino();
        s.contact.name = Some("事務局\n二行目".into());
        s.contact.email = Some("jimukyoku@".into());
        s.contact.phone = Some("0422-00-000x".into());
        s.contact.hours = Some("平".repeat(101));
        s.privacy_notice = Some("あ".repeat(5_001));
        s.privacy_notice_url = Some("javascript:alert(1)".into());
        assert_eq!(
            fields(&s),
            [
                "contact.name",
                "contact.hours",
                "contact.email",
                "contact.phone",
                "privacy_notice",
                "privacy_notice_url"
            ]
        );
        s.contact = Contact {
            phone: Some("+81 (422) 00-0000".into()),
            ..Contact::default()
        };
        s.privacy_notice = Some("一行目\n二行目".into());
        s.privacy_notice_url = Some("http://example.jp/privacy".into());
        assert!(fields(&s).is_empty(), "{:?}", fields(&s));
        assert_eq!(s.contact.phone_dial().as_deref(), Some("+81422000000"));
        s.contact.phone = Some("12345".into());
        assert_eq!(fields(&s), ["contact.phone"]);
    }

    #[test]
    fn a_campaign_may_not_open_after_its_deadline_day() {
        let mut s = musashino();
        s.opens_at = utc("2023-12-15 15:00:00");
        assert_eq!(fields(&s), ["opens_at"]);
        s.opens_at = utc("2023-12-15 14:59:59");
        assert!(fields(&s).is_empty());
    }

    #[test]
    fn the_phase_follows_opening_and_the_japan_time_deadline() {
        let s = musashino();
        assert_eq!(s.phase(utc("2023-09-30 23:59:59")), Phase::NotYetOpen);
        assert_eq!(s.phase(utc("2023-10-01 00:00:00")), Phase::Open);
        assert_eq!(s.phase(utc("2023-12-15 14:59:59")), Phase::Open);
        assert_eq!(s.phase(utc("2023-12-15 15:00:00")), Phase::Closed);
    }
}
