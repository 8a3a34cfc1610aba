//! The secretariat console behind the sign-in, in Japanese: the first page, each campaign's
//! page (settings, deadline and slots, closing early, creating one), applications, the
//! participants' checkpoints and uploads, the year-end check and payout batches, the audit
//! trail, and the people page (admins only). Every page reads and every form changes through
//! the same use cases as the JSON API (the people page: as the command line), with the
//! signed-in person as the actor; an auditor sees every page without its change buttons, and
//! any change an auditor posts is 403.

mod applications;
mod audit;
mod bank_accounts;
mod campaign;
mod dashboard;
mod fields;
mod leaving;
mod mailing;
mod notes;
mod participants;
mod payouts;
mod people;
mod uploads;
mod year_end;

use super::form::Values;
use super::staff::{staff_form, Session, SummaryLine};
use super::{Data, PageError};
use crate::domain::campaign::Phase;
use crate::domain::money::with_separators;
use crate::error::ApiError;
use crate::service::{sign_in, Actor};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest};
use chrono::{DateTime, FixedOffset};

impl Session {
    /// The person as the audit trail names them, with their account, so that four eyes
    /// compares people whichever way each came in.
    fn actor(&self) -> Actor {
        sign_in::session_actor(&self.0.person, &self.0.id_hash)
    }

    /// Whether the person's role changes things (an auditor only reads).
    fn may_change(&self) -> bool {
        self.0.person.role.may_operate()
    }

    /// A change's form, once the role may change things (403 before anything else is looked
    /// at, as the JSON API answers) and the post carries this session's token.
    fn change_form(
        &self,
        state: &Data,
        req: &HttpRequest,
        body: &[u8],
        back: &str,
    ) -> Result<Values, PageError> {
        self.may_post(back)?;
        staff_form(state, req, &self.0, body, back)
    }

    /// 403 for anyone but an admin, before anything of the request is looked at: managing
    /// people is an admin's, as minting tokens is.
    fn admin_only(&self) -> Result<(), PageError> {
        if super::staff::admin(&self.0) {
            return Ok(());
        }
        Err(PageError::new(
            StatusCode::FORBIDDEN,
            "このページは管理者のみ利用できます",
            "担当者の追加、役割の変更、無効化、パスワードのリセットは管理者が行います。",
        )
        .with_link("/staff".to_owned(), "コンソールのトップへ戻る"))
    }

    /// 403 for a role that only reads, before anything of the post is looked at.
    fn may_post(&self, back: &str) -> Result<(), PageError> {
        if self.may_change() {
            return Ok(());
        }
        Err(PageError::new(
            StatusCode::FORBIDDEN,
            "この操作はできません",
            "監査担当の方は閲覧のみできます。変更は事務局または管理者が行います。",
        )
        .with_link(back.to_owned(), "元のページへ戻る"))
    }
}

fn yen(amount: i64) -> String {
    format!("{}円", with_separators(amount))
}

fn at(t: DateTime<FixedOffset>) -> String {
    t.format("%Y-%m-%d %H:%M").to_string()
}

fn phase_ja(phase: Phase) -> &'static str {
    match phase {
        Phase::NotYetOpen => "受付前",
        Phase::Open => "受付中",
        Phase::Closed => "受付終了",
    }
}

/// A change a use case refused as a page: what stands in the way, and the way back.
fn refused(e: ApiError, back: String) -> PageError {
    let (status, message) = match &e {
        ApiError::NotAllowed(refusal) => (StatusCode::FORBIDDEN, refusal.japanese()),
        ApiError::Conflict(conflict) => (StatusCode::CONFLICT, conflict.japanese()),
        ApiError::RefusedWith(conflict, errors) => {
            let named: Vec<&str> = errors
                .iter()
                .filter_map(|e| e.field.strip_prefix("offices."))
                .collect();
            let message = if named.is_empty() {
                conflict.japanese()
            } else {
                format!(
                    "{}（事業所番号: {}）",
                    conflict.japanese(),
                    named.join("、")
                )
            };
            (StatusCode::CONFLICT, message)
        }
        _ => return e.into(),
    };
    PageError::new(status, "この操作はできませんでした", message)
        .with_link(back, "元のページへ戻る")
}

/// The error summary's lines for the fields a use case named.
fn summary(errors: &[(&'static str, &'static str, String)]) -> Vec<SummaryLine> {
    errors
        .iter()
        .map(|(field, label, message)| SummaryLine {
            field: (*field).to_owned(),
            label,
            message: message.clone(),
        })
        .collect()
}

/// Registers the console's pages.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(dashboard::home)
        .service(campaign::new_form)
        .service(campaign::show)
        .service(campaign::create)
        .service(campaign::update)
        .service(campaign::close_early)
        .service(applications::list)
        .service(applications::show)
        .service(leaving::withdraw)
        .service(leaving::disqualify)
        .service(leaving::void)
        .service(notes::add_note)
        .service(notes::resend_email)
        .service(year_end::show_year_end)
        .service(year_end::run_check)
        .service(year_end::show_check)
        .service(payouts::show_payouts)
        .service(payouts::draft_batch)
        .service(payouts::show_batch)
        .service(payouts::approve)
        .service(payouts::cancel)
        .service(mailing::notify)
        .service(mailing::remind)
        .service(mailing::zengin)
        .service(audit::show_audit)
        .service(people::show_people)
        .service(people::add_person)
        .service(people::change_person)
        .service(participants::show_participants)
        .service(bank_accounts::show_accounts)
        .service(bank_accounts::set_account)
        .service(participants::edit_checkpoints)
        .service(uploads::upload_checkpoints)
        .service(uploads::upload_usage_list)
        .service(uploads::upload_attendees);
}
