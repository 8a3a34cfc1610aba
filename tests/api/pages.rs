//! The applicant pages over HTTP, as a browser without JavaScript sends them: the form for
//! each tier, refusals in Japanese, the double click, the forgery guard, full and closed
//! campaigns, the status page, the withdrawal with its confirmation, and the QR codes.

use crate::helpers::{office, single, TestApp};
use crate::on_both_backends;
use serde_json::{json, Value};
use std::io::Read;

/// What a browser keeps between requests: the one cookie the pages set.
pub struct Browser {
    base: String,
    agent: ureq::Agent,
    cookie: Option<String>,
}

pub struct Page {
    pub status: u16,
    pub text: String,
    pub location: Option<String>,
    pub content_type: String,
    pub retry_after: Option<String>,
    pub bytes: Vec<u8>,
}

impl Page {
    /// The value of the hidden or visible input named `name`.
    pub fn input(&self, name: &str) -> String {
        let at = self
            .text
            .find(&format!("name=\"{name}\" value=\""))
            .unwrap_or_else(|| panic!("no input {name} in:\n{}", self.text));
        let rest = &self.text[at + name.len() + 15..];
        rest[..rest.find('"').unwrap()].to_owned()
    }
}

impl Browser {
    pub fn new(app: &TestApp) -> Self {
        Self::at(&app.base)
    }

    /// A browser that reaches the site at `base` (through a proxy, say).
    pub fn at(base: &str) -> Self {
        Browser {
            base: base.to_owned(),
            agent: ureq::AgentBuilder::new().redirects(0).build(),
            cookie: None,
        }
    }

    fn send(&mut self, req: ureq::Request, form: Option<&[(String, String)]>) -> Page {
        // What a browser asks for when a person opens an address.
        let req = req.set(
            "Accept",
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        );
        let req = match &self.cookie {
            Some(c) => req.set("Cookie", c),
            None => req,
        };
        let result = match form {
            Some(pairs) => {
                let pairs: Vec<(&str, &str)> = pairs
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                req.send_form(&pairs)
            }
            None => req.call(),
        };
        let resp = match result {
            Ok(r) | Err(ureq::Error::Status(_, r)) => r,
            Err(e) => panic!("{e}"),
        };
        if let Some(set) = resp.header("Set-Cookie") {
            self.cookie = Some(set.split(';').next().unwrap().to_owned());
        }
        let status = resp.status();
        let location = resp.header("Location").map(str::to_owned);
        let content_type = resp.header("Content-Type").unwrap_or("").to_owned();
        let retry_after = resp.header("Retry-After").map(str::to_owned);
        let mut bytes = Vec::new();
        resp.into_reader().read_to_end(&mut bytes).unwrap();
        Page {
            status,
            text: String::from_utf8_lossy(&bytes).into_owned(),
            location,
            content_type,
            retry_after,
            bytes,
        }
    }

    pub fn get(&mut self, path: &str) -> Page {
        let req = self.agent.get(&format!("{}{path}", self.base));
        self.send(req, None)
    }

    /// Where a 303 leads, as a browser follows it.
    pub fn follow(&mut self, redirect: &Page) -> Page {
        assert_eq!(redirect.status, 303, "{}", redirect.text);
        let to = redirect.location.clone().expect("a Location");
        self.get(&to)
    }

    pub fn head(&mut self, path: &str) -> Page {
        let req = self.agent.head(&format!("{}{path}", self.base));
        self.send(req, None)
    }

    pub fn post(&mut self, path: &str, form: &[(String, String)]) -> Page {
        let req = self.agent.post(&format!("{}{path}", self.base));
        self.send(req, Some(form))
    }

    pub fn post_with(
        &mut self,
        path: &str,
        headers: &[(&str, &str)],
        form: &[(String, String)],
    ) -> Page {
        let mut req = self.agent.post(&format!("{}{path}", self.base));
        for (k, v) in headers {
            req = req.set(k, v);
        }
        self.send(req, Some(form))
    }
}

/// The form fields of one office as the JSON API's `office` helper describes it.
pub fn office_fields(prefix: &str, o: &Value) -> Vec<(String, String)> {
    honoraria::routes::pages::form::OFFICE_FIELDS
        .iter()
        .filter(|f| **f != "using_system_since")
        .map(|f| (format!("{prefix}.{f}"), o[f].as_str().unwrap().to_owned()))
        .collect()
}

/// A filled form for `tier`, with the page's hidden fields.
pub fn filled(
    page: &Page,
    tier: &str,
    offices: &[Value],
    referrals: &[Value],
) -> Vec<(String, String)> {
    let mut form = vec![
        ("tier".to_owned(), tier.to_owned()),
        ("idempotency_key".to_owned(), page.input("idempotency_key")),
        ("csrf_token".to_owned(), page.input("csrf_token")),
        ("contact.name".to_owned(), "山田 花子".to_owned()),
        ("contact.email".to_owned(), "kaigo@example.jp".to_owned()),
    ];
    for (i, o) in offices.iter().enumerate() {
        form.extend(office_fields(&format!("offices.{i}"), o));
    }
    for (i, o) in referrals.iter().enumerate() {
        form.extend(office_fields(&format!("referrals.{i}"), o));
    }
    form
}

/// One application of each tier: its offices and referrals, none sharing an office.
pub fn every_tier() -> [(&'static str, Vec<Value>, Vec<Value>); 3] {
    [
        ("general_single", vec![office(1, "care_management")], vec![]),
        (
            "general_pair",
            vec![office(2, "care_management"), office(3, "service")],
            vec![],
        ),
        (
            "model",
            vec![office(4, "care_management")],
            vec![office(5, "service")],
        ),
    ]
}

/// The code of the campaign with `id`.
pub fn code_of(app: &TestApp, id: &str) -> String {
    app.get(&format!("/api/v1/campaigns/{id}")).body["code"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn applications(app: &TestApp, id: &str) -> Value {
    app.get(&format!("/api/v1/campaigns/{id}/applications"))
        .body
}

on_both_backends!(
    each_tier_is_taken_through_the_form_and_lands_on_its_status_page,
    |app| {
        let id = app.open_campaign(50, 10);
        let code = code_of(app, &id);
        let mut browser = Browser::new(app);
        let chooser = browser.get(&format!("/apply/{code}"));
        assert_eq!(chooser.status, 200);
        assert!(chooser.content_type.starts_with("text/html"));
        assert!(chooser.text.contains("<html lang=\"ja\">"));
        assert!(chooser.text.contains("残り枠"));
        assert!(chooser.text.contains("id=\"remaining-total\">50</strong>"));
        for tier in ["general_single", "general_pair", "model"] {
            assert!(
                chooser.text.contains(&format!("value=\"{tier}\"")),
                "{tier}"
            );
        }
        let tiers = every_tier();
        for (n, (tier, offices, referrals)) in tiers.iter().enumerate() {
            let page = browser.get(&format!("/apply/{code}?tier={tier}"));
            assert_eq!(page.status, 200, "{}", page.text);
            let done = browser.post(
                &format!("/apply/{code}"),
                &filled(&page, tier, offices, referrals),
            );
            assert_eq!(done.status, 303, "{tier}: {}", done.text);
            let status_path = done.location.unwrap();
            assert!(status_path.starts_with("/status/"), "{status_path}");
            let status = browser.get(&status_path);
            assert_eq!(status.status, 200);
            assert!(status.text.contains("参加決定"), "{}", status.text);
            assert!(
                status
                    .text
                    .contains(&format!("id=\"sequence\">{}</dd>", n + 1)),
                "{}",
                status.text
            );
            assert!(status.text.contains("利用開始時アンケートへの回答"));
            if *tier == "general_pair" {
                for role in [
                    "一般枠（連携ペア・居宅介護支援事業所）",
                    "一般枠（連携ペア・サービス事業所）",
                ] {
                    assert!(status.text.contains(role), "{role}: {}", status.text);
                }
            }
        }
        let listed = applications(app, &id);
        assert_eq!(listed["total"], 3);
        let tiers: Vec<&str> = listed["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["tier"].as_str().unwrap())
            .collect();
        assert_eq!(tiers, ["general_single", "general_pair", "model"]);
        let model_page = browser.get(&format!("/apply/{code}"));
        assert!(model_page
            .text
            .contains("id=\"remaining-total\">45</strong>"));
        assert!(model_page
            .text
            .contains("id=\"remaining-model\">9</strong>"));
    }
);

on_both_backends!(
    a_refused_form_comes_back_with_every_error_in_japanese_and_what_was_typed,
    |app| {
        let id = app.open_campaign(50, 10);
        let code = code_of(app, &id);
        let mut browser = Browser::new(app);
        let page = browser.get(&format!("/apply/{code}?tier=general_pair"));
        let mut second = office(7, "service");
        second["corporate_number"] = office(6, "care_management")["corporate_number"].clone();
        let mut form = filled(
            &page,
            "general_pair",
            &[office(6, "care_management"), second],
            &[],
        );
        for (name, value) in form.iter_mut() {
            match name.as_str() {
                "contact.email" => *value = "not-an-email".into(),
                "offices.0.office_number" => *value = "123".into(),
                "offices.1.municipality_code" => *value = "other".into(),
                _ => {}
            }
        }
        let posted = browser.post(&format!("/apply/{code}"), &form);
        assert_eq!(posted.status, 303, "refused, it redirects: {}", posted.text);
        let draft = posted.location.clone().unwrap();
        assert!(
            draft.starts_with(&format!("/apply/{code}?tier=general_pair&draft=")),
            "{draft}"
        );
        let refused = browser.follow(&posted);
        assert_eq!(refused.status, 200, "{}", refused.text);
        assert!(refused.content_type.starts_with("text/html"));
        for expected in [
            "入力内容を確認してください（4件）",
            "メールアドレスの形で入力してください",
            "10桁で入力してください",
            "同じ法人の事業所同士では応募できません",
            "武蔵野市内の事業所が対象です",
            "href=\"#f-contact-email\"",
            "aria-invalid=\"true\"",
            "居宅介護支援事業所・介護保険事業所番号",
            "サービス事業所・所在市区町村",
        ] {
            assert!(
                refused.text.contains(expected),
                "{expected} missing:\n{}",
                refused.text
            );
        }
        assert_eq!(
            refused.input("contact.name"),
            "山田 花子",
            "what was typed stays"
        );
        assert_eq!(refused.input("offices.0.office_number"), "123");
        assert_eq!(
            refused.input("idempotency_key"),
            page.input("idempotency_key")
        );
        assert_eq!(applications(app, &id)["total"], 0);

        let nul = browser.post(
            &format!("/apply/{code}"),
            &[
                ("tier".into(), "general_single".into()),
                ("csrf_token".into(), page.input("csrf_token")),
                ("contact.name".into(), "a\0b".into()),
            ],
        );
        let nul = browser.follow(&nul);
        assert!(nul.text.contains("使用できない文字が含まれています"));
        let no_tier = browser.post(
            &format!("/apply/{code}"),
            &[("csrf_token".into(), page.input("csrf_token"))],
        );
        assert!(browser
            .follow(&no_tier)
            .text
            .contains("応募枠を選んでください"));
        assert_eq!(applications(app, &id)["total"], 0);
    }
);

on_both_backends!(a_double_click_makes_one_application, |app| {
    let id = app.open_campaign(50, 10);
    let code = code_of(app, &id);
    let mut browser = Browser::new(app);
    let page = browser.get(&format!("/apply/{code}?tier=general_single"));
    let form = filled(
        &page,
        "general_single",
        &[office(1, "care_management")],
        &[],
    );
    let first = browser.post(&format!("/apply/{code}"), &form);
    let second = browser.post(&format!("/apply/{code}"), &form);
    assert_eq!((first.status, second.status), (303, 303));
    assert_eq!(first.location, second.location);
    assert_eq!(applications(app, &id)["total"], 1);
});

on_both_backends!(
    a_post_without_its_pages_token_or_from_another_site_changes_nothing,
    |app| {
        let id = app.open_campaign(50, 10);
        let code = code_of(app, &id);
        let mut browser = Browser::new(app);
        let page = browser.get(&format!("/apply/{code}?tier=general_single"));
        let form = filled(
            &page,
            "general_single",
            &[office(1, "care_management")],
            &[],
        );

        // The cookie is gone (expired, cleared): nothing is taken, what was typed comes back
        // with a fresh token, and sending it again is taken.
        let mut expired = Browser::new(app);
        let no_cookie = expired.post(&format!("/apply/{code}"), &form);
        assert_eq!(no_cookie.status, 403, "{}", no_cookie.text);
        assert!(no_cookie.text.contains("まだ送信されていません"));
        assert_eq!(
            no_cookie.input("offices.0.name"),
            office(1, "care_management")["name"].as_str().unwrap(),
            "what was typed stays"
        );
        assert_eq!(applications(app, &id)["total"], 0);
        let fresh = no_cookie.input("csrf_token");
        assert_ne!(fresh, page.input("csrf_token"));
        let mut again = form.clone();
        again.retain(|(k, _)| k != "csrf_token");
        again.push(("csrf_token".into(), fresh));
        let taken = expired.post(&format!("/apply/{code}"), &again);
        assert_eq!(taken.status, 303, "sent again, it is taken: {}", taken.text);

        let mut wrong = form.clone();
        wrong.retain(|(k, _)| k != "csrf_token");
        wrong.push(("csrf_token".into(), "x".repeat(32)));
        assert_eq!(browser.post(&format!("/apply/{code}"), &wrong).status, 403);

        let forged = browser.post_with(
            &format!("/apply/{code}"),
            &[("Origin", "https://evil.example")],
            &form,
        );
        assert_eq!(forged.status, 403);
        assert!(
            forged.text.contains("ページの有効期限が切れました"),
            "another site's post gets no form back: {}",
            forged.text
        );
        assert_eq!(
            applications(app, &id)["total"],
            1,
            "only the one sent again"
        );
    }
);

on_both_backends!(
    full_and_closed_campaigns_say_so_and_the_status_page_withdraws_after_confirmation,
    |app| {
        let id = app.open_campaign(1, 1);
        let code = code_of(app, &id);
        let mut browser = Browser::new(app);
        let mut apply = |n: u32| {
            let page = browser.get(&format!("/apply/{code}?tier=general_single"));
            let done = browser.post(
                &format!("/apply/{code}"),
                &filled(
                    &page,
                    "general_single",
                    &[office(n, "care_management")],
                    &[],
                ),
            );
            assert_eq!(done.status, 303, "{}", done.text);
            done.location.unwrap()
        };
        let first = apply(1);
        let waiting = apply(2);
        let mut browser = Browser::new(app);
        let full = browser.get(&format!("/apply/{code}"));
        assert!(full.text.contains("先着順の枠はすべて埋まりました"));
        assert!(full.text.contains("キャンセル待ち"));
        assert!(
            full.text.contains("id=\"remaining-model\">0</strong>"),
            "a model office needs one of the total slots too, and none is left"
        );
        let waiting_page = browser.get(&waiting);
        assert!(
            waiting_page
                .text
                .contains("キャンセル待ちの <strong>1番目</strong>"),
            "{}",
            waiting_page.text
        );

        let status = browser.get(&first);
        assert!(status.text.contains("辞退の手続きへ進む"));
        let confirm_path = format!("{first}/withdraw");
        let confirm = browser.get(&confirm_path);
        assert_eq!(confirm.status, 200);
        assert!(confirm.text.contains("辞退すると取り消せません"));
        let token = confirm.input("csrf_token");
        let unconfirmed = browser.post(&confirm_path, &[("csrf_token".into(), token.clone())]);
        assert_eq!(
            (unconfirmed.status, unconfirmed.location.as_deref()),
            (303, Some(confirm_path.as_str())),
            "without the confirmation step nothing happens"
        );
        assert!(browser.get(&first).text.contains("参加決定"));
        let too_long = browser.post(
            &confirm_path,
            &[
                ("csrf_token".into(), token.clone()),
                ("confirm".into(), "yes".into()),
                ("reason".into(), "長".repeat(2001)),
            ],
        );
        let too_long = browser.follow(&too_long);
        assert!(too_long.text.contains("2000文字以内で入力してください"));
        assert_eq!(
            too_long.text.matches(&"長".repeat(2001)).count(),
            1,
            "kept as typed"
        );
        let done = browser.post(
            &confirm_path,
            &[
                ("csrf_token".into(), token.clone()),
                ("confirm".into(), "yes".into()),
                ("reason".into(), "都合により".into()),
            ],
        );
        assert_eq!(
            (done.status, done.location.as_deref()),
            (303, Some(first.as_str()))
        );
        let after = browser.get(&first);
        assert!(after.text.contains("辞退済み"), "{}", after.text);
        assert!(after.text.contains("辞退日時"), "when it was withdrawn");
        assert!(
            !after.text.contains("謝礼額"),
            "a withdrawn application is paid nothing: {}",
            after.text
        );
        assert!(!after.text.contains("辞退の手続きへ進む"));
        assert!(
            browser.get(&waiting).text.contains("参加決定"),
            "the freed slot promotes the next in line"
        );
        let again = browser.post(
            &confirm_path,
            &[
                ("csrf_token".into(), token),
                ("confirm".into(), "yes".into()),
            ],
        );
        assert_eq!(again.status, 409);

        let yesterday_in_japan = (chrono::Utc::now() + chrono::Duration::hours(9)).date_naive()
            - chrono::Duration::days(1);
        let closed = app.request(
            "PATCH",
            &format!("/api/v1/campaigns/{id}"),
            Some(&app.admin_token),
            Some(&json!({"deadline": yesterday_in_japan.to_string(), "reason": "早期締切"})),
        );
        assert_eq!(closed.status, 200);
        let page = browser.get(&format!("/apply/{code}"));
        assert!(page.text.contains("募集は締め切りました"));
        assert!(!page.text.contains("<form"));
        assert!(
            !page.text.contains("残り枠"),
            "a closed campaign offers no slots"
        );
        let mut late_form = vec![
            ("tier".to_owned(), "general_single".to_owned()),
            ("csrf_token".to_owned(), confirm.input("csrf_token")),
        ];
        late_form.extend(office_fields("offices.0", &office(3, "care_management")));
        let late = browser.post(&format!("/apply/{code}"), &late_form);
        assert_eq!(late.status, 409);
        assert_eq!(applications(app, &id)["total"], 2);
    }
);

on_both_backends!(
    unknown_pages_are_html_not_found_and_the_stylesheet_is_served,
    |app| {
        let mut browser = Browser::new(app);
        for path in [
            "/apply/no-such-campaign",
            "/status/NoSuchSecret",
            "/status/a%2Fb",
            "/apply/x/qr.png",
        ] {
            let page = browser.get(path);
            assert_eq!(page.status, 404, "{path}");
            assert!(page.content_type.starts_with("text/html"), "{path}");
            assert!(page.text.contains("ページが見つかりません"), "{path}");
        }
        let css = browser.get("/assets/site.css");
        assert_eq!(css.status, 200);
        assert!(css.content_type.starts_with("text/css"));
        assert!(css.text.contains(":focus"));
    }
);

on_both_backends!(the_qr_codes_carry_the_forms_absolute_address, |app| {
    let id = app.open_campaign(50, 10);
    let code = code_of(app, &id);
    let url = format!("{}/apply/{code}", app.settings.public_base_url);
    let mut browser = Browser::new(app);
    let svg = browser.get(&format!("/apply/{code}/qr.svg"));
    assert_eq!(svg.status, 200);
    assert_eq!(svg.content_type, "image/svg+xml");
    assert_eq!(svg.text, honoraria::routes::pages::qr::svg(&url).unwrap());
    let png = browser.get(&format!("/apply/{code}/qr.png"));
    assert_eq!(png.status, 200);
    assert_eq!(png.content_type, "image/png");
    assert_eq!(&png.bytes[..8], b"\x89PNG\r\n\x1a\n");
    assert_eq!(png.bytes, honoraria::routes::pages::qr::png(&url).unwrap());
});

#[test]
fn views_and_submissions_have_their_own_limits_answered_with_a_page_that_says_when_to_come_back() {
    // Two submissions a minute per address; views get twenty times that.
    let app =
        TestApp::spawn_with(crate::helpers::Backend::Sqlite, |s| s.public_rate_limit = 2).unwrap();
    let id = app.open_campaign(50, 10);
    let code = code_of(&app, &id);
    let form = format!("/apply/{code}");
    let mut browser = Browser::new(&app);
    for view in 1..=30 {
        assert_eq!(
            browser.get(&form).status,
            200,
            "view {view}: offices behind one address reload the form"
        );
    }
    for _ in 0..2 {
        assert_ne!(browser.post(&form, &[]).status, 429);
    }
    let refused = browser.post(&form, &[]);
    assert_eq!(refused.status, 429, "the third submission in a minute");
    for _ in 31..=40 {
        assert_eq!(
            browser.get(&form).status,
            200,
            "submissions left views alone"
        );
    }
    let limited = browser.get(&form);
    assert_eq!(limited.status, 429, "the 41st view");
    assert_eq!(limited.retry_after.as_deref(), Some("60"));
    assert!(limited.content_type.starts_with("text/html"));
    assert!(limited.text.contains("アクセスが集中しています"));
}

on_both_backends!(
    a_campaign_not_yet_open_says_when_it_opens_and_takes_nothing,
    |app| {
        let mut body = crate::helpers::open_campaign_body();
        body["opens_at"] = json!((chrono::Utc::now() + chrono::Duration::days(1)).to_rfc3339());
        let created = app.post("/api/v1/campaigns", &body);
        assert_eq!(created.status, 201, "{}", created.body);
        let id = created.body["id"].as_str().unwrap().to_owned();
        let code = code_of(app, &id);
        let mut browser = Browser::new(app);
        let page = browser.get(&format!("/apply/{code}"));
        assert_eq!(page.status, 200);
        assert!(
            page.text.contains("まだ受付を始めていません"),
            "{}",
            page.text
        );
        assert!(!page.text.contains("<form"));
        let tier_page = browser.get(&format!("/apply/{code}?tier=general_single"));
        assert!(
            !tier_page.text.contains("<form"),
            "no form before the opening"
        );
        let mut early = vec![
            ("tier".to_owned(), "general_single".to_owned()),
            ("csrf_token".to_owned(), tier_page_token(&mut browser, app)),
        ];
        early.extend(office_fields("offices.0", &office(1, "care_management")));
        let refused = browser.post(&format!("/apply/{code}"), &early);
        assert_eq!(refused.status, 409);
        assert!(refused.text.contains("まだ受付を始めていません"));
        assert_eq!(applications(app, &id)["total"], 0);
    }
);

/// The form token the browser holds, taken from a page of an open campaign.
fn tier_page_token(browser: &mut Browser, app: &TestApp) -> String {
    let other = code_of(app, &app.open_campaign(50, 10));
    browser
        .get(&format!("/apply/{other}?tier=general_single"))
        .input("csrf_token")
}

/// What a Japanese input method types into the number fields, made full-width.
fn full_width(digits: &str) -> String {
    digits
        .chars()
        .map(|c| match c {
            '0'..='9' => char::from_u32(c as u32 + 0xFEE0).unwrap(),
            c => c,
        })
        .collect()
}

on_both_backends!(
    full_width_digits_are_read_and_a_taken_office_is_refused_in_japanese,
    |app| {
        let id = app.open_campaign(50, 10);
        let code = code_of(app, &id);
        let mut browser = Browser::new(app);
        let page = browser.get(&format!("/apply/{code}?tier=general_single"));
        let mut typed = office(1, "care_management");
        for field in ["office_number", "corporate_number", "municipality_code"] {
            typed[field] = json!(full_width(typed[field].as_str().unwrap()));
        }
        let form = filled(&page, "general_single", &[typed], &[]);
        let taken = browser.post(&format!("/apply/{code}"), &form);
        assert_eq!(taken.status, 303, "{}", taken.text);
        let stored = app.get(&format!("/api/v1/campaigns/{id}/participants"));
        assert_eq!(
            stored.body["items"][0]["office_number"],
            office(1, "care_management")["office_number"],
            "{}",
            stored.body
        );

        let page = browser.get(&format!("/apply/{code}?tier=general_single"));
        let again = filled(
            &page,
            "general_single",
            &[office(1, "care_management")],
            &[],
        );
        let refused = browser.post(&format!("/apply/{code}"), &again);
        let refused = browser.follow(&refused);
        assert!(
            refused
                .text
                .contains("すでにこのキャンペーンに応募されています"),
            "{}",
            refused.text
        );
        assert!(!refused.text.contains("already"), "{}", refused.text);
        assert!(!refused.text.contains("accepted"), "{}", refused.text);
    }
);

on_both_backends!(
    the_form_asks_a_start_date_only_where_it_can_count_and_a_doubtful_number_is_pointed_out,
    |app| {
        let id = app.open_campaign(50, 10);
        let code = code_of(app, &id);
        let mut browser = Browser::new(app);
        for tier in ["general_single", "general_pair"] {
            let page = browser.get(&format!("/apply/{code}?tier={tier}"));
            assert!(
                !page.text.contains("using_system_since"),
                "{tier} offices are not yet using the system"
            );
        }
        let model = browser.get(&format!("/apply/{code}?tier=model"));
        assert!(model.text.contains("offices.0.using_system_since"));
        assert!(!model.text.contains("referrals.0.using_system_since"));
        assert!(
            model.text.contains("1370000018"),
            "the example passes its own check"
        );

        // A number whose check digit does not match is taken for review, and the applicant is
        // told so on the status page.
        let mut doubtful = single(7);
        let number = doubtful["offices"][0]["office_number"]
            .as_str()
            .unwrap()
            .to_owned();
        let last = number.chars().last().unwrap().to_digit(10).unwrap();
        let wrong = format!("{}{}", &number[..9], (last + 1) % 10);
        doubtful["offices"][0]["office_number"] = json!(wrong);
        let r = app.request(
            "POST",
            &format!("/api/v1/campaigns/{id}/applications"),
            None,
            Some(&doubtful),
        );
        assert_eq!(r.status, 201, "{}", r.body);
        let status = r.body["status_url"]
            .as_str()
            .unwrap()
            .replace("/api/v1/status/", "/status/");
        let page = browser.get(&status);
        assert!(page.text.contains("検査数字が合いません"), "{}", page.text);
    }
);

/// WCAG 2.x relative luminance of `#rrggbb`.
fn luminance(hex: &str) -> f64 {
    let channel = |i: usize| {
        let c = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap()) / 255.0;
        if c <= 0.039_28 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4)
}

on_both_backends!(the_focus_ring_stands_out_from_the_page, |app| {
    let css = app.request("GET", "/assets/site.css", None, None);
    let css = css.body.as_str().unwrap().to_owned();
    let rule = css
        .split('}')
        .find(|r| r.contains("input:focus"))
        .expect("a focus rule");
    let colour = rule
        .split("outline:")
        .nth(1)
        .and_then(|o| o.split('#').nth(1))
        .map(|c| c[..6].to_owned())
        .expect("an outline colour");
    for background in ["ffffff", "fff7e0"] {
        let (a, b) = (luminance(&colour), luminance(background));
        let ratio = (a.max(b) + 0.05) / (a.min(b) + 0.05);
        assert!(
            ratio >= 3.0,
            "#{colour} on #{background} is {ratio:.2}:1; WCAG 1.4.11 asks 3:1"
        );
    }
});

on_both_backends!(every_address_a_person_may_type_answers_in_japanese, |app| {
    let id = app.open_campaign(50, 10);
    let code = code_of(app, &id);
    let mut browser = Browser::new(app);
    for path in ["/", "/apply", "/apply/", "/status", "/status/"] {
        let page = browser.get(path);
        assert_eq!(page.status, 200, "{path}: {}", page.text);
        assert!(page.content_type.starts_with("text/html"), "{path}");
        assert!(page.text.contains("lang=\"ja\""), "{path}: {}", page.text);
    }
    assert!(browser.get("/").text.contains("QRコード"));
    assert!(browser.get("/status/").text.contains("メールのリンク"));
    let slashed = browser.get(&format!("/apply/{code}/?tier=model"));
    assert_eq!(
        (slashed.status, slashed.location.as_deref()),
        (308, Some(format!("/apply/{code}?tier=model").as_str()))
    );
    let unknown = browser.get("/apply/no-such-campaign/extra");
    assert_eq!(unknown.status, 404);
    assert!(
        unknown.text.contains("ページが見つかりません"),
        "{}",
        unknown.text
    );
    let head = browser.head(&format!("/apply/{code}"));
    assert_eq!(
        (
            head.status,
            head.content_type.starts_with("text/html"),
            head.bytes.len()
        ),
        (200, true, 0),
        "HEAD answers as GET would, without the body"
    );
    let program = app.request("GET", "/nope", None, None);
    assert_eq!(
        (program.status, program.content_type.as_str()),
        (404, "application/problem+json"),
        "a client that does not ask for HTML still gets problem+json"
    );
});
