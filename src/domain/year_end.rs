//! The year-end check (SPEC "Conditions every paid office must meet"): every accepted office
//! judged on its own, with every condition it fails and the amount it is owed.
//!
//! Conditions for every office: it is still using the system at the campaign end (on the usage
//! list, or a staff attestation with a reason stands in), it answered the start and the end
//! survey, and it has started using the system (a usage start date, recorded or given when it
//! applied). A model office also needs its workflow change confirmed; a referred office must
//! have started on or after the day it was referred, and its linkage must be confirmed.

use super::application::ParticipantRole;
use super::name::named;
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

named! {
    /// Why an office is not paid; a verdict carries every one that applies.
    pub enum Reason {
        /// Neither on the usage list nor attested by staff as still using the system.
        NotUsingAtEnd => "not_using_at_end",
        StartSurveyMissing => "start_survey_missing",
        EndSurveyMissing => "end_survey_missing",
        /// Model offices: the secretariat has not confirmed the workflow change.
        WorkflowChangeUnconfirmed => "workflow_change_unconfirmed",
        /// No date on which the office started using the system.
        UsageNotStarted => "usage_not_started",
        /// Referred offices: started using the system before the day it was referred.
        StartedBeforeReferral => "started_before_referral",
        /// General tiers (single, pair): the recorded start predates the application day, so the
        /// office was already using the system when it applied for a tier meant for new users.
        StartedBeforeApplication => "started_before_application",
        /// Referred offices: the linkage with the referrer is not confirmed.
        LinkageUnconfirmed => "linkage_unconfirmed",
        /// Only with the campaign rule `partner_failure_blocks`: another office of the same
        /// application fails.
        PartnerIneligible => "partner_ineligible",
    }
}

impl Reason {
    /// The reason in plain Japanese, for the office's email.
    pub fn explained(self) -> &'static str {
        match self {
            Reason::NotUsingAtEnd => "年度末時点でシステムの継続利用が確認できませんでした",
            Reason::StartSurveyMissing => "利用開始時アンケートへのご回答が確認できませんでした",
            Reason::EndSurveyMissing => "年度末アンケートへのご回答が確認できませんでした",
            Reason::WorkflowChangeUnconfirmed => "業務フロー変更へのご協力が確認できませんでした",
            Reason::UsageNotStarted => "システムの利用開始日が確認できませんでした",
            Reason::StartedBeforeReferral => "ご紹介を受けた日より前から利用を開始されていました",
            Reason::StartedBeforeApplication => {
                "応募日より前から利用を開始されていました（一般枠はこれから利用を始める事業所が対象です）"
            }
            Reason::LinkageUnconfirmed => "紹介元事業所とのデータ連携が確認できませんでした",
            Reason::PartnerIneligible => "同じ応募の他の事業所が要件を満たしませんでした",
        }
    }
}

impl Reason {
    /// The condition this reason fails, as the applicant's checklist words it.
    pub fn requirement(self) -> &'static str {
        match self {
            Reason::NotUsingAtEnd => {
                "年度末時点でシステムを継続利用していること（年度末に事務局が確認します）"
            }
            Reason::StartSurveyMissing => "利用開始時アンケートへの回答",
            Reason::EndSurveyMissing => "年度末アンケートへの回答",
            Reason::WorkflowChangeUnconfirmed => "業務フロー変更へのご協力（事務局が確認します）",
            Reason::UsageNotStarted => {
                "システムの利用開始（利用を始めた日を事務局へお知らせください）"
            }
            Reason::StartedBeforeReferral => "ご紹介を受けた日以降に利用を開始していること",
            Reason::StartedBeforeApplication => "応募日以降に利用を開始していること",
            Reason::LinkageUnconfirmed => "紹介元事業所とのデータ連携（事務局が確認します）",
            Reason::PartnerIneligible => "同じ応募の他の事業所も要件を満たしていること",
        }
    }
}

impl Reason {
    /// Conditions on the day the office started using the system.
    fn needs_a_start(self) -> bool {
        matches!(
            self,
            Reason::StartedBeforeReferral | Reason::StartedBeforeApplication
        )
    }
}

/// Why a check pays nothing: it shows verdicts, but no batch is drafted or approved from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DryRun {
    #[error("the check is a dry run: it is as of {as_of}, before the campaign ends on {ends_on}")]
    CheckBeforeEnd {
        as_of: NaiveDate,
        ends_on: NaiveDate,
    },
    #[error("the check is a dry run: its usage list is as of {list_as_of}, before the campaign ends on {ends_on}")]
    ListBeforeEnd {
        list_as_of: NaiveDate,
        ends_on: NaiveDate,
    },
}

/// Whether a check as of `as_of` on a usage list as of `list_as_of` is a dry run for a campaign
/// ending on `ends_on`: continued use at the end can only be judged at or after the end, on a
/// list from then.
pub fn dry_run(as_of: NaiveDate, list_as_of: NaiveDate, ends_on: NaiveDate) -> Option<DryRun> {
    if as_of < ends_on {
        Some(DryRun::CheckBeforeEnd { as_of, ends_on })
    } else if list_as_of < ends_on {
        Some(DryRun::ListBeforeEnd {
            list_as_of,
            ends_on,
        })
    } else {
        None
    }
}

/// One condition of payment and whether what is recorded so far meets it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    pub reason: Reason,
    pub met: bool,
}

/// Every condition `office` must meet to be paid, in the check's order, each marked met or not
/// by the same rule the year-end check applies. `office.on_usage_list` should say whether a
/// usage list names it; before the year end nobody is on one, so continued use stays unmet.
pub fn conditions(office: &Judged) -> Vec<Condition> {
    use Reason::*;
    let fails = failures(office);
    let mut applicable = vec![
        NotUsingAtEnd,
        StartSurveyMissing,
        EndSurveyMissing,
        UsageNotStarted,
    ];
    match office.role {
        ParticipantRole::Model => applicable.push(WorkflowChangeUnconfirmed),
        ParticipantRole::Referred => applicable.extend([StartedBeforeReferral, LinkageUnconfirmed]),
        ParticipantRole::Single | ParticipantRole::PairMember => {
            applicable.push(StartedBeforeApplication)
        }
    }
    // A start "on or after" a day is not met while no start is known: the check names only
    // the missing start, but a checklist that ticked the condition beside it would mislead.
    let started = office.started_on().is_some();
    applicable
        .into_iter()
        .map(|reason| Condition {
            reason,
            met: !fails.contains(&reason) && (started || !reason.needs_a_start()),
        })
        .collect()
}

/// What the secretariat has recorded for one office.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Checkpoints {
    pub usage_started_on: Option<NaiveDate>,
    pub start_survey_answered: bool,
    pub end_survey_answered: bool,
    /// Model offices.
    pub workflow_change_confirmed: bool,
    /// Referred offices.
    pub linkage_confirmed: bool,
    /// Staff attest continued use where the usage list lacks the office; the reason is kept.
    pub continued_use_attested: Option<Attestation>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Attestation {
    pub reason: String,
}

/// One accepted office as the check reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Judged {
    pub office_number: String,
    pub application_id: String,
    pub role: ParticipantRole,
    /// Its tier's honorarium, fixed when it was accepted.
    pub honorarium: i64,
    /// The day it was referred (Japan time), which is its application's submission date.
    pub applied_on: NaiveDate,
    /// What the application said: the day it started using the system, or plans to.
    pub using_system_since: Option<NaiveDate>,
    pub checkpoints: Checkpoints,
    /// When the attestation of continued use, if any, was recorded.
    pub attested_at: Option<NaiveDateTime>,
    /// Whether the usage list the check uses names it.
    pub on_usage_list: bool,
    /// When that list was imported; `None` before any list (the applicant's checklist).
    pub usage_list_imported_at: Option<NaiveDateTime>,
    /// The day the office is judged as of: a start after it is no start.
    pub as_of: NaiveDate,
}

impl Judged {
    /// The day the office started using the system, as far as the record proves it: the
    /// recorded date, else the date given when applying if it was already past then (a later
    /// date typed into the form is a plan). A start after `as_of` has not happened yet.
    pub fn started_on(&self) -> Option<NaiveDate> {
        self.checkpoints
            .usage_started_on
            .or(self.using_system_since.filter(|d| *d <= self.applied_on))
            .filter(|d| *d <= self.as_of)
    }

    /// An attestation stands in for a missing row only in usage lists imported before it was
    /// recorded: a later list that lacks the office needs a new attestation.
    pub fn attested(&self) -> bool {
        self.checkpoints.continued_use_attested.is_some()
            && match (self.usage_list_imported_at, self.attested_at) {
                (None, _) => true,
                (Some(list), Some(attested)) => attested >= list,
                (Some(_), None) => false,
            }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    pub office_number: String,
    pub role: ParticipantRole,
    pub eligible: bool,
    /// Its honorarium when eligible, else 0.
    pub amount: i64,
    pub reasons: Vec<Reason>,
}

/// The conditions `office` fails on its own, in a fixed order.
pub fn failures(office: &Judged) -> Vec<Reason> {
    let c = &office.checkpoints;
    let mut reasons = Vec::new();
    if !office.on_usage_list && !office.attested() {
        reasons.push(Reason::NotUsingAtEnd);
    }
    if !c.start_survey_answered {
        reasons.push(Reason::StartSurveyMissing);
    }
    if !c.end_survey_answered {
        reasons.push(Reason::EndSurveyMissing);
    }
    let started = office.started_on();
    if started.is_none() {
        reasons.push(Reason::UsageNotStarted);
    }
    match office.role {
        ParticipantRole::Single | ParticipantRole::PairMember
            if started.is_some_and(|day| day < office.applied_on) =>
        {
            reasons.push(Reason::StartedBeforeApplication)
        }
        ParticipantRole::Model if !c.workflow_change_confirmed => {
            reasons.push(Reason::WorkflowChangeUnconfirmed)
        }
        ParticipantRole::Referred => {
            if started.is_some_and(|day| day < office.applied_on) {
                reasons.push(Reason::StartedBeforeReferral);
            }
            if !c.linkage_confirmed {
                reasons.push(Reason::LinkageUnconfirmed);
            }
        }
        _ => {}
    }
    reasons
}

/// Judges every office. Each on its own unless `partner_failure_blocks`, when an office whose
/// application has a failing office fails too. The order of `offices` is kept.
pub fn check(offices: &[Judged], partner_failure_blocks: bool) -> Vec<Verdict> {
    let own: Vec<Vec<Reason>> = offices.iter().map(failures).collect();
    // Grouped by application once, so a campaign of 100,000 offices is not 10^10 comparisons.
    let mut failing: HashMap<&str, Vec<&str>> = HashMap::new();
    for (office, reasons) in offices.iter().zip(&own) {
        if !reasons.is_empty() {
            failing
                .entry(office.application_id.as_str())
                .or_default()
                .push(office.office_number.as_str());
        }
    }
    offices
        .iter()
        .zip(own)
        .map(|(office, mut reasons)| {
            let partner_failed = failing
                .get(office.application_id.as_str())
                .is_some_and(|numbers| numbers.iter().any(|n| *n != office.office_number));
            if partner_failure_blocks && partner_failed {
                reasons.push(Reason::PartnerIneligible);
            }
            let eligible = reasons.is_empty();
            Verdict {
                office_number: office.office_number.clone(),
                role: office.role,
                eligible,
                amount: if eligible { office.honorarium } else { 0 },
                reasons,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
