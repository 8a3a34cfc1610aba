//! Money that cannot go wrong: nothing is paid from a dry run, to an office that has left, on
//! an attestation older than the list it stands in for, or to a general-tier office that was
//! already using the system; a reclaim names the payment it takes back; the database refuses
//! to slip lines into a decided batch; the reconciliation's sums add up.

use crate::helpers::{fields, single, TestApp};
use crate::on_both_backends;
use crate::year_end::{
    apply, campaign_of_five, end_campaign, fill_checkpoints, import_list, import_list_as_of,
    number, run_check, today,
};
use serde_json::{json, Value};

fn day_after(days: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::hours(9) + chrono::Duration::days(days))
        .date_naive()
        .to_string()
}

fn all_five() -> Vec<String> {
    vec![
        number(1, "care_management"),
        number(2, "service"),
        number(3, "care_management"),
        number(4, "care_management"),
        number(5, "service"),
    ]
}

fn draft(
    app: &TestApp,
    c: &str,
    check: &Value,
    corrects: Option<&str>,
) -> crate::helpers::Response {
    let mut body = json!({"year_end_check_id": check["id"]});
    if let Some(id) = corrects {
        body["corrects"] = json!(id);
    }
    app.post(&format!("/api/v1/campaigns/{c}/payout-batches"), &body)
}

fn approve(app: &TestApp, id: &str) -> crate::helpers::Response {
    let second = app.token("secretariat");
    app.request(
        "POST",
        &format!("/api/v1/payout-batches/{id}/approve"),
        Some(&second),
        None,
    )
}

/// The five offices' campaign, ended, checked, and its first batch approved: the campaign and
/// the batch.
fn paid_campaign(app: &TestApp) -> (String, String) {
    let c = campaign_of_five(app);
    fill_checkpoints(app, &c);
    import_list(app, &c, &all_five());
    let check = run_check(app, &c);
    let first = draft(app, &c, &check, None);
    let id = first.body["id"].as_str().unwrap().to_owned();
    assert_eq!(approve(app, &id).status, 200);
    (c, id)
}

/// A reconciliation's `by_role` entries summed over one amount.
fn by_role(reconciliation: &Value, amount: &str) -> Value {
    let sum: i64 = reconciliation["by_role"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r[amount].as_i64().unwrap())
        .sum();
    json!(sum)
}

pub(crate) fn application_of(app: &TestApp, c: &str, office: &str) -> String {
    let r = app.get(&format!("/api/v1/campaigns/{c}/participants?per_page=500"));
    r.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["office_number"] == office)
        .unwrap_or_else(|| panic!("{office} takes part: {}", r.body))["application_id"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn patch_checkpoints(app: &TestApp, c: &str, office: &str, patch: Value) {
    let r = app.request(
        "PATCH",
        &format!("/api/v1/campaigns/{c}/participants/{office}/checkpoints"),
        Some(&app.admin_token),
        Some(&patch),
    );
    assert_eq!(r.status, 200, "{}", r.body);
}

fn reasons_of(check: &Value, office: &str) -> Vec<String> {
    check["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["office_number"] == office)
        .unwrap()["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap().to_owned())
        .collect()
}

on_both_backends!(a_dry_run_shows_verdicts_but_is_never_paid, |app| {
    // The campaign ends in four months; the secretariat tries the check today.
    let c = campaign_of_five(app);
    fill_checkpoints(app, &c);
    import_list_as_of(app, &c, &all_five(), &today());
    let early = run_check(app, &c);
    assert_eq!(early["dry_run"], true, "{early}");
    assert_eq!(early["eligible_count"], 4, "verdicts are still shown");
    let refused = draft(app, &c, &early, None);
    assert_eq!(refused.status, 409, "{}", refused.body);
    assert!(
        refused.body["detail"].as_str().unwrap().contains("dry run"),
        "{}",
        refused.body
    );

    let future = app.post(
        &format!("/api/v1/campaigns/{c}/year-end-checks"),
        &json!({"as_of": day_after(1)}),
    );
    assert_eq!(
        (future.status, fields(&future)),
        (422, vec!["as_of".to_owned()])
    );

    // The campaign has ended, but the only list is from before its end: still a dry run.
    let c2 = campaign_of_five(app);
    fill_checkpoints(app, &c2);
    import_list_as_of(app, &c2, &all_five(), &day_after(-1));
    end_campaign(app, &c2);
    let on_old_list = run_check(app, &c2);
    assert_eq!(on_old_list["dry_run"], true, "{on_old_list}");
    assert_eq!(draft(app, &c2, &on_old_list, None).status, 409);

    // A real check, drafted; then the end moves later: approval refuses too.
    import_list_as_of(app, &c2, &all_five(), &today());
    let real = run_check(app, &c2);
    assert_eq!(real["dry_run"], false, "{real}");
    let batch = draft(app, &c2, &real, None);
    assert_eq!(batch.status, 201, "{}", batch.body);
    let moved = app.request(
        "PATCH",
        &format!("/api/v1/campaigns/{c2}"),
        Some(&app.admin_token),
        Some(&json!({"ends_on": day_after(30)})),
    );
    assert_eq!(moved.status, 200, "{}", moved.body);
    let id = batch.body["id"].as_str().unwrap();
    let approval = approve(app, id);
    assert_eq!(approval.status, 409, "{}", approval.body);
    assert!(approval.body["detail"]
        .as_str()
        .unwrap()
        .contains("dry run"));
    let still = app.get(&format!("/api/v1/payout-batches/{id}"));
    assert_eq!(still.body["status"], "draft");
});

on_both_backends!(an_office_that_left_after_the_check_is_not_paid, |app| {
    let c = campaign_of_five(app);
    fill_checkpoints(app, &c);
    import_list(app, &c, &all_five());
    let check = run_check(app, &c);
    let third = number(3, "care_management");
    let batch = draft(app, &c, &check, None);
    assert_eq!(batch.status, 201, "{}", batch.body);
    let id = batch.body["id"].as_str().unwrap().to_owned();

    let application = application_of(app, &c, &third);
    let r = app.post(
        &format!("/api/v1/applications/{application}/disqualify"),
        &json!({"reason": "同一法人による重複応募"}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let refused = approve(app, &id);
    assert_eq!(refused.status, 409, "{}", refused.body);
    assert_eq!(fields(&refused), vec![format!("offices.{third}")]);

    // Drafting again from the same check is refused the same way; a new check leaves it out.
    let cancel = app.post(&format!("/api/v1/payout-batches/{id}/cancel"), &json!({}));
    assert_eq!(cancel.status, 200);
    let stale = draft(app, &c, &check, None);
    assert_eq!(
        (stale.status, fields(&stale)),
        (409, vec![format!("offices.{third}")])
    );
    let recheck = run_check(app, &c);
    let batch = draft(app, &c, &recheck, None);
    assert_eq!(batch.status, 201, "{}", batch.body);
    assert!(batch.body["lines"]
        .as_array()
        .unwrap()
        .iter()
        .all(|l| l["office_number"] != third.as_str()));
    let ok = approve(app, batch.body["id"].as_str().unwrap());
    assert_eq!(ok.status, 200, "{}", ok.body);
});

on_both_backends!(
    a_paid_office_that_leaves_is_reclaimed_from_its_own_application,
    |app| {
        let (c, first_id) = paid_campaign(app);

        // Office 3 withdraws after it was paid, then applies again under a new application.
        let third = number(3, "care_management");
        let paid_application = application_of(app, &c, &third);
        let r = app.post(
            &format!("/api/v1/applications/{paid_application}/withdraw"),
            &json!({"reason": "事業所の統合"}),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        let rec = app.get(&format!("/api/v1/campaigns/{c}/reconciliation"));
        assert_eq!(rec.body["reconciled"], false, "{}", rec.body);
        let difference = &rec.body["differences"][0];
        assert_eq!(difference["office_number"], third.as_str());
        assert_eq!(difference["still_accepted"], false);
        assert_eq!(difference["difference"], -26_000);
        assert_eq!(
            by_role(&rec.body, "approved_amount"),
            rec.body["approved_total"]
        );

        apply(app, &c, &single(3));
        let again = application_of(app, &c, &third);
        assert_ne!(again, paid_application);
        let recheck = run_check(app, &c);
        let rec = app.get(&format!("/api/v1/campaigns/{c}/reconciliation"));
        assert_eq!(
            by_role(&rec.body, "approved_amount"),
            rec.body["approved_total"],
            "{}",
            rec.body
        );
        assert_eq!(by_role(&rec.body, "owed_amount"), recheck["total_amount"]);
        let correction = draft(app, &c, &recheck, Some(&first_id));
        assert_eq!(correction.status, 201, "{}", correction.body);
        let lines = correction.body["lines"].as_array().unwrap();
        assert_eq!(lines.len(), 1, "{}", correction.body);
        assert_eq!(lines[0]["amount"], -26_000);
        assert_eq!(
            lines[0]["application_id"],
            paid_application.as_str(),
            "the reclaim names the application that was paid"
        );
        let ok = approve(app, correction.body["id"].as_str().unwrap());
        assert_eq!(
            ok.status, 200,
            "reclaim lines do not hold approval up: {}",
            ok.body
        );
        let rec = app.get(&format!("/api/v1/campaigns/{c}/reconciliation"));
        assert_eq!(rec.body["reconciled"], true, "{}", rec.body);
    }
);

on_both_backends!(
    an_attestation_stands_in_only_for_lists_imported_before_it,
    |app| {
        let c = campaign_of_five(app);
        fill_checkpoints(app, &c);
        let fourth = number(4, "care_management");
        let without_fourth: Vec<String> = all_five().into_iter().filter(|o| *o != fourth).collect();
        import_list(app, &c, &without_fourth);
        let attest =
            json!({"continued_use_attested": {"reason": "一覧の更新漏れ、利用画面で確認"}});
        patch_checkpoints(app, &c, &fourth, attest.clone());
        assert_eq!(
            reasons_of(&run_check(app, &c), &fourth),
            Vec::<String>::new()
        );

        // A later list still lacks the office: December's attestation does not speak for March.
        import_list(app, &c, &without_fourth);
        assert_eq!(
            reasons_of(&run_check(app, &c), &fourth),
            vec!["not_using_at_end".to_owned()]
        );
        patch_checkpoints(app, &c, &fourth, attest);
        assert_eq!(
            reasons_of(&run_check(app, &c), &fourth),
            Vec::<String>::new()
        );
    }
);

on_both_backends!(
    a_general_tier_office_must_start_after_it_applied_and_by_the_check,
    |app| {
        let c = campaign_of_five(app);
        fill_checkpoints(app, &c);
        import_list(app, &c, &all_five());
        let third = number(3, "care_management");
        let fourth = number(4, "care_management");
        patch_checkpoints(app, &c, &third, json!({"usage_started_on": "2020-04-01"}));
        patch_checkpoints(app, &c, &fourth, json!({"usage_started_on": day_after(3)}));
        let check = run_check(app, &c);
        assert_eq!(
            reasons_of(&check, &third),
            vec!["started_before_application".to_owned()]
        );
        assert_eq!(
            reasons_of(&check, &fourth),
            vec!["usage_not_started".to_owned()]
        );
    }
);

on_both_backends!(
    the_database_refuses_lines_moved_into_a_decided_batch,
    |app| {
        use diesel::connection::SimpleConnection;
        let (c, approved) = paid_campaign(app);
        // Office 5 qualifies later: a correcting draft holds one line the approved batch lacks.
        patch_checkpoints(
            app,
            &c,
            &number(5, "service"),
            json!({"end_survey_answered": true}),
        );
        let recheck = run_check(app, &c);
        let correction = draft(app, &c, &recheck, Some(&approved));
        assert_eq!(correction.status, 201, "{}", correction.body);
        let draft_id = correction.body["id"].as_str().unwrap();
        let mut conn = app.pool.get().unwrap();
        let sql = format!(
            "UPDATE payout_lines SET batch_id = '{approved}' WHERE batch_id = '{draft_id}'"
        );
        assert!(conn.batch_execute(&sql).is_err(), "{sql} must be refused");
        let still = app.get(&format!("/api/v1/payout-batches/{approved}"));
        assert_eq!(still.body["line_count"], 4);
        assert_eq!(still.body["lines"].as_array().unwrap().len(), 4);
    }
);
