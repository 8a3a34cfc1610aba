//! The secretariat console through its forms, as a browser without JavaScript uses it: the
//! first page, applications and their filters, disqualifying as the person, the whole year end
//! from the check to a batch approved by a second person, and an auditor who only reads.

use crate::helpers::{single, TestApp};
use crate::on_both_backends;
use crate::staff_client::Client;
use crate::year_end::{campaign_of_five, fill_checkpoints, import_list, number};
use honoraria::domain::person::{Password, StaffEmail};
use honoraria::domain::role::Role;
use honoraria::service::{people, Actor};
use honoraria::{clock, db};
use serde_json::Value;

pub(crate) const PASSWORD: &str = "むさしの事務局の春の青空";

/// Adds a person who can sign in at once with [`PASSWORD`].
pub(crate) fn add_person(app: &TestApp, email: &str, name: &str, role: Role) {
    let address = StaffEmail::parse(email).unwrap();
    let password = Password::parse(PASSWORD, &address).unwrap();
    let mut conn = app.pool.get().unwrap();
    db::write_transaction(&mut conn, |c| {
        people::add(
            c,
            &Actor::cli(),
            clock::now(),
            &address,
            name,
            role,
            Some(&password),
        )
    })
    .expect("person added");
}

/// Adds a person who can sign in at once, and signs them in.
pub(crate) fn signed_in(app: &TestApp, email: &str, name: &str, role: Role) -> Client {
    add_person(app, email, name, role);
    let mut browser = Client::new(app);
    let form = browser.get("/staff/sign-in");
    let csrf = form.input("csrf_token");
    let done = browser.post(
        "/staff/sign-in",
        &[
            ("csrf_token", &csrf),
            ("email", email),
            ("password", PASSWORD),
            ("next", "/staff"),
        ],
    );
    assert_eq!(done.status, 303, "{}", done.text);
    browser
}

/// The five-office campaign after its end, its checkpoints filled and a usage list naming
/// `listed`; a secretariat (A) who drafts and an admin (B) who approves, both signed in.
pub(crate) fn ended_with_two_people(
    app: &TestApp,
    listed: &[(u32, &str)],
) -> (String, Client, Client) {
    let c = campaign_of_five(app);
    fill_checkpoints(app, &c);
    let listed: Vec<String> = listed.iter().map(|(n, kind)| number(*n, kind)).collect();
    import_list(app, &c, &listed);
    let a = signed_in(app, "a@example.jp", "青木 一郎", Role::Secretariat);
    let b = signed_in(app, "b@example.jp", "馬場 二郎", Role::Admin);
    (c, a, b)
}

/// Drafts a batch from `check_id` through the payouts page's form; the batch's page.
pub(crate) fn draft_from(person: &mut Client, campaign: &str, check_id: &str) -> String {
    let drafted = person.submit(
        &format!("/staff/campaigns/{campaign}/payouts"),
        &format!("/staff/campaigns/{campaign}/payout-batches"),
        &[("year_end_check_id", check_id)],
    );
    assert_eq!(drafted.status, 303, "{}", drafted.text);
    drafted.location.unwrap()
}

fn apply(app: &TestApp, campaign: &str, body: &Value) -> Value {
    let r = app.request(
        "POST",
        &format!("/api/v1/campaigns/{campaign}/applications"),
        None,
        Some(body),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    r.body
}

fn id_of(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

on_both_backends!(the_first_page_lists_each_campaign_with_its_counter, |app| {
    let c = campaign_of_five(app);
    let code = app.get(&format!("/api/v1/campaigns/{c}")).body["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut browser = signed_in(app, "hanako@example.jp", "山田 花子", Role::Secretariat);
    let home = browser.get("/staff");
    assert_eq!(home.status, 200, "{}", home.text);
    assert!(home.has("lang=\"ja\""));
    assert!(home.has("ようこそ、山田 花子さん"));
    assert!(
        home.has(&format!("id=\"campaign-{code}\"")),
        "{}",
        home.text
    );
    // Five offices of ten taken, one model office of two, nobody waiting.
    assert!(home.has("data-counter=\"total\">5 / 10<"), "{}", home.text);
    assert!(home.has("data-counter=\"model\">1 / 2<"), "{}", home.text);
    assert!(home.has("data-counter=\"waiting\">0件<"), "{}", home.text);
    assert!(home.has(&format!("/staff/campaigns/{c}/applications")));
    assert!(home.has("id=\"sign-out\""));
    assert!(home.has("送信に失敗したメール（0件）"));
});

on_both_backends!(
    applications_filter_and_a_disqualification_needs_a_reason_and_names_the_person,
    |app| {
        let c = app.open_campaign(2, 1);
        let first = id_of(&apply(app, &c, &single(1)));
        apply(app, &c, &single(2));
        let waiting = apply(app, &c, &single(3));
        assert_eq!(waiting["status"], "waitlisted");
        let mut browser = signed_in(app, "hanako@example.jp", "山田 花子", Role::Secretariat);

        let all = browser.get(&format!("/staff/campaigns/{c}/applications"));
        assert_eq!(all.status, 200, "{}", all.text);
        assert!(all.has("3件（1ページ目）"), "{}", all.text);
        let filtered = browser.get(&format!(
            "/staff/campaigns/{c}/applications?status=waitlisted&tier=&page=1"
        ));
        assert!(filtered.has("1件（1ページ目）"), "{}", filtered.text);
        assert!(filtered.has(&format!("/staff/applications/{}", id_of(&waiting))));
        assert!(!filtered.has(&format!("/staff/applications/{first}")));
        assert!(filtered.has("<option value=\"waitlisted\" selected>"));

        let page = format!("/staff/applications/{first}");
        let shown = browser.get(&page);
        assert_eq!(shown.status, 200, "{}", shown.text);
        assert!(shown.has("id=\"disqualify\""));
        assert!(
            shown.has("id=\"void\""),
            "staff may void a squatter from the page"
        );
        assert!(shown.has(&number(1, "care_management")));

        // No reason: the page again, the error beside the field and in the summary.
        let refused = browser.submit(&page, &format!("{page}/disqualify"), &[("reason", " ")]);
        assert_eq!(refused.status, 422, "{}", refused.text);
        assert!(refused.has("id=\"f-disqualify-reason-error\""));
        assert!(refused.has("href=\"#f-disqualify-reason\""));
        assert!(refused.has("失格の理由を入力してください"));
        assert!(refused.has("【入力内容をご確認ください】"));

        let done = browser.submit(
            &page,
            &format!("{page}/disqualify"),
            &[("reason", "同一法人内での重複応募のため")],
        );
        assert_eq!(done.status, 303, "{}", done.text);
        assert_eq!(done.location.as_deref(), Some(page.as_str()));
        let after = browser.get(&page);
        assert!(after.has("id=\"status\">失格<"), "{}", after.text);
        assert!(after.has("同一法人内での重複応募のため"));
        assert!(
            after.has("secretariat:山田 花子 &#60;hanako@example.jp&#62; (session "),
            "{}",
            after.text
        );
        assert!(!after.has("id=\"disqualify\""), "nothing leaves twice");

        // The same use case as the JSON API: the slot went to the waiting application, and
        // the audit trail names the person.
        let promoted = app.get(&format!("/api/v1/applications/{}", id_of(&waiting)));
        assert_eq!(promoted.body["status"], "accepted");
        let disqualified = app.audited(&c, "application.disqualify");
        let actor = disqualified["actor"].as_str().unwrap();
        assert!(
            actor.starts_with("secretariat:山田 花子 <hanako@example.jp> (session "),
            "{actor}"
        );
        assert_eq!(
            crate::sign_in::session_reference(&disqualified["actor"]).len(),
            8
        );
        assert_eq!(disqualified["entity_id"], first.as_str());
    }
);

on_both_backends!(
    the_year_end_through_the_forms_with_a_second_person_approving,
    |app| {
        let (c, mut a, mut b) = ended_with_two_people(
            app,
            &[
                (1, "care_management"),
                (2, "service"),
                (3, "care_management"),
                (4, "care_management"),
                (5, "service"),
            ],
        );

        // The check, through its form: every office, every reason in Japanese, not a dry run.
        let year_end = format!("/staff/campaigns/{c}/year-end");
        let typo = a.submit(
            &year_end,
            &format!("/staff/campaigns/{c}/year-end-checks"),
            &[("as_of", "3月31日")],
        );
        assert_eq!(typo.status, 422, "{}", typo.text);
        assert!(typo.has("id=\"f-as_of-error\""));
        let ran = a.submit(
            &year_end,
            &format!("/staff/campaigns/{c}/year-end-checks"),
            &[("as_of", &crate::year_end::today())],
        );
        assert_eq!(ran.status, 303, "{}", ran.text);
        let check_page = ran.location.unwrap();
        assert!(check_page.starts_with("/staff/year-end-checks/"));
        let check = a.get(&check_page);
        assert_eq!(check.status, 200, "{}", check.text);
        assert!(check.has("id=\"final\""), "{}", check.text);
        assert!(!check.has("id=\"dry-run\""));
        assert!(check.has("年度末アンケートへのご回答が確認できませんでした"));
        assert!(check.has(&number(5, "service")));
        assert!(a.get(&year_end).has(&check_page));

        // A drafts from the latest check.
        let payouts = format!("/staff/campaigns/{c}/payouts");
        let listing = a.get(&payouts);
        let check_id = listing.input("year_end_check_id");
        assert_eq!(format!("/staff/year-end-checks/{check_id}"), check_page);
        let batch_page = draft_from(&mut a, &c, &check_id);
        let batch_id = batch_page.rsplit('/').next().unwrap().to_owned();

        // The author sees no approve button, and a forced post is refused by the use case.
        let own = a.get(&batch_page);
        assert_eq!(own.status, 200, "{}", own.text);
        assert!(own.has("id=\"batch-status\">承認待ち<"));
        assert!(!own.has("id=\"approve\""), "{}", own.text);
        assert!(own.has("id=\"not-yours\""));
        assert!(own.has("id=\"author\">青木 一郎<"));
        let forced = a.submit(
            &batch_page,
            &format!("{batch_page}/approve"),
            &[("password", PASSWORD)],
        );
        assert_eq!(forced.status, 403, "{}", forced.text);
        assert!(
            !a.get("/staff").has(&batch_page),
            "not on the author's list"
        );

        // B finds it waiting on the first page and approves with their password.
        assert!(b.get("/staff").has(&batch_page));
        let shown = b.get(&batch_page);
        assert!(shown.has("id=\"approve\""), "{}", shown.text);
        let wrong = b.submit(
            &batch_page,
            &format!("{batch_page}/approve"),
            &[("password", "まちがったパスワードです")],
        );
        assert_eq!(wrong.status, 422, "{}", wrong.text);
        assert!(wrong.has("id=\"f-password-error\""));
        assert!(wrong.has("href=\"#f-password\""));
        assert_eq!(
            app.get(&format!("/api/v1/payout-batches/{batch_id}")).body["status"],
            "draft"
        );
        let approved = b.submit(
            &batch_page,
            &format!("{batch_page}/approve"),
            &[("password", PASSWORD)],
        );
        assert_eq!(approved.status, 303, "{}", approved.text);
        let after = b.get(&batch_page);
        assert!(after.has("id=\"batch-status\">承認済み<"), "{}", after.text);
        assert!(after.has("id=\"author\">青木 一郎<"));
        assert!(after.has("id=\"decider\">馬場 二郎<"));
        assert!(!after.has("id=\"approve\""));
        assert!(!after.has("id=\"cancel\""));

        let batch = app.get(&format!("/api/v1/payout-batches/{batch_id}"));
        assert_eq!(batch.body["status"], "approved", "{}", batch.body);
        assert_eq!(batch.body["created_by_person"]["name"], "青木 一郎");
        assert_eq!(batch.body["decided_by_person"]["name"], "馬場 二郎");
        let decider = batch.body["decided_by"].as_str().unwrap();
        assert!(
            decider.starts_with("admin:馬場 二郎 <b@example.jp> (session "),
            "{decider}"
        );
    }
);

on_both_backends!(an_auditor_reads_every_page_and_changes_nothing, |app| {
    let c = campaign_of_five(app);
    let application = app.get(&format!("/api/v1/campaigns/{c}/applications")).body["items"][0]
        ["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut auditor = signed_in(app, "kansa@example.jp", "監査 三郎", Role::Auditor);
    let page = format!("/staff/applications/{application}");
    for (path, button) in [
        (page.as_str(), "id=\"disqualify\""),
        (
            &format!("/staff/campaigns/{c}/year-end"),
            "id=\"run-check\"",
        ),
        (
            &format!("/staff/campaigns/{c}/payouts"),
            "id=\"draft-batch\"",
        ),
    ] {
        let shown = auditor.get(path);
        assert_eq!(shown.status, 200, "{path}: {}", shown.text);
        assert!(!shown.has(button), "{path} offers a change to an auditor");
    }
    assert!(auditor.get("/staff").has("閲覧のみ"));
    for (action, form) in [
        (format!("{page}/disqualify"), vec![("reason", "監査")]),
        (format!("{page}/withdraw"), vec![]),
        (
            format!("/staff/campaigns/{c}/year-end-checks"),
            vec![("as_of", "2026-03-31")],
        ),
        (
            format!("/staff/campaigns/{c}/payout-batches"),
            vec![("year_end_check_id", "x")],
        ),
        ("/staff/payout-batches/x/approve".to_owned(), vec![]),
        ("/staff/payout-batches/x/cancel".to_owned(), vec![]),
    ] {
        let refused = auditor.submit(&page, &action, &form);
        assert_eq!(refused.status, 403, "{action}: {}", refused.text);
    }
    assert_eq!(
        app.get(&format!("/api/v1/applications/{application}")).body["status"],
        "accepted"
    );
    let out = auditor.submit("/staff", "/staff/sign-out", &[]);
    assert_eq!(out.status, 303, "signing out is no change");
});

on_both_backends!(
    the_audit_trail_page_lists_every_change_and_says_whether_the_chain_holds,
    |app| {
        let c = campaign_of_five(app);
        let mut auditor = signed_in(app, "kansa@example.jp", "監査 三郎", Role::Auditor);
        let all = auditor.get("/staff/audit");
        assert_eq!(all.status, 200, "{}", all.text);
        assert!(all.has("ハッシュの連鎖は完全です"), "{}", all.text);
        assert!(all.has("application.submit"));
        assert!(all.has("campaign.create"));
        assert!(
            all.has("person.add"),
            "people are audited outside any campaign"
        );
        let one = auditor.get(&format!("/staff/audit?campaign_id={c}"));
        assert!(one.has("application.submit"));
        assert!(!one.has("person.add"), "only the campaign's changes");
        let none = auditor.get("/staff/audit?campaign_id=no-such-campaign");
        assert_eq!(none.status, 200);
        assert!(none.has("0件の変更"), "{}", none.text);

        app.drop_audit_guard();
        app.execute_sql("UPDATE audit_events SET actor = 'someone else' WHERE seq = 2");
        let cut = auditor.get("/staff/audit");
        assert!(cut.has("ハッシュの連鎖が途切れています"), "{}", cut.text);
    }
);
