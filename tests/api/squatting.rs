//! Someone applies with a real office's number: the refusal tells the real office nothing of
//! that application, and staff void it so that the office may apply as itself.

use crate::helpers::{fields, single, TestApp};
use crate::on_both_backends;
use serde_json::{json, Value};

fn apply(app: &TestApp, campaign: &str, body: &Value) -> crate::helpers::Response {
    app.post(&format!("/api/v1/campaigns/{campaign}/applications"), body)
}

fn void(app: &TestApp, id: &str, body: &Value) -> crate::helpers::Response {
    app.post(&format!("/api/v1/applications/{id}/void"), body)
}

fn emails_about(app: &TestApp, application: &str) -> Vec<String> {
    let list = app.get(&format!("/api/v1/outbox?application_id={application}"));
    list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["kind"].as_str().unwrap_or_default().to_owned())
        .collect()
}

on_both_backends!(a_voided_squatter_frees_the_office_and_its_slot, |app| {
    let c = app.open_campaign(2, 1);
    let mut squatter = single(1);
    squatter["contact"]["email"] = json!("someone@example.net");
    let squat = apply(app, &c, &squatter);
    assert_eq!(squat.body["status"], "accepted", "{}", squat.body);
    let squat_id = squat.body["id"].as_str().unwrap().to_owned();
    assert_eq!(apply(app, &c, &single(2)).body["status"], "accepted");
    let waiting = apply(app, &c, &single(3));
    assert_eq!(waiting.body["status"], "waitlisted");

    let real = apply(app, &c, &single(1));
    assert_eq!(real.status, 409, "{}", real.body);
    assert!(
        !real.body.to_string().contains("accepted"),
        "the refusal tells nothing of the other application: {}",
        real.body
    );

    let no_reason = void(app, &squat_id, &json!({}));
    assert_eq!(
        (no_reason.status, fields(&no_reason)),
        (422, vec!["reason".to_owned()])
    );
    let voided = void(
        app,
        &squat_id,
        &json!({"reason": "事業所に確認したところ応募していないとのこと"}),
    );
    assert_eq!(voided.status, 200, "{}", voided.body);
    assert_eq!(voided.body["status"], "voided");
    assert_eq!(
        app.get(&format!(
            "/api/v1/applications/{}",
            waiting.body["id"].as_str().unwrap()
        ))
        .body["status"],
        "accepted",
        "the slot the void freed goes to who waited"
    );
    assert_eq!(
        void(app, &squat_id, &json!({"reason": "again"})).status,
        409,
        "nothing leaves a void"
    );
    assert!(
        emails_about(app, &squat_id).contains(&"voided".to_owned()),
        "the contact that applied is told: {:?}",
        emails_about(app, &squat_id)
    );
    let events = app.get(&format!(
        "/api/v1/audit-events?campaign_id={c}&per_page=500"
    ));
    let event = events.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "application.void")
        .cloned()
        .expect("the void is audited");
    assert_eq!(
        (
            event["before"]["status"].as_str(),
            event["after"]["status"].as_str()
        ),
        (Some("accepted"), Some("voided")),
        "{event}"
    );

    let again = apply(app, &c, &single(1));
    assert_eq!(
        again.status, 201,
        "the office applies as itself: {}",
        again.body
    );
    assert_eq!(again.body["status"], "waitlisted", "as a new arrival");
});

on_both_backends!(
    a_squatter_disqualified_before_anyone_knew_can_still_be_voided,
    |app| {
        let c = app.open_campaign(50, 10);
        let id = apply(app, &c, &single(1)).body["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let disqualified = app.post(
            &format!("/api/v1/applications/{id}/disqualify"),
            &json!({"reason": "区域外"}),
        );
        assert_eq!(disqualified.status, 200);
        assert_eq!(apply(app, &c, &single(1)).status, 409, "disqualified holds");
        assert_eq!(
            void(app, &id, &json!({"reason": "第三者による応募"})).body["status"],
            "voided"
        );
        assert_eq!(apply(app, &c, &single(1)).status, 201);
    }
);

on_both_backends!(
    a_voided_application_says_so_to_whoever_holds_its_link,
    |app| {
        let c = app.open_campaign(50, 10);
        let made = apply(app, &c, &single(1));
        let id = made.body["id"].as_str().unwrap();
        assert_eq!(
            void(app, id, &json!({"reason": "第三者による応募"})).status,
            200
        );
        let status_url = made.body["status_url"].as_str().unwrap();
        let public = app.request("GET", status_url, None, None);
        assert_eq!(public.body["status"], "voided", "{}", public.body);
        let page_path = status_url.replace("/api/v1/status/", "/status/");
        let page = app.request("GET", &page_path, None, None);
        let html = page.body.as_str().unwrap_or_default().to_owned();
        assert!(html.contains("無効"), "{html}");
        let withdraw = app.request("POST", &format!("{status_url}/withdraw"), None, None);
        assert_eq!(
            withdraw.status, 409,
            "a void cannot be turned into a withdrawal"
        );
    }
);

on_both_backends!(
    an_office_number_typed_with_another_corporations_number_is_flagged_where_a_register_is_loaded,
    |app| {
        let c = app.open_campaign(50, 10);
        let real = crate::helpers::office(1, "care_management");
        let honest = crate::helpers::office(2, "care_management");
        let register = format!(
            "事業所番号,事業所名,サービスの種類,市区町村コード,法人番号,法人の名称,住所\n\
             {},{},居宅介護支援,132039,{},{},東京都武蔵野市緑町2-2-28\n\
             {},{},居宅介護支援,132039,{},{},東京都武蔵野市緑町2-2-28\n",
            real["office_number"].as_str().unwrap(),
            real["name"].as_str().unwrap(),
            real["corporate_number"].as_str().unwrap(),
            real["corporation_name"].as_str().unwrap(),
            honest["office_number"].as_str().unwrap(),
            honest["name"].as_str().unwrap(),
            honest["corporate_number"].as_str().unwrap(),
            honest["corporation_name"].as_str().unwrap(),
        );
        crate::outcome::import_register(app, "2024-04-01", register.into_bytes());

        let mut squatter = single(1);
        squatter["offices"][0]["corporate_number"] =
            crate::helpers::office(9, "care_management")["corporate_number"].clone();
        let flagged = apply(app, &c, &squatter);
        assert_eq!(flagged.status, 201, "taken, not refused: {}", flagged.body);
        let seen = app.get(&format!(
            "/api/v1/applications/{}",
            flagged.body["id"].as_str().unwrap()
        ));
        assert_eq!(seen.body["needs_review"], true, "{}", seen.body);
        assert!(
            seen.body["warnings"]
                .as_array()
                .unwrap()
                .iter()
                .any(|w| w["field"] == "offices[0].corporate_number"),
            "{}",
            seen.body
        );

        let matching = apply(app, &c, &single(2));
        let seen = app.get(&format!(
            "/api/v1/applications/{}",
            matching.body["id"].as_str().unwrap()
        ));
        assert_eq!(seen.body["needs_review"], false, "{}", seen.body);
    }
);
