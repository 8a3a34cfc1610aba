//! Office registers over HTTP: what an import refuses and what it reads, and which register
//! the outcome counts from when several have been imported.

use crate::helpers::fields;
use crate::on_both_backends;
use crate::outcome::{import_register, points};
use crate::year_end::{campaign_of_five, csv, import_list_as_of, number};
use serde_json::Value;

on_both_backends!(
    a_register_import_refuses_what_it_cannot_read_and_stores_nothing,
    |app| {
        let c = campaign_of_five(app);
        import_list_as_of(app, &c, &[number(1, "care_management")], "2024-04-01");
        let good = "事業所番号,事業所名,サービスの種類,市区町村コード\n1310000011,むさしの,居宅介護支援,132039\n";
        let post = |query: &str, body: &str| {
            csv(
                app,
                &app.admin_token,
                &format!("/api/v1/office-registers{query}"),
                body.as_bytes().to_vec(),
            )
        };
        let no_day = post("", good);
        assert_eq!(
            (no_day.status, fields(&no_day)),
            (422, vec!["as_of".to_owned()])
        );
        let bad_day = post("?as_of=2024-02-30", good);
        assert_eq!(
            (bad_day.status, fields(&bad_day)),
            (422, vec!["as_of".to_owned()])
        );
        let far = post("?as_of=1999-12-31", good);
        assert_eq!((far.status, fields(&far)), (422, vec!["as_of".to_owned()]));
        let missing = post(
            "?as_of=2024-04-01",
            "事業所番号,事業所名,住所\n1310000011,むさしの,緑町\n",
        );
        assert_eq!(missing.status, 422, "{}", missing.body);
        assert_eq!(fields(&missing), ["body", "body"]);
        assert!(
            missing.body["detail"]
                .as_str()
                .unwrap()
                .contains("サービスの種類"),
            "{}",
            missing.body
        );
        let no_header = post("?as_of=2024-04-01", "a,b\n1,2\n");
        assert_eq!(
            (no_header.status, fields(&no_header)),
            (422, vec!["body".to_owned()])
        );
        let auditor = app.token("auditor");
        let refused = csv(
            app,
            &auditor,
            "/api/v1/office-registers?as_of=2024-04-01",
            good.as_bytes().to_vec(),
        );
        assert_eq!(refused.status, 403);
        // Nothing was stored: there is no register to count from.
        let none = app.get(&format!("/api/v1/campaigns/{c}/outcome"));
        assert_eq!(none.status, 409, "{}", none.body);
        assert!(none.body["detail"]
            .as_str()
            .unwrap()
            .contains("office register"));

        // Shift_JIS under a title line, full-width digits, a quoted comma; bad rows named by line.
        let text = format!(
        "令和6年4月1日時点\r\n事業所番号,事業所名,サービスの種類,都道府県コード又は市町村コード,法人番号\r\n\
         {},\"むさしの, 本店\",訪問介護,１３２０３９,\r\n\
         {},むさしの,居宅介護支援,132039,\r\n\
         13-XYZ,壊れた行,訪問介護,132039,\r\n\
         {},緑町,通所介護,132030,\r\n\
         {},吉祥寺,通所介護,13203,7123456789013\r\n",
        number(1, "care_management"),
        number(1, "care_management"),
        number(2, "service"),
        number(3, "care_management"),
    );
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(&text);
        let r = import_register(app, "2024-04-01", sjis.into_owned());
        assert_eq!(r["rows"], 2, "{r}");
        assert_eq!(r["offices"], 1, "{r}");
        assert_eq!(r["encoding"], "shift_jis");
        assert_eq!(r["header_line"], 2);
        let bad: Vec<i64> = r["invalid_rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["line"].as_i64().unwrap())
            .collect();
        assert_eq!(bad, [5, 6, 7], "{r}");
        assert!(r["invalid_rows"][1]["error"]
            .as_str()
            .unwrap()
            .contains("check digit should be 9"));
        let o = app.get(&format!("/api/v1/campaigns/{c}/outcome"));
        assert_eq!(o.status, 200, "{}", o.body);
        assert_eq!(
            o.body["by_kind"]["care_management"][0]["offices"], 1,
            "{}",
            o.body
        );

        let audit = app.get("/api/v1/audit-events?per_page=500");
        let imports: Vec<&Value> = audit.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"] == "office_register.import")
            .collect();
        assert_eq!(imports.len(), 1, "one import, one event");
        assert_eq!(imports[0]["entity_id"], r["id"]);
    }
);

on_both_backends!(the_latest_register_on_or_before_the_day_is_counted, |app| {
    let c = app.open_campaign(10, 2);
    let register = |offices: &[u32]| {
        let mut text = String::from("office_number,name,service_type,municipality_code\n");
        for n in offices {
            text.push_str(&format!(
                "{},事業所{n},訪問介護,13203\n",
                number(*n, "service")
            ));
        }
        text.into_bytes()
    };
    let no_list = {
        import_register(app, "2023-04-01", register(&[1, 2, 3]));
        app.get(&format!("/api/v1/campaigns/{c}/outcome"))
    };
    assert_eq!(no_list.status, 409, "{}", no_list.body);
    assert!(no_list.body["detail"]
        .as_str()
        .unwrap()
        .contains("usage list"));
    let newer = import_register(app, "2024-04-01", register(&[1, 2, 3, 4, 5]));
    import_list_as_of(app, &c, &[number(1, "service")], "2024-04-01");
    let latest = app.get(&format!("/api/v1/campaigns/{c}/outcome"));
    assert_eq!(latest.body["register"]["id"], newer["id"]);
    assert_eq!(
        points(&latest.body["points"]),
        [("2024-04-01".into(), 1, 5, 0.2)]
    );
    let earlier = app.get(&format!(
        "/api/v1/campaigns/{c}/outcome?register_as_of=2024-03-31"
    ));
    assert_eq!(earlier.body["register"]["as_of"], "2023-04-01");
    assert_eq!(earlier.body["register"]["offices"], 3);
    let before_any = app.get(&format!(
        "/api/v1/campaigns/{c}/outcome?register_as_of=2020-01-01"
    ));
    assert_eq!(before_any.status, 409);
    let bad = app.get(&format!(
        "/api/v1/campaigns/{c}/outcome?register_as_of=someday&format=csv"
    ));
    assert_eq!(
        (bad.status, fields(&bad)),
        (422, vec!["register_as_of".to_owned()])
    );
    let format = app.get(&format!("/api/v1/campaigns/{c}/outcome?format=xml"));
    assert_eq!(
        (format.status, fields(&format)),
        (422, vec!["format".to_owned()])
    );
    let unknown = app.get("/api/v1/campaigns/00000000-0000-0000-0000-000000000000/outcome");
    assert_eq!(unknown.status, 404);
    let unknown_png = app.get("/api/v1/campaigns/00000000-0000-0000-0000-000000000000/outcome.png");
    assert_eq!(unknown_png.status, 404);
});
