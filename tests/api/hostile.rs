//! Hostile input: text no database stores or no reader should see, the same JSON written
//! another way, dates far outside the campaign's years, secrets hidden behind percent
//! escapes, imports of nothing but bad rows, and a cut-off audit trail.

use crate::helpers::{fields, office, single, TestApp};
use crate::on_both_backends;
use crate::pages::Browser;
use crate::year_end::{campaign_of_five, csv, number};
use serde_json::{json, Value};

fn submit(app: &TestApp, c: &str, body: &Value) -> crate::helpers::Response {
    app.request(
        "POST",
        &format!("/api/v1/campaigns/{c}/applications"),
        None,
        Some(body),
    )
}

fn checkpoint_sheet(app: &TestApp, c: &str, body: String) -> Value {
    let r = csv(
        app,
        &app.admin_token,
        &format!("/api/v1/campaigns/{c}/checkpoints"),
        body.into_bytes(),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    r.body
}

on_both_backends!(
    a_nul_in_the_withdrawal_page_reason_is_refused_beside_it,
    |app| {
        let c = app.open_campaign(5, 1);
        let r = submit(app, &c, &single(1));
        assert_eq!(r.status, 201, "{}", r.body);
        let secret = r.body["status_url"]
            .as_str()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap()
            .to_owned();
        let mut browser = Browser::new(app);
        let confirm_path = format!("/status/{secret}/withdraw");
        let token = browser.get(&confirm_path).input("csrf_token");
        let refused = browser.post(
            &confirm_path,
            &[
                ("csrf_token".into(), token.clone()),
                ("confirm".into(), "yes".into()),
                ("reason".into(), "都合\u{0}により".into()),
            ],
        );
        let refused = browser.follow(&refused);
        assert!(refused.text.contains("NUL文字"), "{}", refused.text);
        assert!(browser
            .get(&format!("/status/{secret}"))
            .text
            .contains("参加決定"));
    }
);

on_both_backends!(a_nul_in_a_checkpoint_sheet_cell_refuses_its_row, |app| {
    let c = campaign_of_five(app);
    let (model, single) = (number(1, "care_management"), number(3, "care_management"));
    let body = checkpoint_sheet(
        app,
        &c,
        format!(
            "office_number,start_survey_answered,continued_use_attested_reason\n\
             {model},済,利用画面で\u{0}確認\n\
             {single},済,\n"
        ),
    );
    assert_eq!(body["rows"], 1, "{body}");
    assert_eq!(body["invalid_rows"][0]["line"], 2, "{body}");
    assert!(
        body["invalid_rows"][0]["error"]
            .as_str()
            .unwrap()
            .contains("NUL"),
        "{body}"
    );
});

on_both_backends!(
    control_characters_in_names_addresses_and_reasons_are_refused,
    |app| {
        let c = app.open_campaign(5, 1);
        let mut body = single(1);
        body["contact"]["name"] = json!("山田\r\n花子");
        body["offices"][0]["name"] = json!("\u{1B}[2Jむさしの");
        body["offices"][0]["corporation_name"] = json!("法人\u{202E}名");
        body["offices"][0]["address"] = json!("武蔵野市\u{FFFF}");
        let r = submit(app, &c, &body);
        assert_eq!(r.status, 422, "{}", r.body);
        let named = fields(&r);
        for field in [
            "contact.name",
            "offices[0].name",
            "offices[0].corporation_name",
            "offices[0].address",
        ] {
            assert!(named.iter().any(|f| f == field), "{field} in {named:?}");
        }

        let ok = submit(app, &c, &single(2));
        let id = ok.body["id"].as_str().unwrap().to_owned();
        let r = app.post(
            &format!("/api/v1/applications/{id}/disqualify"),
            &json!({"reason": "重複\u{2066}応募"}),
        );
        assert_eq!(
            (r.status, fields(&r)),
            (422, vec!["reason".to_owned()]),
            "{}",
            r.body
        );
        let r = app.post(
            &format!("/api/v1/applications/{id}/withdraw"),
            &json!({"reason": "一行目\n二行目\tタブ"}),
        );
        assert_eq!(r.status, 200, "a reason keeps its lines: {}", r.body);

        let r = app.request(
            "PATCH",
            &format!("/api/v1/campaigns/{c}"),
            Some(&app.admin_token),
            Some(&json!({"name": "キャン\u{9B}ペーン"})),
        );
        assert_eq!(
            (r.status, fields(&r)),
            (422, vec!["name".to_owned()]),
            "{}",
            r.body
        );
        let r = app.post(
            "/api/v1/tokens",
            &json!({"role": "auditor", "name": "監査\u{1B}"}),
        );
        assert_eq!(
            (r.status, fields(&r)),
            (422, vec!["name".to_owned()]),
            "{}",
            r.body
        );

        let c = campaign_of_five(app);
        let model = number(1, "care_management");
        let r = app.request(
            "PATCH",
            &format!("/api/v1/campaigns/{c}/participants/{model}/checkpoints"),
            Some(&app.admin_token),
            Some(&json!({"continued_use_attested": {"reason": "確認\u{7}"}})),
        );
        assert_eq!(
            (r.status, fields(&r)),
            (422, vec!["continued_use_attested.reason".to_owned()]),
            "{}",
            r.body
        );
        let sheet = checkpoint_sheet(
            app,
            &c,
            format!("office_number,continued_use_attested_reason\n{model},\"確認\u{202D}済\"\n"),
        );
        assert_eq!(
            (
                sheet["rows"].clone(),
                sheet["invalid_rows"][0]["line"].clone()
            ),
            (json!(0), json!(2)),
            "{sheet}"
        );
    }
);

on_both_backends!(the_same_json_written_differently_is_one_request, |app| {
    let key = [("Idempotency-Key", "same-campaign-1")];
    let mut body = crate::helpers::open_campaign_body();
    let compact = body.to_string();
    let first = app.raw(
        "POST",
        "/api/v1/campaigns",
        Some(&app.admin_token),
        &key,
        Some(("application/json", compact)),
    );
    assert_eq!(first.status, 201, "{}", first.body);
    // The keys reversed and indented.
    let map = body.as_object_mut().unwrap();
    let mut entries: Vec<(String, Value)> = map.clone().into_iter().collect();
    entries.reverse();
    let rewritten = format!(
        "{{\n{}\n}}",
        entries
            .iter()
            .map(|(k, v)| format!(
                "    {}: {}",
                json!(k),
                serde_json::to_string_pretty(v).unwrap()
            ))
            .collect::<Vec<_>>()
            .join(",\n")
    );
    let again = app.raw(
        "POST",
        "/api/v1/campaigns",
        Some(&app.admin_token),
        &key,
        Some(("application/json", rewritten)),
    );
    assert_eq!(again.status, 201, "{}", again.body);
    assert_eq!(again.body["id"], first.body["id"]);
});

on_both_backends!(
    dates_outside_2000_to_2099_are_refused_naming_the_field,
    |app| {
        for (field, value) in [
            ("deadline", json!("9999-12-31")),
            ("ends_on", json!("2100-01-01")),
            ("opens_at", json!("1999-12-31T09:00:00+09:00")),
        ] {
            let mut body = crate::helpers::open_campaign_body();
            body[field] = value;
            if field == "deadline" {
                body["ends_on"] = json!("9999-12-31");
            }
            let r = app.post("/api/v1/campaigns", &body);
            assert_eq!(r.status, 422, "{field}: {}", r.body);
            assert!(fields(&r).iter().any(|f| f == field), "{field}: {}", r.body);
        }
        let c = campaign_of_five(app);
        let r = app.request(
            "PATCH",
            &format!("/api/v1/campaigns/{c}"),
            Some(&app.admin_token),
            Some(&json!({"ends_on": "2100-03-31"})),
        );
        assert_eq!(
            (r.status, fields(&r)),
            (422, vec!["ends_on".to_owned()]),
            "{}",
            r.body
        );

        let model = number(1, "care_management");
        let r = app.request(
            "PATCH",
            &format!("/api/v1/campaigns/{c}/participants/{model}/checkpoints"),
            Some(&app.admin_token),
            Some(&json!({"usage_started_on": "1999-12-31"})),
        );
        assert_eq!(
            (r.status, fields(&r)),
            (422, vec!["usage_started_on".to_owned()]),
            "{}",
            r.body
        );
        let sheet = checkpoint_sheet(
            app,
            &c,
            format!("office_number,usage_started_on\n{model},2100-01-01\n"),
        );
        assert_eq!(sheet["invalid_rows"][0]["line"], 2, "{sheet}");

        let r = csv(
            app,
            &app.admin_token,
            &format!("/api/v1/campaigns/{c}/usage-lists?as_of=1999-03-31"),
            format!("office_number\n{model}\n").into_bytes(),
        );
        assert_eq!(
            (r.status, fields(&r)),
            (422, vec!["as_of".to_owned()]),
            "{}",
            r.body
        );
        let r = app.post(
            &format!("/api/v1/campaigns/{c}/year-end-checks"),
            &json!({"as_of": "1999-03-31"}),
        );
        assert_eq!(
            (r.status, fields(&r)),
            (422, vec!["as_of".to_owned()]),
            "{}",
            r.body
        );
        let r = app.get(&format!(
            "/api/v1/payout-batches/{}/zengin?transfer_date=2100-04-01",
            uuid::Uuid::new_v4()
        ));
        assert_eq!(
            (r.status, fields(&r)),
            (422, vec!["transfer_date".to_owned()]),
            "{}",
            r.body
        );

        let mut body = single(9);
        body["offices"][0] = office(9, "care_management");
        body["offices"][0]["using_system_since"] = json!("2100-04-01");
        let r = submit(app, &c, &body);
        assert_eq!(
            (r.status, fields(&r)),
            (422, vec!["offices[0].using_system_since".to_owned()]),
            "{}",
            r.body
        );
    }
);

on_both_backends!(
    imports_list_the_first_thousand_bad_rows_and_count_them_all,
    |app| {
        let c = campaign_of_five(app);
        let mut attendees = String::from("office_number\n");
        for n in 0..1500 {
            attendees.push_str(&format!("bad{n}\n"));
        }
        let r = csv(
            app,
            &app.admin_token,
            &format!("/api/v1/campaigns/{c}/seminar-attendees"),
            attendees.into_bytes(),
        );
        assert_eq!(r.status, 201, "{}", r.body);
        assert_eq!(r.body["invalid_row_count"], 1500);
        assert_eq!(r.body["invalid_rows"].as_array().unwrap().len(), 1000);
        assert_eq!(r.body["invalid_rows"][999]["line"], 1001);

        // Bad cells and offices that are not taking part, interleaved: the first 1,000 by line.
        let mut sheet = String::from("office_number,start_survey_answered\n");
        for n in 0..800 {
            sheet.push_str(&format!("bad{n},済\n"));
            sheet.push_str(&format!("{},済\n", number(500 + n, "care_management")));
        }
        sheet.push_str(&format!("{},済\n", number(3, "care_management")));
        let body = checkpoint_sheet(app, &c, sheet);
        assert_eq!(body["rows"], 1, "{body}");
        assert_eq!(body["invalid_row_count"], 1600);
        let lines: Vec<i64> = body["invalid_rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["line"].as_i64().unwrap())
            .collect();
        assert_eq!(lines, (2..1002).collect::<Vec<i64>>());
    }
);

/// The real binary with JSON logs: a status link asked for with its path percent-encoded,
/// and requests whose headers cannot be parsed; then the whole log is read.
#[test]
fn encoded_status_paths_are_masked_and_unreadable_requests_are_not_errors() {
    use std::io::{Read, Write};
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("hostile.db").display());
    let token = crate::helpers::cli_admin_token(&url);
    let served = crate::helpers::serve_binary(
        &url,
        &[(
            "HONORARIA_OUTBOX_DIR",
            dir.path().join("outbox").display().to_string(),
        )],
    );
    let (mut server, lines) = (served.child, served.log);
    let base = format!("http://127.0.0.1:{}", served.port);
    let campaign = crate::helpers::create_campaign_at(&base, &token);
    let applied: Value = ureq::post(&format!("{base}/api/v1/campaigns/{campaign}/applications"))
        .send_json(single(1))
        .unwrap()
        .into_json()
        .unwrap();
    let secret = applied["status_url"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    let (first, rest) = secret.split_at(1);
    let first = format!("%{:02X}", first.as_bytes()[0]);
    for path in [
        format!("/api/v1/%73tatus/{secret}"),
        format!("/api/v1/status/{first}{rest}"),
        format!("/%73tatus/{secret}"),
    ] {
        let r = ureq::get(&format!("{base}{path}")).call().unwrap();
        assert_eq!(r.status(), 200, "{path} is served");
    }
    for head in [
        &b"GET /health HTTP/1.1\r\nHost: x\r\nBad\x01Header: y\r\n\r\n"[..],
        &b"GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n"[..],
    ] {
        let mut socket = std::net::TcpStream::connect(("127.0.0.1", served.port)).unwrap();
        socket.write_all(head).unwrap();
        let mut answer = String::new();
        let _ = socket.read_to_string(&mut answer);
        assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    }
    std::thread::sleep(std::time::Duration::from_millis(300));
    server.kill().unwrap();
    let _ = server.wait();
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    let log = rest.join("\n");
    assert!(!log.contains(&secret), "the secret leaked:\n{log}");
    assert!(!log.contains("\"level\":\"ERROR\""), "{log}");
    let warned = rest
        .iter()
        .filter(|l| l.contains("\"level\":\"WARN\"") && l.contains("could not be read"))
        .count();
    assert_eq!(warned, 2, "{log}");
}

fn audit_cli(app: &TestApp, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_honoraria"))
        .arg("audit")
        .args(args)
        .args(["--database-url", &app.db.url])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("RUST_LOG", "error")
        .output()
        .expect("run honoraria")
}

on_both_backends!(
    a_cut_tail_under_a_rewritten_head_is_caught_by_an_anchor,
    |app| {
        let c = app.open_campaign(10, 2);
        for n in 1..=3 {
            assert_eq!(submit(app, &c, &single(n)).status, 201);
        }
        let out = audit_cli(app, &["anchor"]);
        assert!(out.status.success(), "{out:?}");
        let anchor = String::from_utf8(out.stdout).unwrap().trim().to_owned();
        let (seq, hash) = anchor.split_once(':').expect("SEQ:HASH");
        let seq: i64 = seq.parse().unwrap();
        assert!(seq >= 4, "{anchor}");
        let metrics = ureq::get(&format!("{}/metrics", app.base))
            .call()
            .unwrap()
            .into_string()
            .unwrap();
        assert!(
            metrics.contains(&format!("honoraria_audit_head_seq {seq}")),
            "{metrics}"
        );
        assert!(metrics.contains(&format!("hash=\"{hash}\"")), "{metrics}");
        assert!(audit_cli(app, &["verify", "--anchor", &anchor])
            .status
            .success());

        // Someone with full rights cuts the last two events and makes the head match again.
        app.drop_audit_guard();
        let kept = seq - 2;
        app.execute_sql(&format!(
            "DELETE FROM audit_events WHERE seq > {kept};
         UPDATE audit_chain SET last_seq = {kept},
           last_hash = (SELECT hash FROM audit_events WHERE seq = {kept}) WHERE id = 1;"
        ));
        assert!(
            audit_cli(app, &["verify"]).status.success(),
            "without an anchor the shorter chain holds"
        );
        let out = audit_cli(app, &["verify", "--anchor", &anchor]);
        assert!(!out.status.success());
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(err.trim().lines().count(), 1, "{err}");
        assert!(err.contains(&anchor), "{err}");

        let out = audit_cli(app, &["verify", "--anchor", "not-an-anchor"]);
        assert!(!out.status.success());
        assert!(String::from_utf8(out.stderr).unwrap().contains("--anchor"));
    }
);
