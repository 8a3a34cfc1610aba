//! The campaign's start and end surveys: staff define them, each office of an accepted
//! application answers through its status link, and the answer sets the office's checkpoint
//! in the same transaction. Results are in `surveys::results`.

use super::{campaigns, checkpoints, Actor, ServiceError, ServiceResult};
use crate::db::applications::{self as app_rows, ApplicationRow, ParticipantRow};
use crate::db::campaigns::{self as campaign_rows, CampaignRow};
use crate::db::surveys::{self as rows, AnswerRow, SurveyRow};
use crate::db::{audit, DbConn};
use crate::domain::audit_action::Action;
use crate::domain::checkpoint::CheckpointPatch;
use crate::domain::conflict::Conflict;
use crate::domain::ids::CampaignId;
use crate::domain::jst;
use crate::domain::participation::Status;
use crate::domain::secret::Secret;
use crate::domain::survey::{check_answers, Answers, Definition, SurveyKind, Window, WindowState};
use crate::service::audit::snapshot;
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub mod results;

/// The surveys a campaign may be created with.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CampaignSurveys {
    pub start: Option<Definition>,
    pub end: Option<Definition>,
}

impl CampaignSurveys {
    pub fn given(&self) -> Vec<(SurveyKind, &Definition)> {
        [
            (SurveyKind::Start, &self.start),
            (SurveyKind::End, &self.end),
        ]
        .into_iter()
        .filter_map(|(kind, d)| d.as_ref().map(|d| (kind, d)))
        .collect()
    }

    /// Every fault of every survey given, under `surveys.{kind}.`.
    pub fn check(&self) -> crate::domain::FieldErrors {
        let mut errors = crate::domain::FieldErrors::new();
        for (kind, d) in self.given() {
            for e in d.trimmed().check().into_vec() {
                errors.push(format!("surveys.{kind}.{}", e.field), e.message);
            }
        }
        errors
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SurveyView {
    pub campaign_id: CampaignId,
    pub kind: SurveyKind,
    pub title: String,
    pub questions: Vec<crate::domain::survey::Question>,
    /// Whether an office has answered, which freezes the questions.
    pub frozen: bool,
    pub updated_at: DateTime<FixedOffset>,
}

fn definition_of(row: &SurveyRow) -> ServiceResult<Definition> {
    Ok(Definition {
        title: row.title.clone(),
        questions: serde_json::from_str(&row.questions_json)
            .map_err(|e| ServiceError::Format(format!("stored survey questions: {e}")))?,
    })
}

fn view(conn: &mut DbConn, row: &SurveyRow) -> ServiceResult<SurveyView> {
    let definition = definition_of(row)?;
    Ok(SurveyView {
        campaign_id: row.campaign_id.clone(),
        kind: row.kind,
        title: definition.title,
        questions: definition.questions,
        frozen: rows::answer_count(conn, &row.campaign_id, row.kind)? > 0,
        updated_at: jst::to_jst(row.updated_at),
    })
}

/// The campaign's survey of `kind`, or 404 for an unknown campaign or an undefined survey.
pub fn find(
    conn: &mut DbConn,
    campaign_id: &CampaignId,
    kind: SurveyKind,
) -> ServiceResult<(SurveyRow, Definition)> {
    campaigns::find(conn, campaign_id)?;
    let row = rows::find(conn, campaign_id, kind)?.ok_or(ServiceError::NotFound("survey"))?;
    let definition = definition_of(&row)?;
    Ok((row, definition))
}

pub fn get(
    conn: &mut DbConn,
    campaign_id: &CampaignId,
    kind: SurveyKind,
) -> ServiceResult<SurveyView> {
    let (row, _) = find(conn, campaign_id, kind)?;
    view(conn, &row)
}

/// Sets the survey's title and questions. Once an office has answered, the questions are
/// frozen (409): the answers were given to them. Runs inside the caller's write transaction.
pub fn define(
    conn: &mut DbConn,
    actor: &Actor,
    now: NaiveDateTime,
    campaign_id: &CampaignId,
    kind: SurveyKind,
    given: &Definition,
) -> ServiceResult<SurveyView> {
    campaign_rows::lock(conn, campaign_id)?.ok_or(ServiceError::NotFound("campaign"))?;
    let definition = given.trimmed();
    let before = rows::find(conn, campaign_id, kind)?;
    if let Some(before) = &before {
        let stored = definition_of(before)?;
        if stored.questions != definition.questions
            && rows::answer_count(conn, campaign_id, kind)? > 0
        {
            return Err(ServiceError::StateConflict(Conflict::SurveyAnswered {
                kind,
            }));
        }
    }
    let row = stored(conn, actor, now, campaign_id, kind, &definition)?;
    let before_json = before.as_ref().map(definition_of).transpose()?;
    audit::record(
        conn,
        now,
        audit::Change {
            actor: &actor.label,
            action: Action::SurveyDefine,
            entity: "survey",
            entity_id: &format!("{campaign_id}:{kind}"),
            campaign_id: Some(campaign_id),
            before: before_json.as_ref().map(snapshot).transpose()?,
            after: Some(snapshot(&definition)?),
        },
    )?;
    view(conn, &row)
}

/// Checks and writes a definition, trimmed, without an audit event of its own: the caller
/// records it (a campaign's creation carries its surveys).
pub fn stored(
    conn: &mut DbConn,
    actor: &Actor,
    now: NaiveDateTime,
    campaign_id: &CampaignId,
    kind: SurveyKind,
    given: &Definition,
) -> ServiceResult<SurveyRow> {
    let definition = given.trimmed();
    let errors = definition.check();
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let row = SurveyRow {
        campaign_id: campaign_id.clone(),
        kind,
        title: definition.title.clone(),
        questions_json: serde_json::to_string(&definition.questions)
            .map_err(|e| ServiceError::Format(e.to_string()))?,
        updated_at: now,
        updated_by: actor.label.clone(),
    };
    rows::save(conn, &row)?;
    Ok(row)
}

/// One office of an application, facing one survey.
pub struct OfficeSurvey {
    pub campaign: CampaignRow,
    pub app: ApplicationRow,
    pub office: ParticipantRow,
    pub survey: SurveyRow,
    pub definition: Definition,
    pub window: Window,
    /// What the office answered last, if it has.
    pub answered: Option<AnswerRow>,
}

impl OfficeSurvey {
    pub fn state(&self, today: NaiveDate) -> WindowState {
        self.window.state(today)
    }

    pub fn answers(&self) -> Answers {
        self.answered
            .as_ref()
            .and_then(|a| serde_json::from_str(&a.answers_json).ok())
            .unwrap_or_default()
    }
}

/// The day an office of `app` was accepted, while it takes part.
pub fn accepted_on(app: &ApplicationRow, office: &ParticipantRow) -> Option<NaiveDate> {
    (app.status == Status::Accepted && office.status == Status::Accepted)
        .then(|| jst::date_of(app.accepted_at.unwrap_or(app.submitted_at)))
}

/// The survey as the office behind `secret` sees it: 404 for an unknown link, an office not
/// in the application or a survey not defined.
pub fn for_office(
    conn: &mut DbConn,
    secret: &Secret,
    kind: SurveyKind,
    office_number: &str,
) -> ServiceResult<OfficeSurvey> {
    let app = super::applications::find_by_secret(conn, secret)?;
    let office = app_rows::participants_of(conn, std::slice::from_ref(&app.id))?
        .into_iter()
        .find(|p| p.office_number == crate::domain::written::plain_number(office_number))
        .ok_or(ServiceError::NotFound("office of this application"))?;
    let campaign = campaigns::find(conn, &app.campaign_id)?;
    let survey = rows::find(conn, &campaign.id, kind)?.ok_or(ServiceError::NotFound("survey"))?;
    let definition = definition_of(&survey)?;
    let window = Window::of(
        kind,
        accepted_on(&app, &office),
        campaign.ends_on,
        campaign.survey_days(),
    );
    let answered = rows::answer_of(conn, &campaign.id, kind, &office.id)?;
    Ok(OfficeSurvey {
        campaign,
        app,
        office,
        survey,
        definition,
        window,
        answered,
    })
}

/// Why a survey takes no answer now, in the API's words.
pub fn refusal(kind: SurveyKind, state: WindowState) -> Option<Conflict> {
    match state {
        WindowState::Open => None,
        WindowState::NotYet(opens_on) => Some(Conflict::SurveyNotYet { kind, opens_on }),
        WindowState::Closed(closed_after) => Some(Conflict::SurveyClosed { kind, closed_after }),
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AnswerView {
    pub kind: SurveyKind,
    pub office_number: String,
    pub answers: Answers,
    pub answered_at: DateTime<FixedOffset>,
    /// Whether this replaced an earlier answer of the office.
    pub replaced: bool,
}

/// Keeps an office's answers (replacing earlier ones) and sets its checkpoint, both audited
/// with the applicant as actor. Refusals in the API's order: 404, 409 outside the window,
/// 422 naming `answers.{key}`. Runs inside the caller's write transaction.
pub fn answer(
    conn: &mut DbConn,
    now: NaiveDateTime,
    secret: &Secret,
    kind: SurveyKind,
    office_number: &str,
    given: &BTreeMap<String, serde_json::Value>,
) -> ServiceResult<AnswerView> {
    let mut found = for_office(conn, secret, kind, office_number)?;
    campaign_rows::lock(conn, &found.campaign.id)?.ok_or(ServiceError::NotFound("campaign"))?;
    // Read again under the lock: an answer sent twice at once replaces the one kept first.
    found.answered = rows::answer_of(conn, &found.campaign.id, kind, &found.office.id)?;
    if let Some(why) = refusal(kind, found.state(jst::date_of(now))) {
        return Err(ServiceError::StateConflict(why));
    }
    let answers = check_answers(&found.definition, given).map_err(ServiceError::Invalid)?;
    let row = AnswerRow {
        campaign_id: found.campaign.id.clone(),
        kind,
        participant_id: found.office.id.clone(),
        office_number: found.office.office_number.clone(),
        answers_json: serde_json::to_string(&answers)
            .map_err(|e| ServiceError::Format(e.to_string()))?,
        answered_at: now,
    };
    rows::save_answer(conn, &row)?;
    let actor = Actor::applicant();
    let previous = found.answered.as_ref().map(|_| found.answers());
    audit::record(
        conn,
        now,
        audit::Change {
            actor: &actor.label,
            action: Action::SurveyAnswer,
            entity: "participant",
            entity_id: &found.office.id,
            campaign_id: Some(&found.campaign.id),
            before: previous
                .as_ref()
                .map(|a| serde_json::json!({"kind": kind, "answers": a})),
            after: Some(serde_json::json!({
                "kind": kind,
                "office_number": row.office_number,
                "answers": answers,
            })),
        },
    )?;
    let patch = match kind {
        SurveyKind::Start => CheckpointPatch {
            start_survey_answered: Some(true),
            ..CheckpointPatch::default()
        },
        SurveyKind::End => CheckpointPatch {
            end_survey_answered: Some(true),
            ..CheckpointPatch::default()
        },
    };
    let current =
        crate::db::year_end::accepted_office(conn, &found.campaign.id, &row.office_number)?
            .map(|o| checkpoints::of_row(o.checkpoints.as_ref()));
    let set = current.is_some_and(|c| match kind {
        SurveyKind::Start => c.start_survey_answered,
        SurveyKind::End => c.end_survey_answered,
    });
    if !set {
        checkpoints::patch(
            conn,
            &actor,
            now,
            &found.campaign.id,
            &row.office_number,
            &patch,
        )?;
    }
    Ok(AnswerView {
        kind,
        office_number: row.office_number,
        answers,
        answered_at: jst::to_jst(now),
        replaced: found.answered.is_some(),
    })
}

/// Where an office answers a survey, for a page or an email.
pub fn page_path(secret: &Secret, kind: SurveyKind, office_number: &str) -> String {
    format!(
        "{}/surveys/{kind}?office={office_number}",
        super::status_link::page_path(secret)
    )
}

/// One survey of one office, as the status page and the reminders list it.
#[derive(Debug, Clone)]
pub struct SurveyStatus {
    pub kind: SurveyKind,
    pub answered: bool,
    pub state: WindowState,
}

/// For each office (by participant id, with the day it was accepted), each defined survey
/// with whether it was answered and whether it takes answers on `today`.
pub fn statuses(
    conn: &mut DbConn,
    campaign: &CampaignRow,
    offices: &[(Option<NaiveDate>, &ParticipantRow)],
    today: NaiveDate,
) -> ServiceResult<BTreeMap<String, Vec<SurveyStatus>>> {
    let kinds = {
        let mut k = rows::defined(conn, &campaign.id)?;
        k.sort_by_key(|k| SurveyKind::ALL.iter().position(|x| x == k));
        k
    };
    let ids: Vec<String> = offices.iter().map(|(_, p)| p.id.clone()).collect();
    let answered: std::collections::HashSet<(String, SurveyKind)> =
        rows::answered_by(conn, &ids)?.into_iter().collect();
    Ok(offices
        .iter()
        .map(|(accepted, p)| {
            let list = kinds
                .iter()
                .map(|&kind| SurveyStatus {
                    kind,
                    answered: answered.contains(&(p.id.clone(), kind)),
                    state: Window::of(kind, *accepted, campaign.ends_on, campaign.survey_days())
                        .state(today),
                })
                .collect();
            (p.id.clone(), list)
        })
        .collect())
}

/// For each accepted office (by participant id), a link to every survey it can answer today
/// and has not: what a reminder offers. An answered survey set its checkpoint, so one the
/// secretariat ticked by hand is not asked for again either.
pub fn reminder_links(
    conn: &mut DbConn,
    public_base_url: &str,
    campaign: &CampaignRow,
    offices: &[crate::db::year_end::AcceptedOffice],
    today: NaiveDate,
) -> ServiceResult<BTreeMap<String, Vec<crate::email::templates::SurveyLink>>> {
    let app_ids: Vec<_> = offices
        .iter()
        .map(|o| o.participant.application_id.clone())
        .collect();
    let secrets: std::collections::HashMap<_, _> = rows::secrets_of(conn, &app_ids)?
        .into_iter()
        .map(|(id, secret, accepted_at)| (id, (secret, accepted_at)))
        .collect();
    let pairs: Vec<_> = offices
        .iter()
        .map(|o| {
            let accepted = secrets
                .get(&o.participant.application_id)
                .map(|(_, at)| jst::date_of(at.unwrap_or(o.submitted_at)));
            (accepted, &o.participant)
        })
        .collect();
    let mut all = statuses(conn, campaign, &pairs, today)?;
    Ok(offices
        .iter()
        .filter_map(|o| {
            let (secret, _) = secrets.get(&o.participant.application_id)?;
            let done = checkpoints::of_row(o.checkpoints.as_ref());
            let links = all
                .remove(&o.participant.id)
                .unwrap_or_default()
                .into_iter()
                .filter(|s| s.state == WindowState::Open)
                .filter(|s| match s.kind {
                    SurveyKind::Start => !done.start_survey_answered,
                    SurveyKind::End => !done.end_survey_answered,
                })
                .map(|s| crate::email::templates::SurveyLink {
                    label: s.kind.label_ja(),
                    url: format!(
                        "{public_base_url}{}",
                        page_path(secret, s.kind, &o.participant.office_number)
                    ),
                })
                .collect();
            Some((o.participant.id.clone(), links))
        })
        .collect())
}
