//! Approving a batch in the console asks who is approving again: the password, or for a
//! person with an authenticator on, a fresh code of it (typed as an input method types it),
//! which then confirms nothing else.

use crate::console::{draft_from, ended_with_two_people};
use crate::on_both_backends;
use crate::sign_in::{totp_code_in, turn_totp_on};

/// `code` as a Japanese input method writes it: full-width digits.
fn full_width(code: &str) -> String {
    code.chars()
        .map(|c| char::from_u32(u32::from(c) - u32::from('0') + 0xFF10).unwrap())
        .collect()
}

on_both_backends!(
    a_person_with_an_authenticator_approves_with_a_fresh_code,
    |app| {
        let (c, mut a, mut b) =
            ended_with_two_people(app, &[(1, "care_management"), (2, "service")]);
        let secret = turn_totp_on(&mut b);

        let ran = a.submit(
            &format!("/staff/campaigns/{c}/year-end"),
            &format!("/staff/campaigns/{c}/year-end-checks"),
            &[("as_of", &crate::year_end::today())],
        );
        assert_eq!(ran.status, 303, "{}", ran.text);
        let check_id = a
            .get(&format!("/staff/campaigns/{c}/payouts"))
            .input("year_end_check_id");
        let batch_page = draft_from(&mut a, &c, &check_id);
        let batch_id = batch_page.rsplit('/').next().unwrap().to_owned();
        let approve = format!("{batch_page}/approve");

        let shown = b.get(&batch_page);
        assert!(shown.has("id=\"f-totp\""), "{}", shown.text);
        assert!(!a.get(&batch_page).has("id=\"f-totp\""));

        // A wrong code, and the code that turned the authenticator on (used once already).
        for used in ["000000".to_owned(), totp_code_in(&secret, 0)] {
            let refused = b.submit(&batch_page, &approve, &[("totp", used.as_str())]);
            assert_eq!(refused.status, 422, "{used}: {}", refused.text);
            assert!(refused.has("パスワードまたはコードが正しくありません"));
            assert_eq!(
                app.get(&format!("/api/v1/payout-batches/{batch_id}")).body["status"],
                "draft"
            );
        }

        let next = full_width(&totp_code_in(&secret, 30));
        let approved = b.submit(&batch_page, &approve, &[("totp", next.as_str())]);
        assert_eq!(approved.status, 303, "{}", approved.text);
        let batch = app.get(&format!("/api/v1/payout-batches/{batch_id}"));
        assert_eq!(batch.body["status"], "approved", "{}", batch.body);
        assert_eq!(batch.body["decided_by_person"]["name"], "馬場 二郎");
    }
);
