//! Applicants learn everything by email: each change writes its message to the outbox in the
//! same transaction, and the worker delivers it over SMTP, retrying what failed for a while.

use crate::helpers::{single, Backend, TestApp};
use crate::smtp::{free_port, FakeSmtp};
use honoraria::worker::Outcome;
use mail_parser::MessageParser;
use serde_json::json;

macro_rules! on_both_backends_with_mail {
    ($name:ident, $body:expr) => {
        mod $name {
            use super::*;
            #[test]
            fn sqlite() {
                let body: fn(Backend) -> Option<()> = $body;
                body(Backend::Sqlite).expect("SQLite is always available");
            }
            #[test]
            fn postgres() {
                let body: fn(Backend) -> Option<()> = $body;
                body(Backend::Postgres);
            }
        }
    };
}

struct Decoded {
    subject: String,
    body: String,
    message_id: String,
    recipients: Vec<String>,
}

fn decode(smtp: &FakeSmtp) -> Vec<Decoded> {
    smtp.messages()
        .into_iter()
        .map(|m| {
            let parsed = MessageParser::default()
                .parse(m.data.as_bytes())
                .expect("a parsable message");
            Decoded {
                subject: parsed.subject().unwrap_or_default().to_owned(),
                body: parsed.body_text(0).unwrap_or_default().into_owned(),
                message_id: parsed.message_id().unwrap_or_default().to_owned(),
                recipients: m.recipients,
            }
        })
        .collect()
}

fn apply(app: &TestApp, campaign: &str, body: &serde_json::Value) -> serde_json::Value {
    let r = app.request(
        "POST",
        &format!("/api/v1/campaigns/{campaign}/applications"),
        None,
        Some(body),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    r.body
}

on_both_backends_with_mail!(
    each_step_of_an_application_mails_its_applicant_in_japanese,
    |backend| {
        let smtp = FakeSmtp::start();
        let app = TestApp::spawn_with(backend, |s| s.smtp_url = Some(smtp.url().into()))?;
        let c = app.open_campaign(1, 1);
        let first = apply(&app, &c, &single(1));
        let second = apply(&app, &c, &single(2));
        assert_eq!(second["status"], "waitlisted");
        assert!(
            smtp.messages().is_empty(),
            "nothing is sent by the request itself"
        );
        let id = first["id"].as_str().unwrap();
        app.post(
            &format!("/api/v1/applications/{id}/withdraw"),
            &json!({"reason": "都合により辞退"}),
        );

        let outcomes = app.drain_outbox();
        assert_eq!(
            outcomes,
            [Outcome::Sent, Outcome::Sent, Outcome::Sent, Outcome::Sent]
        );
        let mails = decode(&smtp);
        let summary: Vec<(String, &str)> = mails
            .iter()
            .map(|m| {
                (
                    m.recipients.join(","),
                    m.subject.split('】').nth(1).unwrap_or(""),
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                (
                    "contact1@example.jp".to_owned(),
                    "応募を受け付け、参加が決まりました（受付番号 1）"
                ),
                (
                    "contact2@example.jp".to_owned(),
                    "応募を受け付けました（キャンセル待ち・受付番号 2）"
                ),
                (
                    "contact1@example.jp".to_owned(),
                    "応募の辞退を承りました（受付番号 1）"
                ),
                (
                    "contact2@example.jp".to_owned(),
                    "キャンセル待ちから繰り上げで参加が決まりました（受付番号 2）"
                ),
            ]
        );
        assert!(mails.iter().all(|m| m
            .subject
            .starts_with("【データ連携促進モデルキャンペーン】")));
        // The email links the applicant's status page; the JSON status_url stays an API path
        // with the same secret.
        let secret = first["status_url"]
            .as_str()
            .unwrap()
            .trim_start_matches("/api/v1/status/");
        let link = format!("https://campaign.example.jp/status/{secret}");
        assert!(mails[0].body.contains(&link), "{}", mails[0].body);
        assert!(mails[0].body.contains("謝礼額: 26,000円"));
        assert!(mails[2].body.contains("理由: 都合により辞退"));
        assert!(
            mails[1].body.contains("1番目"),
            "the waiting applicant learns their place: {}",
            mails[1].body
        );
        let ids: std::collections::HashSet<_> =
            mails.iter().map(|m| m.message_id.clone()).collect();
        assert_eq!(ids.len(), 4, "every message has its own Message-ID");

        let sent = app.get("/api/v1/outbox?status=sent");
        assert_eq!(sent.body["total"], 4);
        assert_eq!(
            app.get("/api/v1/outbox?recipient=contact2@example.jp").body["total"],
            2
        );
        Some(())
    }
);

on_both_backends_with_mail!(a_refused_application_queues_no_email, |backend| {
    let app = TestApp::spawn(backend)?;
    let c = app.open_campaign(5, 1);
    let mut bad = single(1);
    bad["contact"]["email"] = json!("not-an-address");
    let r = app.request(
        "POST",
        &format!("/api/v1/campaigns/{c}/applications"),
        None,
        Some(&bad),
    );
    assert_eq!(r.status, 422);
    assert_eq!(app.get("/api/v1/outbox").body["total"], 0);
    Some(())
});

on_both_backends_with_mail!(
    an_smtp_server_down_at_first_ends_with_every_message_delivered_once,
    |backend| {
        let port = free_port();
        let app = TestApp::spawn_with(backend, |s| {
            s.smtp_url = Some(format!("smtp://127.0.0.1:{port}").into());
            s.outbox_max_attempts = 5;
        })?;
        let c = app.open_campaign(10, 1);
        for n in 1..=3 {
            apply(&app, &c, &single(n));
        }
        let first_round: Vec<Outcome> = (0..3).map(|_| app.deliver_next()).collect();
        assert_eq!(
            first_round,
            [Outcome::Retrying, Outcome::Retrying, Outcome::Retrying]
        );
        let retrying = app.get("/api/v1/outbox?status=retrying");
        assert_eq!(retrying.body["total"], 3);
        assert!(retrying.body["items"][0]["last_error"].as_str().is_some());

        let smtp = FakeSmtp::start_on(port);
        assert_eq!(
            app.drain_outbox(),
            [Outcome::Sent, Outcome::Sent, Outcome::Sent]
        );
        let mut recipients: Vec<String> = smtp
            .messages()
            .iter()
            .flat_map(|m| m.recipients.clone())
            .collect();
        recipients.sort();
        assert_eq!(
            recipients,
            [
                "contact1@example.jp",
                "contact2@example.jp",
                "contact3@example.jp"
            ]
        );
        assert_eq!(app.drain_outbox(), [], "nothing is sent twice");

        let id = app.get("/api/v1/outbox").body["items"][0]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let detail = app.get(&format!("/api/v1/outbox/{id}"));
        let log: Vec<&str> = detail.body["attempt_log"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["outcome"].as_str().unwrap())
            .collect();
        assert_eq!(log, ["transient", "sent"]);
        Some(())
    }
);

on_both_backends_with_mail!(
    a_permanent_rejection_is_recorded_and_shown_to_staff,
    |backend| {
        let smtp = FakeSmtp::start();
        let app = TestApp::spawn_with(backend, |s| s.smtp_url = Some(smtp.url().into()))?;
        let c = app.open_campaign(10, 1);
        let mut body = single(1);
        body["contact"]["email"] = json!("reject@example.jp");
        apply(&app, &c, &body);
        assert_eq!(app.drain_outbox(), [Outcome::Failed]);
        let auditor = app.token("auditor");
        let failed = app.request("GET", "/api/v1/outbox?status=failed", Some(&auditor), None);
        assert_eq!(failed.body["total"], 1);
        let message = &failed.body["items"][0];
        assert_eq!(message["recipient"], "reject@example.jp");
        assert!(
            message["last_error"]
                .as_str()
                .unwrap()
                .contains("mailbox unavailable"),
            "{message}"
        );
        let id = message["id"].as_str().unwrap();
        let detail = app.get(&format!("/api/v1/outbox/{id}"));
        assert_eq!(detail.body["attempt_log"][0]["outcome"], "permanent");
        assert!(detail.body["body_text"]
            .as_str()
            .unwrap()
            .contains("受付番号: 1"));

        assert_eq!(
            app.request(
                "POST",
                &format!("/api/v1/outbox/{id}/resend"),
                Some(&auditor),
                None
            )
            .status,
            403
        );
        let resent = app.request(
            "POST",
            &format!("/api/v1/outbox/{id}/resend"),
            Some(&app.admin_token),
            None,
        );
        assert_eq!(
            (resent.status, resent.body["status"].as_str()),
            (200, Some("queued"))
        );
        assert_eq!(
            app.request(
                "POST",
                &format!("/api/v1/outbox/{id}/resend"),
                Some(&app.admin_token),
                None
            )
            .status,
            409
        );
        Some(())
    }
);

on_both_backends_with_mail!(
    a_message_stuck_in_sending_after_a_crash_is_picked_up_again,
    |backend| {
        let smtp = FakeSmtp::start();
        let app = TestApp::spawn_with(backend, |s| s.smtp_url = Some(smtp.url().into()))?;
        let c = app.open_campaign(10, 1);
        apply(&app, &c, &single(1));
        app.execute_sql("UPDATE outbox_messages SET status = 'sending', attempts = 1, lease_until = '2020-01-01 00:00:00'");
        assert_eq!(app.drain_outbox(), [Outcome::Sent]);
        assert_eq!(smtp.messages().len(), 1);
        Some(())
    }
);

on_both_backends_with_mail!(without_smtp_emails_are_written_as_eml_files, |backend| {
    let app = TestApp::spawn(backend)?;
    let c = app.open_campaign(10, 1);
    apply(&app, &c, &single(1));
    assert_eq!(app.drain_outbox(), [Outcome::Sent]);
    let files: Vec<_> = std::fs::read_dir(&app.settings.outbox_dir)
        .unwrap()
        .flatten()
        .collect();
    assert_eq!(files.len(), 1);
    let text = std::fs::read_to_string(files[0].path()).unwrap();
    let parsed = MessageParser::default().parse(text.as_bytes()).unwrap();
    assert!(parsed.subject().unwrap().contains("参加が決まりました"));
    assert_eq!(
        parsed
            .to()
            .and_then(|a| a.first())
            .and_then(|a| a.address()),
        Some("contact1@example.jp")
    );
    Some(())
});

on_both_backends_with_mail!(serve_runs_the_delivery_worker_itself, |backend| {
    let smtp = FakeSmtp::start();
    let app = TestApp::spawn_with(backend, |s| {
        s.smtp_url = Some(smtp.url().into());
        s.email_worker = true;
        s.outbox_poll_ms = 20;
    })?;
    let c = app.open_campaign(10, 1);
    apply(&app, &c, &single(1));
    let delivered = (0..500).any(|_| {
        std::thread::sleep(std::time::Duration::from_millis(20));
        !smtp.messages().is_empty()
    });
    assert!(delivered, "the worker inside serve delivered the email");
    Some(())
});

on_both_backends_with_mail!(
    the_worker_inside_serve_sends_several_messages_at_once,
    |backend| {
        let smtp = FakeSmtp::slow(std::time::Duration::from_millis(300));
        let app = TestApp::spawn_with(backend, |s| {
            s.smtp_url = Some(smtp.url().into());
            s.email_worker = true;
            s.email_senders = 4;
            s.outbox_poll_ms = 20;
        })?;
        let c = app.open_campaign(50, 10);
        for n in 1..=8 {
            apply(&app, &c, &single(n));
        }
        let all = (0..1000).any(|_| {
            std::thread::sleep(std::time::Duration::from_millis(20));
            smtp.messages().len() >= 8
        });
        assert!(all, "8 messages delivered: {}", smtp.messages().len());
        let mut recipients: Vec<String> = smtp
            .messages()
            .iter()
            .flat_map(|m| m.recipients.clone())
            .collect();
        recipients.sort();
        recipients.dedup();
        assert_eq!(
            (smtp.messages().len(), recipients.len()),
            (8, 8),
            "each once"
        );
        assert!(
            smtp.most_at_once() > 1,
            "a slow server is given more than one message at a time"
        );
        Some(())
    }
);

on_both_backends_with_mail!(two_workers_on_one_queue_send_each_message_once, |backend| {
    let smtp = FakeSmtp::start();
    let app = TestApp::spawn_with(backend, |s| s.smtp_url = Some(smtp.url().into()))?;
    let c = app.open_campaign(50, 10);
    for n in 1..=20 {
        apply(&app, &c, &single(n));
    }
    let sent: usize = std::thread::scope(|s| {
        let workers: Vec<_> = (0..2).map(|_| s.spawn(|| app.drain_outbox())).collect();
        workers
            .into_iter()
            .map(|w| {
                w.join()
                    .unwrap()
                    .iter()
                    .filter(|o| **o == Outcome::Sent)
                    .count()
            })
            .sum()
    });
    assert_eq!(sent, 20);
    let mut recipients: Vec<String> = smtp
        .messages()
        .iter()
        .flat_map(|m| m.recipients.clone())
        .collect();
    recipients.sort();
    recipients.dedup();
    assert_eq!((smtp.messages().len(), recipients.len()), (20, 20));
    Some(())
});

fn a_slow_smtp_exchange_keeps_its_lease_and_is_sent_once(backend: Backend) -> Option<()> {
    let smtp = FakeSmtp::slow(std::time::Duration::from_millis(1500));
    let app = TestApp::spawn_with(backend, |s| s.smtp_url = Some(smtp.url().into()))?;
    let c = app.open_campaign(5, 1);
    let r = app.request(
        "POST",
        &format!("/api/v1/campaigns/{c}/applications"),
        None,
        Some(&single(1)),
    );
    assert_eq!(r.status, 201);
    let mailer = app.settings.mailer().unwrap();
    let mut policy = app.settings.retry_policy();
    // A lease far shorter than the exchange: only renewal keeps the second worker off.
    policy.lease = std::time::Duration::from_millis(400);
    let (first, second) = std::thread::scope(|s| {
        let first = s.spawn(|| {
            let mut conn = app.pool.get().unwrap();
            honoraria::worker::deliver_next(&mut conn, &mailer, &policy).unwrap()
        });
        std::thread::sleep(std::time::Duration::from_millis(900));
        let second = s.spawn(|| {
            let mut conn = app.pool.get().unwrap();
            honoraria::worker::deliver_next(&mut conn, &mailer, &policy).unwrap()
        });
        (first.join().unwrap(), second.join().unwrap())
    });
    assert_eq!((first, second), (Outcome::Sent, Outcome::EmptyQueue));
    assert_eq!(smtp.messages().len(), 1, "delivered once");
    Some(())
}

#[test]
fn a_slow_smtp_exchange_keeps_its_lease_and_is_sent_once_sqlite() {
    a_slow_smtp_exchange_keeps_its_lease_and_is_sent_once(Backend::Sqlite)
        .expect("SQLite is always available");
}

#[test]
fn a_slow_smtp_exchange_keeps_its_lease_and_is_sent_once_postgres() {
    let _ = a_slow_smtp_exchange_keeps_its_lease_and_is_sent_once(Backend::Postgres);
}
