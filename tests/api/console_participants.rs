//! The console's participants page as a browser without JavaScript uses it: the checkpoint
//! table with the open ones marked, a row's form changing an office through the same use case
//! as the JSON API, the three uploads as multipart forms, and the guards every post passes
//! (the role, then the session's token).

use crate::console::signed_in;
use crate::helpers::TestApp;
use crate::on_both_backends;
use crate::staff_client::Reply;
use crate::year_end::{campaign_of_five, number, today};
use honoraria::domain::role::Role;
use serde_json::Value;

const HANAKO: &str = "secretariat:山田 花子 <hanako@example.jp> (session)";

fn participants(c: &str) -> String {
    format!("/staff/campaigns/{c}/participants")
}

/// The table row of one office, as the page shows it.
fn row<'a>(page: &'a Reply, office: &str) -> &'a str {
    let start = page
        .text
        .find(&format!("<tr id=\"o-{office}\">"))
        .unwrap_or_else(|| panic!("no row for {office} in:\n{}", page.text));
    let rest = &page.text[start..];
    &rest[..rest.find("</tr>").unwrap()]
}

/// The checkpoints the JSON API reports for one office.
fn checkpoints_of(app: &TestApp, c: &str, office: &str) -> Value {
    let all = app.get(&format!("/api/v1/campaigns/{c}/participants?per_page=500"));
    all.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["office_number"] == office)
        .unwrap_or_else(|| panic!("{office} not taking part: {}", all.body))["checkpoints"]
        .clone()
}

/// Who did `action` in the campaign, each session's reference left out (it differs per
/// sign-in).
fn actors_of(app: &TestApp, c: &str, action: &str) -> Vec<String> {
    let events = app.get(&format!(
        "/api/v1/audit-events?campaign_id={c}&per_page=500"
    ));
    events.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == action)
        .map(|e| {
            let actor = e["actor"].as_str().unwrap();
            match actor.find(" (session ") {
                Some(at) => format!("{} (session)", &actor[..at]),
                None => actor.to_owned(),
            }
        })
        .collect()
}

const OPEN: &str = "<span class=\"tag ng\">未了</span>";

on_both_backends!(
    the_table_marks_open_checkpoints_and_a_rows_form_changes_them_as_the_person,
    |app| {
        let c = campaign_of_five(app);
        let page = participants(&c);
        let (model, single) = (number(1, "care_management"), number(3, "care_management"));
        let mut browser = signed_in(app, "hanako@example.jp", "山田 花子", Role::Secretariat);

        let shown = browser.get(&page);
        assert_eq!(shown.status, 200, "{}", shown.text);
        assert!(shown.has("5事業所（1ページ目）"), "{}", shown.text);
        assert!(shown.has("利用者リストはまだ取り込まれていません"));
        assert!(
            row(&shown, &model).contains(&format!("未確認 {OPEN}")),
            "a model office's workflow change is open: {}",
            row(&shown, &model)
        );
        assert!(row(&shown, &single).contains(&format!("未回答 {OPEN}")));
        assert!(
            row(&shown, &single).contains("対象外"),
            "no workflow change for a single office"
        );
        assert!(shown.has("enctype=\"multipart/form-data\""));

        let action = format!("{page}/{single}/checkpoints");
        let day = today();
        let saved = browser.submit(
            &page,
            &action,
            &[
                ("page", "1"),
                ("usage_started_on", &day),
                ("start_survey_answered", "true"),
                ("continued_use_attested_reason", "利用画面で確認"),
            ],
        );
        assert_eq!(saved.status, 303, "{}", saved.text);
        assert_eq!(
            saved.location.as_deref(),
            Some(format!("{page}?page=1#o-{single}").as_str())
        );
        let recorded = checkpoints_of(app, &c, &single);
        assert_eq!(recorded["usage_started_on"], day.as_str(), "{recorded}");
        assert_eq!(recorded["start_survey_answered"], true);
        assert_eq!(recorded["end_survey_answered"], false, "unticked is false");
        assert_eq!(
            recorded["continued_use_attested"]["reason"],
            "利用画面で確認"
        );
        assert_eq!(actors_of(app, &c, "participant.checkpoints"), [HANAKO]);
        let after = browser.get(&page);
        let line = row(&after, &single);
        assert!(line.contains("回答済み"), "{line}");
        assert!(line.contains("確認済み（利用画面で確認）"), "{line}");
        assert!(
            line.contains(&format!("未回答 {OPEN}")),
            "the end survey is still open"
        );

        // A date out of the supported years and one that is no date: the page again, in
        // Japanese, beside the field and in the summary, with what was typed.
        for (typed, said) in [
            ("1999-04-01", "2000年から2099年までの日付を入力してください"),
            ("4月1日", "日付を 2026-03-31 の形で入力してください"),
        ] {
            let refused = browser.submit(
                &page,
                &action,
                &[("page", "1"), ("usage_started_on", typed)],
            );
            assert_eq!(refused.status, 422, "{}", refused.text);
            assert!(refused.has(said), "{}", refused.text);
            assert!(refused.has(&format!("id=\"f-{single}-usage_started_on-error\"")));
            assert!(refused.has(&format!("href=\"#f-{single}-usage_started_on\"")));
            assert!(refused.has(&format!("value=\"{typed}\"")));
            assert!(refused.has("【入力内容をご確認ください】"));
        }
        assert_eq!(
            checkpoints_of(app, &c, &single)["usage_started_on"],
            day.as_str(),
            "nothing changed"
        );

        let stranger = browser.submit(
            &page,
            &format!("{page}/1370100016/checkpoints"),
            &[("start_survey_answered", "true")],
        );
        assert_eq!(stranger.status, 404, "{}", stranger.text);
    }
);

/// A checkpoint sheet: a row taken, an office not taking part (line 3) and a value that is no
/// yes or no (line 4).
fn sheet() -> String {
    format!(
        "office_number,start_survey_answered\n{},true\n{},true\n{},maybe\n",
        number(1, "care_management"),
        number(9, "care_management"),
        number(3, "care_management"),
    )
}

on_both_backends!(
    each_upload_takes_its_rows_and_names_every_refused_row_with_its_line,
    |app| {
        let c = campaign_of_five(app);
        let page = participants(&c);
        let mut browser = signed_in(app, "hanako@example.jp", "山田 花子", Role::Secretariat);

        let sheet = sheet();
        let taken = browser.upload(
            &page,
            &format!("/staff/campaigns/{c}/checkpoints"),
            &[],
            Some(("checkpoints.csv", sheet.as_bytes())),
        );
        assert_eq!(taken.status, 200, "{}", taken.text);
        assert!(taken.has("id=\"rows-taken\">1行<"), "{}", taken.text);
        assert!(taken.has("id=\"header-line\">1行目<"));
        assert!(taken.has("<td class=\"num\">3行目</td>"), "{}", taken.text);
        assert!(taken.has("<td class=\"num\">4行目</td>"));
        assert!(
            taken.has("このキャンペーンの参加決定の事業所ではありません"),
            "every reason in Japanese: {}",
            taken.text
        );
        assert!(taken.has("start_survey_answered: 「maybe」は、はい・いいえとして読めません"));
        assert_eq!(
            checkpoints_of(app, &c, &number(1, "care_management"))["start_survey_answered"],
            true
        );
        assert!(actors_of(app, &c, "participant.checkpoints")
            .iter()
            .all(|a| a == HANAKO));

        // A usage list in UTF-8 with a bad row on line 3.
        let utf8 = format!(
            "office_number\n{}\n13701\n{}\n",
            number(1, "care_management"),
            number(2, "service")
        );
        let listed = browser.upload(
            &page,
            &format!("/staff/campaigns/{c}/usage-lists"),
            &[("as_of", &today())],
            Some(("usage.csv", utf8.as_bytes())),
        );
        assert_eq!(listed.status, 200, "{}", listed.text);
        assert!(listed.has("id=\"rows-taken\">2事業所<"), "{}", listed.text);
        assert!(listed.has("id=\"encoding\">UTF-8<"));
        assert!(listed.has("<td class=\"num\">3行目</td>"));
        assert!(listed.has("事業所番号「13701」: 10桁で入力してください"));
        assert_eq!(actors_of(app, &c, "usage_list.import"), [HANAKO]);
        assert!(browser.get(&page).has("時点の利用者リストで判定しています"));
        assert!(
            row(&browser.get(&page), &number(2, "service")).contains("利用者リストに掲載"),
            "continued use is met by the list"
        );

        // As Japanese Excel saves CSV: Shift_JIS, CRLF, a title line above the header.
        let text = format!(
            "利用事業所一覧\r\n事業所名,事業所番号\r\nむさしの居宅,{}\r\n",
            number(3, "care_management")
        );
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(&text);
        let excel = browser.upload(
            &page,
            &format!("/staff/campaigns/{c}/usage-lists"),
            &[("as_of", &today())],
            Some(("利用者.csv", &sjis)),
        );
        assert_eq!(excel.status, 200, "{}", excel.text);
        assert!(excel.has("id=\"encoding\">Shift_JIS<"), "{}", excel.text);
        assert!(excel.has("id=\"header-line\">2行目<"));
        assert!(excel.has("id=\"rows-taken\">1事業所<"));
        assert!(excel.has("id=\"no-refused-rows\""));

        // Seminar attendees: two offices, a bad row on line 3.
        let attendees = format!(
            "office_number\n{}\nnot-a-number\n{}\n",
            number(11, "care_management"),
            number(12, "service")
        );
        let added = browser.upload(
            &page,
            &format!("/staff/campaigns/{c}/seminar-attendees"),
            &[],
            Some(("seminar.csv", attendees.as_bytes())),
        );
        assert_eq!(added.status, 200, "{}", added.text);
        assert!(added.has("id=\"rows-taken\">2事業所<"), "{}", added.text);
        assert!(added.has("id=\"added\">2事業所<"));
        assert!(added.has("<td class=\"num\">3行目</td>"));
        assert_eq!(
            actors_of(app, &c, "campaign.seminar_attendees.import"),
            [HANAKO]
        );

        // No file chosen, and a file with no header: the page again, beside the file input.
        let none = browser.upload(
            &page,
            &format!("/staff/campaigns/{c}/usage-lists"),
            &[("as_of", &today())],
            None,
        );
        assert_eq!(none.status, 422, "{}", none.text);
        assert!(none.has("id=\"f-usage-list-file-error\""));
        assert!(none.has("取り込むファイルを選んでください"));
        assert!(none.has("href=\"#f-usage-list-file\""));
        let headless = browser.upload(
            &page,
            &format!("/staff/campaigns/{c}/seminar-attendees"),
            &[],
            Some(("seminar.csv", b"1370100016\n".as_slice())),
        );
        assert_eq!(headless.status, 422, "{}", headless.text);
        assert!(headless.has("id=\"f-attendees-file-error\""));
        assert!(
            headless.has("見出し行が見つかりません"),
            "{}",
            headless.text
        );
        let undated = browser.upload(
            &page,
            &format!("/staff/campaigns/{c}/usage-lists"),
            &[("as_of", "3月31日")],
            Some(("usage.csv", utf8.as_bytes())),
        );
        assert_eq!(undated.status, 422, "{}", undated.text);
        assert!(undated.has("id=\"f-usage-list-as_of-error\""));
        assert!(undated.has("value=\"3月31日\""));
        assert_eq!(
            actors_of(app, &c, "usage_list.import").len(),
            2,
            "nothing refused was imported"
        );
    }
);

on_both_backends!(
    an_auditor_sees_the_participants_without_forms_and_every_post_is_403,
    |app| {
        let c = campaign_of_five(app);
        let page = participants(&c);
        let single = number(3, "care_management");
        let mut auditor = signed_in(app, "kansa@example.jp", "監査 三郎", Role::Auditor);
        let shown = auditor.get(&page);
        assert_eq!(shown.status, 200, "{}", shown.text);
        assert!(shown.has(&format!("id=\"o-{single}\"")));
        assert!(!shown.has("<details"), "no row forms");
        assert!(!shown.has("id=\"save-"));
        assert!(!shown.has("multipart/form-data"), "no upload forms");

        let edited = auditor.submit(
            &page,
            &format!("{page}/{single}/checkpoints"),
            &[("start_survey_answered", "true")],
        );
        assert_eq!(edited.status, 403, "{}", edited.text);
        for (last, fields) in [
            ("checkpoints", vec![]),
            ("usage-lists", vec![("as_of", "2026-03-31")]),
            ("seminar-attendees", vec![]),
        ] {
            let refused = auditor.upload(
                &page,
                &format!("/staff/campaigns/{c}/{last}"),
                &fields,
                Some(("x.csv", sheet().as_bytes())),
            );
            assert_eq!(refused.status, 403, "{last}: {}", refused.text);
        }
        assert_eq!(
            checkpoints_of(app, &c, &single)["start_survey_answered"],
            false
        );
        assert!(actors_of(app, &c, "usage_list.import").is_empty());
    }
);

on_both_backends!(a_post_without_the_sessions_token_is_403, |app| {
    let c = campaign_of_five(app);
    let page = participants(&c);
    let single = number(3, "care_management");
    let mut browser = signed_in(app, "hanako@example.jp", "山田 花子", Role::Secretariat);
    let list = format!("office_number\n{single}\n");

    let plain = browser.post(
        &format!("{page}/{single}/checkpoints"),
        &[("start_survey_answered", "true")],
    );
    assert_eq!(plain.status, 403, "{}", plain.text);
    let untokened = browser.post_multipart(
        &format!("/staff/campaigns/{c}/usage-lists"),
        &[("as_of", &today())],
        Some(("usage.csv", list.as_bytes())),
    );
    assert_eq!(untokened.status, 403, "{}", untokened.text);
    let forged = browser.post_multipart(
        &format!("/staff/campaigns/{c}/seminar-attendees"),
        &[("csrf_token", "abcdefghijklmnopqrstuvwxyz012345")],
        Some(("seminar.csv", list.as_bytes())),
    );
    assert_eq!(forged.status, 403, "{}", forged.text);
    assert!(forged.has("ページの有効期限が切れました"));
    assert_eq!(
        checkpoints_of(app, &c, &single)["start_survey_answered"],
        false
    );
    assert!(actors_of(app, &c, "usage_list.import").is_empty());
    assert!(actors_of(app, &c, "campaign.seminar_attendees.import").is_empty());
});
