//! Staff are people: added on the command line, holding tokens of their own, approving only
//! batches someone else drafted whichever token they use, named in the audit trail, and cut
//! off at once when disabled.

use crate::helpers::TestApp;
use crate::on_both_backends;
use crate::year_end::{campaign_of_five, fill_checkpoints, import_list, number, run_check};
use serde_json::json;
use std::io::Write;
use std::process::{Command, Output, Stdio};

fn honoraria(app: &TestApp, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_honoraria"))
        .args(args)
        .args(["--database-url", &app.db.url])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("RUST_LOG", "off")
        .env("HONORARIA_PUBLIC_BASE_URL", "https://campaign.example.jp")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run honoraria");
    let mut input = child.stdin.take().unwrap();
    if let Some(text) = stdin {
        input.write_all(text.as_bytes()).unwrap();
    }
    drop(input);
    child.wait_with_output().expect("honoraria ends")
}

fn out(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn token_for(app: &TestApp, email: &str, name: &str) -> String {
    let o = honoraria(
        app,
        &[
            "token",
            "create",
            "--role",
            "secretariat",
            "--name",
            name,
            "--for",
            email,
        ],
        None,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    out(&o).trim().to_owned()
}

on_both_backends!(
    people_add_hold_tokens_and_approve_only_what_others_drafted,
    |app| {
        // A person without a password gets one link, alone on one line.
        let added = honoraria(
            app,
            &[
                "staff",
                "add",
                "--email",
                "Hanako.Yamada@Example.JP",
                "--name",
                "山田 花子",
                "--role",
                "secretariat",
            ],
            None,
        );
        assert!(
            added.status.success(),
            "{}",
            String::from_utf8_lossy(&added.stderr)
        );
        let link = out(&added);
        assert_eq!(link.lines().count(), 1, "{link}");
        assert!(
            link.starts_with("https://campaign.example.jp/staff/welcome/"),
            "{link}"
        );
        let again = honoraria(
            app,
            &[
                "staff",
                "add",
                "--email",
                "hanako.yamada@example.jp",
                "--name",
                "二人目",
                "--role",
                "auditor",
            ],
            None,
        );
        assert!(!again.status.success(), "one address, one person");
        let weak = honoraria(
            app,
            &[
                "staff",
                "add",
                "--email",
                "ichiro@example.jp",
                "--name",
                "佐藤 一郎",
                "--role",
                "admin",
                "--password-stdin",
            ],
            Some("password1234\n"),
        );
        assert!(!weak.status.success(), "a common password is refused");
        let chosen = honoraria(
            app,
            &[
                "staff",
                "add",
                "--email",
                "ichiro@example.jp",
                "--name",
                "佐藤 一郎",
                "--role",
                "admin",
                "--password-stdin",
            ],
            Some("むさしの事務局の春の青空\n"),
        );
        assert!(
            chosen.status.success(),
            "{}",
            String::from_utf8_lossy(&chosen.stderr)
        );
        assert_eq!(out(&chosen), "", "nothing printed with --password-stdin");
        let too_high = honoraria(
            app,
            &[
                "token",
                "create",
                "--role",
                "admin",
                "--name",
                "x",
                "--for",
                "hanako.yamada@example.jp",
            ],
            None,
        );
        assert!(
            !too_high.status.success(),
            "a token is never above its person"
        );

        let hanako = "hanako.yamada@example.jp";
        let first = token_for(app, hanako, "hanako-laptop");
        let second = token_for(app, hanako, "hanako-script");
        let me = app.request("GET", "/api/v1/me", Some(&first), None);
        assert_eq!(me.status, 200, "{}", me.body);
        assert_eq!(me.body["person"]["email"], hanako);
        assert_eq!(me.body["person"]["role"], "secretariat");
        assert_eq!(me.body["via"], "token");

        let c = campaign_of_five(app);
        fill_checkpoints(app, &c);
        import_list(
            app,
            &c,
            &[number(1, "care_management"), number(3, "care_management")],
        );
        let check = run_check(app, &c);
        let batches = format!("/api/v1/campaigns/{c}/payout-batches");
        let body = json!({"year_end_check_id": check["id"]});

        // Hanako drafts; her second token is still Hanako.
        let hers = app.request("POST", &batches, Some(&first), Some(&body));
        assert_eq!(hers.status, 201, "{}", hers.body);
        assert_eq!(hers.body["created_by_person"]["name"], "山田 花子");
        let id = hers.body["id"].as_str().unwrap();
        let own = app.request(
            "POST",
            &format!("/api/v1/payout-batches/{id}/approve"),
            Some(&second),
            None,
        );
        assert_eq!(own.status, 403, "{}", own.body);
        let cancel = app.request(
            "POST",
            &format!("/api/v1/payout-batches/{id}/cancel"),
            Some(&first),
            None,
        );
        assert_eq!(cancel.status, 200);

        // The admin drafts, then mints a token over the API: it is still the admin.
        let theirs = app.post(&batches, &body);
        assert_eq!(theirs.status, 201, "{}", theirs.body);
        let id = theirs.body["id"].as_str().unwrap();
        let minted = app.post(
            "/api/v1/tokens",
            &json!({"role": "secretariat", "name": "second-self"}),
        );
        assert_eq!(minted.status, 201, "{}", minted.body);
        let approve = format!("/api/v1/payout-batches/{id}/approve");
        let second_self = app.request(
            "POST",
            &approve,
            Some(minted.body["token"].as_str().unwrap()),
            None,
        );
        assert_eq!(second_self.status, 403, "{}", second_self.body);
        let approved = app.request("POST", &approve, Some(&first), None);
        assert_eq!(approved.status, 200, "{}", approved.body);
        assert_eq!(approved.body["decided_by_person"]["name"], "山田 花子");
        assert_ne!(
            approved.body["decided_by_person"]["id"],
            approved.body["created_by_person"]["id"]
        );

        let trail = app.get(&format!(
            "/api/v1/audit-events?campaign_id={c}&per_page=500"
        ));
        let approval = trail.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["action"] == "payout_batch.approve")
            .expect("the approval is audited");
        let actor = approval["actor"].as_str().unwrap();
        assert!(
            actor.contains("山田 花子")
                && actor.contains(hanako)
                && actor.contains("hanako-laptop"),
            "{actor}"
        );

        // Disabled: every token of hers stops at once.
        let disabled = honoraria(app, &["staff", "disable", "--email", hanako], None);
        assert!(disabled.status.success());
        for token in [&first, &second] {
            assert_eq!(
                app.request("GET", "/api/v1/me", Some(token), None).status,
                401
            );
        }
        let listed = out(&honoraria(app, &["staff", "list"], None));
        assert!(
            listed.contains(&format!("{hanako}\tsecretariat\t山田 花子\tdisabled")),
            "{listed}"
        );
        let reset = honoraria(
            app,
            &["staff", "reset", "--email", "ichiro@example.jp"],
            None,
        );
        assert!(out(&reset).contains("/staff/welcome/"), "{}", out(&reset));
    }
);

/// The audit events about one kind of entity, as the export gives them.
pub(crate) fn events_about(app: &TestApp, entity: &str) -> Vec<serde_json::Value> {
    let r = app.get(&format!(
        "/api/v1/audit-events/export?format=jsonl&entity={entity}"
    ));
    assert_eq!(r.status, 200);
    let text = match r.body {
        serde_json::Value::String(s) => s,
        other => other.to_string(),
    };
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn add_with_password(app: &TestApp, email: &str, role: &str) {
    let o = honoraria(
        app,
        &[
            "staff",
            "add",
            "--email",
            email,
            "--name",
            "佐藤 一郎",
            "--role",
            role,
            "--password-stdin",
        ],
        Some(&format!("{}\n", crate::sign_in::PASSWORD)),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

on_both_backends!(
    a_reset_or_a_disable_ends_sessions_and_tokens_and_the_trail_says_so,
    |app| {
        use crate::sign_in::{Client, PASSWORD};
        let ichiro = "ichiro@example.jp";
        add_with_password(app, ichiro, "admin");
        let token = token_for(app, ichiro, "ichiro-laptop");
        let mut browser = Client::new(app);
        assert_eq!(browser.sign_in(ichiro, PASSWORD, "", "").status, 303);
        assert_eq!(browser.get("/staff").status, 200);

        // A reset: the link alone on standard output, what else it ended on standard error.
        let reset = honoraria(app, &["staff", "reset", "--email", ichiro], None);
        assert!(reset.status.success());
        assert_eq!(out(&reset).lines().count(), 1, "{}", out(&reset));
        let said = String::from_utf8_lossy(&reset.stderr).into_owned();
        assert!(
            said.contains("1 sessions ended and 1 tokens revoked"),
            "{said}"
        );
        assert_eq!(
            app.request("GET", "/api/v1/me", Some(&token), None).status,
            401,
            "a reset revokes the person's tokens"
        );
        assert_eq!(browser.get("/staff").status, 303, "and ends the session");
        assert_eq!(
            browser.sign_in(ichiro, PASSWORD, "", "").status,
            401,
            "and the old password"
        );

        let hanako = "hanako@example.jp";
        add_with_password(app, hanako, "secretariat");
        let hers = token_for(app, hanako, "hanako-script");
        let disabled = honoraria(app, &["staff", "disable", "--email", hanako], None);
        assert!(disabled.status.success());
        assert!(
            out(&disabled).contains("0 sessions ended and 1 tokens revoked"),
            "{}",
            out(&disabled)
        );
        assert_eq!(
            app.request("GET", "/api/v1/me", Some(&hers), None).status,
            401
        );

        let people = events_about(app, "person");
        for (action, email) in [("person.reset", ichiro), ("person.disable", hanako)] {
            let event = people
                .iter()
                .find(|e| e["action"] == action && e["after"]["email"] == email)
                .unwrap_or_else(|| panic!("{action} audited"));
            assert_eq!(event["actor"], "cli");
        }
        let revoked = events_about(app, "api_token");
        let revoked: Vec<_> = revoked
            .iter()
            .filter(|e| e["action"] == "token.revoke")
            .collect();
        assert_eq!(revoked.len(), 2, "{revoked:?}");
        for (name, because) in [
            ("ichiro-laptop", "person.reset"),
            ("hanako-script", "person.disable"),
        ] {
            let event = revoked
                .iter()
                .find(|e| e["after"]["name"] == name)
                .unwrap_or_else(|| panic!("{name} revoked in the trail"));
            assert_eq!(event["after"]["because"], because);
            assert!(event["before"]["revoked_at"].is_null());
            assert!(!event["after"]["revoked_at"].is_null());
            assert_eq!(event["actor"], "cli");
        }
    }
);
