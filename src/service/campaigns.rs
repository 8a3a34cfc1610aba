//! Creating, reading and changing campaigns, and the public slot counter.

use super::applications::MAX_REASON_CHARS;
use super::{allocation, Actor, Page, Paged, ServiceError, ServiceResult};
use crate::db::campaigns::{self as rows, CampaignRow, DeadlineChangeRow};
use crate::db::{audit, is_unique_violation, DbConn};
use crate::domain::audit_action::Action;
use crate::domain::campaign::{given, Contact, Honoraria, Phase, Rules, Settings};
use crate::domain::conflict::Conflict;
use crate::domain::ids::CampaignId;
use crate::domain::survey::SurveyDays;
use crate::domain::{jst, FieldErrors};
use crate::service::audit::snapshot;
use crate::service::UseCase;
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CampaignInput {
    pub code: String,
    pub name: String,
    pub region_code: String,
    pub region_name: String,
    pub opens_at: DateTime<FixedOffset>,
    /// The last day (Japan time) on which applications are taken.
    pub deadline: NaiveDate,
    /// The continued-use check day.
    pub ends_on: NaiveDate,
    pub total_slots: i32,
    pub model_slots: i32,
    #[serde(default)]
    pub reserved_seminar_slots: i32,
    #[serde(default = "one")]
    pub max_referrals: i32,
    pub honoraria: Honoraria,
    #[serde(default)]
    pub rules: Option<Rules>,
    /// The secretariat applicants can reach: shown on every applicant page and email.
    #[serde(default)]
    pub contact: Option<Contact>,
    #[serde(default)]
    pub privacy_notice: Option<String>,
    #[serde(default)]
    pub privacy_notice_url: Option<String>,
    /// Days before `ends_on` on which the end survey opens (default 31).
    #[serde(default)]
    pub end_survey_opens_days: Option<i32>,
    /// Days after `ends_on` on which both surveys close (default 30).
    #[serde(default)]
    pub survey_closes_days_after_end: Option<i32>,
    /// The start and end surveys, set with the campaign (as the fixture ships them).
    #[serde(default)]
    pub surveys: Option<super::surveys::CampaignSurveys>,
}

fn one() -> i32 {
    1
}

impl CampaignInput {
    pub fn settings(&self) -> Settings {
        Settings {
            code: self.code.trim().to_owned(),
            name: self.name.trim().to_owned(),
            region_code: self.region_code.trim().to_owned(),
            region_name: self.region_name.trim().to_owned(),
            opens_at: self.opens_at.naive_utc(),
            deadline: self.deadline,
            ends_on: self.ends_on,
            total_slots: self.total_slots,
            model_slots: self.model_slots,
            reserved_seminar_slots: self.reserved_seminar_slots,
            max_referrals: self.max_referrals,
            honoraria: self.honoraria,
            rules: self.rules.unwrap_or_default(),
            contact: self
                .contact
                .as_ref()
                .map(Contact::trimmed)
                .unwrap_or_default(),
            privacy_notice: given(self.privacy_notice.as_ref()),
            privacy_notice_url: given(self.privacy_notice_url.as_ref()),
            survey_days: SurveyDays {
                end_survey_opens_days: self
                    .end_survey_opens_days
                    .unwrap_or(SurveyDays::default().end_survey_opens_days),
                survey_closes_days_after_end: self
                    .survey_closes_days_after_end
                    .unwrap_or(SurveyDays::default().survey_closes_days_after_end),
            },
        }
    }
}

/// A change to a campaign; absent fields stay as they are.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CampaignPatch {
    pub name: Option<String>,
    pub region_name: Option<String>,
    pub opens_at: Option<DateTime<FixedOffset>>,
    pub deadline: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub total_slots: Option<i32>,
    pub model_slots: Option<i32>,
    pub reserved_seminar_slots: Option<i32>,
    pub max_referrals: Option<i32>,
    pub honoraria: Option<Honoraria>,
    pub rules: Option<Rules>,
    /// Replaces the whole contact; `""` clears a part.
    pub contact: Option<Contact>,
    /// `""` clears it.
    pub privacy_notice: Option<String>,
    /// `""` clears it.
    pub privacy_notice_url: Option<String>,
    pub end_survey_opens_days: Option<i32>,
    pub survey_closes_days_after_end: Option<i32>,
    /// Why the deadline changes; required with `deadline`.
    pub reason: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DeadlineChange {
    pub previous_deadline: NaiveDate,
    pub new_deadline: NaiveDate,
    pub reason: String,
    pub changed_by: String,
    pub changed_at: DateTime<FixedOffset>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CampaignView {
    pub id: CampaignId,
    pub code: String,
    pub name: String,
    pub region_code: String,
    pub region_name: String,
    pub opens_at: DateTime<FixedOffset>,
    pub deadline: NaiveDate,
    /// When applications stop being taken: the end of the deadline day in Japan.
    pub closes_at: DateTime<FixedOffset>,
    pub ends_on: NaiveDate,
    pub total_slots: i32,
    pub model_slots: i32,
    pub reserved_seminar_slots: i32,
    pub max_referrals: i32,
    pub honoraria: Honoraria,
    pub rules: Rules,
    pub contact: Contact,
    pub privacy_notice: Option<String>,
    pub privacy_notice_url: Option<String>,
    /// Days before `ends_on` on which the end survey opens.
    pub end_survey_opens_days: i32,
    /// Days after `ends_on` on which both surveys close.
    pub survey_closes_days_after_end: i32,
    pub phase: Phase,
    pub deadline_history: Vec<DeadlineChange>,
    pub created_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
}

fn view(row: CampaignRow, history: Vec<DeadlineChangeRow>, now: NaiveDateTime) -> CampaignView {
    let s = row.settings();
    CampaignView {
        phase: s.phase(now),
        closes_at: jst::to_jst(jst::end_of_day_utc(row.deadline)),
        opens_at: jst::to_jst(row.opens_at),
        created_at: jst::to_jst(row.created_at),
        updated_at: jst::to_jst(row.updated_at),
        deadline_history: history
            .into_iter()
            .map(|h| DeadlineChange {
                previous_deadline: h.previous_deadline,
                new_deadline: h.new_deadline,
                reason: h.reason,
                changed_by: h.changed_by,
                changed_at: jst::to_jst(h.changed_at),
            })
            .collect(),
        id: row.id,
        code: s.code,
        name: s.name,
        region_code: s.region_code,
        region_name: s.region_name,
        deadline: s.deadline,
        ends_on: s.ends_on,
        total_slots: s.total_slots,
        model_slots: s.model_slots,
        reserved_seminar_slots: s.reserved_seminar_slots,
        max_referrals: s.max_referrals,
        honoraria: s.honoraria,
        rules: s.rules,
        contact: s.contact,
        privacy_notice: s.privacy_notice,
        privacy_notice_url: s.privacy_notice_url,
        end_survey_opens_days: s.survey_days.end_survey_opens_days,
        survey_closes_days_after_end: s.survey_days.survey_closes_days_after_end,
    }
}

pub fn find(conn: &mut DbConn, id: &CampaignId) -> ServiceResult<CampaignRow> {
    rows::find(conn, id)?.ok_or(ServiceError::NotFound("campaign"))
}

/// A campaign as its public application form shows it.
pub struct PublicCampaign {
    pub id: CampaignId,
    pub settings: Settings,
    pub phase: Phase,
    pub slots: allocation::SlotsView,
}

/// The campaign with `code`, with its slot counter from `counts`.
pub fn public_by_code(
    conn: &mut DbConn,
    code: &str,
    now: NaiveDateTime,
    counts: impl FnOnce(&mut DbConn, &CampaignId) -> ServiceResult<allocation::Counts>,
) -> ServiceResult<PublicCampaign> {
    let row = rows::find_by_code(conn, code)?.ok_or(ServiceError::NotFound("campaign"))?;
    let slots = allocation::slots(&row, counts(conn, &row.id)?, now);
    let settings = row.settings();
    Ok(PublicCampaign {
        id: row.id,
        phase: settings.phase(now),
        settings,
        slots,
    })
}

pub fn get(conn: &mut DbConn, id: &CampaignId, now: NaiveDateTime) -> ServiceResult<CampaignView> {
    let row = find(conn, id)?;
    let history = rows::deadline_history(conn, id)?;
    Ok(view(row, history, now))
}

pub fn list(
    conn: &mut DbConn,
    page: Page,
    now: NaiveDateTime,
) -> ServiceResult<Paged<CampaignView>> {
    let (found, total) = rows::list(conn, page.offset(), page.per_page)?;
    let mut items = Vec::with_capacity(found.len());
    for row in found {
        let history = rows::deadline_history(conn, &row.id)?;
        items.push(view(row, history, now));
    }
    Ok(Paged::new(items, total, page))
}

pub fn create(
    conn: &mut DbConn,
    actor: &Actor,
    now: NaiveDateTime,
    input: &CampaignInput,
) -> ServiceResult<CampaignView> {
    let settings = input.settings();
    let mut errors = settings.check();
    if let Some(surveys) = &input.surveys {
        errors.extend(surveys.check());
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let row = CampaignRow::new(CampaignId::new(), &settings, now);
    rows::insert(conn, &row).map_err(|e| {
        if is_unique_violation(&e) {
            ServiceError::StateConflict(Conflict::CampaignCodeTaken {
                code: row.code.clone(),
            })
        } else {
            e.into()
        }
    })?;
    for (kind, definition) in input.surveys.iter().flat_map(|s| s.given()) {
        super::surveys::stored(conn, actor, now, &row.id, kind, definition)?;
    }
    let mut after = snapshot(&row)?;
    if let (Some(object), Some(surveys)) = (after.as_object_mut(), &input.surveys) {
        object.insert("surveys".into(), snapshot(surveys)?);
    }
    audit::record(
        conn,
        now,
        audit::Change {
            actor: &actor.label,
            action: Action::CampaignCreate,
            entity: "campaign",
            entity_id: row.id.as_str(),
            campaign_id: Some(&row.id),
            before: None,
            after: Some(after),
        },
    )?;
    Ok(view(row, Vec::new(), now))
}

fn merged(current: &Settings, patch: &CampaignPatch) -> Settings {
    let mut s = current.clone();
    if let Some(v) = &patch.name {
        s.name = v.trim().to_owned();
    }
    if let Some(v) = &patch.region_name {
        s.region_name = v.trim().to_owned();
    }
    if let Some(v) = patch.opens_at {
        s.opens_at = v.naive_utc();
    }
    s.deadline = patch.deadline.unwrap_or(s.deadline);
    s.ends_on = patch.ends_on.unwrap_or(s.ends_on);
    s.total_slots = patch.total_slots.unwrap_or(s.total_slots);
    s.model_slots = patch.model_slots.unwrap_or(s.model_slots);
    s.reserved_seminar_slots = patch
        .reserved_seminar_slots
        .unwrap_or(s.reserved_seminar_slots);
    s.max_referrals = patch.max_referrals.unwrap_or(s.max_referrals);
    s.honoraria = patch.honoraria.unwrap_or(s.honoraria);
    s.rules = patch.rules.unwrap_or(s.rules);
    if let Some(v) = &patch.contact {
        s.contact = v.trimmed();
    }
    if let Some(v) = &patch.privacy_notice {
        s.privacy_notice = given(Some(v));
    }
    if let Some(v) = &patch.privacy_notice_url {
        s.privacy_notice_url = given(Some(v));
    }
    if let Some(v) = patch.end_survey_opens_days {
        s.survey_days.end_survey_opens_days = v;
    }
    if let Some(v) = patch.survey_closes_days_after_end {
        s.survey_days.survey_closes_days_after_end = v;
    }
    s
}

/// Whether `next` may replace `current`, refusals in the API's order: the campaign's state
/// (409), then every invalid field (422), then what taken slots forbid (409).
fn refuse_update(
    conn: &mut DbConn,
    id: &CampaignId,
    now: NaiveDateTime,
    (current, next): (&Settings, &Settings),
    reason: &str,
) -> ServiceResult<()> {
    let opened = current.phase(now) != Phase::NotYetOpen;
    if opened && next.honoraria != current.honoraria {
        return Err(ServiceError::StateConflict(
            Conflict::HonorariaFixedOnceOpen,
        ));
    }
    if opened && next.opens_at != current.opens_at {
        return Err(ServiceError::StateConflict(Conflict::OpensAtFixedOnceOpen));
    }
    let mut errors: FieldErrors = next.check();
    if next.deadline != current.deadline && reason.is_empty() {
        errors.push("reason", "a deadline change needs a reason");
    }
    if reason.chars().count() > MAX_REASON_CHARS {
        errors.push(
            "reason",
            format!("must be at most {MAX_REASON_CHARS} characters"),
        );
    } else if let Err(e) = crate::domain::text::multi_line(reason) {
        errors.push("reason", e.to_string());
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let held = allocation::held(conn, id)?;
    if !allocation::caps(next).hold(held) {
        return Err(ServiceError::StateConflict(Conflict::SlotsBelowTaken {
            offices: held.offices,
            model: held.model,
            non_attendees: held.non_attendees,
        }));
    }
    Ok(())
}

/// Applies `patch` under the campaign's lock; waiting applications that now fit are promoted.
pub fn update(
    mut uc: UseCase<'_>,
    id: &CampaignId,
    patch: &CampaignPatch,
) -> ServiceResult<CampaignView> {
    let before = rows::lock(uc.conn, id)?.ok_or(ServiceError::NotFound("campaign"))?;
    let current = before.settings();
    let next = merged(&current, patch);
    let reason = patch.reason.as_deref().map(str::trim).unwrap_or("");
    refuse_update(uc.conn, id, uc.now, (&current, &next), reason)?;
    let deadline_moves = next.deadline != current.deadline;
    let mut after = before.clone();
    after.apply(&next);
    after.updated_at = uc.now;
    rows::save(uc.conn, &after)?;
    if deadline_moves {
        rows::insert_deadline_change(
            uc.conn,
            &DeadlineChangeRow {
                id: uuid::Uuid::new_v4().to_string(),
                campaign_id: id.clone(),
                previous_deadline: current.deadline,
                new_deadline: next.deadline,
                reason: reason.to_owned(),
                changed_by: uc.actor.label.clone(),
                changed_at: uc.now,
            },
        )?;
    }
    audit::record(
        uc.conn,
        uc.now,
        audit::Change {
            actor: &uc.actor.label,
            action: if deadline_moves {
                Action::CampaignDeadlineChange
            } else {
                Action::CampaignUpdate
            },
            entity: "campaign",
            entity_id: id.as_str(),
            campaign_id: Some(id),
            before: Some(snapshot(&before)?),
            after: Some(serde_json::json!({"campaign": snapshot(&after)?, "reason": patch.reason})),
        },
    )?;
    allocation::promote_waiting(uc.again(), &after)?;
    get(uc.conn, id, uc.now)
}
