//! Sign-ins sent at once: however many guesses for one email arrive together, no more than the
//! lockout allows are judged; a one-time link posted twice at once sets one password; and a
//! flood waits for a hashing permit only briefly before it is answered 503, never queued.

use crate::helpers::{Backend, TestApp};
use crate::sign_in::{add_person, Client, Reply, PASSWORD};
use honoraria::config::Settings;
use honoraria::domain::role::Role;
use std::sync::{Arc, Barrier};

/// A double-submit form token: any 32 letters or digits, sent as the cookie and the field.
const FORM_TOKEN: &str = "abcdefghijklmnopqrstuvwxyz012345";

/// Declares one test per backend from a body taking `&TestApp`, on a server whose settings
/// `configure` adjusts.
macro_rules! with_settings_on_both {
    ($name:ident, $configure:expr, $body:expr) => {
        mod $name {
            use super::*;
            fn run(backend: Backend) {
                let configure: fn(&mut Settings) = $configure;
                let Some(app) = TestApp::spawn_with(backend, configure) else {
                    return;
                };
                let body: fn(&TestApp) = $body;
                body(&app);
            }
            #[test]
            fn sqlite() {
                run(Backend::Sqlite);
            }
            #[test]
            fn postgres() {
                run(Backend::Postgres);
            }
        }
    };
}

/// Posts every form to `path` at the same moment, each from its own browser.
fn post_at_once(app: &TestApp, path: &str, forms: Vec<Vec<(&'static str, String)>>) -> Vec<Reply> {
    let barrier = Arc::new(Barrier::new(forms.len()));
    let threads: Vec<_> = forms
        .into_iter()
        .map(|form| {
            let mut browser = Client::new(app);
            browser.set_cookie("honoraria_form", FORM_TOKEN);
            let (barrier, path) = (barrier.clone(), path.to_owned());
            std::thread::spawn(move || {
                let mut pairs: Vec<(&str, &str)> = vec![("csrf_token", FORM_TOKEN)];
                pairs.extend(form.iter().map(|(k, v)| (*k, v.as_str())));
                barrier.wait();
                browser.post(&path, &pairs)
            })
        })
        .collect();
    threads.into_iter().map(|t| t.join().unwrap()).collect()
}

fn sign_in_form(email: &str, password: &str) -> Vec<(&'static str, String)> {
    vec![
        ("email", email.to_owned()),
        ("password", password.to_owned()),
        ("totp", String::new()),
        ("next", String::new()),
    ]
}

fn statuses(replies: &[Reply]) -> Vec<u16> {
    let mut all: Vec<u16> = replies.iter().map(|r| r.status).collect();
    all.sort();
    all
}

fn failures_recorded(app: &TestApp) -> i64 {
    use diesel::prelude::*;
    use honoraria::db::schema::sign_in_failures;
    let mut conn = app.pool.get().unwrap();
    sign_in_failures::table
        .count()
        .get_result(&mut *conn)
        .unwrap()
}

with_settings_on_both!(
    twelve_guesses_at_once_for_one_email_judge_at_most_five,
    // Permits for every guess at once: what is shown is the count, not the queue.
    |s| s.staff_sign_in_concurrency = Some(16),
    |app| {
        let email = "hanako@example.jp";
        add_person(app, email, Role::Secretariat, Some(PASSWORD));
        let guesses = (0..12)
            .map(|n| sign_in_form(email, &format!("まちがったパスワード{n}です")))
            .collect();
        let replies = post_at_once(app, "/staff/sign-in", guesses);
        let judged = replies.iter().filter(|r| r.status == 401).count();
        assert!(judged <= 5, "{judged} judged: {:?}", statuses(&replies));
        assert!(
            replies
                .iter()
                .all(|r| r.status == 401 || (r.status == 429 && r.retry_after.is_some())),
            "{:?}",
            statuses(&replies)
        );
        assert!(failures_recorded(app) <= 5);
        let mut browser = Client::new(app);
        assert_eq!(
            browser.sign_in(email, PASSWORD, "", "").status,
            if judged == 5 { 429 } else { 303 },
            "the right password after the race"
        );
    }
);

with_settings_on_both!(
    a_welcome_link_posted_twice_at_once_sets_one_password,
    |s| s.staff_sign_in_concurrency = Some(16),
    |app| {
        let email = "jiro@example.jp";
        let secret = add_person(app, email, Role::Auditor, None).expect("a welcome link");
        let chosen: Vec<String> = (0..6).map(|n| format!("{PASSWORD}その{n}")).collect();
        let forms = chosen
            .iter()
            .map(|p| vec![("password", p.clone())])
            .collect();
        let replies = post_at_once(app, &format!("/staff/welcome/{secret}"), forms);
        let won: Vec<usize> = (0..replies.len())
            .filter(|i| replies[*i].status == 303)
            .collect();
        assert_eq!(won.len(), 1, "{:?}", statuses(&replies));
        assert!(
            replies.iter().all(|r| r.status == 303 || r.status == 404),
            "{:?}",
            statuses(&replies)
        );
        let mut browser = Client::new(app);
        let winner = &chosen[won[0]];
        let loser = &chosen[(won[0] + 1) % chosen.len()];
        assert_eq!(browser.sign_in(email, loser, "", "").status, 401);
        assert_eq!(browser.sign_in(email, winner, "", "").status, 303);
    }
);

with_settings_on_both!(
    a_flood_of_sign_ins_waits_for_a_permit_briefly_then_gets_503,
    |s| {
        s.staff_sign_in_concurrency = Some(1);
        s.staff_sign_in_wait_ms = 0;
    },
    |app| {
        let flood = (0..8)
            .map(|n| sign_in_form(&format!("nobody{n}@example.jp"), "まちがったパスワードです"))
            .collect();
        let replies = post_at_once(app, "/staff/sign-in", flood);
        let busy: Vec<&Reply> = replies.iter().filter(|r| r.status == 503).collect();
        assert!(!busy.is_empty(), "{:?}", statuses(&replies));
        assert!(
            replies.iter().all(|r| r.status == 401 || r.status == 503),
            "{:?}",
            statuses(&replies)
        );
        for reply in &busy {
            assert_eq!(reply.retry_after.as_deref(), Some("5"));
            assert!(reply.has("サインインが混み合っています"), "{}", reply.text);
        }
        let judged = replies.iter().filter(|r| r.status == 401).count();
        assert_eq!(
            failures_recorded(app),
            i64::try_from(judged).unwrap(),
            "a sign-in never judged is no failure"
        );
    }
);
