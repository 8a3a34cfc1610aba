//! Every CSV import over HTTP loses no row: a stray quote is a character, an unclosed quoted
//! field costs only its own line, the encoding is judged over the whole file, and the header may
//! sit under title lines.

use crate::helpers::{fields, TestApp};
use crate::on_both_backends;
use crate::year_end::{campaign_of_five, csv, number, today};
use serde_json::Value;

fn usage_list(app: &TestApp, c: &str, body: Vec<u8>) -> Value {
    let r = csv(
        app,
        &app.admin_token,
        &format!("/api/v1/campaigns/{c}/usage-lists?as_of={}", today()),
        body,
    );
    assert_eq!(r.status, 201, "{}", r.body);
    r.body
}

fn checkpoint_sheet(app: &TestApp, c: &str, body: String) -> Value {
    let r = csv(
        app,
        &app.admin_token,
        &format!("/api/v1/campaigns/{c}/checkpoints"),
        body.into_bytes(),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    r.body
}

fn bad_lines(body: &Value) -> Vec<i64> {
    body["invalid_rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["line"].as_i64().unwrap())
        .collect()
}

on_both_backends!(a_stray_quote_in_a_usage_list_loses_no_row, |app| {
    let c = campaign_of_five(app);
    let text = format!(
        "事業所名,office_number\r\nむさしの\"本店,{}\r\n緑町,{}\r\n壊れた行,13-XYZ\r\n吉祥寺,{}\r\n",
        number(1, "care_management"),
        number(2, "service"),
        number(3, "care_management"),
    );
    let body = usage_list(app, &c, text.into_bytes());
    assert_eq!(body["rows"], 3, "{body}");
    assert_eq!(body["invalid_row_count"], 1, "{body}");
    assert_eq!(bad_lines(&body), [4], "{body}");
    assert_eq!(body["header_line"], 1, "{body}");
    assert_eq!(body["duplicate_rows"], 0, "{body}");
});

on_both_backends!(a_stray_quote_in_a_checkpoint_sheet_loses_no_row, |app| {
    let c = campaign_of_five(app);
    let sheet = format!(
        "office_number,start_survey_answered,continued_use_attested_reason\n\
         {},true,利用画面で\"確認\n\
         {},maybe,\n\
         {},true,\n",
        number(3, "care_management"),
        number(4, "care_management"),
        number(1, "care_management"),
    );
    let body = checkpoint_sheet(app, &c, sheet);
    assert_eq!(body["rows"], 2, "{body}");
    assert_eq!(bad_lines(&body), [3], "{body}");
    let participants = app.get(&format!("/api/v1/campaigns/{c}/participants"));
    let single = participants.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["office_number"] == number(3, "care_management").as_str())
        .unwrap()
        .clone();
    assert_eq!(
        single["checkpoints"]["continued_use_attested"]["reason"],
        "利用画面で\"確認"
    );
});

on_both_backends!(
    an_unclosed_quoted_field_is_refused_at_its_first_line_and_later_rows_taken,
    |app| {
        let c = campaign_of_five(app);
        let text = format!(
            "office_number,name\n{},\"むさしの本店\n{},緑町\n\n{},吉祥寺\n",
            number(1, "care_management"),
            number(2, "service"),
            number(3, "care_management"),
        );
        let body = usage_list(app, &c, text.into_bytes());
        assert_eq!(body["rows"], 2, "{body}");
        assert_eq!(bad_lines(&body), [2], "{body}");

        let sheet = format!(
            "office_number,start_survey_answered\n\"{},true\n{},true\n",
            number(4, "care_management"),
            number(5, "service"),
        );
        let body = checkpoint_sheet(app, &c, sheet);
        assert_eq!(body["rows"], 1, "{body}");
        assert_eq!(bad_lines(&body), [2], "{body}");
    }
);

on_both_backends!(
    a_shift_jis_byte_after_64_kib_of_ascii_makes_the_whole_list_shift_jis,
    |app| {
        let c = campaign_of_five(app);
        let first = number(1, "care_management");
        let mut text = String::from("office_number,name\r\n");
        let mut repeats = 0;
        while text.len() < 100 * 1024 {
            text.push_str(&format!("{first},musashino kyotaku kaigo shien center\r\n"));
            repeats += 1;
        }
        text.push_str(&format!("{},武蔵野市緑町\r\n", number(2, "service")));
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(&text);
        let body = usage_list(app, &c, sjis.into_owned());
        assert_eq!(body["encoding"], "shift_jis", "{body}");
        assert_eq!(body["rows"], 2, "{body}");
        assert_eq!(body["duplicate_rows"], repeats - 1, "{body}");
        assert_eq!(body["invalid_row_count"], 0, "{body}");
    }
);

on_both_backends!(
    a_shift_jis_title_that_reads_as_utf8_does_not_decide_the_list,
    |app| {
        let c = campaign_of_five(app);
        // 「ﾃｱ」 in Shift_JIS is the bytes C3 B1, which UTF-8 reads as 「ñ」: only the last line
        // shows the file is Shift_JIS.
        let mut text = String::from("ﾃｱ\r\noffice_number,name\r\n");
        while text.len() < 100 * 1024 {
            text.push_str(&format!("{},musashino\r\n", number(1, "care_management")));
        }
        text.push_str(&format!("{},武蔵野市緑町\r\n", number(2, "service")));
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(&text);
        assert_eq!(&sjis[..2], b"\xC3\xB1");
        let body = usage_list(app, &c, sjis.into_owned());
        assert_eq!(body["encoding"], "shift_jis", "{body}");
        assert_eq!(body["header_line"], 2, "{body}");
        assert_eq!(body["rows"], 2, "{body}");
    }
);

on_both_backends!(a_title_line_may_stand_above_the_header, |app| {
    let c = campaign_of_five(app);
    let text = format!(
        "令和6年3月末 ケアプランデータ連携システム利用事業所一覧\r\n\r\n事業所名,介護保険事業所番号(10桁)\r\nむさしの,{}\r\n",
        number(1, "care_management"),
    );
    let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(&text);
    let body = usage_list(app, &c, sjis.into_owned());
    assert_eq!(
        (body["header_line"].as_i64(), body["rows"].as_i64()),
        (Some(3), Some(1)),
        "{body}"
    );

    let sheet = format!(
        "チェックポイント一括登録\n事業所番号（10桁）,start_survey_answered（済/未）\n{},済\n",
        number(3, "care_management"),
    );
    let body = checkpoint_sheet(app, &c, sheet);
    assert_eq!(
        (body["header_line"].as_i64(), body["rows"].as_i64()),
        (Some(2), Some(1)),
        "{body}"
    );

    let attendees = format!(
        "セミナー出席事業所\n名称,介護保険事業所番号(10桁)\nむさしの,{}\n",
        number(9, "care_management"),
    );
    let r = csv(
        app,
        &app.admin_token,
        &format!("/api/v1/campaigns/{c}/seminar-attendees"),
        attendees.into_bytes(),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(
        (r.body["header_line"].as_i64(), r.body["rows"].as_i64()),
        (Some(2), Some(1)),
        "{}",
        r.body
    );

    let too_deep = format!(
        "{}office_number\n{}\n",
        "title\n".repeat(10),
        number(1, "care_management")
    );
    let r = csv(
        app,
        &app.admin_token,
        &format!("/api/v1/campaigns/{c}/usage-lists?as_of={}", today()),
        too_deep.into_bytes(),
    );
    assert_eq!(
        (r.status, fields(&r)),
        (422, vec!["body".to_owned()]),
        "{}",
        r.body
    );
});
