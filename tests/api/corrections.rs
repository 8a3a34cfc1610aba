//! What an applicant meets after submitting: the status page shows everything that was sent
//! (addresses masked), and the contact, names and addresses can be corrected until the
//! deadline without losing the place in line; each correction audited and mailed. Office and
//! corporate numbers stay. Refused posts and their drafts are in `drafts`.

use crate::helpers::{office, pair, single, status_secret, TestApp};
use crate::on_both_backends;
use crate::pages::{Browser, Page};
use serde_json::{json, Value};

pub(crate) fn apply(app: &TestApp, campaign: &str, body: &Value) -> Value {
    crate::surveys::applied(app, campaign, body).1
}

/// Every field of the correction form as it stands, with `changes` made.
pub(crate) fn edited(page: &Page, changes: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut names = vec!["csrf_token".to_owned(), "contact.name".to_owned()];
    for i in 0..2 {
        for f in ["office_number", "name", "corporation_name", "address"] {
            let name = format!("offices.{i}.{f}");
            if page.text.contains(&format!("name=\"{name}\"")) {
                names.push(name);
            }
        }
    }
    if page.text.contains("name=\"draft\"") {
        names.push("draft".into());
    }
    let mut form: Vec<(String, String)> = names
        .into_iter()
        .map(|n| {
            let v = page.input(&n);
            (n, v)
        })
        .collect();
    for (name, value) in changes {
        form.retain(|(n, _)| n != name);
        form.push(((*name).to_owned(), (*value).to_owned()));
    }
    form
}

pub(crate) fn mails(app: &TestApp, application: &str, kind: &str) -> Vec<Value> {
    let list = app.get(&format!("/api/v1/outbox?application_id={application}"));
    list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["kind"] == kind)
        .cloned()
        .collect()
}

pub(crate) fn corrections_audited(app: &TestApp, campaign: &str) -> Vec<Value> {
    app.get(&format!("/api/v1/audit-events?campaign_id={campaign}"))
        .body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "application.correct")
        .cloned()
        .collect()
}

on_both_backends!(
    the_status_page_shows_all_that_was_sent_and_a_correction_keeps_the_place_in_line,
    |app| {
        let c = app.open_campaign(1, 1);
        apply(app, &c, &single(1));
        let waiting = apply(app, &c, &pair(2, 3));
        assert_eq!(waiting["status"], "waitlisted");
        let secret = status_secret(&waiting);
        let status_path = format!("/status/{secret}");
        let mut browser = Browser::new(app);
        let before = browser.get(&status_path);
        let (first, second) = (office(2, "care_management"), office(3, "service"));
        let numbers = [
            first["corporate_number"].as_str().unwrap(),
            second["office_number"].as_str().unwrap(),
        ];
        for shown in [
            "山田 花子",
            "p***@example.jp",
            "o***@example.jp",
            numbers[0],
            numbers[1],
            "社会福祉法人テスト3",
            "東京都武蔵野市緑町2-2-28",
            "武蔵野市（132039）",
            "キャンセル待ちの <strong>1番目</strong>",
            "応募内容を訂正する",
            "事業所番号と法人番号は訂正できません",
        ] {
            assert!(before.text.contains(shown), "{shown}:\n{}", before.text);
        }
        assert!(
            !before.text.contains("pair@example.jp") && !before.text.contains("office2@"),
            "addresses are masked"
        );

        let form = browser.get(&format!("{status_path}/edit"));
        assert_eq!(form.status, 200, "{}", form.text);
        assert_eq!(
            form.input("contact.email"),
            "",
            "the address is never shown whole"
        );
        assert_eq!(form.input("offices.1.name"), "テスト事業所3");
        assert!(
            !form.text.contains("name=\"offices.0.corporate_number\""),
            "numbers are shown, not asked"
        );
        let done = browser.post(
            &format!("{status_path}/edit"),
            &edited(
                &form,
                &[
                    ("contact.name", "山田 太郎"),
                    ("contact.email", "taro@example.jp"),
                    ("offices.1.address", "東京都武蔵野市緑町３丁目１番"),
                ],
            ),
        );
        assert_eq!(
            (done.status, done.location.as_deref()),
            (303, Some(status_path.as_str())),
            "{}",
            done.text
        );
        let after = browser.get(&status_path);
        for shown in [
            "山田 太郎",
            "t***@example.jp",
            "東京都武蔵野市緑町３丁目１番",
            "キャンセル待ちの <strong>1番目</strong>",
            "id=\"sequence\">2</dd>",
        ] {
            assert!(after.text.contains(shown), "{shown}:\n{}", after.text);
        }
        let id = waiting["id"].as_str().unwrap();
        let staff = app.get(&format!("/api/v1/applications/{id}")).body;
        assert_eq!(staff["sequence"], 2);
        assert_eq!(staff["status"], "waitlisted");
        assert_eq!(staff["contact"]["email"], "taro@example.jp");

        let audited = corrections_audited(app, &c);
        assert_eq!(audited.len(), 1, "{audited:?}");
        assert_eq!(audited[0]["actor"], "applicant");
        assert_eq!(audited[0]["entity_id"], id);
        assert_eq!(audited[0]["before"]["contact_email"], "pair@example.jp");
        assert_eq!(audited[0]["after"]["contact_email"], "taro@example.jp");
        assert_eq!(
            audited[0]["after"]["offices"][1]["address"],
            "東京都武蔵野市緑町３丁目１番"
        );
        assert_eq!(
            audited[0]["before"]["offices"][1]["address"],
            "東京都武蔵野市緑町2-2-28"
        );

        let sent = mails(app, id, "corrected");
        let mut to: Vec<&str> = sent
            .iter()
            .map(|m| m["recipient"].as_str().unwrap())
            .collect();
        to.sort();
        assert_eq!(
            to,
            ["pair@example.jp", "taro@example.jp"],
            "the old address hears too"
        );
        let body = app
            .get(&format!(
                "/api/v1/outbox/{}",
                sent[0]["id"].as_str().unwrap()
            ))
            .body;
        let text = body["body_text"].as_str().unwrap();
        for said in [
            "山田 太郎 様",
            "応募内容の訂正を承りました",
            "・ご担当者名: 山田 花子 → 山田 太郎",
            "・ご担当者のメールアドレス: p***@example.jp → t***@example.jp",
            "・所在地（",
            "受付番号と受付の順番は変わりません",
        ] {
            assert!(text.contains(said), "{said}:\n{text}");
        }
        assert!(sent[0]["subject"].as_str().unwrap().contains("訂正"));

        // Sent again unchanged, nothing is written, recorded or mailed.
        let form = browser.get(&format!("{status_path}/edit"));
        let same = browser.post(&format!("{status_path}/edit"), &edited(&form, &[]));
        assert_eq!(same.status, 303);
        assert_eq!(corrections_audited(app, &c).len(), 1);
        assert_eq!(mails(app, id, "corrected").len(), 2);
    }
);

on_both_backends!(
    office_numbers_are_not_corrected_and_the_json_endpoint_takes_the_rest,
    |app| {
        let c = app.open_campaign(5, 1);
        let applied = apply(app, &c, &single(1));
        let secret = status_secret(&applied);
        let path = format!("/api/v1/status/{secret}");
        let number = office(1, "care_management")["office_number"]
            .as_str()
            .unwrap()
            .to_owned();
        let full_width: String = number
            .chars()
            .map(|d| char::from_u32(d as u32 + 0xFEE0).unwrap())
            .collect();
        let patch = |body: Value| app.request("PATCH", &path, None, Some(&body));

        let other = patch(
            json!({"offices": [{"office_number": office(9, "service")["office_number"], "name": "別の事業所"}]}),
        );
        assert_eq!(other.status, 422, "{}", other.body);
        assert_eq!(other.body["errors"][0]["field"], "offices[0].office_number");
        let corporate = patch(
            json!({"offices": [{"office_number": number, "corporate_number": office(9, "service")["corporate_number"]}]}),
        );
        assert_eq!(corporate.status, 422, "{}", corporate.body);
        assert_eq!(
            corporate.body["errors"][0]["field"],
            "offices[0].corporate_number"
        );
        let unknown = patch(json!({"offices": [{"office_number": number, "kind": "service"}]}));
        assert_eq!(unknown.status, 400, "{}", unknown.body);

        let done = patch(json!({
            "contact": {"name": "山田 太郎"},
            "offices": [{"office_number": full_width, "name": "むさしの居宅", "email": "new@example.jp"}]
        }));
        assert_eq!(done.status, 200, "{}", done.body);
        assert_eq!(done.body["contact_name"], "山田 太郎");
        assert_eq!(done.body["contact_email"], "c***@example.jp");
        assert_eq!(done.body["correctable"], true);
        let office0 = &done.body["participants"][0];
        assert_eq!(office0["office_number"], number.as_str());
        assert_eq!(office0["name"], "むさしの居宅");
        assert_eq!(office0["email"], "n***@example.jp");
        assert_eq!(office0["address"], "東京都武蔵野市緑町2-2-28");
        assert_eq!(office0["corporation_name"], "社会福祉法人テスト1");
        let id = applied["id"].as_str().unwrap();
        assert_eq!(
            mails(app, id, "corrected").len(),
            1,
            "one address, one email"
        );
        assert_eq!(corrections_audited(app, &c).len(), 1);

        // A number typed into the page's hidden field is refused beside its office.
        let mut browser = Browser::new(app);
        let edit = format!("/status/{secret}/edit");
        let form = browser.get(&edit);
        let posted = browser.post(
            &edit,
            &edited(&form, &[("offices.0.office_number", "1370000026")]),
        );
        let refused = browser.follow(&posted);
        assert!(
            refused.text.contains("事業所番号は訂正できません"),
            "{}",
            refused.text
        );
    }
);

on_both_backends!(
    corrections_close_with_the_deadline_and_when_the_application_leaves,
    |app| {
        let c = app.open_campaign(5, 1);
        let kept = apply(app, &c, &single(1));
        let left = apply(app, &c, &single(2));
        let (kept, left) = (status_secret(&kept), status_secret(&left));
        let withdrawn = app.request(
            "POST",
            &format!("/api/v1/status/{left}/withdraw"),
            None,
            Some(&json!({})),
        );
        assert_eq!(withdrawn.status, 200, "{}", withdrawn.body);
        let name = json!({"contact": {"name": "山田 太郎"}});
        let refused = app.request(
            "PATCH",
            &format!("/api/v1/status/{left}"),
            None,
            Some(&name),
        );
        assert_eq!(refused.status, 409, "{}", refused.body);
        let mut browser = Browser::new(app);
        let page = browser.get(&format!("/status/{left}"));
        assert!(
            page.text
                .contains("辞退済みのため、応募内容の訂正はできません"),
            "{}",
            page.text
        );
        assert!(!page.text.contains("応募内容を訂正する"));

        let form = browser.get(&format!("/status/{kept}/edit"));
        let yesterday_in_japan = (chrono::Utc::now() + chrono::Duration::hours(9)).date_naive()
            - chrono::Duration::days(1);
        let closed = app.request(
            "PATCH",
            &format!("/api/v1/campaigns/{c}"),
            Some(&app.admin_token),
            Some(&json!({"deadline": yesterday_in_japan.to_string(), "reason": "早期締切"})),
        );
        assert_eq!(closed.status, 200, "{}", closed.body);
        let late = app.request(
            "PATCH",
            &format!("/api/v1/status/{kept}"),
            None,
            Some(&name),
        );
        assert_eq!(late.status, 409, "{}", late.body);
        assert!(late.body["detail"].as_str().unwrap().contains("deadline"));
        let page = browser.get(&format!("/status/{kept}"));
        assert!(page.text.contains("応募締切"), "{}", page.text);
        assert!(
            page.text.contains("訂正は受け付けていません"),
            "{}",
            page.text
        );
        assert!(
            page.text.contains("お問い合わせ先"),
            "whom to ask: {}",
            page.text
        );
        assert_eq!(browser.get(&format!("/status/{kept}/edit")).status, 409);
        let posted = browser.post(
            &format!("/status/{kept}/edit"),
            &edited(&form, &[("contact.name", "山田 太郎")]),
        );
        assert_eq!(posted.status, 409, "{}", posted.text);
        assert!(posted.text.contains("訂正は受け付けていません"));
        assert!(corrections_audited(app, &c).is_empty());
    }
);
