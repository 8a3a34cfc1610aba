use super::*;
use crate::domain::participation::Status;
use crate::domain::refusal::Refusal;
use chrono::{NaiveDate, NaiveDateTime};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// `hour`:`minute` in Japan on `date`, as the UTC instant the service keeps.
fn japan(date: NaiveDate, hour: u32, minute: u32) -> NaiveDateTime {
    date.and_hms_opt(hour, minute, 0).unwrap() - chrono::Duration::hours(9)
}

#[test]
fn corrections_are_open_while_the_application_takes_part_until_the_deadline_ends() {
    let deadline = day(2023, 12, 15);
    let cases = [
        (Status::Accepted, japan(deadline, 9, 0), Ok(())),
        (Status::Waitlisted, japan(deadline, 23, 59), Ok(())),
        (
            Status::Accepted,
            japan(day(2023, 12, 16), 0, 0),
            Err(Closed::DeadlinePassed),
        ),
        (
            Status::Waitlisted,
            japan(day(2024, 1, 5), 12, 0),
            Err(Closed::DeadlinePassed),
        ),
        (
            Status::Withdrawn,
            japan(day(2023, 11, 1), 12, 0),
            Err(Closed::Left(Status::Withdrawn)),
        ),
        (
            Status::Disqualified,
            japan(day(2023, 11, 1), 12, 0),
            Err(Closed::Left(Status::Disqualified)),
        ),
        (
            Status::Voided,
            japan(day(2024, 1, 5), 12, 0),
            Err(Closed::Left(Status::Voided)),
        ),
    ];
    for (status, now, expected) in cases {
        assert_eq!(
            may_correct(status, deadline, now),
            expected,
            "{status} at {now}"
        );
    }
}

fn sent() -> Sent {
    Sent {
        contact_name: "山田 花子".into(),
        contact_email: "kaigo@example.jp".into(),
        offices: vec![
            SentOffice {
                office_number: "1370000018".into(),
                corporate_number: "7123456789012".into(),
                name: "むさしの居宅介護支援センター".into(),
                corporation_name: "社会福祉法人むさしの".into(),
                address: "東京都武蔵野市緑町2-2-28".into(),
                email: "office@example.jp".into(),
            },
            SentOffice {
                office_number: "1371000014".into(),
                corporate_number: "8123456789011".into(),
                name: "緑町訪問介護".into(),
                corporation_name: "株式会社みどり".into(),
                address: "東京都武蔵野市緑町1-1".into(),
                email: "midori@example.jp".into(),
            },
        ],
    }
}

fn office(number: &str) -> OfficeCorrection {
    OfficeCorrection {
        office_number: number.into(),
        ..Default::default()
    }
}

#[test]
fn a_correction_changes_what_it_names_and_leaves_the_rest() {
    let input = CorrectionInput {
        contact: ContactCorrection {
            name: Some(" 山田 太郎 ".into()),
            email: Some("taro@example.jp".into()),
        },
        offices: vec![OfficeCorrection {
            address: Some("東京都武蔵野市緑町２丁目２番２８号".into()),
            corporate_number: Some("８１２３４５６７８９０１１".into()),
            ..office("１３７１０００−０１４")
        }],
    };
    let after = corrected(&sent(), &input).unwrap();
    assert_eq!(after.contact_name, "山田 太郎");
    assert_eq!(after.contact_email, "taro@example.jp");
    assert_eq!(after.offices[0], sent().offices[0]);
    assert_eq!(
        after.offices[1].address,
        "東京都武蔵野市緑町２丁目２番２８号"
    );
    assert_eq!(after.offices[1].name, "緑町訪問介護");
    let items: Vec<Item> = changes(&sent(), &after)
        .into_iter()
        .map(|c| c.item)
        .collect();
    assert_eq!(
        items,
        [
            Item::ContactName,
            Item::ContactEmail,
            Item::Address("1371000014".into())
        ]
    );
    assert!(changes(&sent(), &sent()).is_empty());
}

#[test]
fn every_refusal_of_a_correction_names_its_field_in_japanese() {
    let cases: Vec<(CorrectionInput, &str, Refusal)> = vec![
        (
            CorrectionInput {
                contact: ContactCorrection {
                    name: Some("  ".into()),
                    email: None,
                },
                offices: vec![],
            },
            "contact.name",
            Refusal::Length { max: 100 },
        ),
        (
            CorrectionInput {
                contact: ContactCorrection {
                    name: None,
                    email: Some("not-an-email".into()),
                },
                offices: vec![],
            },
            "contact.email",
            Refusal::Email(crate::domain::email::EmailError::Invalid),
        ),
        (
            CorrectionInput {
                offices: vec![office("1370000026")],
                ..Default::default()
            },
            "offices[0].office_number",
            Refusal::NotInApplication,
        ),
        (
            CorrectionInput {
                offices: vec![office("1370000018"), office("1370000018")],
                ..Default::default()
            },
            "offices[1].office_number",
            Refusal::NamedTwice,
        ),
        (
            CorrectionInput {
                offices: vec![OfficeCorrection {
                    corporate_number: Some("9123456789010".into()),
                    ..office("1370000018")
                }],
                ..Default::default()
            },
            "offices[0].corporate_number",
            Refusal::FixedOnceSent,
        ),
        (
            CorrectionInput {
                offices: vec![OfficeCorrection {
                    address: Some("一行目\n二行目".into()),
                    ..office("1370000018")
                }],
                ..Default::default()
            },
            "offices[0].address",
            Refusal::Text(crate::domain::text::TextError::LineBreak),
        ),
        (
            CorrectionInput {
                offices: vec![OfficeCorrection {
                    corporation_name: Some("法".repeat(201)),
                    ..office("1370000018")
                }],
                ..Default::default()
            },
            "offices[0].corporation_name",
            Refusal::Length { max: 200 },
        ),
        (
            CorrectionInput {
                offices: vec![OfficeCorrection {
                    email: Some("a@b".into()),
                    ..office("1370000018")
                }],
                ..Default::default()
            },
            "offices[0].email",
            Refusal::Email(crate::domain::email::EmailError::Invalid),
        ),
    ];
    for (input, field, refusal) in cases {
        let errors = corrected(&sent(), &input).unwrap_err().into_vec();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].field, field);
        assert_eq!(errors[0].refusal, refusal);
        assert_ne!(refusal.japanese(), refusal.english(), "{refusal:?}");
    }
}

#[test]
fn items_are_labelled_as_the_form_names_them() {
    assert_eq!(Item::ContactEmail.label_ja(), "ご担当者のメールアドレス");
    assert_eq!(
        Item::Address("1370000018".into()).label_ja(),
        "所在地（1370000018）"
    );
    assert!(Item::OfficeEmail("1".into()).is_email());
    assert!(!Item::OfficeName("1".into()).is_email());
}
