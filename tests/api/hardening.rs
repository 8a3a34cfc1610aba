//! What a hostile or unlucky day used to break: each test failed before its fix.

use crate::helpers::{fields, single, TestApp};
use crate::on_both_backends;
use diesel::connection::SimpleConnection;
use diesel::RunQueryDsl;
use serde_json::json;

fn apply(app: &TestApp, campaign: &str, body: &serde_json::Value) -> crate::helpers::Response {
    app.request(
        "POST",
        &format!("/api/v1/campaigns/{campaign}/applications"),
        None,
        Some(body),
    )
}

fn is_sqlite(app: &TestApp) -> bool {
    app.settings.database_url.expose().starts_with("sqlite://")
}

#[derive(diesel::QueryableByName)]
struct Text {
    #[diesel(sql_type = diesel::sql_types::Text)]
    text: String,
}

fn texts(app: &TestApp, sql: &str) -> Vec<String> {
    let mut conn = app.pool.get().expect("connection");
    diesel::sql_query(sql)
        .load::<Text>(&mut *conn)
        .expect("query")
        .into_iter()
        .map(|t| t.text)
        .collect()
}

on_both_backends!(staff_never_see_an_applicants_status_secret, |app| {
    let c = app.open_campaign(5, 1);
    let r = apply(app, &c, &single(1));
    assert_eq!(r.status, 201, "{}", r.body);
    let link = r.body["status_url"].as_str().unwrap().to_owned();
    let secret = link.rsplit('/').next().unwrap().to_owned();
    let auditor = app.token("auditor");
    let list = app.request(
        "GET",
        &format!("/api/v1/campaigns/{c}/applications"),
        Some(&auditor),
        None,
    );
    let one = app.request(
        "GET",
        &format!("/api/v1/applications/{}", r.body["id"].as_str().unwrap()),
        Some(&auditor),
        None,
    );
    let outbox = app.request("GET", "/api/v1/outbox", Some(&auditor), None);
    let message_id = outbox.body["items"][0]["id"].as_str().unwrap().to_owned();
    let message = app.request(
        "GET",
        &format!("/api/v1/outbox/{message_id}"),
        Some(&auditor),
        None,
    );
    for shown in [&list.body, &one.body, &outbox.body, &message.body] {
        assert!(!shown.to_string().contains(&secret), "{shown}");
    }
    assert!(message.body["body_text"]
        .as_str()
        .unwrap()
        .contains("/status/********"));
    // The applicant's own link still works.
    assert_eq!(app.request("GET", &link, None, None).status, 200);
});

on_both_backends!(nul_characters_are_refused_where_they_stand, |app| {
    let c = app.open_campaign(5, 1);
    let r = app.request("GET", "/api/v1/status/abc%00def", None, None);
    assert_eq!(r.status, 404, "{}", r.body);
    assert_eq!(r.content_type, "application/problem+json");
    let r = app.request(
        "GET",
        &format!("/api/v1/campaigns/{c}%00/slots"),
        None,
        None,
    );
    assert_eq!(r.status, 404, "{}", r.body);
    let mut body = single(1);
    body["contact"]["name"] = json!("山田\u{0}花子");
    let r = apply(app, &c, &body);
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(fields(&r), ["contact.name"]);
    let r = app.get("/api/v1/outbox?recipient=a%00b");
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(fields(&r), ["recipient"]);
    // Nothing was written by the refused application.
    assert_eq!(
        app.get(&format!("/api/v1/campaigns/{c}/applications")).body["total"],
        0
    );
});

on_both_backends!(paging_beyond_its_bounds_names_the_parameter, |app| {
    let r = app.get("/api/v1/campaigns?page=9223372036854775807");
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(fields(&r), ["page"]);
    let r = app.get("/api/v1/campaigns?per_page=501");
    assert_eq!((r.status, fields(&r)), (422, vec!["per_page".to_owned()]));
    let r = app.get("/api/v1/campaigns?per_page=abc");
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(r.content_type, "application/problem+json");
    assert_eq!(fields(&r), ["per_page"]);
    let r = app.get("/api/v1/campaigns/x/applications?needs_review=maybe");
    assert_eq!(
        (r.status, fields(&r)),
        (400, vec!["needs_review".to_owned()])
    );
    assert_eq!(app.get("/api/v1/campaigns?page=1000000").status, 200);
});

on_both_backends!(an_oversized_body_is_a_problem_naming_the_body, |app| {
    let c = app.open_campaign(5, 1);
    let mut body = single(1);
    body["contact"]["name"] = json!("x".repeat(2 << 20));
    let r = apply(app, &c, &body);
    assert_eq!(r.status, 413, "{}", r.body);
    assert_eq!(r.content_type, "application/problem+json");
    assert_eq!(fields(&r), ["body"]);
});

on_both_backends!(free_text_is_bounded, |app| {
    let c = app.open_campaign(5, 1);
    let r = apply(app, &c, &single(1));
    let link = r.body["status_url"].as_str().unwrap().to_owned();
    let huge = json!({"reason": "理".repeat(300_000)});
    let w = app.request("POST", &format!("{link}/withdraw"), None, Some(&huge));
    assert_eq!(w.status, 422, "{}", w.body);
    assert_eq!(fields(&w), ["reason"]);
    let ok = json!({"reason": "理".repeat(2_000)});
    let w = app.request("POST", &format!("{link}/withdraw"), None, Some(&ok));
    assert_eq!(w.status, 200, "{}", w.body);
});

on_both_backends!(contact_emails_follow_the_office_email_rule, |app| {
    let c = app.open_campaign(5, 1);
    for bad in ["a@b", "ｋａｉｇｏ@example.jp", "kaigo@example"] {
        let mut body = single(1);
        body["contact"]["email"] = json!(bad);
        body["offices"][0]["email"] = json!(bad);
        let r = apply(app, &c, &body);
        assert_eq!(r.status, 422, "{bad}: {}", r.body);
        assert_eq!(fields(&r), ["contact.email", "offices[0].email"], "{bad}");
    }
});

on_both_backends!(
    an_office_that_withdrew_before_its_disqualification_stays_blocked,
    |app| {
        let c = app.open_campaign(5, 1);
        let r = apply(app, &c, &single(1));
        let id = r.body["id"].as_str().unwrap().to_owned();
        let link = r.body["status_url"].as_str().unwrap().to_owned();
        let w = app.request("POST", &format!("{link}/withdraw"), None, Some(&json!({})));
        assert_eq!(w.status, 200, "{}", w.body);
        let d = app.post(
            &format!("/api/v1/applications/{id}/disqualify"),
            &json!({"reason": "虚偽の申請"}),
        );
        assert_eq!(d.status, 200, "{}", d.body);
        assert_eq!(d.body["status"], "disqualified");
        let again = apply(app, &c, &single(1));
        assert_eq!(again.status, 409, "{}", again.body);
        let twice = app.post(
            &format!("/api/v1/applications/{id}/disqualify"),
            &json!({"reason": "二度目"}),
        );
        assert_eq!(twice.status, 409, "{}", twice.body);
    }
);

on_both_backends!(idempotency_keeps_no_secret_readable_at_rest, |app| {
    let r = app.raw(
        "POST",
        "/api/v1/tokens",
        Some(&app.admin_token),
        &[("Idempotency-Key", "token-once-1")],
        Some((
            "application/json",
            json!({"role": "auditor", "name": "kansa"}).to_string(),
        )),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let token = r.body["token"].as_str().unwrap().to_owned();
    let stored = texts(
        app,
        "SELECT idempotency_key || ' ' || response_body AS text FROM idempotency_keys",
    );
    assert_eq!(stored.len(), 1);
    assert!(!stored[0].contains(&token), "{}", stored[0]);
    assert!(!stored[0].contains("token-once-1"));
    let again = app.raw(
        "POST",
        "/api/v1/tokens",
        Some(&app.admin_token),
        &[("Idempotency-Key", "token-once-1")],
        Some((
            "application/json",
            json!({"role": "auditor", "name": "kansa"}).to_string(),
        )),
    );
    assert_eq!(again.status, 201);
    assert_eq!(
        again.body["token"],
        token.as_str(),
        "the replay still carries it"
    );
});

on_both_backends!(a_rewritten_chain_head_is_caught, |app| {
    app.open_campaign(5, 1);
    let mut conn = app.pool.get().unwrap();
    assert!(honoraria::db::audit::verify(&mut conn).is_ok());
    conn.batch_execute("UPDATE audit_chain SET last_hash = 'forged' WHERE id = 1")
        .unwrap();
    let err = honoraria::db::audit::verify(&mut conn).unwrap_err();
    assert!(err.to_string().contains("chain head"), "{err}");
});

on_both_backends!(
    audit_verify_reads_one_snapshot_while_the_server_writes,
    |app| {
        let c = app.open_campaign(10_000, 10);
        std::thread::scope(|s| {
            let writers: Vec<_> = (0..4u32)
                .map(|w| {
                    let c = &c;
                    s.spawn(move || {
                        for n in 0..40 {
                            let r = apply(app, c, &single(w * 1000 + n + 1));
                            assert_eq!(r.status, 201, "{}", r.body);
                        }
                    })
                })
                .collect();
            let mut checks = 0;
            while !writers.iter().all(|w| w.is_finished()) {
                let mut conn = app.pool.get().unwrap();
                honoraria::db::audit::verify(&mut conn).expect("intact while writing");
                checks += 1;
            }
            assert!(checks > 0);
        });
    }
);

on_both_backends!(promotion_works_with_tens_of_thousands_waiting, |app| {
    let c = app.open_campaign(1, 1);
    let first = apply(app, &c, &single(1));
    assert_eq!(first.body["status"], "accepted");
    let waiting = 35_000;
    let (series, ts) = if is_sqlite(app) {
        ("n(i)", "'2026-01-01 00:00:00'")
    } else {
        ("n(i)", "TIMESTAMP '2026-01-01 00:00:00'")
    };
    app.execute_sql(&format!(
            "INSERT INTO applications (id, campaign_id, tier, status, sequence, submitted_at, \
               contact_name, contact_email, status_secret, needs_review, warnings_json, updated_at) \
             WITH RECURSIVE {series} AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {waiting}) \
             SELECT 'w' || i, '{c}', 'general_single', 'waitlisted', 10 + i, {ts}, 'n', \
               'w@example.jp', 's' || i, FALSE, '[]', {ts} FROM n;
             INSERT INTO participants (id, application_id, campaign_id, position, office_number, \
               name, kind, corporate_number, corporation_name, municipality_code, address, email, \
               role, honorarium_yen, status) \
             SELECT 'p' || id, id, campaign_id, 0, 'X' || id, 'n', 'care_management', \
               '7123456789012', 'c', '132039', 'a', 'w@example.jp', 'single', 26000, 'waitlisted' \
             FROM applications WHERE campaign_id = '{c}' AND status = 'waitlisted';
             UPDATE campaigns SET last_sequence = 10 + {waiting} WHERE id = '{c}';"
        ));
    let id = first.body["id"].as_str().unwrap();
    let w = app.post(&format!("/api/v1/applications/{id}/withdraw"), &json!({}));
    assert_eq!(w.status, 200, "{}", w.body);
    let s = app.request("GET", &format!("/api/v1/campaigns/{c}/slots"), None, None);
    assert_eq!(s.body["total"]["taken"], 1, "{}", s.body);
    assert_eq!(s.body["waitlisted"], waiting - 1);
    let promoted = texts(
        app,
        &format!(
            "SELECT id AS text FROM applications WHERE campaign_id = '{c}' AND status = 'accepted'"
        ),
    );
    assert_eq!(promoted, ["w1"], "the first in line");
});

on_both_backends!(
    a_national_size_attendee_list_imports_in_one_request,
    |app| {
        let c = app.open_campaign(5, 1);
        let mut csv = String::from("office_number\n");
        for n in 0..100_000u32 {
            let first_nine = format!("13{}{:06}", 1 + n % 2 * 6, n / 2);
            csv.push_str(&format!(
                "{first_nine}{}\n",
                crate::helpers::office_check_digit(&first_nine)
            ));
        }
        csv.push_str("13-bad\n");
        let r = app.raw(
            "POST",
            &format!("/api/v1/campaigns/{c}/seminar-attendees"),
            Some(&app.admin_token),
            &[],
            Some(("text/csv", csv.clone())),
        );
        assert_eq!(r.status, 201, "{}", r.body);
        assert_eq!(r.body["rows"], 100_000);
        assert_eq!(r.body["added"], 100_000);
        assert_eq!(r.body["invalid_rows"].as_array().unwrap().len(), 1);
        let again = app.raw(
            "POST",
            &format!("/api/v1/campaigns/{c}/seminar-attendees"),
            Some(&app.admin_token),
            &[],
            Some(("text/csv", csv)),
        );
        assert_eq!(again.body["added"], 0, "{}", again.body);
    }
);

on_both_backends!(
    intake_finds_earlier_participations_through_an_index,
    |app| {
        use diesel::sql_types::Text;
        let campaign = honoraria::domain::ids::CampaignId::new();
        let offices = ["1370000018".to_owned(), "1370000026".to_owned()];
        let query = honoraria::db::applications::participations_query(&campaign, &offices);
        // The statement as the code builds it, its binds passed again as binds.
        let statement = |shown: String| {
            shown
                .split(" -- binds:")
                .next()
                .expect("the statement")
                .to_owned()
        };
        let mut conn = app.pool.get().unwrap();
        let plan = if is_sqlite(app) {
            let sql =
                statement(diesel::debug_query::<diesel::sqlite::Sqlite, _>(&query).to_string());
            diesel::sql_query(format!("EXPLAIN QUERY PLAN {sql}"))
                .bind::<Text, _>(campaign.as_str())
                .bind::<Text, _>(&offices[0])
                .bind::<Text, _>(&offices[1])
                .load::<SqlitePlan>(&mut *conn)
                .unwrap()
                .into_iter()
                .map(|p| p.detail)
                .collect::<Vec<_>>()
                .join("\n")
        } else {
            // The pool's connections speak to both databases and bind no arrays: the two
            // values go in as literals of the types PostgreSQL would bind.
            let sql = statement(diesel::debug_query::<diesel::pg::Pg, _>(&query).to_string())
                .replace("$1", &format!("'{campaign}'"))
                .replace("$2", &format!("ARRAY['{}', '{}']", offices[0], offices[1]));
            conn.batch_execute("SET enable_seqscan = off").unwrap();
            diesel::sql_query(format!("EXPLAIN {sql}"))
                .load::<PgPlan>(&mut *conn)
                .unwrap()
                .into_iter()
                .map(|p| p.plan)
                .collect::<Vec<_>>()
                .join("\n")
        };
        assert!(plan.contains("participants_campaign_office"), "{plan}");
    }
);

#[derive(diesel::QueryableByName)]
struct PgPlan {
    #[diesel(sql_type = diesel::sql_types::Text, column_name = "QUERY PLAN")]
    plan: String,
}

#[derive(diesel::QueryableByName)]
struct SqlitePlan {
    #[diesel(sql_type = diesel::sql_types::Text)]
    detail: String,
}

on_both_backends!(a_worker_that_lost_its_lease_records_nothing, |app| {
    use honoraria::db::outbox;
    use honoraria::domain::delivery::{AttemptOutcome, DeliveryStatus};
    let c = app.open_campaign(5, 1);
    apply(app, &c, &single(1));
    let mut conn = app.pool.get().unwrap();
    let now = honoraria::clock::now();
    let short = now + chrono::Duration::seconds(1);
    let first = outbox::claim_next(&mut conn, now, short)
        .unwrap()
        .expect("a message");
    // The first worker stalls past its lease; a second takes the message over.
    let later = now + chrono::Duration::seconds(5);
    let second = outbox::claim_next(&mut conn, later, later + chrono::Duration::seconds(60))
        .unwrap()
        .expect("taken over");
    assert_eq!(first.message.id, second.message.id);
    assert!(!outbox::renew_lease(&mut conn, &first, later).unwrap());
    let sent = outbox::AttemptResult {
        status: DeliveryStatus::Sent,
        outcome: AttemptOutcome::Sent,
        reply: "250 ok",
        next_attempt_at: later,
    };
    assert!(!outbox::record_attempt(&mut conn, &first, &sent, later).unwrap());
    assert!(outbox::record_attempt(&mut conn, &second, &sent, later).unwrap());
    assert_eq!(
        outbox::attempts(&mut conn, &first.message.id)
            .unwrap()
            .len(),
        1
    );
});

#[test]
fn a_locked_sqlite_database_answers_503_with_retry_after_then_recovers() {
    use diesel::Connection;
    let app = TestApp::spawn_with(crate::helpers::Backend::Sqlite, |s| s.db_timeout_secs = 1)
        .expect("SQLite is always available");
    let c = app.open_campaign(5, 1);
    let path = app
        .settings
        .database_url
        .expose()
        .trim_start_matches("sqlite://")
        .to_owned();
    let mut other = diesel::SqliteConnection::establish(&path).unwrap();
    other.batch_execute("BEGIN EXCLUSIVE").unwrap();
    let started = std::time::Instant::now();
    let r = apply(&app, &c, &single(1));
    assert_eq!(r.status, 503, "{}", r.body);
    assert_eq!(r.retry_after.as_deref(), Some("5"));
    assert_eq!(r.content_type, "application/problem+json");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(20),
        "no hang"
    );
    other.batch_execute("COMMIT").unwrap();
    let r = apply(&app, &c, &single(1));
    assert_eq!(r.status, 201, "{}", r.body);
}

#[test]
fn postgresql_going_away_answers_503_and_recovers_without_a_restart() {
    use diesel::Connection;
    let Some(app) =
        TestApp::spawn_with(crate::helpers::Backend::Postgres, |s| s.db_timeout_secs = 1)
    else {
        return;
    };
    let c = app.open_campaign(5, 1);
    assert_eq!(apply(&app, &c, &single(1)).status, 201);
    let admin_url = std::env::var("TEST_POSTGRES_URL").unwrap();
    let name = app.db.url.rsplit('/').next().unwrap().to_owned();
    let mut admin = diesel::PgConnection::establish(&admin_url).unwrap();
    admin
        .batch_execute(&format!(
            "ALTER DATABASE {name} ALLOW_CONNECTIONS false; \
             SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}';"
        ))
        .unwrap();
    let ready = app.request("GET", "/ready", None, None);
    assert_eq!(ready.status, 503, "{}", ready.body);
    for n in 2..5 {
        let r = apply(&app, &c, &single(n));
        assert_eq!(r.status, 503, "{}", r.body);
        assert_eq!(r.retry_after.as_deref(), Some("5"));
        assert!(
            !r.body.to_string().contains("terminating"),
            "no database text: {}",
            r.body
        );
    }
    admin
        .batch_execute(&format!("ALTER DATABASE {name} ALLOW_CONNECTIONS true"))
        .unwrap();
    let mut recovered = false;
    for _ in 0..50 {
        if app.request("GET", "/ready", None, None).status == 200 {
            recovered = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(recovered, "ready again without a restart");
    let r = apply(&app, &c, &single(9));
    assert_eq!(r.status, 201, "{}", r.body);
}
