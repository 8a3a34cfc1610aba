use crate::helpers::{fields, model, office, pair, single};
use crate::on_both_backends;
use serde_json::json;

fn apply(
    app: &crate::helpers::TestApp,
    campaign: &str,
    body: &serde_json::Value,
) -> crate::helpers::Response {
    app.request(
        "POST",
        &format!("/api/v1/campaigns/{campaign}/applications"),
        None,
        Some(body),
    )
}

fn slots(app: &crate::helpers::TestApp, campaign: &str) -> serde_json::Value {
    app.request(
        "GET",
        &format!("/api/v1/campaigns/{campaign}/slots"),
        None,
        None,
    )
    .body
}

on_both_backends!(
    a_single_office_is_accepted_with_its_place_and_honorarium,
    |app| {
        let c = app.open_campaign(50, 10);
        let r = apply(app, &c, &single(1));
        assert_eq!(r.status, 201, "{}", r.body);
        assert_eq!(r.body["status"], "accepted");
        assert_eq!(r.body["sequence"], 1);
        assert_eq!(r.body["participants"][0]["role"], "single");
        assert_eq!(r.body["participants"][0]["honorarium_yen"], 26000);
        assert!(r.body["status_url"]
            .as_str()
            .unwrap()
            .starts_with("/api/v1/status/"));
        assert_eq!(slots(app, &c)["total"]["taken"], 1);
    }
);

on_both_backends!(
    a_model_application_takes_a_model_slot_and_one_per_referral,
    |app| {
        let c = app.open_campaign(50, 10);
        let r = apply(app, &c, &model(1, 2));
        assert_eq!(r.status, 201, "{}", r.body);
        let paid: Vec<_> = r.body["participants"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                (
                    p["role"].as_str().unwrap().to_owned(),
                    p["honorarium_yen"].as_i64().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            paid,
            [("model".to_owned(), 31000), ("referred".to_owned(), 26000)]
        );
        let s = slots(app, &c);
        assert_eq!(
            (s["total"]["taken"].as_i64(), s["model"]["taken"].as_i64()),
            (Some(2), Some(1))
        );
    }
);

on_both_backends!(
    an_application_that_does_not_fit_whole_waits_and_a_smaller_one_still_fits,
    |app| {
        let c = app.open_campaign(2, 1);
        assert_eq!(apply(app, &c, &single(1)).body["status"], "accepted");
        let p = apply(app, &c, &pair(2, 3));
        assert_eq!(
            (p.body["status"].as_str(), p.body["sequence"].as_i64()),
            (Some("waitlisted"), Some(2))
        );
        let s = apply(app, &c, &single(4));
        assert_eq!(
            s.body["status"], "accepted",
            "first fit: a single goes past the waiting pair"
        );
        let counter = slots(app, &c);
        assert_eq!(
            counter["total"],
            json!({"cap": 2, "taken": 2, "remaining": 0})
        );
        assert_eq!(
            (
                counter["waitlisted"].as_i64(),
                counter["waitlisted_offices"].as_i64()
            ),
            (Some(1), Some(2))
        );
    }
);

on_both_backends!(
    a_withdrawal_promotes_the_first_waiting_applications_that_fit,
    |app| {
        let c = app.open_campaign(2, 1);
        let first = apply(app, &c, &single(1));
        apply(app, &c, &single(2));
        let waiting_pair = apply(app, &c, &pair(3, 4));
        let waiting_single = apply(app, &c, &single(5));
        assert_eq!(waiting_single.body["status"], "waitlisted");
        let id = first.body["id"].as_str().unwrap();
        let r = app.post(
            &format!("/api/v1/applications/{id}/withdraw"),
            &json!({"reason": "辞退の連絡"}),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.body["status"], "withdrawn");
        let pair_now = app.get(&format!(
            "/api/v1/applications/{}",
            waiting_pair.body["id"].as_str().unwrap()
        ));
        let single_now = app.get(&format!(
            "/api/v1/applications/{}",
            waiting_single.body["id"].as_str().unwrap()
        ));
        assert_eq!(
            pair_now.body["status"], "waitlisted",
            "the pair needs two slots; one freed"
        );
        assert_eq!(single_now.body["status"], "accepted");
        assert_eq!(slots(app, &c)["total"]["taken"], 2);
        let again = app.post(&format!("/api/v1/applications/{id}/withdraw"), &json!({}));
        assert_eq!(again.status, 409);
    }
);

on_both_backends!(
    an_office_takes_part_once_and_may_reapply_only_after_withdrawing,
    |app| {
        let c = app.open_campaign(50, 10);
        let first = apply(app, &c, &single(1));
        let mut as_referral = model(2, 3);
        as_referral["referrals"][0] = office(1, "care_management");
        let r = apply(app, &c, &as_referral);
        assert_eq!(r.status, 409, "{}", r.body);
        assert!(r.body["detail"].as_str().unwrap().contains(
            office(1, "care_management")["office_number"]
                .as_str()
                .unwrap()
        ));
        assert!(
            !r.body.to_string().contains("accepted"),
            "how another application holds the office is nobody else's business: {}",
            r.body
        );
        assert_eq!(
            app.get(&format!("/api/v1/campaigns/{c}/applications")).body["total"],
            1,
            "first untouched"
        );

        let secret_path = first.body["status_url"].as_str().unwrap();
        let w = app.request("POST", &format!("{secret_path}/withdraw"), None, None);
        assert_eq!(w.status, 200, "{}", w.body);
        let again = apply(app, &c, &single(1));
        assert_eq!(
            (again.status, again.body["sequence"].as_i64()),
            (201, Some(2)),
            "a refused application takes no place in line"
        );
    }
);

on_both_backends!(a_disqualified_office_may_not_apply_again, |app| {
    let c = app.open_campaign(50, 10);
    let id = apply(app, &c, &single(1)).body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let no_reason = app.post(&format!("/api/v1/applications/{id}/disqualify"), &json!({}));
    assert_eq!(
        (no_reason.status, fields(&no_reason)),
        (422, vec!["reason".to_owned()])
    );
    assert_eq!(
        app.post(
            &format!("/api/v1/applications/{id}/disqualify"),
            &json!({"reason": "区域外"})
        )
        .status,
        200
    );
    assert_eq!(apply(app, &c, &single(1)).status, 409);
});

on_both_backends!(
    a_refused_application_names_every_field_and_writes_nothing,
    |app| {
        let c = app.open_campaign(50, 10);
        let mut body = pair(1, 2);
        body["offices"][1]["kind"] = json!("care_management");
        body["offices"][1]["corporate_number"] = json!("1234567890123");
        body["offices"][0]["municipality_code"] = json!("131016");
        body["contact"]["email"] = json!("nope");
        let r = apply(app, &c, &body);
        assert_eq!(r.status, 422);
        assert_eq!(r.content_type, "application/problem+json");
        assert_eq!(
            fields(&r),
            [
                "contact.email",
                "offices[0].municipality_code",
                "offices[1].corporate_number",
                "offices[1].kind"
            ]
        );
        assert_eq!(slots(app, &c)["total"]["taken"], 0);
        assert_eq!(
            app.get(&format!("/api/v1/campaigns/{c}/applications")).body["total"],
            0
        );
    }
);

on_both_backends!(
    a_mismatched_office_check_digit_is_accepted_for_review,
    |app| {
        let c = app.open_campaign(50, 10);
        let mut body = single(1);
        let number = body["offices"][0]["office_number"]
            .as_str()
            .unwrap()
            .to_owned();
        let wrong = (number.chars().last().unwrap().to_digit(10).unwrap() + 1) % 10;
        body["offices"][0]["office_number"] = json!(format!("{}{wrong}", &number[..9]));
        let r = apply(app, &c, &body);
        assert_eq!(r.status, 201, "{}", r.body);
        assert_eq!(r.body["needs_review"], true);
        assert_eq!(r.body["warnings"][0]["field"], "offices[0].office_number");
        let listed = app.get(&format!(
            "/api/v1/campaigns/{c}/applications?needs_review=true"
        ));
        assert_eq!(listed.body["total"], 1);
    }
);

on_both_backends!(a_closed_or_unopened_campaign_refuses_applications, |app| {
    let closed = app
        .post("/api/v1/campaigns", &crate::helpers::musashino())
        .body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = apply(app, &closed, &single(1));
    assert_eq!(r.status, 409);
    assert!(r.body["detail"].as_str().unwrap().contains("deadline"));
    assert_eq!(apply(app, "no-such-campaign", &single(1)).status, 404);
});

on_both_backends!(a_double_clicked_submit_creates_one_application, |app| {
    let c = app.open_campaign(50, 10);
    let path = format!("/api/v1/campaigns/{c}/applications");
    let body = single(1).to_string();
    let send = |b: &str| {
        app.raw(
            "POST",
            &path,
            None,
            &[("Idempotency-Key", "click-1")],
            Some(("application/json", b.to_owned())),
        )
    };
    let first = send(&body);
    let second = send(&body);
    assert_eq!((first.status, second.status), (201, 201));
    assert_eq!(first.body, second.body);
    assert_eq!(
        app.get(&format!("/api/v1/campaigns/{c}/applications")).body["total"],
        1
    );
    let other = send(&single(2).to_string());
    assert_eq!(other.status, 422);
});

on_both_backends!(
    the_status_link_shows_one_application_with_the_email_masked,
    |app| {
        let c = app.open_campaign(50, 10);
        let r = apply(app, &c, &single(7));
        let status = app.request("GET", r.body["status_url"].as_str().unwrap(), None, None);
        assert_eq!(status.status, 200);
        assert_eq!(status.body["status"], "accepted");
        assert_eq!(status.body["contact_email"], "c***@example.jp");
        assert!(!status.body.to_string().contains("contact7@example.jp"));
        assert_eq!(
            app.request("GET", "/api/v1/status/not-a-secret", None, None)
                .status,
            404
        );
    }
);

on_both_backends!(
    raising_the_cap_promotes_waiting_applications_at_once,
    |app| {
        let c = app.open_campaign(1, 1);
        apply(app, &c, &single(1));
        let waiting = apply(app, &c, &single(2));
        assert_eq!(waiting.body["status"], "waitlisted");
        let path = format!("/api/v1/campaigns/{c}");
        let lower = app.request(
            "PATCH",
            &path,
            Some(&app.admin_token),
            Some(&json!({"total_slots": 0})),
        );
        assert_eq!(lower.status, 422, "total_slots must be at least 1");
        let r = app.request(
            "PATCH",
            &path,
            Some(&app.admin_token),
            Some(&json!({"total_slots": 2})),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        let now = app.get(&format!(
            "/api/v1/applications/{}",
            waiting.body["id"].as_str().unwrap()
        ));
        assert_eq!(now.body["status"], "accepted");
        let below = app.request(
            "PATCH",
            &path,
            Some(&app.admin_token),
            Some(&json!({"total_slots": 1})),
        );
        assert_eq!(below.status, 409);
    }
);

on_both_backends!(reserved_seminar_slots_wait_for_attendees, |app| {
    let c = app.open_campaign(2, 1);
    let path = format!("/api/v1/campaigns/{c}");
    assert_eq!(
        app.request(
            "PATCH",
            &path,
            Some(&app.admin_token),
            Some(&json!({"reserved_seminar_slots": 1}))
        )
        .status,
        200
    );
    assert_eq!(apply(app, &c, &single(1)).body["status"], "accepted");
    let outsider = apply(app, &c, &single(2));
    assert_eq!(
        outsider.body["status"], "waitlisted",
        "the last slot is kept for attendees"
    );
    let number = office(2, "care_management")["office_number"]
        .as_str()
        .unwrap()
        .to_owned();
    let csv = format!("office_number,name\n{number},テスト\nbad,row\n");
    let r = app.raw(
        "POST",
        &format!("{path}/seminar-attendees"),
        Some(&app.admin_token),
        &[],
        Some(("text/csv", csv)),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(
        (
            r.body["rows"].as_i64(),
            r.body["invalid_rows"][0]["line"].as_i64()
        ),
        (Some(1), Some(3))
    );
    let now = app.get(&format!(
        "/api/v1/applications/{}",
        outsider.body["id"].as_str().unwrap()
    ));
    assert_eq!(
        now.body["status"], "accepted",
        "an attendee may take the reserved slot"
    );
});

on_both_backends!(an_unknown_filter_value_is_refused_naming_the_field, |app| {
    let c = app.open_campaign(5, 1);
    let r = app.get(&format!(
        "/api/v1/campaigns/{c}/applications?status=pending"
    ));
    assert_eq!((r.status, fields(&r)), (422, vec!["status".to_owned()]));
    let r = app.get(&format!(
        "/api/v1/campaigns/{c}/applications?needs_review=maybe"
    ));
    assert_eq!(r.status, 400);
});

on_both_backends!(an_expired_idempotency_key_no_longer_replays, |app| {
    let c = app.open_campaign(50, 10);
    let path = format!("/api/v1/campaigns/{c}/applications");
    let send = || {
        app.raw(
            "POST",
            &path,
            None,
            &[("Idempotency-Key", "k")],
            Some(("application/json", single(1).to_string())),
        )
    };
    assert_eq!(send().status, 201);
    assert_eq!(send().status, 201, "replayed");
    app.execute_sql("UPDATE idempotency_keys SET created_at = '2020-01-01 00:00:00'");
    let mut conn = app.pool.get().unwrap();
    let cutoff = honoraria::clock::now() - chrono::Duration::hours(24);
    assert_eq!(
        honoraria::db::idempotency::purge_before(&mut conn, cutoff).unwrap(),
        1
    );
    drop(conn);
    assert_eq!(
        send().status,
        409,
        "processed anew: the office already takes part"
    );
});

on_both_backends!(a_campaign_not_yet_open_refuses_applications, |app| {
    let mut body = crate::helpers::musashino();
    body["code"] = json!("future");
    body["opens_at"] = json!((chrono::Utc::now() + chrono::Duration::days(2)).to_rfc3339());
    body["deadline"] = json!((chrono::Utc::now() + chrono::Duration::days(30))
        .date_naive()
        .to_string());
    body["ends_on"] = json!((chrono::Utc::now() + chrono::Duration::days(90))
        .date_naive()
        .to_string());
    let c = app.post("/api/v1/campaigns", &body);
    assert_eq!(c.body["phase"], "not_yet_open");
    let r = apply(app, c.body["id"].as_str().unwrap(), &single(1));
    assert_eq!(r.status, 409);
    assert!(r.body["detail"].as_str().unwrap().contains("not open"));
    assert_eq!(
        slots(app, c.body["id"].as_str().unwrap())["accepting"],
        false
    );
});

on_both_backends!(after_the_deadline_a_freed_slot_promotes_nobody, |app| {
    let c = app.open_campaign(1, 1);
    let first = apply(app, &c, &single(1));
    let waiting = apply(app, &c, &single(2));
    assert_eq!(waiting.body["status"], "waitlisted");
    let yesterday_in_japan =
        (chrono::Utc::now() + chrono::Duration::hours(9)).date_naive() - chrono::Duration::days(1);
    let closed = app.request("PATCH", &format!("/api/v1/campaigns/{c}"), Some(&app.admin_token),
        Some(&json!({"deadline": yesterday_in_japan.to_string(), "reason": "定員に達したため早期締切"})));
    assert_eq!(
        (closed.status, closed.body["phase"].as_str()),
        (200, Some("closed")),
        "{}",
        closed.body
    );
    let id = first.body["id"].as_str().unwrap();
    assert_eq!(
        app.post(&format!("/api/v1/applications/{id}/withdraw"), &json!({}))
            .status,
        200
    );
    let still = app.get(&format!(
        "/api/v1/applications/{}",
        waiting.body["id"].as_str().unwrap()
    ));
    assert_eq!(
        still.body["status"], "waitlisted",
        "promote_after_deadline is false by default"
    );
    assert_eq!(slots(app, &c)["total"]["taken"], 0);
});

on_both_backends!(
    simultaneous_retries_with_one_key_create_one_application,
    |app| {
        let c = app.open_campaign(50, 10);
        let path = format!("/api/v1/campaigns/{c}/applications");
        let body = single(1).to_string();
        let ids: Vec<(u16, String)> = std::thread::scope(|s| {
            let sends: Vec<_> = (0..12)
                .map(|_| {
                    s.spawn(|| {
                        let r = app.raw(
                            "POST",
                            &path,
                            None,
                            &[("Idempotency-Key", "same")],
                            Some(("application/json", body.clone())),
                        );
                        (
                            r.status,
                            r.body["id"].as_str().unwrap_or_default().to_owned(),
                        )
                    })
                })
                .collect();
            sends.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert!(
            ids.iter()
                .all(|(status, id)| *status == 201 && *id == ids[0].1),
            "{ids:?}"
        );
        assert_eq!(
            app.get(&format!("/api/v1/campaigns/{c}/applications")).body["total"],
            1
        );
    }
);
