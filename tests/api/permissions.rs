//! Who may do what, for every operation in the OpenAPI document: no token, each staff role,
//! and the applicant's status link. An operation missing from the table below fails the test,
//! so a new endpoint cannot ship unclassified. The README's permission table is this one.

use crate::helpers::single;
use crate::on_both_backends;
use crate::year_end::{fill_checkpoints, import_list, number, run_check};
use serde_json::json;

/// Who may call an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    /// Anyone, no token (applicants; health checks).
    Public,
    /// Every staff role, the auditor included.
    Staff,
    /// Admin and secretariat: they change things; the auditor gets 403.
    Operate,
    /// Admin only.
    Admin,
}

const TABLE: &[(&str, &str, Who)] = &[
    ("get", "/health", Who::Public),
    ("get", "/ready", Who::Public),
    ("get", "/metrics", Who::Public),
    ("get", "/api/v1/campaigns/{id}/slots", Who::Public),
    ("post", "/api/v1/campaigns/{id}/applications", Who::Public),
    ("get", "/api/v1/status/{secret}", Who::Public),
    ("post", "/api/v1/status/{secret}/withdraw", Who::Public),
    ("patch", "/api/v1/status/{secret}", Who::Public),
    ("get", "/api/v1/campaigns/{id}/surveys/{kind}", Who::Public),
    (
        "post",
        "/api/v1/status/{secret}/surveys/{kind}",
        Who::Public,
    ),
    (
        "get",
        "/api/v1/campaigns/{id}/surveys/{kind}/results",
        Who::Staff,
    ),
    (
        "get",
        "/api/v1/campaigns/{id}/surveys/{kind}/results.svg",
        Who::Staff,
    ),
    ("put", "/api/v1/campaigns/{id}/surveys/{kind}", Who::Operate),
    ("get", "/api/v1/me", Who::Staff),
    ("get", "/api/v1/campaigns", Who::Staff),
    ("get", "/api/v1/campaigns/{id}", Who::Staff),
    ("get", "/api/v1/campaigns/{id}/applications", Who::Staff),
    ("get", "/api/v1/campaigns/{id}/participants", Who::Staff),
    ("get", "/api/v1/applications/{id}", Who::Staff),
    ("get", "/api/v1/audit-events", Who::Staff),
    ("get", "/api/v1/audit-events/export", Who::Staff),
    ("get", "/api/v1/audit-events/verify", Who::Staff),
    ("get", "/api/v1/outbox", Who::Staff),
    ("get", "/api/v1/outbox/{id}", Who::Staff),
    ("get", "/api/v1/year-end-checks/{id}", Who::Staff),
    ("get", "/api/v1/year-end-checks/{id}/results", Who::Staff),
    ("get", "/api/v1/campaigns/{id}/payout-batches", Who::Staff),
    ("get", "/api/v1/payout-batches/{id}", Who::Staff),
    ("get", "/api/v1/payout-batches/{id}/lines", Who::Staff),
    ("get", "/api/v1/payout-batches/{id}/ledger.csv", Who::Staff),
    ("get", "/api/v1/payout-batches/{id}/ledger.json", Who::Staff),
    ("get", "/api/v1/payout-batches/{id}/ledger.xlsx", Who::Staff),
    (
        "get",
        "/api/v1/campaigns/{id}/participants/{office_number}/bank-account",
        Who::Staff,
    ),
    ("get", "/api/v1/campaigns/{id}/payer", Who::Staff),
    ("get", "/api/v1/campaigns/{id}/reconciliation", Who::Staff),
    ("get", "/api/v1/campaigns/{id}/outcome", Who::Staff),
    ("get", "/api/v1/campaigns/{id}/outcome.svg", Who::Staff),
    ("get", "/api/v1/campaigns/{id}/outcome.png", Who::Staff),
    ("patch", "/api/v1/campaigns/{id}", Who::Operate),
    (
        "post",
        "/api/v1/campaigns/{id}/seminar-attendees",
        Who::Operate,
    ),
    ("post", "/api/v1/applications/{id}/withdraw", Who::Operate),
    ("post", "/api/v1/applications/{id}/disqualify", Who::Operate),
    ("post", "/api/v1/applications/{id}/void", Who::Operate),
    ("post", "/api/v1/outbox/{id}/resend", Who::Operate),
    (
        "patch",
        "/api/v1/campaigns/{id}/participants/{office_number}/checkpoints",
        Who::Operate,
    ),
    ("post", "/api/v1/campaigns/{id}/checkpoints", Who::Operate),
    ("post", "/api/v1/campaigns/{id}/usage-lists", Who::Operate),
    (
        "post",
        "/api/v1/campaigns/{id}/year-end-checks",
        Who::Operate,
    ),
    ("post", "/api/v1/year-end-checks/{id}/notify", Who::Operate),
    ("post", "/api/v1/campaigns/{id}/reminders", Who::Operate),
    (
        "post",
        "/api/v1/campaigns/{id}/payout-batches",
        Who::Operate,
    ),
    ("post", "/api/v1/payout-batches/{id}/cancel", Who::Operate),
    ("post", "/api/v1/payout-batches/{id}/approve", Who::Operate),
    ("get", "/api/v1/payout-batches/{id}/zengin", Who::Operate),
    (
        "put",
        "/api/v1/campaigns/{id}/participants/{office_number}/bank-account",
        Who::Operate,
    ),
    ("put", "/api/v1/campaigns/{id}/payer", Who::Operate),
    ("post", "/api/v1/office-registers", Who::Operate),
    ("post", "/api/v1/campaigns", Who::Admin),
    ("post", "/api/v1/tokens", Who::Admin),
    ("get", "/api/v1/tokens", Who::Admin),
    ("delete", "/api/v1/tokens/{id}", Who::Admin),
];

on_both_backends!(every_endpoint_lets_in_exactly_who_it_should, |app| {
    // Something real behind every id: an accepted office with a status link, a check, a
    // batch drafted by someone else than the tokens below, a message, a spare token.
    let c = crate::year_end::campaign_of_five(app);
    fill_checkpoints(app, &c);
    import_list(app, &c, &[number(1, "care_management")]);
    let check = run_check(app, &c);
    let author = app.token("secretariat");
    let batch = app.request(
        "POST",
        &format!("/api/v1/campaigns/{c}/payout-batches"),
        Some(&author),
        Some(&json!({"year_end_check_id": check["id"]})),
    );
    assert_eq!(batch.status, 201, "{}", batch.body);
    let applied = app.request(
        "POST",
        &format!("/api/v1/campaigns/{c}/applications"),
        None,
        Some(&single(9)),
    );
    let application = applied.body["id"].as_str().unwrap().to_owned();
    let secret = applied.body["status_url"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    let message = app.get("/api/v1/outbox").body["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let spare = app.post(
        "/api/v1/tokens",
        &json!({"role": "auditor", "name": "spare"}),
    );
    let spare = spare.body["id"].as_str().unwrap().to_owned();
    let secretariat = app.token("secretariat");
    let auditor = app.token("auditor");
    // A secretariat person signed in to the console, calling the JSON API with the cookie alone.
    let email = "permissions@example.jp";
    crate::sign_in::add_person(
        app,
        email,
        honoraria::domain::role::Role::Secretariat,
        Some(crate::sign_in::PASSWORD),
    );
    let mut console = crate::sign_in::Client::new(app);
    let signed = console.sign_in(email, crate::sign_in::PASSWORD, "", "/staff");
    assert_eq!(signed.status, 303, "{}", signed.text);
    let cookie = format!("honoraria_staff={}", console.session().expect("a session"));
    let fill = |path: &str| -> String {
        let id = if path.starts_with("/api/v1/campaigns/{id}") {
            c.clone()
        } else if path.starts_with("/api/v1/applications/") {
            application.clone()
        } else if path.starts_with("/api/v1/outbox/") {
            message.clone()
        } else if path.starts_with("/api/v1/payout-batches/") {
            batch.body["id"].as_str().unwrap().to_owned()
        } else if path.starts_with("/api/v1/year-end-checks/") {
            check["id"].as_str().unwrap().to_owned()
        } else {
            spare.clone()
        };
        path.replace("{id}", &id)
            .replace("{office_number}", &number(1, "care_management"))
            .replace("{secret}", &secret)
            .replace("{kind}", "start")
    };

    let spec = app.request("GET", "/api/v1/openapi.json", None, None).body;
    let mut documented = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            documented.push((method.clone(), path.clone()));
        }
    }
    for (method, path) in &documented {
        assert!(
            TABLE.iter().any(|(m, p, _)| m == method && p == path),
            "{method} {path} is in the OpenAPI document but not in the permission table"
        );
    }
    assert_eq!(
        documented.len(),
        TABLE.len(),
        "the table names only documented operations"
    );

    let refused = |status: u16| status == 401 || status == 403;
    for (method, path, who) in TABLE {
        let url = fill(path);
        let call = |token: Option<&str>| {
            let body = (*method != "get" && *method != "delete").then(|| json!({}));
            app.request(&method.to_uppercase(), &url, token, body.as_ref())
                .status
        };
        let anonymous = call(None);
        let by_auditor = call(Some(&auditor));
        let by_secretariat = call(Some(&secretariat));
        let by_admin = call(Some(&app.admin_token));
        let expected = match who {
            Who::Public => [false, false, false, false],
            Who::Staff => [true, false, false, false],
            Who::Operate => [true, true, false, false],
            Who::Admin => [true, true, true, false],
        };
        let seen = [
            refused(anonymous),
            refused(by_auditor),
            refused(by_secretariat),
            refused(by_admin),
        ];
        assert_eq!(
            seen,
            expected,
            "{method} {path}: refused? (none, auditor, secretariat, admin) got statuses {:?}",
            [anonymous, by_auditor, by_secretariat, by_admin]
        );
        if *who != Who::Public {
            assert_eq!(anonymous, 401, "{method} {path} without a token");
        }
        // A session reads (any GET its secretariat person's role allows, the bank file
        // included) and changes nothing.
        let body = (*method != "get" && *method != "delete")
            .then(|| ("application/json", "{}".to_owned()));
        let by_session = app
            .raw(
                &method.to_uppercase(),
                &url,
                None,
                &[("Cookie", &cookie)],
                body,
            )
            .status;
        let session_refused = match who {
            Who::Public => false,
            Who::Staff | Who::Operate => *method != "get",
            Who::Admin => true,
        };
        assert_eq!(
            refused(by_session),
            session_refused,
            "{method} {path} with a console session: {by_session}"
        );
    }
});
