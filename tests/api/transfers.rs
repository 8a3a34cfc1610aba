//! The bank transfer file over HTTP: what the bank can read (numeric customer codes or EDI, the
//! header's account types), when there is no file, which days a transfer may be dated, and
//! that an approved batch keeps paying the accounts it was approved with.

use crate::exports::{account, approve, approved_batch, bytes, drafted_batch};
use crate::helpers::{fields, office_check_digit, single, TestApp};
use crate::on_both_backends;
use crate::year_end::{apply, csv, import_list, number, run_check, today};
use chrono::{Datelike, NaiveDate, Weekday};
use honoraria::domain::business_day::{check_transfer_date, holiday};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

fn jst_today() -> NaiveDate {
    today().parse().unwrap()
}

/// The first day from tomorrow on that the bank transfers.
pub(crate) fn transfer_day() -> NaiveDate {
    let today = jst_today();
    today
        .iter_days()
        .skip(1)
        .find(|d| check_transfer_date(*d, today).is_ok())
        .expect("a business day within the known calendar")
}

pub(crate) fn payer(account_type: &str, account_number: &str) -> Value {
    json!({"requester_code": "1234567890", "requester_name_kana": "ムサシノシ",
           "bank_code": "0001", "branch_code": "123", "account_type": account_type,
           "account_number": account_number})
}

fn put(app: &TestApp, path: &str, body: &Value) {
    let r = app.request("PUT", path, Some(&app.admin_token), Some(body));
    assert_eq!(r.status, 200, "{path}: {}", r.body);
}

pub(crate) fn put_payer(app: &TestApp, c: &str, body: &Value) {
    put(app, &format!("/api/v1/campaigns/{c}/payer"), body);
}

pub(crate) fn put_account(app: &TestApp, c: &str, office: &str, body: &Value) {
    put(
        app,
        &format!("/api/v1/campaigns/{c}/participants/{office}/bank-account"),
        body,
    );
}

/// The offices `approved_batch` pays.
fn paid_offices() -> [String; 4] {
    [
        number(1, "care_management"),
        number(2, "service"),
        number(3, "care_management"),
        number(4, "care_management"),
    ]
}

pub(crate) fn zengin(app: &TestApp, id: &str, day: NaiveDate) -> (u16, Vec<u8>) {
    let (status, _, body) = bytes(
        app,
        &app.admin_token,
        &format!("/api/v1/payout-batches/{id}/zengin?transfer_date={day}"),
    );
    (status, body)
}

pub(crate) fn file(app: &TestApp, id: &str, day: NaiveDate) -> Vec<u8> {
    let (status, body) = zengin(app, id, day);
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    body
}

pub(crate) fn records(file: &[u8]) -> Vec<&[u8]> {
    assert_eq!(file.len() % 122, 0);
    file.chunks(122).collect()
}

/// The data record paying into branch `branch` (bytes 21-23).
fn record_for_branch<'a>(file: &'a [u8], branch: &str) -> &'a [u8] {
    records(file)
        .into_iter()
        .find(|r| r[0] == b'2' && &r[20..23] == branch.as_bytes())
        .unwrap_or_else(|| panic!("a data record for branch {branch}"))
}

fn issues(app: &TestApp, c: &str) -> Vec<Value> {
    let audit = app.get(&format!(
        "/api/v1/audit-events?campaign_id={c}&per_page=500"
    ));
    audit.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "payout_batch.zengin_issue")
        .cloned()
        .collect()
}

on_both_backends!(
    an_office_number_with_a_letter_is_written_as_edi_information,
    |app| {
        let c = app.open_campaign(10, 2);
        let mut lettered = single(7);
        let first_nine = "13A000501";
        let office = format!("{first_nine}{}", office_check_digit(first_nine));
        lettered["offices"][0]["office_number"] = json!(office);
        apply(app, &c, &lettered);
        apply(app, &c, &single(1));
        let digits = number(1, "care_management");
        let day = today();
        let sheet = format!(
            "office_number,usage_started_on,start_survey_answered,end_survey_answered\n\
             {office},{day},true,true\n{digits},{day},true,true\n"
        );
        let r = csv(
            app,
            &app.admin_token,
            &format!("/api/v1/campaigns/{c}/checkpoints"),
            sheet.into_bytes(),
        );
        assert_eq!(r.body["rows"], 2, "{}", r.body);
        import_list(app, &c, &[office.clone(), digits.clone()]);
        let check = run_check(app, &c);
        let draft = app.post(
            &format!("/api/v1/campaigns/{c}/payout-batches"),
            &json!({"year_end_check_id": check["id"]}),
        );
        assert_eq!(draft.status, 201, "{}", draft.body);
        let id = draft.body["id"].as_str().unwrap();
        approve(app, id);
        put_payer(app, &c, &payer("ordinary", "7654321"));
        put_account(app, &c, &office, &account(7));
        put_account(app, &c, &digits, &account(1));

        let made = file(app, id, transfer_day());
        assert_eq!(records(&made).len(), 1 + 2 + 2);
        let lettered = record_for_branch(&made, "007");
        assert_eq!(
            &lettered[91..111],
            format!("{office:<20}").as_bytes(),
            "顧客コード1 (bytes 92-101) is numeric: the number goes to EDI情報 (92-111)"
        );
        assert_eq!(lettered[112], b'Y', "識別表示 Y: EDI");
        let plain = record_for_branch(&made, "001");
        assert_eq!(&plain[91..101], digits.as_bytes());
        assert_eq!(plain[112], b' ');
    }
);

on_both_backends!(
    a_savings_payer_is_other_in_the_header_and_frozen_by_the_first_file,
    |app| {
        let (c, id, _) = approved_batch(app);
        for (n, office) in paid_offices().iter().enumerate() {
            let mut body = account(n as u32 + 1);
            if n == 0 {
                body["account_type"] = json!("savings");
            }
            put_account(app, &c, office, &body);
        }
        put_payer(app, &c, &payer("savings", "7654321"));
        let day = transfer_day();
        let first = file(app, &id, day);
        let header = records(&first)[0];
        assert_eq!(header[95], b'9', "header 預金種目 (byte 96): 1, 2 or 9");
        assert_eq!(&header[96..103], b"7654321");
        assert_eq!(record_for_branch(&first, "001")[42], b'4', "data 預金種目");
        assert_eq!(record_for_branch(&first, "002")[42], b'1');

        // No payer at approval: the first file froze the one it was written with.
        put_payer(app, &c, &payer("ordinary", "1111111"));
        assert_eq!(file(app, &id, day), first);
    }
);

on_both_backends!(a_batch_that_only_reclaims_has_no_transfer_file, |app| {
    let (c, id, secretariat) = approved_batch(app);
    put_payer(app, &c, &payer("ordinary", "7654321"));
    for (n, office) in paid_offices().iter().enumerate() {
        put_account(app, &c, office, &account(n as u32 + 1));
    }
    let r = app.request(
        "PATCH",
        &format!(
            "/api/v1/campaigns/{c}/participants/{}/checkpoints",
            number(3, "care_management")
        ),
        Some(&app.admin_token),
        Some(&json!({"start_survey_answered": false})),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let recheck = run_check(app, &c);
    let correcting = app.request(
        "POST",
        &format!("/api/v1/campaigns/{c}/payout-batches"),
        Some(&secretariat),
        Some(&json!({"year_end_check_id": recheck["id"], "corrects": id})),
    );
    assert_eq!(correcting.status, 201, "{}", correcting.body);
    let amounts: Vec<i64> = correcting.body["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["amount"].as_i64().unwrap())
        .collect();
    assert_eq!(amounts, [-26_000]);
    let reclaim = correcting.body["id"].as_str().unwrap();
    let ok = app.request(
        "POST",
        &format!("/api/v1/payout-batches/{reclaim}/approve"),
        Some(&app.admin_token),
        None,
    );
    assert_eq!(ok.status, 200, "{}", ok.body);

    let day = transfer_day();
    let r = app.get(&format!(
        "/api/v1/payout-batches/{reclaim}/zengin?transfer_date={day}"
    ));
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(
        r.body["detail"]
            .as_str()
            .unwrap()
            .contains("nothing to transfer"),
        "{}",
        r.body
    );
    assert_eq!(records(&file(app, &id, day)).len(), 1 + 4 + 2);
    assert_eq!(
        issues(app, &c).len(),
        1,
        "only the file written is recorded"
    );
});

on_both_backends!(
    a_transfer_date_is_a_bank_business_day_from_today_on,
    |app| {
        let (c, id, _) = approved_batch(app);
        put_payer(app, &c, &payer("ordinary", "7654321"));
        for (n, office) in paid_offices().iter().enumerate() {
            put_account(app, &c, office, &account(n as u32 + 1));
        }
        let today = jst_today();
        let saturday = today
            .iter_days()
            .find(|d| d.weekday() == Weekday::Sat)
            .unwrap();
        let weekday_holiday = today
            .iter_days()
            .skip(1)
            .find(|d| {
                holiday(*d).is_some()
                    && !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
                    && !matches!((d.month(), d.day()), (12, 31) | (1, 1..=3))
            })
            .expect("a holiday on a weekday ahead");
        let new_years_eve = today
            .iter_days()
            .find(|d| (d.month(), d.day()) == (12, 31))
            .unwrap();
        let yesterday = today.pred_opt().unwrap();
        for day in [yesterday, saturday, weekday_holiday, new_years_eve] {
            let r = app.get(&format!(
                "/api/v1/payout-batches/{id}/zengin?transfer_date={day}"
            ));
            assert_eq!(
                (r.status, fields(&r)),
                (422, vec!["transfer_date".to_owned()]),
                "{day}: {}",
                r.body
            );
        }
        assert!(issues(app, &c).is_empty());
        file(app, &id, transfer_day());
    }
);

on_both_backends!(
    an_approved_batch_keeps_paying_the_accounts_it_was_approved_with,
    |app| {
        let (c, id) = drafted_batch(app);
        let [one, two, three, four] = paid_offices();
        put_payer(app, &c, &payer("ordinary", "7654321"));
        for (n, office) in [&one, &two, &three].into_iter().enumerate() {
            put_account(app, &c, office, &account(n as u32 + 1));
        }
        let secretariat = approve(app, &id);
        // Office 4 had no account at approval: the first file freezes this one.
        put_account(app, &c, &four, &account(4));
        let day = transfer_day();
        let first = file(app, &id, day);
        assert_eq!(&records(&first)[5][..19], b"8000004000000109000");

        put_payer(app, &c, &payer("savings", "2222222"));
        for office in [&one, &four] {
            let mut changed = account(9);
            changed["holder_kana"] = json!("ベツジン");
            put_account(app, &c, office, &changed);
        }
        let again = file(app, &id, day);
        assert_eq!(again, first, "the same bytes for the same date");

        let issued = issues(app, &c);
        assert_eq!(issued.len(), 2);
        for event in &issued {
            assert_eq!(event["entity"], "payout_batch");
            assert_eq!(event["entity_id"], id.as_str());
            assert!(event["actor"].as_str().unwrap().starts_with("admin:"));
            let after = &event["after"];
            assert_eq!(after["transfer_date"], day.to_string());
            assert_eq!(after["count"], 4);
            assert_eq!(after["total"], 109_000);
            assert_eq!(after["sha256"], hex::encode(Sha256::digest(&first)));
        }

        // The database itself refuses to change what a batch pays.
        {
            use diesel::connection::SimpleConnection;
            let mut conn = app.pool.get().unwrap();
            for sql in [
                format!("UPDATE payout_batch_payees SET account_number = '0000009' WHERE batch_id = '{id}'"),
                format!("DELETE FROM payout_batch_payees WHERE batch_id = '{id}'"),
                format!("UPDATE payout_batch_payers SET account_number = '0000009' WHERE batch_id = '{id}'"),
                format!("DELETE FROM payout_batch_payers WHERE batch_id = '{id}'"),
            ] {
                assert!(conn.batch_execute(&sql).is_err(), "{sql} must be refused");
            }
        }

        // A later batch pays from and to the accounts as they are now.
        let fifth = number(5, "service");
        let r = app.request(
            "PATCH",
            &format!("/api/v1/campaigns/{c}/participants/{fifth}/checkpoints"),
            Some(&app.admin_token),
            Some(
                &json!({"end_survey_answered": true, "continued_use_attested": {"reason": "利用画面で確認"}}),
            ),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        let recheck = run_check(app, &c);
        let later = app.request(
            "POST",
            &format!("/api/v1/campaigns/{c}/payout-batches"),
            Some(&secretariat),
            Some(&json!({"year_end_check_id": recheck["id"], "corrects": id})),
        );
        assert_eq!(later.status, 201, "{}", later.body);
        let later = later.body["id"].as_str().unwrap();
        put_account(app, &c, &fifth, &account(5));
        let ok = app.request(
            "POST",
            &format!("/api/v1/payout-batches/{later}/approve"),
            Some(&app.admin_token),
            None,
        );
        assert_eq!(ok.status, 200, "{}", ok.body);
        let header = records(&file(app, later, day))[0].to_vec();
        assert_eq!((header[95], &header[96..103]), (b'9', &b"2222222"[..]));
        assert_eq!(&records(&first)[0][96..103], b"7654321");
    }
);
