use super::*;
use crate::domain::application::tests::{campaign, input, office, today};
use crate::domain::application::{check, ApplicationInput, OfficeInput, OfficeKind, Tier};
use crate::domain::campaign::{OfficeCheckDigitPolicy, Settings};
use crate::domain::corporate_number::CorporateNumber;

#[test]
fn a_refusal_says_the_same_in_english_as_before() {
    assert_eq!(
        Refusal::OutsideRegion {
            region: "武蔵野市".into(),
            code: "132039".into()
        }
        .english(),
        "the office must be in 武蔵野市 (code 132039)"
    );
    assert_eq!(
        Refusal::from(DateOutOfRange).english(),
        "must be within the years 2000 to 2099"
    );
    assert_eq!(
        Refusal::DateOutOfRange.japanese(),
        "2000年から2099年までの日付を入力してください"
    );
}

#[test]
fn what_no_rule_knows_is_shown_as_it_came() {
    assert_eq!(Refusal::from("something new").japanese(), "something new");
}

fn settings(policy: OfficeCheckDigitPolicy) -> Settings {
    let mut s = campaign();
    s.rules.office_check_digit = policy;
    s
}

fn corporate() -> String {
    CorporateNumber::with_check_digit("123456789012")
        .unwrap()
        .to_string()
}

/// `number` with its check digit (the first) changed.
fn wrong_digit(number: &str) -> String {
    let first = number.as_bytes()[0] - b'0';
    format!("{}{}", (first + 1) % 10, &number[1..])
}

/// Every refusal the rules can give, from inputs that break each rule in turn.
fn every_refusal() -> Vec<Refusal> {
    let corp = corporate();
    let good = office("1370000013", OfficeKind::CareManagement, &corp);
    let started = OfficeInput {
        using_system_since: Some(today()),
        ..good.clone()
    };
    let bad_office = OfficeInput {
        office_number: "99X".into(),
        name: String::new(),
        corporate_number: "12".into(),
        corporation_name: "x".repeat(201),
        municipality_code: "999999".into(),
        address: String::new(),
        email: "nope".into(),
        ..started.clone()
    };
    let mut bad_contact = input(
        Tier::GeneralSingle,
        vec![bad_office, good.clone()],
        vec![good.clone()],
    );
    bad_contact.contact.name = String::new();
    bad_contact.contact.email = format!("{}@example.jp", "a".repeat(260));
    let mut hidden = input(
        Tier::GeneralSingle,
        vec![OfficeInput {
            name: "一行目\n二行目".into(),
            address: "\u{0}".into(),
            using_system_since: chrono::NaiveDate::from_ymd_opt(2100, 1, 1),
            ..good.clone()
        }],
        vec![],
    );
    hidden.contact.name = "担当\u{202E}".into();
    let mut inputs: Vec<ApplicationInput> = vec![
        bad_contact,
        input(Tier::GeneralPair, vec![good.clone(), good.clone()], vec![]),
        input(Tier::Model, vec![good.clone()], vec![]),
        input(Tier::Model, vec![good.clone()], vec![started]),
        hidden,
    ];
    for number in ["0070000013", "13I0000013", "13700A0013", "1370000010"] {
        inputs.push(input(
            Tier::GeneralSingle,
            vec![office(number, OfficeKind::Service, &wrong_digit(&corp))],
            vec![],
        ));
    }
    let mut refusals = Vec::new();
    for policy in [OfficeCheckDigitPolicy::Flag, OfficeCheckDigitPolicy::Reject] {
        for input in &inputs {
            match check(input, &settings(policy), today()) {
                Err(errors) => refusals.extend(errors.into_vec().into_iter().map(|e| e.refusal)),
                Ok(app) => refusals.extend(app.warnings.into_iter().map(|e| e.refusal)),
            }
        }
    }
    refusals
}

#[test]
fn every_refusal_of_the_application_rules_is_a_variant_said_in_japanese() {
    let refusals = every_refusal();
    assert!(refusals.len() >= 20, "{refusals:?}");
    for r in &refusals {
        assert!(!matches!(r, Refusal::Other(_)), "plain English: {r:?}");
        assert_ne!(r.japanese(), r.english(), "{r:?}");
    }
    for expected in [
        Refusal::PairSameCorporation,
        Refusal::NamedTwice,
        Refusal::OfficeCheckDigit,
        Refusal::Text(TextError::LineBreak),
        Refusal::Text(TextError::Nul),
        Refusal::DateOutOfRange,
        Refusal::Text(TextError::Control),
    ] {
        assert!(refusals.contains(&expected), "{expected:?} not reached");
    }
    let flagged = input(
        Tier::GeneralSingle,
        vec![office("1370000010", OfficeKind::Service, &corporate())],
        vec![],
    );
    let taken = check(&flagged, &settings(OfficeCheckDigitPolicy::Flag), today()).unwrap();
    assert_eq!(taken.warnings[0].refusal, Refusal::OfficeCheckDigitToReview);
}
