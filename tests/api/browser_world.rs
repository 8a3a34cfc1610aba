//! A campaign at its year end, with something on every page, for the accessibility audit and
//! the README's screenshots: five offices taking part and a sixth applying alone, every
//! checkpoint met but one survey, the usage list in, the check run, a batch drafted by a
//! script's token and waiting for a person (B, an admin) to approve it.

use crate::console::add_person;
use crate::helpers::{single, TestApp};
use crate::pages::code_of;
use crate::year_end::{campaign_of_five, fill_checkpoints, import_list, number, run_check};
use honoraria::domain::role::Role;
use serde_json::json;

/// The offices of `campaign_of_five`, as the usage list names them.
pub(crate) fn five_offices() -> Vec<String> {
    [
        (1, "care_management"),
        (2, "service"),
        (3, "care_management"),
        (4, "care_management"),
        (5, "service"),
    ]
    .iter()
    .map(|(n, kind)| number(*n, kind))
    .collect()
}

pub(crate) struct World {
    pub base: String,
    pub campaign: String,
    pub code: String,
    /// The sixth office's application, its status page's secret and its office number.
    pub application: String,
    pub secret: String,
    pub six: String,
    /// The paths of the year-end check and of the drafted batch.
    pub check: String,
    pub batch: String,
}

/// Signs in as this person in the browser walks: B, an admin, who did not draft the batch.
pub(crate) const B: &str = "b@example.jp";

pub(crate) fn world(app: &TestApp) -> World {
    let campaign = campaign_of_five(app);
    let (secret, applied) = crate::surveys::applied(app, &campaign, &single(6));
    fill_checkpoints(app, &campaign);
    import_list(app, &campaign, &five_offices());
    let check = run_check(app, &campaign);
    let drafted = app.post(
        &format!("/api/v1/campaigns/{campaign}/payout-batches"),
        &json!({"year_end_check_id": check["id"]}),
    );
    assert_eq!(drafted.status, 201, "{}", drafted.body);
    add_person(app, B, "馬場 二郎", Role::Admin);
    // A run of reminders, so the year end's page shows its table of who was reminded when.
    let reminded = app.post(
        &format!("/api/v1/campaigns/{campaign}/reminders"),
        &json!({}),
    );
    assert_eq!(reminded.status, 200, "{}", reminded.body);
    World {
        base: app.base.clone(),
        code: code_of(app, &campaign),
        application: applied["id"].as_str().unwrap().to_owned(),
        secret,
        six: number(6, "care_management"),
        check: format!("/staff/year-end-checks/{}", check["id"].as_str().unwrap()),
        batch: format!(
            "/staff/payout-batches/{}",
            drafted.body["id"].as_str().unwrap()
        ),
        campaign,
    }
}

impl World {
    /// The console's pages a signed-in admin reads, by name.
    pub(crate) fn console_pages(&self) -> Vec<(&'static str, String)> {
        let c = &self.campaign;
        vec![
            ("dashboard", "/staff".to_owned()),
            ("campaign", format!("/staff/campaigns/{c}")),
            ("campaign-new", "/staff/campaigns/new".to_owned()),
            ("applications", format!("/staff/campaigns/{c}/applications")),
            (
                "application",
                format!("/staff/applications/{}", self.application),
            ),
            ("participants", format!("/staff/campaigns/{c}/participants")),
            (
                "bank-accounts",
                format!("/staff/campaigns/{c}/bank-accounts"),
            ),
            ("year-end", format!("/staff/campaigns/{c}/year-end")),
            ("check", self.check.clone()),
            ("payouts", format!("/staff/campaigns/{c}/payouts")),
            ("batch", self.batch.clone()),
            ("audit", "/staff/audit".to_owned()),
            ("people", "/staff/people".to_owned()),
            ("account", "/staff/account".to_owned()),
        ]
    }

    /// The applicant's pages that need no form sent first, by name.
    pub(crate) fn applicant_pages(&self) -> Vec<(&'static str, String)> {
        let (code, status) = (&self.code, format!("/status/{}", self.secret));
        vec![
            ("apply-choice", format!("/apply/{code}")),
            ("apply-single", format!("/apply/{code}?tier=general_single")),
            ("apply-pair", format!("/apply/{code}?tier=general_pair")),
            ("apply-model", format!("/apply/{code}?tier=model")),
            ("status", status.clone()),
            ("correction", format!("{status}/edit")),
            ("withdraw", format!("{status}/withdraw")),
            (
                "survey",
                format!("{status}/surveys/start?office={}", self.six),
            ),
            ("not-found", "/no-such-page".to_owned()),
        ]
    }
}
