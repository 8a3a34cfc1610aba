//! Four eyes by person, whichever way each step came: a batch drafted in the console and
//! approved with the same person's token, and one approved with a token the person minted
//! over the API.

use crate::helpers::TestApp;
use crate::on_both_backends;
use crate::sign_in::{add_person, Client, PASSWORD};
use crate::year_end::{campaign_of_five, fill_checkpoints, import_list, number, run_check};
use honoraria::domain::role::Role;
use honoraria::service::{tokens, Actor};
use honoraria::{clock, db};
use serde_json::json;

/// A token of the person with this email, as `token create --for` makes it.
fn token_of(app: &TestApp, email: &str, role: Role, name: &str) -> String {
    let mut conn = app.pool.get().unwrap();
    db::write_transaction(&mut conn, |c| {
        let person = db::people::find_by_email(c, email)?.expect("a person");
        tokens::create(
            c,
            &Actor::cli(),
            clock::now(),
            role,
            name,
            tokens::Owner::Person(&person),
        )
    })
    .expect("token")
    .token
    .expose()
    .to_owned()
}

/// A campaign past its year-end check, ready for a batch: the check's id.
fn checked_campaign(app: &TestApp) -> (String, String) {
    let c = campaign_of_five(app);
    fill_checkpoints(app, &c);
    import_list(
        app,
        &c,
        &[number(1, "care_management"), number(3, "care_management")],
    );
    let check = run_check(app, &c);
    (c, check["id"].as_str().unwrap().to_owned())
}

on_both_backends!(
    drafted_in_the_console_the_same_persons_token_cannot_approve,
    |app| {
        let email = "hanako@example.jp";
        add_person(app, email, Role::Secretariat, Some(PASSWORD));
        let token = token_of(app, email, Role::Secretariat, "hanako-laptop");
        let (c, check) = checked_campaign(app);

        let mut browser = Client::new(app);
        assert_eq!(browser.sign_in(email, PASSWORD, "", "").status, 303);
        let payouts = format!("/staff/campaigns/{c}/payouts");
        let drafted = browser.submit(
            &payouts,
            &format!("/staff/campaigns/{c}/payout-batches"),
            &[("year_end_check_id", &check)],
        );
        assert_eq!(drafted.status, 303, "{}", drafted.text);
        let batch = drafted
            .location
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap()
            .to_owned();

        let approve = format!("/api/v1/payout-batches/{batch}/approve");
        let own = app.request("POST", &approve, Some(&token), None);
        assert_eq!(own.status, 403, "{}", own.body);
        let view = app.get(&format!("/api/v1/payout-batches/{batch}"));
        assert_eq!(view.body["status"], "draft");
        assert_eq!(view.body["created_by_person"]["name"], "山田 花子");
        let other = app.request("POST", &approve, Some(&app.admin_token), None);
        assert_eq!(other.status, 200, "another account may: {}", other.body);
    }
);

on_both_backends!(
    a_token_a_person_mints_over_the_api_is_still_that_person,
    |app| {
        let email = "ichiro@example.jp";
        add_person(app, email, Role::Admin, Some(PASSWORD));
        let first = token_of(app, email, Role::Admin, "ichiro-laptop");
        let minted = app.request(
            "POST",
            "/api/v1/tokens",
            Some(&first),
            Some(&json!({"role": "secretariat", "name": "ichiro-script"})),
        );
        assert_eq!(minted.status, 201, "{}", minted.body);
        let second = minted.body["token"].as_str().unwrap().to_owned();
        let me = app.request("GET", "/api/v1/me", Some(&second), None);
        assert_eq!(me.body["person"]["email"], email, "{}", me.body);
        assert_eq!(me.body["person"]["role"], "admin");
        assert_eq!(me.body["via"], "token");

        let (c, check) = checked_campaign(app);
        let drafted = app.request(
            "POST",
            &format!("/api/v1/campaigns/{c}/payout-batches"),
            Some(&first),
            Some(&json!({"year_end_check_id": check})),
        );
        assert_eq!(drafted.status, 201, "{}", drafted.body);
        let approve = format!(
            "/api/v1/payout-batches/{}/approve",
            drafted.body["id"].as_str().unwrap()
        );
        let second_self = app.request("POST", &approve, Some(&second), None);
        assert_eq!(second_self.status, 403, "{}", second_self.body);
        assert_eq!(
            app.request("POST", &approve, Some(&app.admin_token), None)
                .status,
            200
        );
    }
);
