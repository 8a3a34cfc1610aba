//! The campaign's outcome over HTTP: an office register imported as the national open data
//! publishes it, then the region's adoption counted against the campaign's usage lists, as
//! the city's report gives it (Musashino: 4 of 188 offices on 2023-04-01, 30 of 188 a year
//! later), as JSON, CSV, SVG and PNG.

use crate::helpers::{pair, single, TestApp};
use crate::on_both_backends;
use crate::year_end::{
    apply, campaign_of_five, csv, fill_checkpoints, import_list, import_list_as_of, number,
    run_check,
};
use serde_json::{json, Value};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/config/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("fixture")
}

/// Posts a CSV file and expects it created.
fn import(app: &TestApp, path: &str, body: Vec<u8>) -> Value {
    let r = csv(app, &app.admin_token, path, body);
    assert_eq!(r.status, 201, "{}", r.body);
    r.body
}

pub(crate) fn import_register(app: &TestApp, as_of: &str, body: Vec<u8>) -> Value {
    import(
        app,
        &format!("/api/v1/office-registers?as_of={as_of}"),
        body,
    )
}

/// The body of a GET as bytes, with its content type.
fn bytes(app: &TestApp, path: &str) -> (u16, String, Vec<u8>) {
    let r = match ureq::get(&format!("{}{path}", app.base))
        .set("Authorization", &format!("Bearer {}", app.admin_token))
        .call()
    {
        Ok(r) | Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("{path}: {e}"),
    };
    let status = r.status();
    let content_type = r.header("Content-Type").unwrap_or("").to_owned();
    let mut body = Vec::new();
    std::io::Read::read_to_end(&mut r.into_reader(), &mut body).unwrap();
    (status, content_type, body)
}

/// `(as_of, using, offices, rate)` of each point.
pub(crate) fn points(series: &Value) -> Vec<(String, i64, i64, f64)> {
    series
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["as_of"].as_str().unwrap().to_owned(),
                p["using"].as_i64().unwrap(),
                p["offices"].as_i64().unwrap(),
                p["rate"].as_f64().unwrap(),
            )
        })
        .collect()
}

/// The Musashino campaign open now, four of the fixture's offices and one from elsewhere
/// accepted, the fixture's register and both usage lists imported.
fn musashino_outcome(app: &TestApp) -> (String, Value, Vec<Value>) {
    let c = app.open_campaign(50, 10);
    apply(app, &c, &single(3));
    apply(app, &c, &single(30));
    apply(app, &c, &pair(4, 150));
    apply(app, &c, &single(900));
    let register = import_register(
        app,
        "2024-04-01",
        fixture("musashino-office-register-2024-04-01.csv"),
    );
    let lists = ["2023-04-01", "2024-04-01"]
        .map(|day| {
            import(
                app,
                &format!("/api/v1/campaigns/{c}/usage-lists?as_of={day}"),
                fixture(&format!("musashino-usage-{day}.csv")),
            )
        })
        .to_vec();
    (c, register, lists)
}

on_both_backends!(the_musashino_fixture_gives_the_citys_figures, |app| {
    let (c, register, lists) = musashino_outcome(app);
    // 223 rows of 194 offices (188 in Musashino, 6 in the cities around it): an office listed
    // under several service types is one office.
    assert_eq!(register["rows"], 223, "{register}");
    assert_eq!(register["offices"], 194, "{register}");
    assert_eq!(register["invalid_rows"], json!([]));
    assert_eq!(register["as_of"], "2024-04-01");
    assert_eq!(register["sha256"].as_str().unwrap().len(), 64);

    let r = app.get(&format!("/api/v1/campaigns/{c}/outcome"));
    assert_eq!(r.status, 200, "{}", r.body);
    let o = r.body;
    assert_eq!(o["region_code"], "132039");
    assert_eq!(o["register"]["id"], register["id"]);
    assert_eq!(o["register"]["as_of"], "2024-04-01");
    assert_eq!(o["register"]["offices"], 188);
    assert_eq!(o["register"]["sha256"], register["sha256"]);
    // 4 / 188 = 0.02127… and 30 / 188 = 0.15957…: 2.1% and 16.0% in the report.
    assert_eq!(
        points(&o["points"]),
        [
            ("2023-04-01".into(), 4, 188, 0.0213),
            ("2024-04-01".into(), 30, 188, 0.1596)
        ]
    );
    for (point, list) in o["points"].as_array().unwrap().iter().zip(&lists) {
        assert_eq!(point["usage_list_id"], list["id"]);
    }
    let sources: Vec<(&Value, &Value)> = o["usage_lists"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (&l["id"], &l["sha256"]))
        .collect();
    assert_eq!(
        sources,
        lists
            .iter()
            .map(|l| (&l["id"], &l["sha256"]))
            .collect::<Vec<_>>()
    );
    assert_eq!(
        points(&o["by_kind"]["care_management"]),
        [
            ("2023-04-01".into(), 2, 45, 0.0444),
            ("2024-04-01".into(), 14, 45, 0.3111)
        ]
    );
    assert_eq!(
        points(&o["by_kind"]["service"]),
        [
            ("2023-04-01".into(), 2, 143, 0.014),
            ("2024-04-01".into(), 16, 143, 0.1119)
        ]
    );
    // Taking part: 3 and 4 use the system at the end, 30 and 150 do not; 900 is not in the
    // register.
    assert_eq!(
        o["participants"],
        json!({"offices": 4, "using_at_end": 2, "rate_at_end": 0.5})
    );
    assert_eq!(o["non_participants"]["offices"], 184);
    assert_eq!(o["non_participants"]["using_at_end"], 28);
    assert_eq!(o["participants_not_in_region"], 1);
    assert_eq!(
        points(&o["by_taking_part"]["participants"]),
        [
            ("2023-04-01".into(), 0, 4, 0.0),
            ("2024-04-01".into(), 2, 4, 0.5)
        ]
    );
    // Office 102 stopped: 27 of the 30 were not using the system a year before.
    assert_eq!(o["new_adopters"], 27);
    assert_eq!(o["start_usage_list_id"], lists[0]["id"]);
    assert_eq!(o["end_usage_list_id"], lists[1]["id"]);
    assert_eq!(o["approved_total_yen"], 0);
    assert_eq!(o["cost_per_new_adopter_yen"], 0);
    let corporations: Vec<(&str, i64, i64)> = o["corporations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap(),
                c["offices"].as_i64().unwrap(),
                c["using_at_end"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        corporations,
        [
            ("株式会社ケアパートナーズ", 6, 2),
            ("医療法人社団けやき会", 4, 4),
            ("社会福祉法人むさしの福祉会", 3, 2),
            ("特定非営利活動法人きちじょうじ", 3, 0),
            ("有限会社みどり介護サービス", 2, 1),
        ]
    );
    let again = app.get(&format!("/api/v1/campaigns/{c}/outcome"));
    assert_eq!(again.body, o, "the same rows give the same outcome");
});

on_both_backends!(the_outcome_as_csv_svg_and_png_for_the_report, |app| {
    let (c, register, lists) = musashino_outcome(app);
    let (status, content_type, body) =
        bytes(app, &format!("/api/v1/campaigns/{c}/outcome?format=csv"));
    assert_eq!(status, 200);
    assert!(content_type.starts_with("text/csv"), "{content_type}");
    assert!(body.starts_with(b"\xEF\xBB\xBF"), "a BOM for Excel");
    let text = String::from_utf8(body[3..].to_vec()).unwrap();
    assert!(text.ends_with("\r\n") && !text.replace("\r\n", "").contains('\n'));
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("figure,group,as_of,using,offices,rate,amount_yen,register_id"));
    let sha = register["sha256"].as_str().unwrap();
    let first = format!(
        "rate,地域全体,2023-04-01,4,188,0.0213,,{},2024-04-01,{sha},{},{}",
        register["id"].as_str().unwrap(),
        lists[0]["id"].as_str().unwrap(),
        lists[0]["sha256"].as_str().unwrap()
    );
    assert_eq!(lines[1], first);
    assert!(
        lines[2].starts_with("rate,地域全体,2024-04-01,30,188,0.1596,,"),
        "{}",
        lines[2]
    );
    assert!(lines
        .iter()
        .any(|l| l.starts_with("new_adopters,2023-04-01から,2024-04-01,27,")));
    assert!(lines
        .iter()
        .any(|l| l.starts_with("corporation,株式会社ケアパートナーズ (")));

    let (status, content_type, svg) = bytes(app, &format!("/api/v1/campaigns/{c}/outcome.svg"));
    assert_eq!(status, 200);
    assert!(content_type.starts_with("image/svg+xml"), "{content_type}");
    let svg = String::from_utf8(svg).unwrap();
    assert!(svg.starts_with("<svg"), "{}", &svg[..40]);
    for label in [
        "導入率",
        "地域全体",
        "参加事業所",
        "参加していない事業所",
        "基準日",
        "2.1%",
        "16.0%",
        "2024-04-01",
    ] {
        assert!(svg.contains(label), "{label} missing from the SVG");
    }
    assert!(svg.contains("font-family=\"Noto Sans CJK JP, "));

    let (status, content_type, png) = bytes(app, &format!("/api/v1/campaigns/{c}/outcome.png"));
    assert_eq!(status, 200);
    assert_eq!(content_type, "image/png");
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    // IHDR: 880 × 520.
    assert_eq!(&png[16..24], &[0, 0, 3, 112, 0, 0, 2, 8]);
    assert!(
        png.len() > 10_000 && png.len() < 1_000_000,
        "{} bytes",
        png.len()
    );
    let (_, _, again) = bytes(app, &format!("/api/v1/campaigns/{c}/outcome.png"));
    assert_eq!(png, again);
});

on_both_backends!(approved_payouts_give_the_cost_per_new_adopter, |app| {
    let c = campaign_of_five(app);
    fill_checkpoints(app, &c);
    let listed = vec![
        number(1, "care_management"),
        number(2, "service"),
        number(3, "care_management"),
        number(4, "care_management"),
    ];
    import_list_as_of(app, &c, &[], "2024-04-01");
    import_list(app, &c, &listed);
    let check = run_check(app, &c);
    let draft = app.post(
        &format!("/api/v1/campaigns/{c}/payout-batches"),
        &json!({"year_end_check_id": check["id"]}),
    );
    assert_eq!(draft.status, 201, "{}", draft.body);
    let batch = draft.body["id"].as_str().unwrap().to_owned();
    let approved = app.request(
        "POST",
        &format!("/api/v1/payout-batches/{batch}/approve"),
        Some(&app.token("secretariat")),
        None,
    );
    assert_eq!(approved.status, 200, "{}", approved.body);
    let mut text = String::from("事業所番号,事業所名,サービスの種類,市区町村コード\n");
    for (n, kind) in [
        (1, "care_management"),
        (2, "service"),
        (3, "care_management"),
        (4, "care_management"),
        (5, "service"),
    ] {
        let service = if kind == "service" {
            "訪問介護"
        } else {
            "居宅介護支援"
        };
        text.push_str(&format!("{},事業所{n},{service},132039\n", number(n, kind)));
    }
    import_register(app, "2024-04-01", text.into_bytes());
    let o = app.get(&format!("/api/v1/campaigns/{c}/outcome")).body;
    assert_eq!(o["new_adopters"], 4, "{o}");
    assert_eq!(o["approved_total_yen"], 31_000 + 3 * 26_000);
    assert_eq!(o["approved_batch_ids"], json!([batch]));
    assert_eq!(o["cost_per_new_adopter_yen"], 27_250);
    assert_eq!(
        o["participants"],
        json!({"offices": 5, "using_at_end": 4, "rate_at_end": 0.8})
    );
    assert_eq!(
        o["non_participants"],
        json!({"offices": 0, "using_at_end": 0, "rate_at_end": null})
    );
});
