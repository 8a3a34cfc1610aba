//! The console's daily records: notes on an application, an email sent again, the
//! applications list searched, the first page's open checkpoints, each office's payee account
//! (masked for auditors as the JSON API masks it), and a disabled person enabled again.

use crate::console::{signed_in, PASSWORD};
use crate::helpers::{single, TestApp};
use crate::on_both_backends;
use crate::people::events_about;
use crate::staff_client::Client;
use crate::year_end::{campaign_of_five, number};
use honoraria::domain::person::StaffEmail;
use honoraria::domain::role::Role;
use honoraria::service::people;
use serde_json::Value;

fn apply(app: &TestApp, c: &str, n: u32) -> String {
    let r = app.post(&format!("/api/v1/campaigns/{c}/applications"), &single(n));
    assert_eq!(r.status, 201, "{}", r.body);
    r.body["id"].as_str().unwrap().to_owned()
}

/// The latest audit event of this action about `id`.
fn event(app: &TestApp, entity: &str, action: &str, id: &str) -> Value {
    events_about(app, entity)
        .into_iter()
        .rev()
        .find(|e| e["action"] == action && e["entity_id"] == id)
        .unwrap_or_else(|| panic!("no {action} about {id}"))
}

fn by_hanako(event: &Value) -> bool {
    event["actor"]
        .as_str()
        .unwrap()
        .starts_with("secretariat:山田 花子 <hanako@example.jp> (session ")
}

on_both_backends!(notes_are_kept_with_author_and_time_and_audited, |app| {
    let c = app.open_campaign(5, 1);
    let id = apply(app, &c, 1);
    let mut browser = signed_in(app, "hanako@example.jp", "山田 花子", Role::Secretariat);
    let page = format!("/staff/applications/{id}");
    let action = format!("{page}/notes");
    assert!(browser.get(&page).has("id=\"no-notes\""));

    let empty = browser.submit(&page, &action, &[("text", "  ")]);
    assert_eq!(empty.status, 422, "{}", empty.text);
    assert!(empty.has("id=\"f-note-text-error\""), "{}", empty.text);
    assert!(empty.has("href=\"#f-note-text\""));
    assert!(empty.has("入力してください（2000文字以内）"));
    let long = "あ".repeat(2001);
    let refused = browser.submit(&page, &action, &[("text", &long)]);
    assert_eq!(refused.status, 422);
    assert!(refused.has(&long), "what was typed is kept");

    let note = "電話で事業所の状況を確認。\n来週もう一度連絡する";
    let done = browser.submit(&page, &action, &[("text", note)]);
    assert_eq!(done.status, 303, "{}", done.text);
    assert_eq!(done.location.unwrap(), format!("{page}#notes"));
    let shown = browser.get(&page);
    assert!(shown.has("id=\"notes\""), "{}", shown.text);
    assert!(shown.has(note));
    assert!(shown.has("secretariat:山田 花子 &#60;hanako@example.jp&#62; (session "));
    assert!(shown.has("<td>メモ</td>"), "in the history too");

    let json = app.get(&format!("/api/v1/applications/{id}"));
    assert_eq!(json.body["notes"][0]["text"], note, "{}", json.body);
    let listed = app.get(&format!("/api/v1/campaigns/{c}/applications"));
    assert!(
        listed.body["items"][0].get("notes").is_none(),
        "not in lists"
    );
    let audited = event(app, "application", "application.note", &id);
    assert!(by_hanako(&audited), "{audited}");
    assert_eq!(audited["after"]["note"], note);

    let mut auditor = signed_in(app, "kansa@example.jp", "監査 三郎", Role::Auditor);
    assert!(!auditor.get(&page).has("id=\"add-note\""));
    assert_eq!(auditor.submit(&page, &action, &[("text", "x")]).status, 403);
});

on_both_backends!(an_email_is_sent_again_from_the_application_page, |app| {
    let c = app.open_campaign(5, 1);
    let id = apply(app, &c, 1);
    let other = apply(app, &c, 2);
    let email = app.get(&format!("/api/v1/outbox?application_id={id}")).body["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut browser = signed_in(app, "hanako@example.jp", "山田 花子", Role::Secretariat);
    let page = format!("/staff/applications/{id}");
    let action = format!("{page}/emails/{email}/resend");
    assert!(
        !browser.get(&page).has(&action),
        "nothing to resend while it waits"
    );
    app.drain_outbox();
    let shown = browser.get(&page);
    assert!(
        shown.has(&format!("data-resend=\"{action}\"")),
        "{}",
        shown.text
    );
    assert!(shown.has("送信済み"));

    let done = browser.submit(&page, &action, &[]);
    assert_eq!(done.status, 303, "{}", done.text);
    let again = app.get(&format!("/api/v1/outbox/{email}"));
    assert_eq!(again.body["status"], "queued", "{}", again.body);
    assert!(by_hanako(&event(
        app,
        "outbox_message",
        "email.resend",
        &email
    )));
    let twice = browser.submit(&page, &action, &[]);
    assert_eq!(twice.status, 409, "{}", twice.text);
    assert!(twice.has("すでに送信待ちです"));
    let elsewhere = format!("/staff/applications/{other}/emails/{email}/resend");
    assert_eq!(browser.submit(&page, &elsewhere, &[]).status, 404);
});

on_both_backends!(the_list_is_searched_by_office_number_or_name, |app| {
    let c = app.open_campaign(10, 1);
    let ids: Vec<String> = [1, 2, 3, 12].iter().map(|n| apply(app, &c, *n)).collect();
    let mut browser = signed_in(app, "hanako@example.jp", "山田 花子", Role::Secretariat);
    let search = |browser: &mut Client, q: &str| {
        let query = serde_urlencoded::to_string([("q", q)]).unwrap();
        let found = browser.get(&format!("/staff/campaigns/{c}/applications?{query}"));
        assert_eq!(found.status, 200, "{}", found.text);
        found
    };
    let full_width: String = number(2, "care_management")
        .chars()
        .map(|d| char::from_u32(d as u32 + 0xFEE0).unwrap())
        .collect();
    let by_number = search(&mut browser, &full_width);
    assert!(by_number.has("1件（1ページ目）"), "{}", by_number.text);
    assert!(by_number.has(&ids[1]));
    assert!(
        by_number.has(&format!("value=\"{full_width}\"")),
        "the box keeps it"
    );
    let by_name = search(&mut browser, "テスト事業所1");
    assert!(
        by_name.has("2件（1ページ目）"),
        "1 and 12: {}",
        by_name.text
    );
    let by_corporation = search(&mut browser, "社会福祉法人テスト3");
    assert!(by_corporation.has("1件（1ページ目）") && by_corporation.has(&ids[2]));
    assert!(
        search(&mut browser, "山田").has("4件（1ページ目）"),
        "contact names"
    );
    assert!(
        search(&mut browser, "%").has("0件（1ページ目）"),
        "no wildcard"
    );
    let both = browser.get(&format!(
        "/staff/campaigns/{c}/applications?status=waitlisted&q=%E3%83%86%E3%82%B9%E3%83%88"
    ));
    assert!(both.has("0件（1ページ目）"), "filters and search together");
    let api = app.get(&format!("/api/v1/campaigns/{c}/applications?q=%E3%83%86%E3%82%B9%E3%83%88%E4%BA%8B%E6%A5%AD%E6%89%803"));
    assert_eq!(api.body["total"], 1, "{}", api.body);
});

on_both_backends!(the_first_page_counts_offices_with_open_checkpoints, |app| {
    let c = campaign_of_five(app);
    let mut browser = signed_in(app, "hanako@example.jp", "山田 花子", Role::Secretariat);
    let home = browser.get("/staff");
    let cell = format!(
        "data-counter=\"open-checkpoints\"><a href=\"/staff/campaigns/{c}/participants\">5件<"
    );
    assert!(home.has(&cell), "{}", home.text);
    let empty = app.open_campaign(3, 1);
    let home = browser.get("/staff");
    let row = &home.text[home
        .text
        .find(&format!("/staff/campaigns/{empty}\""))
        .unwrap()..];
    assert!(
        row.contains("data-counter=\"open-checkpoints\">0件<"),
        "{row}"
    );
});

on_both_backends!(
    payee_accounts_are_set_per_office_and_masked_for_auditors,
    |app| {
        let c = campaign_of_five(app);
        let office = number(3, "care_management");
        let page = format!("/staff/campaigns/{c}/bank-accounts");
        let action = format!("{page}/{office}");
        let mut browser = signed_in(app, "hanako@example.jp", "山田 花子", Role::Secretariat);
        let shown = browser.get(&page);
        assert_eq!(shown.status, 200, "{}", shown.text);
        assert!(shown.has("参加事業所5件"), "{}", shown.text);
        assert!(shown.has(&format!("id=\"save-{office}\"")));

        let bad = [
            ("bank_code", "１２"),
            ("branch_code", "001"),
            ("account_type", "ordinary"),
            ("account_number", "1234567"),
            ("holder_kana", "漢字の名義"),
        ];
        let refused = browser.submit(&page, &action, &bad);
        assert_eq!(refused.status, 422, "{}", refused.text);
        let field = format!("f-acct-{office}-bank_code");
        assert!(
            refused.has(&format!("id=\"{field}-error\"")),
            "{}",
            refused.text
        );
        assert!(refused.has(&format!("href=\"#{field}\"")));
        assert!(refused.has("4桁の数字で入力してください"));
        assert!(refused.has(&format!("id=\"f-acct-{office}-holder_kana-error\"")));
        assert!(refused.has("value=\"漢字の名義\""), "kept");
        assert!(refused.has("<details open>"));

        let good = [
            ("bank_code", "０００１"),
            ("branch_code", "001"),
            ("account_type", "savings"),
            ("account_number", "1234567"),
            ("holder_kana", "シャカイフクシホウジン"),
        ];
        let done = browser.submit(&page, &action, &good);
        assert_eq!(done.status, 303, "{}", done.text);
        assert_eq!(
            done.location.unwrap(),
            format!("{page}?page=1#office-{office}")
        );
        let whole = browser.get(&page);
        assert!(
            whole.has("0001-001 貯蓄 1234567 ｼﾔｶｲﾌｸｼﾎｳｼﾞﾝ"),
            "{}",
            whole.text
        );
        assert!(by_hanako(&event(
            app,
            "bank_account",
            "bank_account.set",
            &office
        )));

        let mut auditor = signed_in(app, "kansa@example.jp", "監査 三郎", Role::Auditor);
        let masked = auditor.get(&page);
        assert!(masked.has("id=\"masked\""));
        let api = app.request(
            "GET",
            &format!("/api/v1/campaigns/{c}/participants/{office}/bank-account"),
            Some(&app.token("auditor")),
            None,
        );
        let number = api.body["account_number"].as_str().unwrap();
        assert_eq!(number, "****567");
        assert!(
            masked.has(&format!("0001-001 貯蓄 {number} ")),
            "{}",
            masked.text
        );
        assert!(!masked.has("1234567"));
        assert!(!masked.has(&format!("id=\"save-{office}\"")));
        assert_eq!(auditor.submit(&page, &action, &good).status, 403);
    }
);

on_both_backends!(a_disabled_person_is_enabled_again_by_an_admin, |app| {
    let mut admin = signed_in(app, "kanri@example.jp", "管理 太郎", Role::Admin);
    signed_in(app, "hanako@example.jp", "山田 花子", Role::Secretariat);
    let hanako = {
        let mut conn = app.pool.get().unwrap();
        people::find(&mut conn, &StaffEmail::parse("hanako@example.jp").unwrap())
            .unwrap()
            .id
    };
    let page = "/staff/people";
    let enable = format!("{page}/{hanako}/enable");
    let not_yet = admin.submit(page, &enable, &[]);
    assert_eq!(not_yet.status, 422, "{}", not_yet.text);
    assert!(not_yet.has("この担当者は無効になっていません"));

    let off = admin.submit(page, &format!("{page}/{hanako}/disable"), &[]);
    assert_eq!(off.status, 303, "{}", off.text);
    assert!(admin.get(page).has(&format!("id=\"enable-{hanako}\"")));
    let mut browser = Client::new(app);
    let locked = browser.sign_in("hanako@example.jp", PASSWORD, "", "/staff");
    assert_eq!(locked.status, 401, "disabled");

    let on = admin.submit(page, &enable, &[]);
    assert_eq!(on.status, 303, "{}", on.text);
    assert_eq!(on.location.as_deref(), Some(page));
    let back = browser.sign_in("hanako@example.jp", PASSWORD, "", "/staff");
    assert_eq!(back.status, 303, "her password works again: {}", back.text);
    let audited = event(app, "person", "person.enable", &hanako);
    assert!(audited["actor"]
        .as_str()
        .unwrap()
        .starts_with("admin:管理 太郎"));
    assert_eq!(
        browser.submit("/staff", &enable, &[]).status,
        403,
        "admins only"
    );
});
