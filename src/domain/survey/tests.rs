use super::*;
use chrono::NaiveDate;
use serde_json::json;
use std::collections::BTreeMap;

fn question(key: &str, kind: QuestionType, options: &[&str], required: bool) -> Question {
    Question {
        key: key.into(),
        text: format!("{key}の質問"),
        kind,
        options: options.iter().map(|o| (*o).to_owned()).collect(),
        required,
    }
}

fn survey() -> Definition {
    Definition {
        title: "利用開始時アンケート".into(),
        questions: vec![
            question("q1", QuestionType::Single, &["記録", "連携"], true),
            question(
                "q2",
                QuestionType::Multiple,
                &["費用", "操作", "時間"],
                false,
            ),
            question("q3", QuestionType::Scale, &[], true),
            question("q4", QuestionType::YesNo, &[], false),
            question("q5", QuestionType::Text, &[], false),
        ],
    }
}

fn given(value: serde_json::Value) -> BTreeMap<String, serde_json::Value> {
    serde_json::from_value(value).unwrap()
}

fn fields(errors: FieldErrors) -> Vec<String> {
    errors.into_vec().into_iter().map(|e| e.field).collect()
}

#[test]
fn a_well_formed_definition_passes_and_every_fault_is_named() {
    assert!(survey().check().is_empty());
    let mut bad = survey();
    bad.title = " ".into();
    bad.questions[1].key = "q1".into();
    bad.questions[2].key = "Q 3".into();
    bad.questions[0].options = vec!["記録".into()];
    bad.questions[3].options = vec!["はい".into()];
    bad.questions[4].text = String::new();
    bad.questions[1].options[2] = "費用".into();
    assert_eq!(
        fields(bad.check()),
        [
            "title",
            "questions[0].options",
            "questions[1].key",
            "questions[1].options[2]",
            "questions[2].key",
            "questions[3].options",
            "questions[4].text",
        ]
    );
    let empty = Definition {
        title: "t".into(),
        questions: Vec::new(),
    };
    assert_eq!(fields(empty.check()), ["questions"]);
}

#[test]
fn definitions_are_trimmed_and_read_with_their_json_names() {
    let d: Definition = serde_json::from_value(json!({
        "title": " 終了時 ",
        "questions": [{"key": "q1", "text": " 変化は？ ", "type": "yes_no"}]
    }))
    .unwrap();
    let d = d.trimmed();
    assert_eq!(d.title, "終了時");
    assert_eq!(d.questions[0].text, "変化は？");
    assert_eq!(d.questions[0].kind, QuestionType::YesNo);
    assert!(!d.questions[0].required);
    let unknown =
        serde_json::from_value::<Definition>(json!({"title": "t", "questions": [], "x": 1}));
    assert!(unknown.is_err());
}

#[test]
fn valid_answers_are_kept_in_their_stored_shapes() {
    let answers = check_answers(
        &survey(),
        &given(json!({"q1": "連携", "q2": ["時間", "費用", "時間"], "q3": "４", "q4": "yes", "q5": " 楽になった "})),
    )
    .unwrap();
    assert_eq!(answers["q1"], Answer::Text("連携".into()));
    assert_eq!(
        answers["q2"],
        Answer::Choices(vec!["費用".into(), "時間".into()])
    );
    assert_eq!(answers["q3"], Answer::Scale(4));
    assert_eq!(answers["q4"], Answer::YesNo(true));
    assert_eq!(answers["q5"], Answer::Text("楽になった".into()));
    let stored = serde_json::to_value(&answers).unwrap();
    assert_eq!(stored["q3"], json!(4));
    let back: Answers = serde_json::from_value(stored).unwrap();
    assert_eq!(back, answers);
}

#[test]
fn blank_optional_answers_are_left_out() {
    let answers = check_answers(
        &survey(),
        &given(json!({"q1": "記録", "q2": [], "q3": 1, "q4": null, "q5": "  "})),
    )
    .unwrap();
    assert_eq!(answers.keys().collect::<Vec<_>>(), ["q1", "q3"]);
}

#[test]
fn every_bad_answer_is_named_at_once() {
    let long = "あ".repeat(MAX_TEXT_CHARS + 1);
    let errors = check_answers(
        &survey(),
        &given(json!({"q2": ["費用", "無料"], "q3": 6, "q4": "maybe", "q5": long, "q9": "x"})),
    )
    .unwrap_err();
    assert_eq!(
        fields(errors),
        [
            "answers.q9",
            "answers.q1",
            "answers.q2",
            "answers.q3",
            "answers.q4",
            "answers.q5"
        ]
    );
}

#[test]
fn wrong_shapes_are_refused_not_guessed() {
    for (key, value) in [
        ("q1", json!(["記録"])),
        ("q1", json!("その他")),
        ("q2", json!(3)),
        ("q3", json!(0)),
        ("q3", json!(2.5)),
        ("q3", json!(true)),
        ("q4", json!(1)),
        ("q5", json!(["a"])),
        ("q5", json!("a\u{202e}b")),
    ] {
        let mut body = json!({"q1": "記録", "q3": 3});
        body[key] = value.clone();
        let errors = check_answers(&survey(), &given(body)).unwrap_err();
        assert_eq!(fields(errors), [format!("answers.{key}")], "{value}");
    }
}

#[test]
fn a_text_of_exactly_the_limit_is_kept() {
    let text = "あ".repeat(MAX_TEXT_CHARS);
    let answers = check_answers(
        &survey(),
        &given(json!({"q1": "記録", "q3": 5, "q5": text})),
    )
    .unwrap();
    assert_eq!(answers["q5"], Answer::Text("あ".repeat(MAX_TEXT_CHARS)));
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[test]
fn the_start_survey_opens_on_acceptance_and_both_close_after_the_end() {
    let ends = day(2024, 3, 31);
    let days = SurveyDays::default();
    let start = Window::of(SurveyKind::Start, Some(day(2023, 10, 2)), ends, days);
    assert_eq!(
        start.state(day(2023, 10, 1)),
        WindowState::NotYet(Some(day(2023, 10, 2)))
    );
    assert_eq!(start.state(day(2023, 10, 2)), WindowState::Open);
    assert_eq!(start.state(day(2024, 4, 30)), WindowState::Open);
    assert_eq!(
        start.state(day(2024, 5, 1)),
        WindowState::Closed(day(2024, 4, 30))
    );
    let not_accepted = Window::of(SurveyKind::Start, None, ends, days);
    assert_eq!(
        not_accepted.state(day(2024, 1, 1)),
        WindowState::NotYet(None)
    );
    assert!(!not_accepted.is_open(day(2024, 1, 1)));
}

#[test]
fn the_end_survey_opens_its_days_before_the_end_and_takes_answers_on_the_end() {
    let ends = day(2024, 3, 31);
    let end = Window::of(SurveyKind::End, None, ends, SurveyDays::default());
    assert_eq!(
        end.state(day(2024, 2, 28)),
        WindowState::NotYet(Some(day(2024, 2, 29)))
    );
    assert!(end.is_open(day(2024, 2, 29)));
    assert!(end.is_open(ends));
    let tight = SurveyDays {
        end_survey_opens_days: 0,
        survey_closes_days_after_end: 0,
    };
    let same_day = Window::of(SurveyKind::End, None, ends, tight);
    assert!(same_day.is_open(ends));
    assert!(!same_day.is_open(day(2024, 4, 1)));
    assert!(!same_day.is_open(day(2024, 3, 30)));
}

#[test]
fn survey_days_are_checked_within_a_year() {
    let mut errors = FieldErrors::new();
    SurveyDays::default().check(&mut errors);
    assert!(errors.is_empty());
    SurveyDays {
        end_survey_opens_days: -1,
        survey_closes_days_after_end: 367,
    }
    .check(&mut errors);
    assert_eq!(
        fields(errors),
        ["end_survey_opens_days", "survey_closes_days_after_end"]
    );
}

fn answered(value: serde_json::Value) -> Answers {
    check_answers(&survey(), &given(value)).unwrap()
}

#[test]
fn tabulation_counts_every_answer_in_the_order_offered() {
    let all = [
        answered(json!({"q1": "連携", "q2": ["費用", "時間"], "q3": 4, "q4": true, "q5": "楽"})),
        answered(json!({"q1": "連携", "q2": ["費用"], "q3": 5, "q4": false})),
        answered(json!({"q1": "記録", "q3": 2})),
    ];
    let results = tabulate(&survey(), &all);
    let counts = |i: usize| serde_json::to_value(&results[i].counts).unwrap();
    assert_eq!(counts(0), json!({"記録": 1, "連携": 2}));
    assert_eq!(
        serde_json::to_string(&results[1].counts).unwrap(),
        r#"{"費用":2,"操作":0,"時間":1}"#
    );
    assert_eq!(counts(2), json!({"1": 0, "2": 1, "3": 0, "4": 1, "5": 1}));
    assert_eq!(results[2].mean, Some(3.67));
    assert_eq!(counts(3), json!({"yes": 1, "no": 1}));
    assert_eq!(results[3].mean, None);
    assert_eq!(results[4].texts, ["楽"]);
    assert_eq!(counts(4), json!({}));
    assert_eq!(
        results.iter().map(|r| r.answered).collect::<Vec<_>>(),
        [3, 2, 3, 2, 1]
    );
    let json = serde_json::to_value(&results[0]).unwrap();
    assert!(json.get("mean").is_none());
    assert_eq!(json["type"], "single");
}

#[test]
fn nothing_answered_tabulates_to_zeros_without_a_mean() {
    let results = tabulate(&survey(), &[]);
    assert_eq!(results[2].mean, None);
    assert!(results
        .iter()
        .all(|r| r.counts.0.iter().all(|(_, n)| *n == 0)));
}

#[test]
fn answers_read_as_a_sheet_shows_them() {
    assert_eq!(
        written(&Answer::Choices(vec!["a".into(), "b".into()])),
        "a、b"
    );
    assert_eq!(written(&Answer::YesNo(false)), "いいえ");
    assert_eq!(written(&Answer::Scale(3)), "3");
}

#[test]
fn the_chart_draws_a_bar_per_answer_and_escapes_every_text() {
    let mut s = survey();
    s.questions[0].options = vec!["<記録>".into(), "連携&共有".into()];
    let all = [check_answers(&s, &given(json!({"q1": "<記録>", "q3": 3}))).unwrap()];
    let svg = chart::svg("開始時 <テスト>", 1, &tabulate(&s, &all));
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(svg.contains("&lt;記録&gt;"));
    assert!(svg.contains("連携&amp;共有"));
    assert!(svg.contains("開始時 &lt;テスト&gt;（回答 1件）"));
    assert!(!svg.contains("<記録>"));
    assert!(svg.contains("平均 3.00"));
    assert!(svg.contains("自由記述 0件"));
    // q1 two options, q2 three, q3 five, q4 two: a bar for each.
    assert_eq!(svg.matches("<rect x=").count(), 12);
}

#[test]
fn kinds_have_their_names_and_labels() {
    assert_eq!("start".parse::<SurveyKind>().unwrap(), SurveyKind::Start);
    assert!("middle".parse::<SurveyKind>().is_err());
    assert_eq!(SurveyKind::End.label_ja(), "キャンペーン終了時アンケート");
    assert_eq!(labels(QuestionType::Scale, &[]).len(), 5);
}
