//! The year-end check over the database: it gathers every accepted office with its
//! checkpoints and whether the usage list names it, judges them (`domain::year_end`), and keeps
//! the verdicts with what each was judged on; and the results mailed to each office
//! (reminders are `service::reminders`).

use super::checkpoints::of_row;
use super::outbox as mail;
use super::{inline_rows, Actor, Page, Paged, ServiceError, ServiceResult};
use crate::db::campaigns;
use crate::db::usage_lists as lists;
use crate::db::year_end::{self as rows, CheckRow, OfficeToJudge, ResultRow};
use crate::db::{audit, DbConn};
use crate::domain::application::ParticipantRole;
use crate::domain::audit_action::Action;
use crate::domain::conflict::Conflict;
use crate::domain::ids::{CampaignId, CheckId};
use crate::domain::jst;
use crate::domain::year_end::{self, Judged, Reason};
use crate::domain::FieldErrors;
use crate::email::templates::{yen, OfficeMailKind};
use crate::service::UseCase;
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// Results written per round when a check runs.
const RESULT_CHUNK: usize = 2_000;

/// Results mailed per round: each round's messages are written and dropped before the next.
const MAIL_CHUNK: i64 = 2_000;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ResultView {
    pub office_number: String,
    pub role: ParticipantRole,
    pub eligible: bool,
    pub amount: i64,
    pub reasons: Vec<Reason>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CheckView {
    pub id: CheckId,
    pub campaign_id: CampaignId,
    pub as_of: NaiveDate,
    /// The usage list the check used: the latest `as_of` on or before the check's.
    pub usage_list_id: String,
    /// Every judged office's verdict, in office-number order; omitted above 1,000: page
    /// through `results_url`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub results: Option<Vec<ResultView>>,
    /// Where the results are paged: `/api/v1/year-end-checks/{id}/results`.
    pub results_url: String,
    /// How many offices the check judged.
    pub result_count: i64,
    pub total_amount: i64,
    pub eligible_count: i32,
    /// SHA-256 over everything the verdicts were derived from (the list, each office's
    /// checkpoints, the campaign's rule): two checks on the same data carry the same digest.
    pub inputs_sha256: String,
    /// A check before the campaign's end, or on a usage list dated before it: it shows
    /// verdicts, but no batch is drafted or approved from it.
    pub dry_run: bool,
    pub created_at: DateTime<FixedOffset>,
    pub created_by: String,
    pub notified_at: Option<DateTime<FixedOffset>>,
}

fn reasons_of(stored: &str) -> Vec<Reason> {
    stored
        .split(',')
        .filter(|r| !r.is_empty())
        .filter_map(|r| r.parse().ok())
        .collect()
}

fn result_view(r: ResultRow) -> ResultView {
    ResultView {
        reasons: reasons_of(&r.reasons),
        office_number: r.office_number,
        role: r.role,
        eligible: r.eligible,
        amount: r.amount,
    }
}

fn view(check: CheckRow, result_count: i64, results: Option<Vec<ResultRow>>) -> CheckView {
    CheckView {
        results: results.map(|r| r.into_iter().map(result_view).collect()),
        results_url: format!("/api/v1/year-end-checks/{}/results", check.id),
        result_count,
        id: check.id,
        campaign_id: check.campaign_id,
        as_of: check.as_of,
        usage_list_id: check.usage_list_id,
        total_amount: check.total_amount,
        eligible_count: check.eligible_count,
        inputs_sha256: check.inputs_sha256,
        dry_run: check.dry_run,
        created_at: jst::to_jst(check.created_at),
        created_by: check.created_by,
        notified_at: check.notified_at.map(jst::to_jst),
    }
}

/// `office` as the check reads it as of `as_of`, against a usage list imported at
/// `list_imported_at` that does or does not name it (`None`: no list yet).
pub(super) fn judged(
    office: &OfficeToJudge,
    on_usage_list: bool,
    list_imported_at: Option<NaiveDateTime>,
    as_of: NaiveDate,
) -> Judged {
    let p = &office.participant;
    Judged {
        attested_at: office
            .checkpoints
            .as_ref()
            .and_then(|c| c.continued_use_attested_at),
        usage_list_imported_at: list_imported_at,
        as_of,
        office_number: p.office_number.clone(),
        application_id: p.application_id.to_string(),
        role: p.role,
        honorarium: p.honorarium_yen,
        applied_on: jst::date_of(office.submitted_at),
        using_system_since: p.using_system_since,
        checkpoints: of_row(office.checkpoints.as_ref()),
        on_usage_list,
    }
}

/// Runs the check as of `as_of` and keeps it. Runs inside the caller's write transaction.
pub fn run(
    conn: &mut DbConn,
    actor: &Actor,
    now: NaiveDateTime,
    campaign_id: &CampaignId,
    as_of: NaiveDate,
) -> ServiceResult<CheckView> {
    let campaign = campaigns::find(conn, campaign_id)?.ok_or(ServiceError::NotFound("campaign"))?;
    if let Err(e) = jst::supported(as_of) {
        let mut errors = FieldErrors::new();
        errors.push("as_of", e);
        return Err(ServiceError::Invalid(errors));
    }
    if as_of > jst::date_of(now) {
        let mut errors = FieldErrors::new();
        errors.push("as_of", crate::domain::refusal::Refusal::FutureAsOf);
        return Err(ServiceError::Invalid(errors));
    }
    let list = lists::usage_list_for(conn, campaign_id, as_of)?
        .ok_or_else(|| ServiceError::StateConflict(Conflict::NoUsageList { as_of }))?;
    let offices = rows::offices_to_judge(conn, campaign_id)?;
    let numbers: Vec<String> = offices
        .iter()
        .map(|o| o.participant.office_number.clone())
        .collect();
    let listed = lists::listed_among(conn, &list.id, &numbers)?;
    drop(numbers);
    let inputs: Vec<Judged> = offices
        .iter()
        .map(|o| {
            judged(
                o,
                listed.contains(&o.participant.office_number),
                Some(list.imported_at),
                as_of,
            )
        })
        .collect();
    let verdicts = year_end::check(&inputs, campaign.partner_failure_blocks);
    let inputs_json = |input: &Judged| {
        serde_json::to_string(input)
            .map_err(|e| ServiceError::Format(format!("a check's inputs as JSON: {e}")))
    };
    let mut digest = Sha256::new();
    digest.update(format!(
        "{}\n{}\n{as_of}\n{}\n",
        list.id, list.sha256, campaign.partner_failure_blocks
    ));
    for input in &inputs {
        digest.update(inputs_json(input)?);
        digest.update("\n");
    }
    let check = CheckRow {
        id: CheckId::new(),
        campaign_id: campaign_id.clone(),
        as_of,
        usage_list_id: list.id.clone(),
        total_amount: verdicts.iter().map(|v| v.amount).sum(),
        eligible_count: verdicts.iter().filter(|v| v.eligible).count() as i32,
        inputs_sha256: hex::encode(digest.finalize()),
        created_at: now,
        created_by: actor.label.clone(),
        notified_at: None,
        dry_run: year_end::dry_run(as_of, list.as_of, campaign.ends_on).is_some(),
    };
    rows::insert_check(conn, &check)?;
    // Results written a chunk at a time, each with what it was judged on, so a national check
    // never holds every office's inputs as JSON at once; kept only to answer inline.
    let count = offices.len() as i64;
    let mut kept = Vec::new();
    for ((offices, inputs), verdicts) in offices
        .chunks(RESULT_CHUNK)
        .zip(inputs.chunks(RESULT_CHUNK))
        .zip(verdicts.chunks(RESULT_CHUNK))
    {
        let mut results = Vec::with_capacity(offices.len());
        for ((office, input), verdict) in offices.iter().zip(inputs).zip(verdicts) {
            results.push(ResultRow {
                check_id: check.id.clone(),
                office_number: verdict.office_number.clone(),
                participant_id: office.participant.id.clone(),
                application_id: office.participant.application_id.clone(),
                role: verdict.role,
                eligible: verdict.eligible,
                amount: verdict.amount,
                reasons: verdict
                    .reasons
                    .iter()
                    .map(|r| r.as_str())
                    .collect::<Vec<_>>()
                    .join(","),
                inputs_json: inputs_json(input)?,
            });
        }
        rows::insert_results(conn, &results)?;
        if count <= super::MAX_INLINE_ROWS {
            kept.extend(results);
        }
    }
    audit::record(
        conn,
        now,
        audit::Change {
            actor: &actor.label,
            action: Action::YearEndCheckRun,
            entity: "year_end_check",
            entity_id: check.id.as_str(),
            campaign_id: Some(campaign_id),
            before: None,
            after: Some(crate::service::audit::snapshot(&check)?),
        },
    )?;
    Ok(view(check, count, inline_rows(count, || Ok(kept))?))
}

pub fn get(conn: &mut DbConn, id: &CheckId) -> ServiceResult<CheckView> {
    let check = rows::find_check(conn, id)?.ok_or(ServiceError::NotFound("year-end check"))?;
    let count = rows::count_results(conn, id)?;
    let results = inline_rows(count, || Ok(rows::results_of(conn, id)?))?;
    Ok(view(check, count, results))
}

/// The campaign's checks, newest first, without their results.
pub fn list(conn: &mut DbConn, campaign_id: &CampaignId) -> ServiceResult<Vec<CheckView>> {
    campaigns::find(conn, campaign_id)?.ok_or(ServiceError::NotFound("campaign"))?;
    let mut checks = Vec::new();
    for check in rows::checks_of(conn, campaign_id)? {
        let count = rows::count_results(conn, &check.id)?;
        checks.push(view(check, count, None));
    }
    Ok(checks)
}

/// A page of a check's results, in office-number order.
pub fn results(conn: &mut DbConn, id: &CheckId, page: Page) -> ServiceResult<Paged<ResultView>> {
    rows::find_check(conn, id)?.ok_or(ServiceError::NotFound("year-end check"))?;
    let total = rows::count_results(conn, id)?;
    let items = rows::results_page(conn, id, page.offset(), page.per_page)?
        .into_iter()
        .map(result_view)
        .collect();
    Ok(Paged::new(items, total, page))
}

/// Mails every judged office its result, once per check. Runs inside the caller's write
/// transaction.
pub fn notify(uc: UseCase<'_>, id: &CheckId) -> ServiceResult<CheckView> {
    let check = rows::find_check(uc.conn, id)?.ok_or(ServiceError::NotFound("year-end check"))?;
    let campaign =
        campaigns::find(uc.conn, &check.campaign_id)?.ok_or(ServiceError::NotFound("campaign"))?;
    if !rows::mark_notified(uc.conn, id, uc.now)? {
        return Err(ServiceError::StateConflict(Conflict::ResultsMailedAlready));
    }
    // A page of results at a time: 100,000 offices' messages held at once took the server
    // near a gigabyte.
    let mut mailed = 0usize;
    let mut offset = 0i64;
    loop {
        let results = rows::results_page(uc.conn, id, offset, MAIL_CHUNK)?;
        if results.is_empty() {
            break;
        }
        offset += results.len() as i64;
        let ids: Vec<String> = results.iter().map(|r| r.participant_id.clone()).collect();
        let offices = rows::accepted_among(uc.conn, &ids)?;
        let messages: Vec<_> = results
            .iter()
            .filter_map(|r| offices.get(&r.participant_id).map(|o| (r, o)))
            .map(|(r, office)| {
                let mut m = mail::office_mail(&campaign, office);
                m.eligible = r.eligible;
                m.amount = yen(r.amount);
                m.reasons = reasons_of(&r.reasons)
                    .iter()
                    .map(|r| r.explained())
                    .collect();
                mail::office_message(
                    uc.notifier,
                    uc.now,
                    OfficeMailKind::YearEndResult,
                    &campaign,
                    office,
                    &m,
                )
            })
            .collect();
        crate::db::outbox::insert(uc.conn, &messages)?;
        mailed += messages.len();
    }
    audit::record(
        uc.conn,
        uc.now,
        audit::Change {
            actor: &uc.actor.label,
            action: Action::YearEndCheckNotify,
            entity: "year_end_check",
            entity_id: id.as_str(),
            campaign_id: Some(&check.campaign_id),
            before: None,
            after: Some(serde_json::json!({"emails": mailed})),
        },
    )?;
    get(uc.conn, id)
}
