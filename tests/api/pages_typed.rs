//! The applicant pages as people type and reach them: per-address limits for views and
//! submissions, full-width digits, the focus ring's contrast, and every address a person may
//! type answered in Japanese.

use crate::helpers::{office, single, TestApp};
use crate::on_both_backends;
use crate::page_client::{applications, code_of, filled, office_fields, Browser};
use serde_json::json;

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
