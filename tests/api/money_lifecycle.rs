//! The money's whole life over HTTP: checks, four-eyes payout batches, corrections after
//! offices leave, result and payout mails, the bank file frozen at approval, and the Musashino
//! full house.

use crate::exports::account;
use crate::helpers::{fields, model, single, TestApp};
use crate::money::application_of;
use crate::on_both_backends;
use crate::transfers::{file, payer, put_account, put_payer, transfer_day, zengin};
use crate::year_end::{
    amounts, apply, campaign_of_five, csv, fill_checkpoints, import_list, import_list_as_of,
    number, outbox_kinds, run_check, today,
};
use serde_json::{json, Value};

fn approved_per_office(app: &TestApp, c: &str) -> std::collections::BTreeMap<String, i64> {
    let mut paid = std::collections::BTreeMap::new();
    let batches = app.get(&format!("/api/v1/campaigns/{c}/payout-batches"));
    for b in batches.body.as_array().unwrap() {
        if b["status"] != "approved" {
            continue;
        }
        let full = app.get(&format!(
            "/api/v1/payout-batches/{}",
            b["id"].as_str().unwrap()
        ));
        for l in full.body["lines"].as_array().unwrap() {
            *paid
                .entry(l["office_number"].as_str().unwrap().to_owned())
                .or_insert(0) += l["amount"].as_i64().unwrap();
        }
    }
    paid
}

fn check_owes(check: &Value) -> std::collections::BTreeMap<String, i64> {
    amounts(check)
        .into_iter()
        .filter(|(_, _, amount, _)| *amount != 0)
        .map(|(o, _, amount, _)| (o, amount))
        .collect()
}

on_both_backends!(the_money_lifecycle_reconciles_at_every_step, |app| {
    let c = campaign_of_five(app);
    fill_checkpoints(app, &c);
    let listed: Vec<String> = vec![
        number(1, "care_management"),
        number(2, "service"),
        number(3, "care_management"),
        number(4, "care_management"),
    ];
    // Before the campaign's end a check is a dry run: verdicts, but no batch.
    import_list_as_of(app, &c, &listed, &today());
    let rehearsal = run_check(app, &c);
    assert_eq!(rehearsal["dry_run"], true);
    let refused = app.post(
        &format!("/api/v1/campaigns/{c}/payout-batches"),
        &json!({"year_end_check_id": rehearsal["id"]}),
    );
    assert_eq!(refused.status, 409, "{}", refused.body);
    import_list(app, &c, &listed);
    let check = run_check(app, &c);
    assert_eq!(check["dry_run"], false);
    let fifth = number(5, "service");
    let results = amounts(&check);
    assert_eq!(results.len(), 5);
    assert_eq!(check["total_amount"], 31_000 + 3 * 26_000, "{check}");
    assert_eq!(check["eligible_count"], 4);
    let five = results.iter().find(|r| r.0 == fifth).unwrap();
    assert_eq!(
        (five.1, five.2, five.3.clone()),
        (
            false,
            0,
            vec![
                "not_using_at_end".to_owned(),
                "end_survey_missing".to_owned()
            ]
        )
    );
    let again = run_check(app, &c);
    assert_eq!(amounts(&again), results, "same data, same verdicts");
    assert_eq!(again["inputs_sha256"], check["inputs_sha256"]);

    // Draft, a second draft refused, cancel, draft again.
    let secretariat = app.token("secretariat");
    let auditor = app.token("auditor");
    let batches = format!("/api/v1/campaigns/{c}/payout-batches");
    let draft = app.post(&batches, &json!({"year_end_check_id": again["id"]}));
    assert_eq!(draft.status, 201, "{}", draft.body);
    assert_eq!(draft.body["status"], "draft");
    assert_eq!(draft.body["line_count"], 4);
    assert_eq!(draft.body["total_amount"], 109_000);
    let twice = app.post(&batches, &json!({"year_end_check_id": again["id"]}));
    assert_eq!(twice.status, 409, "{}", twice.body);
    let old_check = app.post(&batches, &json!({"year_end_check_id": check["id"]}));
    assert_eq!(
        old_check.status, 409,
        "a newer check exists: {}",
        old_check.body
    );
    let id = draft.body["id"].as_str().unwrap().to_owned();
    let cancelled = app.post(&format!("/api/v1/payout-batches/{id}/cancel"), &json!({}));
    assert_eq!(cancelled.body["status"], "cancelled", "{}", cancelled.body);
    let approve_cancelled = app.request(
        "POST",
        &format!("/api/v1/payout-batches/{id}/approve"),
        Some(&secretariat),
        None,
    );
    assert_eq!(approve_cancelled.status, 409);
    let draft = app.post(&batches, &json!({"year_end_check_id": again["id"]}));
    assert_eq!(draft.status, 201, "{}", draft.body);
    let id = draft.body["id"].as_str().unwrap().to_owned();
    assert_eq!(approved_per_office(app, &c).len(), 0, "a draft pays nobody");

    // Four eyes: not the author, not an auditor; once only.
    let approve = format!("/api/v1/payout-batches/{id}/approve");
    let by_author = app.request("POST", &approve, Some(&app.admin_token), None);
    assert_eq!(by_author.status, 403, "{}", by_author.body);
    let by_auditor = app.request("POST", &approve, Some(&auditor), None);
    assert_eq!(by_auditor.status, 403);
    let approved = app.request("POST", &approve, Some(&secretariat), None);
    assert_eq!(approved.status, 200, "{}", approved.body);
    assert_eq!(approved.body["status"], "approved");
    assert_eq!(approved.body["decided_by"], "secretariat:secretariat-user");
    let twice = app.request("POST", &approve, Some(&secretariat), None);
    assert_eq!(twice.status, 409);
    let cancel_approved = app.post(&format!("/api/v1/payout-batches/{id}/cancel"), &json!({}));
    assert_eq!(cancel_approved.status, 409);
    assert_eq!(approved_per_office(app, &c), check_owes(&again));
    assert_eq!(outbox_kinds(app, "payout_notice"), 4);
    let rec = app.get(&format!("/api/v1/campaigns/{c}/reconciliation"));
    assert_eq!(rec.body["reconciled"], true, "{}", rec.body);
    assert_eq!(rec.body["approved_total"], 109_000);
    assert_eq!(rec.body["to_be_paid"], 0);

    // The bank file is frozen at approval: an account changed afterwards pays later batches.
    put_payer(app, &c, &payer("ordinary", "7654321"));
    for (n, office) in listed.iter().enumerate() {
        put_account(app, &c, office, &account(n as u32 + 1));
    }
    let day = transfer_day();
    let written = file(app, &id, day);
    put_account(app, &c, &listed[0], &account(9));
    put_payer(app, &c, &payer("ordinary", "1111111"));
    assert_eq!(
        file(app, &id, day),
        written,
        "the approved batch pays whom it was approved for"
    );

    // The database itself refuses to change what was approved.
    {
        use diesel::connection::SimpleConnection;
        let mut conn = app.pool.get().unwrap();
        for sql in [
            format!("UPDATE payout_lines SET amount = 1 WHERE batch_id = '{id}'"),
            format!("DELETE FROM payout_lines WHERE batch_id = '{id}'"),
            format!("UPDATE payout_batches SET total_amount = 0 WHERE id = '{id}'"),
            format!("DELETE FROM payout_batches WHERE id = '{id}'"),
        ] {
            assert!(conn.batch_execute(&sql).is_err(), "{sql} must be refused");
        }
    }
    let still = app.get(&format!("/api/v1/payout-batches/{id}"));
    assert_eq!(still.body["total_amount"], 109_000);

    // A checkpoint changes: office 5 now qualifies, office 3 turns out not to.
    for (office, patch) in [
        (
            fifth.clone(),
            json!({"end_survey_answered": true, "continued_use_attested": {"reason": "一覧の更新漏れ、利用画面で確認"}}),
        ),
        (
            number(3, "care_management"),
            json!({"start_survey_answered": false}),
        ),
    ] {
        let r = app.request(
            "PATCH",
            &format!("/api/v1/campaigns/{c}/participants/{office}/checkpoints"),
            Some(&app.admin_token),
            Some(&patch),
        );
        assert_eq!(r.status, 200, "{}", r.body);
    }
    let recheck = run_check(app, &c);
    assert_eq!(recheck["total_amount"], 109_000, "one more, one fewer");
    let rec = app.get(&format!("/api/v1/campaigns/{c}/reconciliation"));
    assert_eq!(rec.body["reconciled"], false);
    let differences: Vec<i64> = rec.body["differences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["difference"].as_i64().unwrap())
        .collect();
    assert_eq!(differences.iter().sum::<i64>(), 0);
    assert_eq!(differences.len(), 2, "listed, not hidden: {}", rec.body);
    let plain = app.post(&batches, &json!({"year_end_check_id": recheck["id"]}));
    assert_eq!(plain.status, 409, "a further batch names what it corrects");
    let correcting = app.post(
        &batches,
        &json!({"year_end_check_id": recheck["id"], "corrects": id}),
    );
    assert_eq!(correcting.status, 201, "{}", correcting.body);
    let mut lines: Vec<(String, i64)> = correcting.body["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["office_number"].as_str().unwrap().to_owned(),
                l["amount"].as_i64().unwrap(),
            )
        })
        .collect();
    lines.sort();
    let mut expected = vec![
        (number(3, "care_management"), -26_000),
        (fifth.clone(), 26_000),
    ];
    expected.sort();
    assert_eq!(lines, expected);
    let correcting_id = correcting.body["id"].as_str().unwrap();
    let ok = app.request(
        "POST",
        &format!("/api/v1/payout-batches/{correcting_id}/approve"),
        Some(&secretariat),
        None,
    );
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert_eq!(
        approved_per_office(app, &c)
            .into_iter()
            .filter(|(_, a)| *a != 0)
            .collect::<std::collections::BTreeMap<_, _>>(),
        check_owes(&recheck)
    );
    let rec = app.get(&format!("/api/v1/campaigns/{c}/reconciliation"));
    assert_eq!(rec.body["reconciled"], true, "{}", rec.body);
    let csv_report = app.get(&format!("/api/v1/campaigns/{c}/reconciliation?format=csv"));
    assert!(csv_report
        .body
        .as_str()
        .unwrap()
        .contains("total,109000,109000,0"));
    let nothing = app.post(
        &batches,
        &json!({"year_end_check_id": recheck["id"], "corrects": correcting_id}),
    );
    assert_eq!(
        nothing.status, 409,
        "nothing left to correct: {}",
        nothing.body
    );

    // Results mailed once per check.
    let notify = format!(
        "/api/v1/year-end-checks/{}/notify",
        recheck["id"].as_str().unwrap()
    );
    assert_eq!(app.post(&notify, &json!({})).status, 200);
    assert_eq!(app.post(&notify, &json!({})).status, 409);
    assert_eq!(outbox_kinds(app, "year_end_result"), 5);

    // Office 3 catches up and a correcting batch pays it; then office 3 is disqualified, and
    // that batch is held up: nobody who left is paid.
    let third = number(3, "care_management");
    let r = app.request(
        "PATCH",
        &format!("/api/v1/campaigns/{c}/participants/{third}/checkpoints"),
        Some(&app.admin_token),
        Some(&json!({"start_survey_answered": true})),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let caught_up = run_check(app, &c);
    let late = app.post(
        &batches,
        &json!({"year_end_check_id": caught_up["id"], "corrects": correcting_id}),
    );
    assert_eq!(late.status, 201, "{}", late.body);
    let application = application_of(app, &c, &third);
    let out = app.post(
        &format!("/api/v1/applications/{application}/disqualify"),
        &json!({"reason": "重複応募"}),
    );
    assert_eq!(out.status, 200, "{}", out.body);
    let late_id = late.body["id"].as_str().unwrap();
    let held = app.request(
        "POST",
        &format!("/api/v1/payout-batches/{late_id}/approve"),
        Some(&secretariat),
        None,
    );
    assert_eq!(held.status, 409, "{}", held.body);
    assert_eq!(fields(&held), vec![format!("offices.{third}")]);

    // The pair of offices 4 and 5, both paid, leaves too: the batch that corrects only
    // reclaims, and has no bank file.
    let r = app.post(
        &format!("/api/v1/payout-batches/{late_id}/cancel"),
        &json!({}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let fourth = number(4, "care_management");
    let fourth_application = application_of(app, &c, &fourth);
    let out = app.post(
        &format!("/api/v1/applications/{fourth_application}/disqualify"),
        &json!({"reason": "事業所廃止"}),
    );
    assert_eq!(out.status, 200, "{}", out.body);
    let after = run_check(app, &c);
    let reclaiming = app.post(
        &batches,
        &json!({"year_end_check_id": after["id"], "corrects": correcting_id}),
    );
    assert_eq!(reclaiming.status, 201, "{}", reclaiming.body);
    let mut reclaim_lines: Vec<(String, i64)> = reclaiming.body["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["office_number"].as_str().unwrap().to_owned(),
                l["amount"].as_i64().unwrap(),
            )
        })
        .collect();
    reclaim_lines.sort();
    let mut both = vec![(fourth.clone(), -26_000), (fifth.clone(), -26_000)];
    both.sort();
    assert_eq!(reclaim_lines, both);
    let reclaim_id = reclaiming.body["id"].as_str().unwrap();
    let ok = app.request(
        "POST",
        &format!("/api/v1/payout-batches/{reclaim_id}/approve"),
        Some(&secretariat),
        None,
    );
    assert_eq!(ok.status, 200, "{}", ok.body);
    let (status, body) = zengin(app, reclaim_id, day);
    assert_eq!(status, 409, "{}", String::from_utf8_lossy(&body));
    assert!(String::from_utf8_lossy(&body).contains("nothing to transfer"));
    let rec = app.get(&format!("/api/v1/campaigns/{c}/reconciliation"));
    assert_eq!(rec.body["reconciled"], true, "{}", rec.body);
    let audit = app.get(&format!(
        "/api/v1/audit-events?campaign_id={c}&per_page=500"
    ));
    let actions: Vec<&str> = audit.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for action in [
        "usage_list.import",
        "year_end_check.run",
        "payout_batch.create",
        "payout_batch.cancel",
        "payout_batch.approve",
        "year_end_check.notify",
        "payout_batch.zengin_issue",
    ] {
        assert!(
            actions.contains(&action),
            "{action} missing from the audit trail"
        );
    }
});

on_both_backends!(the_musashino_full_house_pays_1_350_000_yen, |app| {
    let c = app.open_campaign(50, 10);
    let mut numbers = Vec::new();
    let day = today();
    let mut sheet = String::from(
        "office_number,usage_started_on,start_survey_answered,end_survey_answered,workflow_change_confirmed,linkage_confirmed\n",
    );
    for m in 0..10u32 {
        apply(app, &c, &model(100 + m, 200 + m));
        let (a, b) = (
            number(100 + m, "care_management"),
            number(200 + m, "service"),
        );
        sheet.push_str(&format!(
            "{a},{day},true,true,true,\n{b},{day},true,true,,true\n"
        ));
        numbers.extend([a, b]);
    }
    for g in 0..30u32 {
        apply(app, &c, &single(300 + g));
        let a = number(300 + g, "care_management");
        sheet.push_str(&format!("{a},{day},true,true,,\n"));
        numbers.push(a);
    }
    let r = csv(
        app,
        &app.admin_token,
        &format!("/api/v1/campaigns/{c}/checkpoints"),
        sheet.into_bytes(),
    );
    assert_eq!(r.body["rows"], 50, "{}", r.body);
    import_list(app, &c, &numbers);
    let check = run_check(app, &c);
    assert_eq!(check["eligible_count"], 50);
    assert_eq!(check["total_amount"], 1_350_000);
});
