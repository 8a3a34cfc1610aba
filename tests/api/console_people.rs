//! The people page: an admin sees everyone and adds, disables, resets and changes roles through
//! its forms, as the command line does, audited as the admin; a new one-time link is shown once
//! and works; nobody disables themselves or lowers their own role; anyone but an admin is 403.

use crate::console::signed_in;
use crate::helpers::TestApp;
use crate::on_both_backends;
use crate::people::events_about;
use crate::sign_in::PASSWORD;
use crate::staff_client::{Client, Reply};
use honoraria::domain::person::StaffEmail;
use honoraria::domain::role::Role;
use honoraria::service::people;
use serde_json::Value;

const PAGE: &str = "/staff/people";

/// The id of the person signing in as `email`.
fn id_of(app: &TestApp, email: &str) -> String {
    let email = StaffEmail::parse(email).unwrap();
    let mut conn = app.pool.get().unwrap();
    people::find(&mut conn, &email).expect("a person").id
}

/// The one-time link on the page, as a path on the test server (the page gives it under the
/// public base URL, as the command line prints it).
fn welcome_path(shown: &Reply) -> String {
    let needle = "id=\"welcome-url\" href=\"";
    let at = shown
        .text
        .find(needle)
        .unwrap_or_else(|| panic!("no link in:\n{}", shown.text));
    let rest = &shown.text[at + needle.len()..];
    let url = &rest[..rest.find('"').unwrap()];
    let path = url
        .strip_prefix("https://campaign.example.jp")
        .unwrap_or_else(|| panic!("{url} is not under the public base"));
    assert!(path.starts_with("/staff/welcome/"), "{path}");
    path.to_owned()
}

/// Chooses a password through the link and signs in with it.
fn welcome_and_sign_in(app: &TestApp, link: &str, email: &str) -> Client {
    let mut browser = Client::new(app);
    let form = browser.get(link);
    assert_eq!(form.status, 200, "{}", form.text);
    let csrf = form.input("csrf_token");
    let chosen = browser.post(link, &[("csrf_token", &csrf), ("password", PASSWORD)]);
    assert_eq!(chosen.status, 303, "{}", chosen.text);
    let signed = browser.sign_in(email, PASSWORD, "", "/staff");
    assert_eq!(signed.status, 303, "{}", signed.text);
    browser
}

fn add(admin: &mut Client, email: &str, name: &str, role: &str) -> Reply {
    admin.submit(
        PAGE,
        PAGE,
        &[("email", email), ("name", name), ("role", role)],
    )
}

/// The latest audit event of this action about the person.
fn event(app: &TestApp, action: &str, person: &str) -> Value {
    events_about(app, "person")
        .into_iter()
        .rev()
        .find(|e| e["action"] == action && e["entity_id"] == person)
        .unwrap_or_else(|| panic!("no {action} about {person}"))
}

on_both_backends!(an_admin_sees_everyone_with_role_and_standing, |app| {
    let mut admin = signed_in(app, "kanri@example.jp", "管理 太郎", Role::Admin);
    let mut hanako = signed_in(app, "hanako@example.jp", "山田 花子", Role::Secretariat);
    assert!(
        admin.get("/staff").has("id=\"nav-people\""),
        "linked for admins"
    );
    assert!(
        !hanako.get("/staff").has("id=\"nav-people\""),
        "and no one else"
    );

    let shown = admin.get(PAGE);
    assert_eq!(shown.status, 200, "{}", shown.text);
    let hanako_id = id_of(app, "hanako@example.jp");
    let row = &shown.text[shown
        .text
        .find(&format!("id=\"person-{hanako_id}\""))
        .unwrap()..];
    let row = &row[..row.find("</tr>").unwrap()];
    for expected in [
        "山田 花子",
        "hanako@example.jp",
        ">事務局<",
        "有効",
        "<td>オフ</td>",
        "コマンドライン",
        "令和",
    ] {
        assert!(row.contains(expected), "{expected} not in {row}");
    }
    assert!(
        row.contains(&format!("id=\"disable-{hanako_id}\"")),
        "{row}"
    );
    assert!(shown.has("ご自身"), "the admin's own row is marked");
    assert!(
        !shown.has(&format!(
            "id=\"disable-{}\"",
            id_of(app, "kanri@example.jp")
        )),
        "no button to disable oneself"
    );
});

on_both_backends!(anyone_but_an_admin_gets_403_on_get_and_post, |app| {
    signed_in(app, "kanri@example.jp", "管理 太郎", Role::Admin);
    let target = id_of(app, "kanri@example.jp");
    for role in [Role::Secretariat, Role::Auditor] {
        let email = format!("{}@example.jp", role.as_str());
        let mut browser = signed_in(app, &email, "担当 次郎", role);
        let shown = browser.get(PAGE);
        assert_eq!(shown.status, 403, "{role:?}: {}", shown.text);
        assert!(shown.has("管理者のみ"), "{}", shown.text);
        let posts = [
            (
                PAGE.to_owned(),
                vec![("email", "x@example.jp"), ("name", "x"), ("role", "admin")],
            ),
            (format!("{PAGE}/{target}/disable"), vec![]),
            (format!("{PAGE}/{target}/reset"), vec![]),
            (format!("{PAGE}/{target}/role"), vec![("role", "auditor")]),
        ];
        for (action, form) in posts {
            let refused = browser.submit("/staff", &action, &form);
            assert_eq!(refused.status, 403, "{role:?} {action}: {}", refused.text);
        }
    }
    let mut conn = app.pool.get().unwrap();
    let everyone = people::list(&mut conn).unwrap();
    assert_eq!(everyone.len(), 3, "nobody was added");
    assert!(everyone.iter().all(|p| p.enabled && p.has_password));
    assert_eq!(everyone.iter().filter(|p| p.role == Role::Admin).count(), 1);
});

on_both_backends!(an_added_person_chooses_a_password_through_the_link, |app| {
    let mut admin = signed_in(app, "kanri@example.jp", "管理 太郎", Role::Admin);
    let added = add(&mut admin, "Ichiro@Example.JP", "佐藤 一郎", "auditor");
    assert_eq!(added.status, 200, "{}", added.text);
    assert!(
        added.has("佐藤 一郎（ichiro@example.jp）さん"),
        "{}",
        added.text
    );
    assert!(added.has("72時間"));
    let link = welcome_path(&added);
    assert!(
        !admin.get(PAGE).has(&link),
        "the link is shown once, on the answer only"
    );

    let mut ichiro = welcome_and_sign_in(app, &link, "ichiro@example.jp");
    let home = ichiro.get("/staff");
    assert_eq!(home.status, 200, "{}", home.text);
    assert!(home.has("id=\"role\">監査担当<"), "{}", home.text);

    let made = event(app, "person.add", &id_of(app, "ichiro@example.jp"));
    let actor = made["actor"].as_str().unwrap();
    assert!(
        actor.starts_with("admin:管理 太郎 <kanri@example.jp> (session "),
        "{actor}"
    );
    assert!(admin
        .get(PAGE)
        .has("admin:管理 太郎 &#60;kanri@example.jp&#62;"));
});

on_both_backends!(refused_additions_come_back_in_japanese_with_422, |app| {
    let mut admin = signed_in(app, "kanri@example.jp", "管理 太郎", Role::Admin);
    signed_in(app, "hanako@example.jp", "山田 花子", Role::Secretariat);

    let twice = add(&mut admin, "HANAKO@example.jp", "二人目 花子", "auditor");
    assert_eq!(twice.status, 422, "{}", twice.text);
    assert!(twice.has("id=\"f-email-error\""), "{}", twice.text);
    assert!(twice.has("このメールアドレスの担当者はすでに登録されています"));
    assert!(twice.has("href=\"#f-email\""), "in the summary too");
    assert!(twice.has("value=\"二人目 花子\""), "what was typed is kept");
    assert!(twice.has("<option value=\"auditor\" selected>"));
    assert!(twice.has("【入力内容をご確認ください】"));

    let bad = add(&mut admin, "hanako@", " ", "auditor");
    assert_eq!(bad.status, 422, "{}", bad.text);
    assert!(bad.has("id=\"f-email-error\""), "{}", bad.text);
    assert!(bad.has("メールアドレスの形で入力してください"));
    assert!(bad.has("id=\"f-name-error\""), "{}", bad.text);
    assert!(bad.has("入力してください（100文字以内）"));
    assert!(bad.has("value=\"hanako@\""));

    let mut conn = app.pool.get().unwrap();
    assert_eq!(people::list(&mut conn).unwrap().len(), 2, "nobody added");
});

on_both_backends!(disabling_ends_their_session_but_not_ones_own, |app| {
    let mut admin = signed_in(app, "kanri@example.jp", "管理 太郎", Role::Admin);
    let mut hanako = signed_in(app, "hanako@example.jp", "山田 花子", Role::Secretariat);
    assert_eq!(hanako.get("/staff").status, 200);

    let hanako_id = id_of(app, "hanako@example.jp");
    let done = admin.submit(PAGE, &format!("{PAGE}/{hanako_id}/disable"), &[]);
    assert_eq!(done.status, 303, "{}", done.text);
    assert_eq!(done.location.as_deref(), Some(PAGE));
    let gone = hanako.get("/staff");
    assert_eq!(gone.status, 303, "her session ended at once");
    assert!(gone.location.unwrap().starts_with("/staff/sign-in"));
    assert!(admin.get(PAGE).has("class=\"tag ng\">無効<"));
    let disabled = event(app, "person.disable", &hanako_id);
    assert!(disabled["actor"]
        .as_str()
        .unwrap()
        .starts_with("admin:管理 太郎"));

    let own = id_of(app, "kanri@example.jp");
    let refused = admin.submit(PAGE, &format!("{PAGE}/{own}/disable"), &[]);
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert!(refused.has("ご自身は無効にできません"), "{}", refused.text);
    assert!(refused.has(&format!("id=\"f-{own}-disable-error\"")));
    assert_eq!(admin.get(PAGE).status, 200, "still signed in");
});

on_both_backends!(a_reset_shows_a_new_link_and_ends_sessions, |app| {
    let mut admin = signed_in(app, "kanri@example.jp", "管理 太郎", Role::Admin);
    let mut hanako = signed_in(app, "hanako@example.jp", "山田 花子", Role::Secretariat);
    let hanako_id = id_of(app, "hanako@example.jp");

    let reset = admin.submit(PAGE, &format!("{PAGE}/{hanako_id}/reset"), &[]);
    assert_eq!(reset.status, 200, "{}", reset.text);
    assert!(reset.has("サインイン中の画面1件を終了"), "{}", reset.text);
    let link = welcome_path(&reset);
    assert_eq!(hanako.get("/staff").status, 303, "her session ended");
    let refused = hanako.sign_in("hanako@example.jp", PASSWORD, "", "/staff");
    assert_eq!(refused.status, 401, "the old password is gone");
    let mut again = welcome_and_sign_in(app, &link, "hanako@example.jp");
    assert_eq!(again.get("/staff").status, 200);
    let audited = event(app, "person.reset", &hanako_id);
    assert!(audited["actor"]
        .as_str()
        .unwrap()
        .starts_with("admin:管理 太郎"));
});

on_both_backends!(
    a_role_change_is_audited_as_the_admin_and_never_self_demoting,
    |app| {
        let mut admin = signed_in(app, "kanri@example.jp", "管理 太郎", Role::Admin);
        let mut hanako = signed_in(app, "hanako@example.jp", "山田 花子", Role::Secretariat);
        let hanako_id = id_of(app, "hanako@example.jp");

        let changed = admin.submit(
            PAGE,
            &format!("{PAGE}/{hanako_id}/role"),
            &[("role", "auditor")],
        );
        assert_eq!(changed.status, 303, "{}", changed.text);
        assert!(
            hanako.get("/staff").has("id=\"role\">監査担当<"),
            "her session goes on with the new role"
        );
        let audited = event(app, "person.role", &hanako_id);
        let actor = audited["actor"].as_str().unwrap();
        assert!(
            actor.starts_with("admin:管理 太郎 <kanri@example.jp> (session "),
            "{actor}"
        );
        assert_eq!(audited["before"]["role"], "secretariat", "{audited}");
        assert_eq!(audited["after"]["role"], "auditor", "{audited}");

        let own = id_of(app, "kanri@example.jp");
        let refused = admin.submit(
            PAGE,
            &format!("{PAGE}/{own}/role"),
            &[("role", "secretariat")],
        );
        assert_eq!(refused.status, 422, "{}", refused.text);
        assert!(
            refused.has("ご自身の役割は下げられません"),
            "{}",
            refused.text
        );
        let nonsense = admin.submit(
            PAGE,
            &format!("{PAGE}/{hanako_id}/role"),
            &[("role", "owner")],
        );
        assert_eq!(nonsense.status, 422, "{}", nonsense.text);
        assert!(nonsense.has("選択肢から選んでください"));
        let mut conn = app.pool.get().unwrap();
        let kanri = people::find(&mut conn, &StaffEmail::parse("kanri@example.jp").unwrap());
        assert_eq!(kanri.unwrap().role, Role::Admin, "still an admin");
    }
);

on_both_backends!(a_post_without_the_sessions_token_is_403, |app| {
    let mut admin = signed_in(app, "kanri@example.jp", "管理 太郎", Role::Admin);
    let form = [
        ("email", "ichiro@example.jp"),
        ("name", "佐藤 一郎"),
        ("role", "admin"),
    ];
    let none = admin.post(PAGE, &form);
    assert_eq!(none.status, 403, "{}", none.text);
    let mut forged = vec![("csrf_token", "not-the-token")];
    forged.extend_from_slice(&form);
    assert_eq!(admin.post(PAGE, &forged).status, 403);
    let own = id_of(app, "kanri@example.jp");
    assert_eq!(admin.post(&format!("{PAGE}/{own}/reset"), &[]).status, 403);
    let mut conn = app.pool.get().unwrap();
    assert_eq!(people::list(&mut conn).unwrap().len(), 1, "nobody added");
});
