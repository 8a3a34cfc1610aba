//! Refused posts answer with a redirect to a draft of what was typed (post/redirect/get): the
//! draft shows again on reload, only in the browser that typed it, and goes once the form is
//! taken; an address naming a draft that is gone shows the form with a kind note.

use crate::corrections::{apply, corrections_audited, edited};
use crate::helpers::{office, single, status_secret, TestApp};
use crate::on_both_backends;
use crate::pages::Browser;

/// How many drafts are kept: every one is older than tomorrow, so the purge counts them all.
fn drafts_kept(app: &TestApp) -> usize {
    let mut conn = app.pool.get().unwrap();
    let tomorrow = honoraria::clock::now() + chrono::Duration::days(1);
    honoraria::db::drafts::purge_before(&mut conn, tomorrow).unwrap()
}

on_both_backends!(
    a_refused_correction_comes_back_through_a_redirect_with_what_was_typed,
    |app| {
        let c = app.open_campaign(5, 1);
        let applied = apply(app, &c, &single(1));
        let status_path = format!("/status/{}", status_secret(&applied));
        let edit = format!("{status_path}/edit");
        let mut browser = Browser::new(app);
        let form = browser.get(&edit);
        let posted = browser.post(
            &edit,
            &edited(
                &form,
                &[
                    ("contact.name", " "),
                    ("contact.email", "ｔａｒｏ＠example.jp"),
                    ("offices.0.address", "東京都武蔵野市緑町２−２−２８"),
                ],
            ),
        );
        assert_eq!(posted.status, 303, "{}", posted.text);
        let draft = posted.location.clone().unwrap();
        assert!(draft.starts_with(&format!("{edit}?draft=")), "{draft}");
        let refused = browser.follow(&posted);
        assert_eq!(refused.status, 200);
        for said in [
            "入力内容を確認してください（2件）",
            "f-contact-name-error",
            "f-contact-email-error",
            "メールアドレスの形で入力してください",
            "aria-invalid=\"true\"",
        ] {
            assert!(refused.text.contains(said), "{said}:\n{}", refused.text);
        }
        assert_eq!(refused.input("contact.email"), "ｔａｒｏ＠example.jp");
        assert_eq!(
            refused.input("offices.0.address"),
            "東京都武蔵野市緑町２−２−２８"
        );
        let reloaded = browser.get(&draft);
        assert_eq!(
            reloaded.input("offices.0.address"),
            "東京都武蔵野市緑町２−２−２８"
        );
        let mut stranger = Browser::new(app);
        let elsewhere = stranger.get(&draft);
        assert!(
            elsewhere.text.contains("保存期間") && !elsewhere.text.contains("ｔａｒｏ"),
            "another browser sees nothing typed: {}",
            elsewhere.text
        );
        assert!(corrections_audited(app, &c).is_empty());

        let done = browser.post(
            &edit,
            &edited(
                &refused,
                &[
                    ("contact.name", "山田 太郎"),
                    ("contact.email", "taro@example.jp"),
                ],
            ),
        );
        assert_eq!(
            done.location.as_deref(),
            Some(status_path.as_str()),
            "{}",
            done.text
        );
        assert!(browser
            .get(&status_path)
            .text
            .contains("東京都武蔵野市緑町２−２−２８"));
        assert_eq!(drafts_kept(app), 0, "the draft goes once the form is taken");
        let back = browser.get(&draft);
        assert_eq!(back.status, 200);
        assert!(back
            .text
            .contains("保存期間（1時間）を過ぎたか、すでに送信済み"));
        assert_eq!(
            back.input("contact.name"),
            "山田 太郎",
            "the form as it stands now"
        );
    }
);

on_both_backends!(
    a_refused_application_redirects_to_its_draft_and_a_taken_one_discards_it,
    |app| {
        let c = app.open_campaign(5, 1);
        let code = crate::pages::code_of(app, &c);
        let mut browser = Browser::new(app);
        let page = browser.get(&format!("/apply/{code}?tier=general_single"));
        let mut form = crate::pages::filled(
            &page,
            "general_single",
            &[office(1, "care_management")],
            &[],
        );
        for (name, value) in form.iter_mut() {
            if name == "offices.0.office_number" {
                *value = "１３７０".into();
            }
        }
        let posted = browser.post(&format!("/apply/{code}"), &form);
        let draft = posted.location.clone().unwrap();
        let refused = browser.follow(&posted);
        assert!(
            refused.text.contains("10桁で入力してください"),
            "{}",
            refused.text
        );
        assert_eq!(refused.input("offices.0.office_number"), "１３７０");
        assert_eq!(
            browser.get(&draft).input("offices.0.office_number"),
            "１３７０",
            "reload works"
        );
        assert_eq!(drafts_kept_peek(app), 1);

        let mut again = crate::pages::filled(
            &refused,
            "general_single",
            &[office(1, "care_management")],
            &[],
        );
        again.push(("draft".into(), refused.input("draft")));
        let taken = browser.post(&format!("/apply/{code}"), &again);
        assert_eq!(taken.status, 303, "{}", taken.text);
        assert!(taken.location.unwrap().starts_with("/status/"));
        assert_eq!(drafts_kept(app), 0, "the draft goes once the form is taken");
        let back = browser.get(&draft);
        assert_eq!(back.status, 200);
        assert!(
            back.text
                .contains("保存期間（1時間）を過ぎたか、すでに送信済み"),
            "{}",
            back.text
        );
        assert_eq!(back.input("offices.0.office_number"), "", "an empty form");
        let unknown = browser.get(&format!("/apply/{code}?tier=general_single&draft=nonsense"));
        assert!(unknown.text.contains("保存期間"));
    }
);

/// How many drafts are kept, leaving them be.
fn drafts_kept_peek(app: &TestApp) -> i64 {
    use diesel::prelude::*;
    let mut conn = app.pool.get().unwrap();
    honoraria::db::schema::form_drafts::table
        .count()
        .get_result(&mut *conn)
        .unwrap()
}
