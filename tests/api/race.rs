//! The rush: many applicants at once for few slots. Nothing overbooks, nothing is lost.

use crate::helpers::{pair, single, Backend, TestApp};
use crate::on_both_backends;
use std::collections::HashSet;

const APPLICANTS: u32 = 300;

/// Sends every application at once from its own thread, spread over `servers`, and returns
/// (status, body) per application.
fn rush(servers: &[&TestApp], campaign: &str) -> Vec<(u16, serde_json::Value)> {
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(APPLICANTS as usize));
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..APPLICANTS)
            .map(|i| {
                let server = servers[i as usize % servers.len()];
                let barrier = barrier.clone();
                s.spawn(move || {
                    let body = if i % 5 == 0 {
                        pair(10_000 + i, 20_000 + i)
                    } else {
                        single(10_000 + i)
                    };
                    barrier.wait();
                    let r = server.request(
                        "POST",
                        &format!("/api/v1/campaigns/{campaign}/applications"),
                        None,
                        Some(&body),
                    );
                    (r.status, r.body)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("applicant thread"))
            .collect()
    })
}

fn check_outcome(app: &TestApp, campaign: &str, results: &[(u16, serde_json::Value)]) {
    let statuses: Vec<u16> = results.iter().map(|(s, _)| *s).collect();
    assert!(
        statuses.iter().all(|s| *s == 201),
        "every submission is taken: {statuses:?}"
    );
    let sequences: HashSet<i64> = results
        .iter()
        .map(|(_, b)| b["sequence"].as_i64().unwrap())
        .collect();
    assert_eq!(
        sequences,
        (1..=i64::from(APPLICANTS)).collect(),
        "sequence numbers are unique and gapless"
    );
    let accepted_offices: usize = results
        .iter()
        .filter(|(_, b)| b["status"] == "accepted")
        .map(|(_, b)| b["participants"].as_array().unwrap().len())
        .sum();
    assert_eq!(accepted_offices, 50, "exactly the cap is accepted");
    let waiting = results
        .iter()
        .filter(|(_, b)| b["status"] == "waitlisted")
        .count();
    let accepted = results
        .iter()
        .filter(|(_, b)| b["status"] == "accepted")
        .count();
    assert_eq!(accepted + waiting, APPLICANTS as usize, "none lost");
    let mut by_sequence: Vec<(i64, chrono::DateTime<chrono::FixedOffset>)> = results
        .iter()
        .map(|(_, b)| {
            (
                b["sequence"].as_i64().unwrap(),
                chrono::DateTime::parse_from_rfc3339(b["submitted_at"].as_str().unwrap()).unwrap(),
            )
        })
        .collect();
    by_sequence.sort();
    assert!(
        by_sequence.windows(2).all(|w| w[0].1 <= w[1].1),
        "submission times follow sequence numbers, across instances too"
    );
    let counter = app
        .request(
            "GET",
            &format!("/api/v1/campaigns/{campaign}/slots"),
            None,
            None,
        )
        .body;
    assert_eq!(counter["total"]["taken"], 50);
    assert_eq!(counter["waitlisted"].as_u64(), Some(waiting as u64));
    let participants = app.get(&format!(
        "/api/v1/campaigns/{campaign}/participants?per_page=500"
    ));
    assert_eq!(participants.body["total"], 50);
}

on_both_backends!(
    hundreds_of_simultaneous_applicants_fill_exactly_the_cap,
    |app| {
        let campaign = app.open_campaign(50, 10);
        let results = rush(&[app], &campaign);
        check_outcome(app, &campaign, &results);
    }
);

#[test]
fn two_server_instances_on_one_postgresql_database_share_the_cap() {
    let Some(first) = TestApp::spawn(Backend::Postgres) else {
        return;
    };
    let second = TestApp::spawn_on(first.db.clone());
    let campaign = first.open_campaign(50, 10);
    let results = rush(&[&first, &second], &campaign);
    check_outcome(&first, &campaign, &results);
}

#[test]
fn three_instances_share_the_cap_and_send_every_email_once() {
    let Some(first) = TestApp::spawn(Backend::Postgres) else {
        return;
    };
    let second = TestApp::spawn_on(first.db.clone());
    let third = TestApp::spawn_on(first.db.clone());
    let campaign = first.open_campaign(50, 10);
    let results = rush(&[&first, &second, &third], &campaign);
    check_outcome(&first, &campaign, &results);
    // Three workers drain one queue side by side: every message is sent once.
    let outcomes: Vec<honoraria::worker::Outcome> = std::thread::scope(|s| {
        [&first, &second, &third]
            .map(|app| s.spawn(move || app.drain_outbox()))
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    let sent = outcomes
        .iter()
        .filter(|o| **o == honoraria::worker::Outcome::Sent)
        .count();
    assert_eq!(
        sent,
        results.len(),
        "each application's email sent exactly once"
    );
    let files = std::fs::read_dir(&first.settings.outbox_dir)
        .map(|d| d.count())
        .unwrap_or(0)
        + [&second, &third]
            .iter()
            .map(|a| {
                std::fs::read_dir(&a.settings.outbox_dir)
                    .map(|d| d.count())
                    .unwrap_or(0)
            })
            .sum::<usize>();
    assert_eq!(
        files,
        results.len(),
        "one .eml file per email across the instances"
    );
}

on_both_backends!(
    simultaneous_applications_naming_the_same_office_take_it_once,
    |app| {
        let campaign = app.open_campaign(50, 10);
        let path = format!("/api/v1/campaigns/{campaign}/applications");
        // Thirty applicants, three for each of ten offices, all at once.
        let barrier = std::sync::Barrier::new(30);
        let statuses: Vec<(u32, u16)> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..30u32)
                .map(|i| {
                    let (barrier, path) = (&barrier, &path);
                    s.spawn(move || {
                        let mut body = single(40_000 + i % 10);
                        body["contact"]["email"] =
                            serde_json::json!(format!("rival{i}@example.jp"));
                        barrier.wait();
                        (i % 10, app.request("POST", path, None, Some(&body)).status)
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        for office in 0..10 {
            let mut mine: Vec<u16> = statuses
                .iter()
                .filter(|(o, _)| *o == office)
                .map(|(_, s)| *s)
                .collect();
            mine.sort_unstable();
            assert_eq!(mine, [201, 409, 409], "office {office}");
        }
        let counter = app
            .request(
                "GET",
                &format!("/api/v1/campaigns/{campaign}/slots"),
                None,
                None,
            )
            .body;
        assert_eq!(counter["total"]["taken"], 10);
    }
);
