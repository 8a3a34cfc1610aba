//! A campaign's page in the console: its settings, counter and deadline history, the form's
//! address and QR code for the flyer; the deadline and slots changed with a reason and closing
//! early through the same use case as `PATCH /api/v1/campaigns/{id}`, as the person; and an
//! admin creating a campaign through its form.

use crate::console::signed_in;
use crate::helpers::{single, TestApp};

use crate::on_both_backends;
use crate::people::events_about;
use honoraria::domain::role::Role;
use serde_json::Value;

fn page(c: &str) -> String {
    format!("/staff/campaigns/{c}")
}

fn campaign(app: &TestApp, c: &str) -> Value {
    app.get(&format!("/api/v1/campaigns/{c}")).body
}

fn apply(app: &TestApp, c: &str, n: u32) -> Value {
    let r = app.post(&format!("/api/v1/campaigns/{c}/applications"), &single(n));
    assert_eq!(r.status, 201, "{}", r.body);
    r.body
}

/// Japan's today, as the deadlines are days in Japan.
fn japan_today() -> chrono::NaiveDate {
    honoraria::domain::jst::date_of(chrono::Utc::now().naive_utc())
}

on_both_backends!(
    the_page_shows_counter_settings_and_the_flyers_qr_code,
    |app| {
        let c = app.open_campaign(2, 1);
        apply(app, &c, 1);
        let code = campaign(app, &c)["code"].as_str().unwrap().to_owned();
        let mut browser = signed_in(app, "hanako@example.jp", "山田 花子", Role::Secretariat);
        assert!(
            browser.get("/staff").has(&format!("href=\"{}\"", page(&c))),
            "linked from the first page"
        );
        let shown = browser.get(&page(&c));
        assert_eq!(shown.status, 200, "{}", shown.text);
        assert!(shown.has("data-counter=\"total\">1 / 2<"), "{}", shown.text);
        assert!(shown.has("data-counter=\"model\">0 / 1<"));
        assert!(shown.has("id=\"phase\">受付中<"));
        let url = format!("https://campaign.example.jp/apply/{code}");
        assert!(shown.has(&format!("id=\"form-url\" href=\"{url}\"")));
        assert!(shown.has(&format!("src=\"/apply/{code}/qr.svg\"")));
        assert!(shown.has(&format!("href=\"/apply/{code}/qr.png\" download=")));
        assert!(shown.has("id=\"no-history\""));
        for link in [
            "applications",
            "participants",
            "bank-accounts",
            "year-end",
            "payouts",
        ] {
            assert!(
                shown.has(&format!("href=\"/staff/campaigns/{c}/{link}\"")),
                "{link}"
            );
        }
        let qr = browser.get(&format!("/apply/{code}/qr.svg"));
        assert_eq!(qr.status, 200);
        assert!(qr.has("<svg"));
        assert_eq!(browser.get(&page("no-such-campaign")).status, 404);
    }
);

on_both_backends!(
    a_deadline_change_needs_a_reason_keeps_what_was_typed_and_is_kept_in_the_history,
    |app| {
        let c = app.open_campaign(1, 0);
        apply(app, &c, 1);
        let waiting = apply(app, &c, 2);
        assert_eq!(waiting["status"], "waitlisted");
        let mut browser = signed_in(app, "hanako@example.jp", "山田 花子", Role::Secretariat);
        let later = (japan_today() + chrono::Duration::days(40)).to_string();
        let form = |deadline: &str, total: &str, reason: &str| {
            vec![
                ("deadline", deadline.to_owned()),
                ("total_slots", total.to_owned()),
                ("model_slots", "0".to_owned()),
                ("reserved_seminar_slots", "0".to_owned()),
                ("reason", reason.to_owned()),
            ]
        };
        let send = |browser: &mut crate::staff_client::Client, fields: Vec<(&str, String)>| {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            browser.submit(&page(&c), &page(&c), &fields)
        };

        let refused = send(&mut browser, form(&later, "五", ""));
        assert_eq!(refused.status, 422, "{}", refused.text);
        assert!(refused.has("id=\"f-change-total_slots-error\""));
        assert!(
            refused.has("href=\"#f-change-total_slots\""),
            "in the summary"
        );
        assert!(
            refused.has(&format!("name=\"deadline\" value=\"{later}\"")),
            "kept"
        );
        assert!(refused.has("name=\"total_slots\" value=\"五\""));
        assert!(refused.has("【入力内容をご確認ください】"));
        let no_reason = send(&mut browser, form(&later, "1", ""));
        assert_eq!(no_reason.status, 422, "{}", no_reason.text);
        assert!(
            no_reason.has("id=\"f-change-reason-error\""),
            "{}",
            no_reason.text
        );
        assert!(no_reason.has("締切日を変えるときは理由を入力してください"));

        let below = send(&mut browser, form(&later, "0", "枠の見直し"));
        assert_eq!(below.status, 422, "{}", below.text);
        assert!(below.has("id=\"f-change-total_slots-error\""));

        // Full-width digits are read as the number; the slot goes to who waits.
        let done = send(&mut browser, form(&later, "２", "申込多数のため延長します"));
        assert_eq!(done.status, 303, "{}", done.text);
        assert_eq!(done.location.as_deref(), Some(page(&c).as_str()));
        let after = campaign(app, &c);
        assert_eq!(after["deadline"], later.as_str());
        assert_eq!(after["total_slots"], 2);
        let change = &after["deadline_history"][0];
        assert_eq!(change["reason"], "申込多数のため延長します");
        let by = change["changed_by"].as_str().unwrap();
        assert!(
            by.starts_with("secretariat:山田 花子 <hanako@example.jp> (session "),
            "{by}"
        );
        let promoted = app.get(&format!(
            "/api/v1/applications/{}",
            waiting["id"].as_str().unwrap()
        ));
        assert_eq!(promoted.body["status"], "accepted");
        let shown = browser.get(&page(&c));
        assert!(shown.has("id=\"deadline-history\""), "{}", shown.text);
        assert!(shown.has("申込多数のため延長します"));
        assert!(shown.has("data-counter=\"total\">2 / 2<"));
    }
);

on_both_backends!(
    closing_early_moves_the_deadline_to_yesterday_with_a_reason,
    |app| {
        // Opened two days ago: a campaign that opened today cannot end yesterday.
        let mut body = crate::helpers::open_campaign_body();
        body["opens_at"] =
            serde_json::json!((chrono::Utc::now() - chrono::Duration::days(2)).to_rfc3339());
        let made = app.post("/api/v1/campaigns", &body);
        assert_eq!(made.status, 201, "{}", made.body);
        let c = made.body["id"].as_str().unwrap().to_owned();
        let mut browser = signed_in(app, "hanako@example.jp", "山田 花子", Role::Secretariat);
        let close = format!("{}/close", page(&c));
        let refused = browser.submit(&page(&c), &close, &[("reason", "  ")]);
        assert_eq!(refused.status, 422, "{}", refused.text);
        assert!(
            refused.has("id=\"f-close-reason-error\""),
            "{}",
            refused.text
        );
        assert_eq!(campaign(app, &c)["phase"], "open");

        let done = browser.submit(
            &page(&c),
            &close,
            &[("reason", "予算に達したため締め切ります")],
        );
        assert_eq!(done.status, 303, "{}", done.text);
        let after = campaign(app, &c);
        assert_eq!(after["phase"], "closed");
        let yesterday = japan_today().pred_opt().unwrap().to_string();
        assert_eq!(after["deadline"], yesterday.as_str());
        assert_eq!(
            after["deadline_history"][0]["reason"],
            "予算に達したため締め切ります"
        );
        let late = app.post(&format!("/api/v1/campaigns/{c}/applications"), &single(1));
        assert_eq!(late.status, 409, "{}", late.body);
        let shown = browser.get(&page(&c));
        assert!(shown.has("id=\"phase\">受付終了<"));
        assert!(!shown.has("id=\"close\""), "nothing to close twice");
        assert!(shown.has("id=\"change\""), "the deadline can still move");
    }
);

on_both_backends!(an_admin_creates_a_campaign_through_the_form, |app| {
    let mut admin = signed_in(app, "kanri@example.jp", "管理 太郎", Role::Admin);
    assert!(admin.get("/staff").has("id=\"new-campaign\""));
    let today = japan_today();
    let day = |d: i64| (today + chrono::Duration::days(d)).to_string();
    let opens = format!("{}T09:00", day(1));
    let (deadline, ends_on) = (day(30), day(120));
    let mut form = vec![
        ("code", "kichijoji-2027"),
        ("name", "吉祥寺データ連携キャンペーン"),
        ("region_code", "132039"),
        ("region_name", "武蔵野市"),
        ("opens_at", opens.as_str()),
        ("deadline", deadline.as_str()),
        ("ends_on", ends_on.as_str()),
        ("total_slots", "３０"),
        ("model_slots", "5"),
        ("reserved_seminar_slots", "0"),
        ("max_referrals", "1"),
        ("honoraria.general", "26,000"),
        ("honoraria.model", "31000"),
        ("honoraria.referred", "26000"),
        ("contact.name", "吉祥寺事務局"),
        ("contact.email", "jimu@example.jp"),
    ];
    let bad: Vec<(&str, &str)> = form
        .iter()
        .map(|&(k, v)| match k {
            "code" => (k, "Kichijoji 2027"),
            "ends_on" => (k, "来年の3月"),
            _ => (k, v),
        })
        .collect();
    let refused = admin.submit("/staff/campaigns/new", "/staff/campaigns", &bad);
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert!(
        refused.has("id=\"f-new-ends_on-error\""),
        "{}",
        refused.text
    );
    assert!(refused.has("日付を 2026-03-31 の形で入力してください"));
    assert!(
        refused.has("name=\"region_name\" value=\"武蔵野市\""),
        "kept"
    );

    let refused = admin.submit(
        "/staff/campaigns/new",
        "/staff/campaigns",
        &bad.iter()
            .map(|&(k, v)| {
                if k == "ends_on" {
                    (k, ends_on.as_str())
                } else {
                    (k, v)
                }
            })
            .collect::<Vec<_>>(),
    );
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert!(refused.has("id=\"f-new-code-error\""), "{}", refused.text);
    assert!(refused.has("英小文字・数字・ハイフン"));

    let made = admin.submit("/staff/campaigns/new", "/staff/campaigns", &form);
    assert_eq!(made.status, 303, "{}", made.text);
    let at = made.location.unwrap();
    let id = at.rsplit('/').next().unwrap().to_owned();
    let created = campaign(app, &id);
    assert_eq!(created["code"], "kichijoji-2027");
    assert_eq!(created["total_slots"], 30);
    assert_eq!(created["honoraria"]["general"], 26000);
    assert_eq!(created["opens_at"], format!("{opens}:00+09:00"));
    assert_eq!(created["contact"]["email"], "jimu@example.jp");
    assert!(admin.get(&at).has("吉祥寺データ連携キャンペーン"));
    let audited = events_about(app, "campaign")
        .into_iter()
        .find(|e| e["action"] == "campaign.create" && e["entity_id"] == id.as_str())
        .expect("audited");
    assert!(audited["actor"]
        .as_str()
        .unwrap()
        .starts_with("admin:管理 太郎"));

    form[1] = ("name", "二つ目");
    let twice = admin.submit("/staff/campaigns/new", "/staff/campaigns", &form);
    assert_eq!(twice.status, 422, "{}", twice.text);
    assert!(twice.has("このコードのキャンペーンはすでにあります"));

    let mut hanako = signed_in(app, "hanako@example.jp", "山田 花子", Role::Secretariat);
    assert!(!hanako.get("/staff").has("id=\"new-campaign\""));
    assert_eq!(hanako.get("/staff/campaigns/new").status, 403);
    let forced = hanako.submit("/staff", "/staff/campaigns", &form);
    assert_eq!(forced.status, 403, "{}", forced.text);
});

on_both_backends!(
    an_auditor_sees_the_page_without_forms_and_may_not_post,
    |app| {
        let c = app.open_campaign(5, 1);
        let mut auditor = signed_in(app, "kansa@example.jp", "監査 三郎", Role::Auditor);
        let shown = auditor.get(&page(&c));
        assert_eq!(shown.status, 200, "{}", shown.text);
        assert!(!shown.has("id=\"change\""));
        assert!(!shown.has("id=\"close\""));
        for action in [page(&c), format!("{}/close", page(&c))] {
            let refused = auditor.submit(&page(&c), &action, &[("reason", "監査")]);
            assert_eq!(refused.status, 403, "{action}: {}", refused.text);
        }
        assert_eq!(campaign(app, &c)["phase"], "open");
    }
);
