//! The start and end surveys over HTTP: definitions and their freezing, the window, answers
//! by JSON and by page, the checkpoint they set, refusals, replacement, results with CSV,
//! workbook and chart, and the emails that link them.

use crate::helpers::{fields, pair, single, TestApp};
use crate::on_both_backends;
use crate::pages::Browser;
use crate::year_end::number;
use serde_json::{json, Value};

fn applied(app: &TestApp, c: &str, body: &Value) -> (String, Value) {
    let r = app.request(
        "POST",
        &format!("/api/v1/campaigns/{c}/applications"),
        None,
        Some(body),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let secret = r.body["status_url"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    (secret, r.body)
}

fn answer(
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

fn good_start() -> Value {
    json!({"q1": "両方", "q2": ["費用", "事務負担が増えること"], "q3": 2, "q5": "=SUM(A1)のような式も文字として"})
}

fn checkpoint(app: &TestApp, c: &str, office: &str, name: &str) -> bool {
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

fn results(app: &TestApp, c: &str, kind: &str) -> Value {
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

        let again = answer(
            app,
            &secret,
            "start",
            &first,
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

        let stranger = answer(
            app,
            &secret,
            "start",
            &number(7, "care_management"),
            good_start(),
        );
        assert_eq!(stranger.status, 404, "{}", stranger.body);
        let nobody = answer(app, "NoSuchSecret123", "start", &office, good_start());
        assert_eq!(nobody.status, 404);
        assert_eq!(
            answer(app, &secret, "middle", &office, good_start()).status,
            404
        );
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

on_both_backends!(
    survey_results_count_every_answer_with_csv_xlsx_and_a_chart,
    |app| {
        let c = app.open_campaign(10, 2);
        let (secret, _) = applied(app, &c, &pair(1, 2));
        let (other, _) = applied(app, &c, &single(3));
        let r = answer(
            app,
            &secret,
            "start",
            &number(1, "care_management"),
            good_start(),
        );
        assert_eq!(r.status, 201, "{}", r.body);
        let r = answer(
            app,
            &secret,
            "start",
            &number(2, "service"),
            json!({"q1": "両方", "q2": ["費用"], "q3": 5, "q4": true}),
        );
        assert_eq!(r.status, 201, "{}", r.body);
        let r = answer(
            app,
            &other,
            "start",
            &number(3, "care_management"),
            json!({"q1": "まだ決めていない", "q3": 3, "q4": false}),
        );
        assert_eq!(r.status, 201, "{}", r.body);

        let auditor = app.token("auditor");
        let path = format!("/api/v1/campaigns/{c}/surveys/start/results");
        let tally = app.request("GET", &path, Some(&auditor), None);
        assert_eq!(tally.status, 200, "{}", tally.body);
        let t = &tally.body;
        assert_eq!(t["responses"], 3);
        assert_eq!(t["offices_expected"], 3);
        assert_eq!(t["questions"][0]["counts"]["両方"], 2);
        assert_eq!(t["questions"][0]["counts"]["まだ決めていない"], 1);
        assert_eq!(t["questions"][1]["counts"]["費用"], 2);
        assert_eq!(t["questions"][1]["counts"]["特になし"], 0);
        assert_eq!(t["questions"][2]["mean"], 3.33);
        assert_eq!(t["questions"][3]["counts"], json!({"yes": 1, "no": 1}));
        assert_eq!(
            t["questions"][4]["texts"],
            json!(["=SUM(A1)のような式も文字として"])
        );
        assert!(t["questions"][0].get("mean").is_none());
        assert_eq!(app.request("GET", &path, None, None).status, 401);

        let url = format!("{}{path}?format=csv", app.base);
        let resp = ureq::get(&url)
            .set("Authorization", &format!("Bearer {auditor}"))
            .call()
            .unwrap();
        assert!(resp.content_type().starts_with("text/csv"));
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut resp.into_reader(), &mut bytes).unwrap();
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert_eq!(lines.len(), 5, "{text}");
        assert!(lines[0].starts_with("事業所番号,事業所名,回答日時,q1 "));
        assert!(lines[1].starts_with(&number(1, "care_management")));
        assert!(
            lines[1].contains(",両方,費用、事務負担が増えること,2,,'=SUM(A1)"),
            "{}",
            lines[1]
        );
        // By office number: the care-management offices (131…) before the service office (137…).
        assert!(lines[2].contains(",いいえ,"), "{}", lines[2]);
        assert!(lines[3].contains(",はい,"), "{}", lines[3]);

        let xlsx = ureq::get(&format!("{}{path}?format=xlsx", app.base))
            .set("Authorization", &format!("Bearer {auditor}"))
            .call()
            .unwrap();
        let mut book = Vec::new();
        std::io::Read::read_to_end(&mut xlsx.into_reader(), &mut book).unwrap();
        assert!(book.starts_with(b"PK"));
        let pdf = app.request("GET", &format!("{path}?format=pdf"), Some(&auditor), None);
        assert_eq!(pdf.status, 422);
        assert_eq!(fields(&pdf), ["format"]);

        let svg = app.request("GET", &format!("{path}.svg"), Some(&auditor), None);
        assert_eq!(svg.status, 200);
        assert!(svg.content_type.starts_with("image/svg+xml"));
        let svg = svg.body.as_str().unwrap();
        assert!(svg.contains("（回答 3件）"));
        assert!(svg.contains("<title>両方: 2</title>"));
        assert_eq!(
            app.request(
                "GET",
                &format!("/api/v1/campaigns/{c}/surveys/end/results"),
                Some(&auditor),
                None
            )
            .body["responses"],
            0
        );
    }
);

fn eml_bodies(app: &TestApp) -> Vec<(String, String)> {
    app.drain_outbox();
    let mut out = Vec::new();
    for f in std::fs::read_dir(&app.settings.outbox_dir)
        .unwrap()
        .flatten()
    {
        let text = std::fs::read_to_string(f.path()).unwrap();
        let parsed = mail_parser::MessageParser::default()
            .parse(text.as_bytes())
            .unwrap();
        let to = parsed
            .to()
            .and_then(|a| a.first())
            .and_then(|a| a.address())
            .unwrap_or_default()
            .to_owned();
        out.push((to, parsed.body_text(0).unwrap_or_default().into_owned()));
        std::fs::remove_file(f.path()).unwrap();
    }
    out
}

on_both_backends!(
    survey_links_go_out_with_acceptance_and_reminders_until_answered,
    |app| {
        let c = app.open_campaign(10, 2);
        let (secret, _) = applied(app, &c, &pair(1, 2));
        let first = number(1, "care_management");
        let second = number(2, "service");
        let mails = eml_bodies(app);
        assert_eq!(mails.len(), 1);
        let base = &app.settings.public_base_url;
        for office in [&first, &second] {
            let link = format!("{base}/status/{secret}/surveys/start?office={office}");
            assert!(mails[0].1.contains(&link), "{}", mails[0].1);
        }

        let r = answer(app, &secret, "start", &first, good_start());
        assert_eq!(r.status, 201, "{}", r.body);
        let reminded = app.post(&format!("/api/v1/campaigns/{c}/reminders"), &json!({}));
        assert_eq!(reminded.status, 200, "{}", reminded.body);
        let mails = eml_bodies(app);
        let to = |office: u32| {
            mails
                .iter()
                .find(|(to, _)| *to == format!("office{office}@example.jp"))
                .map(|(_, body)| body.clone())
                .unwrap_or_else(|| panic!("office {office} reminded: {mails:?}"))
        };
        assert!(
            to(2).contains(&format!("/surveys/start?office={second}")),
            "{}",
            to(2)
        );
        assert!(!to(1).contains("/surveys/"), "{}", to(1));
        assert!(
            !to(1).contains("利用開始時アンケートへのご回答"),
            "{}",
            to(1)
        );
    }
);
