//! What a crash leaves behind. The real binary serves a rush and is killed with SIGKILL in the
//! middle of it; started again on the same database, every application that was answered 201
//! is there, the slot counter equals the accepted offices, sequence numbers have no holes, and
//! every application has exactly one email in the outbox.

use crate::helpers::{single, Backend, TestDatabase};
use std::sync::atomic::{AtomicBool, Ordering};

fn serve(url: &str) -> (std::process::Child, u16) {
    let served = crate::helpers::serve_binary(url, &[("HONORARIA_EMAIL_WORKER", "false".into())]);
    let log = served.log;
    // Keep draining the log so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in log {});
    (served.child, served.port)
}

fn a_crash_mid_rush_loses_nothing_that_was_answered(backend: Backend) {
    let Some(db) = TestDatabase::create(backend) else {
        return;
    };
    let admin = crate::helpers::cli_admin_token(&db.url);
    let (mut server, port) = serve(&db.url);
    let base = format!("http://127.0.0.1:{port}");
    let campaign = crate::helpers::create_campaign_at(&base, &admin);

    let killed = AtomicBool::new(false);
    let answered: Vec<String> = std::thread::scope(|s| {
        let clients: Vec<_> = (0..40u32)
            .map(|client| {
                let (base, campaign, killed) = (&base, &campaign, &killed);
                s.spawn(move || {
                    let mut mine = Vec::new();
                    for k in 0..200u32 {
                        if killed.load(Ordering::Relaxed) {
                            break;
                        }
                        let r =
                            ureq::post(&format!("{base}/api/v1/campaigns/{campaign}/applications"))
                                .timeout(std::time::Duration::from_secs(5))
                                .send_json(single(10_000 + client * 1_000 + k));
                        if let Ok(r) = r {
                            if r.status() == 201 {
                                let v: serde_json::Value = r.into_json().unwrap();
                                mine.push(v["id"].as_str().unwrap().to_owned());
                            }
                        }
                    }
                    mine
                })
            })
            .collect();
        std::thread::sleep(std::time::Duration::from_millis(700));
        server.kill().expect("SIGKILL");
        killed.store(true, Ordering::Relaxed);
        clients
            .into_iter()
            .flat_map(|c| c.join().unwrap())
            .collect()
    });
    let _ = server.wait();
    assert!(
        answered.len() > 50,
        "the rush was under way: {}",
        answered.len()
    );

    let (mut again, port) = serve(&db.url);
    let base = format!("http://127.0.0.1:{port}");
    let get = |path: &str| -> serde_json::Value {
        ureq::get(&format!("{base}{path}"))
            .set("Authorization", &format!("Bearer {admin}"))
            .call()
            .unwrap()
            .into_json()
            .unwrap()
    };
    for id in &answered {
        let app = get(&format!("/api/v1/applications/{id}"));
        assert_eq!(app["id"], id.as_str(), "an answered application survived");
    }
    let mut sequences = Vec::new();
    let mut accepted_offices = 0;
    let mut applications = 0;
    for page in 1.. {
        let list = get(&format!(
            "/api/v1/campaigns/{campaign}/applications?per_page=500&page={page}"
        ));
        let items = list["items"].as_array().unwrap();
        if items.is_empty() {
            break;
        }
        for a in items {
            applications += 1;
            sequences.push(a["sequence"].as_i64().unwrap());
            if a["status"] == "accepted" {
                accepted_offices += a["participants"].as_array().unwrap().len();
            }
        }
    }
    assert!(applications >= answered.len());
    sequences.sort_unstable();
    assert_eq!(
        sequences,
        (1..=applications as i64).collect::<Vec<_>>(),
        "sequence numbers without holes"
    );
    let slots = get(&format!("/api/v1/campaigns/{campaign}/slots"));
    assert_eq!(slots["total"]["taken"], accepted_offices as i64);
    assert_eq!(accepted_offices, 50, "the cap filled exactly");
    let outbox = get("/api/v1/outbox?per_page=1");
    assert_eq!(
        outbox["total"], applications as i64,
        "one email per application, none lost or doubled"
    );
    again.kill().unwrap();
    let _ = again.wait();
}

#[test]
fn a_crash_mid_rush_loses_nothing_that_was_answered_sqlite() {
    a_crash_mid_rush_loses_nothing_that_was_answered(Backend::Sqlite);
}

#[test]
fn a_crash_mid_rush_loses_nothing_that_was_answered_postgres() {
    a_crash_mid_rush_loses_nothing_that_was_answered(Backend::Postgres);
}

/// SIGTERM while a request is still arriving and an email is half sent: the request is
/// answered, the delivery finishes and is recorded once, and the process exits cleanly.
fn a_stop_finishes_what_is_in_flight(backend: Backend) {
    use std::io::{Read, Write};
    let Some(db) = TestDatabase::create(backend) else {
        return;
    };
    let smtp = crate::smtp::FakeSmtp::slow(std::time::Duration::from_secs(2));
    let admin = crate::helpers::cli_admin_token(&db.url);
    let served = crate::helpers::serve_binary(
        &db.url,
        &[
            ("HONORARIA_SMTP_URL", smtp.url()),
            ("HONORARIA_OUTBOX_POLL_MS", "50".into()),
        ],
    );
    let (mut server, log) = (served.child, served.log);
    std::thread::spawn(move || for _ in log {});
    let base = format!("http://127.0.0.1:{}", served.port);
    let campaign = crate::helpers::create_campaign_at(&base, &admin);
    let path = format!("/api/v1/campaigns/{campaign}/applications");
    let first = ureq::post(&format!("{base}{path}")).send_json(single(1));
    assert_eq!(first.map(|r| r.status()).ok(), Some(201));
    // The worker has taken the email and waits on the slow relay's answer to its data.
    std::thread::sleep(std::time::Duration::from_millis(600));
    assert!(smtp.messages().is_empty(), "the relay is still busy");

    let body = single(2).to_string();
    let (head, tail) = body.as_bytes().split_at(body.len() / 2);
    let mut client = std::net::TcpStream::connect(("127.0.0.1", served.port)).unwrap();
    write!(
        client,
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .unwrap();
    client.write_all(head).unwrap();
    client.flush().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(200));
    let stopped = std::process::Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(stopped.success());
    std::thread::sleep(std::time::Duration::from_millis(300));
    client.write_all(tail).unwrap();
    let mut answer = String::new();
    client.read_to_string(&mut answer).unwrap();
    assert!(
        answer.starts_with("HTTP/1.1 201"),
        "the request in flight is answered: {answer}"
    );

    let exited = server.wait().unwrap();
    assert!(exited.success(), "a clean exit: {exited:?}");
    // Until the server has stopped (idle keep-alive connections close within their 5 s) the
    // worker may also send the second email; whatever it sent, it sent once and recorded.
    let delivered = smtp.messages();
    let mut recipients: Vec<String> = delivered
        .iter()
        .flat_map(|m| m.recipients.clone())
        .collect();
    assert!(
        recipients.iter().any(|r| r.contains("contact1@")),
        "the delivery under way finished: {recipients:?}"
    );
    let count = recipients.len();
    recipients.sort();
    recipients.dedup();
    assert_eq!(recipients.len(), count, "nothing sent twice");

    let (mut again, port) = serve(&db.url);
    let outbox: serde_json::Value = ureq::get(&format!("http://127.0.0.1:{port}/api/v1/outbox"))
        .set("Authorization", &format!("Bearer {admin}"))
        .call()
        .unwrap()
        .into_json()
        .unwrap();
    let statuses: Vec<&str> = outbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses.len(), 2, "both applications' emails are kept");
    assert_eq!(
        statuses.iter().filter(|s| **s == "sent").count(),
        delivered.len(),
        "what was delivered is recorded as sent, the rest waits: {statuses:?}"
    );
    again.kill().unwrap();
    let _ = again.wait();
}

#[test]
fn a_stop_finishes_what_is_in_flight_sqlite() {
    a_stop_finishes_what_is_in_flight(Backend::Sqlite);
}

#[test]
fn a_stop_finishes_what_is_in_flight_postgres() {
    a_stop_finishes_what_is_in_flight(Backend::Postgres);
}
