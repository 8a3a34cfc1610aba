use crate::on_both_backends;
use serde_json::json;

on_both_backends!(requests_without_a_known_token_get_401, |app| {
    let none = app.request("GET", "/api/v1/campaigns", None, None);
    assert_eq!(none.status, 401);
    assert_eq!(none.content_type, "application/problem+json");
    assert_eq!(
        app.request("GET", "/api/v1/campaigns", Some("hnr_notarealtoken"), None)
            .status,
        401
    );
    assert_eq!(
        app.request("GET", "/api/v1/campaigns", Some("no-prefix"), None)
            .status,
        401
    );
});

on_both_backends!(an_admin_token_issues_tokens_shown_once, |app| {
    let r = app.post(
        "/api/v1/tokens",
        &json!({"role": "secretariat", "name": "鈴木"}),
    );
    assert_eq!(r.status, 201);
    let token = r.body["token"].as_str().unwrap();
    assert!(token.starts_with("hnr_") && token.len() == 36);
    assert_eq!(
        app.request("GET", "/api/v1/campaigns", Some(token), None)
            .status,
        200
    );

    let list = app.get("/api/v1/tokens");
    assert_eq!(list.status, 200);
    assert_eq!(list.body["total"], 2);
    assert!(
        !list.body.to_string().contains(token),
        "secrets are never listed"
    );
});

on_both_backends!(only_admins_manage_tokens_and_auditors_only_read, |app| {
    let secretariat = app.token("secretariat");
    let auditor = app.token("auditor");
    let body = json!({"role": "admin", "name": "x"});
    assert_eq!(
        app.request("POST", "/api/v1/tokens", Some(&secretariat), Some(&body))
            .status,
        403
    );
    assert_eq!(
        app.request("GET", "/api/v1/campaigns", Some(&auditor), None)
            .status,
        200
    );
    let created = app.request(
        "POST",
        "/api/v1/campaigns",
        Some(&auditor),
        Some(&crate::helpers::musashino()),
    );
    assert_eq!(created.status, 403);
    assert_eq!(created.content_type, "application/problem+json");
});

on_both_backends!(a_revoked_token_stops_working, |app| {
    let r = app.post(
        "/api/v1/tokens",
        &json!({"role": "auditor", "name": "temp"}),
    );
    let (id, token) = (
        r.body["id"].as_str().unwrap(),
        r.body["token"].as_str().unwrap(),
    );
    let revoked = app.request(
        "DELETE",
        &format!("/api/v1/tokens/{id}"),
        Some(&app.admin_token),
        None,
    );
    assert_eq!(revoked.status, 200);
    assert!(revoked.body["revoked_at"].is_string());
    assert_eq!(
        app.request("GET", "/api/v1/campaigns", Some(token), None)
            .status,
        401
    );
});

on_both_backends!(a_bad_token_request_names_the_field, |app| {
    let r = app.post("/api/v1/tokens", &json!({"role": "admin", "name": ""}));
    assert_eq!(r.status, 422);
    assert_eq!(crate::helpers::fields(&r), ["name"]);
    let r = app.post("/api/v1/tokens", &json!({"role": "root", "name": "x"}));
    assert_eq!(r.status, 400);
    assert!(
        r.body["detail"].as_str().unwrap().contains("role"),
        "{}",
        r.body
    );
});
