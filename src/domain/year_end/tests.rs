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
        let mut expected = failures(&open);
        // With no start known, the condition on the start's date is not met either, though
        // the check names only the missing start.
        match role {
            Referred => expected.insert(
                expected
                    .iter()
                    .position(|r| *r == LinkageUnconfirmed)
                    .unwrap(),
                StartedBeforeReferral,
            ),
            Single | PairMember => expected.push(StartedBeforeApplication),
            Model => {}
        }
        assert_eq!(unmet, expected, "{role:?}");
        assert!(failures(&open).contains(&UsageNotStarted));
        assert!(!failures(&open).contains(&StartedBeforeReferral));
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
