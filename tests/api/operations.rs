//! What an operator sees: request ids, metrics, structured logs that carry no secrets.

use crate::helpers::single;
use crate::on_both_backends;

on_both_backends!(every_response_carries_a_request_id, |app| {
    let mine = ureq::get(&format!("{}/health", app.base))
        .set("X-Request-Id", "trace-42")
        .call()
        .unwrap();
    assert_eq!(mine.header("X-Request-Id"), Some("trace-42"));
    let fresh = ureq::get(&format!("{}/health", app.base)).call().unwrap();
    let id = fresh.header("X-Request-Id").expect("a new id").to_owned();
    assert_eq!(uuid::Uuid::parse_str(&id).map(|_| ()), Ok(()));
    let refused = match ureq::get(&format!("{}/api/v1/campaigns", app.base)).call() {
        Err(ureq::Error::Status(401, r)) => r,
        other => panic!("expected 401, got {other:?}"),
    };
    assert!(
        refused.header("X-Request-Id").is_some(),
        "errors carry it too"
    );
    for (name, value) in [
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Cache-Control", "no-store"),
    ] {
        assert_eq!(fresh.header(name), Some(value), "{name}");
    }
    let junk = ureq::get(&format!("{}/health", app.base))
        .set("X-Request-Id", &"x".repeat(500))
        .call()
        .unwrap();
    assert_ne!(
        junk.header("X-Request-Id").map(str::len),
        Some(500),
        "replaced, not echoed"
    );
});

on_both_backends!(metrics_count_requests_slots_and_the_outbox, |app| {
    let c = app.open_campaign(5, 1);
    let r = app.request(
        "POST",
        &format!("/api/v1/campaigns/{c}/applications"),
        None,
        Some(&single(1)),
    );
    assert_eq!(r.status, 201);
    let text = ureq::get(&format!("{}/metrics", app.base))
        .call()
        .unwrap()
        .into_string()
        .unwrap();
    let code = app.get(&format!("/api/v1/campaigns/{c}")).body["code"]
        .as_str()
        .unwrap()
        .to_owned();
    for needle in [
        "honoraria_http_requests_total{method=\"POST\",route=\"/api/v1/campaigns/{id}/applications\",status=\"201\"}".to_owned(),
        "honoraria_http_request_duration_seconds_bucket".to_owned(),
        format!("honoraria_slots_taken{{campaign=\"{code}\"}} 1"),
        format!("honoraria_slots_cap{{campaign=\"{code}\"}} 5"),
        format!("honoraria_waiting_applications{{campaign=\"{code}\"}} 0"),
        "honoraria_outbox_messages{status=\"queued\"} 1".to_owned(),
    ] {
        assert!(text.contains(&needle), "{needle} missing from:\n{text}");
    }
});

/// A real `honoraria serve` with JSON logs at debug level and an SMTP server that needs a
/// password: a full round of requests, then the whole log is read.
#[test]
fn json_logs_carry_request_ids_and_never_a_secret() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("ops.db").display());
    let token = crate::helpers::cli_admin_token(&url);
    let smtp_password = "hunter2-smtp";
    let served = crate::helpers::serve_binary(
        &url,
        &[
            ("RUST_LOG", "debug".into()),
            ("HONORARIA_OUTBOX_POLL_MS", "50".into()),
            (
                "HONORARIA_OUTBOX_DIR",
                dir.path().join("outbox").display().to_string(),
            ),
            (
                "HONORARIA_SMTP_URL",
                format!(
                    "smtp://mailer:{smtp_password}@127.0.0.1:{}",
                    crate::smtp::free_port()
                ),
            ),
        ],
    );
    let (mut server, lines) = (served.child, served.log);
    let base = format!("http://127.0.0.1:{}", served.port);
    let campaign = crate::helpers::create_campaign_at(&base, &token);
    let applied: serde_json::Value =
        ureq::post(&format!("{base}/api/v1/campaigns/{campaign}/applications"))
            .set("X-Request-Id", "apply-1")
            .send_json(single(1))
            .unwrap()
            .into_json()
            .unwrap();
    let link = applied["status_url"].as_str().unwrap();
    let secret = link.rsplit('/').next().unwrap().to_owned();
    ureq::get(&format!("{base}{link}")).call().unwrap();
    let _ = ureq::get(&format!("{base}/api/v1/campaigns"))
        .set(
            "Authorization",
            "Bearer hnr_notarealtokenbutlookslikeone000",
        )
        .call();
    // Let the worker try (and fail) to reach the SMTP server a few times.
    std::thread::sleep(std::time::Duration::from_millis(600));
    server.kill().unwrap();
    let _ = server.wait();
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    let log = rest.join("\n");
    let mut tagged = 0;
    for line in &rest {
        let json: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|_| panic!("every log line is JSON: {line}"));
        if json["fields"]["message"] == "answered" {
            assert!(json["span"]["request_id"].is_string(), "{line}");
            tagged += 1;
        }
    }
    assert!(tagged >= 4, "one line per request: {log}");
    assert!(
        log.contains("\"request_id\":\"apply-1\""),
        "the caller's id is in the log"
    );
    for secret in [
        token.as_str(),
        secret.as_str(),
        smtp_password,
        "hnr_notarealtoken",
    ] {
        assert!(
            !log.contains(secret),
            "{secret} leaked into the log:\n{log}"
        );
    }
}
