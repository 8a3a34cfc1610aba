//! A campaign larger than one statement can bind: every bulk write of the money path (outbox
//! rows for reminders, results and payout notices, checkpoint rows and their audit events,
//! reminder records, results, payout lines) crosses PostgreSQL's 65,535-parameter limit and
//! SQLite's default 32,766 here, and must still be written whole.

use crate::helpers::{single, TestApp};
use crate::on_both_backends;
use crate::year_end::{csv, import_list, number, today};
use serde_json::json;

/// Outbox rows bind 17 values each: 4,000 of them need 68,000 parameters in one statement.
const OFFICES: u32 = 4_000;

fn apply_all(app: &TestApp, c: &str) {
    let threads: Vec<_> = (0..8u32)
        .map(|t| {
            let base = app.base.clone();
            let c = c.to_owned();
            std::thread::spawn(move || {
                let url = format!("{base}/api/v1/campaigns/{c}/applications");
                for n in (1..=OFFICES).filter(|n| n % 8 == t) {
                    let r = ureq::post(&url).send_json(single(n));
                    assert_eq!(r.map(|r| r.status()).unwrap_or(0), 201, "office {n}");
                }
            })
        })
        .collect();
    for t in threads {
        t.join().expect("applicant thread");
    }
}

on_both_backends!(
    the_whole_money_path_writes_thousands_of_rows_at_once,
    |app| {
        let c = app.open_campaign(OFFICES as i32, 1);
        apply_all(app, &c);
        let offices: Vec<String> = (1..=OFFICES)
            .map(|n| number(n, "care_management"))
            .collect();

        let reminders = format!("/api/v1/campaigns/{c}/reminders");
        let r = app.post(&reminders, &json!({}));
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.body["sent"].as_array().unwrap().len(), OFFICES as usize);
        let again = app.post(&reminders, &json!({}));
        assert_eq!(
            again.body["already_reminded_today"]
                .as_array()
                .unwrap()
                .len(),
            OFFICES as usize
        );

        let mut sheet = String::from(
            "office_number,usage_started_on,start_survey_answered,end_survey_answered\n",
        );
        for o in &offices {
            sheet.push_str(&format!("{o},{},true,true\n", today()));
        }
        let r = csv(
            app,
            &app.admin_token,
            &format!("/api/v1/campaigns/{c}/checkpoints"),
            sheet.into_bytes(),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.body["rows"], OFFICES);
        let audit = app.get(&format!("/api/v1/audit-events?campaign_id={c}&per_page=1"));
        assert!(
            audit.body["total"].as_i64().unwrap() >= 2 * i64::from(OFFICES),
            "an event per application and per checkpoint row: {}",
            audit.body["total"]
        );

        import_list(app, &c, &offices);
        let check = app.post(
            &format!("/api/v1/campaigns/{c}/year-end-checks"),
            &json!({"as_of": today()}),
        );
        assert_eq!(check.status, 201, "{}", check.body);
        assert_eq!(check.body["eligible_count"], OFFICES);
        let id = check.body["id"].as_str().unwrap();
        let notified = app.post(&format!("/api/v1/year-end-checks/{id}/notify"), &json!({}));
        assert_eq!(notified.status, 200, "{}", notified.body);

        let draft = app.post(
            &format!("/api/v1/campaigns/{c}/payout-batches"),
            &json!({"year_end_check_id": id}),
        );
        assert_eq!(draft.status, 201, "{}", draft.body);
        assert_eq!(draft.body["line_count"], OFFICES);
        let batch = draft.body["id"].as_str().unwrap();
        let second = app.token("secretariat");
        let approved = app.request(
            "POST",
            &format!("/api/v1/payout-batches/{batch}/approve"),
            Some(&second),
            None,
        );
        assert_eq!(approved.status, 200, "{}", approved.body);
        let rec = app.get(&format!("/api/v1/campaigns/{c}/reconciliation"));
        assert_eq!(rec.body["reconciled"], true);
        assert_eq!(rec.body["approved_total"], i64::from(OFFICES) * 26_000);
        let pending = app.get("/api/v1/outbox?status=queued&per_page=1");
        assert_eq!(
            pending.body["total"].as_i64().unwrap(),
            // Receipts, reminders, results, payout notices.
            4 * i64::from(OFFICES),
            "{}",
            pending.body
        );
    }
);
