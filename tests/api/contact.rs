//! Someone to ask: a campaign's secretariat and privacy notice reach the applicant on every
//! page and at the end of every email, and a reply to an email goes to the secretariat.

use crate::helpers::{fields, open_campaign_body, single, Backend, TestApp};
use crate::on_both_backends;
use crate::smtp::FakeSmtp;
use serde_json::{json, Value};

const NAME: &str = "株式会社三菱総合研究所「地域におけるデータ連携促進モデル」事務局";
const EMAIL: &str = "jimukyoku@example.jp";

fn page(app: &TestApp, path: &str) -> String {
    let r = app.raw("GET", path, None, &[("Accept", "text/html")], None);
    assert_eq!(r.status, 200, "{path}: {}", r.body);
    r.body.as_str().expect("an HTML page").to_owned()
}

fn footer(html: &str) -> &str {
    let start = html.find("<footer").expect("a footer");
    &html[start..]
}

fn create(app: &TestApp, body: &Value) -> Value {
    let r = app.post("/api/v1/campaigns", body);
    assert_eq!(r.status, 201, "{}", r.body);
    r.body
}

fn apply(app: &TestApp, campaign: &str) -> Value {
    let r = app.request(
        "POST",
        &format!("/api/v1/campaigns/{campaign}/applications"),
        None,
        Some(&single(1)),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    r.body
}

fn patch(app: &TestApp, campaign: &str, body: &Value) -> crate::helpers::Response {
    app.request(
        "PATCH",
        &format!("/api/v1/campaigns/{campaign}"),
        Some(&app.admin_token),
        Some(body),
    )
}

/// The one email about `application` as staff read it in the outbox.
fn mail(app: &TestApp, application: &str) -> Value {
    let list = app.get(&format!("/api/v1/outbox?application_id={application}"));
    assert_eq!(list.body["total"], 1, "{}", list.body);
    let id = list.body["items"][0]["id"].as_str().unwrap();
    app.get(&format!("/api/v1/outbox/{id}")).body
}

on_both_backends!(
    every_applicant_page_names_the_secretariat_and_the_privacy_notice,
    |app| {
        let campaign = create(app, &open_campaign_body());
        assert_eq!(campaign["contact"]["name"], NAME);
        assert_eq!(campaign["contact"]["email"], EMAIL);
        assert_eq!(campaign["contact"]["phone"], "0422-00-0000");
        assert_eq!(campaign["contact"]["hours"], "平日 9:00〜17:00");
        assert!(campaign["privacy_notice"]
            .as_str()
            .unwrap()
            .contains("第三者に提供することはありません"));
        let code = campaign["code"].as_str().unwrap();
        let applied = apply(app, campaign["id"].as_str().unwrap());
        let status_path = applied["status_url"]
            .as_str()
            .unwrap()
            .trim_start_matches("/api/v1");
        for path in [
            format!("/apply/{code}"),
            format!("/apply/{code}?tier=model"),
            status_path.to_owned(),
            format!("{status_path}/withdraw"),
        ] {
            let html = page(app, &path);
            let foot = footer(&html);
            for needle in [
                NAME,
                &format!("<a id=\"contact-email\" href=\"mailto:{EMAIL}\">{EMAIL}</a>"),
                "<a id=\"contact-phone\" href=\"tel:0422000000\">0422-00-0000</a>",
                "平日 9:00〜17:00",
                "個人情報の取り扱い",
                "法令に基づく場合を除き",
            ] {
                assert!(foot.contains(needle), "{path} lacks {needle}:\n{foot}");
            }
        }
    }
);

on_both_backends!(a_campaign_without_a_contact_shows_no_footer, |app| {
    let mut body = open_campaign_body();
    let fields = body.as_object_mut().unwrap();
    fields.remove("contact");
    fields.remove("privacy_notice");
    let campaign = create(app, &body);
    assert_eq!(
        campaign["contact"],
        json!({"name": null, "email": null, "phone": null, "hours": null})
    );
    let html = page(
        app,
        &format!("/apply/{}", campaign["code"].as_str().unwrap()),
    );
    assert!(!html.contains("<footer"), "{html}");
    let applied = apply(app, campaign["id"].as_str().unwrap());
    let sent = mail(app, applied["id"].as_str().unwrap());
    assert_eq!(sent["reply_to"], Value::Null);
    assert!(sent["body_text"]
        .as_str()
        .unwrap()
        .contains("キャンペーン事務局までお問い合わせください"));
});

fn emails_end_with_the_contact_and_replies_reach_it(backend: Backend) -> Option<()> {
    let smtp = FakeSmtp::start();
    let app = TestApp::spawn_with(backend, |s| s.smtp_url = Some(smtp.url().into()))?;
    let campaign = create(&app, &open_campaign_body());
    let id = campaign["id"].as_str().unwrap();
    let applied = apply(&app, id);
    let queued = mail(&app, applied["id"].as_str().unwrap());
    assert_eq!(queued["reply_to"], EMAIL);
    let body = queued["body_text"].as_str().unwrap();
    let ending =
        format!("--\n{NAME}\nメール: {EMAIL}\n電話: 0422-00-0000\n受付時間: 平日 9:00〜17:00");
    assert!(body.trim_end().ends_with(&ending), "{body}");
    assert!(
        !body.contains("キャンペーン事務局までお問い合わせ"),
        "{body}"
    );

    // The message keeps the address it was written with: a contact changed before the
    // delivery does not redirect replies to a mail the applicant has not seen yet.
    let changed = patch(
        &app,
        id,
        &json!({"contact": {"name": NAME, "email": "madoguchi@example.jp"}}),
    );
    assert_eq!(changed.status, 200, "{}", changed.body);
    app.drain_outbox();
    let sent = smtp.messages();
    assert_eq!(sent.len(), 1);
    assert!(
        sent[0].data.contains(&format!("Reply-To: {EMAIL}")),
        "{}",
        sent[0].data
    );
    Some(())
}

mod emails_end_with_the_contact {
    use super::*;

    #[test]
    fn sqlite() {
        emails_end_with_the_contact_and_replies_reach_it(Backend::Sqlite)
            .expect("SQLite is always available");
    }

    #[test]
    fn postgres() {
        emails_end_with_the_contact_and_replies_reach_it(Backend::Postgres);
    }
}

on_both_backends!(a_broken_contact_is_refused_naming_its_field, |app| {
    let mut body = open_campaign_body();
    body["contact"]["email"] = json!("jimukyoku@");
    body["contact"]["phone"] = json!("0422-00-000x");
    body["privacy_notice_url"] = json!("javascript:alert(1)");
    let r = app.post("/api/v1/campaigns", &body);
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(
        fields(&r),
        ["contact.email", "contact.phone", "privacy_notice_url"]
    );

    let id = create(app, &open_campaign_body())["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = patch(app, &id, &json!({"contact": {"phone": "12345"}}));
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(fields(&r), ["contact.phone"]);
    let r = patch(app, &id, &json!({"contact": {"name": "事務局\n二行目"}}));
    assert_eq!(fields(&r), ["contact.name"]);
    let r = patch(app, &id, &json!({"privacy_notice": "あ".repeat(5_001)}));
    assert_eq!(fields(&r), ["privacy_notice"]);
});

on_both_backends!(a_patch_changes_the_contact_and_the_notice, |app| {
    let campaign = create(app, &open_campaign_body());
    let id = campaign["id"].as_str().unwrap();
    let r = patch(
        app,
        id,
        &json!({
            "contact": {"name": "武蔵野市 高齢者支援課", "email": "kourei@example.jp", "phone": "+81 422-00-0001"},
            "privacy_notice": "",
            "privacy_notice_url": "https://example.jp/privacy"
        }),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        r.body["contact"],
        json!({"name": "武蔵野市 高齢者支援課", "email": "kourei@example.jp", "phone": "+81 422-00-0001", "hours": null})
    );
    assert_eq!(r.body["privacy_notice"], Value::Null);
    assert_eq!(r.body["privacy_notice_url"], "https://example.jp/privacy");
    assert_eq!(
        app.get(&format!("/api/v1/campaigns/{id}")).body["contact"],
        r.body["contact"]
    );

    let html = page(
        app,
        &format!("/apply/{}", campaign["code"].as_str().unwrap()),
    );
    let foot = footer(&html);
    for needle in [
        "武蔵野市 高齢者支援課",
        "href=\"mailto:kourei@example.jp\"",
        "href=\"tel:+81422000001\"",
        "href=\"https://example.jp/privacy\"",
    ] {
        assert!(foot.contains(needle), "lacks {needle}:\n{foot}");
    }
    assert!(!foot.contains(NAME) && !foot.contains("受付時間") && !foot.contains("法令"));

    let applied = apply(app, id);
    let sent = mail(app, applied["id"].as_str().unwrap());
    assert_eq!(sent["reply_to"], "kourei@example.jp");
});
