use super::*;

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// One of each refusal. The match below has no wildcard, so a new variant fails to compile
/// until it is listed here and said in both languages.
fn every_conflict() -> Vec<Conflict> {
    use Conflict::*;
    let all = vec![
        CampaignNotOpenYet,
        CampaignClosed,
        HonorariaFixedOnceOpen,
        OpensAtFixedOnceOpen,
        SlotsBelowTaken {
            offices: 3,
            model: 1,
            non_attendees: 0,
        },
        CampaignCodeTaken {
            code: "musashino".into(),
        },
        ApplicationAlready {
            status: Status::Withdrawn,
        },
        CorrectionsClosed(crate::domain::correction::Closed::DeadlinePassed),
        CorrectionsClosed(crate::domain::correction::Closed::Left(Status::Voided)),
        AppliedAgain,
        TwinKeys,
        SurveyAnswered {
            kind: SurveyKind::Start,
        },
        SurveyNotYet {
            kind: SurveyKind::End,
            opens_on: Some(day("2027-02-28")),
        },
        SurveyNotYet {
            kind: SurveyKind::Start,
            opens_on: None,
        },
        SurveyClosed {
            kind: SurveyKind::End,
            closed_after: day("2027-04-30"),
        },
        MessageAlready {
            status: DeliveryStatus::Queued,
        },
        ResultsMailedAlready,
        NoUsageList {
            as_of: day("2027-03-31"),
        },
        NewerCheck,
        DryRun(None),
        DryRun(Some(crate::domain::year_end::DryRun::CheckBeforeEnd {
            as_of: day("2027-01-31"),
            ends_on: day("2027-03-31"),
        })),
        DraftExists,
        Corrects(CorrectsRefusal::NothingToCorrect),
        Corrects(CorrectsRefusal::MustNameOne),
        Corrects(CorrectsRefusal::NotApprovedHere),
        NothingToPay,
        BatchAlready {
            status: BatchStatus::Approved,
        },
        BatchNoLongerDraft,
        OfficesNoLongerAccepted,
        OnlyApprovedSentToBank,
        NothingToTransfer,
        NoPayer,
        OfficesWithoutAccount,
        TransferFile("a transfer of 0 yen is outside 1 to 9,999,999,999".into()),
        PersonDisabled {
            email: "a@example.jp".into(),
        },
        TokenRevoked,
        Person {
            email: "a@example.jp".into(),
            refusal: Refusal::Required,
        },
        NoRegister {
            as_of: day("2027-04-01"),
        },
        NoUsageListForOutcome {
            campaign_id: "c1".into(),
        },
        RegionCode {
            code: "13203".into(),
            why: "must be 6 digits".into(),
        },
    ];
    for c in &all {
        match c {
            CampaignNotOpenYet
            | CampaignClosed
            | HonorariaFixedOnceOpen
            | OpensAtFixedOnceOpen
            | SlotsBelowTaken { .. }
            | CampaignCodeTaken { .. }
            | ApplicationAlready { .. }
            | CorrectionsClosed(_)
            | AppliedAgain
            | TwinKeys
            | SurveyAnswered { .. }
            | SurveyNotYet { .. }
            | SurveyClosed { .. }
            | MessageAlready { .. }
            | ResultsMailedAlready
            | NoUsageList { .. }
            | NewerCheck
            | DryRun(_)
            | DraftExists
            | Corrects(_)
            | NothingToPay
            | BatchAlready { .. }
            | BatchNoLongerDraft
            | OfficesNoLongerAccepted
            | OnlyApprovedSentToBank
            | NothingToTransfer
            | NoPayer
            | OfficesWithoutAccount
            | TransferFile(_)
            | PersonDisabled { .. }
            | TokenRevoked
            | Person { .. }
            | NoRegister { .. }
            | NoUsageListForOutcome { .. }
            | RegionCode { .. } => {}
        }
    }
    all
}

fn has_japanese(text: &str) -> bool {
    text.chars()
        .any(|c| matches!(c, '\u{3040}'..='\u{30ff}' | '\u{4e00}'..='\u{9fff}'))
}

#[test]
fn every_conflict_is_said_in_english_and_in_japanese() {
    for conflict in every_conflict() {
        let english = conflict.english();
        let japanese = conflict.japanese();
        assert!(
            english.is_ascii() || english.contains('…'),
            "{conflict:?}: {english}"
        );
        assert!(has_japanese(&japanese), "{conflict:?}: {japanese}");
        assert_ne!(english, japanese);
    }
}

#[test]
fn every_not_allowed_is_said_in_english_and_in_japanese() {
    for refusal in [
        NotAllowed::SelfApproval,
        NotAllowed::TokenAboveHolder {
            ceiling: Role::Secretariat,
        },
    ] {
        assert!(refusal.english().is_ascii(), "{refusal:?}");
        assert!(has_japanese(&refusal.japanese()), "{refusal:?}");
    }
}

#[test]
fn the_api_says_what_it_said_before() {
    assert_eq!(
        Conflict::ApplicationAlready {
            status: Status::Withdrawn
        }
        .english(),
        "the application is already withdrawn"
    );
    assert_eq!(
        Conflict::DryRun(None).english(),
        "the check is a dry run: it was run before the campaign's end as it then stood; nothing is paid from a dry run: run the check again at or after the end, on a usage list from then"
    );
    assert_eq!(
        Conflict::SurveyNotYet {
            kind: SurveyKind::End,
            opens_on: Some(day("2027-02-28"))
        }
        .english(),
        "the end survey opens on 2027-02-28"
    );
}
