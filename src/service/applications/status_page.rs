//! What the applicant's status page shows: the application, its place in line, and for each
//! accepted office what is still needed before it is paid.

use crate::db::applications as rows;
use crate::db::DbConn;
use crate::domain::application::{ParticipantRole, Tier};
use crate::domain::campaign::Contact;
use crate::domain::correction::{may_correct, Closed};
use crate::domain::jst;
use crate::domain::participation::Status;
use crate::domain::secret::Secret;
use crate::domain::year_end::{conditions, Condition, Judged};
use crate::service::{campaigns, checkpoints, ServiceResult};
use chrono::NaiveDate;

pub struct StatusPage {
    pub campaign_name: String,
    /// Where the offices are, as every office of the campaign is.
    pub region_name: String,
    pub campaign_code: String,
    pub tier: Tier,
    pub status: Status,
    pub status_reason: Option<String>,
    pub sequence: i64,
    /// Japan time, for reading.
    pub submitted_at: String,
    /// While waiting: 1 for the next application to be promoted.
    pub place_in_line: Option<i64>,
    /// When it left the campaign (withdrawn, disqualified or voided), Japan time.
    pub left_at: Option<String>,
    pub contact_name: String,
    /// Masked, as everywhere the applicant reads an address.
    pub contact_email: String,
    pub offices: Vec<StatusOffice>,
    pub ends_on: NaiveDate,
    /// The campaign's application deadline, until which what was sent may be corrected.
    pub deadline: NaiveDate,
    /// Whether the applicant may correct what was sent now, or why not.
    pub correction: Result<(), Closed>,
    /// The campaign's secretariat, whom the applicant can ask.
    pub secretariat: Contact,
    pub privacy_notice: Option<String>,
    pub privacy_notice_url: Option<String>,
}

pub struct StatusOffice {
    pub office_number: String,
    pub name: String,
    pub corporate_number: String,
    pub corporation_name: String,
    pub municipality_code: String,
    pub address: String,
    /// Masked.
    pub email: String,
    pub role: ParticipantRole,
    pub kind: crate::domain::application::OfficeKind,
    pub honorarium_yen: i64,
    /// Conditions of payment, for offices of an accepted application.
    pub conditions: Vec<Condition>,
    /// The campaign's surveys, for offices of an accepted application.
    pub surveys: Vec<crate::service::surveys::SurveyStatus>,
}

impl StatusPage {
    /// Whether the applicant may still withdraw.
    pub fn may_withdraw(&self) -> bool {
        super::may_leave(self.status, super::Exit::Withdraw)
    }
}

/// The page as it stands at `now`: a usage start recorded for a later day is not a start yet.
pub fn status_page(
    conn: &mut DbConn,
    secret: &Secret,
    now: chrono::NaiveDateTime,
) -> ServiceResult<StatusPage> {
    let app = super::views::find_by_secret(conn, secret)?;
    let campaign = campaigns::find(conn, &app.campaign_id)?;
    let offices = rows::participants_of(conn, std::slice::from_ref(&app.id))?;
    let place_in_line = match app.status {
        Status::Waitlisted => Some(rows::waiting_ahead(conn, &app.campaign_id, app.sequence)? + 1),
        _ => None,
    };
    let recorded = if app.status == Status::Accepted {
        let ids: Vec<String> = offices.iter().map(|o| o.id.clone()).collect();
        Some(crate::db::year_end::checkpoints_of(conn, &ids)?)
    } else {
        None
    };
    let mut surveys = if app.status == Status::Accepted {
        let pairs: Vec<_> = offices
            .iter()
            .map(|p| (crate::service::surveys::accepted_on(&app, p), p))
            .collect();
        crate::service::surveys::statuses(conn, &campaign, &pairs, jst::date_of(now))?
    } else {
        Default::default()
    };
    let applied_on = jst::date_of(app.submitted_at);
    let offices = offices
        .into_iter()
        .map(|p| {
            let conditions = recorded
                .as_ref()
                .map(|recorded| {
                    conditions(&Judged {
                        office_number: p.office_number.clone(),
                        application_id: app.id.as_str().to_owned(),
                        role: p.role,
                        honorarium: p.honorarium_yen,
                        applied_on,
                        using_system_since: p.using_system_since,
                        checkpoints: checkpoints::of_row(recorded.get(&p.id)),
                        attested_at: recorded
                            .get(&p.id)
                            .and_then(|c| c.continued_use_attested_at),
                        // Continued use is judged against the year-end usage list, which the
                        // page does not anticipate.
                        on_usage_list: false,
                        usage_list_imported_at: None,
                        as_of: jst::date_of(now),
                    })
                })
                .unwrap_or_default();
            StatusOffice {
                surveys: surveys.remove(&p.id).unwrap_or_default(),
                email: super::views::masked_contact(&p.email),
                corporate_number: p.corporate_number,
                corporation_name: p.corporation_name,
                municipality_code: p.municipality_code,
                address: p.address,
                office_number: p.office_number,
                name: p.name,
                role: p.role,
                kind: p.kind,
                honorarium_yen: p.honorarium_yen,
                conditions,
            }
        })
        .collect();
    Ok(StatusPage {
        secretariat: campaign.contact(),
        privacy_notice: campaign.privacy_notice,
        privacy_notice_url: campaign.privacy_notice_url,
        campaign_name: campaign.name,
        region_name: campaign.region_name,
        campaign_code: campaign.code,
        tier: app.tier,
        status: app.status,
        status_reason: app.status_reason,
        sequence: app.sequence,
        submitted_at: jst::display(app.submitted_at),
        place_in_line,
        left_at: (!app.status.in_campaign()).then(|| jst::display(app.updated_at)),
        contact_email: super::views::masked_contact(&app.contact_email),
        contact_name: app.contact_name,
        offices,
        ends_on: campaign.ends_on,
        deadline: campaign.deadline,
        correction: may_correct(app.status, campaign.deadline, now),
    })
}
