//! The start and end surveys over HTTP: definitions and their freezing, the window, answers
//! by JSON and by page, the checkpoint they set, refusals and replacement. Results and emails
//! are in `survey_results`.

use crate::helpers::{fields, pair, single, status_secret, TestApp};
use crate::on_both_backends;
use crate::pages::Browser;
use crate::year_end::number;
use serde_json::{json, Value};

pub(crate) fn applied(app: &TestApp, c: &str, body: &Value) -> (String, Value) {
    let r = app.request(
        "POST",
        &format!("/api/v1/campaigns/{c}/applications"),
        None,
        Some(body),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    (status_secret(&r.body), r.body)
}

pub(crate) fn answer(
    app: &TestApp,
    secret: &str,
    kind: &str,
    office: &str,
    answers: Value,
) -> crate::helpers::Response {
    app.request(
        "POST",
        &format!("/api/v1/status/{secret}/surveys/{kind}"),
        None,
        Some(&json!({"office_number": office, "answers": answers})),
    )
}

pub(crate) fn good_start() -> Value {
    json!({"q1": "両方", "q2": ["費用", "事務負担が増えること"], "q3": 2, "q5": "=SUM(A1)のような式も文字として"})
}

pub(crate) fn checkpoint(app: &TestApp, c: &str, office: &str, name: &str) -> bool {
    let r = app.get(&format!("/api/v1/campaigns/{c}/participants?per_page=100"));
    assert_eq!(r.status, 200, "{}", r.body);
    let item = r.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["office_number"] == office)
        .unwrap_or_else(|| panic!("{office} in {}", r.body));
    item["checkpoints"][name].as_bool().unwrap()
}

pub(crate) fn results(app: &TestApp, c: &str, kind: &str) -> Value {
    let r = app.get(&format!("/api/v1/campaigns/{c}/surveys/{kind}/results"));
    assert_eq!(r.status, 200, "{}", r.body);
    r.body
}

on_both_backends!(
    surveys_are_defined_by_staff_read_by_anyone_and_frozen_once_answered,
    |app| {
        let c = app.open_campaign(10, 2);
        let path = format!("/api/v1/campaigns/{c}/surveys/start");
        let shipped = app.request("GET", &path, None, None);
        assert_eq!(shipped.status, 200, "{}", shipped.body);
        assert!(shipped.body["title"]
            .as_str()
            .unwrap()
            .contains("利用開始時"));
        assert_eq!(shipped.body["questions"].as_array().unwrap().len(), 5);
        assert_eq!(shipped.body["frozen"], false);

        let mut definition = json!({"title": "開始時の調査", "questions": [
            {"key": "q1", "text": "使い道は？", "type": "single", "options": ["記録", "連携"], "required": true},
            {"key": "q2", "text": "難しさ", "type": "scale"}
        ]});
        let secretariat = app.token("secretariat");
        let put = app.request("PUT", &path, Some(&secretariat), Some(&definition));
        assert_eq!(put.status, 200, "{}", put.body);
        assert_eq!(put.body["questions"][1]["required"], false);
        let auditor = app.token("auditor");
        assert_eq!(
            app.request("PUT", &path, Some(&auditor), Some(&definition))
                .status,
            403
        );
        assert_eq!(
            app.request("PUT", &path, None, Some(&definition)).status,
            401
        );

        let bad = json!({"title": "", "questions": [
            {"key": "Q 1", "text": "x", "type": "single", "options": ["only"]},
            {"key": "q2", "text": "y", "type": "yes_no", "options": ["はい"]}
        ]});
        let refused = app.request("PUT", &path, Some(&secretariat), Some(&bad));
        assert_eq!(refused.status, 422, "{}", refused.body);
        assert_eq!(
            fields(&refused),
            [
                "title",
                "questions[0].key",
                "questions[0].options",
                "questions[1].options"
            ]
        );
        let unknown_type =
            json!({"title": "t", "questions": [{"key": "q1", "text": "x", "type": "rank"}]});
        let r = app.request("PUT", &path, Some(&secretariat), Some(&unknown_type));
        assert_eq!(r.status, 400, "{}", r.body);
        assert_eq!(fields(&r), ["questions[0].type"]);
        let elsewhere = "/api/v1/campaigns/00000000-0000-0000-0000-000000000000/surveys/start";
        assert_eq!(
            app.request("PUT", elsewhere, Some(&secretariat), Some(&definition))
                .status,
            404
        );
        let middle = format!("/api/v1/campaigns/{c}/surveys/middle");
        assert_eq!(app.request("GET", &middle, None, None).status, 404);

        let (secret, _) = applied(app, &c, &single(1));
        let office = number(1, "care_management");
        let r = answer(
            app,
            &secret,
            "start",
            &office,
            json!({"q1": "連携", "q2": 3}),
        );
        assert_eq!(r.status, 201, "{}", r.body);
        assert_eq!(app.request("GET", &path, None, None).body["frozen"], true);

        definition["questions"][0]["options"] = json!(["記録", "連携", "その他"]);
        let frozen = app.request("PUT", &path, Some(&secretariat), Some(&definition));
        assert_eq!(frozen.status, 409, "{}", frozen.body);
        definition["questions"][0]["options"] = json!(["記録", "連携"]);
        definition["title"] = json!("開始時の調査（第2版）");
        let retitled = app.request("PUT", &path, Some(&secretariat), Some(&definition));
        assert_eq!(retitled.status, 200, "{}", retitled.body);
        assert_eq!(retitled.body["title"], "開始時の調査（第2版）");
    }
);

on_both_backends!(
    a_survey_answer_by_json_sets_the_checkpoint_and_can_be_replaced,
    |app| {
        let c = app.open_campaign(10, 2);
        let (secret, _) = applied(app, &c, &pair(1, 2));
        let first = number(1, "care_management");
        let second = number(2, "service");
        assert!(!checkpoint(app, &c, &first, "start_survey_answered"));

        let r = answer(app, &secret, "start", &first, good_start());
        assert_eq!(r.status, 201, "{}", r.body);
        assert_eq!(r.body["replaced"], false);
        assert_eq!(r.body["answers"]["q3"], 2);
        assert!(checkpoint(app, &c, &first, "start_survey_answered"));
        assert!(!checkpoint(app, &c, &second, "start_survey_answered"));

        // The office number as a Japanese input method types it.
        let typed: String = first
            .chars()
            .map(|d| char::from_u32(d as u32 + 0xFEE0).unwrap())
            .collect();
        let again = answer(
            app,
            &secret,
            "start",
            &typed,
            json!({"q1": "まだ決めていない", "q3": "５"}),
        );
        assert_eq!(again.status, 201, "{}", again.body);
        assert_eq!(again.body["replaced"], true);
        assert_eq!(
            again.body["answers"],
            json!({"q1": "まだ決めていない", "q3": 5})
        );
        let tally = results(app, &c, "start");
        assert_eq!(tally["responses"], 1);
        assert_eq!(tally["offices_expected"], 2);
        assert_eq!(tally["questions"][0]["counts"]["まだ決めていない"], 1);
        assert_eq!(tally["questions"][0]["counts"]["両方"], 0);

        let events = app.get(&format!(
            "/api/v1/audit-events?campaign_id={c}&per_page=500"
        ));
        let items = events.body["items"].as_array().unwrap();
        let by_applicant: Vec<&str> = items
            .iter()
            .filter(|e| e["actor"] == "applicant")
            .map(|e| e["action"].as_str().unwrap())
            .filter(|a| *a != "application.submit")
            .collect();
        assert_eq!(
            by_applicant,
            ["survey.answer", "participant.checkpoints", "survey.answer"],
            "the checkpoint is set once, by the first answer"
        );
    }
);

on_both_backends!(
    bad_survey_answers_are_refused_naming_the_question_and_nothing_is_written,
    |app| {
        let c = app.open_campaign(10, 2);
        let (secret, _) = applied(app, &c, &single(1));
        let office = number(1, "care_management");
        let r = answer(
            app,
            &secret,
            "start",
            &office,
            json!({"q2": ["費用", "宇宙旅行"], "q3": 6, "q4": "maybe", "q5": "あ".repeat(2001), "q9": "x"}),
        );
        assert_eq!(r.status, 422, "{}", r.body);
        assert_eq!(
            fields(&r),
            [
                "answers.q9",
                "answers.q1",
                "answers.q2",
                "answers.q3",
                "answers.q4",
                "answers.q5"
            ]
        );
        assert_eq!(results(app, &c, "start")["responses"], 0);
        assert!(!checkpoint(app, &c, &office, "start_survey_answered"));

        // An office not in the application, an unknown link, a kind that is no survey.
        let stranger = number(7, "care_management");
        for (link, number, kind) in [
            (secret.as_str(), &stranger, "start"),
            ("NoSuchSecret123", &office, "start"),
            (secret.as_str(), &office, "middle"),
        ] {
            let r = answer(app, link, kind, number, good_start());
            assert_eq!(r.status, 404, "{link} {number} {kind}: {}", r.body);
        }
        let malformed = app.request(
            "POST",
            &format!("/api/v1/status/{secret}/surveys/start"),
            None,
            Some(&json!({"office_number": office, "answers": [1]})),
        );
        assert_eq!(malformed.status, 400, "{}", malformed.body);

        let mut body = crate::helpers::open_campaign_body();
        body.as_object_mut().unwrap().remove("surveys");
        let plain = app.post("/api/v1/campaigns", &body);
        assert_eq!(plain.status, 201, "{}", plain.body);
        let plain = plain.body["id"].as_str().unwrap().to_owned();
        let (other, _) = applied(app, &plain, &single(3));
        let undefined = answer(
            app,
            &other,
            "start",
            &number(3, "care_management"),
            good_start(),
        );
        assert_eq!(undefined.status, 404, "{}", undefined.body);
        assert!(undefined.body["detail"]
            .as_str()
            .unwrap()
            .contains("survey"));
    }
);

on_both_backends!(surveys_take_answers_only_within_their_window, |app| {
    let c = app.open_campaign(1, 1);
    let (secret, _) = applied(app, &c, &single(1));
    let (waiting, body) = applied(app, &c, &single(2));
    assert_eq!(body["status"], "waitlisted");
    let office = number(1, "care_management");
    let end = json!({"q1": "1〜2事業所", "q2": ["郵送・FAXが減った"], "q3": 2, "q4": true});

    let not_accepted = answer(
        app,
        &waiting,
        "start",
        &number(2, "care_management"),
        good_start(),
    );
    assert_eq!(not_accepted.status, 409, "{}", not_accepted.body);
    let mut browser = Browser::new(app);
    let page = browser.get(&format!(
        "/status/{waiting}/surveys/start?office={}",
        number(2, "care_management")
    ));
    assert_eq!(page.status, 409);
    assert!(
        page.text.contains("参加が決まると回答できる"),
        "{}",
        page.text
    );

    let early = answer(app, &secret, "end", &office, end.clone());
    assert_eq!(early.status, 409, "{}", early.body);
    assert!(early.body["detail"].as_str().unwrap().contains("opens on"));
    let page = browser.get(&format!("/status/{secret}/surveys/end?office={office}"));
    assert_eq!(page.status, 409);
    assert!(page.text.contains("から回答できます"), "{}", page.text);
    let status = browser.get(&format!("/status/{secret}"));
    assert!(
        status.text.contains("キャンペーン終了時アンケート（令和"),
        "{}",
        status.text
    );

    let opened = app.request(
        "PATCH",
        &format!("/api/v1/campaigns/{c}"),
        Some(&app.admin_token),
        Some(&json!({"end_survey_opens_days": 200})),
    );
    assert_eq!(opened.status, 200, "{}", opened.body);
    assert_eq!(opened.body["end_survey_opens_days"], 200);
    assert_eq!(opened.body["survey_closes_days_after_end"], 30);
    let r = answer(app, &secret, "end", &office, end.clone());
    assert_eq!(r.status, 201, "{}", r.body);
    assert!(checkpoint(app, &c, &office, "end_survey_answered"));

    let out_of_range = app.request(
        "PATCH",
        &format!("/api/v1/campaigns/{c}"),
        Some(&app.admin_token),
        Some(&json!({"survey_closes_days_after_end": 400})),
    );
    assert_eq!(out_of_range.status, 422, "{}", out_of_range.body);
    assert_eq!(fields(&out_of_range), ["survey_closes_days_after_end"]);

    // The earliest end a campaign opened yesterday can have, closing its surveys that day.
    let yesterday =
        (chrono::Utc::now() + chrono::Duration::hours(9)).date_naive() - chrono::Duration::days(1);
    let ended = app.request(
        "PATCH",
        &format!("/api/v1/campaigns/{c}"),
        Some(&app.admin_token),
        Some(&json!({
            "deadline": yesterday.to_string(),
            "ends_on": yesterday.to_string(),
            "survey_closes_days_after_end": 0,
            "reason": "テストのため終了済みにする",
        })),
    );
    assert_eq!(ended.status, 200, "{}", ended.body);
    let closed = answer(app, &secret, "end", &office, end);
    assert_eq!(closed.status, 409, "{}", closed.body);
    let page = browser.get(&format!("/status/{secret}/surveys/start?office={office}"));
    assert_eq!(page.status, 409);
    assert!(page.text.contains("回答期限"), "{}", page.text);
});

on_both_backends!(
    the_survey_page_keeps_what_was_typed_and_returns_to_the_status_page,
    |app| {
        let c = app.open_campaign(10, 2);
        let (secret, _) = applied(app, &c, &single(1));
        let office = number(1, "care_management");
        let mut browser = Browser::new(app);
        let status = browser.get(&format!("/status/{secret}"));
        assert!(status.text.contains("未回答"), "{}", status.text);
        let path = format!("/status/{secret}/surveys/start?office={office}");
        assert!(status.text.contains(&path.replace('&', "&amp;")));

        let form = browser.get(&path);
        assert_eq!(form.status, 200, "{}", form.text);
        assert!(form.text.contains("name=\"answers.q2\""));
        assert!(form.text.contains("type=\"checkbox\""));
        let token = form.input("csrf_token");
        let typed = |extra: &[(&str, &str)]| -> Vec<(String, String)> {
            let mut pairs = vec![("csrf_token".to_owned(), token.clone())];
            pairs.extend(
                extra
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
            );
            pairs
        };

        let forged = browser.post(&path, &typed(&[("answers.q1", "両方")])[1..]);
        assert_eq!(forged.status, 403);

        let refused = browser.post(
            &path,
            &typed(&[
                ("answers.q2", "費用"),
                ("answers.q2", "特になし"),
                ("answers.q3", "9"),
                ("answers.q5", "設定に<半日>かかりました"),
            ]),
        );
        assert_eq!(refused.status, 422, "{}", refused.text);
        assert!(
            refused.text.contains("入力内容を確認してください（2件）"),
            "{}",
            refused.text
        );
        assert!(refused.text.contains("id=\"q-q1-error\""));
        assert!(refused.text.contains("id=\"q-q3-error\""));
        assert!(
            refused.text.contains("半日&#62;かかりました</textarea>"),
            "{}",
            refused.text
        );
        assert!(!refused.text.contains("<半日>"));
        assert!(refused.text.contains("value=\"費用\" checked"));
        assert!(refused.text.contains("value=\"特になし\" checked"));
        assert!(!refused.text.contains("value=\"両方\" checked"));
        assert_eq!(results(app, &c, "start")["responses"], 0);

        let kept = browser.post(
            &path,
            &typed(&[
                ("answers.q1", "両方"),
                ("answers.q2", "費用"),
                ("answers.q3", "３"),
                ("answers.q4", "no"),
                ("answers.q5", "設定に半日かかりました"),
            ]),
        );
        assert_eq!(kept.status, 303, "{}", kept.text);
        assert_eq!(
            kept.location.as_deref(),
            Some(format!("/status/{secret}").as_str())
        );
        assert!(checkpoint(app, &c, &office, "start_survey_answered"));
        let status = browser.get(&format!("/status/{secret}"));
        assert!(status.text.contains("回答済"), "{}", status.text);
        let again = browser.get(&path);
        assert!(again.text.contains("回答済みです"));
        assert!(again.text.contains("value=\"no\" checked"));
        assert!(again.text.contains("設定に半日かかりました</textarea>"));
    }
);
