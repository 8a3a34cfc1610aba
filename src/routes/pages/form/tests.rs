use super::*;

fn settings() -> Settings {
    Settings {
        code: "c".into(),
        name: "n".into(),
        region_code: "132039".into(),
        region_name: "武蔵野市".into(),
        opens_at: chrono::NaiveDateTime::default(),
        deadline: chrono::NaiveDate::default(),
        ends_on: chrono::NaiveDate::default(),
        total_slots: 50,
        model_slots: 10,
        reserved_seminar_slots: 0,
        max_referrals: 2,
        honoraria: crate::domain::campaign::Honoraria {
            general: 26_000,
            model: 31_000,
            referred: 26_000,
        },
        rules: Default::default(),
        contact: Default::default(),
        privacy_notice: None,
        privacy_notice_url: None,
        survey_days: Default::default(),
    }
}

fn values(pairs: &[(&str, &str)]) -> Values {
    let body = serde_urlencoded::to_string(pairs).unwrap();
    Values::parse(body.as_bytes()).unwrap()
}

#[test]
fn a_pair_form_fixes_the_kinds_and_reads_dates_and_regions() {
    let v = values(&[
        ("contact.name", "山田"),
        ("offices.0.municipality_code", "132039"),
        ("offices.1.municipality_code", "other"),
        ("offices.1.using_system_since", "2024-01-10"),
        ("offices.0.using_system_since", "10 January"),
    ]);
    let (input, errors) = read(Tier::GeneralPair, &v, &settings());
    assert_eq!(input.offices.len(), 2);
    assert_eq!(input.offices[0].kind, OfficeKind::CareManagement);
    assert_eq!(input.offices[1].kind, OfficeKind::Service);
    assert_eq!(input.offices[0].municipality_code, "132039");
    assert_eq!(input.offices[1].municipality_code, "");
    assert_eq!(
        input.offices[1].using_system_since,
        "2024-01-10".parse().ok()
    );
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["offices.0.using_system_since"]);
    assert!(input.referrals.is_empty());
}

#[test]
fn a_model_form_counts_a_later_referral_only_when_typed() {
    let blank = values(&[("offices.0.kind", "service")]);
    let (input, errors) = read(Tier::Model, &blank, &settings());
    assert_eq!(input.referrals.len(), 1);
    let kinds: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert!(kinds.contains(&"referrals.0.kind"), "{kinds:?}");
    assert!(!kinds.contains(&"offices.0.kind"), "{kinds:?}");

    let typed = values(&[("referrals.1.name", "二つ目")]);
    assert_eq!(read(Tier::Model, &typed, &settings()).0.referrals.len(), 2);
}

#[test]
fn a_nul_character_is_refused_naming_its_field() {
    let v = values(&[("contact.name", "a\0b")]);
    let (_, errors) = read(Tier::GeneralSingle, &v, &settings());
    assert!(errors.iter().any(|e| e.field == "contact.name"));
}

#[test]
fn errors_go_beside_their_field_on_their_section_or_above_the_form() {
    let errors = vec![
        FieldError::new("offices.0.office_number", "10桁"),
        FieldError::new("offices.1.kind", "組み合わせ"),
        FieldError::new("offices", "全部"),
    ];
    let l = layout(Tier::GeneralPair, &settings(), &Values::default(), &errors);
    let office = &l.sections[1];
    let number = office
        .controls
        .iter()
        .find(|c| c.name == "offices.0.office_number")
        .unwrap();
    assert_eq!(number.error.as_deref(), Some("10桁"));
    assert_eq!(l.sections[2].error.as_deref(), Some("組み合わせ"));
    assert_eq!(l.general.len(), 1);
    let hrefs: Vec<&str> = l.summary.iter().map(|s| s.href.as_str()).collect();
    assert_eq!(
        hrefs,
        ["#s-offices-0", "#f-offices-0-office_number", "#s-offices-1"]
    );
}

#[test]
fn the_form_errors_win_and_the_rules_fill_in_the_rest_in_japanese() {
    let form = vec![FieldError::new("offices.0.kind", "選んでください")];
    let rules = vec![
        FieldError::new(
            "offices[0].kind",
            crate::domain::refusal::Refusal::PairKinds,
        ),
        FieldError::new("contact.email", crate::domain::email::EmailError::Invalid),
    ];
    let merged = merge(form, rules);
    assert_eq!(merged.len(), 2);
    assert_eq!(merged[0].japanese(), "選んでください");
    assert_eq!(merged[1].field, "contact.email");
    assert!(merged[1].japanese().starts_with("メールアドレス"));
}
