//! Applicant emails in Japanese, from the files under `templates/email/` (checked when the
//! crate is built). Each template's first line is `Subject: …`, then a blank line, then the body.

use crate::domain::campaign::Contact;
use askama::Template;

/// The message kinds an application's life sends, in the order they can happen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Accepted,
    Waitlisted,
    Promoted,
    Withdrawn,
    Disqualified,
    Voided,
    /// The applicant corrected what was sent.
    Corrected,
}

/// The messages sent to one office about its own year end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfficeMailKind {
    YearEndResult,
    PayoutNotice,
    Reminder,
}

impl OfficeMailKind {
    pub fn as_str(self) -> &'static str {
        match self {
            OfficeMailKind::YearEndResult => "year_end_result",
            OfficeMailKind::PayoutNotice => "payout_notice",
            OfficeMailKind::Reminder => "checkpoint_reminder",
        }
    }
}

/// Where an office answers a survey.
pub struct SurveyLink {
    pub label: &'static str,
    pub url: String,
}

/// Everything an office email may say.
pub struct OfficeMail {
    pub campaign_name: String,
    /// The campaign's contact, which every email ends with.
    pub secretariat: Contact,
    pub office_name: String,
    pub office_number: String,
    pub role_label: &'static str,
    pub ends_on_wareki: String,
    pub eligible: bool,
    /// Yen with separators, never negative: `reclaim` says which way it goes.
    pub amount: String,
    pub reclaim: bool,
    /// Why the office is not paid, in plain words.
    pub reasons: Vec<&'static str>,
    /// What the office still has to do.
    pub missing: Vec<&'static str>,
    /// The surveys the office can answer now and has not.
    pub survey_links: Vec<SurveyLink>,
    /// Payout notices: whether the office's bank account is registered, without which the
    /// transfer cannot be made.
    pub has_account: bool,
}

macro_rules! office_template {
    ($name:ident, $path:literal) => {
        #[derive(Template)]
        #[template(path = $path)]
        struct $name<'a> {
            m: &'a OfficeMail,
        }
    };
}

office_template!(YearEndResult, "email/year_end_result.txt");
office_template!(PayoutNotice, "email/payout_notice.txt");
office_template!(Reminder, "email/reminder.txt");

pub fn render_office(kind: OfficeMailKind, m: &OfficeMail) -> Rendered {
    let text = match kind {
        OfficeMailKind::YearEndResult => YearEndResult { m }.render(),
        OfficeMailKind::PayoutNotice => PayoutNotice { m }.render(),
        OfficeMailKind::Reminder => Reminder { m }.render(),
    }
    .unwrap_or_else(|e| format!("Subject: {}\n\n{e}", kind.as_str()));
    split(&text)
}

fn split(text: &str) -> Rendered {
    let (head, body) = text.split_once("\n\n").unwrap_or((text, ""));
    Rendered {
        subject: head.trim_start_matches("Subject:").trim().to_owned(),
        body: body.trim_start().to_owned(),
    }
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Accepted => "accepted",
            Kind::Waitlisted => "waitlisted",
            Kind::Promoted => "promoted",
            Kind::Withdrawn => "withdrawn",
            Kind::Disqualified => "disqualified",
            Kind::Voided => "voided",
            Kind::Corrected => "corrected",
        }
    }
}

pub struct OfficeLine {
    pub office_number: String,
    pub name: String,
    pub role_label: &'static str,
    pub honorarium: String,
}

/// Everything an application email may say.
pub struct ApplicationMail {
    pub campaign_name: String,
    /// The campaign's contact, which every email ends with.
    pub secretariat: Contact,
    pub contact_name: String,
    pub sequence: i64,
    pub tier_label: &'static str,
    pub submitted_at: String,
    pub deadline_wareki: String,
    pub ends_on_wareki: String,
    pub offices: Vec<OfficeLine>,
    pub status_link: String,
    /// Where each office answers the start survey, once the application is accepted.
    pub survey_links: Vec<SurveyLink>,
    pub reason: Option<String>,
    /// For an application that waits: 1 for the next to be promoted.
    pub place_in_line: Option<i64>,
    /// What a correction changed, one line each: `所在地（1370000018）: 前 → 後`.
    pub changes: Vec<String>,
}

macro_rules! template {
    ($name:ident, $path:literal) => {
        #[derive(Template)]
        #[template(path = $path)]
        struct $name<'a> {
            m: &'a ApplicationMail,
        }
    };
}

template!(Accepted, "email/accepted.txt");
template!(Waitlisted, "email/waitlisted.txt");
template!(Promoted, "email/promoted.txt");
template!(Withdrawn, "email/withdrawn.txt");
template!(Disqualified, "email/disqualified.txt");
template!(Voided, "email/voided.txt");
template!(Corrected, "email/corrected.txt");

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub body: String,
}

pub fn render(kind: Kind, m: &ApplicationMail) -> Rendered {
    let text = match kind {
        Kind::Accepted => Accepted { m }.render(),
        Kind::Waitlisted => Waitlisted { m }.render(),
        Kind::Promoted => Promoted { m }.render(),
        Kind::Withdrawn => Withdrawn { m }.render(),
        Kind::Disqualified => Disqualified { m }.render(),
        Kind::Voided => Voided { m }.render(),
        Kind::Corrected => Corrected { m }.render(),
    }
    .unwrap_or_else(|e| format!("Subject: {}\n\n{e}", kind.as_str()));
    split(&text)
}

/// Yen with thousands separators: 31,000.
pub fn yen(amount: i64) -> String {
    crate::domain::money::with_separators(amount)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mail(reason: Option<&str>) -> ApplicationMail {
        ApplicationMail {
            campaign_name: "データ連携促進モデルキャンペーン".into(),
            secretariat: Contact::default(),
            contact_name: "山田 花子".into(),
            sequence: 12,
            tier_label: "モデル事業所枠",
            submitted_at: "令和5年11月1日（2023-11-01）10:00".into(),
            deadline_wareki: "令和5年12月15日".into(),
            ends_on_wareki: "令和6年3月31日".into(),
            offices: vec![
                OfficeLine {
                    office_number: "1370100016".into(),
                    name: "むさしの居宅介護支援センター".into(),
                    role_label: "モデル事業所",
                    honorarium: yen(31_000),
                },
                OfficeLine {
                    office_number: "1371100049".into(),
                    name: "緑町訪問介護".into(),
                    role_label: "紹介事業所",
                    honorarium: yen(26_000),
                },
            ],
            status_link: "https://honoraria.example/status/abc".into(),
            survey_links: vec![
                SurveyLink {
                    label: "利用開始時アンケート",
                    url: "https://x.jp/status/S3/surveys/start?office=1370100016".into(),
                },
                SurveyLink {
                    label: "利用開始時アンケート",
                    url: "https://x.jp/status/S3/surveys/start?office=1371100049".into(),
                },
            ],
            reason: reason.map(str::to_owned),
            place_in_line: Some(3),
            changes: vec!["所在地（1370100016）: 緑町1-1 → 緑町2-2-28".into()],
        }
    }

    #[test]
    fn every_kind_renders_a_subject_and_a_body_with_the_essentials() {
        for kind in [
            Kind::Accepted,
            Kind::Waitlisted,
            Kind::Promoted,
            Kind::Withdrawn,
            Kind::Disqualified,
            Kind::Voided,
            Kind::Corrected,
        ] {
            let r = render(kind, &mail(Some("区域外のため")));
            assert!(
                r.subject
                    .starts_with("【データ連携促進モデルキャンペーン】"),
                "{kind:?}: {}",
                r.subject
            );
            assert!(r.subject.contains("受付番号 12"), "{kind:?}: {}", r.subject);
            assert!(!r.subject.contains('\n'));
            for needle in [
                "山田 花子 様",
                "受付番号: 12",
                "むさしの居宅介護支援センター（事業所番号 1370100016）",
                "謝礼額: 31,000円",
                "謝礼額: 26,000円",
                "https://honoraria.example/status/abc",
                "令和5年11月1日",
            ] {
                assert!(
                    r.body.contains(needle),
                    "{kind:?} lacks {needle}:\n{}",
                    r.body
                );
            }
            assert!(!r.body.contains("{{") && !r.body.contains("{%"));
            let left = matches!(kind, Kind::Withdrawn | Kind::Disqualified | Kind::Voided);
            assert_eq!(
                r.body.contains("辞退の手続きがいつでもできます"),
                !left,
                "{kind:?}: only an application still in the campaign can be withdrawn:\n{}",
                r.body
            );
        }
    }

    #[test]
    fn a_correction_lists_every_change_and_keeps_the_place_in_line() {
        let r = render(Kind::Corrected, &mail(None));
        assert!(r.subject.contains("訂正"), "{}", r.subject);
        assert!(r
            .body
            .contains("・所在地（1370100016）: 緑町1-1 → 緑町2-2-28"));
        assert!(r.body.contains("受付番号と受付の順番は変わりません"));
    }

    #[test]
    fn a_waiting_applicant_is_told_when_promotion_stops() {
        let r = render(Kind::Waitlisted, &mail(None));
        assert!(r.subject.contains("キャンセル待ち"));
        assert!(r.body.contains("令和5年12月15日"));
        assert!(r.body.contains("3番目"), "{}", r.body);
    }

    #[test]
    fn a_disqualification_gives_its_reason_and_a_withdrawal_only_if_there_is_one() {
        assert!(render(Kind::Disqualified, &mail(Some("区域外のため")))
            .body
            .contains("理由: 区域外のため"));
        assert!(!render(Kind::Withdrawn, &mail(None)).body.contains("理由"));
    }

    fn office_mail(eligible: bool) -> OfficeMail {
        OfficeMail {
            campaign_name: "データ連携促進モデルキャンペーン".into(),
            secretariat: Contact::default(),
            office_name: "緑町訪問介護".into(),
            office_number: "1371100049".into(),
            role_label: "紹介事業所",
            ends_on_wareki: "令和6年3月31日".into(),
            eligible,
            amount: yen(26_000),
            reclaim: false,
            reasons: vec!["年度末アンケートへのご回答が確認できませんでした"],
            missing: vec!["利用開始時アンケートへのご回答"],
            survey_links: vec![SurveyLink {
                label: "利用開始時アンケート",
                url: "https://x.jp/status/S3/surveys/start?office=1371100049".into(),
            }],
            has_account: false,
        }
    }

    #[test]
    fn office_mails_say_the_amount_or_every_reason_in_plain_words() {
        let paid = render_office(OfficeMailKind::YearEndResult, &office_mail(true));
        assert!(paid.subject.contains("謝礼額"), "{}", paid.subject);
        assert!(paid.body.contains("謝礼額: 26,000円"), "{}", paid.body);
        assert!(paid.body.contains("緑町訪問介護 ご担当者様"));
        let unpaid = render_office(OfficeMailKind::YearEndResult, &office_mail(false));
        assert!(unpaid
            .body
            .contains("・年度末アンケートへのご回答が確認できませんでした"));
        assert!(!unpaid.body.contains("謝礼額:"));
        let reminder = render_office(OfficeMailKind::Reminder, &office_mail(true));
        assert!(reminder.body.contains("・利用開始時アンケートへのご回答"));
        assert!(reminder.body.contains(
            "・利用開始時アンケート: https://x.jp/status/S3/surveys/start?office=1371100049"
        ));
        let accepted = render(Kind::Accepted, &mail(None));
        assert!(accepted
            .body
            .contains("・緑町訪問介護: https://x.jp/status/S3/surveys/start?office=1371100049"));
        let mut reclaim = office_mail(true);
        reclaim.reclaim = true;
        let notice = render_office(OfficeMailKind::PayoutNotice, &reclaim);
        assert!(notice.subject.contains("訂正") && notice.body.contains("返還額: 26,000円"));
        let without_account = render_office(OfficeMailKind::PayoutNotice, &office_mail(true));
        assert!(
            without_account
                .body
                .contains("振込先口座のご登録が必要です"),
            "no transfer is promised before there is an account: {}",
            without_account.body
        );
        let mut registered = office_mail(true);
        registered.has_account = true;
        let with_account = render_office(OfficeMailKind::PayoutNotice, &registered);
        assert!(with_account.body.contains("ご登録の口座へお振り込みします"));
        assert!(with_account.body.contains("予定日"));
        for r in [
            paid,
            unpaid,
            reminder,
            notice,
            without_account,
            with_account,
        ] {
            assert!(!r.body.contains("{{") && !r.body.contains("{%"));
        }
    }

    fn secretariat() -> Contact {
        Contact {
            name: Some("武蔵野市キャンペーン事務局".into()),
            email: Some("jimukyoku@example.jp".into()),
            phone: Some("0422-00-0000".into()),
            hours: Some("平日 9:00〜17:00".into()),
        }
    }

    #[test]
    fn every_mail_ends_with_the_campaigns_contact_when_it_has_one() {
        let ending = "--\n武蔵野市キャンペーン事務局\nメール: jimukyoku@example.jp\n電話: 0422-00-0000\n受付時間: 平日 9:00〜17:00";
        let mut m = mail(None);
        m.secretariat = secretariat();
        let mut o = office_mail(true);
        o.secretariat = secretariat();
        let bodies = [
            render(Kind::Accepted, &m).body,
            render(Kind::Withdrawn, &m).body,
            render_office(OfficeMailKind::Reminder, &o).body,
        ];
        for body in bodies {
            assert!(body.trim_end().ends_with(ending), "{body}");
            assert!(
                body.contains("このメールへの返信も事務局に届きます"),
                "{body}"
            );
            assert!(
                !body.contains("キャンペーン事務局までお問い合わせ"),
                "{body}"
            );
        }
        m.secretariat = Contact {
            phone: Some("0422-00-0000".into()),
            ..Contact::default()
        };
        let body = render(Kind::Accepted, &m).body;
        assert!(
            body.trim_end()
                .ends_with("--\nデータ連携促進モデルキャンペーン 事務局\n電話: 0422-00-0000"),
            "{body}"
        );
        assert!(!body.contains("返信"), "{body}");
    }

    #[test]
    fn without_a_contact_the_mail_says_it_cannot_be_answered() {
        let body = render(Kind::Accepted, &mail(None)).body;
        assert!(body.contains("送信専用アドレス"), "{body}");
        assert!(body
            .trim_end()
            .ends_with("--\nデータ連携促進モデルキャンペーン 事務局"));
    }

    #[test]
    fn yen_has_thousands_separators() {
        assert_eq!(yen(0), "0");
        assert_eq!(yen(26_000), "26,000");
        assert_eq!(yen(1_350_000), "1,350,000");
        assert_eq!(yen(-31_000), "-31,000");
    }
}
