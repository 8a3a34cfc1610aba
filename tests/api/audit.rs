use crate::on_both_backends;
use serde_json::json;

on_both_backends!(
    every_change_is_in_the_audit_trail_with_before_and_after,
    |app| {
        let id = app.open_campaign(50, 10);
        let patch = json!({"total_slots": 60});
        assert_eq!(
            app.request(
                "PATCH",
                &format!("/api/v1/campaigns/{id}"),
                Some(&app.admin_token),
                Some(&patch)
            )
            .status,
            200
        );
        let auditor = app.token("auditor");
        let r = app.request(
            "GET",
            &format!("/api/v1/audit-events?campaign_id={id}"),
            Some(&auditor),
            None,
        );
        assert_eq!(r.status, 200);
        let items = r.body["items"].as_array().unwrap();
        let actions: Vec<&str> = items
            .iter()
            .map(|e| e["action"].as_str().unwrap())
            .collect();
        assert_eq!(actions, ["campaign.create", "campaign.update"]);
        assert_eq!(items[0]["actor"], "admin:test-admin");
        assert!(items[0]["before"].is_null());
        assert_eq!(items[1]["before"]["total_slots"], 50);
        assert_eq!(items[1]["after"]["campaign"]["total_slots"], 60);
        assert!(items[0]["seq"].as_i64() < items[1]["seq"].as_i64());
    }
);

on_both_backends!(the_hash_chain_verifies_and_catches_an_edited_event, |app| {
    app.open_campaign(5, 1);
    app.token("auditor");
    let mut conn = app.pool.get().unwrap();
    assert_eq!(honoraria::db::audit::verify(&mut conn).unwrap(), 3);
    drop(conn);
    app.drop_audit_guard();
    app.execute_sql("UPDATE audit_events SET actor = 'someone-else' WHERE seq = 2");
    let mut conn = app.pool.get().unwrap();
    let err = honoraria::db::audit::verify(&mut conn).unwrap_err();
    assert_eq!(
        err.to_string(),
        "audit event 2: its content does not match its hash"
    );
});

on_both_backends!(the_database_refuses_to_edit_or_delete_audit_events, |app| {
    use diesel::connection::SimpleConnection;
    app.open_campaign(5, 1);
    let mut conn = app.pool.get().unwrap();
    for sql in [
        "UPDATE audit_events SET actor = 'someone-else' WHERE seq = 1",
        "DELETE FROM audit_events WHERE seq = 1",
    ] {
        assert!(conn.batch_execute(sql).is_err(), "{sql} must be refused");
    }
    assert_eq!(honoraria::db::audit::verify(&mut conn).unwrap(), 2);
});

on_both_backends!(
    the_audit_trail_exports_as_csv_or_json_lines_filtered,
    |app| {
        let c = app.open_campaign(5, 1);
        let other = app.open_campaign(5, 1);
        let r = app.request(
            "POST",
            &format!("/api/v1/campaigns/{c}/applications"),
            None,
            Some(&crate::helpers::single(1)),
        );
        assert_eq!(r.status, 201);
        let auditor = app.token("auditor");
        let jsonl = app.request(
            "GET",
            &format!("/api/v1/audit-events/export?format=jsonl&campaign_id={c}"),
            Some(&auditor),
            None,
        );
        assert_eq!(jsonl.status, 200);
        let events: Vec<serde_json::Value> = jsonl
            .body
            .as_str()
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let actions: Vec<&str> = events
            .iter()
            .map(|e| e["action"].as_str().unwrap())
            .collect();
        assert_eq!(actions, ["campaign.create", "application.submit"]);
        assert!(events.iter().all(|e| e["campaign_id"] == c.as_str()));
        assert!(!jsonl.body.as_str().unwrap().contains(&other));

        let csv = app.request(
            "GET",
            "/api/v1/audit-events/export?format=csv&actor=applicant",
            Some(&auditor),
            None,
        );
        let text = csv.body.as_str().unwrap();
        assert!(text.starts_with('\u{FEFF}'), "UTF-8 with BOM");
        let lines: Vec<&str> = text
            .trim_start_matches('\u{FEFF}')
            .split_terminator("\r\n")
            .collect();
        assert!(lines[0]
            .starts_with("seq,at,actor,action,entity,entity_id,campaign_id,before,after,hash"));
        assert_eq!(lines.len(), 2, "{text}");
        assert!(lines[1].contains(",applicant,application.submit,application,"));

        let later = app.request(
            "GET",
            "/api/v1/audit-events/export?format=jsonl&from=2999-01-01T00:00:00%2B09:00",
            Some(&auditor),
            None,
        );
        assert_eq!(later.body, serde_json::Value::String(String::new()));
        let bad = app.request(
            "GET",
            "/api/v1/audit-events/export?format=xml",
            Some(&auditor),
            None,
        );
        assert_eq!(
            (bad.status, crate::helpers::fields(&bad)),
            (422, vec!["format".to_owned()])
        );
        let bad_time = app.request(
            "GET",
            "/api/v1/audit-events/export?to=yesterday",
            Some(&auditor),
            None,
        );
        assert_eq!(
            (bad_time.status, crate::helpers::fields(&bad_time)),
            (422, vec!["to".to_owned()])
        );
    }
);
