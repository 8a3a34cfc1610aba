//! The application form's words in Japanese: the label of every field, and every refusal the
//! rules give (in English, for the JSON API) said again for an applicant.

/// A field path as the JSON API names it (`offices[1].corporate_number`) in the form's dotted
/// spelling (`offices.1.corporate_number`).
pub fn dotted(field: &str) -> String {
    field.replace('[', ".").replace(']', "")
}

/// The label of a form field's last segment.
pub fn field_label(name: &str) -> &'static str {
    match name.rsplit('.').next().unwrap_or(name) {
        "office_number" => "介護保険事業所番号",
        "name" if name.starts_with("contact.") => "ご担当者名",
        "name" => "事業所名",
        "kind" => "事業所の種別",
        "corporate_number" => "法人番号",
        "corporation_name" => "法人名",
        "municipality_code" => "所在市区町村",
        "address" => "所在地",
        "email" if name.starts_with("contact.") => "ご担当者のメールアドレス",
        "email" => "事業所のメールアドレス",
        "using_system_since" => "ケアプランデータ連携システムの利用開始日",
        "reason" => "辞退の理由",
        _ => "入力内容",
    }
}

/// Where a field sits, for the error summary: `1件目のご紹介先`.
pub fn section_label(name: &str) -> String {
    let mut parts = name.split('.');
    match (
        parts.next(),
        parts.next().and_then(|i| i.parse::<usize>().ok()),
    ) {
        (Some("contact"), _) => "ご担当者".to_owned(),
        (Some("offices"), Some(i)) => format!("{}件目の応募事業所", i + 1),
        (Some("offices"), None) => "応募事業所".to_owned(),
        (Some("referrals"), Some(i)) => format!("{}件目のご紹介先", i + 1),
        (Some("referrals"), None) => "ご紹介先".to_owned(),
        (Some("tier"), _) => "応募枠".to_owned(),
        _ => "応募内容".to_owned(),
    }
}

/// Offices that already take part: which (when known) and whom to ask, never how another
/// application holds them.
pub fn already_taking_part(offices: &[String]) -> String {
    let which = if offices.is_empty() {
        "この応募の事業所".to_owned()
    } else {
        format!("事業所番号 {}", offices.join("、"))
    };
    format!(
        "{which}は、すでにこのキャンペーンに応募されています。同じ事業所は一度だけ参加できます。お心当たりがない場合は事務局へお問い合わせください。"
    )
}

/// A refusal in Japanese; a message no rule here knows is shown as it came, so nothing is
/// ever hidden from the applicant.
pub fn japanese(message: &str) -> String {
    known(message).unwrap_or_else(|| message.to_owned())
}

/// The Japanese for every message the application rules give, or `None` for one they do not.
pub fn known(message: &str) -> Option<String> {
    let exact = match message {
        "must be an email address such as name@example.jp" => {
            "メールアドレスの形で入力してください（例: name@example.jp）"
        }
        "must be at most 254 characters" => "254文字以内で入力してください",
        "must be 13 digits" => "13桁の数字で入力してください",
        "must be 10 characters: 2-digit prefecture, category, 2-digit district, 4-digit serial, check digit" => {
            "10桁で入力してください（都道府県番号2桁・種別1桁・市区町村2桁・連番4桁・検査数字1桁）"
        }
        "prefecture code must be 01 to 47" => "先頭の2桁（都道府県番号）は01〜47です",
        "office category must be a digit or an upper-case letter other than I, O and Q" => {
            "3桁目は数字か英大文字（I・O・Qを除く）です"
        }
        "district, serial and check digit must be digits" => "4桁目から後は数字で入力してください",
        "check digit does not match" => {
            "末尾の検査数字が合いません。事業所番号をお確かめください"
        }
        "check digit does not match; some real numbers do not, so staff will review it" => {
            "末尾の検査数字が合いません。このまま受け付け、事務局が確認します"
        }
        "an office already using the system may only apply as a model office" => {
            "すでにシステムを利用している事業所は、モデル事業所枠でのみ応募できます"
        }
        "only the model tier takes referrals" => "ご紹介先はモデル事業所枠でのみ入力できます",
        "a pair is one care_management office and one service office" => {
            "居宅介護支援事業所とサービス事業所の組み合わせで応募してください"
        }
        "the two offices of a pair must not belong to the same corporation" => {
            "同じ法人の事業所同士では応募できません（法人番号が同じです）"
        }
        "a referred office must not have started using the system" => {
            "ご紹介先は、まだシステムの利用を始めていない事業所に限ります"
        }
        "a referred office must not belong to the model office's corporation" => {
            "ご紹介先は、モデル事業所と別の法人の事業所に限ります"
        }
        "this office is named twice in the application" => {
            "同じ事業所番号が2回入力されています"
        }
        "must be at most 2000 characters" => "2000文字以内で入力してください",
        "must not contain a NUL character" => "使えない文字（NUL文字）が含まれています",
        "must be within the years 2000 to 2099" => {
            "2000年から2099年までの日付を入力してください"
        }
        "must be one line" => "改行を含めずに1行で入力してください",
        "must not contain control or text-direction characters" => {
            "制御文字や文字の向きを変える記号など、表示されない文字が含まれています"
        }
        _ => "",
    };
    if !exact.is_empty() {
        return Some(exact.to_owned());
    }
    if let Some(rest) = message.strip_prefix("must be 1 to ") {
        let max = rest.strip_suffix(" characters")?;
        return Some(format!("入力してください（{max}文字以内）"));
    }
    if message.starts_with("check digit does not match (expected ") {
        return Some("先頭の検査数字が合いません。法人番号をお確かめください".to_owned());
    }
    if let Some(rest) = message.strip_prefix("the office must be in ") {
        let region = rest.split(" (code ").next()?;
        return Some(format!("{region}内の事業所が対象です"));
    }
    if let Some(rest) = message.strip_prefix("a model office refers 1 to ") {
        let max = rest.split(' ').next()?;
        return Some(format!(
            "まだシステムの利用を始めていないご紹介先を1〜{max}件入力してください"
        ));
    }
    if message.contains(" takes exactly ") {
        return Some("この応募枠に必要な事業所をすべて入力してください".to_owned());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::application::{check, ApplicationInput, ContactInput, OfficeInput};
    use crate::domain::application::{OfficeKind, Tier};
    use crate::domain::campaign::{Honoraria, OfficeCheckDigitPolicy, Rules, Settings};
    use crate::domain::corporate_number::CorporateNumber;
    use chrono::NaiveDate;

    fn settings(policy: OfficeCheckDigitPolicy) -> Settings {
        Settings {
            code: "c".into(),
            name: "n".into(),
            region_code: "132039".into(),
            region_name: "武蔵野市".into(),
            opens_at: NaiveDate::from_ymd_opt(2023, 10, 1)
                .unwrap()
                .and_hms_opt(0, 0, 0)
                .unwrap(),
            deadline: NaiveDate::from_ymd_opt(2023, 12, 15).unwrap(),
            ends_on: NaiveDate::from_ymd_opt(2024, 3, 31).unwrap(),
            total_slots: 50,
            model_slots: 10,
            reserved_seminar_slots: 0,
            max_referrals: 1,
            honoraria: Honoraria {
                general: 26_000,
                model: 31_000,
                referred: 26_000,
            },
            rules: Rules {
                office_check_digit: policy,
                ..Rules::default()
            },
            contact: Default::default(),
            privacy_notice: None,
            privacy_notice_url: None,
            survey_days: Default::default(),
        }
    }

    fn office(number: &str, corporate: &str, kind: OfficeKind) -> OfficeInput {
        OfficeInput {
            office_number: number.into(),
            name: "事業所".into(),
            kind,
            corporate_number: corporate.into(),
            corporation_name: "法人".into(),
            municipality_code: "132039".into(),
            address: "武蔵野市".into(),
            email: "a@example.jp".into(),
            using_system_since: None,
        }
    }

    /// `number` with its check digit (the first) changed.
    fn wrong_digit(number: &str) -> String {
        let first = number.as_bytes()[0] - b'0';
        format!("{}{}", (first + 1) % 10, &number[1..])
    }

    /// Every refusal the rules can give, from inputs that break each rule in turn.
    fn every_refusal() -> Vec<String> {
        let corp = CorporateNumber::with_check_digit("123456789012")
            .unwrap()
            .to_string();
        let good = office("1370000013", &corp, OfficeKind::CareManagement);
        let today = NaiveDate::from_ymd_opt(2023, 11, 1).unwrap();
        let bad_office = OfficeInput {
            office_number: "99X".into(),
            name: String::new(),
            corporate_number: "12".into(),
            corporation_name: "x".repeat(201),
            municipality_code: "999999".into(),
            address: String::new(),
            email: "nope".into(),
            using_system_since: Some(today),
            ..good.clone()
        };
        let mut inputs = vec![
            ApplicationInput {
                tier: Tier::GeneralSingle,
                contact: ContactInput {
                    name: String::new(),
                    email: format!("{}@example.jp", "a".repeat(260)),
                },
                offices: vec![bad_office.clone(), good.clone()],
                referrals: vec![good.clone()],
            },
            ApplicationInput {
                tier: Tier::GeneralPair,
                contact: ContactInput {
                    name: "担当".into(),
                    email: "c@example.jp".into(),
                },
                offices: vec![good.clone(), good.clone()],
                referrals: vec![],
            },
            ApplicationInput {
                tier: Tier::Model,
                contact: ContactInput {
                    name: "担当".into(),
                    email: "c@example.jp".into(),
                },
                offices: vec![good.clone()],
                referrals: vec![],
            },
            ApplicationInput {
                tier: Tier::Model,
                contact: ContactInput {
                    name: "担当".into(),
                    email: "c@example.jp".into(),
                },
                offices: vec![good.clone()],
                referrals: vec![OfficeInput {
                    using_system_since: Some(today),
                    ..good.clone()
                }],
            },
        ];
        inputs.push(ApplicationInput {
            tier: Tier::GeneralSingle,
            contact: ContactInput {
                name: "担当\u{202E}".into(),
                email: "c@example.jp".into(),
            },
            offices: vec![OfficeInput {
                name: "一行目\n二行目".into(),
                address: "\u{0}".into(),
                using_system_since: NaiveDate::from_ymd_opt(2100, 1, 1),
                ..good.clone()
            }],
            referrals: vec![],
        });
        for number in ["0070000013", "13I0000013", "13700A0013", "1370000010"] {
            inputs.push(ApplicationInput {
                tier: Tier::GeneralSingle,
                contact: ContactInput {
                    name: "担当".into(),
                    email: "c@example.jp".into(),
                },
                offices: vec![office(number, &wrong_digit(&corp), OfficeKind::Service)],
                referrals: vec![],
            });
        }
        let mut messages = Vec::new();
        for policy in [OfficeCheckDigitPolicy::Flag, OfficeCheckDigitPolicy::Reject] {
            for input in &inputs {
                match check(input, &settings(policy), today) {
                    Err(errors) => {
                        messages.extend(errors.into_vec().into_iter().map(|e| e.message))
                    }
                    Ok(app) => messages.extend(app.warnings.into_iter().map(|e| e.message)),
                }
            }
        }
        messages
    }

    #[test]
    fn every_refusal_of_the_rules_has_its_japanese() {
        let messages = every_refusal();
        assert!(messages.len() >= 20, "{messages:?}");
        for m in &messages {
            assert!(known(m).is_some(), "no Japanese for {m:?}");
        }
        for expected in [
            "the two offices of a pair must not belong to the same corporation",
            "this office is named twice in the application",
            "check digit does not match",
            "must be one line",
            "must not contain a NUL character",
            "must be within the years 2000 to 2099",
            "must not contain control or text-direction characters",
        ] {
            assert!(
                messages.iter().any(|m| m == expected),
                "{expected} not reached"
            );
        }
    }

    #[test]
    fn an_unknown_message_is_shown_as_it_came() {
        assert_eq!(japanese("something new"), "something new");
        assert_eq!(
            japanese("the office must be in 武蔵野市 (code 132039)"),
            "武蔵野市内の事業所が対象です"
        );
    }

    #[test]
    fn fields_are_named_where_they_sit() {
        assert_eq!(dotted("referrals[0].email"), "referrals.0.email");
        assert_eq!(field_label("contact.email"), "ご担当者のメールアドレス");
        assert_eq!(field_label("offices.1.email"), "事業所のメールアドレス");
        assert_eq!(section_label("offices.1.kind"), "2件目の応募事業所");
        assert_eq!(section_label("referrals"), "ご紹介先");
    }
}
