//! One participation per office and campaign, in any role: an office named by an application
//! that is accepted, waiting or disqualified may not be named again; a withdrawal frees it.

use super::name::named;

named! {
    pub enum Status {
        Accepted => "accepted",
        Waitlisted => "waitlisted",
        Withdrawn => "withdrawn",
        Disqualified => "disqualified",
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
        }
    }
}

impl Status {
    /// Whether an application in this state keeps its offices from applying again.
    pub fn holds_offices(self) -> bool {
        self != Status::Withdrawn
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_withdrawal_frees_an_office() {
        let earlier = [
            ("a", Status::Accepted),
            ("b", Status::Waitlisted),
            ("c", Status::Withdrawn),
            ("d", Status::Disqualified),
        ];
        let found: Vec<_> = blocking(&earlier, &["a", "b", "c", "d", "e"])
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
