//! The year end's mail and the bank's file from the console: reminders with who was reminded
//! when, a final check's results mailed once, and an approved batch's 全銀 file for a day,
//! refused in Japanese for a day the bank does not transfer or offices without an account.

use crate::console::{draft_from, ended_with_two_people, PASSWORD};
use crate::exports::account;
use crate::on_both_backends;
use crate::transfers::{payer, put_account, put_payer, transfer_day};
use crate::year_end::{number, today};

on_both_backends!(
    reminders_results_and_the_bank_file_from_the_console,
    |app| {
        let paid = [number(1, "care_management"), number(2, "service")];
        let (c, mut a, mut b) =
            ended_with_two_people(app, &[(1, "care_management"), (2, "service")]);

        // Office 3's end survey is open, so it is reminded; the others have nothing open.
        let open = number(3, "care_management");
        let patched = app.request(
            "PATCH",
            &format!("/api/v1/campaigns/{c}/participants/{open}/checkpoints"),
            Some(&app.admin_token),
            Some(&serde_json::json!({"end_survey_answered": false})),
        );
        assert_eq!(patched.status, 200, "{}", patched.body);
        let year_end = format!("/staff/campaigns/{c}/year-end");
        assert!(a.get(&year_end).has("まだ送っていません"));
        let reminded = a.submit(&year_end, &format!("/staff/campaigns/{c}/reminders"), &[]);
        assert_eq!(reminded.status, 303, "{}", reminded.text);
        let history = a.get(&year_end);
        assert!(history.has("id=\"reminded\""), "{}", history.text);
        assert!(history.has(&open));
        assert!(!history.has(&paid[0]), "an office with nothing open");
        assert!(history.has("青木 一郎"));

        // The check's results, mailed once from its page.
        let ran = a.submit(
            &year_end,
            &format!("/staff/campaigns/{c}/year-end-checks"),
            &[("as_of", &today())],
        );
        assert_eq!(ran.status, 303, "{}", ran.text);
        let check_page = ran.location.unwrap();
        let mailed = a.submit(&check_page, &format!("{check_page}/notify"), &[]);
        assert_eq!(mailed.status, 303, "{}", mailed.text);
        let after = a.get(&check_page);
        assert!(after.has("id=\"notified\""), "{}", after.text);
        assert!(!after.has("id=\"notify\""));
        let csrf = after.input("csrf_token");
        let again = a.post(
            &format!("{check_page}/notify"),
            &[("csrf_token", csrf.as_str())],
        );
        assert_eq!(again.status, 409, "{}", again.text);
        assert!(again.has("すでにメールで送りました"), "{}", again.text);

        // A batch approved by the second person, then its file.
        let check_id = check_page.rsplit('/').next().unwrap().to_owned();
        let batch_page = draft_from(&mut a, &c, &check_id);
        let approved = b.submit(
            &batch_page,
            &format!("{batch_page}/approve"),
            &[("password", PASSWORD)],
        );
        assert_eq!(approved.status, 303, "{}", approved.text);
        assert!(b.get(&batch_page).has("id=\"zengin\""));

        let past = b.get(&format!("{batch_page}/zengin?transfer_date=2020-01-06"));
        assert_eq!(past.status, 422, "{}", past.text);
        assert!(past.has("振込指定日"), "{}", past.text);
        put_payer(app, &c, &payer("ordinary", "7654321"));
        let day = transfer_day();
        let file_path = format!("{batch_page}/zengin?transfer_date={day}");
        let unpaid = b.get(&file_path);
        assert_eq!(unpaid.status, 409, "{}", unpaid.text);
        assert!(unpaid.has("振込口座のない事業所"), "{}", unpaid.text);
        assert!(unpaid.has(&paid[1]), "each office named: {}", unpaid.text);

        for (n, office) in paid.iter().enumerate() {
            put_account(app, &c, office, &account(u32::try_from(n).unwrap() + 1));
        }
        let file = b.get(&file_path);
        assert_eq!(file.status, 200, "{}", file.text);
        assert!(file.text.starts_with("1"), "the header record");
        let zengin = app.audited(&c, "payout_batch.zengin_issue");
        assert!(
            zengin["actor"].as_str().unwrap().contains("馬場 二郎"),
            "{zengin}"
        );
    }
);
