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
use crate::domain::payout::BatchStatus;
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

fn batch_status_ja(status: BatchStatus) -> &'static str {
    match status {
        BatchStatus::Draft => "承認待ち",
        BatchStatus::Cancelled => "取消済み",
        BatchStatus::Approved => "承認済み",
    }
}

/// A refusal the use cases give in English, said in Japanese where it is one staff meet in
/// these pages; any other is shown as it came, so nothing is hidden.
fn refusal_ja(message: &str) -> String {
    let known = [
        ("the application is already", "この応募はすでに辞退済みまたは失格です。"),
        ("an office of this withdrawn application has applied again", "この応募の事業所が改めて応募しています。そちらの応募を失格にしてください。"),
        ("no usage list as of", "その日付以前の利用者リストが取り込まれていません。先に利用者リストを取り込んでください。"),
        ("a newer year-end check exists", "より新しい年度末確認があります。最新の確認から作成してください。"),
        ("the check is a dry run", "試行（ドライラン）の確認からは支払えません。キャンペーン終了日以降に、終了日以降の利用者リストで確認をやり直してください。"),
        ("this campaign has a draft batch already", "このキャンペーンには承認待ちのバッチがすでにあります。承認するか取り消してから作成してください。"),
        ("the batch would pay nothing", "支払う金額がありません。承認済みのバッチが確認の結果どおりにすでに支払っています。"),
        ("corrects must name", "訂正するバッチには、このキャンペーンの承認済みバッチを選んでください。"),
        ("this campaign has an approved batch", "承認済みのバッチがあるため、訂正するバッチを選んでください。"),
        ("the batch is", "このバッチは承認待ちではなくなっています。"),
        ("offices of this batch are no longer accepted", "このバッチには参加決定でなくなった事業所があります。取り消して、年度末確認をやり直してから作成してください。"),
        ("a batch is approved by a different person", "作成した本人は承認できません。別の担当者が承認してください。"),
        ("the message is", "このメールはすでに送信待ちです。送信されるまでお待ちください。"),
    ];
    known
        .iter()
        .find(|(english, _)| message.starts_with(english))
        .map(|(_, japanese)| (*japanese).to_owned())
        .unwrap_or_else(|| message.to_owned())
}

/// A change a use case refused as a page: what stands in the way, and the way back.
fn refused(e: ApiError, back: String) -> PageError {
    let (status, message) = match &e {
        ApiError::Forbidden(m) => (StatusCode::FORBIDDEN, refusal_ja(m)),
        ApiError::Conflict(m) | ApiError::ConflictWith(m, _) => {
            (StatusCode::CONFLICT, refusal_ja(m))
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
