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
    applicable
        .into_iter()
        .map(|reason| Condition {
            reason,
            met: !fails.contains(&reason),
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
    offices
        .iter()
        .zip(&own)
        .map(|(office, reasons)| {
            let mut reasons = reasons.clone();
            let partner_failed = offices.iter().zip(&own).any(|(other, r)| {
                other.application_id == office.application_id
                    && other.office_number != office.office_number
                    && !r.is_empty()
            });
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
mod tests {
    use super::*;
    use ParticipantRole::*;
    use Reason::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn at(s: &str) -> NaiveDateTime {
        s.parse().unwrap()
    }

    /// An office that meets every condition of its role.
    fn complete(n: u32, role: ParticipantRole, application: &str) -> Judged {
        Judged {
            office_number: format!("13{n:08}"),
            application_id: application.into(),
            role,
            honorarium: if role == Model { 31_000 } else { 26_000 },
            applied_on: day("2023-11-01"),
            using_system_since: None,
            checkpoints: Checkpoints {
                usage_started_on: Some(day("2023-11-20")),
                start_survey_answered: true,
                end_survey_answered: true,
                workflow_change_confirmed: true,
                linkage_confirmed: true,
                continued_use_attested: None,
            },
            attested_at: None,
            on_usage_list: true,
            usage_list_imported_at: Some(at("2024-04-01T01:00:00")),
            as_of: day("2024-03-31"),
        }
    }

    #[test]
    fn the_checklist_names_each_condition_of_the_role_and_agrees_with_the_check() {
        for role in [Single, PairMember, Model, Referred] {
            let done = complete(1, role, "a");
            let listed = conditions(&done);
            assert!(listed.iter().all(|c| c.met), "{role:?}");
            let expected = match role {
                Model => 5,
                Referred => 6,
                _ => 5,
            };
            assert_eq!(listed.len(), expected, "{role:?}");

            let mut open = done.clone();
            open.checkpoints = Checkpoints::default();
            open.on_usage_list = false;
            let unmet: Vec<Reason> = conditions(&open)
                .into_iter()
                .filter(|c| !c.met)
                .map(|c| c.reason)
                .collect();
            assert_eq!(unmet, failures(&open), "{role:?}");
        }
    }

    #[test]
    fn an_office_meeting_every_condition_is_paid_its_honorarium() {
        for role in [Single, PairMember, Model, Referred] {
            let v = check(&[complete(1, role, "a")], false);
            assert_eq!(v[0].reasons, [], "{role:?}");
            assert!(v[0].eligible);
            assert_eq!(v[0].amount, if role == Model { 31_000 } else { 26_000 });
        }
    }

    /// Each row: a change to a complete office, the roles it applies to, and the reason it
    /// must give (roles outside the list must stay eligible).
    type Breach = fn(&mut Judged);

    #[test]
    fn every_reason_code_for_every_role() {
        const ALL: [ParticipantRole; 4] = [Single, PairMember, Model, Referred];
        let table: Vec<(&str, Breach, &[ParticipantRole], Reason)> = vec![
            (
                "off the list, no attestation",
                |o| o.on_usage_list = false,
                &ALL,
                NotUsingAtEnd,
            ),
            (
                "no start survey",
                |o| o.checkpoints.start_survey_answered = false,
                &ALL,
                StartSurveyMissing,
            ),
            (
                "no end survey",
                |o| o.checkpoints.end_survey_answered = false,
                &ALL,
                EndSurveyMissing,
            ),
            (
                "no usage start",
                |o| o.checkpoints.usage_started_on = None,
                &ALL,
                UsageNotStarted,
            ),
            (
                "started after the day judged",
                |o| o.checkpoints.usage_started_on = Some(day("2024-04-01")),
                &ALL,
                UsageNotStarted,
            ),
            (
                "only a plan typed into the form",
                |o| {
                    o.checkpoints.usage_started_on = None;
                    o.using_system_since = Some(day("2023-12-01"));
                },
                &ALL,
                UsageNotStarted,
            ),
            (
                "workflow unconfirmed",
                |o| o.checkpoints.workflow_change_confirmed = false,
                &[Model],
                WorkflowChangeUnconfirmed,
            ),
            (
                "started before referral",
                |o| o.checkpoints.usage_started_on = Some(day("2023-10-31")),
                &[Referred],
                StartedBeforeReferral,
            ),
            (
                "started before applying",
                |o| o.checkpoints.usage_started_on = Some(day("2023-10-31")),
                &[Single, PairMember],
                StartedBeforeApplication,
            ),
            (
                "linkage unconfirmed",
                |o| o.checkpoints.linkage_confirmed = false,
                &[Referred],
                LinkageUnconfirmed,
            ),
        ];
        for (what, breach, applies_to, reason) in table {
            for role in ALL {
                let mut office = complete(1, role, "a");
                breach(&mut office);
                let v = &check(&[office], false)[0];
                if applies_to.contains(&role) {
                    assert_eq!(v.reasons, [reason], "{what} for {role:?}");
                    assert!(!v.eligible);
                    assert_eq!(v.amount, 0);
                } else {
                    assert!(
                        !v.reasons.contains(&reason),
                        "{what} does not concern {role:?}: {:?}",
                        v.reasons
                    );
                }
            }
        }
    }

    #[test]
    fn every_failed_condition_is_listed_not_just_the_first() {
        let mut office = complete(1, Referred, "a");
        office.on_usage_list = false;
        office.checkpoints = Checkpoints::default();
        let v = &check(&[office], false)[0];
        assert_eq!(
            v.reasons,
            [
                NotUsingAtEnd,
                StartSurveyMissing,
                EndSurveyMissing,
                UsageNotStarted,
                LinkageUnconfirmed
            ]
        );
    }

    #[test]
    fn an_attestation_stands_in_for_a_missing_row_of_lists_imported_before_it_only() {
        let mut office = complete(1, Single, "a");
        office.on_usage_list = false;
        office.checkpoints.continued_use_attested = Some(Attestation {
            reason: "一覧の更新漏れ、事務局で利用画面を確認".into(),
        });
        office.attested_at = Some(at("2024-04-02T00:00:00"));
        assert!(check(&[office.clone()], false)[0].eligible);
        office.usage_list_imported_at = Some(at("2024-04-03T00:00:00"));
        assert_eq!(check(&[office.clone()], false)[0].reasons, [NotUsingAtEnd]);
        office.attested_at = None;
        assert_eq!(check(&[office.clone()], false)[0].reasons, [NotUsingAtEnd]);
        office.usage_list_imported_at = None;
        assert!(conditions(&office).iter().all(|c| c.met), "no list yet");
    }

    #[test]
    fn a_start_date_given_when_applying_counts_and_the_referral_day_itself_is_allowed() {
        let mut model = complete(1, Model, "a");
        model.checkpoints.usage_started_on = None;
        model.using_system_since = Some(day("2022-04-01"));
        let mut referred = complete(2, Referred, "a");
        referred.checkpoints.usage_started_on = Some(referred.applied_on);
        let v = check(&[model, referred], false);
        assert!(v.iter().all(|v| v.eligible), "{v:?}");
    }

    #[test]
    fn partners_are_judged_alone_unless_the_campaign_says_otherwise() {
        let model = complete(1, Model, "a");
        let mut referred = complete(2, Referred, "a");
        referred.checkpoints.linkage_confirmed = false;
        let other = complete(3, Single, "b");
        let alone = check(&[model.clone(), referred.clone(), other.clone()], false);
        assert_eq!(
            alone.iter().map(|v| v.eligible).collect::<Vec<_>>(),
            [true, false, true]
        );
        let blocked = check(&[model, referred, other], true);
        assert_eq!(blocked[0].reasons, [PartnerIneligible]);
        assert_eq!(blocked[1].reasons, [LinkageUnconfirmed]);
        assert!(blocked[2].eligible);
    }

    #[test]
    fn the_musashino_full_house_comes_to_1_350_000_yen() {
        let mut offices = Vec::new();
        for m in 0..10u32 {
            offices.push(complete(m, Model, &format!("m{m}")));
            offices.push(complete(100 + m, Referred, &format!("m{m}")));
        }
        for g in 0..30u32 {
            offices.push(complete(200 + g, Single, &format!("g{g}")));
        }
        let v = check(&offices, false);
        assert_eq!(v.len(), 50);
        assert!(v.iter().all(|v| v.eligible));
        assert_eq!(v.iter().map(|v| v.amount).sum::<i64>(), 1_350_000);
    }

    #[test]
    fn a_check_before_the_end_or_on_an_earlier_list_is_a_dry_run() {
        let end = day("2024-03-31");
        assert_eq!(
            dry_run(day("2023-12-01"), day("2023-12-01"), end),
            Some(DryRun::CheckBeforeEnd {
                as_of: day("2023-12-01"),
                ends_on: end
            })
        );
        assert_eq!(
            dry_run(day("2024-04-05"), day("2024-03-30"), end),
            Some(DryRun::ListBeforeEnd {
                list_as_of: day("2024-03-30"),
                ends_on: end
            })
        );
        assert_eq!(dry_run(end, end, end), None, "the end day itself counts");
        assert_eq!(dry_run(day("2024-04-05"), day("2024-04-01"), end), None);
    }

    #[test]
    fn the_same_inputs_give_the_same_verdicts() {
        let mut offices: Vec<Judged> = (0..20).map(|n| complete(n, Single, "x")).collect();
        offices[3].checkpoints.end_survey_answered = false;
        assert_eq!(check(&offices, true), check(&offices, true));
    }
}
