//! One participation per office and campaign, in any role: an office named by an application
//! that is accepted, waiting or disqualified may not be named again; a withdrawal frees it, and
//! so does voiding an application someone else made in the office's name.

use super::name::named;

named! {
    pub enum Status {
        Accepted => "accepted",
        Waitlisted => "waitlisted",
        Withdrawn => "withdrawn",
        Disqualified => "disqualified",
        Voided => "voided",
    }
}

impl Status {
    /// The status as the applicant reads it.
    pub fn label_ja(self) -> &'static str {
        match self {
            Status::Accepted => "参加決定",
            Status::Waitlisted => "キャンセル待ち",
            Status::Withdrawn => "辞退済み",
            Status::Disqualified => "参加取消",
            Status::Voided => "無効",
        }
    }
}

impl Status {
    /// Whether the application still takes part (or waits to): what it would be paid still
    /// means something, and it may still be withdrawn.
    pub fn in_campaign(self) -> bool {
        matches!(self, Status::Accepted | Status::Waitlisted)
    }

    /// Whether an application in this state keeps its offices from applying again.
    pub fn holds_offices(self) -> bool {
        !matches!(self, Status::Withdrawn | Status::Voided)
    }
}

/// Of the earlier participations `(office, status)`, those that stop an application naming
/// `wanted` offices.
pub fn blocking<'a, O: PartialEq>(
    earlier: &'a [(O, Status)],
    wanted: &[O],
) -> Vec<&'a (O, Status)> {
    earlier
        .iter()
        .filter(|(office, status)| status.holds_offices() && wanted.contains(office))
        .collect()
}

/// How an application leaves the campaign.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// The applicant (or staff for them) takes it back.
    Withdraw,
    /// Staff take it away, with a reason.
    Disqualify,
    /// Staff find it was not made by the office it names, with a reason: it never counted.
    Void,
}

/// Whether an application in `status` may leave by `exit`. Accepted and waiting ones may do
/// either. A withdrawn one may still be disqualified: otherwise an applicant could withdraw to
/// dodge a pending disqualification and apply again, free. A disqualified one may still be
/// voided: a squatter disqualified before anyone saw what it was would lock the real office out
/// for good. Nothing leaves twice, and nothing leaves a void.
pub fn may_leave(status: Status, exit: Exit) -> bool {
    match status {
        Status::Accepted | Status::Waitlisted => true,
        Status::Withdrawn => exit == Exit::Disqualify,
        Status::Disqualified => exit == Exit::Void,
        Status::Voided => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn who_may_still_leave_and_how() {
        use Exit::*;
        use Status::*;
        for (status, exit, allowed) in [
            (Accepted, Withdraw, true),
            (Accepted, Disqualify, true),
            (Accepted, Void, true),
            (Waitlisted, Withdraw, true),
            (Waitlisted, Disqualify, true),
            (Waitlisted, Void, true),
            (Withdrawn, Withdraw, false),
            (Withdrawn, Disqualify, true),
            (Withdrawn, Void, false),
            (Disqualified, Withdraw, false),
            (Disqualified, Disqualify, false),
            (Disqualified, Void, true),
            (Voided, Withdraw, false),
            (Voided, Disqualify, false),
            (Voided, Void, false),
        ] {
            assert_eq!(may_leave(status, exit), allowed, "{status:?} {exit:?}");
        }
    }

    #[test]
    fn only_a_withdrawal_or_a_void_frees_an_office() {
        let earlier = [
            ("a", Status::Accepted),
            ("b", Status::Waitlisted),
            ("c", Status::Withdrawn),
            ("d", Status::Disqualified),
            ("v", Status::Voided),
        ];
        let found: Vec<_> = blocking(&earlier, &["a", "b", "c", "d", "v", "e"])
            .into_iter()
            .map(|(o, _)| *o)
            .collect();
        assert_eq!(found, ["a", "b", "d"]);
    }

    #[test]
    fn statuses_round_trip_through_their_names() {
        for s in [
            Status::Accepted,
            Status::Waitlisted,
            Status::Withdrawn,
            Status::Disqualified,
            Status::Voided,
        ] {
            assert_eq!(s.as_str().parse::<Status>(), Ok(s));
        }
    }

    #[test]
    fn an_unknown_stored_status_is_an_error_not_a_guess() {
        for stored in ["", "Accepted", "accept", "pending"] {
            assert!(stored.parse::<Status>().is_err(), "{stored:?}");
        }
    }
}
