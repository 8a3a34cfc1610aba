use super::*;
use crate::domain::campaign::{Honoraria, Rules};
use chrono::NaiveDateTime;

pub(crate) fn campaign() -> Settings {
    Settings {
        code: "musashino-2023".into(),
        name: "データ連携促進モデルキャンペーン".into(),
        region_code: "132039".into(),
        region_name: "武蔵野市".into(),
        opens_at: NaiveDateTime::parse_from_str("2023-10-01 00:00:00", "%Y-%m-%d %H:%M:%S")
            .unwrap(),
        deadline: "2023-12-15".parse().unwrap(),
        ends_on: "2024-03-31".parse().unwrap(),
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
        contact: Default::default(),
        privacy_notice: None,
        privacy_notice_url: None,
        survey_days: Default::default(),
    }
}

pub(crate) fn today() -> NaiveDate {
    "2023-11-01".parse().unwrap()
}

pub(crate) fn office(number: &str, kind: OfficeKind, corporate: &str) -> OfficeInput {
    OfficeInput {
        office_number: number.into(),
        name: "むさしの居宅介護支援センター".into(),
        kind,
        corporate_number: corporate.into(),
        corporation_name: "社会福祉法人むさしの".into(),
        municipality_code: "132039".into(),
        address: "東京都武蔵野市緑町2-2-28".into(),
        email: "office@example.jp".into(),
        using_system_since: None,
    }
}

pub(crate) fn input(
    tier: Tier,
    offices: Vec<OfficeInput>,
    referrals: Vec<OfficeInput>,
) -> ApplicationInput {
    ApplicationInput {
        tier,
        contact: ContactInput {
            name: "山田 花子".into(),
            email: "kaigo@example.jp".into(),
        },
        offices,
        referrals,
    }
}

fn care(n: &str, corp: &str) -> OfficeInput {
    office(n, OfficeKind::CareManagement, corp)
}

fn service(n: &str, corp: &str) -> OfficeInput {
    office(n, OfficeKind::Service, corp)
}

fn error_fields(result: Result<Application, FieldErrors>) -> Vec<String> {
    result
        .expect_err("should be refused")
        .into_vec()
        .into_iter()
        .map(|e| e.field)
        .collect()
}

#[test]
fn a_single_office_is_paid_the_general_honorarium() {
    let app = check(
        &input(
            Tier::GeneralSingle,
            vec![care("1370100016", "6010001000001")],
            vec![],
        ),
        &campaign(),
        today(),
    )
    .unwrap();
    assert_eq!(app.offices.len(), 1);
    assert_eq!(app.offices[0].role, ParticipantRole::Single);
    assert_eq!(app.offices[0].honorarium, Yen::new(26_000));
    assert!(!app.needs_review());
}

#[test]
fn a_pair_is_one_care_management_and_one_service_office_of_different_corporations() {
    let ok = input(
        Tier::GeneralPair,
        vec![
            care("1370100016", "6010001000001"),
            service("1371100049", "5010001000002"),
        ],
        vec![],
    );
    let app = check(&ok, &campaign(), today()).unwrap();
    assert!(app
        .offices
        .iter()
        .all(|o| o.role == ParticipantRole::PairMember));
    assert_eq!(
        app.need(|_| false),
        Slots {
            offices: 2,
            model: 0,
            non_attendees: 2
        }
    );

    let same_kind_same_corp = input(
        Tier::GeneralPair,
        vec![
            care("1370100016", "6010001000001"),
            care("1371100049", "6010001000001"),
        ],
        vec![],
    );
    assert_eq!(
        error_fields(check(&same_kind_same_corp, &campaign(), today())),
        ["offices[1].kind", "offices[1].corporate_number"]
    );
}

#[test]
fn a_model_office_is_paid_more_and_its_referral_the_general_amount() {
    let app = check(
        &input(
            Tier::Model,
            vec![care("1370100016", "6010001000001")],
            vec![service("1371100049", "5010001000002")],
        ),
        &campaign(),
        today(),
    )
    .unwrap();
    let paid: Vec<_> = app
        .offices
        .iter()
        .map(|o| (o.role, o.honorarium.amount()))
        .collect();
    assert_eq!(
        paid,
        [
            (ParticipantRole::Model, 31_000),
            (ParticipantRole::Referred, 26_000)
        ]
    );
    assert_eq!(
        app.need(|_| false),
        Slots {
            offices: 2,
            model: 1,
            non_attendees: 2
        }
    );
}

#[test]
fn a_model_office_needs_between_one_and_max_referrals() {
    let none = input(
        Tier::Model,
        vec![care("1370100016", "6010001000001")],
        vec![],
    );
    assert_eq!(
        error_fields(check(&none, &campaign(), today())),
        ["referrals"]
    );
    let two = input(
        Tier::Model,
        vec![care("1370100016", "6010001000001")],
        vec![
            service("1371100049", "5010001000002"),
            service("1371100056", "4010001000003"),
        ],
    );
    assert_eq!(
        error_fields(check(&two, &campaign(), today())),
        ["referrals"]
    );
    let mut allows_two = campaign();
    allows_two.max_referrals = 2;
    assert!(check(&two, &allows_two, today()).is_ok());
}

#[test]
fn already_using_offices_may_only_join_as_model_offices() {
    let mut using = care("1370100016", "6010001000001");
    using.using_system_since = Some("2023-06-01".parse().unwrap());
    let single = input(Tier::GeneralSingle, vec![using.clone()], vec![]);
    assert_eq!(
        error_fields(check(&single, &campaign(), today())),
        ["offices[0].using_system_since"]
    );
    let model = input(
        Tier::Model,
        vec![using],
        vec![service("1371100049", "5010001000002")],
    );
    assert!(check(&model, &campaign(), today()).is_ok());
}

#[test]
fn a_planned_start_after_today_is_not_yet_using() {
    let mut planned = care("1370100016", "6010001000001");
    planned.using_system_since = Some("2023-12-01".parse().unwrap());
    assert!(check(
        &input(Tier::GeneralSingle, vec![planned], vec![]),
        &campaign(),
        today()
    )
    .is_ok());
}

#[test]
fn a_referral_must_not_be_using_nor_of_the_referrers_corporation() {
    let mut referral = service("1371100049", "6010001000001");
    referral.using_system_since = Some("2023-01-01".parse().unwrap());
    let app = input(
        Tier::Model,
        vec![care("1370100016", "6010001000001")],
        vec![referral],
    );
    assert_eq!(
        error_fields(check(&app, &campaign(), today())),
        [
            "referrals[0].using_system_since",
            "referrals[0].corporate_number"
        ]
    );
    let mut allowed = campaign();
    allowed.rules.referral_same_corporation_allowed = true;
    assert_eq!(
        error_fields(check(&app, &allowed, today())),
        ["referrals[0].using_system_since"]
    );
}

#[test]
fn an_office_named_twice_is_refused() {
    let app = input(
        Tier::Model,
        vec![care("1370100016", "6010001000001")],
        vec![service("1370100016", "5010001000002")],
    );
    assert_eq!(
        error_fields(check(&app, &campaign(), today())),
        ["referrals[0].office_number"]
    );
}

#[test]
fn every_bad_field_is_reported_at_once() {
    let mut bad = care("1370100016", "6010001000002");
    bad.municipality_code = "131016".into();
    bad.email = "not-an-address".into();
    bad.name = " ".into();
    let mut app = input(
        Tier::GeneralSingle,
        vec![bad],
        vec![service("1371100049", "5010001000002")],
    );
    app.contact.email = "nobody".into();
    assert_eq!(
        error_fields(check(&app, &campaign(), today())),
        [
            "contact.email",
            "referrals",
            "offices[0].name",
            "offices[0].corporate_number",
            "offices[0].municipality_code",
            "offices[0].email",
        ]
    );
}

#[test]
fn a_mismatched_office_check_digit_is_flagged_or_refused_as_the_campaign_chooses() {
    let app = input(
        Tier::GeneralSingle,
        vec![care("1370100017", "6010001000001")],
        vec![],
    );
    let flagged = check(&app, &campaign(), today()).unwrap();
    assert!(flagged.needs_review());
    assert_eq!(flagged.warnings[0].field, "offices[0].office_number");

    let mut strict = campaign();
    strict.rules.office_check_digit = OfficeCheckDigitPolicy::Reject;
    assert_eq!(
        error_fields(check(&app, &strict, today())),
        ["offices[0].office_number"]
    );
}

#[test]
fn numbers_typed_with_a_japanese_input_method_read_as_their_digits() {
    let mut typed = care("１３７０１０００１６", "６０１０－００１－０００００１");
    typed.municipality_code = "１３２０３９".into();
    let app = check(
        &input(Tier::GeneralSingle, vec![typed], vec![]),
        &campaign(),
        today(),
    )
    .unwrap();
    assert_eq!(app.offices[0].office_number.as_str(), "1370100016");
    assert_eq!(app.offices[0].corporate_number.as_str(), "6010001000001");
    assert_eq!(app.offices[0].municipality_code, "132039");
    assert!(!app.needs_review());
}

#[test]
fn a_corporate_number_the_register_does_not_give_for_the_office_is_flagged_not_refused() {
    let model = || {
        check(
            &input(
                Tier::Model,
                vec![care("1370100016", "6010001000001")],
                vec![service("1371100049", "5010001000002")],
            ),
            &campaign(),
            today(),
        )
        .unwrap()
    };
    let listed = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(n, c)| ((*n).to_owned(), (*c).to_owned()))
            .collect()
    };
    for (registered, flagged) in [
        (listed(&[]), vec![]),
        (
            listed(&[
                ("1370100016", "6010001000001"),
                ("1371100049", "5010001000002"),
            ]),
            vec![],
        ),
        (
            listed(&[("1370100016", "9999999999999")]),
            vec!["offices[0].corporate_number"],
        ),
        (
            listed(&[("1371100049", "9999999999999")]),
            vec!["referrals[0].corporate_number"],
        ),
    ] {
        let mut app = model();
        app.compare_with_register(&registered);
        let fields: Vec<&str> = app.warnings.iter().map(|w| w.field.as_str()).collect();
        assert_eq!(fields, flagged, "{registered:?}");
        assert_eq!(app.needs_review(), !flagged.is_empty());
    }
}
