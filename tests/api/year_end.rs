//! The year end over HTTP: checkpoints, usage lists, the check and reminders. The money's
//! whole life, from the check to corrected batches and the bank file, is `money_lifecycle.rs`.

use crate::helpers::{fields, model, office, pair, single, TestApp};
use crate::on_both_backends;
use serde_json::{json, Value};

pub(crate) fn number(n: u32, kind: &str) -> String {
    office(n, kind)["office_number"]
        .as_str()
        .unwrap()
        .to_owned()
}

pub(crate) fn today() -> String {
    (chrono::Utc::now() + chrono::Duration::hours(9))
        .date_naive()
        .to_string()
}

pub(crate) fn apply(app: &TestApp, campaign: &str, body: &Value) {
    let r = app.request(
        "POST",
        &format!("/api/v1/campaigns/{campaign}/applications"),
        None,
        Some(body),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.body["status"], "accepted", "{}", r.body);
}

pub(crate) fn csv(
    app: &TestApp,
    token: &str,
    path: &str,
    body: Vec<u8>,
) -> crate::helpers::Response {
    // The helper sends text; Shift_JIS bytes go through the raw agent.
    let url = format!("{}{path}", app.base);
    match ureq::post(&url)
        .set("Authorization", &format!("Bearer {token}"))
        .set("Content-Type", "text/csv")
        .send_bytes(&body)
    {
        Ok(r) | Err(ureq::Error::Status(_, r)) => {
            let status = r.status();
            let content_type = r.header("Content-Type").unwrap_or("").to_owned();
            let text = r.into_string().unwrap();
            crate::helpers::Response {
                status,
                body: serde_json::from_str(&text).unwrap_or(Value::String(text)),
                content_type,
                retry_after: None,
            }
        }
        Err(e) => panic!("{path}: {e}"),
    }
}

pub(crate) fn amounts(check: &Value) -> Vec<(String, bool, i64, Vec<String>)> {
    check["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["office_number"].as_str().unwrap().to_owned(),
                r["eligible"].as_bool().unwrap(),
                r["amount"].as_i64().unwrap(),
                r["reasons"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|x| x.as_str().unwrap().to_owned())
                    .collect(),
            )
        })
        .collect()
}

pub(crate) fn outbox_kinds(app: &TestApp, kind: &str) -> usize {
    let r = app.get("/api/v1/outbox?per_page=500");
    r.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["kind"] == kind)
        .count()
}

/// A campaign with a model office and its referral (1, 2), a single (3) and a pair (4, 5),
/// all accepted.
pub(crate) fn campaign_of_five(app: &TestApp) -> String {
    let c = app.open_campaign(10, 2);
    apply(app, &c, &model(1, 2));
    apply(app, &c, &single(3));
    apply(app, &c, &pair(4, 5));
    c
}

on_both_backends!(
    checkpoints_change_one_by_one_or_by_sheet_and_are_audited,
    |app| {
        let c = campaign_of_five(app);
        let model_office = number(1, "care_management");
        let r = app.request(
            "PATCH",
            &format!("/api/v1/campaigns/{c}/participants/{model_office}/checkpoints"),
            Some(&app.admin_token),
            Some(
                &json!({"usage_started_on": today(), "workflow_change_confirmed": true,
                     "continued_use_attested": {"reason": "利用画面で確認"}}),
            ),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.body["checkpoints"]["workflow_change_confirmed"], true);
        // A checkpoint the role does not have, an office that is not taking part, an empty patch.
        let single_office = number(3, "care_management");
        let wrong = app.request(
            "PATCH",
            &format!("/api/v1/campaigns/{c}/participants/{single_office}/checkpoints"),
            Some(&app.admin_token),
            Some(&json!({"linkage_confirmed": true})),
        );
        assert_eq!(
            (wrong.status, fields(&wrong)),
            (422, vec!["linkage_confirmed".to_owned()])
        );
        let absent = app.request(
            "PATCH",
            &format!("/api/v1/campaigns/{c}/participants/1370000013/checkpoints"),
            Some(&app.admin_token),
            Some(&json!({"start_survey_answered": true})),
        );
        assert_eq!(absent.status, 404);
        let auditor = app.token("auditor");
        let forbidden = app.request(
            "PATCH",
            &format!("/api/v1/campaigns/{c}/participants/{single_office}/checkpoints"),
            Some(&auditor),
            Some(&json!({"start_survey_answered": true})),
        );
        assert_eq!(forbidden.status, 403);

        let sheet = format!(
            "office_number,start_survey_answered,end_survey_answered,linkage_confirmed\n\
         {},済,true,\n\
         {},true,,true\n\
         1370000013,true,,\n\
         {},maybe,,\n",
            single_office,
            number(3, "care_management"),
            number(4, "care_management"),
        );
        let r = csv(
            app,
            &app.admin_token,
            &format!("/api/v1/campaigns/{c}/checkpoints"),
            sheet.into_bytes(),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.body["rows"], 1, "{}", r.body);
        let lines: Vec<i64> = r.body["invalid_rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["line"].as_i64().unwrap())
            .collect();
        assert_eq!(lines, [3, 4, 5], "{}", r.body);

        let participants = app.get(&format!("/api/v1/campaigns/{c}/participants"));
        let single_row = participants.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["office_number"] == single_office.as_str())
            .unwrap()
            .clone();
        assert_eq!(single_row["checkpoints"]["start_survey_answered"], true);
        assert_eq!(single_row["checkpoints"]["end_survey_answered"], true);
        let audit = app.get(&format!(
            "/api/v1/audit-events?campaign_id={c}&per_page=500"
        ));
        let changes: Vec<&Value> = audit.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"] == "participant.checkpoints")
            .collect();
        assert_eq!(changes.len(), 2);
        assert_eq!(
            changes[1]["before"]["checkpoints"]["start_survey_answered"],
            false
        );
        assert_eq!(
            changes[1]["after"]["checkpoints"]["start_survey_answered"],
            true
        );
    }
);

on_both_backends!(
    a_usage_list_is_read_as_exported_and_bad_rows_reported,
    |app| {
        let c = campaign_of_five(app);
        let text = format!(
        "事業所名,事業所番号,住所\r\n\"むさしの, 居宅\",{},武蔵野市\r\n\r\n緑町,{},\r\n壊れた行,13-XYZ,\r\n",
        number(1, "care_management")
            .chars()
            .map(|d| char::from_u32(d as u32 + 0xFEE0).unwrap())
            .collect::<String>(),
        {
            let n = number(2, "service");
            format!("{}-{}", &n[..4], &n[4..])
        },
    );
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(&text);
        let r = csv(
            app,
            &app.admin_token,
            &format!("/api/v1/campaigns/{c}/usage-lists?as_of={}", today()),
            sjis.into_owned(),
        );
        assert_eq!(r.status, 201, "{}", r.body);
        assert_eq!(r.body["rows"], 2);
        assert_eq!(r.body["encoding"], "shift_jis");
        assert_eq!(r.body["invalid_rows"][0]["line"], 5, "{}", r.body);
        let missing = csv(
            app,
            &app.admin_token,
            &format!("/api/v1/campaigns/{c}/usage-lists"),
            b"office_number\n".to_vec(),
        );
        assert_eq!(
            (missing.status, fields(&missing)),
            (422, vec!["as_of".to_owned()])
        );
        let no_column = csv(
            app,
            &app.admin_token,
            &format!("/api/v1/campaigns/{c}/usage-lists?as_of={}", today()),
            b"name\nx\n".to_vec(),
        );
        assert_eq!(
            (no_column.status, fields(&no_column)),
            (422, vec!["body".to_owned()])
        );
    }
);

on_both_backends!(a_check_needs_a_usage_list_as_of_its_day, |app| {
    let c = campaign_of_five(app);
    let r = app.post(
        &format!("/api/v1/campaigns/{c}/year-end-checks"),
        &json!({"as_of": today()}),
    );
    assert_eq!(r.status, 409, "{}", r.body);
});

/// Everything each office needs, for offices 1 to 5 of `campaign_of_five`, but office 5's
/// end survey.
pub(crate) fn fill_checkpoints(app: &TestApp, c: &str) {
    let day = today();
    let sheet = format!(
        "office_number,usage_started_on,start_survey_answered,end_survey_answered,workflow_change_confirmed,linkage_confirmed\n\
         {},{day},true,true,true,\n\
         {},{day},true,true,,true\n\
         {},{day},true,true,,\n\
         {},{day},true,true,,\n\
         {},{day},true,false,,\n",
        number(1, "care_management"),
        number(2, "service"),
        number(3, "care_management"),
        number(4, "care_management"),
        number(5, "service"),
    );
    let r = csv(
        app,
        &app.admin_token,
        &format!("/api/v1/campaigns/{c}/checkpoints"),
        sheet.into_bytes(),
    );
    assert_eq!(r.body["rows"], 5, "{}", r.body);
}

/// Brings the campaign's end to today, so that a check as of today is the real year-end
/// check rather than a dry run. Applications are still taken today (the deadline is today).
pub(crate) fn end_campaign(app: &TestApp, c: &str) {
    let r = app.request(
        "PATCH",
        &format!("/api/v1/campaigns/{c}"),
        Some(&app.admin_token),
        Some(&json!({"deadline": today(), "ends_on": today(), "reason": "年度末の確認のため"})),
    );
    assert_eq!(r.status, 200, "{}", r.body);
}

/// The usage list as of today, after the campaign has ended (see [`end_campaign`]).
pub(crate) fn import_list(app: &TestApp, c: &str, offices: &[String]) {
    end_campaign(app, c);
    import_list_as_of(app, c, offices, &today());
}

/// A usage list as of `as_of`, the campaign's end left where it is.
pub(crate) fn import_list_as_of(app: &TestApp, c: &str, offices: &[String], as_of: &str) {
    let mut text = String::from("office_number\n");
    for o in offices {
        text.push_str(o);
        text.push('\n');
    }
    let r = csv(
        app,
        &app.admin_token,
        &format!("/api/v1/campaigns/{c}/usage-lists?as_of={as_of}"),
        text.into_bytes(),
    );
    assert_eq!(r.status, 201, "{}", r.body);
}

pub(crate) fn run_check(app: &TestApp, c: &str) -> Value {
    let r = app.post(
        &format!("/api/v1/campaigns/{c}/year-end-checks"),
        &json!({"as_of": today()}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    r.body
}

on_both_backends!(reminders_chase_open_checkpoints_once_a_day, |app| {
    let c = app.open_campaign(10, 2);
    apply(app, &c, &single(1));
    apply(app, &c, &single(2));
    apply(app, &c, &single(3));
    let day = today();
    let sheet = format!(
        "office_number,usage_started_on,start_survey_answered\n{},{day},true\n{},,true\n",
        number(1, "care_management"),
        number(2, "care_management"),
    );
    csv(
        app,
        &app.admin_token,
        &format!("/api/v1/campaigns/{c}/checkpoints"),
        sheet.into_bytes(),
    );
    let remind = format!("/api/v1/campaigns/{c}/reminders");
    let first = app.post(&remind, &json!({}));
    assert_eq!(first.status, 200, "{}", first.body);
    let mut sent: Vec<String> = first.body["sent"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap().to_owned())
        .collect();
    sent.sort();
    assert_eq!(
        sent,
        [number(2, "care_management"), number(3, "care_management")]
    );
    assert_eq!(first.body["complete"], 1);
    let second = app.post(&remind, &json!({}));
    assert_eq!(
        second.body["sent"].as_array().unwrap().len(),
        0,
        "{}",
        second.body
    );
    assert_eq!(
        second.body["already_reminded_today"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(outbox_kinds(app, "checkpoint_reminder"), 2);
    let messages = app.get("/api/v1/outbox?per_page=500");
    let reminder = messages.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["kind"] == "checkpoint_reminder" && m["recipient"] == "office3@example.jp")
        .expect("office 3 reminded at its own address")
        .clone();
    let body = app.get(&format!(
        "/api/v1/outbox/{}",
        reminder["id"].as_str().unwrap()
    ));
    let text = body.body["body_text"].as_str().unwrap();
    assert!(text.contains("利用開始時アンケートへのご回答"), "{text}");
    assert!(text.contains("システムの利用開始"), "{text}");
});
