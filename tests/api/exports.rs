//! What auditors and the bank get: ledgers, bank accounts, the 全銀 transfer file, and the
//! audit trail's own check.

use crate::helpers::{fields, single, TestApp};
use crate::on_both_backends;
use crate::year_end::{
    apply, campaign_of_five, csv, fill_checkpoints, import_list, number, run_check,
};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

pub(crate) fn bytes(app: &TestApp, token: &str, path: &str) -> (u16, String, Vec<u8>) {
    let url = format!("{}{path}", app.base);
    match ureq::get(&url)
        .set("Authorization", &format!("Bearer {token}"))
        .call()
    {
        Ok(r) | Err(ureq::Error::Status(_, r)) => {
            let status = r.status();
            let ct = r.header("Content-Type").unwrap_or("").to_owned();
            let mut body = Vec::new();
            std::io::Read::read_to_end(&mut r.into_reader(), &mut body).unwrap();
            (status, ct, body)
        }
        Err(e) => panic!("{path}: {e}"),
    }
}

/// An approved batch paying offices 1 to 4; office 3's name starts like a formula.
pub(crate) fn approved_batch(app: &TestApp) -> (String, String, String) {
    let (c, id) = drafted_batch(app);
    let secretariat = approve(app, &id);
    (c, id, secretariat)
}

/// A draft batch paying offices 1 to 4; office 3's name starts like a formula.
pub(crate) fn drafted_batch(app: &TestApp) -> (String, String) {
    let c = app.open_campaign(10, 2);
    apply(app, &c, &crate::helpers::model(1, 2));
    let mut third = single(3);
    third["offices"][0]["name"] = json!("=HYPERLINK(\"http://x\",\"click\")");
    apply(app, &c, &third);
    apply(app, &c, &crate::helpers::pair(4, 5));
    fill_checkpoints(app, &c);
    import_list(
        app,
        &c,
        &[
            number(1, "care_management"),
            number(2, "service"),
            number(3, "care_management"),
            number(4, "care_management"),
        ],
    );
    let check = run_check(app, &c);
    let draft = app.post(
        &format!("/api/v1/campaigns/{c}/payout-batches"),
        &json!({"year_end_check_id": check["id"]}),
    );
    (c, draft.body["id"].as_str().unwrap().to_owned())
}

/// Approves batch `id` as a new secretariat token holder, whose token is returned.
pub(crate) fn approve(app: &TestApp, id: &str) -> String {
    let secretariat = app.token("secretariat");
    let ok = app.request(
        "POST",
        &format!("/api/v1/payout-batches/{id}/approve"),
        Some(&secretariat),
        None,
    );
    assert_eq!(ok.status, 200, "{}", ok.body);
    secretariat
}

on_both_backends!(
    the_ledger_opens_in_excel_and_its_json_names_its_digest,
    |app| {
        let (_, id, _) = approved_batch(app);
        let auditor = app.token("auditor");
        let (status, ct, body) = bytes(
            app,
            &auditor,
            &format!("/api/v1/payout-batches/{id}/ledger.csv"),
        );
        assert_eq!(status, 200);
        assert!(ct.starts_with("text/csv"), "{ct}");
        assert!(body.starts_with(b"\xEF\xBB\xBF"), "UTF-8 with BOM");
        let text = std::str::from_utf8(&body[3..]).unwrap();
        let lines: Vec<&str> = text.split_terminator("\r\n").collect();
        assert!(!text.replace("\r\n", "").contains('\n'), "CRLF only");
        assert_eq!(
        lines[0],
        "office_number,office_name,corporate_number,corporation_name,role,tier,application_id,amount_yen"
    );
        assert_eq!(lines.len(), 5);
        let formula = lines
            .iter()
            .find(|l| l.contains("HYPERLINK"))
            .expect("office 3's row");
        assert!(
            formula.contains("\"'=HYPERLINK(\"\"http://x\"\",\"\"click\"\")\""),
            "{formula}"
        );
        let total: i64 = lines[1..]
            .iter()
            .map(|l| l.rsplit(',').next().unwrap().parse::<i64>().unwrap())
            .sum();
        assert_eq!(total, 109_000);
        let json = app.request(
            "GET",
            &format!("/api/v1/payout-batches/{id}/ledger.json"),
            Some(&auditor),
            None,
        );
        assert_eq!(json.status, 200);
        assert_eq!(json.body["total_amount"], 109_000);
        assert_eq!(json.body["line_count"], 4);
        assert_eq!(json.body["sha256"], hex::encode(Sha256::digest(&body)));
        let (status, _, sjis) = bytes(
            app,
            &auditor,
            &format!("/api/v1/payout-batches/{id}/ledger.csv?encoding=shift_jis"),
        );
        assert_eq!(status, 200);
        let (decoded, _, bad) = encoding_rs::SHIFT_JIS.decode(&sjis);
        assert!(!bad);
        assert_eq!(decoded.replace('\u{FEFF}', ""), text);
    }
);

on_both_backends!(
    a_name_shift_jis_cannot_hold_is_refused_naming_its_row,
    |app| {
        let c = app.open_campaign(10, 2);
        let mut body = single(1);
        body["offices"][0]["name"] = json!("𠮷野家ケアセンター");
        apply(app, &c, &body);
        let day = crate::year_end::today();
        let sheet = format!(
        "office_number,usage_started_on,start_survey_answered,end_survey_answered\n{},{day},true,true\n",
        number(1, "care_management")
    );
        csv(
            app,
            &app.admin_token,
            &format!("/api/v1/campaigns/{c}/checkpoints"),
            sheet.into_bytes(),
        );
        import_list(app, &c, &[number(1, "care_management")]);
        let check = run_check(app, &c);
        let draft = app.post(
            &format!("/api/v1/campaigns/{c}/payout-batches"),
            &json!({"year_end_check_id": check["id"]}),
        );
        let id = draft.body["id"].as_str().unwrap();
        let r = app.get(&format!(
            "/api/v1/payout-batches/{id}/ledger.csv?encoding=shift_jis"
        ));
        assert_eq!(r.status, 422, "{}", r.body);
        assert_eq!(fields(&r), ["encoding"]);
        assert!(
            r.body["detail"].as_str().unwrap().contains("row 1"),
            "{}",
            r.body
        );
    }
);

pub(crate) fn account(n: u32) -> Value {
    json!({"bank_code": "0005", "branch_code": format!("{:03}", n), "account_type": "ordinary",
           "account_number": format!("{}", 1000 + n), "holder_kana": format!("シャカイフクシホウジン　テスト{}", n)})
}

on_both_backends!(
    the_bank_file_pays_every_positive_line_or_names_who_cannot_be_paid,
    |app| {
        let (c, id, _) = approved_batch(app);
        let day = crate::transfers::transfer_day();
        let zengin = format!("/api/v1/payout-batches/{id}/zengin?transfer_date={day}");
        let no_payer = app.get(&zengin);
        assert_eq!(no_payer.status, 409, "{}", no_payer.body);
        let auditor = app.token("auditor");
        let payer = json!({"requester_code": "1234567890", "requester_name_kana": "ムサシノシ　キャンペーンジムキョク",
                       "bank_code": "0001", "branch_code": "123", "account_type": "ordinary", "account_number": "7654321"});
        let forbidden = app.request(
            "PUT",
            &format!("/api/v1/campaigns/{c}/payer"),
            Some(&auditor),
            Some(&payer),
        );
        assert_eq!(forbidden.status, 403);
        let bad = app.request(
        "PUT",
        &format!("/api/v1/campaigns/{c}/payer"),
        Some(&app.admin_token),
        Some(&json!({"requester_code": "12", "requester_name_kana": "武蔵野市", "bank_code": "0001",
                     "branch_code": "123", "account_type": "ordinary", "account_number": "7654321"})),
    );
        assert_eq!(bad.status, 422);
        assert_eq!(fields(&bad), ["requester_code", "requester_name_kana"]);
        let ok = app.request(
            "PUT",
            &format!("/api/v1/campaigns/{c}/payer"),
            Some(&app.admin_token),
            Some(&payer),
        );
        assert_eq!(ok.status, 200, "{}", ok.body);
        assert_eq!(ok.body["requester_name_kana"], "ﾑｻｼﾉｼ ｷﾔﾝﾍﾟ-ﾝｼﾞﾑｷﾖｸ");

        for (n, kind) in [
            (1, "care_management"),
            (2, "service"),
            (3, "care_management"),
        ] {
            let r = app.request(
                "PUT",
                &format!(
                    "/api/v1/campaigns/{c}/participants/{}/bank-account",
                    number(n, kind)
                ),
                Some(&app.admin_token),
                Some(&account(n)),
            );
            assert_eq!(r.status, 200, "{}", r.body);
        }
        let kanji = app.request(
            "PUT",
            &format!(
                "/api/v1/campaigns/{c}/participants/{}/bank-account",
                number(4, "care_management")
            ),
            Some(&app.admin_token),
            Some(
                &json!({"bank_code": "0005", "branch_code": "004", "account_type": "ordinary",
                     "account_number": "1004", "holder_kana": "社会福祉法人"}),
            ),
        );
        assert_eq!(
            (kanji.status, fields(&kanji)),
            (422, vec!["holder_kana".to_owned()])
        );
        let missing = app.get(&zengin);
        assert_eq!(missing.status, 409, "{}", missing.body);
        assert_eq!(
            fields(&missing),
            [format!("offices.{}", number(4, "care_management"))]
        );

        let r = app.request(
            "PUT",
            &format!(
                "/api/v1/campaigns/{c}/participants/{}/bank-account",
                number(4, "care_management")
            ),
            Some(&app.admin_token),
            Some(&account(4)),
        );
        assert_eq!(r.status, 200);
        let masked = app.request(
            "GET",
            &format!(
                "/api/v1/campaigns/{c}/participants/{}/bank-account",
                number(4, "care_management")
            ),
            Some(&auditor),
            None,
        );
        assert_eq!(masked.body["account_number"], "****004");
        let whole = app.get(&format!(
            "/api/v1/campaigns/{c}/participants/{}/bank-account",
            number(4, "care_management")
        ));
        assert_eq!(whole.body["account_number"], "0001004");

        let (status, ct, file) = bytes(app, &app.admin_token, &zengin);
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&file));
        assert!(ct.contains("Shift_JIS"), "{ct}");
        assert_eq!(file.len(), (1 + 4 + 2) * 122);
        let records: Vec<&[u8]> = file.chunks(122).collect();
        assert!(records.iter().all(|r| r.ends_with(b"\r\n")));
        assert_eq!(&records[0][..4], b"1210");
        assert_eq!(
            &records[0][54..58],
            day.format("%m%d").to_string().as_bytes()
        );
        assert_eq!(&records[5][..19], b"8000004000000109000");
        assert_eq!(records[6][0], b'9');
        let amounts: i64 = records[1..5]
            .iter()
            .map(|r| {
                std::str::from_utf8(&r[80..90])
                    .unwrap()
                    .parse::<i64>()
                    .unwrap()
            })
            .sum();
        assert_eq!(amounts, 109_000);
        let auditor_file = app.request("GET", &zengin, Some(&auditor), None);
        assert_eq!(
            auditor_file.status, 403,
            "auditors read masked accounts, not the bank file"
        );
        let audit = app.get(&format!(
            "/api/v1/audit-events?campaign_id={c}&per_page=500"
        ));
        let account_events: Vec<&Value> = audit.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"] == "bank_account.set")
            .collect();
        assert_eq!(account_events.len(), 4);
        assert!(
            !audit.body.to_string().contains("0001004"),
            "the audit trail keeps numbers masked"
        );
    }
);

on_both_backends!(only_an_approved_batch_goes_to_the_bank, |app| {
    let c = campaign_of_five(app);
    fill_checkpoints(app, &c);
    import_list(app, &c, &[number(1, "care_management")]);
    let check = run_check(app, &c);
    let draft = app.post(
        &format!("/api/v1/campaigns/{c}/payout-batches"),
        &json!({"year_end_check_id": check["id"]}),
    );
    let id = draft.body["id"].as_str().unwrap();
    let r = app.get(&format!(
        "/api/v1/payout-batches/{id}/zengin?transfer_date={}",
        crate::transfers::transfer_day()
    ));
    assert_eq!(r.status, 409, "{}", r.body);
    let no_date = app.get(&format!("/api/v1/payout-batches/{id}/zengin"));
    assert_eq!(
        (no_date.status, fields(&no_date)),
        (422, vec!["transfer_date".to_owned()])
    );
});

on_both_backends!(the_audit_trail_checks_itself_over_http, |app| {
    app.open_campaign(5, 1);
    let auditor = app.token("auditor");
    let r = app.request("GET", "/api/v1/audit-events/verify", Some(&auditor), None);
    assert_eq!(r.status, 200);
    assert_eq!(r.body["intact"], true);
    assert_eq!(r.body["events"], 3, "two tokens and a campaign");
    app.drop_audit_guard();
    app.execute_sql("DELETE FROM audit_events WHERE seq = 1");
    let r = app.request("GET", "/api/v1/audit-events/verify", Some(&auditor), None);
    assert_eq!(r.body["intact"], false, "{}", r.body);
    assert!(
        r.body["first_broken"]
            .as_str()
            .unwrap()
            .contains("audit event 2"),
        "{}",
        r.body
    );
});

on_both_backends!(
    the_ledger_opens_as_an_excel_workbook_with_totals_and_the_approval,
    |app| {
        let (_, id, _) = approved_batch(app);
        let auditor = app.token("auditor");
        let (status, ct, body) = bytes(
            app,
            &auditor,
            &format!("/api/v1/payout-batches/{id}/ledger.xlsx"),
        );
        assert_eq!(status, 200);
        assert!(ct.contains("spreadsheetml"), "{ct}");
        let mut book = zip::ZipArchive::new(std::io::Cursor::new(body)).expect("an xlsx is a zip");
        let mut read = |name: &str| {
            let mut text = String::new();
            std::io::Read::read_to_string(&mut book.by_name(name).expect(name), &mut text).unwrap();
            text
        };
        let workbook = read("xl/workbook.xml");
        for sheet in ["明細", "キャンペーン", "承認記録"] {
            assert!(workbook.contains(sheet), "{sheet} sheet");
        }
        let lines = read("xl/worksheets/sheet1.xml");
        assert!(lines.contains(&number(1, "care_management")));
        assert!(lines.contains("合計"));
        assert!(lines.contains("<v>109000</v>"), "the totals row");
        let approval = read("xl/worksheets/sheet3.xml") + &read("xl/sharedStrings.xml");
        assert!(
            approval.contains("secretariat:secretariat-user"),
            "who approved"
        );
    }
);
