use crate::helpers::{fields, musashino};
use crate::on_both_backends;
use serde_json::json;

on_both_backends!(
    the_musashino_fixture_creates_the_campaign_as_in_the_seed,
    |app| {
        let r = app.post("/api/v1/campaigns", &musashino());
        assert_eq!(r.status, 201, "{}", r.body);
        let c = &r.body;
        assert_eq!(c["code"], "musashino-2023");
        assert_eq!(c["opens_at"], "2023-10-01T09:00:00+09:00");
        assert_eq!(c["closes_at"], "2023-12-16T00:00:00+09:00");
        assert_eq!(c["total_slots"], 50);
        assert_eq!(c["model_slots"], 10);
        assert_eq!(
            c["honoraria"],
            json!({"general": 26000, "model": 31000, "referred": 26000})
        );
        assert_eq!(c["rules"]["office_check_digit"], "flag");
        assert_eq!(c["phase"], "closed");
        let id = c["id"].as_str().unwrap();
        let got = app.get(&format!("/api/v1/campaigns/{id}"));
        assert_eq!(got.body["id"], c["id"]);
        let list = app.get("/api/v1/campaigns?page=1&per_page=10");
        assert_eq!(
            (list.body["total"].as_i64(), list.body["per_page"].as_i64()),
            (Some(1), Some(10))
        );
    }
);

on_both_backends!(a_second_campaign_with_the_same_code_is_a_conflict, |app| {
    assert_eq!(app.post("/api/v1/campaigns", &musashino()).status, 201);
    let again = app.post("/api/v1/campaigns", &musashino());
    assert_eq!(again.status, 409);
    assert_eq!(again.content_type, "application/problem+json");
});

on_both_backends!(every_invalid_campaign_field_is_named_at_once, |app| {
    let mut body = musashino();
    body["region_code"] = json!("13203X");
    body["deadline"] = json!("2024-04-30");
    body["model_slots"] = json!(51);
    body["honoraria"]["model"] = json!(-1);
    let r = app.post("/api/v1/campaigns", &body);
    assert_eq!(r.status, 422);
    assert_eq!(
        fields(&r),
        ["region_code", "deadline", "model_slots", "honoraria.model"]
    );
    assert_eq!(
        app.get("/api/v1/campaigns").body["total"],
        0,
        "nothing written"
    );
});

on_both_backends!(a_malformed_body_is_a_400_naming_the_place, |app| {
    let r = app.raw(
        "POST",
        "/api/v1/campaigns",
        Some(&app.admin_token),
        &[],
        Some(("application/json", "{\"code\": ".into())),
    );
    assert_eq!(r.status, 400);
    let mut body = musashino();
    body["total_slots"] = json!("fifty");
    let r = app.post("/api/v1/campaigns", &body);
    assert_eq!(r.status, 400);
    assert!(
        r.body["detail"].as_str().unwrap().contains("total_slots"),
        "{}",
        r.body
    );
    let r = app.get("/api/v1/campaigns?page=0");
    assert_eq!((r.status, fields(&r)), (422, vec!["page".to_owned()]));
    assert_eq!(app.get("/api/v1/campaigns?page=abc").status, 400);
    assert_eq!(app.get("/api/v1/campaigns/not-a-campaign").status, 404);
});

on_both_backends!(
    a_deadline_change_needs_a_reason_and_is_kept_in_the_history,
    |app| {
        let id = app.post("/api/v1/campaigns", &musashino()).body["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let secretariat = app.token("secretariat");
        let path = format!("/api/v1/campaigns/{id}");
        let no_reason = app.request(
            "PATCH",
            &path,
            Some(&secretariat),
            Some(&json!({"deadline": "2023-12-22"})),
        );
        assert_eq!(
            (no_reason.status, fields(&no_reason)),
            (422, vec!["reason".to_owned()])
        );
        let after_end = app.request(
            "PATCH",
            &path,
            Some(&secretariat),
            Some(&json!({"deadline": "2024-04-01", "reason": "x"})),
        );
        assert_eq!(
            (after_end.status, fields(&after_end)),
            (422, vec!["deadline".to_owned()])
        );
        let r = app.request(
            "PATCH",
            &path,
            Some(&secretariat),
            Some(&json!({"deadline": "2023-12-22", "reason": "応募が少ないため延長"})),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.body["deadline"], "2023-12-22");
        let history = r.body["deadline_history"].as_array().unwrap();
        assert_eq!(history.len(), 1);
        assert_eq!(history[0]["previous_deadline"], "2023-12-15");
        assert_eq!(history[0]["new_deadline"], "2023-12-22");
        assert_eq!(history[0]["reason"], "応募が少ないため延長");
        assert_eq!(history[0]["changed_by"], "secretariat:secretariat-user");
        let auditor = app.token("auditor");
        assert_eq!(
            app.request("PATCH", &path, Some(&auditor), Some(&json!({"name": "x"})))
                .status,
            403
        );
    }
);

on_both_backends!(honoraria_are_fixed_once_the_campaign_has_opened, |app| {
    let id = app.open_campaign(50, 10);
    let r = app.request(
        "PATCH",
        &format!("/api/v1/campaigns/{id}"),
        Some(&app.admin_token),
        Some(&json!({"honoraria": {"general": 30000, "model": 31000, "referred": 26000}})),
    );
    assert_eq!(r.status, 409);
});

on_both_backends!(the_public_slot_counter_needs_no_token, |app| {
    let id = app.open_campaign(50, 10);
    let r = app.request("GET", &format!("/api/v1/campaigns/{id}/slots"), None, None);
    assert_eq!(r.status, 200);
    assert_eq!(
        r.body["total"],
        json!({"cap": 50, "taken": 0, "remaining": 50})
    );
    assert_eq!(
        r.body["model"],
        json!({"cap": 10, "taken": 0, "remaining": 10})
    );
    assert_eq!(r.body["waitlisted"], 0);
    assert_eq!(r.body["accepting"], true);
    assert_eq!(
        app.request("GET", "/api/v1/campaigns/nope/slots", None, None)
            .status,
        404
    );
});

fn public_endpoints_refuse_a_client_over_its_limit(backend: crate::helpers::Backend) {
    let Some(app) = crate::helpers::TestApp::spawn_with(backend, |s| {
        s.public_view_rate_limit = Some(2);
    }) else {
        return;
    };
    let id = app.open_campaign(5, 1);
    let path = format!("/api/v1/campaigns/{id}/slots");
    assert_eq!(app.request("GET", &path, None, None).status, 200);
    assert_eq!(app.request("GET", &path, None, None).status, 200);
    let third = app.request("GET", &path, None, None);
    assert_eq!(
        (third.status, third.content_type.as_str()),
        (429, "application/problem+json")
    );
    assert_eq!(
        app.get("/api/v1/campaigns").status,
        200,
        "staff endpoints are not limited"
    );
}

mod public_endpoints_refuse_a_client_over_its_limit {
    #[test]
    fn sqlite() {
        super::public_endpoints_refuse_a_client_over_its_limit(crate::helpers::Backend::Sqlite);
    }
    #[test]
    fn postgres() {
        super::public_endpoints_refuse_a_client_over_its_limit(crate::helpers::Backend::Postgres);
    }
}
