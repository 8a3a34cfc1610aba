//! The sign-in rules over HTTP on both backends: the welcome link's 72 hours, twenty failures
//! from one address, and TOTP codes that work once, with a secret replaced only by someone who
//! holds the old one (or the password).

use crate::helpers::TestApp;
use crate::on_both_backends;
use crate::sign_in::{add_person, totp_code_in, turn_totp_on, Client, PASSWORD};
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use honoraria::db::schema::people;
use honoraria::domain::role::Role;

/// Moves the person's stored instants `by` into the past, as if that much time had gone by.
fn time_passes(app: &TestApp, email: &str, by: Duration) {
    let mut conn = app.pool.get().unwrap();
    let (created, expires): (NaiveDateTime, Option<NaiveDateTime>) = people::table
        .filter(people::email.eq(email))
        .select((people::created_at, people::welcome_expires_at))
        .first(&mut *conn)
        .unwrap();
    diesel::update(people::table.filter(people::email.eq(email)))
        .set((
            people::created_at.eq(created - by),
            people::welcome_expires_at.eq(expires.map(|at| at - by)),
        ))
        .execute(&mut *conn)
        .unwrap();
}

on_both_backends!(the_welcome_link_works_for_72_hours, |app| {
    let email = "hanako@example.jp";
    let secret = add_person(app, email, Role::Secretariat, None).expect("a welcome link");
    let link = format!("/staff/welcome/{secret}");
    let mut browser = Client::new(app);
    assert_eq!(browser.get(&link).status, 200);

    time_passes(app, email, Duration::hours(72) - Duration::minutes(1));
    let form = browser.get(&link);
    assert_eq!(form.status, 200, "a minute before the 72 hours end");
    let csrf = form.input("csrf_token");

    time_passes(app, email, Duration::minutes(2));
    let late = browser.get(&link);
    assert_eq!(late.status, 404, "{}", late.text);
    assert!(late.has("72時間"), "{}", late.text);
    let posted = browser.post(&link, &[("csrf_token", &csrf), ("password", PASSWORD)]);
    assert_eq!(posted.status, 404, "a form opened in time does not help");
    assert_eq!(
        browser.sign_in(email, PASSWORD, "", "").status,
        401,
        "no password was set"
    );
});

on_both_backends!(twenty_failures_from_one_address_lock_it_out, |app| {
    let email = "ichiro@example.jp";
    add_person(app, email, Role::Admin, Some(PASSWORD));
    let mut browser = Client::new(app);
    // Nineteen guesses over five addresses: none reaches the five per email.
    for n in 0..19 {
        let guess = browser.sign_in(
            &format!("guess{}@example.jp", n % 5),
            "まちがったパスワードです",
            "",
            "",
        );
        assert_eq!(guess.status, 401, "guess {n}");
    }
    // A right answer from the same address still signs in, and is no failure itself.
    assert_eq!(browser.sign_in(email, PASSWORD, "", "").status, 303);
    let twentieth = browser.sign_in("guess4@example.jp", "まちがったパスワードです", "", "");
    assert_eq!(twentieth.status, 401);
    let locked = browser.sign_in(email, PASSWORD, "", "");
    assert_eq!(locked.status, 429, "{}", locked.text);
    assert_eq!(locked.retry_after.as_deref(), Some("900"));
});

on_both_backends!(
    failures_and_sessions_older_than_a_day_are_forgotten,
    |app| {
        use honoraria::db::schema::{sign_in_failures, staff_sessions};
        let email = "hanako@example.jp";
        add_person(app, email, Role::Secretariat, Some(PASSWORD));
        let mut browser = Client::new(app);
        assert_eq!(
            browser
                .sign_in(email, "まちがったパスワードです", "", "")
                .status,
            401
        );
        assert_eq!(browser.sign_in(email, PASSWORD, "", "").status, 303);
        let mut conn = app.pool.get().unwrap();
        let count = |conn: &mut honoraria::db::DbConn| -> (i64, i64) {
            (
                sign_in_failures::table.count().get_result(conn).unwrap(),
                staff_sessions::table.count().get_result(conn).unwrap(),
            )
        };
        assert_eq!(count(&mut conn), (1, 1));
        let now = chrono::Utc::now().naive_utc();
        assert_eq!(
            honoraria::db::people::forget_stale(&mut conn, now - Duration::days(1)).unwrap(),
            0,
            "today's failure and the live session stay"
        );
        diesel::update(sign_in_failures::table)
            .set(sign_in_failures::at.eq(now - Duration::days(2)))
            .execute(&mut *conn)
            .unwrap();
        diesel::update(staff_sessions::table)
            .set(staff_sessions::last_seen_at.eq(now - Duration::days(2)))
            .execute(&mut *conn)
            .unwrap();
        assert_eq!(
            honoraria::db::people::forget_stale(&mut conn, now - Duration::days(1)).unwrap(),
            2
        );
        assert_eq!(count(&mut conn), (0, 0));
    }
);

/// Posts the account page's TOTP form with these fields; the new secret it showed.
fn replace_totp(browser: &mut Client, fields: &[(&str, &str)], code_in: i64) -> (u16, String) {
    let page = browser.get("/staff/account");
    assert!(page.has("id=\"replace-totp\""), "{}", page.text);
    let at = page.text.find("id=\"totp-secret\">").unwrap() + 17;
    let secret = page.text[at..at + page.text[at..].find('<').unwrap()].to_owned();
    let csrf = page.input("csrf_token");
    let code = totp_code_in(&secret, code_in);
    let mut form = vec![
        ("csrf_token", csrf.as_str()),
        ("action", "totp"),
        ("totp_secret", secret.as_str()),
        ("totp_code", code.as_str()),
    ];
    form.extend_from_slice(fields);
    let reply = browser.post("/staff/account", &form);
    if reply.status == 422 {
        assert!(
            reply.has("id=\"f-totp_current_code-error\""),
            "{}",
            reply.text
        );
    }
    (reply.status, secret)
}

on_both_backends!(
    a_totp_code_works_once_and_a_new_secret_needs_the_old_one,
    |app| {
        let email = "jiro@example.jp";
        add_person(app, email, Role::Auditor, Some(PASSWORD));
        let mut browser = Client::new(app);
        assert_eq!(browser.sign_in(email, PASSWORD, "", "").status, 303);
        let first = turn_totp_on(&mut browser);

        // Replacing the secret from an open session alone is refused.
        assert_eq!(replace_totp(&mut browser, &[], 0).0, 422);
        let wrong = [("totp_current_code", "000000")];
        assert_eq!(replace_totp(&mut browser, &wrong, 0).0, 422);
        let wrong = [("totp_password", "まちがったパスワードです")];
        assert_eq!(replace_totp(&mut browser, &wrong, 0).0, 422);

        // With an unused code from the current app it is replaced; the new app's confirming
        // code is then used up, as is every code of the old secret.
        let old_code = totp_code_in(&first, 30);
        let page = browser.get("/staff/account");
        let at = page.text.find("id=\"totp-secret\">").unwrap() + 17;
        let second = page.text[at..at + page.text[at..].find('<').unwrap()].to_owned();
        let confirming = totp_code_in(&second, 0);
        let csrf = page.input("csrf_token");
        let replaced = browser.post(
            "/staff/account",
            &[
                ("csrf_token", &csrf),
                ("action", "totp"),
                ("totp_secret", &second),
                ("totp_code", &confirming),
                ("totp_current_code", &old_code),
            ],
        );
        assert_eq!(replaced.status, 303, "{}", replaced.text);
        assert_eq!(
            replaced.location.as_deref(),
            Some("/staff/account?done=totp-replaced")
        );

        let mut other = Client::new(app);
        assert_eq!(other.sign_in(email, PASSWORD, &old_code, "").status, 401);
        assert_eq!(
            other.sign_in(email, PASSWORD, &confirming, "").status,
            401,
            "the code that confirmed the new app"
        );
        let next = totp_code_in(&second, 30);
        assert_eq!(other.sign_in(email, PASSWORD, &next, "").status, 303);
        let mut replay = Client::new(app);
        assert_eq!(
            replay.sign_in(email, PASSWORD, &next, "").status,
            401,
            "a code seen once works no more"
        );

        // The password does instead of a code, for a person whose phone is gone.
        let (status, third) = replace_totp(&mut browser, &[("totp_password", PASSWORD)], 0);
        assert_eq!(status, 303);
        let code = totp_code_in(&third, 30);
        assert_eq!(replay.sign_in(email, PASSWORD, &code, "").status, 303);

        let events = crate::people::events_about(app, "person");
        let replaced: Vec<_> = events
            .iter()
            .filter(|e| e["action"] == "person.totp_replace")
            .collect();
        assert_eq!(replaced.len(), 2);
    }
);
