//! Checks and batches page through their offices: every office once, in office-number order,
//! the pages' totals the views' counts. Views carry their rows inline as well up to 1,000; the
//! omission above that is tested where the limit lives (`service::inline_rows`), as 1,001
//! offices over HTTP would cost more than everything else here together.

use crate::helpers::{fields, TestApp};
use crate::on_both_backends;
use crate::year_end::{campaign_of_five, fill_checkpoints, import_list, number, run_check};
use serde_json::{json, Value};

fn all_five() -> Vec<String> {
    vec![
        number(1, "care_management"),
        number(2, "service"),
        number(3, "care_management"),
        number(4, "care_management"),
        number(5, "service"),
    ]
}

/// Every item behind `url`, two a page, read until the first empty page; each page checked
/// against the list's `total` as it goes.
fn every_page(app: &TestApp, url: &str, total: i64) -> Vec<Value> {
    let mut items = Vec::new();
    for page in 1.. {
        let r = app.get(&format!("{url}?page={page}&per_page=2"));
        assert_eq!(r.status, 200, "{url} page {page}: {}", r.body);
        assert_eq!(
            (&r.body["total"], &r.body["page"], &r.body["per_page"]),
            (&json!(total), &json!(page), &json!(2)),
            "{}",
            r.body
        );
        let found = r.body["items"].as_array().unwrap();
        let expected = (total - 2 * (page - 1)).clamp(0, 2);
        assert_eq!(
            found.len() as i64,
            expected,
            "{url} page {page}: {}",
            r.body
        );
        if found.is_empty() {
            return items;
        }
        items.extend(found.iter().cloned());
    }
    unreachable!("pages are counted until one is empty")
}

fn office_numbers(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|i| i["office_number"].as_str().unwrap().to_owned())
        .collect()
}

fn amount_sum(items: &[Value]) -> i64 {
    items.iter().map(|i| i["amount"].as_i64().unwrap()).sum()
}

on_both_backends!(
    results_and_lines_page_through_every_office_once_in_order,
    |app| {
        let c = campaign_of_five(app);
        fill_checkpoints(app, &c);
        import_list(app, &c, &all_five());
        let run = run_check(app, &c);
        let check = run["id"].as_str().unwrap();
        let results_url = format!("/api/v1/year-end-checks/{check}/results");
        assert_eq!(run["results_url"], results_url.as_str(), "{run}");
        assert_eq!(run["result_count"], 5, "{run}");

        let results = every_page(app, &results_url, 5);
        let mut expected = all_five();
        expected.sort();
        assert_eq!(
            office_numbers(&results),
            expected,
            "each office once, in order"
        );
        // The pages say what the view says, office by office.
        let view = app.get(&format!("/api/v1/year-end-checks/{check}"));
        assert_eq!(view.status, 200, "{}", view.body);
        assert_eq!(view.body["results"], json!(results));
        assert_eq!(run["results"], json!(results));
        assert_eq!(view.body["results_url"], results_url.as_str());
        assert_eq!(amount_sum(&results), view.body["total_amount"]);
        let eligible = results.iter().filter(|r| r["eligible"] == true).count();
        assert_eq!(json!(eligible), view.body["eligible_count"]);

        let author = app.token("secretariat");
        let drafted = app.request(
            "POST",
            &format!("/api/v1/campaigns/{c}/payout-batches"),
            Some(&author),
            Some(&json!({"year_end_check_id": check})),
        );
        assert_eq!(drafted.status, 201, "{}", drafted.body);
        let batch = drafted.body["id"].as_str().unwrap();
        let lines_url = format!("/api/v1/payout-batches/{batch}/lines");
        assert_eq!(drafted.body["lines_url"], lines_url.as_str());
        let line_count = drafted.body["line_count"].as_i64().unwrap();
        // Office 5 has not answered the end survey: four of five are paid.
        assert_eq!(line_count, 4, "{}", drafted.body);

        let lines = every_page(app, &lines_url, line_count);
        let paid: Vec<String> = results
            .iter()
            .filter(|r| r["amount"].as_i64().unwrap() != 0)
            .map(|r| r["office_number"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(office_numbers(&lines), paid, "each payee once, in order");
        assert_eq!(drafted.body["lines"], json!(lines));
        assert_eq!(amount_sum(&lines), drafted.body["total_amount"]);
        assert_eq!(drafted.body["total_amount"], view.body["total_amount"]);

        let approved = app.request(
            "POST",
            &format!("/api/v1/payout-batches/{batch}/approve"),
            Some(&app.admin_token),
            None,
        );
        assert_eq!(approved.status, 200, "{}", approved.body);
        assert_eq!(approved.body["lines"], json!(lines));
        assert_eq!(approved.body["lines_url"], lines_url.as_str());
        let got = app.get(&format!("/api/v1/payout-batches/{batch}"));
        assert_eq!(got.body["lines"], json!(lines));
        assert_eq!(every_page(app, &lines_url, line_count), lines);

        // A list of batches carries no lines, only where to find them.
        let listed = app.get(&format!("/api/v1/campaigns/{c}/payout-batches"));
        let first = &listed.body[0];
        assert!(first.get("lines").is_none(), "{first}");
        assert_eq!(first["lines_url"], lines_url.as_str());

        // The paging rules of every list.
        let auditor = app.token("auditor");
        let read = |url: &str| app.request("GET", url, Some(&auditor), None);
        let last = read(&format!("{results_url}?per_page=500"));
        assert_eq!(last.body["items"], json!(results), "{}", last.body);
        let too_many = read(&format!("{lines_url}?per_page=501"));
        assert_eq!(
            (too_many.status, fields(&too_many)),
            (422, vec!["per_page".to_owned()])
        );
        let page_zero = read(&format!("{results_url}?page=0"));
        assert_eq!(
            (page_zero.status, fields(&page_zero)),
            (422, vec!["page".to_owned()])
        );
        let not_a_number = read(&format!("{lines_url}?page=two"));
        assert_eq!(not_a_number.status, 400, "{}", not_a_number.body);
    }
);

on_both_backends!(an_unknown_check_or_batch_has_no_pages, |app| {
    let unknown = "0190a0b0-0000-7000-8000-000000000000";
    for url in [
        format!("/api/v1/year-end-checks/{unknown}/results"),
        format!("/api/v1/payout-batches/{unknown}/lines"),
        "/api/v1/year-end-checks/not-an-id/results".to_owned(),
        "/api/v1/payout-batches/not-an-id/lines".to_owned(),
    ] {
        let r = app.get(&url);
        assert_eq!(r.status, 404, "{url}: {}", r.body);
        assert_eq!(r.content_type, "application/problem+json", "{url}");
    }
});
