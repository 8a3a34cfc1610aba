//! A survey's results over HTTP (counts, mean, free texts, CSV, workbook and chart) and the
//! emails that link the surveys until they are answered.

use crate::helpers::{fields, pair, single, TestApp};
use crate::on_both_backends;
use crate::surveys::{answer, applied, good_start};
use crate::year_end::number;
use serde_json::json;
on_both_backends!(
    survey_results_count_every_answer_with_csv_xlsx_and_a_chart,
    |app| {
        let c = app.open_campaign(10, 2);
        let (secret, _) = applied(app, &c, &pair(1, 2));
        let (other, _) = applied(app, &c, &single(3));
        for (link, office, given) in [
            (&secret, number(1, "care_management"), good_start()),
            (
                &secret,
                number(2, "service"),
                json!({"q1": "両方", "q2": ["費用"], "q3": 5, "q4": true}),
            ),
            (
                &other,
                number(3, "care_management"),
                json!({"q1": "まだ決めていない", "q3": 3, "q4": false}),
            ),
        ] {
            let r = answer(app, link, "start", &office, given);
            assert_eq!(r.status, 201, "{}", r.body);
        }

        let auditor = app.token("auditor");
        let path = format!("/api/v1/campaigns/{c}/surveys/start/results");
        let tally = app.request("GET", &path, Some(&auditor), None);
        assert_eq!(tally.status, 200, "{}", tally.body);
        let t = &tally.body;
        assert_eq!(t["responses"], 3);
        assert_eq!(t["offices_expected"], 3);
        assert_eq!(t["questions"][0]["counts"]["両方"], 2);
        assert_eq!(t["questions"][0]["counts"]["まだ決めていない"], 1);
        assert_eq!(t["questions"][1]["counts"]["費用"], 2);
        assert_eq!(t["questions"][1]["counts"]["特になし"], 0);
        assert_eq!(t["questions"][2]["mean"], 3.33);
        assert_eq!(t["questions"][3]["counts"], json!({"yes": 1, "no": 1}));
        assert_eq!(
            t["questions"][4]["texts"],
            json!(["=SUM(A1)のような式も文字として"])
        );
        assert!(t["questions"][0].get("mean").is_none());
        assert_eq!(app.request("GET", &path, None, None).status, 401);

        let url = format!("{}{path}?format=csv", app.base);
        let resp = ureq::get(&url)
            .set("Authorization", &format!("Bearer {auditor}"))
            .call()
            .unwrap();
        assert!(resp.content_type().starts_with("text/csv"));
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut resp.into_reader(), &mut bytes).unwrap();
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert_eq!(lines.len(), 5, "{text}");
        assert!(lines[0].starts_with("事業所番号,事業所名,回答日時,q1 "));
        assert!(lines[1].starts_with(&number(1, "care_management")));
        assert!(
            lines[1].contains(",両方,費用、事務負担が増えること,2,,'=SUM(A1)"),
            "{}",
            lines[1]
        );
        // By office number: the care-management offices (131…) before the service office (137…).
        assert!(lines[2].contains(",いいえ,"), "{}", lines[2]);
        assert!(lines[3].contains(",はい,"), "{}", lines[3]);

        let xlsx = ureq::get(&format!("{}{path}?format=xlsx", app.base))
            .set("Authorization", &format!("Bearer {auditor}"))
            .call()
            .unwrap();
        let mut book = Vec::new();
        std::io::Read::read_to_end(&mut xlsx.into_reader(), &mut book).unwrap();
        assert!(book.starts_with(b"PK"));
        let pdf = app.request("GET", &format!("{path}?format=pdf"), Some(&auditor), None);
        assert_eq!(pdf.status, 422);
        assert_eq!(fields(&pdf), ["format"]);

        let svg = app.request("GET", &format!("{path}.svg"), Some(&auditor), None);
        assert_eq!(svg.status, 200);
        assert!(svg.content_type.starts_with("image/svg+xml"));
        let svg = svg.body.as_str().unwrap();
        assert!(svg.contains("（回答 3件）"));
        assert!(svg.contains("<title>両方: 2</title>"));
        assert_eq!(
            app.request(
                "GET",
                &format!("/api/v1/campaigns/{c}/surveys/end/results"),
                Some(&auditor),
                None
            )
            .body["responses"],
            0
        );
    }
);

fn eml_bodies(app: &TestApp) -> Vec<(String, String)> {
    app.drain_outbox();
    let mut out = Vec::new();
    for f in std::fs::read_dir(&app.settings.outbox_dir)
        .unwrap()
        .flatten()
    {
        let text = std::fs::read_to_string(f.path()).unwrap();
        let parsed = mail_parser::MessageParser::default()
            .parse(text.as_bytes())
            .unwrap();
        let to = parsed
            .to()
            .and_then(|a| a.first())
            .and_then(|a| a.address())
            .unwrap_or_default()
            .to_owned();
        out.push((to, parsed.body_text(0).unwrap_or_default().into_owned()));
        std::fs::remove_file(f.path()).unwrap();
    }
    out
}

on_both_backends!(
    survey_links_go_out_with_acceptance_and_reminders_until_answered,
    |app| {
        let c = app.open_campaign(10, 2);
        let (secret, _) = applied(app, &c, &pair(1, 2));
        let first = number(1, "care_management");
        let second = number(2, "service");
        let mails = eml_bodies(app);
        assert_eq!(mails.len(), 1);
        let base = &app.settings.public_base_url;
        for office in [&first, &second] {
            let link = format!("{base}/status/{secret}/surveys/start?office={office}");
            assert!(mails[0].1.contains(&link), "{}", mails[0].1);
        }

        let r = answer(app, &secret, "start", &first, good_start());
        assert_eq!(r.status, 201, "{}", r.body);
        let reminded = app.post(&format!("/api/v1/campaigns/{c}/reminders"), &json!({}));
        assert_eq!(reminded.status, 200, "{}", reminded.body);
        let mails = eml_bodies(app);
        let to = |office: u32| {
            mails
                .iter()
                .find(|(to, _)| *to == format!("office{office}@example.jp"))
                .map(|(_, body)| body.clone())
                .unwrap_or_else(|| panic!("office {office} reminded: {mails:?}"))
        };
        assert!(
            to(2).contains(&format!("/surveys/start?office={second}")),
            "{}",
            to(2)
        );
        assert!(!to(1).contains("/surveys/"), "{}", to(1));
        assert!(
            !to(1).contains("利用開始時アンケートへのご回答"),
            "{}",
            to(1)
        );
    }
);
