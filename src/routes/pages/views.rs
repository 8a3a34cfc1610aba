//! The pages as askama templates (`templates/pages/`), and what each shows, already worded.

use super::form::Layout;
use crate::domain::campaign::Contact;
use askama::Template;

pub struct Counter {
    pub remaining: i64,
    pub cap: i64,
}

pub struct TierOption {
    pub value: &'static str,
    pub label: &'static str,
    pub amount: String,
    pub description: String,
    /// Why the tier cannot be accepted at once now (its slots are gone).
    pub note: Option<String>,
}

/// The form the applicant is filling in, once a tier is chosen.
pub struct Chosen {
    pub tier_value: &'static str,
    pub tier_label: &'static str,
    pub layout: Layout,
    pub idempotency_key: String,
    pub csrf_token: String,
    /// The draft it was shown from, so that a refusal replaces it and a success discards it.
    pub draft: Option<String>,
}

/// The campaign's secretariat and privacy notice, at the foot of every applicant page.
pub struct Footer {
    pub contact: Contact,
    /// The number as a `tel:` link dials it.
    pub phone_dial: String,
    pub privacy_notice: Option<String>,
    pub privacy_notice_url: Option<String>,
}

impl Footer {
    /// Nothing to show makes no footer, rather than an empty heading.
    pub fn new(
        contact: Contact,
        privacy_notice: Option<String>,
        privacy_notice_url: Option<String>,
    ) -> Option<Footer> {
        if contact.is_empty() && privacy_notice.is_none() && privacy_notice_url.is_none() {
            return None;
        }
        Some(Footer {
            phone_dial: contact.phone_dial().unwrap_or_default(),
            contact,
            privacy_notice,
            privacy_notice_url,
        })
    }
}

#[derive(Template)]
#[template(path = "pages/apply.html")]
pub struct ApplyPage {
    pub campaign_name: String,
    pub code: String,
    pub region_name: String,
    /// `not_yet_open`, `open` or `closed`.
    pub phase: &'static str,
    pub opens_at: String,
    pub deadline: String,
    pub as_of: String,
    pub total: Counter,
    pub model: Counter,
    pub waitlisted: i64,
    pub full: bool,
    pub tiers: Vec<TierOption>,
    pub chooser_error: Option<String>,
    pub chosen: Option<Chosen>,
    /// A word above the form, such as why a post was not taken.
    pub notice: Option<String>,
    pub footer: Option<Footer>,
}

pub struct OfficeLine {
    pub name: String,
    pub office_number: String,
    pub kind_label: &'static str,
    pub corporate_number: String,
    pub corporation_name: String,
    pub municipality_code: String,
    pub address: String,
    /// Masked.
    pub email: String,
    /// The number's check digit does not match: it may be mistyped.
    pub check_digit_mismatch: bool,
    pub role: String,
    pub honorarium: String,
    pub conditions: Vec<ConditionLine>,
    pub surveys: Vec<SurveyLine>,
}

/// A survey on the status page: answered or not, and where to answer while it is open.
pub struct SurveyLine {
    pub label: &'static str,
    pub answered: bool,
    pub href: Option<String>,
    /// When it opens or that it closed, while it takes no answer.
    pub note: Option<String>,
}

pub struct ConditionLine {
    pub text: &'static str,
    pub met: bool,
}

#[derive(Template)]
#[template(path = "pages/status.html")]
pub struct StatusPage {
    pub campaign_name: String,
    pub region_name: String,
    pub apply_path: String,
    pub status_value: &'static str,
    pub status_label: &'static str,
    pub status_reason: Option<String>,
    pub sequence: i64,
    pub tier_label: &'static str,
    pub submitted_at: String,
    pub place_in_line: Option<i64>,
    /// When it left the campaign; then what it would have been paid is not shown.
    pub left_at: Option<String>,
    pub contact_name: String,
    pub contact_email: String,
    pub offices: Vec<OfficeLine>,
    pub ends_on: String,
    pub deadline: String,
    /// Where what was sent is corrected, while it may be.
    pub correct_path: Option<String>,
    /// Why nothing may be corrected any more, and whom to ask.
    pub correction_closed: Option<String>,
    pub withdraw_path: Option<String>,
    pub footer: Option<Footer>,
}

#[derive(Template)]
#[template(path = "pages/correct.html")]
pub struct CorrectionPage {
    pub campaign_name: String,
    pub sequence: i64,
    pub deadline: String,
    pub action: String,
    pub status_path: String,
    pub csrf_token: String,
    /// The draft it was shown from, so that a refusal replaces it and a success discards it.
    pub draft: Option<String>,
    /// Why a draft the address names is not shown.
    pub notice: Option<String>,
    pub layout: Layout,
    pub footer: Option<Footer>,
}

#[derive(Template)]
#[template(path = "pages/withdraw.html")]
pub struct WithdrawPage {
    pub campaign_name: String,
    pub sequence: i64,
    pub status_label: &'static str,
    pub offices: Vec<OfficeLine>,
    pub status_path: String,
    pub withdraw_path: String,
    pub csrf_token: String,
    pub reason: String,
    pub reason_error: Option<String>,
    pub max_reason: usize,
    /// The draft it was shown from, so that a refusal replaces it and a success discards it.
    pub draft: Option<String>,
    /// Why a draft the address names is not shown.
    pub notice: Option<String>,
    pub footer: Option<Footer>,
}

/// A page that only says something: not found, closed, try again.
#[derive(Template)]
#[template(path = "pages/notice.html")]
pub struct NoticePage {
    pub title: String,
    pub message: String,
    pub link: Option<(String, String)>,
}

/// One offered answer of a survey question.
pub struct SurveyChoice {
    pub id: String,
    pub value: String,
    pub label: String,
    pub checked: bool,
}

/// One question of the survey page, with what was typed or stored and its error.
pub struct SurveyQuestion {
    pub id: String,
    pub name: String,
    pub number: usize,
    pub text: String,
    pub required: bool,
    /// `radio`, `checkbox` or `textarea`.
    pub control: &'static str,
    pub hint: String,
    pub choices: Vec<SurveyChoice>,
    pub text_value: String,
    pub max_text: usize,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "pages/survey.html")]
pub struct SurveyPage {
    pub campaign_name: String,
    pub title: String,
    pub kind_label: &'static str,
    pub office_name: String,
    pub office_number: String,
    pub action: String,
    pub status_path: String,
    pub csrf_token: String,
    pub answered_at: Option<String>,
    pub closes_on: String,
    pub questions: Vec<SurveyQuestion>,
    /// `(href, text)` of every error, for the summary at the top.
    pub summary: Vec<(String, String)>,
    pub footer: Option<Footer>,
}
