//! The applicant pages over HTTP, as a browser without JavaScript sends them: the form for
//! each tier, refusals in Japanese, the double click, the forgery guard, full and closed
//! campaigns, the status page, the withdrawal with its confirmation, and the QR codes.

use crate::helpers::office;
use crate::on_both_backends;
pub use crate::page_client::{
    applications, code_of, every_tier, filled, office_fields, Browser, Page,
};
use serde_json::json;

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
