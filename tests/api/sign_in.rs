//! People sign in to the console: a welcome link to choose a password, sessions on the server
//! that sign-out, idleness and disabling end, one answer for every wrong guess, a lockout
//! after five, `next` kept on this site, TOTP, CSRF on every form, and the JSON API readable
//! (never writable) with the console's session.

use crate::helpers::{Backend, TestApp};
use crate::on_both_backends;
pub(crate) use crate::staff_client::{Client, Reply};
use honoraria::domain::person::{Password, StaffEmail};
use honoraria::domain::role::Role;
use honoraria::service::{people, Actor};
use honoraria::{clock, db};
use serde_json::Value;

pub(crate) const PASSWORD: &str = "むさしの事務局の春の青空";

/// A JSON API call carrying only this session cookie.
fn api_with_session(app: &TestApp, method: &str, path: &str, session: &str) -> (u16, Value) {
    let r = app.raw(
        method,
        path,
        None,
        &[("Cookie", &format!("honoraria_staff={session}"))],
        (method != "GET").then(|| ("application/json", "{}".to_owned())),
    );
    (r.status, r.body)
}

/// Adds a person; with `password` they can sign in at once, else the welcome link's secret.
pub(crate) fn add_person(
    app: &TestApp,
    email: &str,
    role: Role,
    password: Option<&str>,
) -> Option<String> {
    let email = StaffEmail::parse(email).unwrap();
    let password = password.map(|p| Password::parse(p, &email).unwrap());
    let mut conn = app.pool.get().unwrap();
    let added = db::write_transaction(&mut conn, |c| {
        people::add(
            c,
            &Actor::cli(),
            clock::now(),
            &email,
            "山田 花子",
            role,
            password.as_ref(),
        )
    })
    .expect("person added");
    added.welcome.map(|s| s.expose().to_owned())
}

fn disable(app: &TestApp, email: &str) {
    let email = StaffEmail::parse(email).unwrap();
    let mut conn = app.pool.get().unwrap();
    db::write_transaction(&mut conn, |c| {
        people::disable(c, &Actor::cli(), clock::now(), &email)
    })
    .expect("person disabled");
}

/// The session reference in an actor written as `… <hanako@example.jp> (session 1a2b3c4d)`.
pub(crate) fn session_reference(actor: &Value) -> String {
    let actor = actor.as_str().expect("an actor");
    actor
        .rsplit_once("(session ")
        .and_then(|(_, rest)| rest.strip_suffix(')'))
        .unwrap_or_else(|| panic!("no session in {actor}"))
        .to_owned()
}

/// The audit events about people, as the export gives them.
fn person_events(app: &TestApp) -> Vec<Value> {
    let r = app.get("/api/v1/audit-events/export?format=jsonl&entity=person");
    assert_eq!(r.status, 200);
    let text = match r.body {
        Value::String(s) => s,
        other => other.to_string(),
    };
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

on_both_backends!(a_person_chooses_a_password_signs_in_and_out, |app| {
    let email = "hanako@example.jp";
    let secret = add_person(app, email, Role::Secretariat, None).expect("a welcome link");
    let mut browser = Client::new(app);

    // The welcome link: a common password is refused beside its field, then one is chosen.
    let link = format!("/staff/welcome/{secret}");
    let form = browser.get(&link);
    assert_eq!(form.status, 200, "{}", form.text);
    let csrf = form.input("csrf_token");
    let weak = browser.post(
        &link,
        &[("csrf_token", &csrf), ("password", "password1234")],
    );
    assert_eq!(weak.status, 422, "{}", weak.text);
    assert!(
        weak.text.contains("id=\"f-password-error\""),
        "{}",
        weak.text
    );
    assert!(weak.text.contains("よく使われる"), "{}", weak.text);
    let chosen = browser.post(&link, &[("csrf_token", &csrf), ("password", PASSWORD)]);
    assert_eq!(chosen.status, 303, "{}", chosen.text);
    assert_eq!(chosen.location.as_deref(), Some("/staff/sign-in"));
    assert_eq!(browser.get(&link).status, 404, "the link works once");

    // Pages need a session and come back to where they were asked for.
    let out = browser.get("/staff/account?tab=totp");
    assert_eq!(out.status, 303);
    assert_eq!(
        out.location.as_deref(),
        Some("/staff/sign-in?next=%2Fstaff%2Faccount%3Ftab%3Dtotp")
    );

    let signed = browser.sign_in(email, PASSWORD, "", "/staff/account");
    assert_eq!(signed.status, 303, "{}", signed.text);
    assert_eq!(signed.location.as_deref(), Some("/staff/account"));
    let cookie = signed
        .set_cookies
        .iter()
        .find(|c| c.starts_with("honoraria_staff="))
        .expect("a session cookie");
    for attribute in ["HttpOnly", "SameSite=Lax", "Secure", "Path=/"] {
        assert!(cookie.contains(attribute), "{attribute} in {cookie}");
    }
    let session = browser.session().unwrap();
    assert!(session.len() >= 64, "32 random bytes or more");

    let home = browser.get("/staff");
    assert_eq!(home.status, 200, "{}", home.text);
    assert!(
        home.text.contains("ようこそ、山田 花子さん"),
        "{}",
        home.text
    );
    assert!(home.text.contains("事務局"));

    // The JSON API reads with the session, and changes nothing with it alone.
    let (status, me) = api_with_session(app, "GET", "/api/v1/me", &session);
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["via"], "session");
    assert_eq!(me["person"]["email"], email);
    assert_eq!(me["person"]["role"], "secretariat");
    let (status, _) = api_with_session(app, "POST", "/api/v1/campaigns", &session);
    assert_eq!(status, 401, "a session alone changes nothing over the API");

    // Every console form needs the session's CSRF token.
    let forged = browser.post(
        "/staff/account",
        &[
            ("action", "password"),
            ("current_password", PASSWORD),
            ("new_password", "まったく別の長い合言葉です"),
        ],
    );
    assert_eq!(forged.status, 403, "{}", forged.text);
    let wrong = browser.post("/staff/sign-out", &[("csrf_token", "x")]);
    assert_eq!(wrong.status, 403);

    // Sign-out ends the session on the server: the old cookie no longer works anywhere.
    let csrf = home.input("csrf_token");
    let out = browser.post("/staff/sign-out", &[("csrf_token", &csrf)]);
    assert_eq!(out.status, 303);
    assert_eq!(out.location.as_deref(), Some("/staff/sign-in"));
    assert!(browser.session().is_none(), "the cookie is cleared");
    browser.set_cookie("honoraria_staff", &session);
    assert_eq!(browser.get("/staff").status, 303, "ended on the server");
    assert_eq!(api_with_session(app, "GET", "/api/v1/me", &session).0, 401);

    let events = person_events(app);
    let signed_in = events
        .iter()
        .find(|e| e["action"] == "person.sign_in")
        .expect("the sign-in is audited");
    let first_ref = session_reference(&signed_in["actor"]);
    assert!(
        first_ref.len() == 8 && first_ref.bytes().all(|b| b.is_ascii_hexdigit()),
        "{first_ref}"
    );
    assert!(!session.contains(&first_ref), "never the cookie itself");
    let signed_out = events
        .iter()
        .find(|e| e["action"] == "person.sign_out")
        .expect("the sign-out is audited");
    assert_eq!(session_reference(&signed_out["actor"]), first_ref);

    // A new sign-in gets a new session, told apart in the trail; disabling the person stops
    // it at once.
    let again = browser.sign_in(email, PASSWORD, "", "");
    assert_eq!(again.location.as_deref(), Some("/staff"));
    let second = browser.session().unwrap();
    assert_ne!(second, session, "a new id at every sign-in");
    let references: Vec<String> = person_events(app)
        .iter()
        .filter(|e| e["action"] == "person.sign_in")
        .map(|e| session_reference(&e["actor"]))
        .collect();
    assert_eq!(references.len(), 2);
    assert_ne!(references[0], references[1], "two sessions, two references");
    assert_eq!(browser.get("/staff").status, 200);
    disable(app, email);
    assert_eq!(browser.get("/staff").status, 303);
    assert_eq!(api_with_session(app, "GET", "/api/v1/me", &second).0, 401);
    let refused = browser.sign_in(email, PASSWORD, "", "");
    assert_eq!(refused.status, 401, "a disabled person cannot sign in");
});

on_both_backends!(
    wrong_answers_look_alike_and_five_lock_the_email_out,
    |app| {
        let email = "ichiro@example.jp";
        add_person(app, email, Role::Admin, Some(PASSWORD));
        let mut browser = Client::new(app);

        // `next` leads only to this site.
        for evil in ["//evil.example", "/\\evil.example", "https://evil.example/"] {
            let r = browser.sign_in(email, PASSWORD, "", evil);
            assert_eq!(r.status, 303, "{}", r.text);
            assert_eq!(r.location.as_deref(), Some("/staff"), "{evil}");
        }

        let started = std::time::Instant::now();
        let wrong_password = browser.sign_in(email, "まちがったパスワードです", "", "");
        let known = started.elapsed();
        let started = std::time::Instant::now();
        let unknown = browser.sign_in("nobody@example.jp", "まちがったパスワードです", "", "");
        let unknown_took = started.elapsed();
        assert_eq!(wrong_password.status, 401, "{}", wrong_password.text);
        assert_eq!(unknown.status, 401);
        let strip = |r: &Reply, typed: &str| {
            r.text
                .replace(typed, "EMAIL")
                .replace(&r.input("csrf_token"), "CSRF")
        };
        assert_eq!(
            strip(&wrong_password, email),
            strip(&unknown, "nobody@example.jp"),
            "one page for both"
        );
        // Both verify one argon2 hash; neither answers in a fraction of the other's time.
        assert!(
            unknown_took * 5 > known && known * 5 > unknown_took,
            "{known:?} {unknown_took:?}"
        );

        for _ in 0..4 {
            assert_eq!(
                browser
                    .sign_in(email, "まだまちがっています", "", "")
                    .status,
                401
            );
        }
        let locked = browser.sign_in(email, PASSWORD, "", "");
        assert_eq!(locked.status, 429, "{}", locked.text);
        assert_eq!(locked.retry_after.as_deref(), Some("900"));
        assert!(
            !locked
                .set_cookies
                .iter()
                .any(|c| c.starts_with("honoraria_staff=")),
            "no session for a locked-out email"
        );

        let failures: Vec<Value> = person_events(app)
            .into_iter()
            .filter(|e| e["action"] == "person.sign_in_failed")
            .collect();
        assert_eq!(failures.len(), 6);
        assert!(failures.iter().all(|e| e["actor"] == "anonymous"));
        assert!(failures
            .iter()
            .any(|e| e.to_string().contains("nobody@example.jp")));
        assert!(
            !failures
                .iter()
                .any(|e| e.to_string().contains("まちがった")),
            "never the password"
        );
    }
);

pub(crate) fn totp_code(secret: &str) -> String {
    totp_code_in(secret, 0)
}

/// The code `offset` seconds from now: +30 is the next step's, which the server accepts as one
/// step ahead and which no earlier code has used.
pub(crate) fn totp_code_in(secret: &str, offset: i64) -> String {
    let bytes = totp_rs::Secret::Encoded(secret.to_owned())
        .to_bytes()
        .unwrap();
    let at = u64::try_from(chrono::Utc::now().timestamp() + offset).unwrap();
    totp_rs::TOTP::new(totp_rs::Algorithm::SHA1, 6, 1, 30, bytes)
        .unwrap()
        .generate(at)
}

/// Turns TOTP on from the account page; the secret it was set up with.
pub(crate) fn turn_totp_on(browser: &mut Client) -> String {
    let page = browser.get("/staff/account");
    assert_eq!(page.status, 200, "{}", page.text);
    assert!(page.text.contains("<svg"), "a QR code");
    let at = page.text.find("id=\"totp-secret\">").unwrap() + 17;
    let secret = page.text[at..at + page.text[at..].find('<').unwrap()].to_owned();
    let csrf = page.input("csrf_token");
    let wrong = browser.post(
        "/staff/account",
        &[
            ("csrf_token", &csrf),
            ("action", "totp"),
            ("totp_secret", &secret),
            ("totp_code", "000000"),
        ],
    );
    assert_eq!(wrong.status, 422, "{}", wrong.text);
    assert!(wrong.text.contains(&secret), "the same secret shown again");
    let code = totp_code(&secret);
    let on = browser.post(
        "/staff/account",
        &[
            ("csrf_token", &csrf),
            ("action", "totp"),
            ("totp_secret", &secret),
            ("totp_code", &code),
        ],
    );
    assert_eq!(on.status, 303, "{}", on.text);
    assert_eq!(on.location.as_deref(), Some("/staff/account?done=totp"));
    let after = browser.get("/staff/account");
    assert!(after.text.contains("id=\"totp-on\""));
    secret
}

on_both_backends!(totp_once_on_is_asked_at_every_sign_in, |app| {
    let email = "jiro@example.jp";
    add_person(app, email, Role::Auditor, Some(PASSWORD));
    let mut browser = Client::new(app);
    assert_eq!(browser.sign_in(email, PASSWORD, "", "").status, 303);
    let secret = turn_totp_on(&mut browser);

    let mut other = Client::new(app);
    assert_eq!(
        other.sign_in(email, PASSWORD, "", "").status,
        401,
        "no code"
    );
    assert_eq!(other.sign_in(email, PASSWORD, "123456", "").status, 401);
    // The code that turned TOTP on is used up; the next step's is not.
    let with_code = other.sign_in(email, PASSWORD, &totp_code_in(&secret, 30), "");
    assert_eq!(with_code.status, 303, "{}", with_code.text);
    assert_eq!(other.get("/staff").status, 200);
});

fn required_totp_leads_to_the_account_page_first(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, |s| s.staff_require_totp = true) else {
        return;
    };
    let email = "saburo@example.jp";
    add_person(&app, email, Role::Secretariat, Some(PASSWORD));
    let mut browser = Client::new(&app);
    assert_eq!(browser.sign_in(email, PASSWORD, "", "").status, 303);
    let session = browser.session().unwrap();
    let home = browser.get("/staff");
    assert_eq!(home.status, 303);
    assert_eq!(home.location.as_deref(), Some("/staff/account"));
    assert_eq!(api_with_session(&app, "GET", "/api/v1/me", &session).0, 401);
    let account = browser.get("/staff/account");
    assert!(account.text.contains("設定が必要です"), "{}", account.text);
    turn_totp_on(&mut browser);
    assert_eq!(browser.get("/staff").status, 200);
    assert_eq!(api_with_session(&app, "GET", "/api/v1/me", &session).0, 200);
}

#[test]
fn required_totp_leads_to_the_account_page_first_on_sqlite() {
    required_totp_leads_to_the_account_page_first(Backend::Sqlite);
}

#[test]
fn required_totp_leads_to_the_account_page_first_on_postgres() {
    required_totp_leads_to_the_account_page_first(Backend::Postgres);
}

on_both_backends!(an_idle_session_ends_on_the_server, |app| {
    use diesel::prelude::*;
    use honoraria::db::schema::staff_sessions;
    let email = "shiro@example.jp";
    add_person(app, email, Role::Secretariat, Some(PASSWORD));
    let mut browser = Client::new(app);
    assert_eq!(browser.sign_in(email, PASSWORD, "", "").status, 303);
    assert_eq!(browser.get("/staff").status, 200);
    let mut conn = app.pool.get().unwrap();
    let long_ago = clock::now() - chrono::Duration::minutes(31);
    diesel::update(staff_sessions::table)
        .set(staff_sessions::last_seen_at.eq(long_ago))
        .execute(&mut *conn)
        .unwrap();
    let out = browser.get("/staff");
    assert_eq!(out.status, 303, "30 minutes idle");
    let ended: Option<chrono::NaiveDateTime> = staff_sessions::table
        .select(staff_sessions::ended_at)
        .first(&mut *conn)
        .unwrap();
    assert!(ended.is_some(), "ended on the server");
});
